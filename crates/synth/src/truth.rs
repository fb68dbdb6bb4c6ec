//! The ground truth, written as the data streams: which real person (phone,
//! vehicle, vessel, document, organisation, address) each entity of each file is,
//! which network each person belongs to and in what role, and what each document
//! really is. Entity resolution and network analysis are scored against it.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::mrzdocs::Doc;
use crate::world::tid;

type Csv = csv::Writer<BufWriter<File>>;

/// The three truth files under `truth/`.
pub struct Truth {
    dir: PathBuf,
    identities: Csv,
    networks: Csv,
    documents: Csv,
}

/// File names under `truth/`, in the order of the report.
pub const FILES: [&str; 3] = ["identities.csv", "networks.csv", "documents.csv"];

fn open(dir: &Path, name: &str, header: &[&str]) -> Result<Csv, Error> {
    let path = dir.join(name);
    let file = crate::create_fresh(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(BufWriter::new(file));
    w.write_record(header).map_err(|source| Error::Csv { path, source })?;
    Ok(w)
}

impl Truth {
    /// Creates `dir` and the three files with their headers.
    pub fn create(dir: &Path) -> Result<Truth, Error> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(Truth {
            dir: dir.to_path_buf(),
            identities: open(dir, FILES[0], &["dataset", "record_id", "entity", "true_id"])?,
            networks: open(dir, FILES[1], &["true_id", "network_id", "role"])?,
            documents: open(
                dir,
                FILES[2],
                &[
                    "true_id",
                    "kind",
                    "format",
                    "issuing_state",
                    "number",
                    "named_person",
                    "used_by",
                ],
            )?,
        })
    }

    fn err(&self, i: usize) -> impl Fn(csv::Error) -> Error + '_ {
        move |source| Error::Csv {
            path: self.dir.join(FILES[i]),
            source,
        }
    }

    /// Entity `dataset:record:entity` is really `true_id`.
    pub fn identity(&mut self, dataset: &str, record: &str, entity: &str, true_id: &str) -> Result<(), Error> {
        let path = self.dir.join(FILES[0]);
        self.identities
            .write_record([dataset, record, entity, true_id])
            .map_err(|source| Error::Csv { path, source })
    }

    /// Person `person` belongs to `network` with `role`.
    pub fn member(&mut self, person: u64, network: &str, role: &str) -> Result<(), Error> {
        let r = self
            .networks
            .write_record([tid::person(person).as_str(), network, role]);
        r.map_err(self.err(1))
    }

    /// What a document really is and who used it.
    pub fn document(&mut self, doc: &Doc, used_by: u64) -> Result<(), Error> {
        let format = if doc.is_id_card() { "TD1" } else { "TD3" };
        let r = self.documents.write_record([
            tid::doc(doc.id).as_str(),
            doc.kind.status(),
            format,
            doc.issuing_code(),
            doc.number.as_str(),
            tid::person(doc.holder).as_str(),
            tid::person(used_by).as_str(),
        ]);
        r.map_err(self.err(2))
    }

    /// Flushes the files; returns their paths relative to the output directory.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, Error> {
        for (i, w) in [&mut self.identities, &mut self.networks, &mut self.documents]
            .into_iter()
            .enumerate()
        {
            w.flush().map_err(|source| Error::Io {
                path: self.dir.join(FILES[i]),
                source,
            })?;
        }
        Ok(FILES.iter().map(|f| Path::new("truth").join(f)).collect())
    }
}

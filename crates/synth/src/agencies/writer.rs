//! Streams rows to every agency file at once (all writers stay open, buffered), and
//! the ground truth of each row beside it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::format::{Item, StrftimeItems};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::{F, F_COUNT, Kind, SPECS, Spec, mapping::mapping, render_id};
use crate::geo::Ag;
use crate::truth::Truth;
use crate::{Error, SynthFile};

/// One row being built: a value per logical field, and the true id of each entity.
#[derive(Debug)]
pub struct Row {
    vals: Vec<String>,
    truth: Vec<(&'static str, String)>,
}

impl Default for Row {
    fn default() -> Self {
        Row {
            vals: vec![String::new(); F_COUNT],
            truth: Vec::new(),
        }
    }
}

impl Row {
    /// Sets a field; fields the file has no column for are simply not written.
    pub fn set(&mut self, f: F, v: impl Into<String>) {
        self.vals[f as usize] = v.into();
    }

    /// A field's value, empty when unset.
    pub fn get(&self, f: F) -> &str {
        &self.vals[f as usize]
    }

    /// Entity `entity` of this row is really `true_id`.
    pub fn truth(&mut self, entity: &'static str, true_id: String) {
        self.truth.push((entity, true_id));
    }
}

enum Sink {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Json(BufWriter<File>),
}

/// One open agency file.
pub struct FileOut {
    pub spec: &'static Spec,
    sink: Sink,
    path: PathBuf,
    pub rows: u64,
    seq: u64,
    entities: Vec<&'static str>,
    dt: Vec<Item<'static>>,
    d: Vec<Item<'static>>,
    ym: Vec<Item<'static>>,
}

fn items(fmt: &'static str, iso: &'static str) -> Vec<Item<'static>> {
    let f = if fmt.is_empty() { iso } else { fmt };
    StrftimeItems::new(f).parse().unwrap_or_default()
}

impl FileOut {
    /// A date and time in the file's format.
    pub fn dt(&self, t: NaiveDateTime) -> String {
        t.format_with_items(self.dt.iter()).to_string()
    }

    /// A date in the file's format.
    pub fn date(&self, d: NaiveDate) -> String {
        d.format_with_items(self.d.iter()).to_string()
    }

    /// Only the month and year, in the file's format.
    pub fn month(&self, d: NaiveDate) -> String {
        d.format_with_items(self.ym.iter()).to_string()
    }

    /// The next record id, unique in the file.
    pub fn next_id(&mut self, year: i32, station: &str) -> String {
        self.seq += 1;
        render_id(self.spec.id, year, station, self.seq)
    }

    fn write(&mut self, row: &Row, truth: &mut Truth) -> Result<(), Error> {
        let spec = self.spec;
        match &mut self.sink {
            Sink::Csv(w) => {
                let rec = spec.cols.iter().map(|(f, _)| row.get(*f));
                w.write_record(rec).map_err(|source| Error::Csv {
                    path: self.path.clone(),
                    source,
                })?;
            }
            Sink::Json(w) => {
                let mut obj = BTreeMap::new();
                for (f, key) in spec.cols {
                    let v = row.get(*f);
                    if v.is_empty() {
                        continue;
                    }
                    let leaf = if f.numeric() {
                        match (v.parse::<i64>(), v.parse::<f64>()) {
                            (Ok(n), _) => Leaf::Int(n),
                            (_, Ok(x)) if x.is_finite() => Leaf::Float(x),
                            _ => Leaf::Text(v),
                        }
                    } else if f.multi() {
                        Leaf::List(v.split('|').collect())
                    } else {
                        Leaf::Text(v)
                    };
                    insert(&mut obj, key, leaf);
                }
                serde_json::to_writer(&mut *w, &obj).map_err(|source| Error::Json {
                    path: self.path.clone(),
                    source,
                })?;
                w.write_all(b"\n").map_err(|source| Error::Io {
                    path: self.path.clone(),
                    source,
                })?;
            }
        }
        self.rows += 1;
        let mut record = row.get(F::RecId).to_string();
        if spec.has(F::EntryNo) {
            record.push('/');
            record.push_str(row.get(F::EntryNo));
        }
        for (entity, id) in &row.truth {
            if self.entities.contains(entity) {
                truth.identity(spec.dataset, &record, entity, id)?;
            }
        }
        Ok(())
    }
}

/// A JSON value of a row. Objects are `BTreeMap`s, so keys come out sorted
/// whatever features `serde_json` is built with.
#[derive(Serialize)]
#[serde(untagged)]
enum Leaf<'a> {
    Int(i64),
    Float(f64),
    Text(&'a str),
    List(Vec<&'a str>),
    Obj(BTreeMap<&'a str, Leaf<'a>>),
}

fn insert<'a>(obj: &mut BTreeMap<&'a str, Leaf<'a>>, path: &'a str, v: Leaf<'a>) {
    match path.split_once('.') {
        None => {
            obj.insert(path, v);
        }
        Some((head, rest)) => {
            let entry = obj.entry(head).or_insert_with(|| Leaf::Obj(BTreeMap::new()));
            if let Leaf::Obj(inner) = entry {
                insert(inner, rest, v);
            }
        }
    }
}

/// Every agency file and the truth, open for writing.
pub struct Out {
    pub files: Vec<FileOut>,
    pub truth: Truth,
}

fn data_path(spec: &Spec) -> PathBuf {
    Path::new(spec.agency().id).join(spec.file)
}

fn mapping_path(spec: &Spec) -> PathBuf {
    let stem = spec.file.rsplit_once('.').map_or(spec.file, |(s, _)| s);
    Path::new(spec.agency().id).join(format!("{stem}.mapping.toml"))
}

impl Out {
    /// Creates the agency directories, writes every mapping and opens every file.
    pub fn create(dir: &Path) -> Result<Out, Error> {
        let mut files = Vec::with_capacity(SPECS.len());
        for spec in SPECS {
            let agency_dir = dir.join(spec.agency().id);
            std::fs::create_dir_all(&agency_dir).map_err(|source| Error::Io {
                path: agency_dir.clone(),
                source,
            })?;
            let (text, entities) = mapping(spec);
            let mpath = dir.join(mapping_path(spec));
            crate::write_fresh(&mpath, text.as_bytes()).map_err(|source| Error::Io {
                path: mpath.clone(),
                source,
            })?;
            let path = dir.join(data_path(spec));
            let file = crate::create_fresh(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let buf = BufWriter::with_capacity(1 << 16, file);
            let sink = match spec.delim {
                Some(d) => {
                    let mut w = csv::WriterBuilder::new()
                        .delimiter(d)
                        .terminator(csv::Terminator::Any(b'\n'))
                        .from_writer(buf);
                    w.write_record(spec.cols.iter().map(|(_, n)| *n))
                        .map_err(|source| Error::Csv {
                            path: path.clone(),
                            source,
                        })?;
                    Sink::Csv(Box::new(w))
                }
                None => Sink::Json(buf),
            };
            files.push(FileOut {
                spec,
                sink,
                path,
                rows: 0,
                seq: 0,
                entities,
                dt: items(spec.dt, "%Y-%m-%dT%H:%M"),
                d: items(spec.d, "%Y-%m-%d"),
                ym: items(spec.ym, "%Y-%m"),
            });
        }
        Ok(Out {
            files,
            truth: Truth::create(&dir.join("truth"))?,
        })
    }

    /// The file of `ag` recording `kind`, if the agency has one.
    pub fn find(&self, ag: Ag, kind: Kind) -> Option<usize> {
        self.files.iter().position(|f| f.spec.ag == ag && f.spec.kind == kind)
    }

    /// Writes a row to a file, and its truth to `truth/identities.csv`.
    pub fn write(&mut self, file: usize, row: &Row) -> Result<(), Error> {
        self.files[file].write(row, &mut self.truth)
    }

    /// Rows written so far in all files.
    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }

    /// Flushes everything; returns the files for the report and the truth paths.
    pub fn finish(self) -> Result<(Vec<SynthFile>, Vec<PathBuf>), Error> {
        let mut report = Vec::with_capacity(self.files.len());
        for f in self.files {
            match f.sink {
                Sink::Csv(mut w) => w.flush(),
                Sink::Json(mut w) => w.flush(),
            }
            .map_err(|source| Error::Io {
                path: f.path.clone(),
                source,
            })?;
            report.push(SynthFile {
                agency: f.spec.agency().id.to_string(),
                data: data_path(f.spec),
                mapping: mapping_path(f.spec),
                rows: f.rows,
            });
        }
        Ok((report, self.truth.finish()?))
    }
}

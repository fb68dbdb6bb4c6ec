//! Stolen and lost document lists, imported from CSV as agencies keep them (national
//! lists, Interpol SLTD extracts). A hit names the list and its row, so the finding
//! carries the list's own provenance.

use std::path::Path;

/// A watchlist that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WatchlistError {
    #[error("cannot read watchlist {path}: {message}")]
    Read { path: String, message: String },
    #[error("watchlist {path} has no '{column}' column: give a header with number (required), country, status, list")]
    MissingColumn { path: String, column: &'static str },
}

struct Entry {
    number: String,
    country: String,
    status: String,
    list: String,
    row: u64,
}

/// An imported list, matched by document number (O/0 and I/1 read alike) and, when
/// both sides give one, issuing country.
pub struct Watchlist {
    name: String,
    entries: std::collections::HashMap<String, Vec<Entry>>,
}

impl std::fmt::Debug for Watchlist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watchlist")
            .field("name", &self.name)
            .field("numbers", &self.entries.len())
            .finish()
    }
}

fn key(number: &str) -> String {
    corridor_normalize::ident::document_number(number)
        .canonical
        .chars()
        .map(|c| match c {
            'O' => '0',
            'I' => '1',
            o => o,
        })
        .collect()
}

fn country(code: &str) -> String {
    corridor_model::country::to_alpha3(code).map_or_else(|| code.trim().to_ascii_uppercase(), str::to_string)
}

impl Watchlist {
    /// Reads a CSV list with a header: `number` (required), `country`, `status`, `list`.
    pub fn from_csv(path: &Path) -> Result<Watchlist, WatchlistError> {
        let shown = path.display().to_string();
        let read_err = |e: csv::Error| WatchlistError::Read {
            path: shown.clone(),
            message: e.to_string(),
        };
        let mut reader = csv::Reader::from_path(path).map_err(read_err)?;
        let headers = reader.headers().map_err(read_err)?.clone();
        let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let number_col = col("number").ok_or(WatchlistError::MissingColumn {
            path: shown.clone(),
            column: "number",
        })?;
        let (country_col, status_col, list_col) = (col("country"), col("status"), col("list"));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.clone());
        let mut entries: std::collections::HashMap<String, Vec<Entry>> = std::collections::HashMap::new();
        for (i, rec) in reader.records().enumerate() {
            let rec = rec.map_err(read_err)?;
            let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
            let number = get(Some(number_col));
            if number.is_empty() {
                continue;
            }
            entries.entry(key(&number)).or_default().push(Entry {
                number,
                country: country(&get(country_col)),
                status: get(status_col),
                list: get(list_col),
                row: i as u64 + 2,
            });
        }
        Ok(Watchlist { name, entries })
    }

    /// Reasons for every entry matching a document.
    pub fn hits(&self, number: &str, doc_country: &str) -> Vec<String> {
        let Some(found) = self.entries.get(&key(number)) else {
            return Vec::new();
        };
        let doc_country = country(doc_country);
        found
            .iter()
            .filter(|e| e.country.is_empty() || doc_country.is_empty() || e.country == doc_country)
            .map(|e| {
                format!(
                    "{} {} is listed{}{} in {} row {}",
                    if e.country.is_empty() {
                        "document"
                    } else {
                        e.country.as_str()
                    },
                    e.number,
                    if e.status.is_empty() {
                        String::new()
                    } else {
                        format!(" as {}", e.status)
                    },
                    if e.list.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", e.list)
                    },
                    self.name,
                    e.row
                )
            })
            .collect()
    }
}

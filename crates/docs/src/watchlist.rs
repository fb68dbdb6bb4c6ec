//! Stolen and lost document lists, imported from CSV as agencies keep them (national
//! lists, Interpol SLTD extracts). A hit names the list and its row, so the finding
//! carries the list's own provenance.

use std::collections::HashMap;
use std::path::Path;

use corridor_store::{StoredWatchlist, WatchlistEntry};

/// A watchlist that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WatchlistError {
    #[error("cannot read watchlist {path}: {message}")]
    Read { path: String, message: String },
    #[error("watchlist {path} has no '{column}' column: give a header with number (required), country, status, list")]
    MissingColumn { path: String, column: &'static str },
    /// Rows that would be imported wrong: a country that is no code would never
    /// match a document's (a stolen document missed), a row without a number matches
    /// nothing. The whole list is refused so that no count is a lie.
    #[error(
        "watchlist {path}: {count} row(s) cannot be imported as they stand, nothing was imported: {}{}; fix them and import again",
        shown.join("; "),
        if *count > shown.len() { "; …" } else { "" }
    )]
    BadRows {
        path: String,
        count: usize,
        shown: Vec<String>,
    },
}

/// Rows named at most in [`WatchlistError::BadRows`].
const SHOWN_BAD_ROWS: usize = 10;

/// An imported list, matched by document number (O/0 and I/1 read alike) and, when
/// both sides give one, issuing country.
#[derive(Clone)]
pub struct Watchlist {
    name: String,
    /// Who supplied the list and how it is graded and handled, for the hit's reason.
    provenance: String,
    entries: HashMap<String, Vec<WatchlistEntry>>,
}

impl std::fmt::Debug for Watchlist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watchlist")
            .field("name", &self.name)
            .field("numbers", &self.entries.len())
            .finish()
    }
}

/// The key a listed number and a document number are compared by.
pub use corridor_normalize::ident::document_match_key as match_key;

fn country(code: &str) -> String {
    corridor_model::country::to_alpha3(code).map_or_else(|| code.trim().to_ascii_uppercase(), str::to_string)
}

/// Reads a CSV list with a header: `number` (required), `country`, `status`, `list`.
/// Every row needs a number, and a country, where given, must be an ISO 3166 code
/// (`RS`, `SRB`); otherwise the list is refused, naming the rows. Everything else is
/// kept as listed.
pub fn read_csv(path: &Path) -> Result<Vec<WatchlistEntry>, WatchlistError> {
    let bytes = std::fs::read(path).map_err(|e| WatchlistError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    read_csv_bytes(&bytes, path)
}

/// [`read_csv`] of a list already read (`path` names it in messages): so that what
/// is checked and imported is exactly what was hashed.
pub fn read_csv_bytes(bytes: &[u8], path: &Path) -> Result<Vec<WatchlistEntry>, WatchlistError> {
    let shown = path.display().to_string();
    let read_err = |e: csv::Error| WatchlistError::Read {
        path: shown.clone(),
        message: e.to_string(),
    };
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().map_err(read_err)?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let number_col = col("number").ok_or(WatchlistError::MissingColumn {
        path: shown.clone(),
        column: "number",
    })?;
    let (country_col, status_col, list_col) = (col("country"), col("status"), col("list"));
    let mut entries = Vec::new();
    let mut bad: Vec<String> = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(read_err)?;
        let row = i as u64 + 2;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
        let number = get(Some(number_col));
        let listed_country = get(country_col);
        if number.is_empty() || match_key(&number).is_empty() {
            bad.push(format!("row {row}: no document number"));
            continue;
        }
        if !listed_country.is_empty() && corridor_model::country::to_alpha3(&listed_country).is_none() {
            bad.push(format!(
                "row {row}: country '{listed_country}' is not an ISO 3166 code (give one such as RS or SRB)"
            ));
            continue;
        }
        entries.push(WatchlistEntry {
            key: match_key(&number),
            number,
            country: country(&listed_country),
            status: get(status_col),
            list: get(list_col),
            row,
        });
    }
    if !bad.is_empty() {
        return Err(WatchlistError::BadRows {
            path: shown,
            count: bad.len(),
            shown: bad.into_iter().take(SHOWN_BAD_ROWS).collect(),
        });
    }
    Ok(entries)
}

impl Watchlist {
    /// A list read straight from a CSV file, named after the file (`docs check --watchlist`).
    pub fn from_csv(path: &Path) -> Result<Watchlist, WatchlistError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Ok(Watchlist::new(name, String::new(), read_csv(path)?))
    }

    /// A list imported into the store, with its provenance.
    pub fn from_stored(list: &StoredWatchlist) -> Watchlist {
        let unit = if list.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", list.unit)
        };
        let provenance = format!(
            "supplied by {}{unit}, graded {}, handling {}",
            list.agency, list.grading, list.handling
        );
        Watchlist::new(list.name.clone(), provenance, list.entries.clone())
    }

    fn new(name: String, provenance: String, list: Vec<WatchlistEntry>) -> Watchlist {
        let mut entries: HashMap<String, Vec<WatchlistEntry>> = HashMap::new();
        for e in list {
            entries.entry(e.key.clone()).or_default().push(e);
        }
        Watchlist {
            name,
            provenance,
            entries,
        }
    }

    /// Reasons for every entry matching a document.
    pub fn hits(&self, number: &str, doc_country: &str) -> Vec<String> {
        let Some(found) = self.entries.get(&match_key(number)) else {
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
                ) + &if self.provenance.is_empty() {
                    String::new()
                } else {
                    format!("; {}", self.provenance)
                }
            })
            .collect()
    }
}

//! Travel-document checks and the stolen/lost document lists they use.

use std::path::Path;

use corridor_model::{Grading, Handling, HandlingCode};
use corridor_store::{SourceSpec, Store, WatchlistSpec};

use crate::error::{Error, Result};
use crate::session::Session;

/// Checks every stored travel document (MRZ, against the visual zone, expiry, the
/// watchlists in the store and `extra` ones) and stores the findings. Reading the
/// documents is logged.
pub fn check_documents(
    store: &mut dyn Store,
    session: &Session,
    extra: &[corridor_docs::Watchlist],
    today: (i32, u32, u32),
) -> Result<corridor_docs::Outcome> {
    Ok(corridor_docs::run_checks(
        store,
        corridor_docs::Scope::All,
        extra,
        today,
        session.actor(),
        session.purpose(),
    )?)
}

/// A stolen/lost document list to import, with its provenance.
#[derive(Debug, Clone)]
pub struct WatchlistImport<'a> {
    pub file: &'a Path,
    /// Its name in the store; the file's name without it.
    pub name: Option<String>,
    pub agency: String,
    /// ISO 3166 alpha-2 or alpha-3.
    pub country: String,
    pub unit: String,
    pub grading: String,
    pub handling: String,
    pub restriction: Option<String>,
}

/// Reads and checks the list (every entry before the store is touched), then
/// imports it (logged); returns its name and entry count.
pub fn import_watchlist(store: &mut dyn Store, session: &Session, w: &WatchlistImport<'_>) -> Result<(String, usize)> {
    let bad = |e: &dyn std::fmt::Display| Error::BadInput(e.to_string());
    let grading: Grading = w.grading.parse().map_err(|e| bad(&e))?;
    let code: HandlingCode = w.handling.parse().map_err(|e| bad(&e))?;
    let handling = Handling::new(code, w.restriction.clone(), None).map_err(|e| bad(&e))?;
    let country = corridor_model::country::to_alpha3(&w.country).ok_or_else(|| {
        Error::BadInput(format!(
            "country '{}' is not an ISO 3166 country code: give one such as RS or SRB",
            w.country
        ))
    })?;
    // A list is a file: a device or a pipe could be endless.
    if !std::fs::metadata(w.file).is_ok_and(|m| m.is_file()) {
        return Err(Error::BadInput(format!(
            "{} is not a readable file: give the list's CSV file",
            w.file.display()
        )));
    }
    let bytes = std::fs::read(w.file).map_err(|e| Error::BadInput(format!("cannot read {}: {e}", w.file.display())))?;
    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    // The entries of the bytes hashed, not of a second read of the file.
    let entries = corridor_docs::read_csv_bytes(&bytes, w.file).map_err(|e| bad(&e))?;
    let name = w.name.clone().unwrap_or_else(|| {
        w.file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| w.file.display().to_string())
    });
    let source_id = store.register_source(&SourceSpec {
        agency: w.agency.clone(),
        country: country.to_string(),
        agency_name: String::new(),
        unit: w.unit.clone(),
        informant_code: String::new(),
    })?;
    store.import_watchlist(
        &WatchlistSpec {
            name: name.clone(),
            source_id,
            grading,
            handling,
            file_name: w.file.display().to_string(),
            file_sha256: sha256,
        },
        &entries,
        session.actor(),
    )?;
    Ok((name, entries.len()))
}

/// The imported lists with their provenance and entries.
pub fn watchlists(store: &dyn Store) -> Result<Vec<corridor_store::StoredWatchlist>> {
    Ok(store.watchlists()?)
}

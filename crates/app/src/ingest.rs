//! Ingest: one agency file through its mapping into the store, as one batch, and
//! the records that arrive after a resolution matched against it at once.

use std::path::{Path, PathBuf};

use corridor_ingest::{IngestOptions, IngestReport, Limits, Mapping, Progress};
use corridor_store::Store;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::resolution::{IngestMatch, match_new_records};
use crate::session::Session;

/// A file to ingest.
#[derive(Debug, Clone)]
pub struct IngestRequest<'a> {
    /// The mapping's name (its file name, for messages) and text.
    pub mapping_name: &'a str,
    pub mapping_text: &'a str,
    pub file: &'a Path,
    /// Where rejected rows go; beside the file (`FILE.rejects.jsonl`) without it.
    pub rejects: Option<PathBuf>,
    pub limits: Limits,
}

/// What an ingest did, and what matching at ingest did with its persons.
#[derive(Debug, Clone, Serialize)]
pub struct IngestOutcome {
    #[serde(flatten)]
    pub report: IngestReport,
    /// Only when a resolution exists and the batch held persons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<IngestMatch>,
}

/// Checks a mapping: its errors carry the line.
pub fn check_mapping(name: &str, text: &str) -> Result<Mapping> {
    Mapping::parse(name, text).map_err(|e| Error::BadInput(e.to_string()))
}

/// Ingests one file as one batch (logged with the session), then matches its new
/// persons against the latest resolution.
pub fn ingest_file(
    store: &mut dyn Store,
    session: &Session,
    request: &IngestRequest<'_>,
    progress: &dyn Progress,
) -> Result<IngestOutcome> {
    let mapping = check_mapping(request.mapping_name, request.mapping_text)?;
    let rejects_path = request.rejects.clone().unwrap_or_else(|| {
        let mut p = request.file.as_os_str().to_owned();
        p.push(".rejects.jsonl");
        PathBuf::from(p)
    });
    let opts = IngestOptions {
        actor: session.actor().into(),
        purpose: session.purpose().into(),
        rejects_path,
        received_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        limits: request.limits,
    };
    let report = corridor_ingest::ingest(store, &mapping, request.mapping_text, request.file, &opts, progress)
        .map_err(|e| match e {
            corridor_ingest::Error::Store(s) => Error::Store(s),
            other => Error::BadInput(other.to_string()),
        })?;
    let resolution = match report.summary.batch_id {
        Some(b) => Some(match_new_records(store, session, b)?),
        None => None,
    };
    Ok(IngestOutcome { report, resolution })
}

/// Ingests one file into the grant's case: the mapping's data set must be new or
/// already the case's (a file may not add rows to, and so bring into this case,
/// a data set that another case, or no case, holds); after the batch the data set
/// is the case's. The batch is logged with the grant's user, case and purpose.
pub fn ingest_file_in_case(
    store: &mut dyn Store,
    grant: &corridor_access::Grant,
    request: &IngestRequest<'_>,
    progress: &dyn Progress,
) -> Result<IngestOutcome> {
    let case = grant
        .case()
        .ok_or_else(|| Error::BadInput("name the case this data is ingested into".into()))?;
    let mapping = check_mapping(request.mapping_name, request.mapping_text)?;
    let exists = store
        .sources()?
        .iter()
        .any(|s| s.datasets.iter().any(|d| d == &mapping.dataset));
    let refused = || {
        Error::Forbidden(format!(
            "the data set {} exists and is not this case's: name the data set of this file anew in its mapping, or ask an administrator to put the data set into the case",
            mapping.dataset
        ))
    };
    if exists && !store.case_datasets(case.id)?.contains(&mapping.dataset) {
        return Err(refused());
    }
    // The name is claimed for this case before a row is written: of two cases
    // ingesting the same new name at once, the second is refused.
    if !exists && !store.claim_dataset(case.id, &mapping.dataset)? {
        return Err(refused());
    }
    let session = crate::access::session_of(grant)?;
    let outcome = ingest_file(store, &session, request, progress)?;
    match crate::access::add_case_data(store, &session, &case.name, &outcome.report.dataset) {
        // An ingest that kept nothing may have made no data set.
        Err(e) if e.code() == crate::ErrorCode::NotFound => {}
        other => other?,
    }
    Ok(outcome)
}

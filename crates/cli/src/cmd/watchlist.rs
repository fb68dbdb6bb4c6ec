//! `corridor watchlist`: importing stolen/lost document lists with their provenance.
//! From the import on, every ingest checks each document against them; documents
//! already stored are checked by `corridor docs check`.

use std::process::ExitCode;

use anyhow::anyhow;
use corridor_model::{Grading, Handling, HandlingCode};
use corridor_store::{SourceSpec, Store, WatchlistSpec};
use sha2::{Digest, Sha256};

use crate::Ctx;
use crate::args::{WatchlistCommand, WatchlistImportArgs};
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, cmd: &WatchlistCommand) -> Result<ExitCode> {
    match cmd {
        WatchlistCommand::Import(a) => import(ctx, a),
        WatchlistCommand::List => list(ctx),
    }
}

fn bad(e: impl std::fmt::Display) -> Failure {
    Failure::new(Code::BadInput, anyhow!("{e}"))
}

fn import(ctx: &Ctx, a: &WatchlistImportArgs) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    let (name, entries) = import_into(ctx, &mut store, a)?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({"name": name, "entries": entries}))?;
    } else {
        crate::outln!(
            "watchlist {name}: {entries} entries imported; every ingest checks documents against it from now on \
             (run `corridor docs check` for documents already stored)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads and checks the list, then imports it; returns its name and entry count.
/// Shared with `demo`.
pub(crate) fn import_into(ctx: &Ctx, store: &mut dyn Store, a: &WatchlistImportArgs) -> Result<(String, usize)> {
    let grading: Grading = a.grading.parse().map_err(bad)?;
    let code: HandlingCode = a.handling.parse().map_err(bad)?;
    let handling = Handling::new(code, a.restriction.clone(), None).map_err(bad)?;
    let country = corridor_model::country::to_alpha3(&a.country).ok_or_else(|| {
        bad(format!(
            "--country '{}' is not an ISO 3166 country code: give one such as RS or SRB",
            a.country
        ))
    })?;
    let bytes = std::fs::read(&a.file).map_err(|e| bad(format!("cannot read {}: {e}", a.file.display())))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    // Every entry is read and checked before the store is touched.
    let entries = corridor_docs::read_csv(&a.file).map_err(bad)?;
    let name = a.name.clone().unwrap_or_else(|| {
        a.file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| a.file.display().to_string())
    });
    let source_id = store.register_source(&SourceSpec {
        agency: a.agency.clone(),
        country: country.to_string(),
        agency_name: String::new(),
        unit: a.unit.clone(),
        informant_code: String::new(),
    })?;
    store.import_watchlist(
        &WatchlistSpec {
            name: name.clone(),
            source_id,
            grading,
            handling,
            file_name: a.file.display().to_string(),
            file_sha256: sha256,
        },
        &entries,
        &ctx.actor,
    )?;
    Ok((name, entries.len()))
}

fn list(ctx: &Ctx) -> Result<ExitCode> {
    let store = ctx.open()?;
    let lists = store.watchlists()?;
    if ctx.json {
        #[derive(serde::Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            list: &'a corridor_store::StoredWatchlist,
            entry_count: usize,
        }
        let shown: Vec<Shown<'_>> = lists
            .iter()
            .map(|l| Shown {
                list: l,
                entry_count: l.entries.len(),
            })
            .collect();
        // Entries are reference data but can be long: the JSON keeps them.
        ctx.print_json(&shown)?;
    } else {
        for l in &lists {
            crate::outln!(
                "{}  {} entries  from {}{}  {} {}  imported {} by {}  sha256 {}",
                l.name,
                l.entries.len(),
                l.agency,
                if l.unit.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", l.unit)
                },
                l.grading,
                l.handling,
                l.imported_at,
                l.imported_by,
                &l.file_sha256[..l.file_sha256.len().min(12)]
            );
        }
        if lists.is_empty() {
            crate::outln!("no watchlists: import one with `corridor watchlist import FILE --agency NODE --country CC`");
        }
    }
    Ok(ExitCode::SUCCESS)
}

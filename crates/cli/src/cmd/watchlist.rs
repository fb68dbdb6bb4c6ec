//! `corridor watchlist`: importing stolen/lost document lists with their provenance.
//! From the import on, every ingest checks each document against them; documents
//! already stored are checked by `corridor docs check`.

use std::process::ExitCode;

use crate::Ctx;
use crate::args::{WatchlistCommand, WatchlistImportArgs};
use crate::exit::Result;

pub(crate) fn run(ctx: &Ctx, cmd: &WatchlistCommand) -> Result<ExitCode> {
    match cmd {
        WatchlistCommand::Import(a) => import(ctx, a),
        WatchlistCommand::List => list(ctx),
    }
}

fn import(ctx: &Ctx, a: &WatchlistImportArgs) -> Result<ExitCode> {
    let (mut store, _) = ctx.open_for(corridor_access::Action::NodeSettings)?;
    let (name, entries) = crate::steps::import_into(ctx, &mut store, a)?;
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

fn list(ctx: &Ctx) -> Result<ExitCode> {
    let (store, _) = ctx.open_for(corridor_access::Action::NodeStatus)?;
    let lists = corridor_app::documents::watchlists(&store)?;
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

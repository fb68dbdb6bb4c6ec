//! Checks run against the store, whose findings are stored with the entities:
//! the per-document checks on each batch as ingest commits it (stolen-document hits
//! at ingest), and every check over all documents on demand (`corridor docs check`).

use corridor_store::{FindingWrite, Store};

use std::collections::HashMap;

use corridor_model::{Entity, SchemaKind};

use crate::{DocumentUse, Finding, Watchlist, check_each, check_with_uses};

/// The events each document was used at: events that name it (`document`) and
/// events recorded in the same source row as the document (an interception report
/// listing the passport the person carried).
fn uses_at_events(
    store: &mut dyn Store,
    docs: &[Entity],
    actor: &str,
    purpose: &str,
) -> Result<HashMap<String, Vec<DocumentUse>>, corridor_store::Error> {
    let mut by_record: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for d in docs {
        if let Some(s) = d.statements.first() {
            by_record
                .entry((s.provenance.dataset.as_str(), s.provenance.record_id.as_str()))
                .or_default()
                .push(d.id.as_str());
        }
    }
    let mut uses: HashMap<String, Vec<DocumentUse>> = HashMap::new();
    let events = corridor_model::SCHEMATA.iter().filter(|s| s.kind == SchemaKind::Event);
    for schema in events {
        for event in store.entities_of_schema(schema.name, actor, purpose)? {
            let Some(date) = event.values("date").into_iter().next().map(str::to_string) else {
                continue;
            };
            let mut docs_used: Vec<String> = event.values("document").into_iter().map(str::to_string).collect();
            if let Some(s) = event.statements.first()
                && let Some(siblings) = by_record.get(&(s.provenance.dataset.as_str(), s.provenance.record_id.as_str()))
            {
                docs_used.extend(siblings.iter().map(|d| d.to_string()));
            }
            docs_used.sort_unstable();
            docs_used.dedup();
            for d in docs_used {
                uses.entry(d).or_default().push(DocumentUse {
                    event: event.id.clone(),
                    date: date.clone(),
                });
            }
        }
    }
    Ok(uses)
}

/// Which documents a run covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every stored document, with the checks across documents (number reuse).
    All,
    /// The documents one batch wrote, each on its own (the run at ingest).
    Batch(i64),
}

/// What a run found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Documents checked.
    pub documents: usize,
    pub findings: Vec<Finding>,
    /// Findings not stored before this run.
    pub new: u64,
}

/// Checks the documents in `scope` against the stored watchlists and `extra` ones,
/// and stores the findings. Reading the documents is logged with `purpose`.
pub fn run_checks(
    store: &mut dyn Store,
    scope: Scope,
    extra: &[Watchlist],
    today: (i32, u32, u32),
    actor: &str,
    purpose: &str,
) -> Result<Outcome, corridor_store::Error> {
    let mut lists: Vec<Watchlist> = store.watchlists()?.iter().map(Watchlist::from_stored).collect();
    lists.extend(extra.iter().cloned());
    let (documents, findings, origin) = match scope {
        Scope::All => {
            let docs = store.entities_of_schema("TravelDocument", actor, purpose)?;
            let uses = uses_at_events(store, &docs, actor, purpose)?;
            let f = check_with_uses(&docs, &uses, &lists, today);
            (docs.len(), f, "docs check".to_string())
        }
        Scope::Batch(b) => {
            let docs = store.entities_of_batch(b, "TravelDocument", actor, purpose)?;
            let f = check_each(&docs, &lists, today);
            (docs.len(), f, format!("ingest batch {b}"))
        }
    };
    let writes: Vec<FindingWrite> = findings
        .iter()
        .map(|f| FindingWrite {
            kind: f.kind.to_string(),
            entity: f.document.clone(),
            related: f.related.clone(),
            reason: f.reason.clone(),
        })
        .collect();
    let new = if writes.is_empty() {
        0
    } else {
        store.record_findings(&writes, &origin, actor)?
    };
    Ok(Outcome {
        documents,
        findings,
        new,
    })
}

/// The checks ingest runs on each document as it writes it: stolen/lost watchlist
/// hits and specimen numbers. They need no other document and cost a hash lookup,
/// so they run on every row; the MRZ and cross-document checks run on demand.
#[derive(Debug, Clone, Default)]
pub struct AtIngest {
    lists: Vec<Watchlist>,
}

impl AtIngest {
    /// The store's watchlists as they are when the ingest starts.
    pub fn from_store(store: &dyn Store) -> Result<AtIngest, corridor_store::Error> {
        Ok(AtIngest {
            lists: store.watchlists()?.iter().map(Watchlist::from_stored).collect(),
        })
    }

    /// Findings for one document as (kind, reason): `number` and `country` are its
    /// statements as mapped. Allocates nothing when there is nothing to report, since
    /// it runs for every document of every ingest.
    pub fn document(&self, number: &str, country: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let alnum = || {
            number
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_uppercase)
        };
        if let Some(specimen) = crate::SPECIMEN_NUMBERS.iter().find(|s| s.chars().eq(alnum())) {
            out.push(("specimen", format!("{specimen} is a Doc 9303 specimen number")));
        }
        if !self.lists.is_empty() {
            let canonical = corridor_normalize::ident::compact(number);
            for list in &self.lists {
                for reason in list.hits(&canonical, country) {
                    out.push(("watchlist", reason));
                }
            }
        }
        out
    }
}

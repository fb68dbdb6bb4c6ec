//! Resolution's use cases: a run, an analyst's decision, an explanation, the
//! exports of the identity mapping and of the person table, and matching at ingest.
//! Reading the records is logged with the purpose (by the store); runs, decisions
//! and matches at ingest are logged with who and why; exports are logged here
//! before any row is handed out.

mod case;
mod evaluate;
mod export;
mod ingest;
mod load;
pub(crate) use load::SCHEMATA;
mod run;
mod settings;

pub use case::{CaseReviewPair, decide_in_case, explain_in_case, review_in_case};
pub use corridor_resolve::Explanation;
pub use evaluate::{load_model, read_truth, score_against};
pub use export::{IdentityRow, export_identities, export_records, scored_pairs};
pub use ingest::{IngestMatch, match_new_records};
pub use run::{Decided, Decision, RunOutcome, decide, explain, review, run, status};
pub use settings::RunSettings;

//! `corridor source`: registered sources and their grading history.

use std::process::ExitCode;

use corridor_model::SourceReliability;
use corridor_store::Store;

use crate::Ctx;
use crate::args::SourceCommand;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, cmd: &SourceCommand) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    match cmd {
        SourceCommand::List => {
            let sources = store.sources()?;
            if ctx.json {
                ctx.print_json(&sources)?;
            } else {
                for s in &sources {
                    let now = s
                        .source
                        .current_reliability
                        .map_or("as graded per statement".to_string(), |r| r.to_string());
                    crate::outln!(
                        "{:>3}  {} ({}) {}  reliability: {now}  data sets: {}",
                        s.id,
                        s.source.agency,
                        s.source.country,
                        s.source.unit,
                        s.datasets.join(", ")
                    );
                    for h in &s.history {
                        crate::outln!(
                            "       {} {} by {}: {}",
                            h.valid_from,
                            h.reliability,
                            h.recorded_by,
                            h.reason
                        );
                    }
                }
            }
        }
        SourceCommand::Grade { id, grade, reason } => {
            let grade: SourceReliability = grade.parse().map_err(|e| Failure::new(Code::BadInput, e))?;
            store
                .grade_source(*id, grade, reason, &ctx.actor)
                .map_err(|e| match e {
                    corridor_store::Error::Unknown { .. } => Failure::new(Code::NotFound, e),
                    other => Failure::from(other),
                })?;
            crate::outln!("source {id} is now graded {grade}; every statement it gave shows the new grade");
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `corridor source`: registered sources and their grading history.

use std::process::ExitCode;

use crate::Ctx;
use crate::args::SourceCommand;
use crate::exit::Result;

pub(crate) fn run(ctx: &Ctx, cmd: &SourceCommand) -> Result<ExitCode> {
    let action = match cmd {
        SourceCommand::List => corridor_access::Action::NodeStatus,
        _ => corridor_access::Action::NodeSettings,
    };
    let (mut store, _) = ctx.open_for(action)?;
    match cmd {
        SourceCommand::List => {
            let sources = corridor_app::admin::sources(&store)?;
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
            let grade = corridor_app::admin::grade_source(&mut store, &ctx.session()?, *id, grade, reason)?;
            crate::outln!("source {id} is now graded {grade}; every statement it gave shows the new grade");
        }
    }
    Ok(ExitCode::SUCCESS)
}

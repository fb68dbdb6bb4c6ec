//! `corridor rectify`: correct a statement found wrong (the use case is
//! `corridor_app::rectify`).

use std::process::ExitCode;

use crate::Ctx;
use crate::args::RectifyArgs;
use crate::exit::Result;

pub(crate) fn run(ctx: &Ctx, args: &RectifyArgs) -> Result<ExitCode> {
    let (mut store, grant) = ctx.open_for(corridor_access::Action::Rectify)?;
    let outcome = match &grant {
        Some(g) => corridor_app::rectify::rectify_in_case(&mut store, g, args.statement, &args.value, &args.reason)?,
        None => corridor_app::rectify::rectify(&mut store, &ctx.session()?, args.statement, &args.value, &args.reason)?,
    };
    if ctx.json {
        ctx.print_json(&outcome)?;
    } else {
        let r = &outcome.rectified;
        crate::outln!(
            "statement #{} of {} rectified by #{} (batch {}); the old one stays as history",
            r.old,
            crate::text::one_line(&r.entity),
            r.new,
            r.batch
        );
    }
    Ok(ExitCode::SUCCESS)
}

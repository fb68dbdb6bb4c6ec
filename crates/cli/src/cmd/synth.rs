//! `corridor synth`: write a synthetic data set.

use std::process::ExitCode;

use crate::Ctx;
use crate::args::SynthArgs;
use crate::exit::Result;

pub(crate) fn run(ctx: &Ctx, args: &SynthArgs) -> Result<ExitCode> {
    let size = crate::steps::parse_size(&args.size)?;
    let report = crate::steps::generate(args.seed, size, &args.out, args.latin_only)?;
    if ctx.json {
        ctx.print_json(&report)?;
    } else {
        crate::outln!(
            "wrote {} records in {} files ({} persons, {} networks) to {}",
            report.records,
            report.files.len(),
            report.persons,
            report.networks,
            args.out.display()
        );
        for f in &report.files {
            crate::outln!(
                "  {:<10} {:>9} rows  {}  (mapping {})",
                f.agency,
                f.rows,
                f.data.display(),
                f.mapping.display()
            );
        }
        for t in &report.truth {
            crate::outln!("  ground truth  {}", t.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `corridor synth`: write a synthetic data set.

use std::process::ExitCode;

use corridor_synth::{Size, SynthConfig, SynthReport};

use crate::Ctx;
use crate::args::SynthArgs;
use crate::exit::{Code, Failure, Result};

pub(crate) fn parse_size(text: &str) -> Result<Size> {
    text.parse::<Size>()
        .map_err(|e| Failure::new(Code::BadInput, anyhow::anyhow!("--size {text}: {e}")))
}

pub(crate) fn generate(seed: u64, size: Size, out: &std::path::Path, latin_only: bool) -> Result<SynthReport> {
    Ok(corridor_synth::generate(&SynthConfig { seed, size, latin_only }, out)?)
}

pub(crate) fn run(ctx: &Ctx, args: &SynthArgs) -> Result<ExitCode> {
    let size = parse_size(&args.size)?;
    let report = generate(args.seed, size, &args.out, args.latin_only)?;
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

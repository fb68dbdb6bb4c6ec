//! `corridor names`: comparison keys of a name and the similarity of two.

use std::process::ExitCode;

use crate::Ctx;
use crate::args::NamesCommand;
use crate::exit::Result;

pub(crate) fn run(ctx: &Ctx, cmd: &NamesCommand) -> Result<ExitCode> {
    match cmd {
        NamesCommand::Keys { name: None } => keys_of_stdin()?,
        NamesCommand::Keys { name: Some(name) } => {
            let k = corridor_normalize::keys(name);
            if ctx.json {
                ctx.print_json(&k)?;
            } else {
                for (i, t) in k.tokens.iter().enumerate() {
                    println!(
                        "token {}: spellings {}  skeletons {}",
                        i + 1,
                        t.latin.join(", "),
                        t.skeleton.join(", ")
                    );
                }
                if !k.particles.is_empty() {
                    println!("particles: {}", k.particles.join(", "));
                }
                for key in &k.keys {
                    println!("{key}");
                }
            }
        }
        NamesCommand::Compare { a, b } => {
            let c = corridor_normalize::compare(a, b);
            if ctx.json {
                println!("{}", serde_json::to_string(&c)?);
            } else {
                println!("{:.3}", c.score);
                for k in &c.keys {
                    println!("  {k}");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Keys for every line of standard input, one JSON object per name.
fn keys_of_stdin() -> Result<()> {
    crate::lines::map_stdin_lines(|name| {
        let k = corridor_normalize::keys(name);
        serde_json::json!({"name": name, "keys": k.keys}).to_string()
    })
}

//! `corridor names`: comparison keys of a name and the similarity of two.

use std::process::ExitCode;

use crate::Ctx;
use crate::args::NamesCommand;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, cmd: &NamesCommand) -> Result<ExitCode> {
    match cmd {
        NamesCommand::Keys { name: None } => keys_of_stdin()?,
        NamesCommand::Keys { name: Some(name) } => {
            let k = corridor_normalize::keys(name);
            let parsed = corridor_normalize::parse_name(name);
            if ctx.json {
                #[derive(serde::Serialize)]
                struct Shown<'a> {
                    #[serde(flatten)]
                    keys: &'a corridor_normalize::NameKeys,
                    parsed: &'a corridor_normalize::ParsedName,
                }
                ctx.print_json(&Shown {
                    keys: &k,
                    parsed: &parsed,
                })?;
            } else {
                crate::outln!(
                    "given {}  surname {}{}{}  (read by rule: {})",
                    or_none(&parsed.given),
                    or_none(&parsed.surname),
                    if parsed.patronymic.is_empty() {
                        String::new()
                    } else {
                        format!("  patronymic {}", parsed.patronymic.join(" "))
                    },
                    if parsed.initials.is_empty() {
                        String::new()
                    } else {
                        format!("  initials {}", parsed.initials.join(" "))
                    },
                    parsed.rule
                );
                for (i, t) in k.tokens.iter().enumerate() {
                    crate::outln!(
                        "token {}: spellings {}  skeletons {}  phonetic {}",
                        i + 1,
                        t.latin.join(", "),
                        t.skeleton.join(", "),
                        t.phonetic.join(", ")
                    );
                }
                if !k.particles.is_empty() {
                    crate::outln!("particles: {}", k.particles.join(", "));
                }
                for key in &k.keys {
                    crate::outln!("{key}");
                }
            }
        }
        NamesCommand::Compare { a, b } => {
            if let Some(long) = [a, b].into_iter().find(|n| corridor_normalize::over_limits(n)) {
                return Err(Failure::new(
                    Code::BadInput,
                    anyhow::anyhow!(
                        "a name of {} characters: names are compared on their first {} characters and {} words at most; give the name itself",
                        long.chars().count(),
                        corridor_normalize::MAX_NAME_CHARS,
                        corridor_normalize::MAX_NAME_TOKENS
                    ),
                ));
            }
            let c = corridor_normalize::compare(a, b);
            if ctx.json {
                crate::text::print_raw(&format!("{}\n", serde_json::to_string(&c)?));
            } else {
                crate::outln!("{:.3}", c.score);
                for k in &c.keys {
                    crate::outln!("  {k}");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn or_none(parts: &[String]) -> String {
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(" ")
    }
}

/// Keys for every line of standard input, one JSON object per name.
fn keys_of_stdin() -> Result<()> {
    crate::lines::map_stdin_lines(|name| {
        let k = corridor_normalize::keys(name);
        serde_json::json!({"name": name, "keys": k.keys}).to_string()
    })
}

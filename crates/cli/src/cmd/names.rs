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

/// Keys for every line of standard input, in chunks spread over the cores.
fn keys_of_stdin() -> Result<()> {
    use std::io::{BufRead, Write};
    const CHUNK: usize = 20_000;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    loop {
        let mut batch: Vec<String> = Vec::with_capacity(CHUNK * threads);
        for line in lines.by_ref().take(CHUNK * threads) {
            batch.push(line?);
        }
        if batch.is_empty() {
            break;
        }
        let rendered: Vec<std::thread::Result<String>> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(CHUNK)
                .map(|chunk| {
                    s.spawn(move || {
                        let mut text = String::with_capacity(chunk.len() * 120);
                        for name in chunk {
                            let k = corridor_normalize::keys(name);
                            let line = serde_json::json!({"name": name, "keys": k.keys});
                            text.push_str(&line.to_string());
                            text.push('\n');
                        }
                        text
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join()).collect()
        });
        for r in rendered {
            let text = r.map_err(|_| {
                crate::exit::Failure::new(
                    crate::exit::Code::Internal,
                    anyhow::anyhow!("a worker computing name keys failed"),
                )
            })?;
            out.write_all(text.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(())
}

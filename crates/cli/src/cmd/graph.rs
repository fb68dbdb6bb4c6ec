//! `corridor graph analyze`: every network algorithm on a plain edge list, timed
//! step by step, so the same file can be given to igraph, leidenalg or NetworKit and
//! the figures set side by side (`bench/graph`). Touches no store and no personal
//! data: the labels are whatever the file holds.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, anyhow};
use corridor_graph::{EdgeList, betweenness, components, edgelist, leiden, pagerank, paths, sample};
use serde::Serialize;

use crate::args::{GraphAnalyzeArgs, GraphCommand};
use crate::exit::{Code, Failure, Result};
use crate::files::{check_new, write_whole};
use crate::text::spreadsheet_cell;

pub(crate) fn run(cmd: &GraphCommand, force: bool) -> Result<ExitCode> {
    match cmd {
        GraphCommand::Analyze(a) => analyze(a, force)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Milliseconds of each step, in the order they ran.
#[derive(Debug, Default, Serialize)]
struct Timings {
    load: f64,
    components: f64,
    pagerank: f64,
    leiden: f64,
    betweenness: f64,
    paths: f64,
    neighbourhoods: f64,
}

#[derive(Debug, Serialize)]
struct Ranked {
    node: String,
    score: f64,
}

#[derive(Debug, Serialize)]
struct Analysis {
    file: String,
    nodes: usize,
    /// Distinct undirected edges, after merging parallel edges and dropping self-loops.
    edges: usize,
    /// Lines that held an edge.
    lines: usize,
    seed: u64,
    components: ComponentsOut,
    pagerank: PageRankOut,
    leiden: LeidenOut,
    betweenness: BetweennessOut,
    paths: PathsOut,
    neighbourhoods: NeighbourhoodsOut,
    milliseconds: Timings,
}

#[derive(Debug, Serialize)]
struct ComponentsOut {
    count: usize,
    largest: usize,
    singletons: usize,
}

#[derive(Debug, Serialize)]
struct PageRankOut {
    damping: f64,
    iterations: usize,
    top: Vec<Ranked>,
}

#[derive(Debug, Serialize)]
struct LeidenOut {
    resolution: f64,
    communities: usize,
    modularity: f64,
    iterations: usize,
    largest: usize,
}

#[derive(Debug, Serialize)]
struct BetweennessOut {
    /// Sources searched; equal to the node count means exact.
    sources: usize,
    exact: bool,
    top: Vec<Ranked>,
}

#[derive(Debug, Serialize)]
struct PathsOut {
    queries: usize,
    found: usize,
    mean_hops: f64,
    longest: usize,
}

#[derive(Debug, Serialize)]
struct NeighbourhoodsOut {
    centres: usize,
    hops: usize,
    /// Mean number of nodes within the hops, the centre not counted.
    mean_size: f64,
    largest: usize,
}

fn millis(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e5).round() / 100.0
}

fn read_edges(path: &Path) -> Result<EdgeList> {
    let bytes = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("reading standard input")?;
        buf
    } else {
        std::fs::read(path).map_err(|e| {
            let code = if e.kind() == std::io::ErrorKind::NotFound {
                Code::NotFound
            } else {
                Code::BadInput
            };
            Failure::new(code, anyhow!("cannot read the edge list {}: {e}", path.display()))
        })?
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::new(
            Code::BadInput,
            anyhow!(
                "{} is not UTF-8 text (first bad byte at offset {}): an edge list is plain text, one `u v` per line",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    edgelist::parse(&text)
        .map_err(|e| Failure::new(Code::BadInput, anyhow!("{}: {e}; nothing was analysed", path.display())))
}

fn top(scores: &[f64], k: usize, edges: &EdgeList) -> Vec<Ranked> {
    let mut order: Vec<u32> = (0..scores.len() as u32).collect();
    // Highest first; ties by node number, so the list is stable.
    order.sort_by(|a, b| scores[*b as usize].total_cmp(&scores[*a as usize]).then(a.cmp(b)));
    order
        .into_iter()
        .take(k)
        .map(|v| Ranked {
            node: edges.labels.label(v),
            score: scores[v as usize],
        })
        .collect()
}

fn analyze(a: &GraphAnalyzeArgs, force: bool) -> Result<()> {
    if let Some(out) = &a.nodes {
        check_new(out, force).map_err(|e| Failure::new(Code::BadInput, e))?;
    }
    if !(a.resolution > 0.0 && a.resolution.is_finite()) {
        return Err(Failure::new(
            Code::BadInput,
            anyhow!("--resolution must be a positive number (1 is standard modularity)"),
        ));
    }
    let mut ms = Timings::default();
    let t = Instant::now();
    let edges = read_edges(&a.edges)?;
    ms.load = millis(t);
    let g = &edges.graph;
    let n = g.nodes();

    let t = Instant::now();
    let comps = components::components(g);
    ms.components = millis(t);
    let sizes = comps.sizes();

    let damping = 0.85;
    let t = Instant::now();
    let pr = pagerank::pagerank(g, damping, 1e-9, 200);
    ms.pagerank = millis(t);

    let t = Instant::now();
    let communities = leiden::leiden(
        g,
        &leiden::Options {
            resolution: a.resolution,
            seed: a.seed,
            ..Default::default()
        },
    );
    ms.leiden = millis(t);
    let mut community_sizes = vec![0usize; communities.count];
    for &c in &communities.of {
        community_sizes[c as usize] += 1;
    }

    let t = Instant::now();
    let (between, sources) = betweenness::sampled(g, a.sources, a.seed);
    ms.betweenness = millis(t);

    let queries = sample::pairs(n, a.paths, a.seed.wrapping_add(1));
    let t = Instant::now();
    let found = paths::shortest_paths(g, &queries);
    ms.paths = millis(t);
    let hops: Vec<usize> = found.iter().flatten().map(|p| p.len() - 1).collect();

    let centres = sample::nodes(n, a.neighbourhoods, a.seed.wrapping_add(2));
    let t = Instant::now();
    let near = paths::neighbourhoods(g, &centres, a.hops);
    ms.neighbourhoods = millis(t);
    let near_sizes: Vec<usize> = near.iter().map(|v| v.len().saturating_sub(1)).collect();

    if let Some(out) = &a.nodes {
        write_whole(out, force, |w| {
            let mut csv = csv::Writer::from_writer(w);
            csv.write_record(["node", "degree", "component", "community", "pagerank", "betweenness"])?;
            for v in 0..n as u32 {
                let i = v as usize;
                csv.write_record([
                    spreadsheet_cell(&edges.labels.label(v)).into_owned(),
                    g.degree(v).to_string(),
                    comps.of[i].to_string(),
                    communities.of[i].to_string(),
                    pr.scores[i].to_string(),
                    between[i].to_string(),
                ])?;
            }
            csv.flush()?;
            Ok(())
        })
        .map_err(|e| Failure::new(Code::BadInput, e))?;
    }

    let mean = |xs: &[usize]| {
        if xs.is_empty() {
            0.0
        } else {
            xs.iter().sum::<usize>() as f64 / xs.len() as f64
        }
    };
    let analysis = Analysis {
        file: a.edges.display().to_string(),
        nodes: n,
        edges: g.edges(),
        lines: edges.lines,
        seed: a.seed,
        components: ComponentsOut {
            count: comps.count,
            largest: sizes.iter().copied().max().unwrap_or(0),
            singletons: sizes.iter().filter(|&&s| s == 1).count(),
        },
        pagerank: PageRankOut {
            damping,
            iterations: pr.iterations,
            top: top(&pr.scores, a.top, &edges),
        },
        leiden: LeidenOut {
            resolution: a.resolution,
            communities: communities.count,
            modularity: communities.modularity,
            iterations: communities.iterations,
            largest: community_sizes.iter().copied().max().unwrap_or(0),
        },
        betweenness: BetweennessOut {
            sources: sources.len(),
            exact: sources.len() == n,
            top: top(&between, a.top, &edges),
        },
        paths: PathsOut {
            queries: queries.len(),
            found: hops.len(),
            mean_hops: mean(&hops),
            longest: hops.iter().copied().max().unwrap_or(0),
        },
        neighbourhoods: NeighbourhoodsOut {
            centres: centres.len(),
            hops: a.hops,
            mean_size: mean(&near_sizes),
            largest: near_sizes.iter().copied().max().unwrap_or(0),
        },
        milliseconds: ms,
    };
    crate::text::print_raw(&format!("{}\n", serde_json::to_string_pretty(&analysis)?));
    Ok(())
}

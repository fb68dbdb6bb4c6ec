//! `corridor network`: the investigation graph of the store. Every entity is read
//! with its provenance (each schema's read is logged with the purpose), records are
//! taken to their identities by the latest resolution, and only the evidence the
//! reader's filters allow builds the links.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;
use corridor_app::network::{self as app, ExportFormat, ExportRequest, NetworkQuery, NetworkView};
use corridor_network::{InvestigationGraph, Networks, path, routes};
use corridor_store::SqliteStore;
use serde_json::json;

use crate::Ctx;
use crate::args::{NetworkArgs, NetworkCommand, RoutesCommand};
use crate::exit::{Code, Failure, Result};
use crate::files::write_whole;

pub(crate) fn run(ctx: &Ctx, cmd: &NetworkCommand) -> Result<ExitCode> {
    let args = match cmd {
        NetworkCommand::List(a)
        | NetworkCommand::Show { args: a, .. }
        | NetworkCommand::Path { args: a, .. }
        | NetworkCommand::Near { args: a, .. }
        | NetworkCommand::Export { args: a, .. } => a,
    };
    let format = match cmd {
        NetworkCommand::Export { format, .. } => Some(format.parse::<ExportFormat>()?),
        _ => None,
    };
    let mut query = query(args);
    query.filter()?;
    query.parties = match cmd {
        NetworkCommand::Path { a, b, .. } => vec![a.clone(), b.clone()],
        NetworkCommand::Near { id, .. } => vec![id.clone()],
        _ => Vec::new(),
    };
    let action = match cmd {
        NetworkCommand::Export { .. } => corridor_access::Action::DraftExport,
        _ => corridor_access::Action::ReadNetworks,
    };
    let (mut store, grant) = ctx.open_for(action)?;
    if let NetworkCommand::Export {
        network,
        include_protected_names,
        approval,
        out,
        ..
    } = cmd
    {
        // Before an approval is used up: an output file that would be refused.
        if let Some(path) = out {
            ctx.check_output(path)?;
        }
        let what = corridor_app::exports::network_export_what(
            format.unwrap_or(ExportFormat::GraphMl),
            *network,
            *include_protected_names,
            &query,
        );
        if !approved(ctx, &mut store, grant.as_ref(), approval, &what)? {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let view = open(ctx, &mut store, grant.as_ref(), &query)?;
    let g = &view.graph;
    match cmd {
        NetworkCommand::List(a) => list(ctx, g, &view.networks(), a),
        NetworkCommand::Show { id, .. } => show(ctx, &view, &view.networks(), *id),
        NetworkCommand::Path { a, b, .. } => show_path(ctx, &view, a, b),
        NetworkCommand::Near { id, hops, .. } => near(ctx, &view, id, *hops),
        NetworkCommand::Export {
            network,
            out,
            include_protected_names,
            ..
        } => {
            let request = ExportRequest {
                format: format.unwrap_or(ExportFormat::GraphMl),
                network: *network,
                include_protected_names: *include_protected_names,
                destination: out
                    .as_deref()
                    .map_or_else(|| "standard output".to_string(), |p| p.display().to_string()),
            };
            let session = ctx.session_for(grant.as_ref())?;
            export(ctx, &mut store, &session, &view, &request, out.as_deref())
        }
    }
}

/// The query of the command line's options.
pub(crate) fn query(a: &NetworkArgs) -> NetworkQuery {
    NetworkQuery {
        from: a.from.clone(),
        to: a.to.clone(),
        agencies: a.agencies.clone(),
        min_grading: a.min_grading.clone(),
        kinds: a.kinds.clone(),
        handling: a.handling.clone(),
        max_group: a.max_group,
        seed: a.seed,
        resolution: a.resolution,
        min_size: a.min_size,
        include_protected: a.include_protected,
        datasets: None,
        parties: Vec::new(),
    }
}

/// The view of the store `query` allows, with a note when nothing is resolved yet.
fn open(
    ctx: &Ctx,
    store: &mut SqliteStore,
    grant: Option<&corridor_access::Grant>,
    query: &NetworkQuery,
) -> Result<NetworkView> {
    let view = app::open_granted(store, grant, &ctx.session()?, query)?;
    if !view.resolved && !ctx.json {
        eprintln!(
            "note: no resolution in this store yet; each record is its own identity (run `corridor resolve run`)"
        );
    }
    Ok(view)
}

fn export(
    ctx: &Ctx,
    store: &mut SqliteStore,
    session: &corridor_app::Session,
    view: &NetworkView,
    request: &ExportRequest,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let found = view.networks();
    if let Some(path) = out {
        ctx.check_output(path)?;
    }
    match out {
        Some(path) => write_whole(path, ctx.force, |w| {
            app::export(store, session, view, &found, request, w)?;
            Ok(())
        })
        .map_err(|e| match e.downcast::<corridor_app::Error>() {
            Ok(app) => Failure::from(app),
            Err(e) => Failure::new(Code::BadInput, e),
        })?,
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            app::export(store, session, view, &found, request, &mut lock)?;
            std::io::Write::flush(&mut lock).map_err(anyhow::Error::from)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn bad(message: String) -> Failure {
    Failure::new(Code::BadInput, anyhow!(message))
}

fn summary_json(n: &corridor_network::NetworkSummary) -> serde_json::Value {
    json!({
        "id": n.id,
        "size": n.size,
        "roles": n.roles,
        "protected": n.protected,
        "brokers": n.brokers,
        "links": n.links.iter().map(|(k, c)| (k.as_str(), c)).collect::<std::collections::BTreeMap<_, _>>(),
        "selectors": n.selectors,
        "first_seen": n.first_seen,
        "last_seen": n.last_seen,
        "agencies": n.agencies,
        "places": n.places,
    })
}

fn list(ctx: &Ctx, g: &InvestigationGraph, found: &Networks, args: &NetworkArgs) -> Result<ExitCode> {
    let quality = args.truth.as_deref().map(|t| app::score(g, found, t)).transpose()?;
    if ctx.json {
        ctx.print_json(&json!({
            "parties": g.nodes.len(),
            "links": g.links.len(),
            "components": found.components,
            "modularity": found.modularity,
            "betweenness_exact": found.betweenness_exact,
            "too_large": g.too_large,
            "networks": found.networks.iter().map(summary_json).collect::<Vec<_>>(),
            "quality": quality,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::outln!(
        "{} parties, {} links, {} connected groups; {} networks of at least {} (modularity {:.3})",
        g.nodes.len(),
        g.links.len(),
        found.components,
        found.networks.len(),
        args.min_size,
        found.modularity
    );
    for n in &found.networks {
        let roles: Vec<String> = n.roles.iter().map(|(r, c)| format!("{c} {r}")).collect();
        let broker = n
            .brokers
            .first()
            .map_or_else(|| "-".to_string(), |b| format!("{} ({})", b.name, b.id));
        crate::outln!(
            "N{:<4} {:>5} members ({})  {}..{}  agencies {}  top broker {}",
            n.id,
            n.size,
            roles.join(", "),
            n.first_seen.as_deref().unwrap_or("?"),
            n.last_seen.as_deref().unwrap_or("?"),
            n.agencies.join(","),
            broker
        );
    }
    if let Some(q) = &quality {
        crate::outln!(
            "against the truth: {} records of true network members in {} networks, {} found; ARI {:.3}, NMI {:.3}",
            q.records,
            q.true_networks,
            q.found_networks,
            q.adjusted_rand_index,
            q.nmi
        );
    }
    for (schema, id, parties) in &g.too_large {
        crate::outln!(
            "chained in time, not all pairs: {schema} {id} is shared by {parties} parties (above --max-group)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &Ctx, view: &NetworkView, found: &Networks, id: usize) -> Result<ExitCode> {
    let g = &view.graph;
    let n = view.network(found, id)?;
    let members: Vec<serde_json::Value> = n
        .members
        .iter()
        .map(|&v| {
            let node = &g.nodes[v as usize];
            json!({
                "id": node.id,
                "schema": node.schema,
                "name": node.name,
                "categories": node.categories,
                "protected": node.is_protected(),
                "records": node.records,
                "agencies": node.agencies,
                "betweenness": found.betweenness[v as usize],
                "pagerank": found.pagerank[v as usize],
            })
        })
        .collect();
    // Routes used: its members' movements between places, summed over the weeks.
    let places = &found.places;
    let mut used: std::collections::BTreeMap<(String, String), usize> = std::collections::BTreeMap::new();
    for f in routes::flows(g, places, &found.network_of)
        .into_iter()
        .filter(|f| f.network == id)
    {
        *used.entry((f.from, f.to)).or_default() += f.parties;
    }
    let mut used: Vec<((String, String), usize)> = used.into_iter().collect();
    used.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let routes_json: Vec<serde_json::Value> = used
        .iter()
        .map(|((from, to), movements)| json!({"from": from, "to": to, "movements": movements}))
        .collect();
    if ctx.json {
        let mut out = summary_json(n);
        out["members"] = json!(members);
        out["routes"] = json!(routes_json);
        ctx.print_json(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::outln!(
        "N{}: {} members, {} victims or witnesses; active {}..{}; agencies {}",
        n.id,
        n.size,
        n.protected,
        n.first_seen.as_deref().unwrap_or("?"),
        n.last_seen.as_deref().unwrap_or("?"),
        n.agencies.join(", ")
    );
    let links: Vec<String> = n.links.iter().map(|(k, c)| format!("{c} {}", k.as_str())).collect();
    let selectors: Vec<String> = n.selectors.iter().map(|(k, c)| format!("{c} {k}")).collect();
    crate::outln!(
        "links: {}; shared selectors: {}",
        links.join(", "),
        selectors.join(", ")
    );
    let places: Vec<String> = n.places.iter().take(5).map(|(p, c)| format!("{p} ({c})")).collect();
    crate::outln!("places: {}", places.join(", "));
    let top: Vec<String> = used
        .iter()
        .take(5)
        .map(|((a, b), c)| format!("{a} -> {b} ({c})"))
        .collect();
    crate::outln!(
        "routes: {}",
        if top.is_empty() {
            "none seen".to_string()
        } else {
            top.join(", ")
        }
    );
    crate::outln!("brokers (betweenness, victims and witnesses not ranked unless --include-protected):");
    for b in &n.brokers {
        crate::outln!("  {:>10.1}  {}  {}", b.betweenness, b.id, b.name);
    }
    crate::outln!("members:");
    for &v in &n.members {
        let node = &g.nodes[v as usize];
        let cats: Vec<&str> = node.categories.iter().map(|c| c.as_str()).collect();
        crate::outln!("  {}  {}  [{}]", node.id, node.name, cats.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

fn near(ctx: &Ctx, view: &NetworkView, id: &str, hops: usize) -> Result<ExitCode> {
    let g = &view.graph;
    let v = view.party(id)?;
    let rows: Vec<serde_json::Value> = view
        .near(id, hops)?
        .iter()
        .map(|n| {
            let node = &g.nodes[n.party as usize];
            let kinds: Vec<&str> = n.linked_by.iter().map(|k| k.as_str()).collect();
            json!({"id": node.id, "name": node.name, "hops": n.hops, "categories": node.categories, "linked_by": kinds})
        })
        .collect();
    if ctx.json {
        ctx.print_json(&json!({"id": g.nodes[v as usize].id, "hops": hops, "near": rows}))?;
    } else {
        crate::outln!(
            "{} parties within {hops} links of {} ({})",
            rows.len(),
            g.nodes[v as usize].id,
            g.nodes[v as usize].name
        );
        for r in &rows {
            crate::outln!(
                "  {}  {}  {}  {}",
                r["hops"],
                r["id"].as_str().unwrap_or(""),
                r["name"].as_str().unwrap_or(""),
                r["linked_by"]
                    .as_array()
                    .map(|k| k.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(","))
                    .unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show_path(ctx: &Ctx, view: &NetworkView, a: &str, b: &str) -> Result<ExitCode> {
    let g = &view.graph;
    let (from, to) = (view.party(a)?, view.party(b)?);
    let Some(steps) = path(g, from, to) else {
        if ctx.json {
            ctx.print_json(&json!({"from": a, "to": b, "path": null}))?;
        } else {
            crate::outln!("no chain of links joins {a} and {b} on the evidence allowed");
        }
        return Ok(ExitCode::from(Code::NotFound as u8));
    };
    if ctx.json {
        ctx.print_json(&json!({"from": a, "to": b, "hops": steps.len() - 1, "path": steps}))?;
        return Ok(ExitCode::SUCCESS);
    }
    for (i, s) in steps.iter().enumerate() {
        for e in &s.evidence {
            crate::outln!(
                "    | {} via {} {} ({}, {}, {}, {})",
                e.kind.as_str(),
                e.via_schema,
                e.via,
                e.grading,
                e.handling.code,
                e.agencies.join(","),
                e.date.as_deref().unwrap_or("undated")
            );
        }
        let mark = if s.protected { "  [victim/witness]" } else { "" };
        crate::outln!("{i:>2}. {}  {}{mark}", s.id, s.name);
    }
    Ok(ExitCode::SUCCESS)
}

/// `corridor routes`: tracks, flows and spikes over the same filtered graph.
pub(crate) fn routes(ctx: &Ctx, cmd: &RoutesCommand) -> Result<ExitCode> {
    let args = match cmd {
        RoutesCommand::Flows { args, .. } | RoutesCommand::Spikes { args, .. } | RoutesCommand::Track { args, .. } => {
            args
        }
    };
    let mut query = query(args);
    query.filter()?;
    if let RoutesCommand::Track { id, .. } = cmd {
        query.parties = vec![id.clone()];
    }
    let action = match cmd {
        RoutesCommand::Track { geojson: true, .. } => corridor_access::Action::DraftExport,
        _ => corridor_access::Action::ReadMovements,
    };
    let (mut store, grant) = ctx.open_for(action)?;
    if let RoutesCommand::Track {
        id,
        geojson: true,
        approval,
        ..
    } = cmd
    {
        let what = corridor_app::exports::track_export_what(id, &query);
        if !approved(ctx, &mut store, grant.as_ref(), approval, &what)? {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let view = open(ctx, &mut store, grant.as_ref(), &query)?;
    let g = &view.graph;
    let places = routes::Places::of(g);
    match cmd {
        RoutesCommand::Track { id, geojson, .. } => {
            let v = view.party(id)?;
            let node = &g.nodes[v as usize];
            let points = routes::track(g, &places, v);
            if *geojson {
                let track = app::track_geojson(
                    &mut store,
                    &ctx.session_for(grant.as_ref())?,
                    &view,
                    id,
                    "standard output",
                )?;
                ctx.print_json(&track.geojson)?;
            } else if ctx.json {
                ctx.print_json(
                    &json!({"id": node.id, "name": node.name, "categories": node.categories, "track": points}),
                )?;
            } else {
                crate::outln!("{}  {}  ({} events)", node.id, node.name, points.len());
                for p in &points {
                    crate::outln!(
                        "  {:<16}  {:<14}  {:<30}  {}",
                        p.date.as_deref().unwrap_or("undated"),
                        p.schema,
                        p.place,
                        p.agencies.join(",")
                    );
                }
            }
        }
        RoutesCommand::Flows { network, geojson, .. } => {
            let found = view.networks();
            let flows: Vec<routes::Flow> = view.flows(&found, *network)?;
            if *geojson {
                let at: HashMap<&str, [f64; 2]> = places
                    .places
                    .values()
                    .filter_map(|p| Some((p.name.as_str(), p.position?)))
                    .collect();
                let features: Vec<serde_json::Value> = flows
                    .iter()
                    .filter_map(|f| {
                        let (a, b) = (at.get(f.from.as_str())?, at.get(f.to.as_str())?);
                        (a != b).then(|| {
                            json!({
                                "type": "Feature",
                                "geometry": {"type": "LineString", "coordinates": [a, b]},
                                "properties": {"week": f.week, "from": f.from, "to": f.to, "network": f.network, "parties": f.parties},
                            })
                        })
                    })
                    .collect();
                // Conservatively, the strictest handling of every event the flows
                // could rest on.
                let handling = view.strictest_handling(None);
                ctx.print_json(&json!({"type": "FeatureCollection", "features": features, "handling_full": handling}))?;
            } else if ctx.json {
                ctx.print_json(&flows)?;
            } else {
                for f in &flows {
                    crate::outln!(
                        "{}  N{:<3}  {:>4}  {} -> {}",
                        f.week,
                        f.network,
                        f.parties,
                        f.from,
                        f.to
                    );
                }
                crate::outln!("{} weekly flows", flows.len());
            }
        }
        RoutesCommand::Spikes {
            window,
            threshold,
            min_count,
            ..
        } => {
            if *window == 0 || !(threshold.is_finite() && *threshold >= 0.0) {
                return Err(bad(
                    "--window must be at least 1 and --threshold a number of at least 0".into(),
                ));
            }
            let found = view.networks();
            let flows = routes::flows(g, &places, &found.network_of);
            let opts = routes::SpikeOptions {
                window: *window,
                threshold: *threshold,
                min_count: *min_count,
                // A baseline can be no longer than its window.
                min_baseline: routes::SpikeOptions::default().min_baseline.min(*window),
            };
            let (at_places, on_routes) = routes::spikes(g, &places, &flows, &opts);
            if ctx.json {
                ctx.print_json(&json!({"places": at_places, "routes": on_routes}))?;
            } else {
                for s in at_places.iter().chain(&on_routes) {
                    crate::outln!(
                        "{}  {:>4} (baseline {:.1} ± {:.1} over {} weeks)  {}",
                        s.week,
                        s.count,
                        s.baseline_mean,
                        s.baseline_sd,
                        s.weeks_of_baseline,
                        s.name
                    );
                }
                crate::outln!("{} spikes at places, {} on routes", at_places.len(), on_routes.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// On a node with users an export is drafted (`--draft`, and the command stops)
/// or produced under its approval (`--approved`); true when the command goes on
/// to write it. A node without users exports as before.
fn approved(
    ctx: &Ctx,
    store: &mut SqliteStore,
    grant: Option<&corridor_access::Grant>,
    approval: &crate::args::ExportApproval,
    what: &str,
) -> Result<bool> {
    let Some(grant) = grant else {
        if approval.draft.is_some() || approval.approved.is_some() {
            return Err(Failure::new(
                Code::BadInput,
                anyhow::anyhow!(
                    "this node has no users: an export needs no approval; leave out --draft and --approved"
                ),
            ));
        }
        return Ok(true);
    };
    match (&approval.draft, approval.approved) {
        (Some(why), _) => {
            let id = corridor_app::exports::draft_export(store, grant, what, why)?;
            if ctx.json {
                ctx.print_json(&serde_json::json!({"export_request": id, "state": "pending"}))?;
            } else {
                crate::outln!(
                    "export request {id} drafted: a supervisor of the case approves it (corridor export approve {id} --reason …), then run this command again with --approved {id} instead of --draft"
                );
            }
            Ok(false)
        }
        (None, Some(id)) => {
            corridor_app::exports::produce_export(store, grant, id, what)?;
            Ok(true)
        }
        (None, None) => Err(Failure::new(
            Code::Denied,
            anyhow::anyhow!(
                "on a node with users, personal data leaves through an approved export: draft it with --draft \"why\", have a supervisor of the case approve it, then produce it with --approved ID"
            ),
        )),
    }
}

/// `corridor export list | approve | refuse`.
pub(crate) fn export_requests(ctx: &Ctx, cmd: &crate::args::ExportCommand) -> Result<ExitCode> {
    use crate::args::ExportCommand as E;
    let action = match cmd {
        E::List => corridor_access::Action::DraftExport,
        E::Approve { .. } | E::Refuse { .. } => corridor_access::Action::ApproveExport,
    };
    let (mut store, grant) = ctx.open_for(action)?;
    let grant = grant.ok_or_else(|| {
        Failure::new(
            Code::BadInput,
            anyhow::anyhow!("this node has no users, so no cases and no export requests"),
        )
    })?;
    let views = match cmd {
        E::List => corridor_app::exports::exports_of_case(&mut store, &grant)?,
        E::Approve { id, reason } => vec![corridor_app::exports::decide_export(
            &mut store, &grant, *id, true, reason,
        )?],
        E::Refuse { id, reason } => vec![corridor_app::exports::decide_export(
            &mut store, &grant, *id, false, reason,
        )?],
    };
    if ctx.json {
        ctx.print_json(&views)?;
    } else {
        for v in &views {
            crate::outln!(
                "{:>5}  {:<9} {}  by {} at {}{}",
                v.id,
                format!("{:?}", v.state).to_lowercase(),
                crate::text::one_line(&v.what.to_string()),
                v.drafted_by,
                v.drafted_at,
                v.decided_by
                    .as_deref()
                    .map(|d| format!(
                        "; decided by {d}: {}",
                        crate::text::one_line(v.reason.as_deref().unwrap_or(""))
                    ))
                    .unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

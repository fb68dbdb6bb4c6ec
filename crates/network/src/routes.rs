//! Movements and routes: each party's events in time order (its track), the flows
//! between places week by week and per network, and the weeks in which a place or
//! a route rose well above its own baseline.
//!
//! Places are the events' locations as agencies write them, which differ across
//! languages and scripts ("Evros / Orestiada", "Νέα Βύσσα, Έβρος"). Located events
//! are grouped by position instead (leader clustering: taken in a fixed order, an
//! event joins the first place whose leader lies within 10 km, or leads a new one; a
//! grid of cells finds the candidates), and a place is named by the place text most
//! often written for it, with its position added when two places share a name.
//! Events with no coordinates fall back to their place text, case-folded. Weeks are
//! ISO 8601 weeks (`2025-W07`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::build::{EventInfo, InvestigationGraph};

/// Cell size in degrees of the grid that finds candidate places: at least the
/// radius at every latitude of the corridor (0.2° of longitude is 15 km at 48°N).
const CELL: f64 = 0.2;
/// A place's first event position and its key.
type Leader = ([f64; 2], String);

/// Events within this distance of a place's leader are at that place: a crossing
/// point with the green border around it, where most interceptions happen (both
/// sides of a border crossing, such as Gevgelija and Idomeni, are one place).
const RADIUS_KM: f64 = 10.0;

/// A place events happened at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub key: String,
    /// The place text written most often for it (ties: the first in order).
    pub name: String,
    /// Mean position of its located events, `[longitude, latitude]`.
    pub position: Option<[f64; 2]>,
    pub events: usize,
}

/// One event of a track.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackPoint {
    pub event: String,
    pub schema: String,
    pub date: Option<String>,
    pub place: String,
    pub position: Option<[f64; 2]>,
    pub agencies: Vec<String>,
}

/// Parties moving from one place to the next in one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    pub week: String,
    pub from: String,
    pub to: String,
    /// 0 for parties in no listed network.
    pub network: usize,
    pub parties: usize,
}

/// A week in which a place's (or a route's) count rose above its baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spike {
    /// A place key, or `from -> to` for a route.
    pub at: String,
    pub name: String,
    pub week: String,
    pub count: usize,
    /// Mean and standard deviation over the weeks of the baseline window before it.
    pub baseline_mean: f64,
    pub baseline_sd: f64,
    pub weeks_of_baseline: usize,
}

/// The places of a graph's events and the place of each event.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub places: BTreeMap<String, Place>,
    of_event: HashMap<String, String>,
}

impl Places {
    pub fn of(g: &InvestigationGraph) -> Places {
        let mut names: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut sums: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        let mut of_event = HashMap::new();
        // Leaders by grid cell; events in a fixed order (by position, then id) so
        // the places do not depend on the order events were stored in.
        let mut located: Vec<(&EventInfo, [f64; 2])> =
            g.events.iter().filter_map(|e| Some((e, position(e)?))).collect();
        located.sort_by(|a, b| {
            a.1[1]
                .total_cmp(&b.1[1])
                .then(a.1[0].total_cmp(&b.1[0]))
                .then(a.0.id.cmp(&b.0.id))
        });
        let mut leaders: HashMap<(i64, i64), Vec<Leader>> = HashMap::new();
        let cell = |p: [f64; 2]| ((p[1] / CELL).floor() as i64, (p[0] / CELL).floor() as i64);
        let mut key_of: HashMap<&str, String> = HashMap::new();
        for &(e, at) in &located {
            let (cy, cx) = cell(at);
            let mut found = None;
            // Cells of longitude narrow towards the poles: search as many as the
            // radius spans at this latitude.
            let span = (RADIUS_KM / (111.32 * at[1].to_radians().cos().max(0.01) * CELL)).ceil() as i64;
            'search: for dy in -1..=1 {
                for dx in -span.max(1)..=span.max(1) {
                    for (leader, key) in leaders.get(&(cy + dy, cx + dx)).into_iter().flatten() {
                        if km(*leader, at) <= RADIUS_KM {
                            found = Some(key.clone());
                            break 'search;
                        }
                    }
                }
            }
            let key = found.unwrap_or_else(|| {
                let key = format!("at:{:.4},{:.4}", at[1], at[0]);
                leaders.entry((cy, cx)).or_default().push((at, key.clone()));
                key
            });
            key_of.insert(e.id.as_str(), key);
        }
        for ev in &g.events {
            let key = match key_of.get(ev.id.as_str()) {
                Some(k) => k.clone(),
                None => match ev.place.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    Some(text) => format!("text:{}", text.to_lowercase()),
                    None => continue,
                },
            };
            if let Some(name) = ev.place.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                *names
                    .entry(key.clone())
                    .or_default()
                    .entry(name.to_string())
                    .or_default() += 1;
            }
            if let Some([lon, lat]) = position(ev) {
                let s = sums.entry(key.clone()).or_default();
                (s.0, s.1, s.2) = (s.0 + lon, s.1 + lat, s.2 + 1);
            }
            *count.entry(key.clone()).or_default() += 1;
            of_event.insert(ev.id.clone(), key);
        }
        let mut places: BTreeMap<String, Place> = count
            .into_iter()
            .map(|(key, events)| {
                let name = names
                    .get(&key)
                    .and_then(|n| n.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))))
                    .map_or_else(|| key.clone(), |(n, _)| n.clone());
                let position = sums
                    .get(&key)
                    .map(|&(lon, lat, k)| [round(lon / k as f64), round(lat / k as f64)]);
                (
                    key.clone(),
                    Place {
                        key,
                        name,
                        position,
                        events,
                    },
                )
            })
            .collect();
        // Two places of one name are told apart by position.
        let mut uses: HashMap<String, usize> = HashMap::new();
        for p in places.values() {
            *uses.entry(p.name.clone()).or_default() += 1;
        }
        for p in places.values_mut() {
            if uses[&p.name] > 1
                && let Some([lon, lat]) = p.position
            {
                p.name = format!("{} ({lat:.3}, {lon:.3})", p.name);
            }
        }
        Places { places, of_event }
    }

    pub fn of_event(&self, id: &str) -> Option<&str> {
        self.of_event.get(id).map(String::as_str)
    }

    /// A place's display name (its key when unknown).
    pub fn name(&self, key: &str) -> String {
        self.places.get(key).map_or_else(|| key.to_string(), |p| p.name.clone())
    }
}

fn round(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

/// An event's position as RFC 7946 writes it (longitude, then latitude), when it
/// has coordinates in range.
pub(crate) fn position(ev: &EventInfo) -> Option<[f64; 2]> {
    let (lat, lon) = (ev.latitude?, ev.longitude?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some([lon, lat])
}

/// Great-circle distance in kilometres between two `[longitude, latitude]` points.
fn km(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let (dla, dlo) = (la2 - la1, (b[0] - a[0]).to_radians());
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// The ISO week of a `YYYY-MM-DD…` date, as `YYYY-Www`.
pub fn iso_week(date: &str) -> Option<String> {
    let y: i32 = date.get(0..4)?.parse().ok()?;
    let m: u32 = date.get(5..7)?.parse().ok()?;
    let d: u32 = date.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    // Day of the year and weekday (Monday = 1), from days since 1970-01-01.
    let days = days_from_civil(y, m, d);
    let weekday = (days + 3).rem_euclid(7) + 1;
    let ordinal = days - days_from_civil(y, 1, 1) + 1;
    let week = (ordinal - weekday + 10).div_euclid(7);
    let (year, week) = if week < 1 {
        (y - 1, weeks_in_year(y - 1))
    } else if week > weeks_in_year(y) {
        (y + 1, 1)
    } else {
        (y, week)
    };
    Some(format!("{year}-W{week:02}"))
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// ISO years have 53 weeks when 1 January is a Thursday, or a Wednesday in a leap
/// year.
fn weeks_in_year(y: i32) -> i64 {
    let jan1 = (days_from_civil(y, 1, 1) + 3).rem_euclid(7) + 1;
    if jan1 == 4 || (jan1 == 3 && is_leap(y)) { 53 } else { 52 }
}

/// The events of party `v` in time order (undated ones last, by id).
pub fn track(g: &InvestigationGraph, places: &Places, v: u32) -> Vec<TrackPoint> {
    let mut points: Vec<TrackPoint> = g
        .events
        .iter()
        .filter(|e| e.parties.contains(&v))
        .map(|e| TrackPoint {
            event: e.id.clone(),
            schema: e.schema.clone(),
            date: e.at.clone().or_else(|| e.evidence.date.clone()),
            place: places.of_event(&e.id).map(|k| places.name(k)).unwrap_or_default(),
            position: position(e),
            agencies: e.evidence.agencies.clone(),
        })
        .collect();
    points.sort_by(|a, b| match (&a.date, &b.date) {
        (Some(x), Some(y)) => x.cmp(y).then(a.event.cmp(&b.event)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.event.cmp(&b.event),
    });
    points
}

/// Movements between consecutive dated events of each party at different places,
/// counted per ISO week (of the arrival) and network.
pub fn flows(g: &InvestigationGraph, places: &Places, network_of: &[usize]) -> Vec<Flow> {
    let mut by_party: BTreeMap<u32, Vec<(&str, &str)>> = BTreeMap::new();
    for e in &g.events {
        // Ordered by the recorded time (to the minute), weeks from the day.
        let (Some(date), Some(place)) = (e.at.as_deref().or(e.evidence.date.as_deref()), places.of_event(&e.id)) else {
            continue;
        };
        for &p in &e.parties {
            by_party.entry(p).or_default().push((date, place));
        }
    }
    let mut counts: BTreeMap<(String, String, String, usize), BTreeSet<u32>> = BTreeMap::new();
    for (p, mut events) in by_party {
        events.sort();
        for pair in events.windows(2) {
            let ((_, from), (date, to)) = (pair[0], pair[1]);
            if from == to {
                continue;
            }
            let Some(week) = iso_week(date) else { continue };
            let network = network_of.get(p as usize).copied().unwrap_or(0);
            counts
                .entry((week, from.to_string(), to.to_string(), network))
                .or_default()
                .insert(p);
        }
    }
    counts
        .into_iter()
        .map(|((week, from, to, network), parties)| Flow {
            week,
            from: places.name(&from),
            to: places.name(&to),
            network,
            parties: parties.len(),
        })
        .collect()
}

/// The consecutive ISO weeks from `first` to `last`, both included.
fn weeks_between(first: &str, last: &str) -> Vec<String> {
    let parse = |w: &str| -> Option<(i32, i64)> { Some((w.get(0..4)?.parse().ok()?, w.get(6..8)?.parse().ok()?)) };
    let (Some((mut y, mut w)), Some(end)) = (parse(first), parse(last)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while (y, w) <= end && out.len() < 10_000 {
        out.push(format!("{y}-W{w:02}"));
        w += 1;
        if w > weeks_in_year(y) {
            (y, w) = (y + 1, 1);
        }
    }
    out
}

/// How spikes are found.
#[derive(Debug, Clone)]
pub struct SpikeOptions {
    /// Weeks of baseline before the week examined.
    pub window: usize,
    /// Standard deviations above the baseline mean.
    pub threshold: f64,
    /// Fewest events (or parties, for routes) in a week to call it a spike.
    pub min_count: usize,
    /// Fewest baseline weeks needed before judging a week.
    pub min_baseline: usize,
}

impl Default for SpikeOptions {
    fn default() -> Self {
        SpikeOptions {
            window: 8,
            threshold: 3.0,
            min_count: 5,
            min_baseline: 4,
        }
    }
}

/// Weeks in which a series rose above `mean + threshold × sd` of the `window`
/// weeks before it (weeks with nothing count as zero), and also above twice the
/// mean, so a quiet place with a flat baseline does not spike on a handful.
fn spikes_of(
    series: &BTreeMap<String, BTreeMap<String, usize>>,
    names: impl Fn(&str) -> String,
    o: &SpikeOptions,
) -> Vec<Spike> {
    let mut out = Vec::new();
    for (at, weekly) in series {
        let (Some(first), Some(last)) = (weekly.keys().next(), weekly.keys().next_back()) else {
            continue;
        };
        let weeks = weeks_between(first, last);
        let counts: Vec<usize> = weeks.iter().map(|w| weekly.get(w).copied().unwrap_or(0)).collect();
        for i in 0..weeks.len() {
            let start = i.saturating_sub(o.window);
            let base = &counts[start..i];
            if base.len() < o.min_baseline || counts[i] < o.min_count {
                continue;
            }
            let mean = base.iter().sum::<usize>() as f64 / base.len() as f64;
            let var = base.iter().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / base.len() as f64;
            let sd = var.sqrt();
            let c = counts[i] as f64;
            if c > mean + o.threshold * sd && c >= 2.0 * mean {
                out.push(Spike {
                    at: at.clone(),
                    name: names(at),
                    week: weeks[i].clone(),
                    count: counts[i],
                    baseline_mean: (mean * 100.0).round() / 100.0,
                    baseline_sd: (sd * 100.0).round() / 100.0,
                    weeks_of_baseline: base.len(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.week.cmp(&b.week).then(a.at.cmp(&b.at)));
    out
}

/// Spikes of events at each place, and of parties on each route.
pub fn spikes(g: &InvestigationGraph, places: &Places, flows: &[Flow], o: &SpikeOptions) -> (Vec<Spike>, Vec<Spike>) {
    let mut at_place: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for e in &g.events {
        let (Some(week), Some(place)) = (e.evidence.date.as_deref().and_then(iso_week), places.of_event(&e.id)) else {
            continue;
        };
        *at_place.entry(place.to_string()).or_default().entry(week).or_default() += 1;
    }
    let mut on_route: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for f in flows {
        *on_route
            .entry(format!("{} -> {}", f.from, f.to))
            .or_default()
            .entry(f.week.clone())
            .or_default() += f.parties;
    }
    (
        spikes_of(&at_place, |k| places.name(k), o),
        spikes_of(&on_route, |k| k.to_string(), o),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_at_the_edges_of_years() {
        // The ISO 8601 examples: 2005-01-01 is in 2004-W53, 2008-12-29 in 2009-W01.
        assert_eq!(iso_week("2005-01-01").as_deref(), Some("2004-W53"));
        assert_eq!(iso_week("2005-01-03").as_deref(), Some("2005-W01"));
        assert_eq!(iso_week("2008-12-29").as_deref(), Some("2009-W01"));
        assert_eq!(iso_week("2010-01-03").as_deref(), Some("2009-W53"));
        assert_eq!(iso_week("2026-12-04T10:00").as_deref(), Some("2026-W49"));
        assert_eq!(iso_week("2026-02-30"), None);
        assert_eq!(iso_week("soon"), None);
        assert_eq!(
            weeks_between("2020-W52", "2021-W02"),
            ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]
        );
    }

    #[test]
    fn a_week_well_above_its_baseline_is_a_spike_and_a_steady_one_is_not() {
        let mut series = BTreeMap::new();
        let weekly: BTreeMap<String, usize> = (1..=12)
            .map(|w| (format!("2025-W{w:02}"), if w == 11 { 20 } else { 3 + (w % 2) }))
            .collect();
        series.insert("cell:a".to_string(), weekly);
        let found = spikes_of(&series, |k| k.to_string(), &SpikeOptions::default());
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].week.as_str(), found[0].count), ("2025-W11", 20));
        assert_eq!(found[0].weeks_of_baseline, 8);
        assert!((found[0].baseline_mean - 3.5).abs() < 1e-9);
    }
}

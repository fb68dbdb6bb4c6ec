//! What a reader asks of the investigation graph: the filter on evidence and the
//! options of community detection, typed, with the defaults in one place.

use std::collections::BTreeSet;

use corridor_model::HandlingCode;
use corridor_network::{Filter, LinkKind, NetworkOptions};

use crate::error::{Error, Result};

/// The evidence a reader may use, and how networks are found.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkQuery {
    /// Only evidence dated on or after this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// Only evidence dated on or before this day.
    pub to: Option<String>,
    /// Only evidence resting entirely on these agencies' reports (empty: any).
    pub agencies: Vec<String>,
    /// Only evidence graded at least this well on both axes, such as B2.
    pub min_grading: Option<String>,
    /// Only these kinds of link (empty: any).
    pub kinds: Vec<String>,
    /// The handling codes the reader may see (empty: any).
    pub handling: Vec<String>,
    /// A thing or event with more parties than this links each only to the next few
    /// in time.
    pub max_group: usize,
    /// Seeds community detection.
    pub seed: u64,
    /// Modularity resolution: above 1 splits networks finer.
    pub resolution: f64,
    /// Smallest network listed.
    pub min_size: usize,
    /// Rank victims and witnesses among brokers too.
    pub include_protected: bool,
    /// Only these data sets (a case's); `None`: any. Set by [`NetworkQuery::in_case`],
    /// never by the reader.
    pub datasets: Option<Vec<String>>,
    /// Parties (identity or record ids) the reader asks about by name: in the graph
    /// even when nothing links them, so that their track is empty and no path
    /// reaches them, rather than their being unknown.
    pub parties: Vec<String>,
}

impl NetworkQuery {
    /// Every piece of evidence, the default options.
    pub const DEFAULT: NetworkQuery = NetworkQuery {
        from: None,
        to: None,
        agencies: Vec::new(),
        min_grading: None,
        kinds: Vec::new(),
        handling: Vec::new(),
        max_group: 100,
        seed: 42,
        resolution: 1.0,
        min_size: 3,
        include_protected: false,
        datasets: None,
        parties: Vec::new(),
    };

    /// The filter on evidence, every part checked.
    pub fn filter(&self) -> Result<Filter> {
        let bad = |e: String| Error::BadInput(e);
        let mut f = Filter::window(self.from.as_deref(), self.to.as_deref()).map_err(|e| bad(e.to_string()))?;
        if !self.agencies.is_empty() {
            f.agencies = Some(self.agencies.iter().map(|s| s.trim().to_string()).collect());
        }
        if let Some(g) = &self.min_grading {
            f.min_grading = Some(g.parse().map_err(|e| bad(format!("minimum grading: {e}")))?);
        }
        if !self.kinds.is_empty() {
            f.kinds = Some(
                self.kinds
                    .iter()
                    .map(|k| k.parse::<LinkKind>())
                    .collect::<std::result::Result<BTreeSet<_>, _>>()
                    .map_err(|e| bad(format!("link kind: {e}")))?,
            );
        }
        if !self.handling.is_empty() {
            f.handling = Some(
                self.handling
                    .iter()
                    .map(|h| h.parse::<HandlingCode>())
                    .collect::<std::result::Result<BTreeSet<_>, _>>()
                    .map_err(|e| bad(format!("handling code: {e}")))?,
            );
        }
        if let Some(d) = &self.datasets {
            f.datasets = Some(d.iter().cloned().collect());
        }
        if !(self.resolution > 0.0 && self.resolution.is_finite()) {
            return Err(bad(
                "the modularity resolution must be a positive number (1 is standard modularity)".into(),
            ));
        }
        Ok(f)
    }

    /// This query narrowed to what a granted reader may see: the case's data sets
    /// and the handling codes up to their clearance (within any the reader chose).
    pub fn in_case(&self, datasets: Vec<String>, clearance: HandlingCode) -> Result<NetworkQuery> {
        let allowed = [HandlingCode::H0, HandlingCode::H1, HandlingCode::H2, HandlingCode::H3]
            .into_iter()
            .filter(|c| *c <= clearance);
        let chosen: Vec<HandlingCode> = if self.handling.is_empty() {
            allowed.collect()
        } else {
            let asked = self
                .handling
                .iter()
                .map(|h| h.parse::<HandlingCode>())
                .collect::<std::result::Result<BTreeSet<_>, _>>()
                .map_err(|e| Error::BadInput(format!("handling code: {e}")))?;
            allowed.filter(|c| asked.contains(c)).collect()
        };
        if chosen.is_empty() {
            return Err(Error::BadInput(format!(
                "none of the handling codes asked for is within your clearance {clearance}"
            )));
        }
        // A party named from outside the case is not looked for (it would not be
        // found, but looking would rebuild the kept graph and time would tell).
        let parties = self
            .parties
            .iter()
            .filter(|p| datasets.iter().any(|d| Some(d.as_str()) == p.split(':').next()))
            .cloned()
            .collect();
        Ok(NetworkQuery {
            datasets: Some(datasets),
            handling: chosen.iter().map(|c| c.to_string()).collect(),
            parties,
            ..self.clone()
        })
    }

    pub(crate) fn options(&self) -> NetworkOptions {
        NetworkOptions {
            seed: self.seed,
            resolution: self.resolution,
            min_size: self.min_size,
            include_protected: self.include_protected,
            ..NetworkOptions::default()
        }
    }
}

impl Default for NetworkQuery {
    fn default() -> Self {
        NetworkQuery::DEFAULT
    }
}

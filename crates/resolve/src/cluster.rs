//! From scored pairs to identities. Pairs at or above the match threshold are
//! joined strongest first, but two clusters are joined only if nothing between them
//! speaks against it, whatever their sizes and however strong the joining link:
//! - an analyst rejected a pair across them (decisions are always respected);
//! - a scored pair across them is strong evidence of two people (weight below
//!   `split_weight` in evidence, the prior left out: different full birth dates and
//!   documents, say) — this is what stops a weak middle record chaining two
//!   same-name strangers together;
//! - a full birth date of one conflicts with a full birth date of the other (three
//!   or more edits apart as YYYYMMDD and not a day/month swap), or a birth year of
//!   one with a birth year of the other, of any precision (more than five years and
//!   not one slip of a digit), unless the joining pair shares a biometric reference
//!   (a fingerprint hit is one person whatever the dates say), or its evidence is
//!   overwhelming and the conflict is the link's own (one side a single record, or
//!   every date on each side its end's: a date mistyped beyond recognition on a
//!   record that agrees with another on everything else) — never where other
//!   members bring dates of their own — or it joins two single records that share
//!   a document number (their score, which holds the dates' disagreement, decides);
//! - one holds men and the other women, unless the joining pair is corroborated (a
//!   shared biometric reference, or the same document number with compatible birth
//!   dates);
//! - one side holds a victim or witness and the other a suspect (or convicted,
//!   or contact) record: that merge goes to review, never automatically;
//! - the join would make an identity larger than `max_identity` records, unless the
//!   joining pair is corroborated (a prolific facilitator can have hundreds of
//!   records, each tied to the next by a fingerprint or a document).
//!
//! Why summaries: the birth dates and sexes are checked against per-cluster
//! summaries (the distinct full birth dates, the sexes seen) kept up to date as
//! clusters join, so a check costs the product of two clusters' *distinct dates*,
//! not of their sizes. An earlier version compared every pair of members and gave
//! up above 40,000 pairs or when the link itself was strong; at a million records
//! such clusters were no longer rare, and once past the limit every further join
//! went unchecked (identities of 5,000 strangers with common names). A guard here
//! never switches itself off with size.
//!
//! Placeholder birth dates (1 January, the 1st of a month, a year alone: common in
//! asylum registrations) are not full dates (see [`crate::record::Features::birth`]),
//! so they neither conflict nor match as such.
//!
//! Analysts' confirmations are applied first and are never undone by a run.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use corridor_model::{DataSubjectCategory, PartialDate};

/// A scored candidate pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scored {
    pub a: u32,
    pub b: u32,
    pub weight: f64,
    pub probability: f64,
    /// The weight without the prior: what the comparisons alone say.
    pub evidence: f64,
}

/// Why a pair above the review threshold was not joined automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Held {
    /// Between the review and match thresholds.
    Uncertain,
    /// Would join a victim or witness with a suspect's identity.
    ProtectedCategory,
    /// Another pair across the two clusters says they are different people, or a
    /// full birth date of one conflicts with a full birth date of the other.
    Conflict,
    /// One identity holds men and the other women.
    DifferentSex,
    /// The joined identity would be larger than the policy's bound and the link is
    /// not corroborated by a shared biometric reference or document.
    TooLarge,
    /// An analyst rejected a pair across the two clusters.
    Rejected,
}

impl Held {
    /// The reason's name, as stored with a review pair and shown in `resolve review`
    /// (the same as its serialised form).
    pub fn name(self) -> &'static str {
        match self {
            Held::Uncertain => "uncertain",
            Held::ProtectedCategory => "protected_category",
            Held::Conflict => "conflict",
            Held::DifferentSex => "different_sex",
            Held::TooLarge => "too_large",
            Held::Rejected => "rejected",
        }
    }
}

/// A pair for an analyst to decide.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Review {
    #[serde(flatten)]
    pub pair: Scored,
    pub why: Held,
}

/// Thresholds and protections.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Policy {
    /// Joined automatically at or above this probability.
    pub match_probability: f64,
    /// Sent to review at or above this probability.
    pub review_probability: f64,
    /// A pair whose comparisons say this much against a match (log2 Bayes factor,
    /// prior left out) keeps its two records apart.
    pub split_weight: f64,
    /// No identity grows past this many records by an automatic join unless the
    /// joining link is corroborated (a shared biometric reference, or the same
    /// document number with compatible birth dates); such joins go to review.
    pub max_identity: usize,
    /// A link whose comparisons say this much for a match (log2 Bayes factor, prior
    /// left out) joins across a birth-date conflict that is its own (one side a
    /// single record, or every date on each side that of the link's end there): the
    /// same name, address and number with the date mistyped beyond recognition is
    /// one person (FEBRL's duplicates are made so). It never outweighs dates that
    /// other members bring: a strong link between two records says nothing about
    /// the others.
    pub overwhelming_evidence: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            match_probability: 0.9,
            review_probability: 0.5,
            split_weight: -8.0,
            max_identity: 50,
            overwhelming_evidence: 20.0,
        }
    }
}

/// What ties the two records of a joining link beyond their score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Corroboration {
    #[default]
    None,
    /// The same document number, with birth dates that conflict or are missing on
    /// a side: a date mistyped, or a number reused on a forged document. Two single
    /// records so tied are judged by their score alone (the date's disagreement is
    /// in it); nothing more.
    SharedDocument,
    /// The same document number, and birth dates on both that are compatible.
    Document,
    /// A shared biometric reference (one system, one reference): one person.
    Biometric,
}

/// What one record brings to its cluster's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Traits {
    /// A full birth date (placeholders are not: see [`crate::record::Features::birth`]).
    pub full_birth: Option<PartialDate>,
    /// The birth year, of a date of any precision.
    pub birth_year: Option<i32>,
    /// `M` or `F`.
    pub sex: Option<char>,
    pub category: Option<DataSubjectCategory>,
}

impl Traits {
    pub fn of(f: &crate::record::Features, category: Option<DataSubjectCategory>) -> Traits {
        Traits {
            full_birth: f.birth.filter(|d| d.day.is_some()),
            birth_year: f.birth.map(|d| d.year),
            sex: f.sex,
            category,
        }
    }
}

/// Which side of the victim/suspect line a record's category puts it on: 1 for a
/// victim or witness, 2 for a suspect, convicted person or contact, 0 otherwise.
fn side(c: Option<DataSubjectCategory>) -> u8 {
    match c {
        Some(DataSubjectCategory::Victim) | Some(DataSubjectCategory::Witness) => 1,
        Some(DataSubjectCategory::Suspect)
        | Some(DataSubjectCategory::Convicted)
        | Some(DataSubjectCategory::ContactOrAssociate) => 2,
        _ => 0,
    }
}

fn sex_bit(s: Option<char>) -> u8 {
    match s {
        Some('M') => 1,
        Some('F') => 2,
        _ => 0,
    }
}

/// What a cluster holds that can speak against joining it to another.
#[derive(Debug, Clone, Default)]
struct Summary {
    /// Bit 1: holds a victim/witness; bit 2: holds a suspect-side record.
    sides: u8,
    /// Bit 1: a man's record; bit 2: a woman's.
    sexes: u8,
    /// Distinct full birth dates, sorted.
    dates: Vec<PartialDate>,
    /// Distinct birth years of every dated record, sorted.
    years: Vec<i32>,
}

/// Union–find over record indexes, with each cluster's members and [`Summary`], and
/// the pairs that keep records apart; batch clustering and the incremental index
/// share it, so the guards are the same in both.
#[derive(Debug, Default)]
pub(crate) struct Clusters {
    parent: Vec<u32>,
    /// Members of each root (empty for non-roots).
    pub(crate) members: Vec<Vec<u32>>,
    summary: Vec<Summary>,
    /// Each record's own full birth date and birth year.
    births: Vec<(Option<PartialDate>, Option<i32>)>,
    /// Per record, the records it must not share an identity with (analysts'
    /// rejections and strongly disagreeing pairs).
    apart: Vec<Vec<u32>>,
    rejected: HashSet<(u32, u32)>,
    /// Root pairs already found apart by a rejection, a strongly disagreeing pair or
    /// the victim/suspect line. Those hold as clusters grow, and a root stays a root
    /// until it is joined, so the memo is never wrong; it spares scanning the same
    /// members again for each of many links between two held clusters.
    held: HashMap<(u32, u32), Held>,
}

impl Clusters {
    /// Adds a record as a cluster of its own; returns its index.
    pub(crate) fn push(&mut self, traits: Traits) -> u32 {
        let me = self.parent.len() as u32;
        self.parent.push(me);
        self.members.push(vec![me]);
        self.summary.push(Summary {
            sides: side(traits.category),
            sexes: sex_bit(traits.sex),
            dates: traits.full_birth.into_iter().collect(),
            years: traits.birth_year.into_iter().collect(),
        });
        self.apart.push(Vec::new());
        self.births.push((traits.full_birth, traits.birth_year));
        me
    }

    /// Every birth date and year in the clusters of `a` and `b` is that of `a` or
    /// `b` respectively: whatever conflict there is between the two clusters is the
    /// link's own, and a link that says `a` and `b` are one person says it of both
    /// clusters.
    fn dates_are_the_links(&self, (a, ra): (u32, u32), (b, rb): (u32, u32)) -> bool {
        let side = |x: u32, root: u32| {
            let (full, year) = self.births[x as usize];
            let s = &self.summary[root as usize];
            s.dates.iter().all(|d| Some(*d) == full) && s.years.iter().all(|y| Some(*y) == year)
        };
        side(a, ra) && side(b, rb)
    }

    /// Keeps `a` and `b` apart for good (a strongly disagreeing pair).
    pub(crate) fn keep_apart(&mut self, a: u32, b: u32) {
        self.apart[a as usize].push(b);
        self.apart[b as usize].push(a);
    }

    /// An analyst's rejection of `a` and `b`.
    pub(crate) fn reject(&mut self, a: u32, b: u32) {
        if self.rejected.insert((a.min(b), a.max(b))) {
            self.keep_apart(a, b);
        }
    }

    pub(crate) fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Joins the clusters of `a` and `b`, whatever the guards say (an analyst's
    /// confirmation, or a join [`Clusters::held`] allowed).
    pub(crate) fn union(&mut self, a: u32, b: u32) {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        if self.members[ra as usize].len() < self.members[rb as usize].len() {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        let moved = std::mem::take(&mut self.members[rb as usize]);
        self.members[ra as usize].extend(moved);
        let other = std::mem::take(&mut self.summary[rb as usize]);
        let s = &mut self.summary[ra as usize];
        s.sides |= other.sides;
        s.sexes |= other.sexes;
        merge_distinct(&mut s.dates, other.dates);
        merge_distinct(&mut s.years, other.years);
    }

    /// Why the clusters of `a` and `b` must not be joined automatically through the
    /// link `a`–`b`, or None. See the module doc for the guards; none of them
    /// depends on how large the clusters are except the size bound itself, and no
    /// check's cost grows with the product of their sizes.
    pub(crate) fn held(&mut self, a: u32, b: u32, link: Corroboration, evidence: f64, policy: &Policy) -> Option<Held> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return None;
        }
        let key = (ra.min(rb), ra.max(rb));
        if let Some(&why) = self.held.get(&key) {
            return Some(why);
        }
        if let Some(why) = self.apart_across(ra, rb) {
            self.held.insert(key, why);
            return Some(why);
        }
        let (x, y) = (&self.summary[ra as usize], &self.summary[rb as usize]);
        // First, as it is what an analyst must see: whatever else is wrong, this
        // join would put a victim or witness with a suspect.
        if (x.sides | y.sides) == 3 {
            self.held.insert(key, Held::ProtectedCategory);
            return Some(Held::ProtectedCategory);
        }
        let (na, nb) = (self.members[ra as usize].len(), self.members[rb as usize].len());
        let outweighs_dates = || {
            link == Corroboration::Biometric
                || (na == 1 && nb == 1 && link >= Corroboration::SharedDocument)
                || (evidence >= policy.overwhelming_evidence
                    && (na.min(nb) == 1 || self.dates_are_the_links((a, ra), (b, rb))))
        };
        if (dates_conflict(&x.dates, &y.dates) || years_conflict(&x.years, &y.years)) && !outweighs_dates() {
            return Some(Held::Conflict);
        }
        if link < Corroboration::Document && (x.sexes | y.sexes) == 3 {
            return Some(Held::DifferentSex);
        }
        if link < Corroboration::Document && na + nb > policy.max_identity {
            return Some(Held::TooLarge);
        }
        None
    }

    /// A rejection or strongly disagreeing pair across two clusters, looked for from
    /// the smaller one's members.
    fn apart_across(&mut self, ra: u32, rb: u32) -> Option<Held> {
        let (small, other) = if self.members[ra as usize].len() <= self.members[rb as usize].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let mut found = None;
        for i in 0..self.members[small as usize].len() {
            let x = self.members[small as usize][i];
            for j in 0..self.apart[x as usize].len() {
                let y = self.apart[x as usize][j];
                if self.find(y) == other {
                    if self.rejected.contains(&(x.min(y), x.max(y))) {
                        return Some(Held::Rejected);
                    }
                    found = Some(Held::Conflict);
                }
            }
        }
        found
    }
}

/// Adds `theirs` to the sorted distinct values `mine`.
fn merge_distinct<T: Ord>(mine: &mut Vec<T>, theirs: Vec<T>) {
    if !theirs.is_empty() {
        mine.extend(theirs);
        mine.sort_unstable();
        mine.dedup();
    }
}

/// Two sets of full birth dates hold a pair that cannot be one person's.
fn dates_conflict(xs: &[PartialDate], ys: &[PartialDate]) -> bool {
    xs.iter()
        .any(|&x| ys.iter().any(|&y| crate::compare::full_dates_conflict(x, y)))
}

/// Two sets of birth years hold a pair that cannot be one person's.
fn years_conflict(xs: &[i32], ys: &[i32]) -> bool {
    xs.iter()
        .any(|&x| ys.iter().any(|&y| crate::compare::years_conflict(x, y)))
}

/// The outcome: an identity number per record (the smallest record index in it)
/// and the pairs held for review.
#[derive(Debug, Clone, Serialize)]
pub struct Clustering {
    pub identity: Vec<u32>,
    pub review: Vec<Review>,
}

/// Clusters `n` records knowing only their categories (no dates, sexes or
/// corroboration). `confirmed` and `rejected` are analysts' decisions.
pub fn cluster(
    n: usize,
    scored: &[Scored],
    categories: &[Option<DataSubjectCategory>],
    confirmed: &[(u32, u32)],
    rejected: &[(u32, u32)],
    policy: &Policy,
) -> Clustering {
    let traits: Vec<Traits> = (0..n)
        .map(|i| Traits {
            category: categories.get(i).copied().flatten(),
            ..Traits::default()
        })
        .collect();
    cluster_with(n, scored, &[], &traits, confirmed, rejected, policy, &|_, _| {
        Corroboration::None
    })
}

/// [`cluster`] with each record's [`Traits`] (birth date, sex, category), pairs
/// known to be strong evidence against a match beyond those in `scored`
/// (`apart_pairs`: a run keeps only their ids, not their scores) and what
/// corroborates a link between two records beyond its score.
#[allow(clippy::too_many_arguments)]
pub fn cluster_with(
    n: usize,
    scored: &[Scored],
    apart_pairs: &[(u32, u32)],
    traits: &[Traits],
    confirmed: &[(u32, u32)],
    rejected: &[(u32, u32)],
    policy: &Policy,
    corroboration: &(dyn Fn(u32, u32) -> Corroboration + Sync),
) -> Clustering {
    let mut c = Clusters::default();
    for i in 0..n {
        c.push(traits.get(i).copied().unwrap_or_default());
    }
    // Pairs naming a record that is not there are no pairs.
    let within = |&(a, b): &(u32, u32)| (a as usize) < n && (b as usize) < n && a != b;
    for &(a, b) in rejected.iter().filter(|p| within(p)) {
        c.reject(a, b);
    }
    let strongly_apart = scored
        .iter()
        .filter(|s| s.evidence <= policy.split_weight)
        .map(|s| (s.a, s.b));
    for (a, b) in strongly_apart.chain(apart_pairs.iter().copied()).filter(|p| within(p)) {
        c.keep_apart(a, b);
    }
    for &(a, b) in confirmed.iter().filter(|p| within(p)) {
        c.union(a, b);
    }
    let mut review = Vec::new();
    // Analysts' decisions that contradict each other (a chain of confirmations
    // across a rejection) are theirs to settle: the confirmations stand, and the
    // rejected pair is shown again.
    for &(a, b) in rejected.iter().filter(|p| within(p)) {
        if c.find(a) == c.find(b) {
            review.push(Review {
                // No score: the pair is shown for the analysts' own decisions.
                pair: Scored {
                    a,
                    b,
                    weight: 0.0,
                    probability: 0.0,
                    evidence: 0.0,
                },
                why: Held::Rejected,
            });
        }
    }
    let mut strong: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.probability >= policy.review_probability && within(&(s.a, s.b)))
        .collect();
    strong.sort_by(|x, y| y.weight.total_cmp(&x.weight).then((x.a, x.b).cmp(&(y.a, y.b))));
    // One review entry per pair of clusters, its strongest pair: an analyst decides
    // whether two identities are one, and their other pairs say the same. (Without
    // this a million records gave millions of entries, most of them the same
    // question many times over.) A later pair corroborated by a shared identifier
    // is still tried: it may pass where the first could not.
    let mut asked: HashSet<(u32, u32)> = HashSet::new();
    for s in strong {
        let (ra, rb) = (c.find(s.a), c.find(s.b));
        if ra == rb {
            continue;
        }
        let seen = asked.contains(&(ra.min(rb), ra.max(rb)));
        let link = if s.probability < policy.match_probability {
            Corroboration::None
        } else {
            corroboration(s.a, s.b)
        };
        if seen && link == Corroboration::None {
            continue;
        }
        let why = if s.probability < policy.match_probability {
            Some(Held::Uncertain)
        } else {
            c.held(s.a, s.b, link, s.evidence, policy)
        };
        if seen && why.is_some() {
            continue;
        }
        match why {
            Some(why) => {
                asked.insert((ra.min(rb), ra.max(rb)));
                review.push(Review { pair: *s, why });
            }
            None => c.union(s.a, s.b),
        }
    }
    let mut identity = vec![0u32; n];
    let mut smallest: HashMap<u32, u32> = HashMap::new();
    for i in 0..n as u32 {
        let r = c.find(i);
        let e = smallest.entry(r).or_insert(i);
        identity[i as usize] = *e;
    }
    Clustering { identity, review }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: u32, b: u32, weight: f64) -> Scored {
        Scored {
            a,
            b,
            weight,
            probability: crate::model::probability(weight),
            evidence: weight,
        }
    }

    fn born(d: &str, sex: char) -> Traits {
        Traits {
            full_birth: PartialDate::parse_iso(d).ok(),
            birth_year: PartialDate::parse_iso(d).ok().map(|d| d.year),
            sex: Some(sex),
            category: None,
        }
    }

    #[test]
    fn a_reasons_name_is_its_serialised_form() {
        use Held::*;
        for why in [Uncertain, ProtectedCategory, Conflict, DifferentSex, TooLarge, Rejected] {
            assert_eq!(
                serde_json::to_value(why).ok(),
                Some(serde_json::Value::from(why.name()))
            );
        }
    }

    #[test]
    fn a_weak_middle_record_does_not_chain_two_people() {
        // 0 ~ 1 and 1 ~ 2 look alike, but 0 and 2 disagree strongly.
        let pairs = [s(0, 1, 8.0), s(1, 2, 7.0), s(0, 2, -10.0)];
        let c = cluster(3, &pairs, &[None; 3], &[], &[], &Policy::default());
        assert_eq!(c.identity, vec![0, 0, 2]);
        assert_eq!(c.review[0].why, Held::Conflict);
    }

    #[test]
    fn victims_never_join_a_suspect_automatically() {
        let cats = [Some(DataSubjectCategory::Victim), Some(DataSubjectCategory::Suspect)];
        let c = cluster(2, &[s(0, 1, 20.0)], &cats, &[], &[], &Policy::default());
        assert_eq!(c.identity, vec![0, 1]);
        assert_eq!(c.review[0].why, Held::ProtectedCategory);
        // An analyst's confirmation is what joins them.
        let c = cluster(2, &[s(0, 1, 20.0)], &cats, &[(0, 1)], &[], &Policy::default());
        assert_eq!(c.identity, vec![0, 0]);
    }

    #[test]
    fn rejections_are_respected_and_uncertain_pairs_go_to_review() {
        let c = cluster(
            3,
            &[s(0, 1, 20.0), s(1, 2, 1.0)],
            &[None; 3],
            &[],
            &[(0, 1)],
            &Policy::default(),
        );
        assert_eq!(c.identity, vec![0, 1, 2]);
        let whys: Vec<Held> = c.review.iter().map(|r| r.why).collect();
        assert_eq!(whys, vec![Held::Rejected, Held::Uncertain]);
    }

    /// Two clusters whose members' full birth dates conflict stay apart even when
    /// the link between them is overwhelming and the clusters are large; only a
    /// shared biometric reference on the link joins them.
    #[test]
    fn a_strong_link_does_not_hide_a_birth_date_conflict_at_any_size() {
        let policy = Policy {
            max_identity: usize::MAX,
            ..Policy::default()
        };
        for size in [2u32, 50, 400, 3_000] {
            // Records 0..size born 1990-03-07 in a chain; record `size`, the link's
            // far end, born 1987-03-07 (compatible with both sides); the rest born
            // 1984-03-07, which cannot be 1990's (six years, two digits).
            let n = 2 * size;
            let traits: Vec<Traits> = (0..n)
                .map(|i| {
                    born(
                        match i {
                            i if i < size => "1990-03-07",
                            i if i == size => "1987-03-07",
                            _ => "1984-03-07",
                        },
                        'M',
                    )
                })
                .collect();
            // Each side joined first by links stronger than the one between them.
            let mut pairs: Vec<Scored> = (1..n).filter(|&i| i != size).map(|i| s(i - 1, i, 80.0)).collect();
            // The link is the strongest pair when its score or a shared document
            // backs it, the weakest when a fingerprint does (after it, the other
            // members' dates conflict inside one identity, and records with those
            // dates are held).
            pairs.push(s(size - 1, size, 60.0));
            // However strong, a link whose own records agree on their dates does
            // not outweigh the other members' conflict.
            let c = cluster_with(n as usize, &pairs, &[], &traits, &[], &[], &policy, &|_, _| {
                Corroboration::Document
            });
            assert_ne!(c.identity[0], c.identity[n as usize - 1], "size {size}");
            assert_eq!(c.review.len(), 1);
            assert_eq!(c.review[0].why, Held::Conflict);
            if let Some(link) = pairs.last_mut() {
                *link = s(size - 1, size, 10.0);
            }
            let c = cluster_with(n as usize, &pairs, &[], &traits, &[], &[], &policy, &|a, b| {
                if (a, b) == (size - 1, size) {
                    Corroboration::Biometric
                } else {
                    Corroboration::None
                }
            });
            assert_eq!(
                c.identity[0],
                c.identity[n as usize - 1],
                "a fingerprint hit is one person"
            );
        }
    }

    /// A date mistyped beyond recognition on a record that agrees with another on
    /// everything else: the link's own conflict, outweighed by its overwhelming
    /// evidence; never dates that other members bring.
    #[test]
    fn an_overwhelming_link_outweighs_only_its_own_date_conflict() {
        let traits = [
            born("1947-12-03", 'M'),
            born("1922-09-02", 'M'),
            born("1947-12-03", 'M'),
        ];
        let none = |_: u32, _: u32| Corroboration::None;
        let c = cluster_with(
            2,
            &[s(0, 1, 25.0)],
            &[],
            &traits[..2],
            &[],
            &[],
            &Policy::default(),
            &none,
        );
        assert_eq!(c.identity, vec![0, 0]);
        let c = cluster_with(
            2,
            &[s(0, 1, 12.0)],
            &[],
            &traits[..2],
            &[],
            &[],
            &Policy::default(),
            &none,
        );
        assert_eq!(c.identity, vec![0, 1], "12 bits are not overwhelming");
        let traits = [
            born("1990-03-07", 'M'),
            born("1990-03-07", 'M'),
            born("1987-03-07", 'M'),
            born("1984-03-07", 'M'),
        ];
        let pairs = [s(0, 1, 15.0), s(2, 3, 15.0), s(1, 2, 12.0)];
        let overwhelming = [s(0, 1, 30.0), s(2, 3, 30.0), s(1, 2, 25.0)];
        let c = cluster_with(4, &overwhelming, &[], &traits, &[], &[], &Policy::default(), &none);
        assert_eq!(
            c.identity,
            vec![0, 0, 2, 2],
            "two identities whose link agrees stay apart"
        );
        // A single record with an odd date joins on an overwhelming link only.
        let c = cluster_with(4, &pairs[..2], &[], &traits, &[], &[], &Policy::default(), &none);
        assert_eq!(c.identity, vec![0, 0, 2, 2]);
        let single = [s(0, 1, 30.0), s(1, 3, 25.0)];
        let c = cluster_with(4, &single, &[], &traits, &[], &[], &Policy::default(), &none);
        assert_eq!(c.identity, vec![0, 0, 2, 0]);
        let c = cluster_with(
            4,
            &[s(0, 1, 15.0), s(1, 3, 12.0)],
            &[],
            &traits,
            &[],
            &[],
            &Policy::default(),
            &none,
        );
        assert_eq!(c.identity, vec![0, 0, 2, 3]);
        // Two identities of two records each, every date on each side its link
        // end's: the link's own conflict, outweighed.
        let traits = [
            born("1947-12-03", 'M'),
            born("1947-12-03", 'M'),
            born("1922-09-02", 'M'),
            born("1922-09-02", 'M'),
        ];
        let pairs = [s(0, 1, 30.0), s(2, 3, 30.0), s(1, 2, 25.0)];
        let c = cluster_with(4, &pairs, &[], &traits, &[], &[], &Policy::default(), &none);
        assert_eq!(c.identity, vec![0, 0, 0, 0]);
    }

    #[test]
    fn sexes_and_placeholder_free_dates_are_checked() {
        let traits = [born("1990-03-07", 'M'), born("1990-03-07", 'F')];
        let c = cluster_with(
            2,
            &[s(0, 1, 25.0)],
            &[],
            &traits,
            &[],
            &[],
            &Policy::default(),
            &|_, _| Corroboration::None,
        );
        assert_eq!(c.review[0].why, Held::DifferentSex);
        let c = cluster_with(
            2,
            &[s(0, 1, 25.0)],
            &[],
            &traits,
            &[],
            &[],
            &Policy::default(),
            &|_, _| Corroboration::Document,
        );
        assert_eq!(
            c.identity,
            vec![0, 0],
            "a shared document with compatible dates corroborates"
        );
        // A date one typo apart is not a conflict.
        let traits = [
            born("1990-03-07", 'M'),
            born("1990-03-01", 'M'),
            born("1991-03-07", 'M'),
        ];
        let pairs = [s(0, 1, 25.0), s(0, 2, 24.0)];
        let c = cluster_with(3, &pairs, &[], &traits, &[], &[], &Policy::default(), &|_, _| {
            Corroboration::None
        });
        assert_eq!(c.identity, vec![0, 0, 0]);
    }

    #[test]
    fn birth_years_of_any_precision_conflict_when_far_apart() {
        let year = |y: i32| Traits {
            birth_year: Some(y),
            ..Traits::default()
        };
        let none = |_: u32, _: u32| Corroboration::None;
        for (x, y, apart) in [
            (1958, 2003, true),
            (1998, 2023, true),
            (1980, 1990, false),
            (1999, 2000, false),
            (2003, 2006, false),
        ] {
            let c = cluster_with(
                2,
                &[s(0, 1, 15.0)],
                &[],
                &[year(x), year(y)],
                &[],
                &[],
                &Policy::default(),
                &none,
            );
            assert_eq!(c.identity[1] == 1, apart, "{x} and {y}");
        }
    }

    /// Analysts' confirmations that chain across their own rejection stand, and the
    /// rejected pair is shown again; a later link corroborated by a fingerprint is
    /// tried even after an earlier pair between the same clusters was held.
    #[test]
    fn contradictory_decisions_are_shown_and_corroborated_links_retried() {
        let c = cluster(3, &[], &[None; 3], &[(0, 1), (1, 2)], &[(0, 2)], &Policy::default());
        assert_eq!(c.identity, vec![0, 0, 0]);
        assert_eq!(c.review.len(), 1);
        assert_eq!(
            (c.review[0].pair.a, c.review[0].pair.b, c.review[0].why),
            (0, 2, Held::Rejected)
        );
        let policy = Policy {
            max_identity: 2,
            ..Policy::default()
        };
        let pairs = [s(0, 1, 40.0), s(0, 2, 30.0), s(1, 2, 25.0)];
        let c = cluster_with(3, &pairs, &[], &[Traits::default(); 3], &[], &[], &policy, &|a, b| {
            if (a, b) == (1, 2) {
                Corroboration::Biometric
            } else {
                Corroboration::None
            }
        });
        assert_eq!(c.identity, vec![0, 0, 0]);
        // Pairs naming records that are not there are ignored, not a panic.
        let c = cluster(
            2,
            &[s(0, 7, 30.0)],
            &[None; 2],
            &[(0, 9)],
            &[(5, 1)],
            &Policy::default(),
        );
        assert_eq!(c.identity, vec![0, 1]);
    }

    /// The size bound sends a join past it to review, with its reason, unless the
    /// link is corroborated.
    #[test]
    fn the_size_bound_sends_the_join_to_review() {
        let policy = Policy {
            max_identity: 5,
            ..Policy::default()
        };
        let pairs: Vec<Scored> = (1..8).map(|i| s(i - 1, i, 30.0 - f64::from(i))).collect();
        let none = |_: u32, _: u32| Corroboration::None;
        let c = cluster_with(8, &pairs, &[], &[Traits::default(); 8], &[], &[], &policy, &none);
        assert_eq!(&c.identity[..5], &[0; 5]);
        assert_ne!(c.identity[5], 0);
        assert_eq!(c.review[0].why, Held::TooLarge);
        assert_eq!(c.review[0].pair.a, 4);
        let c = cluster_with(8, &pairs, &[], &[Traits::default(); 8], &[], &[], &policy, &|_, _| {
            Corroboration::Biometric
        });
        assert_eq!(c.identity, vec![0; 8], "corroborated links pass the bound");
        // An analyst's confirmations are not bounded.
        let confirmed: Vec<(u32, u32)> = (1..8).map(|i| (i - 1, i)).collect();
        let c = cluster_with(8, &[], &[], &[Traits::default(); 8], &confirmed, &[], &policy, &none);
        assert_eq!(c.identity, vec![0; 8]);
    }
}

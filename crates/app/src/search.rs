//! Search: names in any script and selectors (phones, travel-document numbers,
//! plates, IBANs, vessels), each result with why it matched; within a case, and
//! for the rest of the node only which other cases hold a match and whom to ask
//! (hit/no-hit inside the node, as between partners).
//!
//! The index is kept in memory per [`Store::data_version`] (like the graph cache):
//! built from one logged bulk read of persons and selector entities, then every
//! query is a hash lookup. Names are indexed per token under their cross-script
//! spellings (`corridor-normalize`: Latin forms, consonant skeletons, phonetic
//! codes), so `Djordjevic`, `Đorđević` and `Ђорђевић` meet, and a surname alone
//! finds the full name; results are ranked by how many query tokens matched and
//! how (spelling before skeleton before sound), then by name similarity.
//! Selectors are indexed by their canonical form as ingest stores them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use corridor_access::Grant;
use corridor_model::HandlingCode;
use corridor_normalize::{NameKeys, ident};
use corridor_store::{AuditEntry, Store};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::session::Session;

/// Results given at most.
pub const MAX_RESULTS: usize = 25;
/// The longest query taken.
pub const MAX_QUERY_CHARS: usize = 200;

/// How a key matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The same selector (phone, document, plate, IBAN, vessel), canonical form.
    Selector,
    /// A name token spelt alike in Latin (after transliteration).
    Spelling,
    /// The same consonant skeleton.
    Skeleton,
    /// The same sound (Double Metaphone).
    Sound,
}

#[derive(Debug, Clone)]
struct Indexed {
    id: String,
    /// Its data set, as an index into `SearchIndex::datasets` (a search filters
    /// hundreds of thousands of candidates by data set: no string work per one).
    dataset: u32,
    schema: String,
    name: Option<String>,
    /// The strictest handling of what the index holds of it.
    handling: HandlingCode,
}

/// The search index of one data version.
#[derive(Debug, Default)]
pub struct SearchIndex {
    version: Option<i64>,
    entities: Vec<Indexed>,
    /// The data sets entities belong to.
    datasets: Vec<String>,
    tokens: HashMap<String, Vec<u32>>,
    selectors: HashMap<String, Vec<u32>>,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub schema: String,
    pub name: Option<String>,
    /// Per query token (or the selector), how it matched.
    pub why: Vec<(String, MatchedBy)>,
    /// Name similarity in [0, 1] for names; 1 for a selector.
    pub score: f64,
}

/// Another case that holds a match: its name and its supervisors, to ask.
#[derive(Debug, Clone, Serialize)]
pub struct Elsewhere {
    pub case: String,
    pub ask: Vec<String>,
}

/// What a search found.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub hits: Vec<Hit>,
    /// Other cases that hold matches (no content).
    pub elsewhere: Vec<Elsewhere>,
    /// Matches in data no case holds: ask the node's administrator.
    pub outside_cases: bool,
}

const SELECTOR_SCHEMATA: [&str; 5] = ["Phone", "TravelDocument", "Vehicle", "BankAccount", "Vessel"];

fn selector_key(schema: &str, prop: &str, value: &str) -> Option<String> {
    Some(match (schema, prop) {
        ("Phone", "number") => format!("phone:{value}"),
        ("TravelDocument", "number") => format!("doc:{}", ident::document_match_key(value)),
        ("Vehicle", "registrationNumber") => format!("plate:{}", ident::plate(value).canonical),
        ("BankAccount", "iban") => format!("iban:{}", ident::iban(value).canonical),
        ("Vessel", "imoNumber") => format!("vessel:{}", ident::imo(value).canonical),
        ("Vessel", "mmsi") => format!("vessel:{}", ident::mmsi(value).canonical),
        _ => return None,
    })
}

/// The keys a query may mean as a selector.
fn query_selector_keys(q: &str) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(e164) = corridor_normalize::normalize_phone(q, None).e164 {
        keys.push(format!("phone:{e164}"));
    }
    let compact = ident::compact(q);
    if compact.len() >= 4 && compact.chars().any(|c| c.is_ascii_digit()) {
        keys.push(format!("doc:{}", ident::document_match_key(q)));
        keys.push(format!("plate:{}", ident::plate(q).canonical));
        keys.push(format!("iban:{}", ident::iban(q).canonical));
        keys.push(format!("vessel:{}", ident::imo(q).canonical));
        keys.push(format!("vessel:{}", ident::mmsi(q).canonical));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The index keys of one name token: its Latin spellings, skeletons and sounds.
fn keys_of_token(t: &corridor_normalize::Token) -> Vec<(String, MatchedBy)> {
    let mut out = Vec::new();
    out.extend(t.latin.iter().map(|k| (format!("L:{k}"), MatchedBy::Spelling)));
    out.extend(t.bare.iter().map(|k| (format!("L:{k}"), MatchedBy::Spelling)));
    out.extend(t.skeleton.iter().map(|k| (format!("S:{k}"), MatchedBy::Skeleton)));
    out.extend(t.phonetic.iter().map(|k| (format!("P:{k}"), MatchedBy::Sound)));
    out
}

fn token_keys(keys: &NameKeys) -> Vec<(String, MatchedBy)> {
    let mut out: Vec<(String, MatchedBy)> = keys.tokens.iter().flat_map(keys_of_token).collect();
    out.sort();
    out.dedup();
    out
}

fn person_name(e: &corridor_model::EntityEvidence) -> Option<String> {
    e.values("name").first().map(|s| s.to_string()).or_else(|| {
        let parts: Vec<&str> = ["firstName", "lastName"].iter().flat_map(|p| e.values(p)).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })
}

impl SearchIndex {
    /// Builds the index now (a node warming up before its first search); the
    /// bulk read is logged with `session`.
    pub fn warm(&mut self, store: &mut dyn Store, session: &Session) -> Result<()> {
        self.refresh(store, session)
    }

    /// The index for the store's data now: kept when the data has not changed,
    /// built again (one logged bulk read) otherwise.
    fn refresh(&mut self, store: &mut dyn Store, session: &Session) -> Result<()> {
        let version = store.data_version()?;
        if self.version == Some(version) {
            return Ok(());
        }
        let mut schemata = vec!["Person"];
        schemata.extend(SELECTOR_SCHEMATA);
        let read = store.entity_evidence(&schemata, session.actor(), session.purpose())?;
        let mut fresh = SearchIndex {
            version: Some(version),
            ..SearchIndex::default()
        };
        let mut dataset_ids: HashMap<String, u32> = HashMap::new();
        for e in &read {
            let v = fresh.entities.len() as u32;
            let name = e.id.split(':').next().unwrap_or_default();
            let dataset = match dataset_ids.get(name) {
                Some(d) => *d,
                None => {
                    let d = fresh.datasets.len() as u32;
                    fresh.datasets.push(name.to_string());
                    dataset_ids.insert(name.to_string(), d);
                    d
                }
            };
            let strictest = e
                .statements
                .iter()
                .map(|s| s.handling.code)
                .max()
                .unwrap_or(HandlingCode::H0);
            if e.schema == "Person" {
                let Some(name) = person_name(e) else { continue };
                if corridor_normalize::over_limits(&name) {
                    continue;
                }
                let keys = corridor_normalize::keys(&name);
                for (k, _) in token_keys(&keys) {
                    fresh.tokens.entry(k).or_default().push(v);
                }
                fresh.entities.push(Indexed {
                    id: e.id.clone(),
                    dataset,
                    schema: e.schema.to_string(),
                    name: Some(name),
                    handling: strictest,
                });
            } else {
                let keys: Vec<String> = e
                    .statements
                    .iter()
                    .filter_map(|s| selector_key(&e.schema, &s.prop, &s.value))
                    .collect();
                if keys.is_empty() {
                    continue;
                }
                for k in keys {
                    fresh.selectors.entry(k).or_default().push(v);
                }
                fresh.entities.push(Indexed {
                    id: e.id.clone(),
                    dataset,
                    schema: e.schema.to_string(),
                    name: None,
                    handling: strictest,
                });
            }
        }
        *self = fresh;
        Ok(())
    }

    /// The matches of `q` that `keep` allows, best first (at most [`MAX_RESULTS`]),
    /// and the data sets of those it does not (for naming who else holds a match).
    fn find(
        &self,
        q: &str,
        keep: impl Fn(&Indexed) -> bool,
        cleared: impl Fn(&Indexed) -> bool,
    ) -> (Vec<Hit>, BTreeSet<String>) {
        self.find_up_to(q, keep, cleared, MAX_RESULTS)
    }

    /// [`SearchIndex::find`] with another limit (at most [`SCORED`] names).
    fn find_up_to(
        &self,
        q: &str,
        keep: impl Fn(&Indexed) -> bool,
        cleared: impl Fn(&Indexed) -> bool,
        limit: usize,
    ) -> (Vec<Hit>, BTreeSet<String>) {
        let mut others = BTreeSet::new();
        let note_other = |e: &Indexed, others: &mut BTreeSet<String>| {
            if let Some(d) = self.datasets.get(e.dataset as usize) {
                others.insert(d.clone());
            }
        };
        let mut found: BTreeMap<u32, Hit> = BTreeMap::new();
        for key in query_selector_keys(q) {
            for &v in self.selectors.get(&key).into_iter().flatten() {
                let e = &self.entities[v as usize];
                if !keep(e) {
                    if cleared(e) {
                        note_other(e, &mut others);
                    }
                    continue;
                }
                found.entry(v).or_insert_with(|| Hit {
                    id: e.id.clone(),
                    schema: e.schema.clone(),
                    name: None,
                    why: vec![(
                        key.split(':').next().unwrap_or_default().to_string(),
                        MatchedBy::Selector,
                    )],
                    score: 1.0,
                });
            }
        }
        if !found.is_empty() || !others.is_empty() {
            return (found.into_values().take(limit).collect(), others);
        }
        if corridor_normalize::over_limits(q) {
            return (Vec::new(), others);
        }
        let qk = corridor_normalize::keys(q);
        // Per query token (the first eight), the best way each person matched it:
        // 0 not at all, else 1 + the `MatchedBy` rank.
        // Every posting as one integer (person, token, how), sorted: a common name's
        // hundreds of thousands of postings gather per person without a hash map.
        let mut postings: Vec<u64> = Vec::new();
        for (i, t) in qk.tokens.iter().take(QUERY_TOKENS).enumerate() {
            for (k, how) in keys_of_token(t) {
                let code = how as u64 + 1;
                let list = self.tokens.get(&k).map_or(&[][..], Vec::as_slice);
                postings.extend(list.iter().map(|&v| (u64::from(v) << 16) | ((i as u64) << 8) | code));
            }
        }
        postings.sort_unstable();
        let mut per_person: HashMap<u32, [u8; QUERY_TOKENS]> = HashMap::new();
        let mut current: Option<(u32, [u8; QUERY_TOKENS])> = None;
        let mut matched_all: Vec<(u32, [u8; QUERY_TOKENS])> = Vec::new();
        for p in postings {
            let v = (p >> 16) as u32;
            let i = ((p >> 8) & 0xff) as usize;
            let code = (p & 0xff) as u8;
            match &mut current {
                Some((cv, m)) if *cv == v => {
                    if m[i] == 0 || code < m[i] {
                        m[i] = code;
                    }
                }
                _ => {
                    if let Some(done) = current.take() {
                        matched_all.push(done);
                    }
                    let mut m = [0; QUERY_TOKENS];
                    m[i] = code;
                    current = Some((v, m));
                }
            }
        }
        matched_all.extend(current);
        let labels: Vec<String> = qk
            .tokens
            .iter()
            .map(|t| t.latin.first().cloned().unwrap_or_default())
            .collect();
        // Ranked first by how many query tokens matched and how; the name
        // similarity (the costly part) is computed for the best few hundred only.
        let mut ranked: Vec<(u32, usize, u32)> = Vec::new();
        for (v, matched) in &matched_all {
            let e = &self.entities[*v as usize];
            if keep(e) {
                let n = matched.iter().filter(|m| **m > 0).count();
                ranked.push((*v, n, matched.iter().map(|m| u32::from(*m)).sum()));
            } else if cleared(e) {
                // Only what the reader is cleared for is even said to exist elsewhere.
                note_other(e, &mut others);
            }
        }
        let order =
            |a: &(u32, usize, u32), b: &(u32, usize, u32)| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0));
        if ranked.len() > SCORED {
            ranked.select_nth_unstable_by(SCORED - 1, order);
            ranked.truncate(SCORED);
        }
        ranked.sort_by(order);
        for (v, _, _) in &ranked {
            if let Ok(at) = matched_all.binary_search_by_key(v, |(x, _)| *x) {
                per_person.insert(*v, matched_all[at].1);
            }
        }
        let mut hits: Vec<(usize, u32, Hit)> = ranked
            .into_iter()
            .filter_map(|(v, n, rank)| {
                let e = &self.entities[v as usize];
                let matched = per_person.get(&v)?;
                // Keys are made again for the few scored: keeping them for every
                // person would hold gigabytes at a million.
                let keys = corridor_normalize::keys(e.name.as_deref()?);
                Some((
                    n,
                    rank,
                    Hit {
                        id: e.id.clone(),
                        schema: e.schema.clone(),
                        name: e.name.clone(),
                        why: matched
                            .iter()
                            .enumerate()
                            .filter(|(_, m)| **m > 0)
                            .map(|(i, m)| (labels[i].clone(), MatchedBy::from_code(*m)))
                            .collect(),
                        score: corridor_normalize::similarity(&qk, &keys),
                    },
                ))
            })
            .collect();
        hits.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(b.2.score.total_cmp(&a.2.score))
                .then(a.2.id.cmp(&b.2.id))
        });
        (hits.into_iter().take(limit).map(|(_, _, h)| h).collect(), others)
    }
}

/// Every person record of the node whose name matches each token of `name`
/// (up to [`SCORED`]), and the person records of the documents `document` names:
/// the candidates of a subject-access report, whatever case holds them. The index
/// is read as the node's.
pub(crate) fn subject_candidates(
    index: &mut SearchIndex,
    store: &mut dyn Store,
    name: Option<&str>,
    document: Option<&str>,
) -> Result<(Vec<String>, bool)> {
    index.refresh(store, &Session::new("node (indexing for search)", "indexing")?)?;
    let mut out = Vec::new();
    // Whether the name matched as many persons as are ranked: there may be more.
    let mut more = false;
    if let Some(name) = name {
        let tokens = corridor_normalize::keys(name).tokens.len().clamp(1, QUERY_TOKENS);
        let (hits, _) = index.find_up_to(name, |e| e.schema == "Person", |_| false, SCORED);
        more = hits.len() >= SCORED;
        out.extend(hits.into_iter().filter(|h| h.why.len() >= tokens).map(|h| h.id));
    }
    if let Some(document) = document {
        let (hits, _) = index.find_up_to(document, |e| e.schema == "TravelDocument", |_| false, SCORED);
        for h in hits {
            // The person of the same source record.
            if let Some((record, _)) = h.id.rsplit_once(':') {
                let prefix = format!("{record}:");
                out.extend(
                    index
                        .entities
                        .iter()
                        .filter(|e| e.schema == "Person" && e.id.starts_with(&prefix))
                        .map(|e| e.id.clone()),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    Ok((out, more))
}

/// Candidates whose name similarity is computed, best ranked first.
const SCORED: usize = 400;
/// Query tokens matched at most (a name has rarely more).
const QUERY_TOKENS: usize = 8;

impl MatchedBy {
    fn from_code(code: u8) -> MatchedBy {
        match code {
            1 => MatchedBy::Selector,
            2 => MatchedBy::Spelling,
            3 => MatchedBy::Skeleton,
            _ => MatchedBy::Sound,
        }
    }
}

/// Searches for `q` within the grant's case: its hits (up to [`MAX_RESULTS`], only
/// entities of the case's data sets whose indexed statements the reader's clearance
/// allows), and which other cases hold matches, with their supervisors to ask. The
/// search is logged with the ids it returned (not the query: audit entries name no
/// values).
pub fn search(index: &mut SearchIndex, store: &mut dyn Store, grant: &Grant, q: &str) -> Result<SearchResult> {
    let q = q.trim();
    if q.is_empty() || q.chars().count() > MAX_QUERY_CHARS || q.chars().any(char::is_control) {
        return Err(Error::BadInput(format!(
            "give a name or a selector of 1 to {MAX_QUERY_CHARS} printable characters"
        )));
    }
    let case = grant
        .case()
        .ok_or_else(|| Error::BadInput("name the case this search is for".into()))?;
    let session = crate::access::session_of(grant)?;
    // The index reads every case's data: that read is the node's, not this user's.
    index.refresh(store, &Session::new("node (indexing for search)", "indexing")?)?;
    let mine = store.case_datasets(case.id)?;
    // Per data set of the index: whether the case holds it.
    let mine_ids: Vec<bool> = index.datasets.iter().map(|d| mine.contains(d)).collect();
    let clearance = grant.clearance();
    let (hits, other_datasets) = index.find(
        q,
        |e| mine_ids.get(e.dataset as usize).copied().unwrap_or(false) && e.handling <= clearance,
        |e| e.handling <= clearance,
    );
    let mut elsewhere: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut outside_cases = false;
    // Cases and users are read only when another case holds a match.
    let (cases, users) = if other_datasets.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        (store.cases()?, store.users()?)
    };
    for d in &other_datasets {
        let holders: Vec<&corridor_store::CaseRecord> = cases.iter().filter(|c| c.datasets.contains(d)).collect();
        if holders.is_empty() {
            outside_cases = true;
        }
        for c in holders {
            elsewhere.entry(c.name.clone()).or_insert_with(|| {
                c.members
                    .iter()
                    .filter(|m| {
                        users
                            .iter()
                            .any(|u| &u.name == *m && u.role == "supervisor" && !u.disabled)
                    })
                    .cloned()
                    .collect()
            });
        }
    }
    elsewhere.remove(&case.name);
    store.log_access(&AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Read,
        target: "search".into(),
        purpose: session.purpose().into(),
        detail: serde_json::json!({
            "returned": hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            "other_cases": elsewhere.len(),
        })
        .to_string(),
    })?;
    Ok(SearchResult {
        hits,
        elsewhere: elsewhere
            .into_iter()
            .map(|(case, ask)| Elsewhere { case, ask })
            .collect(),
        outside_cases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access;
    use corridor_store::SqliteStore;

    const MAPPING: &str = r#"
[dataset]
name = "DATASET"
format = "csv"
record_id = "id"

[source]
agency = "rs-bp"
country = "RS"

[defaults]
grading = "B2"
handling = { column = "handling" }
restriction = { column = "restriction" }

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
category = { literal = "suspect" }

[entities.phone]
schema = "Phone"
properties.number = { column = "phone" }

[entities.uses]
schema = "Uses"
properties.user = { entity = "person" }
properties.object = { entity = "phone" }
"#;

    fn ingest(store: &mut SqliteStore, dir: &std::path::Path, dataset: &str, csv: &str) {
        let file = dir.join(format!("{dataset}.csv"));
        std::fs::write(&file, csv).expect("csv");
        let mapping = MAPPING.replace("DATASET", dataset);
        crate::ingest::ingest_file(
            store,
            &Session::new("root", "").expect("session"),
            &crate::ingest::IngestRequest {
                mapping_name: "m.toml",
                mapping_text: &mapping,
                file: &file,
                rejects: None,
                limits: Default::default(),
            },
            &corridor_ingest::NoProgress,
        )
        .expect("ingest");
    }

    #[test]
    fn names_meet_across_scripts_within_the_case_and_other_cases_are_only_named() {
        let dir = tempfile::tempdir().expect("dir");
        let (mut s, _) = SqliteStore::create(&dir.path().join("n.corridor"), "root").expect("store");
        ingest(
            &mut s,
            dir.path(),
            "rs-a",
            "id,name,phone,handling,restriction\n1,Ђорђевић Марко,+381641234567,H1,\n2,Petar Nikolić,+381641111111,H1,\n3,Marko Đorđević,+381642222222,H3,JIT only\n",
        );
        ingest(
            &mut s,
            dir.path(),
            "rs-b",
            "id,name,phone,handling,restriction\n9,Marko Djordjevic,+381649999999,H1,\n",
        );
        ingest(
            &mut s,
            dir.path(),
            "rs-c",
            "id,name,phone,handling,restriction\n5,Marko Đorđević,+381645555555,H3,JIT only\n",
        );
        let root = Session::new("root", "").expect("session");
        for (user, role) in [("ana", "analyst"), ("sam", "supervisor")] {
            access::add_user(&mut s, &root, user, role, None, "a long enough passphrase").expect("user");
        }
        for (case, data, member) in [("a", "rs-a", "ana"), ("b", "rs-b", "sam"), ("c", "rs-c", "sam")] {
            access::add_case(&mut s, &root, case, "").expect("case");
            access::add_case_data(&mut s, &root, case, data).expect("data");
            access::set_case_member(&mut s, &root, case, member, true).expect("member");
        }
        access::add_purpose(&mut s, &root, "investigation", "criminal investigation").expect("purpose");
        let ana = access::log_in(&mut s, "ana", "a long enough passphrase", chrono::Utc::now()).expect("login");
        let grant = access::authorize_request(
            &mut s,
            Some(&ana),
            corridor_access::Action::Search,
            Some("a"),
            Some("investigation"),
        )
        .expect("grant");
        let mut index = SearchIndex::default();
        let r = search(&mut index, &mut s, &grant, "Djordjevic").expect("search");
        let ids: Vec<&str> = r.hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            ["rs-a:1:person"],
            "the Cyrillic record, not the H3 one, not case b's: {r:?}"
        );
        assert_eq!(r.hits[0].why, vec![("DJORDJEVIC".to_string(), MatchedBy::Spelling)]);
        assert_eq!(
            r.elsewhere.len(),
            1,
            "case c's match is H3: not even named to an H1 reader: {r:?}"
        );
        assert_eq!(
            (r.elsewhere[0].case.as_str(), r.elsewhere[0].ask.clone()),
            ("b", vec!["sam".to_string()])
        );
        // The full name, in Cyrillic, ranks the record that matches both tokens first.
        let r = search(&mut index, &mut s, &grant, "Марко Ђорђевић").expect("search");
        assert_eq!(r.hits.first().map(|h| h.id.as_str()), Some("rs-a:1:person"));
        assert_eq!(r.hits[0].why.len(), 2);
        // A phone written another way finds the phone entity.
        let r = search(&mut index, &mut s, &grant, "+381 64 123 4567").expect("search");
        assert_eq!(
            r.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            ["rs-a:1:phone"]
        );
        assert_eq!(r.hits[0].why[0].1, MatchedBy::Selector);
        // Nothing found, and bad queries.
        assert!(
            search(&mut index, &mut s, &grant, "Zzyzx Qwerty")
                .expect("search")
                .hits
                .is_empty()
        );
        for bad in ["", "   ", "a\u{7}b", &"x".repeat(201)] {
            assert!(search(&mut index, &mut s, &grant, bad).is_err(), "{bad:?}");
        }
        // The searches are logged with what they returned, never the query.
        let log = s.audit_page(0, 1000).expect("log");
        let searches: Vec<_> = log.iter().filter(|e| e.entry.target == "search").collect();
        assert!(searches.len() >= 4);
        assert!(
            log.iter()
                .all(|e| !e.entry.detail.contains("Djordjevic") && !e.entry.detail.contains("123 4567"))
        );
    }
}

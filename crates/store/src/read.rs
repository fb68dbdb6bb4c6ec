//! Reading back: entities with full provenance, derived facts with their computed
//! restrictions, counts, review dates, and the consistency check.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use corridor_model::{
    Assessment, DataSubjectCategory, Entity, EntityEvidence, EntityValues, EvidenceStatement, Grading, Handling,
    Provenance, Restrictions, RetentionPolicy, SourceRef, Statement, entity_key,
};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};

/// A fact derived from statements, with what applies to it computed now from its basis.
#[derive(Debug, Clone, Serialize)]
pub struct DerivedFact {
    pub id: i64,
    pub kind: String,
    pub description: String,
    pub basis: Vec<Statement>,
    /// `None` only if every basis statement has gone, which ingest never does.
    pub restrictions: Option<Restrictions>,
}

/// Counts for `corridor stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub datasets: i64,
    pub batches: i64,
    pub records: i64,
    pub record_versions: i64,
    pub entities: i64,
    pub statements: i64,
    pub entities_by_schema: BTreeMap<String, i64>,
    pub persons_by_category: BTreeMap<String, i64>,
    pub audit_entries: i64,
}

/// A person's category and the date their data is due for review.
#[derive(Debug, Clone, Serialize)]
pub struct PersonReview {
    pub entity: String,
    /// The record's internal id (what a decision to keep or erase names).
    pub record: i64,
    /// A supervisor's decision to keep it until `review_date`, when one was made.
    pub kept: bool,
    pub category: DataSubjectCategory,
    pub received: NaiveDate,
    pub review_date: NaiveDate,
}

/// A registered source and how its reliability grade changed over time.
#[derive(Debug, Clone, Serialize)]
pub struct SourceInfo {
    pub id: i64,
    #[serde(flatten)]
    pub source: SourceRef,
    pub datasets: Vec<String>,
    pub history: Vec<GradeChange>,
}

/// One change of a source's reliability grade.
#[derive(Debug, Clone, Serialize)]
pub struct GradeChange {
    pub reliability: String,
    pub valid_from: String,
    pub reason: String,
    pub recorded_by: String,
}

pub(crate) fn sources(conn: &Connection) -> Result<Vec<SourceInfo>> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM source ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let datasets = conn
            .prepare("SELECT name FROM dataset WHERE source_id = ?1 ORDER BY name")?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let history = conn
            .prepare("SELECT reliability, valid_from, reason, recorded_by FROM source_reliability WHERE source_id = ?1 ORDER BY id")?
            .query_map([id], |r| Ok(GradeChange { reliability: r.get(0)?, valid_from: r.get(1)?, reason: r.get(2)?, recorded_by: r.get(3)? }))?
            .collect::<Result<_, _>>()?;
        out.push(SourceInfo {
            id,
            source: source(conn, id)?,
            datasets,
            history,
        });
    }
    Ok(out)
}

/// What `check_consistency` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConsistencyReport {
    pub batches: i64,
    pub statements: i64,
    pub problems: Vec<String>,
}

pub(crate) fn corrupt<T: std::fmt::Display>(what: &'static str) -> impl Fn(T) -> Error {
    move |e| Error::Corrupt {
        what,
        value: e.to_string(),
    }
}

/// Splits `dataset:record:name`; record keys may themselves contain colons.
pub(crate) fn split_entity_id(id: &str) -> Result<(&str, &str, &str)> {
    let bad = || Error::BadEntityId { id: id.to_string() };
    let (dataset, rest) = id.split_once(':').ok_or_else(bad)?;
    let (record, name) = rest.rsplit_once(':').ok_or_else(bad)?;
    if dataset.is_empty() || record.is_empty() || name.is_empty() {
        return Err(bad());
    }
    Ok((dataset, record, name))
}

const STATEMENT_COLUMNS: &str = "SELECT s.id, d.name, r.key, e.name, e.schema, s.prop, s.value, s.raw, \
    s.version_id = r.current_version, v.batch_id, b.received_at, p.grading, p.handling, p.restriction, p.tlp, \
    p.assessment, p.source_id \
    FROM statement s JOIN entity_named e ON e.id = s.entity_id JOIN record r ON r.id = e.record_id \
    JOIN dataset d ON d.id = r.dataset_id JOIN record_version v ON v.id = s.version_id \
    JOIN batch b ON b.id = v.batch_id JOIN provenance p ON p.id = s.provenance_id";

/// A provenance row's handling columns (code, H3 text, TLP; empty when absent).
pub(crate) fn handling(code: &str, restriction: &str, tlp: &str) -> Result<Handling> {
    Handling::new(
        code.parse().map_err(corrupt("handling code"))?,
        Some(restriction.to_string()).filter(|t| !t.is_empty()),
        if tlp.is_empty() {
            None
        } else {
            Some(tlp.parse().map_err(corrupt("TLP marking"))?)
        },
    )
    .map_err(corrupt("handling"))
}

/// Reads statements selected by `filter` (a WHERE clause on `s`) with full provenance.
pub(crate) fn statements<P: rusqlite::ToSql>(conn: &Connection, filter: &str, params: &[P]) -> Result<Vec<Statement>> {
    statements_in(conn, "statement", filter, params)
}

/// The statements of a restricted record (in `statement_held`, see `hold.rs`).
/// The strictest handling code among each entity's current statements (no value
/// read, so not logged); an entity not found (or with no statement) is absent.
pub(crate) fn strictest_handling(
    conn: &Connection,
    entities: &[String],
) -> Result<HashMap<String, corridor_model::HandlingCode>> {
    let mut st = conn.prepare_cached(
        "SELECT MAX(p.handling) FROM record r JOIN dataset d ON d.id = r.dataset_id \
         JOIN record_version v ON v.id = r.current_version \
         JOIN statement s ON s.id BETWEEN v.first_statement AND v.last_statement \
         JOIN entity_named e ON e.id = s.entity_id JOIN provenance p ON p.id = s.provenance_id \
         WHERE d.name = ?1 AND r.key = ?2 AND e.name = ?3",
    )?;
    let mut out = HashMap::new();
    for id in entities {
        let Ok((dataset, record, name)) = split_entity_id(id) else {
            continue;
        };
        let code: Option<String> = st.query_row(params![dataset, record, name], |r| r.get(0))?;
        if let Some(code) = code {
            out.insert(id.clone(), code.parse().map_err(corrupt("handling code"))?);
        }
    }
    Ok(out)
}

pub(crate) fn held_statements(conn: &Connection, record: i64) -> Result<Vec<Statement>> {
    statements_in(
        conn,
        "statement_held",
        "s.id IN (SELECT h.id FROM record_version v JOIN statement_held h \
           ON h.id BETWEEN v.first_statement AND v.last_statement WHERE v.record_id = ?1)",
        &[record],
    )
}

fn statements_in<P: rusqlite::ToSql>(
    conn: &Connection,
    table: &str,
    filter: &str,
    params: &[P],
) -> Result<Vec<Statement>> {
    let mut sources: HashMap<i64, SourceRef> = HashMap::new();
    let columns = STATEMENT_COLUMNS.replacen("FROM statement s", &format!("FROM {table} s"), 1);
    let mut stmt = conn.prepare(&format!("{columns} WHERE {filter} ORDER BY s.id"))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let source_id: i64 = r.get(16)?;
        let source = match sources.get(&source_id) {
            Some(s) => s.clone(),
            None => {
                let s = source(conn, source_id)?;
                sources.insert(source_id, s.clone());
                s
            }
        };
        let dataset: String = r.get(1)?;
        let record: String = r.get(2)?;
        let name: String = r.get(3)?;
        let grading: String = r.get(11)?;
        let code: String = r.get(12)?;
        let restriction: String = r.get(13)?;
        let tlp: String = r.get(14)?;
        let assessment: String = r.get(15)?;
        let handling = handling(&code, &restriction, &tlp)?;
        out.push(Statement {
            id: r.get(0)?,
            entity: entity_key(&dataset, &record, &name),
            schema: r.get(4)?,
            prop: r.get(5)?,
            value: r.get(6)?,
            raw: r.get(7)?,
            current: r.get(8)?,
            provenance: Provenance {
                source,
                dataset,
                record_id: record,
                batch: r.get(9)?,
                received_at: r.get(10)?,
                grading: grading.parse::<Grading>().map_err(corrupt("grading"))?,
                handling,
                assessment: assessment.parse::<Assessment>().map_err(corrupt("assessment"))?,
            },
        });
    }
    Ok(out)
}

fn source(conn: &Connection, id: i64) -> Result<SourceRef> {
    let (agency, country, unit, informant_code) = conn.query_row(
        "SELECT a.node, a.country, s.unit, s.informant_code FROM source s JOIN agency a ON a.id = s.agency_id WHERE s.id = ?1",
        [id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)),
    )?;
    let current: Option<String> = conn
        .query_row(
            "SELECT reliability FROM source_reliability WHERE source_id = ?1 ORDER BY id DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let current_reliability = current
        .map(|c| c.parse().map_err(corrupt("source reliability")))
        .transpose()?;
    Ok(SourceRef {
        agency,
        country,
        unit,
        informant_code,
        current_reliability,
    })
}

pub(crate) fn entity(conn: &Connection, id: &str) -> Result<Option<Entity>> {
    let (dataset, record, name) = split_entity_id(id)?;
    let record_id: Option<i64> = conn
        .query_row(
            "SELECT r.id FROM record r JOIN dataset d ON d.id = r.dataset_id WHERE d.name = ?1 AND r.key = ?2",
            params![dataset, record],
            |r| r.get(0),
        )
        .optional()?;
    let Some(record_id) = record_id else { return Ok(None) };
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT e.id, e.schema FROM record_version v JOIN entity_named e ON e.id BETWEEN v.first_entity AND v.last_entity \
             WHERE v.record_id = ?1 AND e.name = ?2",
            params![record_id, name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((entity_id, schema)) = found else {
        return Ok(None);
    };
    let ranges: Vec<(i64, i64)> = conn
        .prepare("SELECT first_statement, last_statement FROM record_version WHERE record_id = ?1 ORDER BY id")?
        .query_map([record_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut all = Vec::new();
    for (lo, hi) in ranges {
        all.extend(statements(
            conn,
            "s.id BETWEEN ?1 AND ?2 AND s.entity_id = ?3",
            &[lo, hi, entity_id],
        )?);
    }
    Ok(Some(Entity {
        id: id.to_string(),
        schema,
        statements: all,
    }))
}

/// The current values of every entity of these schemata, in one pass over the
/// statements (no provenance beyond data set, agency and record).
pub(crate) fn entity_values(conn: &Connection, schemata: &[&str]) -> Result<Vec<EntityValues>> {
    let mut out = Vec::new();
    entity_values_by_record(conn, schemata, &mut |row| out.extend(row))?;
    Ok(out)
}

/// The current values of every entity of these schemata, one source record at a
/// time (the entities one row produced, which is all a relation in that row can
/// point at), so a caller can build what it needs without holding every entity.
/// Returns the number of entities.
///
/// One pass over the statement table in id order: a record version's statements
/// have consecutive ids, so each source record's current statements come together.
/// The records and the entities of these schemata are read first into id-sorted rows
/// ([`ById`]), so each statement costs a lookup in memory rather than two B-tree
/// searches in a join (which were half of reading the store).
pub(crate) fn entity_values_by_record(
    conn: &Connection,
    schemata: &[&str],
    each: &mut dyn FnMut(Vec<EntityValues>),
) -> Result<usize> {
    use std::borrow::Cow;
    /// An entity kind of the schemata: its name in the mapping, its schema and the
    /// schema's properties by their stored names.
    struct Kind {
        name: String,
        schema: Cow<'static, str>,
        props: Vec<(String, Cow<'static, str>)>,
    }
    struct RecordInfo {
        dataset: i64,
        key: String,
        current_version: i64,
    }
    type Fx<K, V> = rustc_hash::FxHashMap<K, V>;
    let mut kinds: Fx<i64, Kind> = Fx::default();
    {
        let mut stmt = conn.prepare("SELECT id, name, schema FROM entity_kind")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let schema: String = r.get(2)?;
            if schemata.contains(&schema.as_str()) {
                kinds.insert(
                    r.get(0)?,
                    Kind {
                        name: r.get(1)?,
                        schema: EntityValues::schema_name(&schema),
                        props: Vec::new(),
                    },
                );
            }
        }
    }
    if kinds.is_empty() {
        return Ok(0);
    }
    let mut datasets: Fx<i64, (Arc<str>, Arc<str>)> = Fx::default();
    {
        let mut stmt = conn.prepare(
            "SELECT d.id, d.name, a.node FROM dataset d JOIN source s ON s.id = d.source_id JOIN agency a ON a.id = s.agency_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (name, node): (String, String) = (r.get(1)?, r.get(2)?);
            datasets.insert(r.get(0)?, (name.into(), node.into()));
        }
    }
    let mut records: ById<RecordInfo> = ById::default();
    {
        let mut stmt = conn.prepare("SELECT id, dataset_id, key, current_version FROM record ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            records.rows.push((
                r.get(0)?,
                RecordInfo {
                    dataset: r.get(1)?,
                    key: r.get(2)?,
                    current_version: r.get(3)?,
                },
            ));
        }
    }
    // Entity → (kind, record), for the entities of these schemata only.
    let mut entities: ById<(i64, i64)> = ById::default();
    {
        let list = kinds.keys().map(i64::to_string).collect::<Vec<_>>().join(",");
        let mut stmt = conn.prepare(&format!(
            "SELECT id, kind_id, record_id FROM entity WHERE kind_id IN ({list}) ORDER BY id"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            entities.rows.push((r.get(0)?, (r.get(1)?, r.get(2)?)));
        }
    }
    let mut stmt = conn.prepare("SELECT entity_id, version_id, prop, value FROM statement ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut group: Vec<EntityValues> = Vec::new();
    let mut group_ids: Vec<i64> = Vec::new();
    let mut group_record: Option<i64> = None;
    let mut total = 0;
    while let Some(r) = rows.next()? {
        let entity: i64 = r.get(0)?;
        let Some(&(kind_id, record_id)) = entities.get(entity) else {
            continue;
        };
        let Some(record) = records.get(record_id) else {
            continue;
        };
        let version: i64 = r.get(1)?;
        if version != record.current_version {
            continue;
        }
        if group_record != Some(record_id) {
            total += group.len();
            if !group.is_empty() {
                each(std::mem::take(&mut group));
            }
            group_ids.clear();
            group_record = Some(record_id);
        }
        let Some(kind) = kinds.get_mut(&kind_id) else {
            continue;
        };
        let i = match group_ids.iter().position(|&e| e == entity) {
            Some(i) => i,
            None => {
                let (dataset, agency) = datasets.get(&record.dataset).cloned().unwrap_or_default();
                group_ids.push(entity);
                group.push(EntityValues {
                    id: entity_key(&dataset, &record.key, &kind.name),
                    schema: kind.schema.clone(),
                    dataset,
                    agency,
                    record_id: record.key.clone(),
                    values: Vec::new(),
                });
                group.len() - 1
            }
        };
        let prop = r.get_ref(2)?.as_str().map_err(|e| Error::Corrupt {
            what: "property name",
            value: e.to_string(),
        })?;
        // Each kind's properties are looked up in its schema once.
        let prop = match kind.props.iter().find(|(stored, _)| stored == prop) {
            Some((_, name)) => name.clone(),
            None => {
                let name = EntityValues::prop_name(&kind.schema, prop);
                kind.props.push((prop.to_string(), name.clone()));
                name
            }
        };
        group[i].values.push((prop, r.get(3)?));
    }
    total += group.len();
    if !group.is_empty() {
        each(group);
    }
    Ok(total)
}

/// The current values of the entities of `schemata` in each of `records`
/// (`(dataset, record key)`), one group per record found, in the store's order
/// (that of their current versions, as [`entity_values_by_record`] gives them).
pub(crate) fn values_of_records(
    conn: &Connection,
    schemata: &[&str],
    records: &[(String, String)],
) -> Result<Vec<Vec<EntityValues>>> {
    let mut find = conn.prepare_cached(
        "SELECT r.id, a.node, v.first_statement, v.last_statement FROM record r JOIN dataset d ON d.id = r.dataset_id \
         JOIN source s ON s.id = d.source_id JOIN agency a ON a.id = s.agency_id \
         JOIN record_version v ON v.id = r.current_version WHERE d.name = ?1 AND r.key = ?2",
    )?;
    let mut found: Vec<(i64, i64, i64, &str, &str, String)> = Vec::new();
    for (dataset, key) in records {
        if let Some((id, agency, lo, hi)) = find
            .query_row(params![dataset, key], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?
        {
            found.push((lo, hi, id, dataset, key, agency));
        }
    }
    found.sort_unstable_by_key(|f| (f.0, f.2));
    found.dedup_by_key(|f| f.2);
    let placeholders = vec!["?"; schemata.len()].join(",");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.entity_id, k.name, k.schema, s.prop, s.value FROM statement s JOIN entity e ON e.id = s.entity_id \
         JOIN entity_kind k ON k.id = e.kind_id WHERE s.id BETWEEN ? AND ? AND k.schema IN ({placeholders}) \
         ORDER BY s.id"
    ))?;
    let mut out = Vec::with_capacity(found.len());
    for (lo, hi, _, dataset, key, agency) in found {
        let mut group: Vec<EntityValues> = Vec::new();
        let mut ids: Vec<i64> = Vec::new();
        let bounds = [&lo as &dyn rusqlite::ToSql, &hi];
        let params = bounds
            .into_iter()
            .chain(schemata.iter().map(|s| s as &dyn rusqlite::ToSql));
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        while let Some(r) = rows.next()? {
            let entity: i64 = r.get(0)?;
            let schema = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let i = match ids.iter().position(|&e| e == entity) {
                Some(i) => i,
                None => {
                    let name = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
                    ids.push(entity);
                    group.push(EntityValues {
                        id: entity_key(dataset, key, name),
                        schema: EntityValues::schema_name(schema),
                        dataset: dataset.into(),
                        agency: agency.as_str().into(),
                        record_id: key.to_string(),
                        values: Vec::new(),
                    });
                    group.len() - 1
                }
            };
            let prop = r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
            let prop = EntityValues::prop_name(&group[i].schema, prop);
            group[i].values.push((prop, r.get(4)?));
        }
        if !group.is_empty() {
            out.push(group);
        }
    }
    Ok(out)
}

/// See [`crate::Store::count_entities`].
pub(crate) fn count_entities(conn: &Connection, schemata: &[&str]) -> Result<usize> {
    let mut n = 0;
    for schema in schemata {
        let count: i64 = conn.query_row(
            "SELECT COUNT(*) FROM entity WHERE kind_id IN (SELECT id FROM entity_kind WHERE schema = ?1)",
            [schema],
            |r| r.get(0),
        )?;
        n += usize::try_from(count).unwrap_or(0);
    }
    Ok(n)
}

/// Rows sorted by id, looked up mostly in increasing order of id (statements in id
/// order name their entities, and entities their records, in nearly that order):
/// each lookup starts where the last one ended, so a pass over the statements reads
/// these rows once, in order, instead of hashing into them at random.
struct ById<T> {
    rows: Vec<(i64, T)>,
    at: usize,
}

impl<T> Default for ById<T> {
    fn default() -> Self {
        ById {
            rows: Vec::new(),
            at: 0,
        }
    }
}

impl<T> ById<T> {
    fn get(&mut self, id: i64) -> Option<&T> {
        let from = self.at.min(self.rows.len());
        let ahead = &self.rows[from..];
        let at = if from == 0 || self.rows[from - 1].0 < id {
            // At or after the last one asked for: usually it or one of the next few.
            match ahead.iter().take(4).position(|(i, _)| *i >= id) {
                Some(k) => from + k,
                None => from + ahead.partition_point(|(i, _)| *i < id),
            }
        } else {
            self.rows.partition_point(|(i, _)| *i < id)
        };
        self.at = at;
        let (found, row) = self.rows.get(at)?;
        (*found == id).then_some(row)
    }
}

/// The entities of these schemata in their records' current versions, with where
/// they came from and no values (`values` empty), in the order they were stored.
/// An export of the identity mapping needs only this; reading the values of a
/// million persons to get their ids was most of its time.
pub(crate) fn entity_origins(conn: &Connection, schemata: &[&str]) -> Result<Vec<EntityValues>> {
    use std::borrow::Cow;
    use std::sync::Arc;
    let mut kinds: HashMap<i64, (String, Cow<'static, str>)> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT id, name, schema FROM entity_kind")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let schema: String = r.get(2)?;
            if schemata.contains(&schema.as_str()) {
                kinds.insert(r.get(0)?, (r.get(1)?, EntityValues::schema_name(&schema)));
            }
        }
    }
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let mut datasets: HashMap<i64, (Arc<str>, Arc<str>)> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT d.id, d.name, a.node FROM dataset d JOIN source s ON s.id = d.source_id JOIN agency a ON a.id = s.agency_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (name, node): (String, String) = (r.get(1)?, r.get(2)?);
            datasets.insert(r.get(0)?, (name.into(), node.into()));
        }
    }
    // An entity the current version created (its id in the version's entity range)
    // is in it: ingest creates an entity only with statements. Any other entity of
    // the schemata was created by an earlier version and may have been dropped since,
    // so its record's current statements are looked at: only the few records stored
    // more than once, not every statement of the store (which was most of an export).
    let list = kinds.keys().map(i64::to_string).collect::<Vec<_>>().join(",");
    let mut stmt = conn.prepare(&format!(
        "SELECT e.id, e.kind_id, r.dataset_id, r.key, e.record_id, v.first_statement, v.last_statement, \
         v.first_entity, v.last_entity FROM entity e JOIN record r ON r.id = e.record_id \
         JOIN record_version v ON v.id = r.current_version WHERE e.kind_id IN ({list}) ORDER BY e.id"
    ))?;
    let mut rows = stmt.query([])?;
    // (first statement of the current version, order within it, entity).
    let mut found: Vec<(i64, i64, EntityValues)> = Vec::new();
    // Entities not created by their record's current version: record → (its
    // current statements, the entities to look for there).
    let mut older: HashMap<i64, OlderEntities> = HashMap::new();
    while let Some(r) = rows.next()? {
        let (entity, kind, dataset_id, record, record_id): (i64, i64, i64, String, i64) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        let (first_statement, last_statement, first_entity, last_entity): (i64, i64, i64, i64) =
            (r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?);
        let (name, schema) = kinds.get(&kind).cloned().unwrap_or_default();
        let (dataset, agency) = datasets.get(&dataset_id).cloned().unwrap_or_default();
        let origin = EntityValues {
            id: entity_key(&dataset, &record, &name),
            schema,
            dataset,
            agency,
            record_id: record,
            values: Vec::new(),
        };
        // Ids are allocated in order, so a record's older entities come before the
        // ones its current version created: where a version holds both, all of its
        // entities are ordered by their statements below.
        if (first_entity..=last_entity).contains(&entity) && !older.contains_key(&record_id) {
            // Created in statement order, so entity order is statement order.
            found.push((first_statement, entity, origin));
        } else {
            older
                .entry(record_id)
                .or_insert_with(|| ((first_statement, last_statement), Vec::new()))
                .1
                .push((entity, origin));
        }
    }
    if !older.is_empty() {
        let mut first_of =
            conn.prepare("SELECT entity_id, min(id) FROM statement WHERE id BETWEEN ?1 AND ?2 GROUP BY entity_id")?;
        for ((first, last), wanted) in older.into_values() {
            let present: HashMap<i64, i64> = first_of
                .query_map([first, last], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            for (entity, origin) in wanted {
                if let Some(&statement) = present.get(&entity) {
                    found.push((first, statement, origin));
                }
            }
        }
    }
    found.sort_unstable_by_key(|(first, key, _)| (*first, *key));
    Ok(found.into_iter().map(|(_, _, e)| e).collect())
}

/// A record's current statements (first and last id) and the entities, created by
/// an earlier version of it, to look for among them.
type OlderEntities = ((i64, i64), Vec<(i64, EntityValues)>);

/// Every entity of a schema with its current statements, in entity order.
pub(crate) fn entities_of_schema(conn: &Connection, schema: &str) -> Result<Vec<Entity>> {
    group(statements(
        conn,
        "e.schema = ?1 AND s.version_id = r.current_version",
        &[schema],
    )?)
}

/// The current statements of every entity of these schemata with what evidence
/// needs (statement id, value, agency, effective grading, handling), entities in
/// the order of their first statement. One pass; agencies and handlings shared.
pub(crate) fn entity_evidence(conn: &Connection, schemata: &[&str]) -> Result<Vec<EntityEvidence>> {
    let placeholders = vec!["?"; schemata.len()].join(",");
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVIDENCE_COLUMNS} \
         FROM statement s JOIN entity_named e ON e.id = s.entity_id JOIN record r ON r.id = e.record_id \
         JOIN dataset d ON d.id = r.dataset_id JOIN provenance p ON p.id = s.provenance_id \
         WHERE s.version_id = r.current_version AND e.schema IN ({placeholders}) ORDER BY s.id"
    ))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(schemata))?;
    let mut reader = EvidenceReader::default();
    while let Some(r) = rows.next()? {
        reader.row(conn, r)?;
    }
    Ok(reader.out)
}

/// The current evidence of the entities at `places` alone, in the order of their
/// first statement (as [`entity_evidence`] gives them).
pub(crate) fn entity_evidence_at(
    conn: &Connection,
    places: &[crate::links::EntityPlace],
) -> Result<Vec<EntityEvidence>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVIDENCE_COLUMNS} \
         FROM entity e0 JOIN entity_named e ON e.id = e0.id JOIN record r ON r.id = e0.record_id \
         JOIN dataset d ON d.id = r.dataset_id JOIN record_version v ON v.id = r.current_version \
         JOIN statement s ON s.id BETWEEN v.first_statement AND v.last_statement AND s.entity_id = e0.id \
         JOIN provenance p ON p.id = s.provenance_id WHERE e0.id = ?1 ORDER BY s.id"
    ))?;
    let mut places = places.to_vec();
    places.sort_unstable();
    places.dedup();
    let mut reader = EvidenceReader::default();
    for place in places {
        let mut rows = stmt.query([place.0])?;
        while let Some(r) = rows.next()? {
            reader.row(conn, r)?;
        }
    }
    let mut out = reader.out;
    out.sort_by_key(|e| e.statements.first().map(|s| s.id));
    Ok(out)
}

/// What [`EvidenceReader::row`] reads, in order.
const EVIDENCE_COLUMNS: &str = "s.id, d.name, r.key, e.name, e.schema, s.prop, s.value, p.grading, p.handling, \
    p.restriction, p.tlp, p.source_id";

/// Groups evidence rows into entities, reading each source, grading and handling
/// once.
#[derive(Default)]
struct EvidenceReader {
    sources: HashMap<i64, (Arc<str>, Option<corridor_model::SourceReliability>)>,
    handlings: HashMap<(String, String, String), Arc<Handling>>,
    gradings: HashMap<String, Grading>,
    out: Vec<EntityEvidence>,
    index: HashMap<String, usize>,
}

impl EvidenceReader {
    fn row(&mut self, conn: &Connection, r: &rusqlite::Row<'_>) -> Result<()> {
        let source_id: i64 = r.get(11)?;
        let (agency, now) = match self.sources.entry(source_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let s = source(conn, source_id)?;
                e.insert((Arc::from(s.agency.as_str()), s.current_reliability)).clone()
            }
        };
        let grading_text: String = r.get(7)?;
        let given = match self.gradings.get(&grading_text) {
            Some(g) => *g,
            None => {
                let g = grading_text.parse::<Grading>().map_err(corrupt("grading"))?;
                self.gradings.insert(grading_text, g);
                g
            }
        };
        let grading = given.after_regrading(now);
        let key: (String, String, String) = (r.get(8)?, r.get(9)?, r.get(10)?);
        let handling = match self.handlings.get(&key) {
            Some(h) => h.clone(),
            None => {
                let h = Arc::new(handling(&key.0, &key.1, &key.2)?);
                self.handlings.insert(key, h.clone());
                h
            }
        };
        let (dataset, record, name): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
        let id = entity_key(&dataset, &record, &name);
        let schema: String = r.get(4)?;
        let prop: String = r.get(5)?;
        let statement = EvidenceStatement {
            id: r.get(0)?,
            prop: EntityValues::prop_name(&schema, &prop),
            value: r.get(6)?,
            agency,
            grading,
            handling,
        };
        match self.index.get(&id) {
            Some(&i) => self.out[i].statements.push(statement),
            None => {
                self.index.insert(id.clone(), self.out.len());
                self.out.push(EntityEvidence {
                    id,
                    schema: EntityValues::schema_name(&schema),
                    statements: vec![statement],
                });
            }
        }
        Ok(())
    }
}

/// The link index of every current entity (see [`crate::links`]).
pub(crate) fn link_index(conn: &Connection) -> Result<crate::links::LinkIndex> {
    use crate::links::{EntityPlace, LinkIndexBuilder};
    let mut builder = LinkIndexBuilder::default();
    let mut kinds: HashMap<i64, (String, u8)> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, name, schema FROM entity_kind")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let schema: String = r.get(2)?;
        if let Some(i) = LinkIndexBuilder::schema_index(&schema) {
            kinds.insert(r.get(0)?, (r.get(1)?, i));
        }
    }
    let mut prefixes: HashMap<i64, String> = HashMap::new();
    let mut stmt = conn.prepare("SELECT r.id, d.name, r.key FROM record r JOIN dataset d ON d.id = r.dataset_id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (dataset, key): (String, String) = (r.get(1)?, r.get(2)?);
        prefixes.insert(r.get(0)?, format!("{dataset}:{key}:"));
    }
    let mut stmt = conn.prepare("SELECT id, record_id, kind_id FROM entity")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, record, kind): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if let (Some(prefix), Some((name, schema))) = (prefixes.get(&record), kinds.get(&kind)) {
            builder.entity(EntityPlace(id), prefix, name, *schema);
        }
    }
    drop(prefixes);
    let props = LinkIndexBuilder::reference_props();
    let placeholders = vec!["?"; props.len()].join(",");
    let mut stmt = conn.prepare(&format!(
        "SELECT s.entity_id, s.prop, s.value FROM statement s JOIN record_version v ON v.id = s.version_id \
         JOIN record r ON r.id = v.record_id AND r.current_version = v.id WHERE s.prop IN ({placeholders})"
    ))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(&props))?;
    while let Some(r) = rows.next()? {
        let entity: i64 = r.get(0)?;
        let prop = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let value = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
        builder.reference(EntityPlace(entity), prop, value);
    }
    Ok(builder.finish())
}

/// The entities of `schema` one batch wrote, with the statements it wrote for them.
pub(crate) fn entities_of_batch(conn: &Connection, batch: i64, schema: &str) -> Result<Vec<Entity>> {
    let range: Option<(Option<i64>, Option<i64>)> = conn
        .query_row(
            "SELECT first_statement, last_statement FROM batch WHERE id = ?1",
            [batch],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some(range) = range else {
        return Err(Error::Unknown {
            what: "batch",
            name: batch.to_string(),
        });
    };
    let (Some(lo), Some(hi)) = range else {
        return Ok(Vec::new());
    };
    group(statements(
        conn,
        "s.id BETWEEN ?1 AND ?2 AND e.schema = ?3",
        &[&lo as &dyn rusqlite::ToSql, &hi, &schema],
    )?)
}

/// Groups statements (in id order) into entities, in order of first appearance.
fn group(all: Vec<Statement>) -> Result<Vec<Entity>> {
    let mut out: Vec<Entity> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for st in all {
        match index.get(&st.entity) {
            Some(&i) => out[i].statements.push(st),
            None => {
                index.insert(st.entity.clone(), out.len());
                out.push(Entity {
                    id: st.entity.clone(),
                    schema: st.schema.clone(),
                    statements: vec![st],
                });
            }
        }
    }
    Ok(out)
}

pub(crate) fn derived(conn: &Connection, id: i64) -> Result<Option<DerivedFact>> {
    let found: Option<(String, String)> = conn
        .query_row("SELECT kind, description FROM derived_fact WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((kind, description)) = found else {
        return Ok(None);
    };
    let basis = statements(
        conn,
        "s.id IN (SELECT statement_id FROM derived_basis WHERE derived_id = ?1)",
        &[id],
    )?;
    let restrictions = Restrictions::of(basis.iter().map(|s| &s.provenance));
    Ok(Some(DerivedFact {
        id,
        kind,
        description,
        basis,
        restrictions,
    }))
}

pub(crate) fn retention_policy(conn: &Connection) -> Result<RetentionPolicy> {
    let json: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'retention_policy'", [], |r| {
            r.get(0)
        })
        .optional()?;
    match json {
        Some(j) => serde_json::from_str(&j).map_err(corrupt("retention policy")),
        None => Ok(RetentionPolicy::default()),
    }
}

fn count(conn: &Connection, sql: &str) -> Result<i64> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

pub(crate) fn stats(conn: &Connection) -> Result<Stats> {
    let mut s = Stats {
        datasets: count(conn, "SELECT COUNT(*) FROM dataset")?,
        batches: count(conn, "SELECT COUNT(*) FROM batch")?,
        records: count(conn, "SELECT COUNT(*) FROM record")?,
        record_versions: count(conn, "SELECT COUNT(*) FROM record_version")?,
        entities: count(conn, "SELECT COUNT(*) FROM entity")?,
        // Statement ids run from 1 without gaps (ingest never deletes), so MAX is the
        // count without a full scan; erasure, when it comes, must change this.
        statements: count(conn, "SELECT COALESCE(MAX(id), 0) FROM statement")?,
        audit_entries: count(conn, "SELECT COUNT(*) FROM audit")?,
        ..Stats::default()
    };
    let mut stmt = conn.prepare("SELECT k.schema, COUNT(*) FROM entity e JOIN entity_kind k ON k.id = e.kind_id GROUP BY k.schema ORDER BY k.schema")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (schema, n) = row?;
        s.entities_by_schema.insert(schema, n);
    }
    let mut stmt = conn.prepare(
        "SELECT s.value, COUNT(*) FROM statement s CROSS JOIN entity_named e ON e.id = s.entity_id CROSS JOIN record r ON r.id = e.record_id \
         WHERE s.prop = 'category' AND e.schema = 'Person' AND s.version_id = r.current_version GROUP BY s.value ORDER BY s.value",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (category, n) = row?;
        s.persons_by_category.insert(category, n);
    }
    Ok(s)
}

pub(crate) fn person_reviews(conn: &Connection) -> Result<Vec<PersonReview>> {
    let policy = retention_policy(conn)?;
    let mut stmt = conn.prepare(
        "SELECT d.name, r.key, e.name, s.value, \
           (SELECT MIN(b.received_at) FROM record_version v JOIN batch b ON b.id = v.batch_id WHERE v.record_id = r.id), \
           r.id, k.review_date \
         FROM statement s CROSS JOIN entity_named e ON e.id = s.entity_id CROSS JOIN record r ON r.id = e.record_id \
         JOIN dataset d ON d.id = r.dataset_id LEFT JOIN retention_keep k ON k.record_id = r.id \
         WHERE s.prop = 'category' AND e.schema = 'Person' AND s.version_id = r.current_version ORDER BY s.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let category: String = r.get(3)?;
        let received: String = r.get(4)?;
        let category: DataSubjectCategory = category.parse().map_err(corrupt("category"))?;
        let received = received
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .ok_or_else(|| Error::Corrupt {
                what: "received date",
                value: received.clone(),
            })?;
        let kept: Option<String> = r.get(6)?;
        let kept = kept
            .map(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| Error::Corrupt {
                    what: "kept review date",
                    value: d.clone(),
                })
            })
            .transpose()?;
        out.push(PersonReview {
            record: r.get(5)?,
            kept: kept.is_some(),
            entity: entity_key(
                &r.get::<_, String>(0)?,
                &r.get::<_, String>(1)?,
                &r.get::<_, String>(2)?,
            ),
            category,
            received,
            review_date: kept.unwrap_or_else(|| policy.review_date(category, received)),
        });
    }
    Ok(out)
}

pub(crate) fn consistency(conn: &Connection) -> Result<ConsistencyReport> {
    let mut report = ConsistencyReport {
        batches: count(conn, "SELECT COUNT(*) FROM batch")?,
        statements: count(conn, "SELECT COUNT(*) FROM statement")?,
        problems: Vec::new(),
    };
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if integrity != "ok" {
        report.problems.push(format!("SQLite integrity check: {integrity}"));
    }
    let mut stmt = conn.prepare(
        "SELECT b.id, b.committed_at IS NOT NULL, b.new_records + b.new_versions, b.statements, \
           (SELECT COUNT(*) FROM record_version v WHERE v.id BETWEEN b.first_version AND b.last_version AND v.batch_id = b.id), \
           (SELECT COUNT(*) FROM statement s WHERE s.id BETWEEN b.first_statement AND b.last_statement) \
             + (SELECT COUNT(*) FROM statement_held s WHERE s.id BETWEEN b.first_statement AND b.last_statement) \
             + (SELECT COUNT(*) FROM statement_erased s WHERE s.id BETWEEN b.first_statement AND b.last_statement), \
           (SELECT COALESCE(SUM(v.last_statement - v.first_statement + 1), 0) FROM record_version v \
              WHERE v.id BETWEEN b.first_version AND b.last_version) \
         FROM batch b ORDER BY b.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, bool>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
        ))
    })?;
    for row in rows {
        let (id, committed, versions, statements, found_versions, found_statements, claimed) = row?;
        if !committed {
            report
                .problems
                .push(format!("batch {id} is recorded but was never committed"));
        }
        if versions != found_versions || statements != found_statements || statements != claimed {
            report.problems.push(format!(
                "batch {id} is partial: {found_versions} of {versions} record versions and {found_statements} of {statements} statements"
            ));
        }
    }
    let orphans = [
        (
            "record versions without their batch",
            "SELECT COUNT(*) FROM record_version v LEFT JOIN batch b ON b.id = v.batch_id WHERE b.id IS NULL",
        ),
        (
            "statements outside every batch",
            "SELECT COUNT(*) FROM statement s WHERE NOT EXISTS (SELECT 1 FROM batch b WHERE s.id BETWEEN b.first_statement AND b.last_statement)",
        ),
        (
            "statements without their record version",
            "SELECT COUNT(*) FROM statement s LEFT JOIN record_version v ON v.id = s.version_id WHERE v.id IS NULL",
        ),
        (
            "statements without a valid provenance (who said it, how reliable, which handling code)",
            "SELECT COUNT(*) FROM statement s LEFT JOIN provenance p ON p.id = s.provenance_id \
             LEFT JOIN source src ON src.id = p.source_id WHERE p.id IS NULL OR src.id IS NULL",
        ),
        (
            "statements without their entity",
            "SELECT COUNT(*) FROM statement s LEFT JOIN entity e ON e.id = s.entity_id WHERE e.id IS NULL",
        ),
        (
            "records whose current version is missing",
            "SELECT COUNT(*) FROM record r LEFT JOIN record_version v ON v.id = r.current_version WHERE v.id IS NULL",
        ),
    ];
    for (what, sql) in orphans {
        let n = count(conn, sql)?;
        if n > 0 {
            report.problems.push(format!("{n} {what}"));
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::ById;

    proptest! {
        /// Looked up in any order, rows sorted by id are found as a map finds them.
        #[test]
        fn rows_by_id_are_found_in_any_order(
            ids in proptest::collection::btree_set(-50i64..200, 0..60),
            asked in proptest::collection::vec(-60i64..210, 0..200),
        ) {
            let mut rows = ById { rows: ids.iter().map(|&i| (i, i * 10)).collect(), at: 0 };
            for id in asked {
                prop_assert_eq!(rows.get(id).copied(), ids.contains(&id).then_some(id * 10));
            }
        }
    }
}

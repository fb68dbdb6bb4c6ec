//! Applying a mapping to one row: the entities and statements it yields, or the
//! precise reason it is rejected.

use std::collections::HashMap;

use corridor_model::{Assessment, Handling, PropType, SchemaKind, clean, entity_key};
use corridor_store::{EntityWrite, ProvenanceSpec, StatementWrite};
use xxhash_rust::xxh3::xxh3_128;

use crate::dates::parse_date;
use crate::mapping::{ColumnId, EntityMap, Field, Mapping, PropertyMap, ProvenanceMap, Source};
use crate::selectors::{Flag, Selectors};

/// The values of one row's cells, whatever the file format.
pub trait RowValues {
    /// The value(s) of a mapped column; `Cell::Empty` when absent.
    fn cell(&self, column: ColumnId) -> Cell<'_>;
}

/// One cell: CSV cells are borrowed, JSON arrays give several values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    Empty,
    One(&'a str),
    Many(Vec<String>),
}

impl Cell<'_> {
    fn for_each(&self, mut f: impl FnMut(&str)) {
        match self {
            Cell::Empty => {}
            Cell::One(s) => f(s),
            Cell::Many(v) => v.iter().for_each(|s| f(s)),
        }
    }

    fn first(&self) -> Option<&str> {
        match self {
            Cell::Empty => None,
            Cell::One(s) => Some(s),
            Cell::Many(v) => v.first().map(String::as_str),
        }
    }
}

/// A row turned into entities, ready for the store.
#[derive(Debug, Clone)]
pub struct MappedRow {
    pub record_key: String,
    pub row_number: u64,
    pub content_hash: [u8; 16],
    /// Statements carry a provenance number local to this ingest; see [`Mapper::provenance`].
    pub entities: Vec<EntityWrite>,
    /// Provenances first used by this row, by local number.
    pub new_provenances: Vec<(usize, ProvenanceSpec)>,
    /// Values that failed their selector check, by entity name in the mapping.
    pub flags: Vec<(String, Flag)>,
}

/// Turns rows into entities under one mapping; interns provenances as it goes.
#[derive(Debug)]
pub struct Mapper<'m> {
    mapping: &'m Mapping,
    source_id: i64,
    selectors: Selectors,
    interned: HashMap<ProvenanceSpec, usize>,
    /// Stable text of each interned provenance, for the content hash.
    texts: Vec<String>,
    /// Each interned provenance, by local number.
    specs: Vec<ProvenanceSpec>,
    /// Per entity: its interned provenance when the mapping fixes every field of it,
    /// so rows need not rebuild and hash it.
    fixed: Vec<Option<(usize, ProvenanceSpec)>>,
    /// Reused buffer for the content hash.
    hash_buf: Vec<u8>,
}

impl<'m> Mapper<'m> {
    /// `today` is the date the batch is received (birth dates are judged against it).
    pub fn new(mapping: &'m Mapping, source_id: i64, today: (i32, u32, u32)) -> Self {
        Mapper {
            mapping,
            source_id,
            selectors: Selectors::new(&mapping.source.country, today),
            interned: HashMap::new(),
            texts: Vec::new(),
            specs: Vec::new(),
            fixed: vec![None; mapping.entities.len()],
            hash_buf: Vec::with_capacity(1024),
        }
    }

    fn intern(&mut self, spec: ProvenanceSpec, new: &mut Vec<(usize, ProvenanceSpec)>) -> usize {
        if let Some(&i) = self.interned.get(&spec) {
            return i;
        }
        let i = self.texts.len();
        self.texts.push(format!(
            "{}|{}|{}|{}|{}",
            spec.grading,
            spec.handling.code,
            spec.handling.restriction.as_deref().unwrap_or(""),
            spec.handling.tlp.map(|t| t.to_string()).unwrap_or_default(),
            spec.assessment
        ));
        self.interned.insert(spec.clone(), i);
        self.specs.push(spec.clone());
        new.push((i, spec));
        i
    }

    fn spec(&self, id: usize) -> &ProvenanceSpec {
        &self.specs[id]
    }

    /// Maps one row. The error is the reason to put in the rejects file.
    ///
    /// A rejected row takes back the provenances it registered: they reach the
    /// store only with an accepted row (`MappedRow::new_provenances`), so a later row
    /// must not refer to one. (A first row rejected after registering the
    /// mapping's fixed provenance panicked the ingest, or with per-row grading left
    /// a later row's statements on a provenance that was never stored.)
    pub fn map_row(&mut self, row: &dyn RowValues, row_number: u64) -> Result<MappedRow, String> {
        let registered = self.specs.len();
        let mapped = self.map_row_registering(row, row_number);
        if mapped.is_err() && self.specs.len() > registered {
            for spec in self.specs.drain(registered..) {
                self.interned.remove(&spec);
            }
            self.texts.truncate(registered);
            for fixed in &mut self.fixed {
                if fixed.as_ref().is_some_and(|(id, _)| *id >= registered) {
                    *fixed = None;
                }
            }
        }
        mapped
    }

    fn map_row_registering(&mut self, row: &dyn RowValues, row_number: u64) -> Result<MappedRow, String> {
        let m = self.mapping;
        let mut key_parts = Vec::with_capacity(m.record_id.len());
        for &c in &m.record_id {
            let v = row.cell(c).first().map(str::trim).unwrap_or("").to_string();
            if v.is_empty() {
                return Err(format!(
                    "missing required field: the record id column '{}' is empty",
                    m.columns[c]
                ));
            }
            key_parts.push(v);
        }
        let record_key = key_parts.join("/");
        // An id with a control character (a NUL, an escape sequence) could never be
        // named again on a command line, and would rewrite a terminal showing it.
        if let Some(c) = record_key.chars().find(|c| c.is_control()) {
            return Err(format!(
                "the record id contains a control character ({c:?}): ids must be printable"
            ));
        }
        let mut new_provenances = Vec::new();
        let mut present: Vec<Option<String>> = vec![None; m.entities.len()];
        let mut entities = Vec::with_capacity(m.entities.len());
        let mut flags = Vec::new();
        for (i, em) in m.entities.iter().enumerate() {
            let mut entity_flags = Vec::new();
            let (base_id, base_assessment) = match &self.fixed[i] {
                Some((id, spec)) => (*id, spec.assessment),
                None => {
                    let base =
                        provenance(&em.provenance, row, self.source_id).map_err(|e| format!("{}: {e}", em.name))?;
                    let assessment = base.assessment;
                    let id = self.intern(base.clone(), &mut new_provenances);
                    if em.provenance.is_fixed() {
                        self.fixed[i] = Some((id, base));
                    }
                    (id, assessment)
                }
            };
            let mut statements = Vec::with_capacity(em.properties.len());
            let mut has_data = false;
            let mut missing_ref = false;
            for pm in &em.properties {
                let prov = match pm.assessment {
                    Some(a) if a != base_assessment => {
                        let spec = ProvenanceSpec {
                            assessment: a,
                            ..self.spec(base_id).clone()
                        };
                        self.intern(spec, &mut new_provenances)
                    }
                    _ => base_id,
                };
                match &pm.source {
                    Source::Entity(target) => match &present[*target] {
                        Some(key) => statements.push(StatementWrite {
                            prop: pm.prop,
                            value: key.clone(),
                            raw: None,
                            provenance_id: prov as i64,
                        }),
                        None => missing_ref = true,
                    },
                    Source::Literal(lit) => {
                        let sink = (&mut self.selectors, &mut entity_flags);
                        push_values(&mut statements, m, em, pm, std::iter::once(lit.clone()), prov, sink)?;
                    }
                    Source::Columns { columns, join } => {
                        let values = column_values(row, columns, join);
                        let before = statements.len();
                        let sink = (&mut self.selectors, &mut entity_flags);
                        push_values(&mut statements, m, em, pm, values.into_iter(), prov, sink)?;
                        has_data |= statements.len() > before;
                    }
                }
            }
            let emitted = match em.schema.kind {
                SchemaKind::Relation => !missing_ref && !statements.is_empty(),
                _ => has_data,
            };
            if !emitted {
                continue;
            }
            check_required(m, em, &statements)?;
            flags.extend(entity_flags.into_iter().map(|f| (em.name.clone(), f)));
            present[i] = Some(entity_key(&m.dataset, &record_key, &em.name));
            entities.push(EntityWrite {
                name: em.name.clone(),
                schema: em.schema.name,
                statements,
            });
        }
        if entities.is_empty() {
            return Err("the row has no value in any mapped column".into());
        }
        let content_hash = self.hash(&entities);
        Ok(MappedRow {
            record_key,
            row_number,
            content_hash,
            entities,
            new_provenances,
            flags,
        })
    }

    fn hash(&mut self, entities: &[EntityWrite]) -> [u8; 16] {
        let buf = &mut self.hash_buf;
        buf.clear();
        let mut field = |s: &str| {
            buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
            buf.extend_from_slice(s.as_bytes());
        };
        for e in entities {
            field(&e.name);
            field(e.schema);
            for s in &e.statements {
                field(s.prop);
                field(&s.value);
                field(s.raw.as_deref().unwrap_or("\u{0}"));
                field(&self.texts[s.provenance_id as usize]);
            }
        }
        xxh3_128(buf).to_le_bytes()
    }
}

fn column_values(row: &dyn RowValues, columns: &[ColumnId], join: &str) -> Vec<String> {
    if let [one] = columns {
        let mut out = Vec::new();
        row.cell(*one).for_each(|v| out.push(v.to_string()));
        return out;
    }
    let mut parts = Vec::new();
    for &c in columns {
        row.cell(c).for_each(|v| {
            let t = v.trim();
            if !t.is_empty() {
                parts.push(t.to_string());
            }
        });
    }
    if parts.is_empty() {
        Vec::new()
    } else {
        vec![parts.join(join)]
    }
}

fn describe_source(m: &Mapping, pm: &PropertyMap) -> String {
    match &pm.source {
        Source::Columns { columns, .. } => {
            let names: Vec<&str> = columns.iter().map(|&c| m.columns[c].as_str()).collect();
            format!("column '{}'", names.join("', '"))
        }
        Source::Literal(_) => format!("the literal at mapping line {}", pm.line),
        Source::Entity(_) => "an entity reference".into(),
    }
}

fn push_values(
    out: &mut Vec<StatementWrite>,
    m: &Mapping,
    em: &EntityMap,
    pm: &PropertyMap,
    values: impl Iterator<Item = String>,
    prov: usize,
    (selectors, flags): (&mut Selectors, &mut Vec<Flag>),
) -> Result<(), String> {
    for raw_cell in values {
        let pieces: Vec<&str> = match &pm.split {
            Some(sep) => raw_cell.split(sep.as_str()).collect(),
            None => vec![raw_cell.as_str()],
        };
        for raw in pieces {
            let mapped = if pm.map.is_empty() {
                None
            } else {
                pm.map.get(&raw.trim().to_lowercase())
            };
            let input = mapped.map_or(raw, String::as_str);
            let cleaned: Result<Option<String>, String> = match pm.ty {
                PropType::Date | PropType::DateTime => {
                    if input.trim().is_empty() {
                        Ok(None)
                    } else {
                        parse_date(input, &pm.formats)
                            .map(|d| Some(d.to_iso(pm.ty == PropType::DateTime)))
                            .map_err(|e| {
                                format!(
                                    "bad date in {} for {}.{}: {e}",
                                    describe_source(m, pm),
                                    em.name,
                                    pm.prop
                                )
                            })
                    }
                }
                ty => clean(ty, input).map_err(|e| {
                    format!(
                        "bad value in {} for {}.{}: {e}",
                        describe_source(m, pm),
                        em.name,
                        pm.prop
                    )
                }),
            };
            let cleaned = match cleaned {
                Ok(c) => c,
                Err(reason) if pm.skip_invalid => {
                    flags.push(Flag {
                        kind: "value_skipped",
                        reason: format!("{reason} (value '{raw}' left out: on_invalid = \"skip\")"),
                    });
                    continue;
                }
                Err(reason) => return Err(reason),
            };
            if let Some(value) = cleaned {
                let (value, flag) = selectors.normalize(em.schema.name, pm.prop, pm.ty, value);
                flags.extend(flag);
                let raw = (value != raw).then(|| raw.to_string());
                out.push(StatementWrite {
                    prop: pm.prop,
                    value,
                    raw,
                    provenance_id: prov as i64,
                });
            }
        }
    }
    Ok(())
}

fn check_required(m: &Mapping, em: &EntityMap, statements: &[StatementWrite]) -> Result<(), String> {
    let has = |p: &str| statements.iter().any(|s| s.prop == p);
    for req in em.schema.required {
        if !has(req) {
            let from = em
                .properties
                .iter()
                .find(|p| p.prop == *req)
                .map(|pm| describe_source(m, pm))
                .unwrap_or_default();
            return Err(format!(
                "missing required field: {}.{req} ({}) is empty in {from}",
                em.name, em.schema.name
            ));
        }
    }
    if !em.schema.required_any.is_empty() && !em.schema.required_any.iter().any(|p| has(p)) {
        return Err(format!(
            "missing required field: {} ({}) has values but none of {}",
            em.name,
            em.schema.name,
            em.schema.required_any.join(", ")
        ));
    }
    Ok(())
}

fn field<T: Clone>(
    f: &Field<T>,
    row: &dyn RowValues,
    what: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match f {
        Field::Fixed(v) => Ok(Some(v.clone())),
        Field::Column { column, map } => {
            let cell = row.cell(*column);
            let Some(raw) = cell.first().map(str::trim).filter(|s| !s.is_empty()) else {
                return Ok(None);
            };
            let input = map.get(&raw.to_lowercase()).map_or(raw, String::as_str);
            parse(input).map(Some).map_err(|e| format!("bad {what}: {e}"))
        }
    }
}

/// The provenance of an entity in this row. A per-row column that is empty falls
/// back to the most cautious value (X4, H2), never to "no restriction".
fn provenance(p: &ProvenanceMap, row: &dyn RowValues, source_id: i64) -> Result<ProvenanceSpec, String> {
    let grading = field(&p.grading, row, "grading", |s| {
        s.parse().map_err(|e: corridor_model::ParseError| e.to_string())
    })?
    .unwrap_or(corridor_model::Grading {
        source: corridor_model::SourceReliability::X,
        information: corridor_model::InformationAccuracy::Four,
    });
    let code = field(&p.handling, row, "handling code", |s| {
        s.parse().map_err(|e: corridor_model::ParseError| e.to_string())
    })?
    .unwrap_or(corridor_model::HandlingCode::H2);
    let restriction = match &p.restriction {
        Some(f) => field(f, row, "restriction", |s| Ok(s.to_string()))?,
        None => None,
    };
    let tlp = match &p.tlp {
        Some(f) => field(f, row, "TLP marking", |s| {
            s.parse().map_err(|e: corridor_model::ParseError| e.to_string())
        })?,
        None => None,
    };
    let assessment = field(&p.assessment, row, "assessment", |s| {
        s.parse().map_err(|e: corridor_model::ParseError| e.to_string())
    })?
    .unwrap_or(Assessment::Fact);
    let handling = Handling::new(code, restriction, tlp).map_err(|e| e.to_string())?;
    Ok(ProvenanceSpec {
        source_id,
        grading,
        handling,
        assessment,
    })
}

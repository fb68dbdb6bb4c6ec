//! The declarative TOML mapping: which columns of an agency's file become which
//! properties of which entities, with literal defaults for provenance.
//!
//! The format follows FollowTheMoney's mapping (entities by name, each with a
//! `schema` and `properties` of `column` / `columns` + `join` / `literal` /
//! `entity`), in TOML, plus what Corridor needs on top: the data set and source,
//! provenance defaults (grading, handling, TLP, assessment) that an entity or a
//! property may override, date formats, value maps and multi-value splitting. See
//! `docs/mapping.md` for the reference.
//!
//! [`Mapping::parse`] checks everything that can be checked without the data (schema
//! and property names, entity references and their ranges, required properties,
//! Person categories, literal values) and reports the first problem with its line in
//! the mapping file, so a wrong mapping fails before any row is read.

use std::collections::BTreeMap;
use std::ops::Range;

use corridor_model::{
    Assessment, DataSubjectCategory, Grading, HandlingCode, InformationAccuracy, PropType, SCHEMATA, Schema,
    SourceReliability, Tlp, country, schema,
};
use serde::Deserialize;
use toml::Spanned;

use crate::dates::DateFormat;
use crate::error::MappingError;

/// The input formats a mapping can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv { delimiter: u8 },
    JsonLines,
}

/// A column (CSV header name or JSON key path) the mapping reads; indexes
/// [`Mapping::columns`].
pub type ColumnId = usize;

/// Where a provenance field or property value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Literal(String),
    Columns { columns: Vec<ColumnId>, join: String },
    Entity(usize),
}

/// One mapped property.
#[derive(Debug, Clone)]
pub struct PropertyMap {
    pub prop: &'static str,
    pub ty: PropType,
    pub source: Source,
    /// Replaces whole values, matched case-insensitively after trimming.
    pub map: BTreeMap<String, String>,
    pub split: Option<String>,
    pub formats: Vec<DateFormat>,
    /// Per-property override of the entity's assessment.
    pub assessment: Option<Assessment>,
    /// A value that does not clean (a date that is no calendar date) is left out and
    /// noted in the rejects file, instead of rejecting the row (`on_invalid = "skip"`).
    pub skip_invalid: bool,
    /// Line in the mapping file, for messages about rows.
    pub line: usize,
}

/// A provenance field: a literal fixed by the mapping or a column read per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field<T> {
    Fixed(T),
    Column {
        column: ColumnId,
        map: BTreeMap<String, String>,
    },
}

/// The provenance fields of an entity after defaults and overrides are combined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenanceMap {
    pub grading: Field<Grading>,
    pub handling: Field<HandlingCode>,
    pub restriction: Option<Field<String>>,
    pub tlp: Option<Field<Tlp>>,
    pub assessment: Field<Assessment>,
}

impl ProvenanceMap {
    /// True when no field is read per row.
    pub fn is_fixed(&self) -> bool {
        let fixed = |f: &Field<_>| matches!(f, Field::Fixed(_));
        matches!(self.grading, Field::Fixed(_))
            && matches!(self.handling, Field::Fixed(_))
            && self.restriction.as_ref().is_none_or(fixed)
            && self.tlp.as_ref().is_none_or(|f| matches!(f, Field::Fixed(_)))
            && matches!(self.assessment, Field::Fixed(_))
    }
}

/// One mapped entity.
#[derive(Debug, Clone)]
pub struct EntityMap {
    pub name: String,
    pub schema: &'static Schema,
    pub properties: Vec<PropertyMap>,
    pub provenance: ProvenanceMap,
    pub line: usize,
}

/// The registered source the mapping's data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub agency: String,
    pub country: String,
    pub agency_name: String,
    pub unit: String,
    pub informant_code: String,
}

/// A checked, ready-to-run mapping.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub dataset: String,
    pub format: Format,
    pub source: SourceInfo,
    /// Every column the mapping reads, by name.
    pub columns: Vec<String>,
    /// Where each column is first used, for "missing column" messages.
    pub column_lines: Vec<usize>,
    pub record_id: Vec<ColumnId>,
    /// Entities in an order where every referenced entity comes before its referrers.
    pub entities: Vec<EntityMap>,
    /// Columns present in the input that the mapping deliberately does not read.
    pub ignore: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    dataset: Spanned<RawDataset>,
    source: Spanned<RawSource>,
    #[serde(default)]
    defaults: RawProvenance,
    entities: Spanned<BTreeMap<Spanned<String>, Spanned<RawEntity>>>,
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDataset {
    name: Spanned<String>,
    format: Spanned<String>,
    delimiter: Option<Spanned<String>>,
    record_id: Spanned<OneOrMany>,
    #[serde(default)]
    date_formats: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    agency: Spanned<String>,
    country: Spanned<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    informant_code: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProvenance {
    grading: Option<Spanned<RawField>>,
    handling: Option<Spanned<RawField>>,
    restriction: Option<Spanned<RawField>>,
    tlp: Option<Spanned<RawField>>,
    assessment: Option<Spanned<RawField>>,
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum RawField {
    Literal(String),
    Column(RawColumnField),
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawColumnField {
    column: String,
    #[serde(default)]
    map: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    schema: Spanned<String>,
    properties: BTreeMap<Spanned<String>, Spanned<RawValue>>,
    #[serde(default)]
    provenance: RawProvenance,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    column: Option<String>,
    columns: Option<Vec<String>>,
    join: Option<String>,
    literal: Option<toml::Value>,
    entity: Option<String>,
    #[serde(default)]
    map: BTreeMap<String, String>,
    split: Option<String>,
    format: Option<OneOrMany>,
    assessment: Option<String>,
    on_invalid: Option<String>,
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    columns: Vec<String>,
    column_lines: Vec<usize>,
}

impl Ctx<'_> {
    fn err(&self, span: Range<usize>, message: impl Into<String>) -> MappingError {
        let (line, column) = line_col(self.text, span.start);
        MappingError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn line(&self, span: &Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }

    fn column(&mut self, name: &str, line: usize) -> ColumnId {
        if let Some(i) = self.columns.iter().position(|c| c == name) {
            return i;
        }
        self.columns.push(name.to_string());
        self.column_lines.push(line);
        self.columns.len() - 1
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn suggest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let best = candidates
        .map(|c| (strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, c)) => format!(" (did you mean '{c}'?)"),
        None => String::new(),
    }
}

impl Mapping {
    /// Parses and checks a mapping. `file` names the mapping in messages.
    pub fn parse(file: &str, text: &str) -> Result<Mapping, MappingError> {
        let raw: RawMapping = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            MappingError {
                file: file.to_string(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let mut ctx = Ctx {
            file,
            text,
            columns: Vec::new(),
            column_lines: Vec::new(),
        };

        let ds = raw.dataset.get_ref();
        let dataset = ds.name.get_ref().trim().to_string();
        if dataset.is_empty() || dataset.contains(':') || dataset.contains(char::is_whitespace) {
            return Err(ctx.err(
                ds.name.span(),
                "dataset name must be non-empty, without spaces or ':' (it is part of every entity id)",
            ));
        }
        let format = match ds.format.get_ref().to_ascii_lowercase().as_str() {
            "csv" => {
                let delimiter = match &ds.delimiter {
                    None => b',',
                    Some(d) => match d.get_ref().as_str() {
                        "\\t" | "\t" | "tab" => b'\t',
                        s if s.len() == 1 && s.is_ascii() => s.as_bytes()[0],
                        _ => return Err(ctx.err(d.span(), "delimiter must be one ASCII character, or \"tab\"")),
                    },
                };
                Format::Csv { delimiter }
            }
            "jsonl" | "jsonlines" | "ndjson" => {
                if let Some(d) = &ds.delimiter {
                    return Err(ctx.err(d.span(), "delimiter applies to csv only"));
                }
                Format::JsonLines
            }
            other => {
                return Err(ctx.err(
                    ds.format.span(),
                    format!("unknown format '{other}': use \"csv\" or \"jsonl\""),
                ));
            }
        };
        let mut date_formats = Vec::new();
        for f in &ds.date_formats {
            date_formats.push(DateFormat::new(f.get_ref()).map_err(|m| ctx.err(f.span(), m))?);
        }
        let record_line = ctx.line(&ds.record_id.span());
        let record_cols = match ds.record_id.get_ref() {
            OneOrMany::One(c) => vec![c.clone()],
            OneOrMany::Many(cs) => cs.clone(),
        };
        if record_cols.is_empty() || record_cols.iter().any(|c| c.trim().is_empty()) {
            return Err(ctx.err(
                ds.record_id.span(),
                "record_id must name the column(s) holding the agency's record id",
            ));
        }
        let record_id = record_cols.iter().map(|c| ctx.column(c, record_line)).collect();

        let src = raw.source.get_ref();
        let source_country = country::to_alpha3(src.country.get_ref())
            .map(str::to_string)
            .or_else(|| {
                let up = src.country.get_ref().trim().to_ascii_uppercase();
                (up == "EUE" || up == "UNO" || up == "XPO").then_some(up)
            })
            .ok_or_else(|| {
                ctx.err(
                    src.country.span(),
                    format!(
                        "'{}' is not an ISO 3166 country code (or EUE for EU bodies, XPO for Interpol)",
                        src.country.get_ref()
                    ),
                )
            })?;
        let agency = src.agency.get_ref().trim().to_string();
        if agency.is_empty() {
            return Err(ctx.err(
                src.agency.span(),
                "source.agency (the agency's node id) must not be empty",
            ));
        }
        let source = SourceInfo {
            agency,
            country: source_country,
            agency_name: src.name.clone(),
            unit: src.unit.clone(),
            informant_code: src.informant_code.clone(),
        };

        let defaults = compile_provenance(&mut ctx, &raw.defaults, None)?;
        let names: Vec<String> = raw.entities.get_ref().keys().map(|k| k.get_ref().clone()).collect();
        if names.is_empty() {
            return Err(ctx.err(raw.entities.span(), "the mapping defines no entities"));
        }
        // Schema names first, so a misspelt schema is reported at its own line
        // rather than where another entity refers to it.
        for ent in raw.entities.get_ref().values() {
            lookup_schema(&ctx, &ent.get_ref().schema)?;
        }
        let mut entities = Vec::new();
        for (name, ent) in raw.entities.get_ref() {
            entities.push(compile_entity(
                &mut ctx,
                name,
                ent,
                &names,
                raw.entities.get_ref(),
                &defaults,
                &date_formats,
            )?);
        }
        let entities = order_entities(&ctx, entities, raw.entities.span())?;
        Ok(Mapping {
            dataset,
            format,
            source,
            columns: ctx.columns,
            column_lines: ctx.column_lines,
            record_id,
            entities,
            ignore: raw.ignore,
        })
    }
}

fn lookup_schema(ctx: &Ctx<'_>, name: &Spanned<String>) -> Result<&'static Schema, MappingError> {
    let sname = name.get_ref();
    schema(sname).ok_or_else(|| {
        let known: Vec<&str> = SCHEMATA.iter().map(|s| s.name).collect();
        ctx.err(
            name.span(),
            format!(
                "unknown schema '{sname}'{}; known: {}",
                suggest(sname, known.iter().copied()),
                known.join(", ")
            ),
        )
    })
}

fn compile_entity(
    ctx: &mut Ctx<'_>,
    name: &Spanned<String>,
    ent: &Spanned<RawEntity>,
    names: &[String],
    all: &BTreeMap<Spanned<String>, Spanned<RawEntity>>,
    defaults: &ProvenanceMap,
    date_formats: &[DateFormat],
) -> Result<EntityMap, MappingError> {
    let n = name.get_ref();
    if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(ctx.err(
            name.span(),
            format!("entity name '{n}' may hold only letters, digits and '_'"),
        ));
    }
    let raw = ent.get_ref();
    let schema = lookup_schema(ctx, &raw.schema)?;
    let provenance = compile_provenance(ctx, &raw.provenance, Some(defaults))?;
    let mut properties = Vec::new();
    for (pname, value) in &raw.properties {
        let pn = pname.get_ref();
        let prop = schema.property(pn).ok_or_else(|| {
            ctx.err(
                pname.span(),
                format!(
                    "unknown property '{pn}' for schema {}{}; it has: {}",
                    schema.name,
                    suggest(pn, schema.properties.iter().map(|p| p.name)),
                    schema.properties.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        properties.push(compile_property(
            ctx,
            schema,
            prop.name,
            prop.ty,
            value,
            names,
            all,
            date_formats,
        )?);
    }
    let mapped = |p: &str| properties.iter().any(|m: &PropertyMap| m.prop == p);
    for req in schema.required {
        if !mapped(req) {
            return Err(ctx.err(
                ent.span(),
                format!(
                    "entity '{n}' ({}) does not map its required property '{req}'",
                    schema.name
                ),
            ));
        }
    }
    if !schema.required_any.is_empty() && !schema.required_any.iter().any(|p| mapped(p)) {
        return Err(ctx.err(
            ent.span(),
            format!(
                "entity '{n}' ({}) must map at least one of: {}",
                schema.name,
                schema.required_any.join(", ")
            ),
        ));
    }
    Ok(EntityMap {
        name: n.clone(),
        schema,
        properties,
        provenance,
        line: ctx.line(&ent.span()),
    })
}

#[allow(clippy::too_many_arguments)]
fn compile_property(
    ctx: &mut Ctx<'_>,
    schema: &'static Schema,
    prop: &'static str,
    ty: PropType,
    value: &Spanned<RawValue>,
    names: &[String],
    all: &BTreeMap<Spanned<String>, Spanned<RawEntity>>,
    date_formats: &[DateFormat],
) -> Result<PropertyMap, MappingError> {
    let span = value.span();
    let line = ctx.line(&span);
    let v = value.get_ref();
    let given = [
        v.column.is_some(),
        v.columns.is_some(),
        v.literal.is_some(),
        v.entity.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(ctx.err(
            span,
            format!(
                "{}.{prop}: give exactly one of column, columns, literal or entity",
                schema.name
            ),
        ));
    }
    let is_entity = matches!(ty, PropType::Entity(_));
    let source = if let Some(target) = &v.entity {
        let PropType::Entity(range) = ty else {
            return Err(ctx.err(
                span,
                format!(
                    "{}.{prop} is not an entity reference; use column or literal",
                    schema.name
                ),
            ));
        };
        let idx = names.iter().position(|n| n == target).ok_or_else(|| {
            ctx.err(
                span.clone(),
                format!(
                    "entity '{target}' is not defined in this mapping{}",
                    suggest(target, names.iter().map(String::as_str))
                ),
            )
        })?;
        let target_schema = all
            .iter()
            .find(|(k, _)| k.get_ref() == target)
            .map(|(_, e)| e.get_ref().schema.get_ref().as_str())
            .unwrap_or_default();
        if !range.contains(&target_schema) {
            return Err(ctx.err(
                span,
                format!(
                    "{}.{prop} must point at one of {}, but '{target}' is a {target_schema}",
                    schema.name,
                    range.join(", ")
                ),
            ));
        }
        Source::Entity(idx)
    } else if is_entity {
        return Err(ctx.err(
            span,
            format!("{}.{prop} points at another entity: use entity = \"name\"", schema.name),
        ));
    } else if let Some(lit) = &v.literal {
        let text = match lit {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => return Err(ctx.err(span, "a literal must be a string, number or boolean")),
        };
        if !matches!(ty, PropType::Date | PropType::DateTime) {
            corridor_model::clean(ty, &text)
                .map_err(|m| ctx.err(span.clone(), format!("literal for {}.{prop}: {m}", schema.name)))?;
        }
        Source::Literal(text)
    } else {
        let cols: Vec<String> = match (&v.column, &v.columns) {
            (Some(c), None) => vec![c.clone()],
            (None, Some(cs)) if !cs.is_empty() => cs.clone(),
            _ => return Err(ctx.err(span, "columns must list at least one column")),
        };
        let columns = cols.iter().map(|c| ctx.column(c, line)).collect();
        Source::Columns {
            columns,
            join: v.join.clone().unwrap_or_else(|| " ".into()),
        }
    };
    if v.join.is_some() && v.columns.is_none() {
        return Err(ctx.err(value.span(), "join applies to columns = [...] only"));
    }
    if schema.name == "Person"
        && prop == "category"
        && let Source::Literal(l) = &source
    {
        l.parse::<DataSubjectCategory>()
            .map_err(|e| ctx.err(value.span(), e.to_string()))?;
    }
    let formats = match &v.format {
        None => date_formats.to_vec(),
        Some(f) => {
            if !matches!(ty, PropType::Date | PropType::DateTime) {
                return Err(ctx.err(
                    value.span(),
                    format!("{}.{prop} is not a date: format does not apply", schema.name),
                ));
            }
            let list = match f {
                OneOrMany::One(p) => vec![p.clone()],
                OneOrMany::Many(ps) => ps.clone(),
            };
            list.iter()
                .map(|p| DateFormat::new(p).map_err(|m| ctx.err(value.span(), m)))
                .collect::<Result<_, _>>()?
        }
    };
    let assessment = v
        .assessment
        .as_deref()
        .map(|a| {
            a.parse::<Assessment>()
                .map_err(|e| ctx.err(value.span(), e.to_string()))
        })
        .transpose()?;
    let skip_invalid = match v.on_invalid.as_deref() {
        None | Some("reject") => false,
        Some("skip") => true,
        Some(other) => {
            return Err(ctx.err(
                value.span(),
                format!("on_invalid = \"{other}\": give \"reject\" (the default: the row goes to the rejects file) or \"skip\" (the value is left out and noted there)"),
            ));
        }
    };
    let map = v
        .map
        .iter()
        .map(|(k, val)| (k.trim().to_lowercase(), val.clone()))
        .collect();
    Ok(PropertyMap {
        skip_invalid,
        prop,
        ty,
        source,
        map,
        split: v.split.clone().filter(|s| !s.is_empty()),
        formats,
        assessment,
        line,
    })
}

fn compile_field<T>(
    ctx: &mut Ctx<'_>,
    raw: &Spanned<RawField>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Field<T>, MappingError> {
    match raw.get_ref() {
        RawField::Literal(s) => parse(s).map(Field::Fixed).map_err(|m| ctx.err(raw.span(), m)),
        RawField::Column(c) => {
            let line = ctx.line(&raw.span());
            for v in c.map.values() {
                parse(v).map_err(|m| ctx.err(raw.span(), format!("in map: {m}")))?;
            }
            let column = ctx.column(&c.column, line);
            Ok(Field::Column {
                column,
                map: c
                    .map
                    .iter()
                    .map(|(k, v)| (k.trim().to_lowercase(), v.clone()))
                    .collect(),
            })
        }
    }
}

fn compile_provenance(
    ctx: &mut Ctx<'_>,
    raw: &RawProvenance,
    defaults: Option<&ProvenanceMap>,
) -> Result<ProvenanceMap, MappingError> {
    let grading = match (&raw.grading, defaults) {
        (Some(f), _) => compile_field(ctx, f, |s| s.parse::<Grading>().map_err(|e| e.to_string()))?,
        (None, Some(d)) => d.grading.clone(),
        // No grading given: cannot be assessed, cannot be corroborated.
        (None, None) => Field::Fixed(Grading {
            source: SourceReliability::X,
            information: InformationAccuracy::Four,
        }),
    };
    let handling = match (&raw.handling, defaults) {
        (Some(f), _) => compile_field(ctx, f, |s| s.parse::<HandlingCode>().map_err(|e| e.to_string()))?,
        (None, Some(d)) => d.handling.clone(),
        // No handling given: the most restrictive code that needs no text.
        (None, None) => Field::Fixed(HandlingCode::H2),
    };
    let restriction = match (&raw.restriction, defaults) {
        (Some(f), _) => Some(compile_field(ctx, f, |s| Ok(s.to_string()))?),
        (None, Some(d)) => d.restriction.clone(),
        (None, None) => None,
    };
    let tlp = match (&raw.tlp, defaults) {
        (Some(f), _) => Some(compile_field(ctx, f, |s| s.parse::<Tlp>().map_err(|e| e.to_string()))?),
        (None, Some(d)) => d.tlp.clone(),
        (None, None) => None,
    };
    let assessment = match (&raw.assessment, defaults) {
        (Some(f), _) => compile_field(ctx, f, |s| s.parse::<Assessment>().map_err(|e| e.to_string()))?,
        (None, Some(d)) => d.assessment.clone(),
        (None, None) => Field::Fixed(Assessment::Fact),
    };
    let here = raw.handling.as_ref().or(raw.restriction.as_ref()).map(|f| f.span());
    if let (Field::Fixed(code), Some(span)) = (&handling, here) {
        match (code, &restriction) {
            (HandlingCode::H3, None) => {
                return Err(ctx.err(
                    span,
                    "H3 needs the provider's restriction text: add restriction = \"...\"",
                ));
            }
            (HandlingCode::H3, _) | (_, None) | (_, Some(Field::Column { .. })) => {}
            (other, Some(Field::Fixed(text))) => {
                return Err(ctx.err(
                    span,
                    format!("restriction \"{text}\" is given with {other}: a restriction text goes with H3 only"),
                ));
            }
        }
    }
    Ok(ProvenanceMap {
        grading,
        handling,
        restriction,
        tlp,
        assessment,
    })
}

/// Orders entities so that every referenced entity comes before the entities that
/// refer to it, and refuses cycles.
fn order_entities(ctx: &Ctx<'_>, entities: Vec<EntityMap>, span: Range<usize>) -> Result<Vec<EntityMap>, MappingError> {
    let n = entities.len();
    let deps: Vec<Vec<usize>> = entities
        .iter()
        .map(|e| {
            e.properties
                .iter()
                .filter_map(|p| {
                    if let Source::Entity(i) = p.source {
                        Some(i)
                    } else {
                        None
                    }
                })
                .collect()
        })
        .collect();
    let mut placed = vec![false; n];
    let mut order: Vec<usize> = Vec::with_capacity(n);
    while order.len() < n {
        let next = (0..n).find(|&i| !placed[i] && deps[i].iter().all(|&d| placed[d]));
        match next {
            Some(i) => {
                placed[i] = true;
                order.push(i);
            }
            None => {
                let stuck: Vec<&str> = (0..n)
                    .filter(|&i| !placed[i])
                    .map(|i| entities[i].name.as_str())
                    .collect();
                return Err(ctx.err(
                    span,
                    format!("entities refer to each other in a cycle: {}", stuck.join(", ")),
                ));
            }
        }
    }
    // Renumber entity references to positions in the new order.
    let position: Vec<usize> = {
        let mut pos = vec![0; n];
        for (new, &old) in order.iter().enumerate() {
            pos[old] = new;
        }
        pos
    };
    let mut slots: Vec<Option<EntityMap>> = entities.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(n);
    for &old in &order {
        let Some(mut e) = slots[old].take() else { continue };
        for p in &mut e.properties {
            if let Source::Entity(i) = &mut p.source {
                *i = position[*i];
            }
        }
        out.push(e);
    }
    Ok(out)
}

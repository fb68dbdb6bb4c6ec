//! Statements: one property value of one entity, with its provenance. An entity is
//! the set of its statements; nothing is ever merged destructively.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::provenance::Provenance;

/// One value of one property of one entity, as read back from a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The store's id of the statement; derived facts point at it.
    pub id: i64,
    /// The entity's stable text id, `dataset:record:name`.
    pub entity: String,
    pub schema: String,
    pub prop: String,
    /// The cleaned value.
    pub value: String,
    /// The value exactly as received, when it differs from `value`.
    pub raw: Option<String>,
    /// False for statements of a source row's older versions, kept as history.
    pub current: bool,
    pub provenance: Provenance,
}

/// An entity with all its statements, current and historical.
#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    pub id: String,
    pub schema: String,
    pub statements: Vec<Statement>,
}

impl Entity {
    /// The current values of a property, in the order they were stored.
    pub fn values(&self, prop: &str) -> Vec<&str> {
        self.statements
            .iter()
            .filter(|s| s.current && s.prop == prop)
            .map(|s| s.value.as_str())
            .collect()
    }
}

/// An entity's current values without per-statement provenance: what bulk analysis
/// (resolution over a million persons) reads, where who said each value is not
/// needed and reading it would cost most of the run. Schema and property names are
/// the schema's own static strings and data set and agency are shared, so a million
/// entities cost their values and little else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityValues {
    pub id: String,
    pub schema: Cow<'static, str>,
    /// The data set, its agency and the source record the entity came from.
    pub dataset: Arc<str>,
    pub agency: Arc<str>,
    pub record_id: String,
    /// `(property, value)` in the order they were stored.
    pub values: Vec<(Cow<'static, str>, String)>,
}

impl EntityValues {
    /// The values of a property, in the order they were stored.
    pub fn values(&self, prop: &str) -> Vec<&str> {
        self.values_of(prop).collect()
    }

    /// [`EntityValues::values`] without collecting them: for readers of millions of
    /// entities.
    pub fn values_of<'a>(&'a self, prop: &str) -> impl Iterator<Item = &'a str> {
        self.values
            .iter()
            .filter(move |(p, _)| p == prop)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a property.
    pub fn first(&self, prop: &str) -> Option<&str> {
        self.values_of(prop).next()
    }

    /// A schema's name as its static string when the schema is known.
    pub fn schema_name(name: &str) -> Cow<'static, str> {
        crate::schema(name).map_or_else(|| Cow::Owned(name.to_string()), |s| Cow::Borrowed(s.name))
    }

    /// A property's name as the schema's static string when it is one of its
    /// properties.
    pub fn prop_name(schema: &str, prop: &str) -> Cow<'static, str> {
        crate::schema(schema)
            .and_then(|s| s.properties.iter().find(|p| p.name == prop))
            .map_or_else(|| Cow::Owned(prop.to_string()), |p| Cow::Borrowed(p.name))
    }

    /// The current values of an entity read with provenance.
    pub fn of(e: &Entity) -> EntityValues {
        let first = e.statements.first();
        EntityValues {
            id: e.id.clone(),
            schema: EntityValues::schema_name(&e.schema),
            dataset: first.map(|s| s.provenance.dataset.as_str()).unwrap_or_default().into(),
            agency: first
                .map(|s| s.provenance.source.agency.as_str())
                .unwrap_or_default()
                .into(),
            record_id: first.map(|s| s.provenance.record_id.clone()).unwrap_or_default(),
            values: e
                .statements
                .iter()
                .filter(|s| s.current)
                .map(|s| (EntityValues::prop_name(&e.schema, &s.prop), s.value.clone()))
                .collect(),
        }
    }
}

/// An entity's current statements with only what a link's evidence needs: the
/// statement id, the value, the reporting agency, the grading to act on today and
/// the handling. What the investigation graph reads: a tenth of the memory of
/// [`Entity`], whose statements each carry their whole provenance as owned text.
/// Schema and property names are static where known; agencies and handlings are
/// shared between statements.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityEvidence {
    pub id: String,
    pub schema: Cow<'static, str>,
    pub statements: Vec<EvidenceStatement>,
}

/// One current statement of an [`EntityEvidence`].
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceStatement {
    pub id: i64,
    pub prop: Cow<'static, str>,
    pub value: String,
    pub agency: Arc<str>,
    /// [`Provenance::effective_grading`]: after any later downgrade of the source.
    pub grading: crate::Grading,
    pub handling: Arc<crate::Handling>,
}

impl EntityEvidence {
    /// The values of a property, in the order they were stored.
    pub fn values(&self, prop: &str) -> Vec<&str> {
        self.statements
            .iter()
            .filter(|s| s.prop == prop)
            .map(|s| s.value.as_str())
            .collect()
    }

    /// The current statements of an entity read with full provenance.
    pub fn of(e: &Entity) -> EntityEvidence {
        EntityEvidence {
            id: e.id.clone(),
            schema: EntityValues::schema_name(&e.schema),
            statements: e
                .statements
                .iter()
                .filter(|s| s.current)
                .map(|s| EvidenceStatement {
                    id: s.id,
                    prop: EntityValues::prop_name(&e.schema, &s.prop),
                    value: s.value.clone(),
                    agency: Arc::from(s.provenance.source.agency.as_str()),
                    grading: s.provenance.effective_grading(),
                    handling: Arc::new(s.provenance.handling.clone()),
                })
                .collect(),
        }
    }
}

/// Builds the stable text id of an entity produced from a source record.
pub fn entity_key(dataset: &str, record: &str, name: &str) -> String {
    format!("{dataset}:{record}:{name}")
}

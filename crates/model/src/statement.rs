//! Statements: one property value of one entity, with its provenance. An entity is
//! the set of its statements; nothing is ever merged destructively.

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

/// Builds the stable text id of an entity produced from a source record.
pub fn entity_key(dataset: &str, record: &str, name: &str) -> String {
    format!("{dataset}:{record}:{name}")
}

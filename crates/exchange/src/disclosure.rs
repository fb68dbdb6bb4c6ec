//! Step 2 of the Prüm model: the record behind a hit, after a human decision on
//! the owning side. The messages' bodies and the disclosed records' format, and
//! the checks a receiver makes on them before anything is stored.
//!
//! | message (`kind`) | from → to | body |
//! |---|---|---|
//! | `disclosure-request` | requester → owner | [`DisclosureAsk`]: the hit's opaque reference, its kind, purpose, legal basis, the officer |
//! | `disclosure-answer` | owner → requester | [`DisclosureReply`]: the decision, its reason, and on approval the records sealed to the requester ([`Package`]) |
//! | `disclosure-notice` | owner → requester | a sealed [`Notice`]: a disclosed record erased or rectified at the owner |
//!
//! A disclosed record keeps its provenance: each statement travels with its
//! grading, handling code and assessment, the person's data-subject category is
//! one of its statements, and the record names the owner's agency that
//! provided it. A statement under H2 or H3 never travels (the owner leaves it
//! out; the receiver refuses a package that holds one). A reference from one of
//! the record's entities to another (a phone's user) names the other by its
//! name in the record, as a mapping does, and must point inside the record.

use serde::{Deserialize, Serialize};

use crate::sealed::Sealed;
use crate::{Refusal, SelectorKind};

/// The most records one disclosure carries.
pub const MAX_RECORDS: usize = 1_000;
/// The most entities in one record (a mapped row makes a handful).
pub const MAX_ENTITIES: usize = 64;
/// The most statements of one entity.
pub const MAX_STATEMENTS: usize = 1_000;
/// The longest value (a long free-text note fits).
pub const MAX_VALUE: usize = 64 * 1024;
/// The longest purpose, legal basis, officer or reason.
pub const MAX_TEXT: usize = 1_000;

/// `disclosure-request`: the requester asks for the record behind one hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureAsk {
    pub kind: SelectorKind,
    /// The owner's opaque reference for the hit (its tag, as the hit gave it).
    pub hit: String,
    /// The purpose's id, as the agreement names it.
    pub purpose: String,
    /// The legal basis the requester relies on, in its words.
    pub legal_basis: String,
    /// Who asks (the requesting officer's user name at the requester).
    pub officer: String,
    /// The reference of the query that found the hit: a request must name a
    /// query the owner answered, and no query brings more requests than it held
    /// selectors (what its budget paid for).
    pub query: String,
    /// For a selector hit, the selector itself sealed to the owner: proof that
    /// the requester holds it (a tag alone, which every partner receives, is not).
    pub selector: Option<Sealed>,
}

/// What the owner decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    /// Approved for some of the statements only.
    ApprovedInPart,
    Refused,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::ApprovedInPart => "approved_in_part",
            Decision::Refused => "refused",
        }
    }
}

/// `disclosure-answer`: the owner's decision, under the request's reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureReply {
    pub decision: Decision,
    /// Why (required for a refusal and a part approval).
    pub reason: String,
    /// The records, sealed to the requester: a [`Package`] as JSON. Present
    /// exactly when approved.
    pub records: Option<Sealed>,
}

/// `disclosure-notice`, once opened: what changed at the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub change: Change,
    /// The disclosure (its reference) the records came in.
    pub disclosure: String,
    /// The records changed, by the references they travelled under.
    pub records: Vec<String>,
    /// For a rectification: the records as they now stand (what was approved of them).
    pub package: Option<Package>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Erased,
    Rectified,
}

/// Disclosed records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub records: Vec<Record>,
}

/// One source record of the owner, as disclosed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The owner's reference of the record (its data set and key).
    pub reference: String,
    /// The owner's agency that provided it (its node id, such as `gr-hcg`).
    pub agency: String,
    pub entities: Vec<Entity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Its name in the record (`person`, `phone`): what references name.
    pub name: String,
    pub schema: String,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// The owner's statement id: what an approval in part names.
    pub id: i64,
    pub prop: String,
    pub value: String,
    /// Admiralty grading as given (`B2`).
    pub grading: String,
    /// `H0`, `H1` (H2 and H3 never travel).
    pub handling: String,
    pub tlp: Option<String>,
    /// `fact` or `personal_assessment`.
    pub assessment: String,
}

fn bad(why: String) -> Refusal {
    Refusal::Malformed {
        what: "disclosed record",
        why,
    }
}

/// A short text: one line, printable, at most [`MAX_TEXT`] bytes.
pub fn check_text(what: &str, text: &str) -> Result<(), Refusal> {
    if text.trim().is_empty() || text.len() > MAX_TEXT || !crate::printable(text) {
        return Err(Refusal::Malformed {
            what: "disclosure message",
            why: format!("its {what} is empty, longer than {MAX_TEXT} bytes, or holds control characters"),
        });
    }
    Ok(())
}

/// A name or reference: 1–128 ASCII letters, digits and `-_.:/`.
fn token(text: &str) -> bool {
    (1..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'/'))
}

/// An entity's name in its record, as a mapping names it: 1–64 ASCII letters,
/// digits, `_` or `-` (it ends the entity's id, after the last `:`).
fn entity_name(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

impl DisclosureAsk {
    pub fn check(&self) -> Result<(), Refusal> {
        if !token(&self.hit) || !token(&self.query) {
            return Err(Refusal::Malformed {
                what: "disclosure request",
                why: "its hit or query reference is no reference".into(),
            });
        }
        check_text("purpose", &self.purpose)?;
        check_text("legal basis", &self.legal_basis)?;
        check_text("officer", &self.officer)
    }
}

impl Package {
    /// Every check a receiver makes before storing a statement: sizes, known
    /// schemata and properties, values that clean as their type, gradings and
    /// handling codes that parse (and are neither H2 nor H3), references inside
    /// the record.
    pub fn check(&self) -> Result<(), Refusal> {
        if self.records.is_empty() || self.records.len() > MAX_RECORDS {
            return Err(bad(format!("1 to {MAX_RECORDS} records, not {}", self.records.len())));
        }
        let mut seen = std::collections::HashSet::new();
        for r in &self.records {
            if !token(&r.reference) || !token(&r.agency) {
                return Err(bad("a record's reference or agency is no name".into()));
            }
            if !seen.insert(r.reference.as_str()) {
                return Err(bad(format!("the record {} twice", r.reference)));
            }
            if r.entities.is_empty() || r.entities.len() > MAX_ENTITIES {
                return Err(bad(format!("record {}: 1 to {MAX_ENTITIES} entities", r.reference)));
            }
            let mut names = std::collections::HashMap::new();
            for e in &r.entities {
                let schema = corridor_model::schema(&e.schema)
                    .ok_or_else(|| bad(format!("record {}: no schema '{}'", r.reference, short(&e.schema))))?;
                if !entity_name(&e.name) || names.insert(e.name.as_str(), schema.name).is_some() {
                    return Err(bad(format!("record {}: an entity name missing or twice", r.reference)));
                }
                if e.statements.len() > MAX_STATEMENTS {
                    return Err(bad(format!(
                        "record {}: more than {MAX_STATEMENTS} statements",
                        r.reference
                    )));
                }
            }
            for e in &r.entities {
                let schema = corridor_model::schema(&e.schema).ok_or_else(|| bad("no schema".into()))?;
                for s in &e.statements {
                    let prop = schema.property(&s.prop).ok_or_else(|| {
                        bad(format!(
                            "record {}: {} has no property '{}'",
                            r.reference,
                            schema.name,
                            short(&s.prop)
                        ))
                    })?;
                    if s.value.len() > MAX_VALUE || s.value.chars().any(|c| c.is_control() && c != '\n') {
                        return Err(bad(format!(
                            "record {}: a value longer than {MAX_VALUE} bytes or with control characters",
                            r.reference
                        )));
                    }
                    check_value(&names, prop, &s.value).map_err(|why| bad(format!("record {}: {why}", r.reference)))?;
                    s.provenance()
                        .map_err(|why| bad(format!("record {}: {why}", r.reference)))?;
                }
            }
        }
        Ok(())
    }
}

/// Parsed provenance of a disclosed statement.
#[derive(Debug, Clone)]
pub struct StatementProvenance {
    pub grading: corridor_model::Grading,
    pub handling: corridor_model::Handling,
    pub assessment: corridor_model::Assessment,
}

impl Statement {
    pub fn provenance(&self) -> Result<StatementProvenance, String> {
        let grading = self
            .grading
            .parse::<corridor_model::Grading>()
            .map_err(|_| "a grading that is no Admiralty grade".to_string())?;
        let code = self
            .handling
            .parse::<corridor_model::HandlingCode>()
            .map_err(|_| "a handling code that is none".to_string())?;
        if code >= corridor_model::HandlingCode::H2 {
            return Err(format!("a statement under {code}, which may not be passed on"));
        }
        let tlp = match &self.tlp {
            None => None,
            Some(t) => Some(
                t.parse::<corridor_model::Tlp>()
                    .map_err(|_| "a TLP that is none".to_string())?,
            ),
        };
        let handling = corridor_model::Handling::new(code, None, tlp).map_err(|e| e.to_string())?;
        let assessment = self
            .assessment
            .parse::<corridor_model::Assessment>()
            .map_err(|_| "an assessment that is neither fact nor personal_assessment".to_string())?;
        Ok(StatementProvenance {
            grading,
            handling,
            assessment,
        })
    }
}

fn check_value(
    names: &std::collections::HashMap<&str, &'static str>,
    prop: &corridor_model::Property,
    value: &str,
) -> Result<(), String> {
    match prop.ty {
        corridor_model::PropType::Entity(range) => match names.get(value) {
            Some(schema) if range.contains(schema) => Ok(()),
            _ => Err(format!("{} names no {} of the record", prop.name, range.join(" or "))),
        },
        ty => match corridor_model::value::clean(ty, value) {
            Ok(Some(clean)) if clean == value => Ok(()),
            _ => Err(format!("a {} value that is not as stored", prop.name)),
        },
    }
}

fn short(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(prop: &str, value: &str) -> Statement {
        Statement {
            id: 1,
            prop: prop.into(),
            value: value.into(),
            grading: "B2".into(),
            handling: "H1".into(),
            tlp: None,
            assessment: "fact".into(),
        }
    }

    fn package() -> Package {
        Package {
            records: vec![Record {
                reference: "gr-i:1".into(),
                agency: "gr-hcg".into(),
                entities: vec![
                    Entity {
                        name: "person".into(),
                        schema: "Person".into(),
                        statements: vec![statement("name", "Ali Hassan"), statement("category", "suspect")],
                    },
                    Entity {
                        name: "phone".into(),
                        schema: "Phone".into(),
                        statements: vec![statement("number", "+306931111111")],
                    },
                    Entity {
                        name: "uses".into(),
                        schema: "Uses".into(),
                        statements: vec![statement("user", "person"), statement("object", "phone")],
                    },
                ],
            }],
        }
    }

    #[test]
    fn a_package_is_checked_before_anything_is_stored() {
        package().check().expect("good");
        let mut h3 = package();
        h3.records[0].entities[0].statements[0].handling = "H3".into();
        assert!(h3.check().is_err(), "H3 never travels");
        let mut dangling = package();
        dangling.records[0].entities[2].statements[0].value = "nobody".into();
        assert!(dangling.check().is_err(), "a reference outside the record");
        let mut wrong = package();
        wrong.records[0].entities[2].statements[0].value = "phone".into();
        assert!(wrong.check().is_err(), "a user that is a phone");
        let mut prop = package();
        prop.records[0].entities[0].statements[0].prop = "password".into();
        assert!(prop.check().is_err());
        let mut cat = package();
        cat.records[0].entities[0].statements[1].value = "ethnicity".into();
        assert!(cat.check().is_err(), "a category that is none");
        let mut ctl = package();
        ctl.records[0].entities[0].statements[0].value = "Ali\u{1b}[2J".into();
        assert!(ctl.check().is_err(), "control characters are not as stored");
        let mut colon = package();
        colon.records[0].entities[0].name = "person:x".into();
        assert!(colon.check().is_err(), "an entity name that would split its id");
        let mut twice = package();
        let r = twice.records[0].clone();
        twice.records.push(r);
        assert!(twice.check().is_err());
        assert!(Package { records: vec![] }.check().is_err());
    }
}

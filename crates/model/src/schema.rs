//! The schemata Corridor stores: things, events and relations, with their properties
//! and the type of each property.
//!
//! Names follow FollowTheMoney (FtM) where FtM has the concept (Person, Organization,
//! Vehicle, Vessel, BankAccount, Address, Payment, Associate, Family, Membership,
//! UnknownLink; `name`, `firstName`, `birthDate`, `registrationNumber`, `iban` …), so
//! export to Aleph/OpenSanctions tooling is a rename at most. Corridor's own schemata
//! (Phone, Email, TravelDocument, BiometricReference, BorderCrossing, Interception,
//! Arrest, Sighting, Uses, Holds, TravelledWith, Organised, Paid) carry `ftm`, the FtM
//! schema they map to on export. The registry is a static table: schemata change with
//! the code, never at run time, so every crate can rely on the same names.

use serde::Serialize;

/// What a value of a property must look like; decides cleaning and validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "range")]
pub enum PropType {
    /// A person's or organisation's name, kept as written.
    Name,
    /// Free text.
    Text,
    /// A calendar date with its precision: `2024`, `2024-03` or `2024-03-12`.
    Date,
    /// A date and time of day, `2024-03-12T14:05` (local time of the recording agency).
    DateTime,
    /// An ISO 3166-1 country, stored as its alpha-3 code.
    Country,
    /// A telephone number as received; normalised to E.164 by `corridor-normalize`.
    Phone,
    Email,
    /// A document, registration or account number.
    Identifier,
    Number,
    /// WGS84 latitude in decimal degrees.
    Latitude,
    /// WGS84 longitude in decimal degrees.
    Longitude,
    /// A data-subject category (Directive 2016/680 Art. 6).
    Category,
    /// `true` or `false`.
    Bool,
    /// One of a fixed list of words.
    Enum(&'static [&'static str]),
    /// A reference to another entity of one of the listed schemata.
    Entity(&'static [&'static str]),
}

/// Whether a schema describes a thing, something that happened, or a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemaKind {
    Thing,
    Event,
    Relation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Property {
    pub name: &'static str,
    #[serde(flatten)]
    pub ty: PropType,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Schema {
    pub name: &'static str,
    pub kind: SchemaKind,
    /// The FtM schema this one is exported as.
    pub ftm: &'static str,
    pub properties: &'static [Property],
    /// Every one of these must have a value.
    pub required: &'static [&'static str],
    /// At least one of these must have a value (empty: no such rule).
    pub required_any: &'static [&'static str],
    /// For relations: the source and target properties, in that direction.
    pub edge: Option<(&'static str, &'static str)>,
}

impl Schema {
    pub fn property(&self, name: &str) -> Option<&'static Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

const fn p(name: &'static str, ty: PropType) -> Property {
    Property { name, ty }
}

use PropType::*;

const PERSONS: &[&str] = &["Person"];
const PARTIES: &[&str] = &["Person", "Organization"];
const OBJECTS: &[&str] = &["Phone", "Email", "Vehicle", "Vessel", "BankAccount", "Address"];
const EVENTS: &[&str] = &["BorderCrossing", "Interception", "Arrest", "Sighting", "Payment"];
const ANY: &[&str] = &[
    "Person",
    "Organization",
    "Phone",
    "Email",
    "Vehicle",
    "Vessel",
    "TravelDocument",
    "BankAccount",
    "Address",
    "BiometricReference",
    "BorderCrossing",
    "Interception",
    "Arrest",
    "Sighting",
    "Payment",
];
const DOC_TYPES: &[&str] = &[
    "passport",
    "id_card",
    "visa",
    "residence_permit",
    "travel_document",
    "other",
];
const GENDERS: &[&str] = &["male", "female", "other", "unknown"];
const MODALITIES: &[&str] = &["fingerprint", "face", "iris", "dna", "palm"];
const PLATFORMS: &[&str] = &[
    "drone",
    "aircraft",
    "helicopter",
    "camera",
    "patrol",
    "vessel",
    "satellite",
    "other",
];
const DIRECTIONS: &[&str] = &["entry", "exit", "attempted_entry", "attempted_exit"];
const DOC_STATUS: &[&str] = &[
    "genuine",
    "forged",
    "altered",
    "stolen_blank",
    "fraudulently_obtained",
    "impostor",
    "unknown",
];

const EVENT_PLACE: [Property; 6] = [
    p("date", DateTime),
    p("place", Text),
    p("country", Country),
    p("latitude", Latitude),
    p("longitude", Longitude),
    p("description", Text),
];

macro_rules! props {
    ($($e:expr),* $(,)?) => { &[$($e),*] };
}

/// Every schema Corridor knows, in a fixed order.
pub static SCHEMATA: &[Schema] = &[
    Schema {
        name: "Person",
        kind: SchemaKind::Thing,
        ftm: "Person",
        properties: props![
            p("name", Name),
            p("firstName", Name),
            p("middleName", Name),
            p("lastName", Name),
            p("fatherName", Name),
            p("motherName", Name),
            p("alias", Name),
            p("birthDate", Date),
            p("birthPlace", Text),
            p("birthCountry", Country),
            p("address", Text),
            p("nationality", Country),
            p("gender", Enum(GENDERS)),
            p("idNumber", Identifier),
            p("category", Category),
            p("role", Text),
            p("notes", Text),
        ],
        // A person may be known only by a document number or a birth date (an
        // unidentified traveller, a record whose name field was left empty): such a
        // record is kept, resolution links it by what it has. Without any of these it
        // identifies nobody and is rejected. The category is always required.
        required: &["category"],
        required_any: &["name", "firstName", "lastName", "alias", "idNumber", "birthDate"],
        edge: None,
    },
    Schema {
        name: "Organization",
        kind: SchemaKind::Thing,
        ftm: "Organization",
        properties: props![
            p("name", Name),
            p("alias", Name),
            p("sector", Text),
            p("country", Country),
            p("registrationNumber", Identifier),
            p("address", Text),
            p("phone", Phone),
            p("email", Email),
            p("stateLinked", Bool),
            p("notes", Text),
        ],
        required: &["name"],
        required_any: &[],
        edge: None,
    },
    Schema {
        name: "Phone",
        kind: SchemaKind::Thing,
        ftm: "Thing",
        properties: props![
            p("number", Phone),
            p("country", Country),
            p("imei", Identifier),
            p("imsi", Identifier),
            p("carrier", Text)
        ],
        required: &[],
        required_any: &["number", "imei", "imsi"],
        edge: None,
    },
    Schema {
        name: "Email",
        kind: SchemaKind::Thing,
        ftm: "Thing",
        properties: props![p("address", Email)],
        required: &["address"],
        required_any: &[],
        edge: None,
    },
    Schema {
        name: "Vehicle",
        kind: SchemaKind::Thing,
        ftm: "Vehicle",
        properties: props![
            p("registrationNumber", Identifier),
            p("country", Country),
            p("type", Text),
            p("model", Text),
            p("color", Text),
            p("vin", Identifier),
        ],
        required: &[],
        required_any: &["registrationNumber", "vin"],
        edge: None,
    },
    Schema {
        name: "Vessel",
        kind: SchemaKind::Thing,
        ftm: "Vessel",
        properties: props![
            p("name", Name),
            p("imoNumber", Identifier),
            p("mmsi", Identifier),
            p("registrationNumber", Identifier),
            p("flag", Country),
            p("type", Text),
            p("hullId", Identifier),
            p("engine", Text),
            p("length", Number),
        ],
        required: &[],
        required_any: &["name", "imoNumber", "mmsi", "registrationNumber", "hullId", "engine"],
        edge: None,
    },
    Schema {
        name: "TravelDocument",
        kind: SchemaKind::Thing,
        ftm: "Passport",
        properties: props![
            p("number", Identifier),
            p("type", Enum(DOC_TYPES)),
            p("country", Country),
            p("authority", Text),
            p("surname", Name),
            p("givenNames", Name),
            p("birthDate", Date),
            p("nationality", Country),
            p("gender", Enum(GENDERS)),
            p("startDate", Date),
            p("endDate", Date),
            p("mrz", Text),
            p("status", Enum(DOC_STATUS)),
        ],
        required: &["number"],
        required_any: &[],
        edge: None,
    },
    Schema {
        name: "BankAccount",
        kind: SchemaKind::Thing,
        ftm: "BankAccount",
        properties: props![
            p("iban", Identifier),
            p("accountNumber", Identifier),
            p("bankName", Text),
            p("swiftBic", Identifier),
            p("country", Country),
        ],
        required: &[],
        required_any: &["iban", "accountNumber"],
        edge: None,
    },
    Schema {
        name: "Address",
        kind: SchemaKind::Thing,
        ftm: "Address",
        properties: props![
            p("full", Text),
            p("street", Text),
            p("city", Text),
            p("postalCode", Identifier),
            p("country", Country),
            p("latitude", Latitude),
            p("longitude", Longitude),
            p("use", Text),
        ],
        required: &[],
        required_any: &["full", "street", "city", "latitude"],
        edge: None,
    },
    Schema {
        name: "BiometricReference",
        kind: SchemaKind::Thing,
        ftm: "Thing",
        properties: props![
            p("system", Text),
            p("referenceId", Identifier),
            p("modality", Enum(MODALITIES)),
            p("subject", Entity(PERSONS)),
            p("date", DateTime),
        ],
        required: &["system", "referenceId", "modality"],
        required_any: &[],
        edge: None,
    },
    Schema {
        name: "BorderCrossing",
        kind: SchemaKind::Event,
        ftm: "Event",
        properties: props![
            EVENT_PLACE[0],
            EVENT_PLACE[1],
            EVENT_PLACE[2],
            EVENT_PLACE[3],
            EVENT_PLACE[4],
            EVENT_PLACE[5],
            p("direction", Enum(DIRECTIONS)),
            p("mode", Text),
            p("involved", Entity(PARTIES)),
            p("document", Entity(&["TravelDocument"])),
            p("vehicle", Entity(&["Vehicle"])),
            p("vessel", Entity(&["Vessel"])),
        ],
        required: &["date"],
        required_any: &[],
        edge: None,
    },
    Schema {
        name: "Interception",
        kind: SchemaKind::Event,
        ftm: "Event",
        properties: props![
            EVENT_PLACE[0],
            EVENT_PLACE[1],
            EVENT_PLACE[2],
            EVENT_PLACE[3],
            EVENT_PLACE[4],
            EVENT_PLACE[5],
            p("unit", Text),
            p("personsCount", Number),
            p("outcome", Text),
            p("involved", Entity(PARTIES)),
            p("vehicle", Entity(&["Vehicle"])),
            p("vessel", Entity(&["Vessel"])),
        ],
        required: &["date"],
        required_any: &[],
        edge: None,
    },
    Schema {
        name: "Arrest",
        kind: SchemaKind::Event,
        ftm: "Event",
        properties: props![
            EVENT_PLACE[0],
            EVENT_PLACE[1],
            EVENT_PLACE[2],
            EVENT_PLACE[3],
            EVENT_PLACE[4],
            EVENT_PLACE[5],
            p("charge", Text),
            p("involved", Entity(PERSONS)),
        ],
        required: &["date"],
        required_any: &[],
        edge: None,
    },
    Schema {
        name: "Sighting",
        kind: SchemaKind::Event,
        ftm: "Event",
        properties: props![
            EVENT_PLACE[0],
            EVENT_PLACE[1],
            EVENT_PLACE[2],
            EVENT_PLACE[3],
            EVENT_PLACE[4],
            EVENT_PLACE[5],
            p("platform", Enum(PLATFORMS)),
            p("personsCount", Number),
            p("involved", Entity(PARTIES)),
            p("vehicle", Entity(&["Vehicle"])),
            p("vessel", Entity(&["Vessel"])),
        ],
        required: &["date", "latitude", "longitude"],
        required_any: &[],
        edge: None,
    },
    Schema {
        name: "Payment",
        kind: SchemaKind::Event,
        ftm: "Payment",
        properties: props![
            EVENT_PLACE[0],
            EVENT_PLACE[1],
            EVENT_PLACE[2],
            EVENT_PLACE[3],
            EVENT_PLACE[4],
            EVENT_PLACE[5],
            p("amount", Number),
            p("currency", Identifier),
            p("method", Text),
            p("purpose", Text),
            p("payer", Entity(PARTIES)),
            p("beneficiary", Entity(PARTIES)),
            p("agent", Entity(&["Organization"])),
            p("payerAccount", Entity(&["BankAccount"])),
            p("beneficiaryAccount", Entity(&["BankAccount"])),
        ],
        required: &["payer", "beneficiary"],
        required_any: &[],
        edge: None,
    },
    relation(
        "Associate",
        "Associate",
        props![
            p("person", Entity(PERSONS)),
            p("associate", Entity(PERSONS)),
            p("relationship", Text),
            START,
            END,
            DESCRIPTION
        ],
        &["person", "associate"],
    ),
    relation(
        "Family",
        "Family",
        props![
            p("person", Entity(PERSONS)),
            p("relative", Entity(PERSONS)),
            p("relationship", Text),
            START,
            END,
            DESCRIPTION
        ],
        &["person", "relative"],
    ),
    relation(
        "Membership",
        "Membership",
        props![
            p("member", Entity(PARTIES)),
            p("organization", Entity(&["Organization"])),
            p("role", Text),
            START,
            END,
            DESCRIPTION
        ],
        &["member", "organization"],
    ),
    relation(
        "Uses",
        "UnknownLink",
        props![
            p("user", Entity(PARTIES)),
            p("object", Entity(OBJECTS)),
            p("role", Text),
            START,
            END,
            DESCRIPTION
        ],
        &["user", "object"],
    ),
    relation(
        "Holds",
        "UnknownLink",
        props![
            p("holder", Entity(PERSONS)),
            p("document", Entity(&["TravelDocument"])),
            p("role", Text),
            START,
            END,
            DESCRIPTION
        ],
        &["holder", "document"],
    ),
    relation(
        "TravelledWith",
        "Associate",
        props![
            p("person", Entity(PERSONS)),
            p("companion", Entity(PERSONS)),
            p("role", Text),
            START,
            END,
            DESCRIPTION
        ],
        &["person", "companion"],
    ),
    relation(
        "Organised",
        "UnknownLink",
        props![
            p("organiser", Entity(PARTIES)),
            p("event", Entity(EVENTS)),
            p("role", Text),
            START,
            END,
            DESCRIPTION
        ],
        &["organiser", "event"],
    ),
    relation(
        "Paid",
        "Payment",
        props![
            p("payer", Entity(PARTIES)),
            p("beneficiary", Entity(PARTIES)),
            p("amount", Number),
            p("currency", Identifier),
            START,
            END,
            DESCRIPTION
        ],
        &["payer", "beneficiary"],
    ),
    relation(
        "UnknownLink",
        "UnknownLink",
        props![
            p("subject", Entity(ANY)),
            p("object", Entity(ANY)),
            p("role", Text),
            START,
            END,
            DESCRIPTION
        ],
        &["subject", "object"],
    ),
];

/// A relation schema: two entity-valued endpoints (source, target), both required.
const fn relation(
    name: &'static str,
    ftm: &'static str,
    properties: &'static [Property],
    required: &'static [&'static str; 2],
) -> Schema {
    Schema {
        name,
        kind: SchemaKind::Relation,
        ftm,
        properties,
        required,
        required_any: &[],
        edge: Some((required[0], required[1])),
    }
}

const START: Property = p("startDate", Date);
const END: Property = p("endDate", Date);
const DESCRIPTION: Property = p("description", Text);

/// Looks a schema up by its exact name.
pub fn schema(name: &str) -> Option<&'static Schema> {
    SCHEMATA.iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_property_and_edge_exists_and_ranges_name_real_schemata() {
        for s in SCHEMATA {
            for r in s.required.iter().chain(s.required_any) {
                assert!(s.property(r).is_some(), "{}.{r} is required but not a property", s.name);
            }
            if let Some((a, b)) = s.edge {
                assert_eq!(s.kind, SchemaKind::Relation);
                for end in [a, b] {
                    let prop = s.property(end).expect("edge property");
                    assert!(
                        matches!(prop.ty, PropType::Entity(_)),
                        "{}.{end} must be an entity",
                        s.name
                    );
                }
            }
            for prop in s.properties {
                if let PropType::Entity(range) = prop.ty {
                    for target in range {
                        assert!(
                            schema(target).is_some(),
                            "{}.{} points at unknown {target}",
                            s.name,
                            prop.name
                        );
                    }
                }
            }
            let mut names: Vec<_> = s.properties.iter().map(|p| p.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), s.properties.len(), "{} repeats a property", s.name);
        }
    }

    #[test]
    fn relations_are_wired_as_the_issue_lists_them() {
        let uses = schema("Uses").expect("Uses");
        assert_eq!(uses.edge, Some(("user", "object")));
        assert!(schema("Holds").is_some_and(|s| s.edge == Some(("holder", "document"))));
        let person = schema("Person").expect("Person");
        assert_eq!(person.required, &["category"][..]);
        assert!(person.required_any.contains(&"name") && person.required_any.contains(&"idNumber"));
        assert!(schema("Phone").is_some_and(|s| s.kind == SchemaKind::Thing));
        assert!(schema("Nope").is_none());
    }
}

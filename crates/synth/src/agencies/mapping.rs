//! Writes the ingest mapping of a file (docs/mapping.md) from its layout: each kind
//! of record has an entity template; properties whose column the file lacks are
//! left out, and entities that would miss a required property are left out whole.

use std::fmt::Write as _;

use corridor_model::schema;

use super::vocab::{CAT, DIRECTION, DOC_TYPE, GENDER, MODALITY, PLATFORM, STATUS, YES_NO, vocab};
use super::{F, Kind, Spec};
use crate::formats::{PLATE_SIGN_MAP, nationality_map};
use crate::geo::Ag;

/// Which value list a column's `map` translates.
#[derive(Debug, Clone, Copy)]
enum Voc {
    Nat,
    Gender,
    Cat,
    DocType,
    Status,
    Direction,
    Platform,
    YesNo,
    Modality,
    Plate,
}

/// Where a property's value comes from.
#[derive(Debug, Clone, Copy)]
enum V {
    C(F),
    M(F, Voc),
    /// A personal assessment (Directive 2016/680 Art. 7), not a fact.
    Pa(F),
    /// The subject's name from `Full`, or given/father/surname columns.
    Name,
    L(&'static str),
    E(&'static str),
    /// The event's country: a column when the file has one, else the agency's.
    Country,
}

use V::*;

struct Ent {
    name: &'static str,
    schema: &'static str,
    props: &'static [(&'static str, V)],
    /// Provenance override: grading, and whether a personal assessment.
    prov: Option<(&'static str, bool)>,
}

const fn ent(name: &'static str, schema: &'static str, props: &'static [(&'static str, V)]) -> Ent {
    Ent {
        name,
        schema,
        props,
        prov: None,
    }
}

const PERSON: Ent = ent(
    "person",
    "Person",
    &[
        ("name", Name),
        ("firstName", C(F::Given)),
        ("lastName", C(F::Surname)),
        ("fatherName", C(F::Father)),
        ("alias", C(F::Alias)),
        ("birthDate", C(F::Birth)),
        ("nationality", M(F::Nat, Voc::Nat)),
        ("gender", M(F::Gender, Voc::Gender)),
        ("category", M(F::Cat, Voc::Cat)),
        ("role", Pa(F::Role)),
        ("idNumber", C(F::IdNo)),
    ],
);
const PHONE: Ent = ent("phone", "Phone", &[("number", C(F::Phone)), ("imei", C(F::Imei))]);
const USES_PHONE: Ent = ent("uses_phone", "Uses", &[("user", E("person")), ("object", E("phone"))]);
const VEHICLE: Ent = ent(
    "vehicle",
    "Vehicle",
    &[
        ("registrationNumber", C(F::Plate)),
        ("country", M(F::PlateCountry, Voc::Plate)),
        ("model", C(F::VehModel)),
        ("type", C(F::VehType)),
    ],
);
const VESSEL: Ent = ent(
    "vessel",
    "Vessel",
    &[
        ("type", C(F::VesType)),
        ("engine", C(F::Engine)),
        ("hullId", C(F::HullId)),
        ("name", C(F::VesName)),
        ("flag", C(F::VesFlag)),
    ],
);
const BIOMETRIC: Ent = ent(
    "biometric",
    "BiometricReference",
    &[
        ("system", C(F::BioSys)),
        ("referenceId", C(F::BioRef)),
        ("modality", M(F::BioMod, Voc::Modality)),
        ("subject", E("person")),
    ],
);
const DOCUMENT: Ent = ent(
    "document",
    "TravelDocument",
    &[
        ("number", C(F::DocNo)),
        ("type", M(F::DocType, Voc::DocType)),
        ("country", C(F::DocCountry)),
        ("birthDate", C(F::DocBirth)),
        ("endDate", C(F::DocExpiry)),
        ("mrz", C(F::Mrz)),
        ("status", M(F::DocStatus, Voc::Status)),
    ],
);
const HOLDS: Ent = ent(
    "holds",
    "Holds",
    &[("holder", E("person")), ("document", E("document"))],
);

const T_INTERCEPT: &[Ent] = &[
    PERSON,
    PHONE,
    USES_PHONE,
    VEHICLE,
    VESSEL,
    ent(
        "safe_house",
        "Address",
        &[
            ("full", C(F::AddrFull)),
            ("city", C(F::AddrCity)),
            ("latitude", C(F::AddrLat)),
            ("longitude", C(F::AddrLon)),
            ("use", L("safe house")),
        ],
    ),
    ent(
        "found_at",
        "Uses",
        &[
            ("user", E("person")),
            ("object", E("safe_house")),
            ("role", L("found at the address")),
        ],
    ),
    BIOMETRIC,
    ent(
        "interception",
        "Interception",
        &[
            ("date", C(F::When)),
            ("place", C(F::Place)),
            ("country", Country),
            ("latitude", C(F::Lat)),
            ("longitude", C(F::Lon)),
            ("unit", C(F::Unit)),
            ("personsCount", C(F::Count)),
            ("outcome", C(F::Outcome)),
            ("description", C(F::Notes)),
            ("involved", E("person")),
            ("vehicle", E("vehicle")),
            ("vessel", E("vessel")),
        ],
    ),
];

const T_CROSSING: &[Ent] = &[
    PERSON,
    DOCUMENT,
    HOLDS,
    BIOMETRIC,
    ent(
        "prior_hit",
        "BiometricReference",
        &[
            ("system", C(F::Bio2Sys)),
            ("referenceId", C(F::Bio2Ref)),
            ("modality", L("fingerprint")),
            ("subject", E("person")),
        ],
    ),
    ent(
        "vehicle",
        "Vehicle",
        &[
            ("registrationNumber", C(F::Plate)),
            ("country", M(F::PlateCountry, Voc::Plate)),
        ],
    ),
    Ent {
        name: "facilitator",
        schema: "Person",
        props: &[
            ("name", C(F::FacName)),
            ("nationality", M(F::FacNat, Voc::Nat)),
            ("category", L("suspect")),
        ],
        prov: Some(("C3", true)),
    },
    ent("facilitator_phone", "Phone", &[("number", C(F::FacPhone))]),
    ent(
        "facilitator_uses",
        "Uses",
        &[("user", E("facilitator")), ("object", E("facilitator_phone"))],
    ),
    ent(
        "crossing",
        "BorderCrossing",
        &[
            ("date", C(F::When)),
            ("place", C(F::Place)),
            ("country", Country),
            ("latitude", C(F::Lat)),
            ("longitude", C(F::Lon)),
            ("direction", M(F::Direction, Voc::Direction)),
            ("mode", C(F::Mode)),
            ("description", C(F::Notes)),
            ("involved", E("person")),
            ("document", E("document")),
            ("vehicle", E("vehicle")),
        ],
    ),
    ent(
        "organised",
        "Organised",
        &[
            ("organiser", E("facilitator")),
            ("event", E("crossing")),
            ("role", L("named as facilitator in debriefing")),
        ],
    ),
];

const T_PHONEDUMP: &[Ent] = &[
    ent(
        "owner",
        "Person",
        &[("name", C(F::OwnerName)), ("category", L("suspect"))],
    ),
    ent(
        "owner_phone",
        "Phone",
        &[("number", C(F::OwnerPhone)), ("imei", C(F::OwnerImei))],
    ),
    ent(
        "owner_uses",
        "Uses",
        &[("user", E("owner")), ("object", E("owner_phone"))],
    ),
    ent(
        "contact",
        "Person",
        &[("name", C(F::ContactName)), ("category", L("contact_or_associate"))],
    ),
    ent("contact_phone", "Phone", &[("number", C(F::ContactPhone))]),
    ent(
        "contact_uses",
        "Uses",
        &[
            ("user", E("contact")),
            ("object", E("contact_phone")),
            ("role", L("number saved under this name")),
        ],
    ),
    ent(
        "associate",
        "Associate",
        &[
            ("person", E("owner")),
            ("associate", E("contact")),
            ("relationship", L("phone contact")),
            ("startDate", C(F::FirstSeen)),
            ("endDate", C(F::LastSeen)),
            ("description", C(F::CallCount)),
        ],
    ),
];

const T_CALLS: &[Ent] = &[
    ent("caller", "Phone", &[("number", C(F::Phone)), ("imei", C(F::Imei))]),
    ent("callee", "Phone", &[("number", C(F::CalleeNo))]),
    ent(
        "call",
        "UnknownLink",
        &[
            ("subject", E("caller")),
            ("object", E("callee")),
            ("role", L("call")),
            ("startDate", C(F::When)),
            ("description", C(F::Duration)),
        ],
    ),
];

const T_PAYMENT: &[Ent] = &[
    ent(
        "payer",
        "Person",
        &[
            ("name", C(F::PayerName)),
            ("nationality", M(F::PayerNat, Voc::Nat)),
            ("category", M(F::PayerCat, Voc::Cat)),
        ],
    ),
    ent("payer_phone", "Phone", &[("number", C(F::PayerPhone))]),
    ent(
        "payer_uses",
        "Uses",
        &[("user", E("payer")), ("object", E("payer_phone"))],
    ),
    ent(
        "beneficiary",
        "Person",
        &[("name", C(F::BenName)), ("category", M(F::BenCat, Voc::Cat))],
    ),
    ent("beneficiary_phone", "Phone", &[("number", C(F::BenPhone))]),
    ent(
        "beneficiary_uses",
        "Uses",
        &[("user", E("beneficiary")), ("object", E("beneficiary_phone"))],
    ),
    ent(
        "agent",
        "Organization",
        &[
            ("name", C(F::AgentName)),
            ("country", C(F::AgentCountry)),
            ("registrationNumber", C(F::AgentReg)),
            ("sector", C(F::AgentType)),
        ],
    ),
    ent(
        "payment",
        "Payment",
        &[
            ("date", C(F::When)),
            ("place", C(F::Place)),
            ("country", Country),
            ("amount", C(F::Amount)),
            ("currency", C(F::Currency)),
            ("method", C(F::Method)),
            ("purpose", C(F::Purpose)),
            ("description", C(F::Notes)),
            ("payer", E("payer")),
            ("beneficiary", E("beneficiary")),
            ("agent", E("agent")),
        ],
    ),
];

const T_SIGHTING: &[Ent] = &[
    ent(
        "vehicle",
        "Vehicle",
        &[
            ("registrationNumber", C(F::Plate)),
            ("country", M(F::PlateCountry, Voc::Plate)),
            ("type", C(F::VehType)),
        ],
    ),
    VESSEL,
    ent(
        "sighting",
        "Sighting",
        &[
            ("date", C(F::When)),
            ("place", C(F::Place)),
            ("country", Country),
            ("latitude", C(F::Lat)),
            ("longitude", C(F::Lon)),
            ("platform", M(F::Platform, Voc::Platform)),
            ("personsCount", C(F::Count)),
            ("description", C(F::Notes)),
            ("vehicle", E("vehicle")),
            ("vessel", E("vessel")),
        ],
    ),
];

const T_ARREST: &[Ent] = &[
    PERSON,
    PHONE,
    USES_PHONE,
    ent(
        "document",
        "TravelDocument",
        &[
            ("number", C(F::DocNo)),
            ("type", M(F::DocType, Voc::DocType)),
            ("country", C(F::DocCountry)),
        ],
    ),
    HOLDS,
    ent(
        "arrest",
        "Arrest",
        &[
            ("date", C(F::When)),
            ("place", C(F::Place)),
            ("country", Country),
            ("latitude", C(F::Lat)),
            ("longitude", C(F::Lon)),
            ("charge", C(F::Charge)),
            ("description", C(F::Notes)),
            ("involved", E("person")),
        ],
    ),
];

const T_TRAVEL: &[Ent] = &[
    PERSON,
    ent(
        "document",
        "TravelDocument",
        &[
            ("number", C(F::DocNo)),
            ("type", M(F::DocType, Voc::DocType)),
            ("country", C(F::DocCountry)),
            ("endDate", C(F::DocExpiry)),
        ],
    ),
    HOLDS,
    ent(
        "agency",
        "Organization",
        &[
            ("name", C(F::AgencyName)),
            ("country", C(F::AgencyCountry)),
            ("registrationNumber", C(F::AgencyReg)),
            ("stateLinked", M(F::StateLinked, Voc::YesNo)),
            ("sector", L("travel agency")),
        ],
    ),
    ent(
        "customer",
        "UnknownLink",
        &[
            ("subject", E("person")),
            ("object", E("agency")),
            ("role", L("booked through the agency")),
            ("startDate", C(F::Booking)),
            ("description", C(F::Flight)),
        ],
    ),
    ent(
        "employee",
        "Person",
        &[
            ("name", C(F::FacName)),
            ("category", L("contact_or_associate")),
            ("role", Pa(F::FacRole)),
        ],
    ),
    ent(
        "membership",
        "Membership",
        &[
            ("member", E("employee")),
            ("organization", E("agency")),
            ("role", C(F::FacRole)),
        ],
    ),
];

fn template(kind: Kind) -> &'static [Ent] {
    match kind {
        Kind::Intercept => T_INTERCEPT,
        Kind::Crossing => T_CROSSING,
        Kind::PhoneDump => T_PHONEDUMP,
        Kind::Calls => T_CALLS,
        Kind::Payment => T_PAYMENT,
        Kind::Sighting => T_SIGHTING,
        Kind::Arrest => T_ARREST,
        Kind::Travel => T_TRAVEL,
    }
}

fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn map_pairs(spec: &Spec, voc: Voc) -> Vec<(String, String)> {
    let v = vocab(spec.lang());
    let pairs = |words: &[&str], canon: &[&str]| -> Vec<(String, String)> {
        words
            .iter()
            .zip(canon)
            .filter(|(w, c)| !w.eq_ignore_ascii_case(c))
            .map(|(w, c)| (w.to_string(), c.to_string()))
            .collect()
    };
    match voc {
        Voc::Nat => nationality_map(spec.nat)
            .into_iter()
            .map(|(w, c)| (w, c.to_string()))
            .collect(),
        Voc::Gender => pairs(&v.gender, &GENDER),
        Voc::Cat => pairs(&v.cat, &CAT),
        Voc::DocType => pairs(&v.doc_type, &DOC_TYPE),
        Voc::Status => pairs(&v.status, &STATUS),
        Voc::Direction => pairs(&v.direction, &DIRECTION),
        Voc::Platform => pairs(&v.platform, &PLATFORM),
        Voc::YesNo => pairs(&v.yes_no, &YES_NO),
        Voc::Modality => pairs(&v.modality, &MODALITY),
        Voc::Plate => PLATE_SIGN_MAP
            .iter()
            .map(|(w, c)| (w.to_string(), c.to_string()))
            .collect(),
    }
}

/// The columns holding the subject's name, in the order they are joined.
fn name_columns(spec: &Spec) -> Vec<F> {
    if spec.has(F::Full) {
        return vec![F::Full];
    }
    let mut cols = vec![F::Given];
    if spec.ag == Ag::Bg {
        cols.push(F::Father);
    }
    if spec.surname_first {
        cols.insert(0, F::Surname);
    } else {
        cols.push(F::Surname);
    }
    cols.into_iter().filter(|f| spec.has(*f)).collect()
}

/// The mapping text of a file, and the names of the entities it maps.
pub fn mapping(spec: &Spec) -> (String, Vec<&'static str>) {
    let agency = spec.agency();
    let mut used: Vec<F> = vec![F::RecId];
    let mut included: Vec<&'static str> = Vec::new();
    let mut body = String::new();
    for e in template(spec.kind) {
        let Some(schema) = schema(e.schema) else { continue };
        let mut lines = Vec::new();
        let mut cols = Vec::new();
        let mut mapped = Vec::new();
        for (prop, v) in e.props {
            let line = match *v {
                C(f) | Pa(f) | M(f, _) if !spec.has(f) => None,
                C(f) => {
                    cols.push(f);
                    let split = if f.multi() && spec.delim.is_some() {
                        ", split = \"|\""
                    } else {
                        ""
                    };
                    Some(format!("column = {}{split}", q(spec.col(f).unwrap_or_default())))
                }
                Pa(f) => {
                    cols.push(f);
                    Some(format!(
                        "column = {}, assessment = \"personal_assessment\"",
                        q(spec.col(f).unwrap_or_default())
                    ))
                }
                M(f, voc) => {
                    cols.push(f);
                    let pairs = map_pairs(spec, voc);
                    let map = if pairs.is_empty() {
                        String::new()
                    } else {
                        let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{} = {}", q(k), q(v))).collect();
                        format!(", map = {{ {} }}", inner.join(", "))
                    };
                    Some(format!("column = {}{map}", q(spec.col(f).unwrap_or_default())))
                }
                Name => {
                    let names = name_columns(spec);
                    cols.extend(&names);
                    match names.as_slice() {
                        [] => None,
                        [one] => Some(format!("column = {}", q(spec.col(*one).unwrap_or_default()))),
                        many => {
                            let list: Vec<String> = many.iter().map(|f| q(spec.col(*f).unwrap_or_default())).collect();
                            Some(format!("columns = [{}], join = \" \"", list.join(", ")))
                        }
                    }
                }
                L(text) => Some(format!("literal = {}", q(text))),
                E(target) => included.contains(&target).then(|| format!("entity = {}", q(target))),
                Country => {
                    if spec.has(F::EvCountry) {
                        cols.push(F::EvCountry);
                        Some(format!("column = {}", q(spec.col(F::EvCountry).unwrap_or_default())))
                    } else {
                        Some(format!("literal = {}", q(agency.country)))
                    }
                }
            };
            if let Some(line) = line {
                lines.push(format!("{prop} = {{ {line} }}"));
                mapped.push(*prop);
            }
        }
        let has_column = !cols.is_empty() || schema.edge.is_some();
        let required_ok = schema.required.iter().all(|r| mapped.contains(r));
        let any_ok = schema.required_any.is_empty() || schema.required_any.iter().any(|r| mapped.contains(r));
        if !(has_column && required_ok && any_ok) {
            continue;
        }
        used.extend(cols);
        included.push(e.name);
        let _ = writeln!(body, "\n[entities.{}]\nschema = {}", e.name, q(e.schema));
        let _ = writeln!(body, "[entities.{}.properties]", e.name);
        for l in lines {
            let _ = writeln!(body, "{l}");
        }
        if let Some((grading, personal)) = e.prov {
            let _ = writeln!(body, "[entities.{}.provenance]\ngrading = {}", e.name, q(grading));
            if personal {
                let _ = writeln!(body, "assessment = \"personal_assessment\"");
            }
        }
    }

    let mut head = String::new();
    let _ = writeln!(head, "\n[dataset]\nname = {}", q(spec.dataset));
    match spec.delim {
        Some(d) => {
            let d = if d == b'\t' {
                "tab".to_string()
            } else {
                char::from(d).to_string()
            };
            let _ = writeln!(head, "format = \"csv\"\ndelimiter = {}", q(&d));
        }
        None => {
            let _ = writeln!(head, "format = \"jsonl\"");
        }
    }
    let rid: Vec<String> = [F::RecId, F::EntryNo]
        .iter()
        .filter(|f| spec.has(**f))
        .map(|f| q(spec.col(*f).unwrap_or_default()))
        .collect();
    used.push(F::EntryNo);
    let rid = if rid.len() == 1 {
        rid[0].clone()
    } else {
        format!("[{}]", rid.join(", "))
    };
    let _ = writeln!(head, "record_id = {rid}");
    let formats: Vec<String> = [spec.dt, spec.d, spec.ym]
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| q(f))
        .collect();
    if !formats.is_empty() {
        let _ = writeln!(head, "date_formats = [{}]", formats.join(", "));
    }
    let _ = writeln!(
        head,
        "\n[source]\nagency = {}\ncountry = {}\nname = {}",
        q(agency.id),
        q(agency.country),
        q(agency.name)
    );
    if !spec.unit.is_empty() {
        let _ = writeln!(head, "unit = {}", q(spec.unit));
    }
    let _ = writeln!(head, "\n[defaults]");
    match spec.col(F::Grading) {
        Some(c) => {
            used.push(F::Grading);
            let _ = writeln!(head, "grading = {{ column = {} }}", q(c));
        }
        None => {
            let _ = writeln!(head, "grading = {}", q(spec.grading));
        }
    }
    let _ = writeln!(head, "handling = {}", q(spec.handling));
    if let Some(r) = spec.restriction {
        let _ = writeln!(head, "restriction = {}", q(r));
    }
    if let Some(t) = spec.tlp {
        let _ = writeln!(head, "tlp = {}", q(t));
    }
    let mut ignore: Vec<String> = Vec::new();
    for (f, name) in spec.cols {
        if used.contains(f) {
            continue;
        }
        let name = if spec.delim.is_none() {
            name.split('.').next().unwrap_or(name)
        } else {
            name
        };
        let top_used = spec.delim.is_none()
            && spec
                .cols
                .iter()
                .any(|(g, n)| used.contains(g) && n.split('.').next() == Some(name));
        if !top_used && !ignore.iter().any(|i| i == name) {
            ignore.push(name.to_string());
        }
    }
    // Top-level keys must precede the first table header in TOML.
    let mut top = format!(
        "# Mapping of {} ({}), written by corridor-synth: synthetic data, no real persons.\n",
        spec.file, agency.name
    );
    if !ignore.is_empty() {
        let list: Vec<String> = ignore.iter().map(|i| q(i)).collect();
        let _ = writeln!(
            top,
            "ignore = [{}]  # columns present in the file that are deliberately not ingested",
            list.join(", ")
        );
    }
    (top + &head + &body, included)
}

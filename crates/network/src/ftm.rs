//! FollowTheMoney entities (one JSON object per line) for Aleph and the other
//! tools of that ecosystem: the exported parties, the relations and events behind
//! their links, and the things they use.
//!
//! Our schemata are close to FtM's but not the same, so each is mapped explicitly
//! (property names and types checked against followthemoney 4.11's model, and the
//! demo's output against `ftm validate` and a strict check with the model's
//! required properties and ranges in `bench/graph/validate_exports.sh`, run by CI):
//! - a party is one FtM `Person` or `Organization` per identity, its records'
//!   values merged; phones and e-mail addresses it uses become its `phone` and
//!   `email` properties (FtM has no phone entity);
//! - travel documents become `Passport` (holder from `Holds`), vehicles, vessels,
//!   bank accounts and addresses keep their schema;
//! - associations, family and memberships keep theirs; `Uses` of a vehicle, vessel,
//!   account or address becomes an `UnknownLink` with role `uses`; a payment (event
//!   or relation) becomes `Payment`; crossings, interceptions, arrests and sightings
//!   become `Event` with the parties as `involved`, and the vehicle or vessel of an
//!   event an `UnknownLink` from it (role `vehicle`, `vessel`); an event's travel
//!   documents are not linked, since a `Passport` is an Interval, not the `Thing`
//!   an UnknownLink's ends must be, and FtM has no property for them;
//! - every reference is checked against its FtM property's range, and every
//!   entity carries what its schema requires (`name` of persons, organisations,
//!   vessels and events, taken from name parts, numbers or place when the records
//!   have no name; `holder` and `number` of passports); what still lacks it is
//!   left out, and so is what refers to it, so no reference dangles;
//! - countries become ISO alpha-2 lower case, date-times are cut to what FtM
//!   dates hold (`YYYY-MM-DDTHH:MM`);
//! - ids become `corridor-` and the first 20 bytes of the SHA-256 of our id in hex:
//!   FtM ids may hold only letters, digits, dots and dashes, and ours hold colons
//!   and slashes. Relations and events keep our id as `recordId`.
//!
//! Only what the reader's filter left in the graph is exported: a relation or event
//! whose evidence was filtered out is not written. Victims and witnesses are written
//! with a placeholder name and nothing else unless their names were asked for.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use corridor_model::EntityEvidence;
use corridor_model::country::{to_alpha2, to_alpha3};
use serde_json::{Value, json};

use crate::build::InvestigationGraph;

/// Our property → FtM property, per our schema, and the FtM schema.
fn mapping(schema: &str) -> Option<(&'static str, &'static [(&'static str, &'static str)])> {
    Some(match schema {
        "Person" => (
            "Person",
            &[
                ("name", "name"),
                ("firstName", "firstName"),
                ("middleName", "middleName"),
                ("lastName", "lastName"),
                ("fatherName", "fatherName"),
                ("motherName", "motherName"),
                ("alias", "alias"),
                ("birthDate", "birthDate"),
                ("birthPlace", "birthPlace"),
                ("nationality", "nationality"),
                ("gender", "gender"),
                ("idNumber", "idNumber"),
            ],
        ),
        "Organization" => (
            "Organization",
            &[
                ("name", "name"),
                ("alias", "alias"),
                ("country", "country"),
                ("registrationNumber", "registrationNumber"),
                ("phone", "phone"),
                ("email", "email"),
            ],
        ),
        "TravelDocument" => (
            "Passport",
            &[
                ("number", "number"),
                ("country", "country"),
                ("birthDate", "birthDate"),
                ("gender", "gender"),
                ("authority", "authority"),
            ],
        ),
        "Vehicle" => (
            "Vehicle",
            &[
                ("registrationNumber", "registrationNumber"),
                ("model", "model"),
                ("type", "type"),
                ("country", "country"),
            ],
        ),
        "Vessel" => (
            "Vessel",
            &[
                ("name", "name"),
                ("imoNumber", "imoNumber"),
                ("mmsi", "mmsi"),
                ("flag", "flag"),
                ("registrationNumber", "registrationNumber"),
                ("type", "type"),
            ],
        ),
        "BankAccount" => (
            "BankAccount",
            &[
                ("iban", "iban"),
                ("accountNumber", "accountNumber"),
                ("bankName", "bankName"),
                ("swiftBic", "bic"),
                ("country", "country"),
            ],
        ),
        "Address" => (
            "Address",
            &[
                ("full", "full"),
                ("street", "street"),
                ("city", "city"),
                ("postalCode", "postalCode"),
                ("country", "country"),
            ],
        ),
        "Associate" => (
            "Associate",
            &[
                ("person", "person"),
                ("associate", "associate"),
                ("relationship", "relationship"),
                ("startDate", "startDate"),
                ("endDate", "endDate"),
            ],
        ),
        "Family" => (
            "Family",
            &[
                ("person", "person"),
                ("relative", "relative"),
                ("relationship", "relationship"),
                ("startDate", "startDate"),
                ("endDate", "endDate"),
            ],
        ),
        "Membership" => (
            "Membership",
            &[
                ("member", "member"),
                ("organization", "organization"),
                ("role", "role"),
                ("startDate", "startDate"),
                ("endDate", "endDate"),
            ],
        ),
        "UnknownLink" | "TravelledWith" | "Organised" => (
            "UnknownLink",
            &[
                ("subject", "subject"),
                ("object", "object"),
                ("person", "subject"),
                ("companion", "object"),
                ("organiser", "subject"),
                ("event", "object"),
                ("role", "role"),
                ("startDate", "startDate"),
                ("endDate", "endDate"),
            ],
        ),
        "Uses" => (
            "UnknownLink",
            &[
                ("user", "subject"),
                ("object", "object"),
                ("startDate", "startDate"),
                ("endDate", "endDate"),
            ],
        ),
        "Paid" | "Payment" => (
            "Payment",
            &[
                ("payer", "payer"),
                ("beneficiary", "beneficiary"),
                ("amount", "amount"),
                ("currency", "currency"),
                ("date", "date"),
                ("startDate", "startDate"),
                ("purpose", "purpose"),
            ],
        ),
        "BorderCrossing" | "Interception" | "Arrest" | "Sighting" => (
            "Event",
            &[
                ("date", "date"),
                ("place", "location"),
                ("country", "country"),
                ("description", "description"),
                ("involved", "involved"),
            ],
        ),
        _ => return None,
    })
}

/// Whether an entity of FtM schema `target` may be the value of `prop` of an FtM
/// `schema` entity: the property's range in followthemoney 4.11's model, with the
/// schemata this export writes (Passport and Payment are Intervals, not Things).
fn in_range(target: &str, schema: &str, prop: &str) -> bool {
    let legal_entity = matches!(target, "Person" | "Organization");
    match (schema, prop) {
        ("UnknownLink", "subject" | "object") => !matches!(target, "Passport" | "Payment"),
        ("Associate", "person" | "associate") | ("Family", "person" | "relative") => target == "Person",
        ("Membership", "organization") => target == "Organization",
        ("Membership", "member")
        | ("Payment", "payer" | "beneficiary")
        | ("Event", "involved" | "organizer")
        | ("Passport", "holder") => legal_entity,
        _ => true,
    }
}

/// The properties FtM requires of each schema written here (`required` in its
/// model is per schema, not inherited): an entity without them is not exported.
const REQUIRED: [(&str, &[&str]); 9] = [
    ("Associate", &["person", "associate"]),
    ("Family", &["person", "relative"]),
    ("Membership", &["member", "organization"]),
    ("UnknownLink", &["subject", "object"]),
    ("Payment", &["payer", "beneficiary"]),
    ("Passport", &["holder", "number"]),
    ("Person", &["name"]),
    ("Organization", &["name"]),
    ("Event", &["name"]),
];

/// Whether an FtM property of the schemata written here names another entity.
fn is_entity_prop(schema: &str, prop: &str) -> bool {
    matches!(
        (schema, prop),
        ("UnknownLink", "subject" | "object")
            | ("Associate", "person" | "associate")
            | ("Family", "person" | "relative")
            | ("Membership", "member" | "organization")
            | ("Payment", "payer" | "beneficiary")
            | ("Event", "involved" | "organizer")
            | ("Passport", "holder")
    )
}

/// Whether a property of our schema names another entity.
fn is_reference(schema: &str, prop: &str) -> bool {
    corridor_model::schema(schema)
        .and_then(|d| d.property(prop))
        .is_some_and(|p| matches!(p.ty, corridor_model::PropType::Entity(_)))
}

/// FtM country properties.
const COUNTRY_PROPS: [&str; 3] = ["country", "nationality", "flag"];

/// Cleans one value for its FtM property; `None` drops it.
fn ftm_value(prop: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if COUNTRY_PROPS.contains(&prop) {
        // Through alpha-3, which also reads MRZ codes (`D` is Germany); what maps
        // to no country is dropped rather than written as an invalid one.
        return to_alpha3(value).and_then(to_alpha2).map(|c| c.to_ascii_lowercase());
    }
    if prop == "phone" {
        // Stored phones are E.164 when they were valid at ingest and as received
        // otherwise; FtM takes only the former.
        let e164 = value
            .strip_prefix('+')
            .is_some_and(|d| (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()));
        return e164.then(|| value.to_string());
    }
    if prop == "email" {
        let ok = value.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        });
        return ok.then(|| value.to_string());
    }
    if matches!(prop, "date" | "startDate" | "endDate" | "birthDate") {
        // FtM dates go down to the minute.
        return Some(value.chars().take(16).collect());
    }
    if prop == "gender" {
        return matches!(value, "male" | "female" | "other").then(|| value.to_string());
    }
    Some(value.to_string())
}

/// An FtM-safe id for one of ours, the same on every export.
pub fn ftm_id(id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(id.as_bytes());
    format!("corridor-{}", hex::encode(&digest[..20]))
}

#[derive(Default)]
struct Out {
    entities: BTreeMap<String, (String, BTreeMap<String, BTreeSet<String>>)>,
}

impl Out {
    fn put(&mut self, id: &str, schema: &str, prop: &str, value: String) {
        self.entities
            .entry(id.to_string())
            .or_insert_with(|| (schema.to_string(), BTreeMap::new()))
            .1
            .entry(prop.to_string())
            .or_default()
            .insert(value);
    }

    fn ensure(&mut self, id: &str, schema: &str) {
        self.entities
            .entry(id.to_string())
            .or_insert_with(|| (schema.to_string(), BTreeMap::new()));
    }
}

/// The FtM entities for the parties `parties` (node numbers of `g`; all when
/// `None`), from the `entities` `g` was built from.
pub fn ftm(
    g: &InvestigationGraph,
    entities: &[EntityEvidence],
    identity_of: &HashMap<String, String>,
    parties: Option<&BTreeSet<u32>>,
    protected_names: bool,
) -> Vec<Value> {
    let identity = |id: &str| identity_of.get(id).cloned().unwrap_or_else(|| id.to_string());
    let selected = |v: u32| parties.is_none_or(|p| p.contains(&v));
    let party_of = |id: &str| g.node(id).filter(|&v| selected(v));
    // What the filtered graph still rests on.
    let mut allowed: BTreeSet<&str> = BTreeSet::new();
    for l in g.links.iter().filter(|l| selected(l.a) && selected(l.b)) {
        for e in &l.evidence {
            allowed.extend(e.entities.iter().map(String::as_str));
        }
    }
    for ev in &g.events {
        if ev.parties.iter().any(|&p| selected(p)) {
            allowed.insert(ev.id.as_str());
        }
    }
    let by_id: HashMap<&str, &EntityEvidence> = entities.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut out = Out::default();

    for (v, node) in g.nodes.iter().enumerate() {
        if !selected(v as u32) {
            continue;
        }
        let schema = if node.schema == "Organization" {
            "Organization"
        } else {
            "Person"
        };
        out.ensure(&node.id, schema);
        if node.is_protected() && !protected_names {
            let category = node
                .categories
                .iter()
                .find(|c| c.is_protected())
                .map_or("protected", |c| c.as_str());
            out.put(&node.id, schema, "name", format!("{category} #{v}"));
            continue;
        }
        let Some((_, props)) = mapping(&node.schema) else {
            continue;
        };
        for record in node.records.iter().filter_map(|r| by_id.get(r.as_str())) {
            for s in record.statements.iter() {
                if let Some((_, to)) = props.iter().find(|(from, _)| s.prop == *from)
                    && let Some(value) = ftm_value(to, &s.value)
                {
                    out.put(&node.id, schema, to, value);
                }
            }
        }
    }

    // Relations and events that survived the filter, and the things they name.
    let mut things: BTreeSet<String> = BTreeSet::new();
    for id in &allowed {
        let Some(e) = by_id.get(id) else { continue };
        let Some((to_schema, props)) = mapping(&e.schema) else {
            continue;
        };
        // A party reference is written as the party's identity; a thing's as its
        // identity; anything else is dropped, and so is a target outside the FtM
        // property's range (a Passport or Payment is no `Thing`). A person or
        // organisation that is not an exported party is never written as a thing:
        // it may be a victim outside the reader's selection.
        let reference =
            |target: &str, ftm_schema: &str, ftm_prop: &str, things: &mut BTreeSet<String>| -> Option<String> {
                if let Some(v) = party_of(target) {
                    let node = &g.nodes[v as usize];
                    let schema = if node.schema == "Organization" {
                        "Organization"
                    } else {
                        "Person"
                    };
                    return in_range(schema, ftm_schema, ftm_prop).then(|| ftm_id(&node.id));
                }
                let t = by_id.get(target)?;
                match &*t.schema {
                    "Phone" | "Email" | "BiometricReference" | "Person" | "Organization" => None,
                    _ => {
                        let (target_schema, _) = mapping(&t.schema)?;
                        if !in_range(target_schema, ftm_schema, ftm_prop) {
                            return None;
                        }
                        things.insert(t.id.clone());
                        Some(ftm_id(&identity(&t.id)))
                    }
                }
            };
        if e.schema == "Uses" {
            // Phones and e-mail addresses are properties of their user in FtM.
            let users: Vec<String> = e
                .values("user")
                .into_iter()
                .filter_map(|u| party_of(u).map(|v| g.nodes[v as usize].id.clone()))
                .collect();
            let protected = |id: &String| g.node(id).is_some_and(|v| g.nodes[v as usize].is_protected());
            let mut handled = false;
            for object in e.values("object") {
                let Some(t) = by_id.get(object) else { continue };
                let prop = match &*t.schema {
                    "Phone" => "phone",
                    "Email" => "email",
                    _ => continue,
                };
                handled = true;
                let key = if prop == "phone" { "number" } else { "address" };
                for user in users.iter().filter(|u| protected_names || !protected(u)) {
                    let schema = out
                        .entities
                        .get(user)
                        .map(|(s, _)| s.clone())
                        .unwrap_or_else(|| "Person".into());
                    for value in t.values(key) {
                        out.put(user, &schema, prop, value.to_string());
                    }
                }
            }
            if handled {
                continue;
            }
        }
        if e.schema == "Holds" {
            let holders: Vec<u32> = e.values("holder").into_iter().filter_map(&party_of).collect();
            // A victim's or witness's passport would name them: left out unless
            // their names were asked for.
            if !protected_names && holders.iter().any(|&h| g.nodes[h as usize].is_protected()) {
                continue;
            }
            for doc in e.values("document") {
                let Some(t) = by_id.get(doc) else { continue };
                things.insert(t.id.clone());
                for &holder in &holders {
                    out.put(
                        &identity(&t.id),
                        "Passport",
                        "holder",
                        ftm_id(&g.nodes[holder as usize].id),
                    );
                }
            }
            continue;
        }
        let mut written = false;
        for s in e.statements.iter() {
            let Some((_, to)) = props.iter().find(|(from, _)| s.prop == *from) else {
                continue;
            };
            let value = if is_reference(&e.schema, &s.prop) {
                reference(&s.value, to_schema, to, &mut things)
            } else {
                ftm_value(to, &s.value)
            };
            if let Some(value) = value {
                out.put(&e.id, to_schema, to, value);
                written = true;
            }
        }
        if written {
            out.put(&e.id, to_schema, "recordId", e.id.clone());
        }
        if written && to_schema == "Event" {
            // The vehicles and boats of an event: FtM's Event has no property for
            // them, so each is an UnknownLink from the event. Its travel
            // documents are not linked: a Passport is no `Thing`, the range of
            // an UnknownLink's ends, and FtM has no link from an event to one.
            for prop in ["vehicle", "vessel"] {
                for target in e.values(prop) {
                    if let Some(object) = reference(target, "UnknownLink", "object", &mut things) {
                        let link = format!("{}:{prop}:{target}", e.id);
                        out.put(&link, "UnknownLink", "subject", ftm_id(&e.id));
                        out.put(&link, "UnknownLink", "object", object);
                        out.put(&link, "UnknownLink", "role", prop.to_string());
                        out.put(&link, "UnknownLink", "recordId", e.id.clone());
                    }
                }
            }
            out.put(
                &e.id,
                to_schema,
                "name",
                format!("{} {}", e.schema, e.values("place").first().copied().unwrap_or(""))
                    .trim()
                    .to_string(),
            );
        }
        if written && e.schema == "Uses" {
            out.put(&e.id, to_schema, "role", "uses".to_string());
        }
    }
    for id in things {
        let Some(t) = by_id.get(id.as_str()) else { continue };
        let Some((to_schema, props)) = mapping(&t.schema) else {
            continue;
        };
        let key = identity(&t.id);
        out.ensure(&key, to_schema);
        for s in t.statements.iter() {
            // A thing's own references (an event's parties) are written only where
            // the thing itself passed the filter, above.
            if is_reference(&t.schema, &s.prop) {
                continue;
            }
            if let Some((_, to)) = props.iter().find(|(from, _)| s.prop == *from)
                && let Some(value) = ftm_value(to, &s.value)
            {
                out.put(&key, to_schema, to, value);
            }
        }
    }
    // Names FtM requires: a party known only by its parts, a boat only by its
    // numbers, an event reached only as the object of a link.
    for (schema, props) in out.entities.values_mut() {
        if props.contains_key("name") {
            continue;
        }
        let first = |keys: &[&str]| keys.iter().find_map(|k| props.get(*k).and_then(|v| v.first().cloned()));
        let name = match schema.as_str() {
            "Person" | "Organization" => {
                let parts: Vec<String> = ["firstName", "middleName", "lastName"]
                    .iter()
                    .filter_map(|k| props.get(*k).and_then(|v| v.first().cloned()))
                    .collect();
                (!parts.is_empty())
                    .then(|| parts.join(" "))
                    .or_else(|| first(&["alias", "idNumber", "registrationNumber"]))
                    .unwrap_or_else(|| format!("unnamed {}", schema.to_lowercase()))
            }
            "Vessel" => first(&["imoNumber", "mmsi", "registrationNumber"]).unwrap_or_else(|| "unnamed vessel".into()),
            "Event" => first(&["location"]).map_or_else(|| "event".into(), |place| format!("event {place}")),
            _ => continue,
        };
        props.entry("name".into()).or_default().insert(name);
    }
    // Entities without what FtM requires are dropped, and then whatever refers to
    // a dropped one, until nothing changes: no dangling reference is written.
    loop {
        let before = out.entities.len();
        out.entities.retain(|_, (schema, props)| {
            REQUIRED
                .iter()
                .find(|(s, _)| s == schema)
                .is_none_or(|(_, needs)| needs.iter().all(|p| props.get(*p).is_some_and(|v| !v.is_empty())))
        });
        let kept: BTreeSet<String> = out.entities.keys().map(|id| ftm_id(id)).collect();
        for (schema, props) in out.entities.values_mut() {
            for (prop, values) in props.iter_mut() {
                if is_entity_prop(schema, prop) {
                    values.retain(|v| kept.contains(v));
                }
            }
            props.retain(|_, v| !v.is_empty());
        }
        out.entities.retain(|_, (schema, props)| {
            REQUIRED
                .iter()
                .find(|(s, _)| s == schema)
                .is_none_or(|(_, needs)| needs.iter().all(|p| props.contains_key(*p)))
        });
        if out.entities.len() == before {
            break;
        }
    }
    out.entities
        .into_iter()
        .map(|(id, (schema, props))| {
            let properties: BTreeMap<String, Vec<String>> =
                props.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect();
            json!({ "id": ftm_id(&id), "schema": schema, "properties": properties })
        })
        .collect()
}

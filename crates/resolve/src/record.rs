//! What resolution compares: one record (a Person entity of one source row) with
//! the selectors the same row links to it, and the features computed once from it.

use corridor_model::{DataSubjectCategory, PartialDate};
use std::sync::Arc;

use corridor_normalize::NameKeys;
use serde::{Deserialize, Serialize};

/// A person as one source row describes them. Values are as stored (selectors are
/// already canonical: E.164 phones, compact document numbers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The Person entity id, `dataset:record:name`.
    pub id: String,
    /// The data set (one agency's file layout), for link-only runs and reports.
    pub dataset: String,
    /// The agency that supplied it and the record's id in that agency's system.
    pub agency: String,
    pub source_record: String,
    /// Full names as written (`name`, and `alias`).
    pub names: Vec<String>,
    pub given: Option<String>,
    pub surname: Option<String>,
    /// ISO date with its precision (`1987`, `1987-04`, `1987-04-12`).
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    pub nationality: Option<String>,
    pub phones: Vec<String>,
    pub documents: Vec<String>,
    /// Biometric references (`system:reference`): a fingerprint hit is one person.
    pub biometrics: Vec<String>,
    /// A postal address as one text (street, number, town, postcode …).
    pub address: Option<String>,
    pub category: Option<DataSubjectCategory>,
}

/// The features of a record, computed once.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// Keys of the full name (given + surname when there is no full name), shared
    /// by every record spelling the name alike.
    pub name: Option<Arc<NameKeys>>,
    /// Consonant skeletons of the surname and of the given names (every spelling),
    /// for blocking: only the keys are kept, as a million records' full name keys
    /// three times over were most of a run's memory.
    pub surname_skeletons: Vec<String>,
    pub given_skeletons: Vec<String>,
    /// The birth date with placeholders read as what they are: `YYYY-01-01` as the
    /// year alone and the 1st of a month as the month alone. Registrations that do
    /// not know a day (asylum registrations above all) write the 1st, and the
    /// commonest of them, 1 January, would otherwise be one huge block and a "match"
    /// between strangers, or a "conflict" with the person's own true date.
    pub birth: Option<PartialDate>,
    pub sex: Option<char>,
    pub nationality: Option<String>,
    pub phones: Vec<String>,
    /// Document numbers with O/0 and I/1 read alike.
    pub documents: Vec<String>,
    pub biometrics: Vec<String>,
    /// The full name's consonant skeleton, tokens sorted (see `from_texts`): how
    /// common a name is. Two records named Mohammed Ahmad agree on their names as
    /// fully as one person's two records; how many records carry the name is what
    /// says how much that agreement is worth. (The surname alone was used before:
    /// "Kazem" is far commoner than "Hiba Kazem", and one person's records spelt
    /// alike lost four bits for it.)
    pub name_value: Option<String>,
    /// Address tokens, folded to Latin upper case, sorted.
    pub address: Vec<String>,
    /// One bit per first letter of an address word and per hashed number: two
    /// addresses with no bit in common have no token that could match, which most
    /// random pairs show at once.
    pub address_signature: u64,
}

/// Document numbers compared with O read as 0 and I as 1.
pub(crate) use corridor_normalize::ident::document_match_key as document_key;

/// Address tokens: letters and digits, Latin upper case, sorted and deduplicated.
fn address_tokens(a: &str) -> Vec<String> {
    let mut t: Vec<String> = a
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(any_ascii_upper)
        .filter(|t| !t.is_empty())
        .collect();
    t.sort_unstable();
    t.dedup();
    t
}

/// See [`Features::address_signature`]: words by their first byte (A–Z, anything
/// else on one bit), numbers by a hash of the whole number.
pub(crate) fn address_signature(tokens: &[String]) -> u64 {
    tokens.iter().fold(0, |sig, t| {
        let bit = if !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()) {
            26 + (t
                .bytes()
                .fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(u32::from(c)))
                % 37)
        } else {
            match t.as_bytes().first() {
                Some(&c @ b'A'..=b'Z') => u32::from(c - b'A'),
                _ => 63,
            }
        };
        sig | (1u64 << bit)
    })
}

fn any_ascii_upper(t: &str) -> String {
    any_ascii::any_ascii(t)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The `skeleton:` keys of a name, without the prefix.
fn skeleton_keys(keys: &NameKeys) -> Vec<String> {
    keys.keys
        .iter()
        .filter_map(|s| s.strip_prefix("skeleton:"))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The name texts of a record: the full name (or given + surname), and the given
/// names and surname (as recorded, or parsed from the full name).
struct NameTexts {
    full: Option<String>,
    given: Option<String>,
    surname: Option<String>,
}

impl NameTexts {
    fn of(r: &Record) -> NameTexts {
        let full = r
            .names
            .iter()
            .map(|n| n.trim())
            .find(|n| !n.is_empty())
            .map(str::to_string)
            .or_else(|| {
                let parts: Vec<&str> = [non_empty(&r.given), non_empty(&r.surname)]
                    .into_iter()
                    .flatten()
                    .collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            });
        let (given, surname) = match (non_empty(&r.given), non_empty(&r.surname)) {
            (g, Some(s)) => (g.map(str::to_string), Some(s.to_string())),
            (g, None) => match full.as_deref().map(corridor_normalize::parse_name) {
                Some(p) if !p.surname.is_empty() => (
                    (!p.given.is_empty())
                        .then(|| p.given.join(" "))
                        .or(g.map(str::to_string)),
                    Some(p.surname.join(" ")),
                ),
                _ => (g.map(str::to_string), None),
            },
        };
        NameTexts { full, given, surname }
    }

    /// The surname and given-names texts.
    fn parts(&self) -> impl Iterator<Item = &str> {
        [&self.given, &self.surname].into_iter().flatten().map(String::as_str)
    }
}

/// Keys of full names, computed once per distinct text and shared.
type KeyCache = std::collections::HashMap<String, Arc<NameKeys>>;

/// What features keep of a surname or given-names text, once per distinct text.
type PartCache = std::collections::HashMap<String, NamePart>;

/// What features keep of a surname or given-names text: its consonant skeletons
/// (blocking keys). Its full name keys are dropped: kept for every distinct surname
/// and given name, they were most of the features' memory.
#[derive(Debug, Clone, Default)]
struct NamePart {
    skeletons: Vec<String>,
}

impl NamePart {
    fn of(text: &str) -> NamePart {
        let keys = corridor_normalize::keys(text);
        NamePart {
            skeletons: skeleton_keys(&keys),
        }
    }
}

/// Features of records one at a time, name keys shared as [`Features::of_all`]
/// shares them (the same features): for a caller that gets records as a stream and
/// can compute their features on the way (resolution does so on a second thread
/// while the store is still being read).
#[derive(Default)]
pub struct FeatureBuilder {
    names: KeyCache,
    parts: PartCache,
}

impl FeatureBuilder {
    pub fn features(&mut self, r: &Record) -> Features {
        let texts = NameTexts::of(r);
        if let Some(t) = &texts.full
            && !self.names.contains_key(t)
        {
            self.names.insert(t.clone(), Arc::new(corridor_normalize::keys(t)));
        }
        for t in texts.parts() {
            if !self.parts.contains_key(t) {
                self.parts.insert(t.to_string(), NamePart::of(t));
            }
        }
        Features::from_texts(r, &texts, &self.names, &self.parts)
    }
}

impl Features {
    pub fn of(r: &Record) -> Features {
        FeatureBuilder::default().features(r)
    }

    /// The features of many records, each distinct name text keyed once and shared:
    /// at a million records names repeat (the same person recorded again, common
    /// names), and the keys were most of the features' time and memory.
    pub fn of_all(records: &[Record]) -> Vec<Features> {
        use rayon::prelude::*;
        let texts: Vec<NameTexts> = records.par_iter().map(NameTexts::of).collect();
        let distinct = |texts: &mut Vec<&str>| {
            texts.par_sort_unstable();
            texts.dedup();
        };
        let mut full: Vec<&str> = texts.iter().filter_map(|t| t.full.as_deref()).collect();
        distinct(&mut full);
        let names: KeyCache = full
            .par_iter()
            .map(|t| (t.to_string(), Arc::new(corridor_normalize::keys(t))))
            .collect();
        let mut parts: Vec<&str> = texts.iter().flat_map(NameTexts::parts).collect();
        distinct(&mut parts);
        let parts: PartCache = parts.par_iter().map(|t| (t.to_string(), NamePart::of(t))).collect();
        records
            .par_iter()
            .zip(texts.par_iter())
            .map(|(r, t)| Features::from_texts(r, t, &names, &parts))
            .collect()
    }

    fn from_texts(r: &Record, texts: &NameTexts, names: &KeyCache, parts: &PartCache) -> Features {
        let name = texts
            .full
            .as_deref()
            .and_then(|t| names.get(t))
            .filter(|k| !k.tokens.is_empty())
            .cloned();
        let part = |t: &Option<String>| t.as_deref().and_then(|t| parts.get(t));
        let (surname, given) = (part(&texts.surname), part(&texts.given));
        // The name's first skeleton (tokens sorted): one value for the spellings and
        // scripts of one name, whose frequency is the name's term frequency.
        let name_value = name.as_ref().and_then(|k| {
            k.keys
                .iter()
                .find_map(|key| key.strip_prefix("skeleton:"))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        });
        let mut documents: Vec<String> = r
            .documents
            .iter()
            .map(|d| document_key(d))
            .filter(|d| !d.is_empty())
            .collect();
        documents.sort_unstable();
        documents.dedup();
        let mut phones: Vec<String> = r
            .phones
            .iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        phones.sort_unstable();
        phones.dedup();
        let mut biometrics = r.biometrics.clone();
        biometrics.sort_unstable();
        biometrics.dedup();
        let address = non_empty(&r.address).map(address_tokens).unwrap_or_default();
        Features {
            name,
            surname_skeletons: surname.map(|p| p.skeletons.clone()).unwrap_or_default(),
            given_skeletons: given.map(|p| p.skeletons.clone()).unwrap_or_default(),
            birth: non_empty(&r.birth_date)
                .and_then(|d| PartialDate::parse_iso(d.get(..10).unwrap_or(d)).ok())
                .map(without_placeholders),
            sex: non_empty(&r.sex).and_then(|s| match s.to_ascii_lowercase().chars().next() {
                Some('m') => Some('M'),
                Some('f') => Some('F'),
                _ => None,
            }),
            nationality: non_empty(&r.nationality)
                .map(|n| corridor_model::country::to_alpha3(n).map_or_else(|| n.to_ascii_uppercase(), str::to_string)),
            phones,
            documents,
            biometrics,
            name_value,
            address_signature: address_signature(&address),
            address,
        }
    }
}

/// A birth date without its placeholder parts (see [`Features::birth`]).
pub(crate) fn without_placeholders(d: PartialDate) -> PartialDate {
    match (d.month, d.day) {
        (Some(1), Some(1)) => PartialDate {
            month: None,
            day: None,
            ..d
        },
        (Some(_), Some(1)) => PartialDate { day: None, ..d },
        _ => d,
    }
}

/// The source row of an entity id (`dataset:record:name` → `dataset:record`).
fn row_of(id: &str) -> &str {
    id.rsplit_once(':').map(|(row, _)| row).unwrap_or_default()
}

/// Builds one record per Person entity, with the phones (`Uses` → Phone), travel
/// documents (`Holds` → TravelDocument, or a document in the same row when no
/// relation says whose it is and the row has one person) and biometric references
/// (`BiometricReference.subject`) linked to it. `entities` are the current entities
/// of one source row, as the store's bulk read (`entity_values_by_record`) hands them
/// over; anything else is ignored. Relations are looked up by searching the row in
/// order, which is cheap for a row's few entities and would not be for a whole store.
pub fn records_from_values(entities: &[corridor_model::EntityValues]) -> Vec<Record> {
    // A source row holds a few entities: lists searched in order cost less than
    // maps built for each row (a million rows at a million records).
    let by_id = |id: &str| entities.iter().find(|e| e.id == id);
    let first = |e: &corridor_model::EntityValues, p: &str| e.first(p).map(str::to_string);
    let owned = |e: &corridor_model::EntityValues, p: &str| e.values_of(p).map(str::to_string).collect::<Vec<_>>();
    let mut records: Vec<Record> = Vec::new();
    // (entity id, its record), and (source row, its persons' records).
    let mut index: Vec<(&str, usize)> = Vec::new();
    let mut persons_in_row: Vec<(&str, Vec<usize>)> = Vec::new();
    for e in entities.iter().filter(|e| e.schema == "Person") {
        let mut names = owned(e, "name");
        names.extend(e.values_of("alias").map(str::to_string));
        let mut documents = owned(e, "idNumber");
        documents.retain(|d| !d.is_empty());
        index.push((e.id.as_str(), records.len()));
        let row = row_of(&e.id);
        match persons_in_row.iter_mut().find(|(r, _)| *r == row) {
            Some((_, persons)) => persons.push(records.len()),
            None => persons_in_row.push((row, vec![records.len()])),
        }
        records.push(Record {
            id: e.id.clone(),
            dataset: e.dataset.to_string(),
            agency: e.agency.to_string(),
            source_record: e.record_id.clone(),
            names,
            given: first(e, "firstName"),
            surname: first(e, "lastName"),
            birth_date: first(e, "birthDate"),
            sex: first(e, "gender"),
            nationality: first(e, "nationality"),
            phones: Vec::new(),
            documents,
            biometrics: Vec::new(),
            address: first(e, "address"),
            category: e.first("category").and_then(|c| c.parse().ok()),
        });
    }
    let record_of = |id: &str| index.iter().find(|(e, _)| *e == id).map(|&(_, i)| i);
    let mut held_documents: Vec<&str> = Vec::new();
    for e in entities {
        match e.schema.as_ref() {
            "Uses" => {
                for user in e.values_of("user") {
                    let Some(i) = record_of(user) else { continue };
                    for object in e.values_of("object") {
                        if let Some(o) = by_id(object).filter(|o| o.schema == "Phone") {
                            records[i].phones.extend(o.values_of("number").map(str::to_string));
                        }
                    }
                }
            }
            "Holds" => {
                for holder in e.values_of("holder") {
                    let Some(i) = record_of(holder) else { continue };
                    for doc in e.values_of("document") {
                        if let Some(d) = by_id(doc).filter(|d| d.schema == "TravelDocument") {
                            held_documents.push(d.id.as_str());
                            records[i].documents.extend(d.values_of("number").map(str::to_string));
                        }
                    }
                }
            }
            "BiometricReference" => {
                for subject in e.values_of("subject") {
                    let Some(i) = record_of(subject) else { continue };
                    let system = e.first("system").unwrap_or_default();
                    for r in e.values_of("referenceId") {
                        records[i].biometrics.push(format!("{system}:{r}"));
                    }
                }
            }
            _ => {}
        }
    }
    // A document no relation assigns, in a row with exactly one person, is theirs.
    for e in entities
        .iter()
        .filter(|e| e.schema == "TravelDocument" && !held_documents.contains(&e.id.as_str()))
    {
        let row = row_of(&e.id);
        if let Some((_, persons)) = persons_in_row.iter().find(|(r, _)| *r == row)
            && let [only] = persons.as_slice()
        {
            records[*only]
                .documents
                .extend(e.values_of("number").map(str::to_string));
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built one record at a time, features are those of the batch, name keys shared
    /// between records that spell a name alike as the batch shares them.
    #[test]
    fn features_built_one_at_a_time_equal_the_batchs() {
        let person = |id: &str, name: &str, surname: Option<&str>, phone: &str| Record {
            id: id.into(),
            names: vec![name.into()],
            surname: surname.map(String::from),
            birth_date: Some("1990-03-07".into()),
            phones: vec![phone.into()],
            documents: vec!["AB1O2I34".into()],
            address: Some("12 Knez Mihailova, Beograd".into()),
            ..Record::default()
        };
        let records = vec![
            person("a", "Marko Djordjevic", Some("Djordjevic"), "+381601234567"),
            person("b", "Ђорђевић Марко", None, " +381601234567 "),
            person("c", "Marko Djordjevic", Some("Djordjevic"), ""),
            person("d", "", None, "+381609999999"),
        ];
        let batch = Features::of_all(&records);
        let mut builder = FeatureBuilder::default();
        let streamed: Vec<Features> = records.iter().map(|r| builder.features(r)).collect();
        assert_eq!(streamed, batch);
        let (Some(a), Some(c)) = (&streamed[0].name, &streamed[2].name) else {
            panic!("both records have a name");
        };
        assert!(Arc::ptr_eq(a, c), "one spelling, one set of keys");
    }

    /// Placeholder birth dates are neither full dates nor matches as such.
    #[test]
    fn placeholder_birth_dates_are_not_full_dates() {
        let born = |d: &str| {
            Features::of(&Record {
                id: "x".into(),
                birth_date: Some(d.into()),
                sex: Some("m".into()),
                ..Record::default()
            })
        };
        let as_text = |d: &str| born(d).birth.map(|b| b.to_string());
        assert_eq!(as_text("1990-01-01").as_deref(), Some("1990"));
        assert_eq!(as_text("1990-05-01").as_deref(), Some("1990-05"));
        assert_eq!(as_text("1990-01-15").as_deref(), Some("1990-01-15"));
        assert_eq!(as_text("1990").as_deref(), Some("1990"));
        // Registrations on 1 January a few years apart do not conflict (only the
        // years are compared, as for any year-only date), and two on 1 January of
        // one year are not an exact match.
        assert!(!crate::compare::hard_conflict(&born("1990-01-01"), &born("1988-01-01")));
        assert!(!crate::compare::hard_conflict(&born("1990-01-01"), &born("1988-11-20")));
        assert!(crate::compare::hard_conflict(&born("1990-01-01"), &born("1958-11-20")));
        assert!(crate::compare::hard_conflict(&born("1990-03-07"), &born("1975-11-20")));
        let same = crate::compare::Attribute::BirthDate.level(&born("1990-01-01"), &born("1990-01-01"));
        assert_ne!(same, 1, "a placeholder is not an exact date match");
    }

    fn entity(id: &str, schema: &'static str, values: &[(&'static str, &str)]) -> corridor_model::EntityValues {
        let record = id.split(':').nth(1).unwrap_or_default();
        corridor_model::EntityValues {
            id: id.into(),
            schema: schema.into(),
            dataset: "rs-bp".into(),
            agency: "RS".into(),
            record_id: record.into(),
            values: values.iter().map(|&(p, v)| (p.into(), v.to_string())).collect(),
        }
    }

    /// Phones, documents and biometric references reach the person the row's
    /// relations name; a document no relation assigns goes to a row's only person.
    #[test]
    fn records_take_what_their_rows_relations_give_them() {
        let row1 = vec![
            entity(
                "rs-bp:1:driver",
                "Person",
                &[
                    ("name", "Marko Djordjevic"),
                    ("alias", "Djole"),
                    ("birthDate", "1990-03-07"),
                ],
            ),
            entity(
                "rs-bp:1:passenger",
                "Person",
                &[("firstName", "Ahmad"), ("lastName", "Karimi"), ("idNumber", "")],
            ),
            entity("rs-bp:1:phone", "Phone", &[("number", "+381601234567")]),
            entity(
                "rs-bp:1:uses",
                "Uses",
                &[("user", "rs-bp:1:driver"), ("object", "rs-bp:1:phone")],
            ),
            entity("rs-bp:1:passport", "TravelDocument", &[("number", "P1234567")]),
            entity(
                "rs-bp:1:holds",
                "Holds",
                &[("holder", "rs-bp:1:passenger"), ("document", "rs-bp:1:passport")],
            ),
            entity("rs-bp:1:loose", "TravelDocument", &[("number", "X999")]),
            entity(
                "rs-bp:1:print",
                "BiometricReference",
                &[
                    ("subject", "rs-bp:1:driver"),
                    ("system", "EURODAC"),
                    ("referenceId", "42"),
                ],
            ),
        ];
        let records = records_from_values(&row1);
        assert_eq!(records.len(), 2);
        let (driver, passenger) = (&records[0], &records[1]);
        assert_eq!(driver.names, ["Marko Djordjevic", "Djole"]);
        assert_eq!(driver.birth_date.as_deref(), Some("1990-03-07"));
        assert_eq!(driver.phones, ["+381601234567"]);
        assert_eq!(driver.biometrics, ["EURODAC:42"]);
        assert!(
            driver.documents.is_empty(),
            "two persons: the loose document is no one's"
        );
        assert_eq!(
            (passenger.given.as_deref(), passenger.surname.as_deref()),
            (Some("Ahmad"), Some("Karimi"))
        );
        assert_eq!(passenger.documents, ["P1234567"], "empty numbers are dropped");
        assert_eq!((driver.dataset.as_str(), driver.source_record.as_str()), ("rs-bp", "1"));
        let row2 = vec![
            entity("rs-bp:2:person", "Person", &[("name", "Ali Rezai")]),
            entity("rs-bp:2:passport", "TravelDocument", &[("number", "P7654321")]),
        ];
        assert_eq!(
            records_from_values(&row2)[0].documents,
            ["P7654321"],
            "the row's only person"
        );
    }
}

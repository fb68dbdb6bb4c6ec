//! What resolution compares: one record (a Person entity of one source row) with
//! the selectors the same row links to it, and the features computed once from it.

use corridor_model::{DataSubjectCategory, PartialDate};
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
    pub category: Option<DataSubjectCategory>,
}

/// The features of a record, computed once.
#[derive(Debug, Clone)]
pub struct Features {
    /// Keys of the full name (given + surname when there is no full name).
    pub name: Option<NameKeys>,
    pub surname: Option<NameKeys>,
    pub given: Option<NameKeys>,
    pub birth: Option<PartialDate>,
    pub sex: Option<char>,
    pub nationality: Option<String>,
    pub phones: Vec<String>,
    /// Document numbers with O/0 and I/1 read alike.
    pub documents: Vec<String>,
    pub biometrics: Vec<String>,
    /// Lower-cased latin spelling of the surname, for term frequencies.
    pub surname_value: Option<String>,
}

/// Document numbers compared with O read as 0 and I as 1.
pub(crate) fn document_key(n: &str) -> String {
    n.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .map(|c| match c {
            'O' => '0',
            'I' => '1',
            o => o,
        })
        .collect()
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Features {
    pub fn of(r: &Record) -> Features {
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
        let name = full
            .as_deref()
            .map(corridor_normalize::keys)
            .filter(|k| !k.tokens.is_empty());
        let (given_text, surname_text) = match (non_empty(&r.given), non_empty(&r.surname)) {
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
        let surname = surname_text
            .as_deref()
            .map(corridor_normalize::keys)
            .filter(|k| !k.tokens.is_empty());
        let given = given_text
            .as_deref()
            .map(corridor_normalize::keys)
            .filter(|k| !k.tokens.is_empty());
        let surname_value = surname.as_ref().map(|k| {
            k.tokens
                .iter()
                .filter_map(|t| t.latin.first().cloned())
                .collect::<Vec<_>>()
                .join(" ")
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
        Features {
            name,
            surname,
            given,
            birth: non_empty(&r.birth_date).and_then(|d| PartialDate::parse_iso(d.get(..10).unwrap_or(d)).ok()),
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
            surname_value,
        }
    }
}

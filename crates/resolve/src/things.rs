//! Non-person entities resolved by what identifies them: phones by E.164 number,
//! travel documents by number and issuing state, vehicles by plate, vessels by IMO
//! number (else MMSI), and organisations by name with the legal form stripped and
//! spelt across scripts (ООО «Балкан Транс» = Balkan Trans d.o.o. = BALKAN TRANS LTD).
//! Selectors are already canonical in the store (ingest normalises them), so two
//! records with the same key are the same thing; no probabilities are needed.

use std::collections::HashMap;

use corridor_model::EntityValues;

/// Legal forms and company words dropped before organisation names are compared.
const LEGAL_FORMS: &[&str] = &[
    "DOO",
    "D",
    "O",
    "AD",
    "DD",
    "OOD",
    "EOOD",
    "EAD",
    "SHPK",
    "SH",
    "PK",
    "LTD",
    "LIMITED",
    "LLC",
    "INC",
    "PLC",
    "GMBH",
    "AG",
    "SA",
    "SRL",
    "SPA",
    "BV",
    "NV",
    "AE",
    "EPE",
    "IKE",
    "OE",
    "EE",
    "OOO",
    "ZAO",
    "OAO",
    "PAO",
    "TOV",
    "AS",
    "SAS",
    "SARL",
    "CO",
    "COMPANY",
    "CORP",
    "CORPORATION",
    "SIRKETI",
    "TIC",
    "VE",
    "LTDSTI",
    "STI",
];

/// The key an organisation name is compared by: every token's first Latin spelling,
/// legal forms dropped, sorted.
pub fn organisation_key(name: &str) -> Option<String> {
    let keys = corridor_normalize::keys(name);
    let mut tokens: Vec<String> = keys
        .tokens
        .iter()
        .filter_map(|t| t.latin.first().cloned())
        .filter(|t| !LEGAL_FORMS.contains(&t.as_str()))
        .collect();
    if tokens.is_empty() {
        return None;
    }
    tokens.sort_unstable();
    Some(tokens.join(" "))
}

fn key_of(e: &EntityValues) -> Option<String> {
    let first = |p: &str| {
        e.values(p)
            .first()
            .map(|v| v.trim().to_uppercase())
            .filter(|v| !v.is_empty())
    };
    match e.schema.as_ref() {
        "Phone" => first("number").map(|n| format!("phone:{n}")),
        "TravelDocument" => first("number").map(|n| {
            format!(
                "document:{}:{}",
                first("country").unwrap_or_default(),
                crate::record::document_key(&n)
            )
        }),
        "Vehicle" => first("registrationNumber").map(|n| format!("vehicle:{n}")),
        "Vessel" => first("imoNumber")
            .map(|n| format!("vessel:imo:{n}"))
            .or_else(|| first("mmsi").map(|n| format!("vessel:mmsi:{n}"))),
        "Organization" => e
            .values("name")
            .iter()
            .find_map(|n| organisation_key(n))
            .map(|k| format!("organization:{}:{k}", first("country").unwrap_or_default())),
        _ => None,
    }
}

/// Phones, documents, vehicles, vessels and organisations resolved by their
/// canonical key: entities with the same key get the id of the first of them, an
/// entity without a key is its own. Fed a source row's entities at a time, as the
/// store streams them.
#[derive(Debug, Default)]
pub struct Things {
    first_with: HashMap<String, String>,
}

impl Things {
    /// Appends `(entity, identity)` of each thing among `entities` to `out`.
    pub fn add(&mut self, entities: &[EntityValues], out: &mut Vec<(String, String)>) {
        for e in entities {
            if !matches!(
                e.schema.as_ref(),
                "Phone" | "TravelDocument" | "Vehicle" | "Vessel" | "Organization"
            ) {
                continue;
            }
            let identity = match key_of(e) {
                Some(k) => self.first_with.entry(k).or_insert_with(|| e.id.clone()).clone(),
                None => e.id.clone(),
            };
            out.push((e.id.clone(), identity));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_and_scripts_do_not_split_an_organisation() {
        let k = organisation_key("Balkan Trans d.o.o.");
        assert_eq!(k, organisation_key("BALKAN TRANS LTD"));
        assert_eq!(k, organisation_key("Балкан Транс ДОО"));
        assert_ne!(k, organisation_key("Balkan Tours d.o.o."));
        assert_eq!(organisation_key("d.o.o."), None);
    }
}

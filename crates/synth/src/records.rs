//! Turns what an agency observed (an event, the persons, documents, phones and
//! vehicles in it) into one row of that agency's file, in its words, formats and
//! spellings, with the missing values and noise real records have, and the ground
//! truth of every entity in the row.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rand::Rng as _;

use crate::agencies::{F, FileOut, Row, vocab};
use crate::formats::{COUNTRIES, nationality, plate_sign, render_plate};
use crate::geo::Mode;
use crate::mrzdocs::Doc;
use crate::names::{Culture, Lang, spell_name};
use crate::util::{Rng, chance, coord, weighted};
use crate::world::{House, Human, Phone, Role, Vehicle, Vessel, tid};

/// Category indices into the vocabulary lists (the `CAT` order).
pub const VICTIM: usize = 0;
pub const SUSPECT: usize = 1;
pub const CONVICTED: usize = 2;
pub const CONTACT: usize = 3;
pub const WITNESS: usize = 4;
pub const OTHER: usize = 5;

/// Direction indices.
pub const ENTRY: usize = 0;
pub const ATTEMPTED_EXIT: usize = 3;

/// An event as one agency recorded it.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub when: NaiveDateTime,
    pub place: &'a str,
    pub station: &'a str,
    pub lat: f64,
    pub lon: f64,
    /// Alpha-3 of the territory.
    pub country: &'a str,
    pub count: usize,
    pub mode: Mode,
    pub direction: usize,
    pub notes: String,
}

/// A person as one record saw them.
#[derive(Debug, Clone)]
pub struct Seen<'a> {
    pub h: &'a Human,
    pub cat: usize,
    pub role: Option<Role>,
    pub nick: Option<&'a str>,
    pub phone: Option<&'a Phone>,
    pub doc: Option<&'a Doc>,
    /// Index into the status words when the agency checked the document.
    pub status: Option<usize>,
    pub bio: Option<(&'a str, &'a str)>,
    pub hit: Option<(&'a str, &'a str)>,
    /// The birth date the person gave (may differ from the real one).
    pub birth: NaiveDate,
    pub id_no: Option<String>,
    /// Name in native script as alias (screening interviews).
    pub native_alias: bool,
}

impl<'a> Seen<'a> {
    /// A person seen with nothing but their category.
    pub fn new(h: &'a Human, cat: usize) -> Seen<'a> {
        Seen {
            h,
            cat,
            role: None,
            nick: None,
            phone: None,
            doc: None,
            status: None,
            bio: None,
            hit: None,
            birth: h.birth,
            id_no: None,
            native_alias: false,
        }
    }
}

/// Starts a row: record id and the event's fields.
pub fn event_row(rng: &mut Rng, f: &mut FileOut, ev: &Event<'_>) -> Row {
    let mut row = Row::default();
    row.set(F::RecId, f.next_id(ev.when.year(), ev.station));
    let v = vocab(f.spec.lang());
    row.set(F::When, f.dt(ev.when));
    row.set(F::Place, ev.place);
    row.set(F::Lat, coord(ev.lat));
    row.set(F::Lon, coord(ev.lon));
    row.set(F::EvCountry, ev.country);
    row.set(
        F::Unit,
        format!(
            "{} {}",
            f.spec.agency().post,
            ev.place.split(',').next().unwrap_or(ev.place)
        ),
    );
    if ev.count > 0 {
        row.set(F::Count, ev.count.to_string());
    }
    row.set(F::Mode, v.modes[ev.mode.index()]);
    row.set(F::Direction, v.direction[ev.direction]);
    row.set(F::Notes, ev.notes.clone());
    row.set(F::Charge, v.charge);
    row.set(
        F::Grading,
        *weighted(rng, &[("B2", 50), ("A2", 15), ("B3", 20), ("C3", 10), ("A1", 5)]),
    );
    row.set(F::Internal, crate::util::pattern(rng, "####"));
    row
}

/// A name in one column, in the order the file writes names.
fn full(given: &str, surname: &str, surname_first: bool) -> String {
    match (given.is_empty(), surname_first) {
        (true, _) => surname.to_string(),
        (false, true) => format!("{} {given}", surname.to_uppercase()),
        (false, false) => format!("{given} {surname}"),
    }
}

/// A name as a record writes it in one column (phones, payments, bookings).
pub fn one_name(rng: &mut Rng, f: &FileOut, h: &Human) -> String {
    let s = spell_name(rng, &h.name, f.spec.lang());
    full(&s.given, &s.surname, f.spec.surname_first)
}

/// A birth date as given: sometimes only a year or a month, sometimes missing, and
/// undocumented Afghans often registered on 1 January.
fn birth_text(rng: &mut Rng, f: &FileOut, h: &Human, birth: NaiveDate) -> String {
    let r: f64 = rng.random();
    if r < 0.05 {
        String::new()
    } else if r < 0.10 {
        birth.year().to_string()
    } else if r < 0.12 {
        f.month(birth)
    } else if r < 0.20 && COUNTRIES[h.country].a3 == "AFG" {
        f.date(NaiveDate::from_ymd_opt(birth.year(), 1, 1).unwrap_or(birth))
    } else {
        f.date(birth)
    }
}

/// The subject's fields; `prefix` names the person entity for the truth.
pub fn person(rng: &mut Rng, f: &FileOut, row: &mut Row, s: &Seen<'_>, entity: &'static str) {
    let lang = f.spec.lang();
    let v = vocab(lang);
    let from_doc = s.doc.filter(|_| f.spec.has(F::DocNo) && chance(rng, 0.85));
    let (given, surname, father) = match from_doc {
        Some(d) => {
            let (g, sur) = d.name.passport();
            (g, sur, String::new())
        }
        None => {
            let sp = spell_name(rng, &s.h.name, lang);
            (sp.given, sp.surname, sp.father)
        }
    };
    let bin = matches!(s.h.name.culture, Culture::Arabic) && lang == Lang::En && chance(rng, 0.15);
    let one = if bin {
        format!("{given} bin {father} {surname}")
    } else {
        full(&given, &surname, f.spec.surname_first)
    };
    row.set(F::Full, one);
    row.set(F::Given, given);
    row.set(F::Surname, surname);
    if chance(rng, 0.6) {
        row.set(F::Father, father);
    }
    let (birth, nat, female) = match from_doc {
        Some(d) => (f.date(d.viz_birth), d.issuing, d.female),
        None => (birth_text(rng, f, s.h, s.birth), s.h.country, s.h.name.female),
    };
    row.set(F::Birth, birth);
    if chance(rng, 0.97) {
        row.set(F::Nat, nationality(nat, f.spec.nat));
    }
    if chance(rng, 0.95) {
        row.set(F::Gender, v.gender[usize::from(female)]);
    }
    row.set(F::Cat, v.cat[s.cat]);
    if let Some(r) = s.role.filter(|_| chance(rng, 0.8)) {
        row.set(F::Role, v.roles[r.index()]);
    }
    let mut aliases = Vec::new();
    if let Some(n) = s.nick.filter(|_| chance(rng, 0.6)) {
        aliases.push(n.to_string());
    }
    if s.native_alias
        && !matches!(
            s.h.name.culture,
            Culture::Turkish | Culture::Bosnian | Culture::Albanian
        )
        && chance(rng, 0.7)
    {
        aliases.push(s.h.name.native_full());
    }
    row.set(F::Alias, aliases.join("|"));
    if let Some(id) = &s.id_no {
        row.set(F::IdNo, id.clone());
    }
    row.truth(entity, tid::person(s.h.id));
    if let Some(p) = s.phone {
        phone(rng, f, row, p, F::Phone, F::Imei, "phone");
    }
    if let Some(d) = s.doc {
        document(f, row, d, s.status);
    }
    if let Some((sys, r)) = s.bio {
        row.set(F::BioSys, sys);
        row.set(F::BioRef, r);
        row.set(F::BioMod, v.modality[0]);
    }
    if let Some((sys, r)) = s.hit {
        row.set(F::Bio2Sys, sys);
        row.set(F::Bio2Ref, r);
    }
}

/// A phone's number (and IMEI, when the record has it).
pub fn phone(rng: &mut Rng, f: &FileOut, row: &mut Row, p: &Phone, number: F, imei: F, entity: &'static str) {
    row.set(number, p.msisdn.render(rng, f.spec.agency().country));
    if let Some(i) = p.imei.as_ref().filter(|_| chance(rng, 0.6)) {
        row.set(imei, i.clone());
    }
    row.truth(entity, tid::phone(p.id));
}

fn document(f: &FileOut, row: &mut Row, d: &Doc, status: Option<usize>) {
    let v = vocab(f.spec.lang());
    row.set(F::DocNo, d.number.clone());
    row.set(F::DocType, v.doc_type[usize::from(d.is_id_card())]);
    row.set(F::DocCountry, d.issuing_code());
    row.set(F::DocBirth, f.date(d.viz_birth));
    row.set(F::DocExpiry, f.date(d.expiry));
    if !d.is_id_card() || f.spec.has(F::Mrz) {
        row.set(F::Mrz, d.lines.join(f.spec.mrz_sep));
    }
    if let Some(i) = status {
        row.set(F::DocStatus, v.status[i]);
    }
    row.truth("document", tid::doc(d.id));
}

/// A vehicle's plate as this agency writes it.
pub fn vehicle(rng: &mut Rng, f: &FileOut, row: &mut Row, veh: &Vehicle) {
    let v = vocab(f.spec.lang());
    row.set(F::Plate, render_plate(rng, &veh.plate, veh.a3, f.spec.lang()));
    row.set(F::PlateCountry, plate_sign(veh.a3));
    row.set(F::VehModel, veh.model);
    row.set(F::VehType, v.modes[veh.mode.index()]);
    row.truth("vehicle", tid::vehicle(veh.id));
}

/// A boat; `seen_from_air` keeps only what an aircraft can see (a painted name).
pub fn vessel(row: &mut Row, ves: &Vessel, seen_from_air: bool) {
    if seen_from_air {
        let Some(name) = &ves.name else { return };
        row.set(F::VesName, name.clone());
        row.set(F::VesFlag, "TUR");
    } else {
        row.set(F::Engine, ves.engine.clone());
        if let Some(h) = &ves.hull {
            row.set(F::HullId, h.clone());
        }
        if let Some(n) = &ves.name {
            row.set(F::VesName, n.clone());
        }
    }
    row.set(F::VesType, ves.kind);
    row.truth("vessel", tid::vessel(ves.id));
}

/// A safe house found in a raid.
pub fn house(row: &mut Row, h: &House) {
    row.set(F::AddrFull, h.full.clone());
    row.set(F::AddrCity, h.city);
    row.set(F::AddrLat, coord(h.lat));
    row.set(F::AddrLon, coord(h.lon));
    row.truth("safe_house", tid::address(h.id));
}

/// A JMBG (the ex-Yugoslav personal number): birth date, region, serial, check digit.
pub fn jmbg(rng: &mut Rng, birth: NaiveDate) -> String {
    loop {
        let body = format!(
            "{:02}{:02}{:03}{:02}{:03}",
            birth.day(),
            birth.month(),
            birth.year() % 1000,
            rng.random_range(10..20),
            rng.random_range(0..1000)
        );
        let d: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
        let w = [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
        let s: u32 = d.iter().zip(w).map(|(a, b)| a * b).sum();
        let k = 11 - s % 11;
        if k < 10 {
            return format!("{body}{k}");
        }
        if k == 11 {
            return format!("{body}0");
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn jmbg_has_thirteen_digits_and_starts_with_the_birth_date() {
        let mut rng = Rng::seed_from_u64(2);
        let j = jmbg(&mut rng, NaiveDate::from_ymd_opt(1984, 3, 7).expect("date"));
        assert_eq!(j.len(), 13);
        assert!(j.starts_with("0703984"));
    }
}

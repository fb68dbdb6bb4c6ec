//! Streams groups of migrants along their network's route, one group at a time:
//! each leg may be seen from the air, intercepted or registered by the agency of
//! that territory (and screened by Frontex), facilitators present may be arrested
//! and their phones downloaded, payments flow through money agents, and every
//! observation becomes a row in the observing agency's file. Nothing about a
//! group is kept after it is written, so memory stays flat.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use rand::Rng as _;
use rand::seq::IndexedRandom;

use crate::Error;
use crate::agencies::{F, Kind, Out, Row, vocab};
use crate::formats::{COUNTRIES, MIGRANT_ORIGINS, country, nationality};
use crate::geo::{Ag, DEPARTURES, Leg, Mode, ROUTES, around, next_time};
use crate::mrzdocs::{self, Doc, DocKind, Issue};
use crate::names::Lang;
use crate::records::{self, ATTEMPTED_EXIT, CONTACT, CONVICTED, ENTRY, Event, OTHER, SUSPECT, Seen, VICTIM, WITNESS};
use crate::util::{Rng, chance, jitter, pattern, pick, pick_code, weighted, weighted_code};
use crate::world::{Human, Phone, Role, World, birth_date, tid};

/// A migrant on the move.
struct Migrant {
    h: Human,
    doc: Option<Doc>,
    phone: Option<Phone>,
    /// Biometric references, one per system, created at first registration.
    bio: Vec<(&'static str, String)>,
    claimed_birth: NaiveDate,
    seen: bool,
}

impl Migrant {
    /// The reference of this person in `ag`'s biometric system, registering them
    /// on first contact.
    fn bio_ref(&mut self, rng: &mut Rng, ag: Ag, territory: &str, year: i32) -> (&'static str, String) {
        let system = system(ag);
        if let Some((_, r)) = self.bio.iter().find(|(s, _)| *s == system) {
            return (system, r.clone());
        }
        let r = match system {
            "EURODAC" => format!(
                "{}2{}",
                &crate::formats::COUNTRIES[country(territory)].a3[..2],
                pattern(rng, "##########")
            ),
            "IABS" => format!("IABS-{}", pattern(rng, "#########")),
            s => format!("{}-{:02}-{}", &s[5..], year % 100, pattern(rng, "#######")),
        };
        self.bio.push((system, r.clone()));
        (system, r)
    }

    /// A reference from another system, as a hit returned by a partner.
    fn prior_hit(&self, ag: Ag) -> Option<(&'static str, &str)> {
        self.bio
            .iter()
            .find(|(s, _)| *s != system(ag))
            .map(|(s, r)| (*s, r.as_str()))
    }
}

/// The biometric system an agency registers into.
fn system(ag: Ag) -> &'static str {
    match ag {
        Ag::Gr | Ag::Bg | Ag::Fx => "EURODAC",
        Ag::Rs => "AFIS-RS",
        Ag::Mk => "AFIS-MK",
        Ag::Ba => "AFIS-BA",
        Ag::Al => "AFIS-AL",
        Ag::Me => "AFIS-ME",
        Ag::Xk => "AFIS-KS",
        Ag::Uk => "IABS",
    }
}

fn agency_country(ag: Ag) -> &'static str {
    crate::agencies::AGENCIES
        .iter()
        .find(|a| a.ag == ag)
        .map_or("SRB", |a| a.country)
}

fn intercept_notes(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Sr => &[
            "lica zatečena u pokušaju nezakonitog prelaska granice",
            "grupa otkrivena u teretnom vozilu",
            "lica bez isprava",
            "",
        ],
        Lang::Mk => &[
            "лица затекнати при обид за нелегален премин",
            "група откриена во товарно возило",
            "",
        ],
        Lang::Bg => &[
            "група задържана след сигнал от термокамера",
            "лица открити в товарен автомобил",
            "",
        ],
        Lang::Sq => &[
            "persona të kapur në tentativë kalimi të paligjshëm",
            "grup i zbuluar në automjet",
            "",
        ],
        Lang::El => &["ομάδα εντοπίστηκε μετά τη διέλευση", "σύλληψη διακινητή επί τόπου", ""],
        Lang::En => &[
            "small boat intercepted mid-Channel, landed at Dover",
            "pilot identified by passengers",
            "",
        ],
    }
}

/// The running simulation: the world, the open files and the counts.
pub struct Sim {
    pub rng: Rng,
    pub world: World,
    pub out: Out,
    /// Facilitators that appeared in a file, by person id (they are numbered first).
    fac_seen: Vec<bool>,
    pub migrants: u64,
    pub others: u64,
    groups: usize,
}

fn mark(seen: &mut [bool], id: u64) {
    if let Some(s) = seen.get_mut(id as usize) {
        *s = true;
    }
}

/// Records a migrant the first time an agency writes them down.
fn first_seen(out: &mut Out, migrants: &mut u64, m: &mut Migrant, net_code: &str) -> Result<(), Error> {
    if m.seen {
        return Ok(());
    }
    m.seen = true;
    *migrants += 1;
    out.truth.member(m.h.id, net_code, "smuggled_person")?;
    if let Some(d) = &m.doc {
        out.truth.document(d, m.h.id)?;
    }
    Ok(())
}

impl Sim {
    /// Starts streaming into `out` with the generator left where the world was built.
    pub fn new(rng: Rng, world: World, out: Out) -> Sim {
        let n = world.nets.iter().map(|n| n.facs.len()).sum::<usize>();
        Sim {
            rng,
            world,
            out,
            fac_seen: vec![false; n + 1],
            migrants: 0,
            others: 0,
            groups: 0,
        }
    }

    /// Writes every facilitator's network and role, and their ID document, to the truth.
    pub fn write_networks(&mut self) -> Result<(), Error> {
        for net in &self.world.nets {
            for f in &net.facs {
                self.out.truth.member(f.human.id, &net.code(), f.role.as_str())?;
                self.out.truth.document(&f.id_doc, f.human.id)?;
            }
        }
        Ok(())
    }

    /// Distinct real persons written in any file.
    pub fn persons(&self) -> u64 {
        self.fac_seen.iter().filter(|s| **s).count() as u64 + self.migrants + self.others
    }

    fn new_migrant(
        &mut self,
        n: usize,
        origin: usize,
        origins: &[(&'static str, u32)],
        start: NaiveDate,
        air: bool,
    ) -> Result<Migrant, Error> {
        let Sim { rng, world, .. } = self;
        let c = if chance(rng, 0.75) {
            origin
        } else {
            country(weighted_code(rng, origins))
        };
        let female = chance(rng, 0.15);
        let born = if chance(rng, 0.08) { (2007, 2010) } else { (1975, 2006) };
        let h = Human::random(rng, &mut world.ids, c, female, born);
        let r: f64 = rng.random();
        let has_blanks = world.nets[n].blanks.is_some();
        let kind = if air {
            Some(if r < 0.93 { DocKind::Genuine } else { DocKind::Impostor })
        } else if r < 0.28 {
            Some(DocKind::Genuine)
        } else if r < 0.34 {
            Some(DocKind::Forged)
        } else if r < 0.38 {
            Some(DocKind::Altered)
        } else if r < 0.42 && has_blanks {
            Some(DocKind::StolenBlank)
        } else if r < 0.45 {
            Some(DocKind::Impostor)
        } else {
            None
        };
        let doc = match kind {
            None => None,
            Some(kind) => {
                let issued = start - Duration::days(rng.random_range(200..2900));
                let mut i = Issue {
                    id: world.ids.doc(),
                    kind,
                    holder: h.id,
                    name: h.name,
                    birth: h.birth,
                    female,
                    issuing: c,
                    id_card: false,
                    issued,
                };
                let mut number = None;
                match kind {
                    DocKind::Forged => i.issuing = country(pick_code(rng, &["GRC", "BGR", "FRA", "DEU"])),
                    DocKind::StolenBlank => {
                        if let Some(b) = world.nets[n].blanks.as_mut() {
                            i.issuing = b.issuing;
                            let width = 9 - b.prefix.len();
                            number = Some(format!("{}{:0width$}", b.prefix, b.start + b.used));
                            b.used += 1;
                        }
                    }
                    DocKind::Impostor => {
                        let y = h.birth.year();
                        let look = Human::random(rng, &mut world.ids, c, female, (y - 3, y + 3));
                        i.holder = look.id;
                        i.name = look.name;
                        i.birth = look.birth;
                    }
                    _ => {}
                }
                let number = number.unwrap_or_else(|| mrzdocs::number(rng, i.issuing, false));
                Some(mrzdocs::issue(rng, &i, number)?)
            }
        };
        let phone = chance(rng, 0.55).then(|| {
            let sim = if chance(rng, 0.45) {
                c
            } else {
                country(pick_code(rng, &["TUR", "TUR", "GRC", "SRB", "BIH"]))
            };
            Phone::random(rng, &mut world.ids, sim)
        });
        let claimed_birth = if chance(rng, 0.1) {
            let years = rng.random_range(-3..=3i32);
            NaiveDate::from_ymd_opt(h.birth.year() + years, h.birth.month(), h.birth.day().min(28)).unwrap_or(h.birth)
        } else {
            h.birth
        };
        Ok(Migrant {
            h,
            doc,
            phone,
            bio: Vec::new(),
            claimed_birth,
            seen: false,
        })
    }

    /// Generates one group and writes everything agencies saw of it.
    pub fn group(&mut self) -> Result<(), Error> {
        // Every network sends three groups on its main route first, so even a demo
        // shows every route and every agency's files.
        let nets = self.world.nets.len();
        let warm_up = self.groups < 3 * nets;
        let n = if warm_up {
            self.groups % nets
        } else {
            self.rng.random_range(0..nets)
        };
        self.groups += 1;
        let route_idx = if warm_up {
            self.world.nets[n].routes[0]
        } else {
            *pick(&mut self.rng, &self.world.nets[n].routes)
        };
        let route = &ROUTES[route_idx];
        let origins = if route.origins.is_empty() {
            MIGRANT_ORIGINS
        } else {
            route.origins
        };
        let origin = country(weighted_code(&mut self.rng, origins));
        let air = route.legs[0].mode == Mode::Air;
        let rng = &mut self.rng;
        let size = if air {
            rng.random_range(1..=5)
        } else {
            match rng.random_range(0..10) {
                0..=5 => rng.random_range(2..=12),
                6..=8 => rng.random_range(12..=30),
                _ => rng.random_range(30..=50),
            }
        };
        let day0 = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
        let start = day0 + Duration::days(rng.random_range(0..1000));
        let mut members = Vec::with_capacity(size);
        for _ in 0..size {
            members.push(self.new_migrant(n, origin, origins, start, air)?);
        }
        let mut t = start.and_hms_opt(12, 0, 0).unwrap_or_default();
        let agent = self.world.nets[n].agent;
        self.payments(n, agent, &mut members, t)?;
        if air {
            self.bookings(n, &mut members, t)?;
        }
        for leg in route.legs {
            if members.is_empty() || (leg.mode == Mode::SmallBoat && !chance(&mut self.rng, 0.45)) {
                break;
            }
            t = next_time(&mut self.rng, t, leg);
            if leg.mode == Mode::SmallBoat {
                let uk = self.world.nets[n].uk_agent;
                self.payments(n, uk, &mut members, t - Duration::days(3))?;
            }
            self.leg(n, leg, &mut members, t)?;
            members.retain(|_| chance(&mut self.rng, 0.95));
        }
        if chance(&mut self.rng, 0.4) {
            self.settlement(n, agent, t)?;
        }
        if chance(&mut self.rng, 0.12) {
            self.investigation(n, route.legs, t)?;
        }
        Ok(())
    }

    /// An arrest after an investigation rather than at the border: any member of
    /// the network, by an agency on its route that keeps arrest records.
    fn investigation(&mut self, n: usize, legs: &'static [Leg], t: NaiveDateTime) -> Result<(), Error> {
        let found: Vec<(usize, &'static Leg, &'static str)> = legs
            .iter()
            .flat_map(|l| l.by.iter().map(move |(a, p)| (*a, l, *p)))
            .filter_map(|(a, l, p)| self.out.find(a, Kind::Arrest).map(|f| (f, l, p)))
            .collect();
        let Some(&(file, leg, place)) = found.choose(&mut self.rng) else {
            return Ok(());
        };
        let fi = self.rng.random_range(0..self.world.nets[n].facs.len());
        let (lat, lon) = around(&mut self.rng, &leg.at);
        let when = t + Duration::days(self.rng.random_range(10..200));
        let ag = self.out.files[file].spec.ag;
        let ev = Event {
            when,
            place,
            station: leg.at.code,
            lat,
            lon,
            country: agency_country(ag),
            count: 0,
            mode: leg.mode,
            direction: ENTRY,
            notes: String::new(),
        };
        self.arrest(n, fi, file, &ev)?;
        let dumped = self.world.nets[n].facs[fi].dumped;
        if let Some(dump) = self
            .out
            .find(ag, Kind::PhoneDump)
            .filter(|_| !dumped && chance(&mut self.rng, 0.8))
        {
            self.world.nets[n].facs[fi].dumped = true;
            self.dump(n, fi, dump, &ev)?;
        }
        Ok(())
    }

    fn leg(&mut self, n: usize, leg: &'static Leg, members: &mut [Migrant], t: NaiveDateTime) -> Result<(), Error> {
        let rng = &mut self.rng;
        let net = &self.world.nets[n];
        let fac = if leg.mode.is_vehicle() || leg.mode.is_boat() || (leg.mode == Mode::Foot && chance(rng, 0.4)) {
            Some(net.pick_role(
                rng,
                if leg.mode.is_boat() {
                    Role::BoatPilot
                } else {
                    Role::Driver
                },
            ))
        } else {
            None
        };
        let veh = leg.mode.is_vehicle().then(|| {
            let same: Vec<usize> = (0..net.vehicles.len())
                .filter(|&i| net.vehicles[i].mode == leg.mode)
                .collect();
            if same.is_empty() {
                rng.random_range(0..net.vehicles.len())
            } else {
                *pick(rng, &same)
            }
        });
        let ves = if leg.mode.is_boat() {
            let same: Vec<usize> = (0..net.vessels.len())
                .filter(|&i| net.vessels[i].mode == leg.mode)
                .collect();
            same.choose(rng).copied()
        } else {
            None
        };
        let (lat, lon) = around(rng, &leg.at);
        if let Some(sag) = leg.sight
            && let Some(file) = self.out.find(sag, Kind::Sighting).filter(|_| chance(rng, 0.4))
        {
            self.sighting(n, leg, file, sag, members.len(), veh, ves, t)?;
        }
        // Lawful interception of the network's phones runs whether or not the group is caught.
        if leg.by.iter().any(|(a, _)| *a == Ag::Bg)
            && let Some(file) = self
                .out
                .find(Ag::Bg, Kind::Calls)
                .filter(|_| chance(&mut self.rng, 0.7))
        {
            self.calls(n, file, members, t)?;
        }
        let primary: Vec<(Ag, &'static str)> = leg.by.iter().filter(|(a, _)| *a != Ag::Fx).copied().collect();
        // Warm-up groups are caught more often, so a demo fills every file.
        let warm_up = self.groups <= 3 * self.world.nets.len();
        let p = if warm_up { leg.detect.max(0.75) } else { leg.detect };
        if primary.is_empty() || !chance(&mut self.rng, p) {
            return Ok(());
        }
        // The first-listed agency (the side the group leaves, whose patrols stop
        // most attempts) records twice as often as the other.
        let weights: Vec<((Ag, &'static str), u32)> = primary
            .iter()
            .enumerate()
            .map(|(i, p)| (*p, if i == 0 { 2 } else { 1 }))
            .collect();
        let (ag, place) = *weighted(&mut self.rng, &weights);
        let (fi, fc) = (self.out.find(ag, Kind::Intercept), self.out.find(ag, Kind::Crossing));
        let crossing = match (fi, fc) {
            (Some(_), Some(c)) if leg.mode == Mode::Air || chance(&mut self.rng, 0.45) => Some(c),
            (None, Some(c)) => Some(c),
            _ => None,
        };
        let direction = if leg.enters == Some(ag) { ENTRY } else { ATTEMPTED_EXIT };
        let ev = Event {
            when: t,
            place,
            station: leg.at.code,
            lat,
            lon,
            country: agency_country(ag),
            count: members.len() + usize::from(fac.is_some()),
            mode: leg.mode,
            direction,
            notes: String::new(),
        };
        let fac_present = fac.filter(|_| chance(&mut self.rng, 0.85));
        if let Some(file) = crossing {
            self.crossings(n, file, ag, &ev, members, veh, fac_present)?;
        } else if let Some(file) = fi {
            self.interception(n, file, ag, &ev, members, veh, ves, fac_present)?;
        }
        if leg.by.iter().any(|(a, _)| *a == Ag::Fx)
            && matches!(ag, Ag::Gr | Ag::Bg)
            && chance(&mut self.rng, 0.6)
            && let Some(file) = self.out.find(Ag::Fx, Kind::Crossing)
        {
            let fx_place = leg.by.iter().find(|(a, _)| *a == Ag::Fx).map_or(leg.at.en, |(_, p)| *p);
            let when = t + Duration::hours(self.rng.random_range(20..96));
            let ev = Event {
                when,
                place: fx_place,
                direction: ENTRY,
                ..ev.clone()
            };
            self.screening(n, file, ag, &ev, members)?;
        }
        if let Some(f) = fac_present {
            if let Some(file) = self.out.find(ag, Kind::Arrest).filter(|_| chance(&mut self.rng, 0.75)) {
                self.arrest(n, f, file, &ev)?;
            }
            let dumped = self.world.nets[n].facs[f].dumped;
            if let Some(file) = self
                .out
                .find(ag, Kind::PhoneDump)
                .filter(|_| !dumped && chance(&mut self.rng, 0.6))
            {
                self.world.nets[n].facs[f].dumped = true;
                self.dump(n, f, file, &ev)?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn sighting(
        &mut self,
        n: usize,
        leg: &Leg,
        file: usize,
        ag: Ag,
        count: usize,
        veh: Option<usize>,
        ves: Option<usize>,
        t: NaiveDateTime,
    ) -> Result<(), Error> {
        let Sim { rng, world, out, .. } = self;
        let (place, lat, lon, country) = if leg.enters == Some(Ag::Uk) {
            let (name, lat, lon) = *pick(rng, DEPARTURES);
            (name, jitter(rng, lat, 0.01), jitter(rng, lon, 0.01), "FRA")
        } else {
            let (lat, lon) = around(rng, &leg.at);
            let place = leg.by.iter().find(|(a, _)| *a == ag).map_or(leg.at.en, |(_, p)| *p);
            (place, lat, lon, leg.enters.map_or("GRC", agency_country))
        };
        let when = t - Duration::minutes(rng.random_range(10..180));
        let estimate = (count as f64 * rng.random_range(0.8..1.25)).round().max(1.0) as usize;
        let notes = if ag == Ag::Bg {
            format!("група от около {estimate} лица в посока към границата")
        } else if leg.mode.is_boat() {
            format!(
                "{} with approx. {estimate} persons on board",
                if leg.mode == Mode::RiverBoat {
                    "small boat on the river"
                } else {
                    "boat leaving the coast"
                }
            )
        } else {
            format!("group of approx. {estimate} persons moving towards the border")
        };
        let ev = Event {
            when,
            place,
            station: leg.at.code,
            lat,
            lon,
            country,
            count: estimate,
            mode: leg.mode,
            direction: ENTRY,
            notes,
        };
        let f = &mut out.files[file];
        let mut row = records::event_row(rng, f, &ev);
        let platform = if ag == Ag::Bg {
            *weighted(rng, &[(2usize, 60), (0, 40)])
        } else {
            *weighted(rng, &[(1usize, 50), (0, 30), (4, 20)])
        };
        row.set(F::Platform, vocab(f.spec.lang()).platform[platform]);
        let net = &world.nets[n];
        if let Some(v) = veh.filter(|_| chance(rng, 0.4)) {
            records::vehicle(rng, f, &mut row, &net.vehicles[v]);
            row.set(F::VehModel, "");
        }
        if let Some(v) = ves {
            records::vessel(&mut row, &net.vessels[v], true);
        }
        out.write(file, &row)
    }

    #[allow(clippy::too_many_arguments)]
    fn interception(
        &mut self,
        n: usize,
        file: usize,
        ag: Ag,
        ev: &Event<'_>,
        members: &mut [Migrant],
        veh: Option<usize>,
        ves: Option<usize>,
        fac: Option<usize>,
    ) -> Result<(), Error> {
        let Sim {
            rng,
            world,
            out,
            fac_seen,
            migrants,
            others,
            ..
        } = self;
        let lang = out.files[file].spec.lang();
        let mut ev = ev.clone();
        ev.notes = pick(rng, intercept_notes(lang)).to_string();
        let net = &world.nets[n];
        let code = net.code();
        let raid = out.files[file].spec.has(F::AddrFull) && chance(rng, 0.15);
        let houses: Vec<usize> = (0..net.houses.len())
            .filter(|&i| net.houses[i].a3 == ev.country)
            .collect();
        let house = houses.choose(rng).copied().filter(|_| raid);
        if let Some(h) = house {
            ev.lat = jitter(rng, net.houses[h].lat, 0.0005);
            ev.lon = jitter(rng, net.houses[h].lon, 0.0005);
        }
        let outcome_words = vocab(lang).outcomes;
        let bio = matches!(ag, Ag::Gr | Ag::Bg | Ag::Uk);
        let year = ev.when.year();
        let extras = |rng: &mut Rng, f: &crate::agencies::FileOut, row: &mut Row| {
            if let Some(v) = veh {
                records::vehicle(rng, f, row, &net.vehicles[v]);
            }
            if let Some(v) = ves {
                records::vessel(row, &net.vessels[v], false);
            }
            if let Some(h) = house {
                records::house(row, &net.houses[h]);
            }
        };
        for m in members.iter_mut() {
            let b = if bio {
                Some(m.bio_ref(rng, ag, ev.country, year))
            } else {
                None
            };
            let f = &mut out.files[file];
            let mut row = records::event_row(rng, f, &ev);
            let mut s = Seen::new(&m.h, VICTIM);
            s.birth = m.claimed_birth;
            s.phone = m.phone.as_ref().filter(|_| chance(rng, 0.35));
            s.bio = b.as_ref().map(|(sys, r)| (*sys, r.as_str()));
            records::person(rng, f, &mut row, &s, "person");
            extras(rng, f, &mut row);
            row.set(
                F::Outcome,
                *weighted(
                    rng,
                    &[
                        (outcome_words[0], 40),
                        (outcome_words[1], 10),
                        (outcome_words[2], 35),
                        (outcome_words[3], 15),
                    ],
                ),
            );
            out.write(file, &row)?;
            first_seen(out, migrants, m, &code)?;
        }
        let mut present: Vec<(usize, usize)> = fac.map(|f| (f, SUSPECT)).into_iter().collect();
        if house.is_some() {
            present.push((
                net.pick_role(rng, Role::SafeHouseKeeper),
                if chance(rng, 0.7) { SUSPECT } else { CONTACT },
            ));
        }
        for (fi, cat) in present {
            let fc = &net.facs[fi];
            let cat = if fc.convicted && chance(rng, 0.5) {
                CONVICTED
            } else if chance(rng, 0.1) {
                CONTACT
            } else {
                cat
            };
            let f = &mut out.files[file];
            let mut row = records::event_row(rng, f, &ev);
            let mut s = Seen::new(&fc.human, cat);
            s.role = Some(fc.role);
            s.nick = Some(fc.nick);
            s.phone = fc.phones.choose(rng).map(|&p| &net.phones[p]);
            records::person(rng, f, &mut row, &s, "person");
            extras(rng, f, &mut row);
            row.set(F::Outcome, outcome_words[1]);
            out.write(file, &row)?;
            mark(fac_seen, fc.human.id);
        }
        if !matches!(ag, Ag::Uk | Ag::Fx) && chance(rng, 0.05) {
            let female = chance(rng, 0.3);
            let local = Human::random(rng, &mut world.ids, country(ev.country), female, (1950, 2000));
            let f = &mut out.files[file];
            let mut row = records::event_row(rng, f, &ev);
            records::person(rng, f, &mut row, &Seen::new(&local, WITNESS), "person");
            out.write(file, &row)?;
            *others += 1;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn crossings(
        &mut self,
        n: usize,
        file: usize,
        ag: Ag,
        ev: &Event<'_>,
        members: &mut [Migrant],
        veh: Option<usize>,
        fac: Option<usize>,
    ) -> Result<(), Error> {
        let Sim {
            rng,
            world,
            out,
            fac_seen,
            migrants,
            ..
        } = self;
        let year = ev.when.year();
        let hits = out.files[file].spec.has(F::Bio2Ref);
        let net = &world.nets[n];
        let code = net.code();
        let lorry = veh.filter(|&v| net.vehicles[v].mode == Mode::Lorry);
        for m in members.iter_mut() {
            let (sys, r) = m.bio_ref(rng, ag, ev.country, year);
            let f = &mut out.files[file];
            let mut row = records::event_row(rng, f, ev);
            let mut s = Seen::new(&m.h, VICTIM);
            s.birth = m.claimed_birth;
            s.doc = m.doc.as_ref().filter(|_| chance(rng, 0.9));
            s.status = s.doc.and_then(|d| doc_status(rng, d.kind, 0.0));
            s.bio = Some((sys, r.as_str()));
            s.hit = m.prior_hit(ag).filter(|_| hits && chance(rng, 0.6));
            records::person(rng, f, &mut row, &s, "person");
            if let Some(v) = lorry {
                records::vehicle(rng, f, &mut row, &net.vehicles[v]);
            }
            out.write(file, &row)?;
            first_seen(out, migrants, m, &code)?;
        }
        if let (Some(fi), Some(v)) = (fac, lorry) {
            let fc = &net.facs[fi];
            let f = &mut out.files[file];
            let mut row = records::event_row(rng, f, ev);
            let mut s = Seen::new(&fc.human, SUSPECT);
            s.doc = Some(&fc.id_doc);
            s.status = chance(rng, 0.5).then_some(0);
            records::person(rng, f, &mut row, &s, "person");
            records::vehicle(rng, f, &mut row, &net.vehicles[v]);
            out.write(file, &row)?;
            mark(fac_seen, fc.human.id);
        }
        Ok(())
    }

    fn screening(
        &mut self,
        n: usize,
        file: usize,
        ag: Ag,
        ev: &Event<'_>,
        members: &mut [Migrant],
    ) -> Result<(), Error> {
        let Sim {
            rng,
            world,
            out,
            fac_seen,
            migrants,
            ..
        } = self;
        let year = ev.when.year();
        let net = &world.nets[n];
        let code = net.code();
        for m in members.iter_mut() {
            if !chance(rng, 0.8) {
                continue;
            }
            let (sys, r) = m.bio_ref(rng, ag, ev.country, year);
            let f = &mut out.files[file];
            let mut ev = ev.clone();
            ev.notes = format!(
                "Paid {} USD in {}; crossed with a group of {}",
                rng.random_range(15..60) * 100,
                pick(rng, &["Istanbul", "Edirne", "Izmir", "Ayvalik"]),
                ev.count
            );
            let mut row = records::event_row(rng, f, &ev);
            let mut s = Seen::new(&m.h, VICTIM);
            s.birth = m.claimed_birth;
            s.doc = m.doc.as_ref();
            s.status = s.doc.and_then(|d| doc_status(rng, d.kind, 0.15));
            s.bio = Some((sys, r.as_str()));
            s.native_alias = true;
            records::person(rng, f, &mut row, &s, "person");
            if chance(rng, 0.35) {
                let role = if chance(rng, 0.5) {
                    Role::Recruiter
                } else {
                    Role::Organiser
                };
                let fi = net.pick_role(rng, role);
                let fc = &net.facs[fi];
                let name = if chance(rng, 0.5) {
                    fc.nick.to_string()
                } else {
                    fc.human.name.given().official().to_string()
                };
                row.set(F::FacName, name);
                row.set(F::FacNat, nationality(fc.human.country, f.spec.nat));
                row.truth("facilitator", tid::person(fc.human.id));
                if let Some(&p) = fc.phones.first() {
                    records::phone(
                        rng,
                        f,
                        &mut row,
                        &net.phones[p],
                        F::FacPhone,
                        F::Imei,
                        "facilitator_phone",
                    );
                }
                mark(fac_seen, fc.human.id);
            }
            out.write(file, &row)?;
            first_seen(out, migrants, m, &code)?;
        }
        Ok(())
    }

    fn arrest(&mut self, n: usize, fi: usize, file: usize, ev: &Event<'_>) -> Result<(), Error> {
        let Sim {
            rng,
            world,
            out,
            fac_seen,
            ..
        } = self;
        let net = &world.nets[n];
        let fc = &net.facs[fi];
        let mut ev = ev.clone();
        ev.when += Duration::hours(rng.random_range(2..40));
        // The role as the arresting officer wrote it; never the generator's network
        // code, which is the answer networks are scored against.
        ev.notes = vocab(out.files[file].spec.lang()).roles[fc.role.index()].to_string();
        let f = &mut out.files[file];
        let mut row = records::event_row(rng, f, &ev);
        let cat = if fc.convicted && chance(rng, 0.7) {
            CONVICTED
        } else {
            SUSPECT
        };
        let mut s = Seen::new(&fc.human, cat);
        s.role = Some(fc.role);
        s.nick = Some(fc.nick);
        s.phone = fc.phones.first().map(|&p| &net.phones[p]);
        s.doc = Some(&fc.id_doc);
        let a3 = COUNTRIES[fc.human.country].a3;
        s.id_no = Some(if matches!(a3, "SRB" | "BIH" | "MNE" | "MKD") {
            records::jmbg(rng, fc.human.birth)
        } else {
            fc.id_doc.number.clone()
        });
        records::person(rng, f, &mut row, &s, "person");
        out.write(file, &row)?;
        mark(fac_seen, fc.human.id);
        Ok(())
    }

    /// A download of a facilitator's seized phone: one row per saved contact.
    fn dump(&mut self, n: usize, fi: usize, file: usize, ev: &Event<'_>) -> Result<(), Error> {
        let Sim {
            rng,
            world,
            out,
            fac_seen,
            others,
            ..
        } = self;
        let nets = &world.nets;
        let net = &nets[n];
        let owner = &net.facs[fi];
        let f = &mut out.files[file];
        let lang = f.spec.lang();
        let id = f.next_id(ev.when.year(), ev.station);
        let owner_name = records::one_name(rng, f, &owner.human);
        let owner_phone = &net.phones[owner.phones[0]];
        let mut head = Row::default();
        records::phone(
            rng,
            f,
            &mut head,
            owner_phone,
            F::OwnerPhone,
            F::OwnerImei,
            "owner_phone",
        );
        // Contacts: the network, a few members of other networks, family and friends.
        let mut contacts: Vec<(usize, usize)> = (0..net.facs.len())
            .filter(|&j| j != fi && chance(rng, 0.85))
            .map(|j| (n, j))
            .collect();
        for _ in 0..rng.random_range(0..3) {
            let other = rng.random_range(0..nets.len());
            if other != n {
                contacts.push((other, rng.random_range(0..nets[other].facs.len())));
            }
        }
        let total = contacts.len() + rng.random_range(1..4);
        let role_words = vocab(lang).roles;
        for k in 0..total {
            let f = &mut out.files[file];
            let mut row = Row::default();
            row.set(F::RecId, id.clone());
            row.set(F::EntryNo, (k + 1).to_string());
            row.set(F::OwnerName, owner_name.clone());
            row.set(F::OwnerPhone, head.get(F::OwnerPhone));
            row.set(F::OwnerImei, head.get(F::OwnerImei));
            row.truth("owner", tid::person(owner.human.id));
            row.truth("owner_phone", tid::phone(owner_phone.id));
            let first = ev.when.date() - Duration::days(rng.random_range(30..400));
            let last = ev.when.date() - Duration::days(rng.random_range(0..10));
            row.set(F::FirstSeen, f.date(first));
            row.set(F::LastSeen, f.date(last));
            let (calls, msgs) = (rng.random_range(1..200), rng.random_range(0..500));
            row.set(
                F::CallCount,
                if lang == Lang::En {
                    format!("{calls} calls, {msgs} messages")
                } else {
                    format!("{calls} poziva, {msgs} poruka")
                },
            );
            if let Some(&(cn, cj)) = contacts.get(k) {
                let c = &nets[cn].facs[cj];
                if chance(rng, 0.9) {
                    let given = c.human.name.given().official();
                    let label = match rng.random_range(0..4) {
                        0 => c.nick.to_string(),
                        1 => format!("{given} {}", role_words[c.role.index()]),
                        2 => records::one_name(rng, f, &c.human),
                        _ => given.to_string(),
                    };
                    row.set(F::ContactName, label);
                    row.truth("contact", tid::person(c.human.id));
                    mark(fac_seen, c.human.id);
                }
                let p = &nets[cn].phones[*pick(rng, &c.phones)];
                records::phone(rng, f, &mut row, p, F::ContactPhone, F::Imei, "contact_phone");
            } else {
                let female = chance(rng, 0.5);
                let rel = Human::random(rng, &mut world.ids, owner.human.country, female, (1950, 2005));
                let label = if lang == Lang::En {
                    *pick(rng, &["Mum", "Brother", "Uncle", "Cousin"])
                } else {
                    *pick(rng, &["Mama", "Brat", "Kum", "Tetka"])
                };
                row.set(F::ContactName, format!("{label} {}", rel.name.given().official()));
                row.truth("contact", tid::person(rel.id));
                let p = Phone::random(rng, &mut world.ids, rel.country);
                records::phone(rng, f, &mut row, &p, F::ContactPhone, F::Imei, "contact_phone");
                *others += 1;
            }
            out.write(file, &row)?;
        }
        mark(fac_seen, owner.human.id);
        Ok(())
    }

    /// Call records of the network's phones around a crossing of Bulgaria.
    fn calls(&mut self, n: usize, file: usize, members: &[Migrant], t: NaiveDateTime) -> Result<(), Error> {
        let Sim { rng, world, out, .. } = self;
        let net = &world.nets[n];
        let organiser = net.pick_role(rng, Role::Organiser);
        let count = rng.random_range(2..=6);
        for k in 0..count {
            let from_migrant = k == 0 && chance(rng, 0.3);
            let a = if from_migrant {
                members.iter().find_map(|m| m.phone.as_ref())
            } else {
                let fa = rng.random_range(0..net.facs.len());
                net.facs[fa].phones.first().map(|&p| &net.phones[p])
            };
            let Some(a) = a else { continue };
            let b = &net.phones[*pick(rng, &net.facs[organiser].phones)];
            if a.id == b.id {
                continue;
            }
            let (a, b) = if from_migrant || chance(rng, 0.5) {
                (a, b)
            } else {
                (b, a)
            };
            let when = t - Duration::minutes(rng.random_range(-2880..600)) + Duration::seconds(rng.random_range(0..60));
            let f = &mut out.files[file];
            let mut row = Row::default();
            row.set(F::RecId, f.next_id(when.year(), ""));
            row.set(F::When, f.dt(when));
            let e164 = |p: &Phone| format!("{}{}", COUNTRIES[p.msisdn.country].cc, p.msisdn.nsn);
            row.set(F::Phone, e164(a));
            if let Some(i) = a.imei.as_ref().filter(|_| chance(rng, 0.8)) {
                row.set(F::Imei, i.clone());
            }
            row.set(F::CalleeNo, e164(b));
            let secs = rng.random_range(5..900);
            row.set(F::Duration, format!("00:{:02}:{:02}", secs / 60, secs % 60));
            row.set(
                F::Internal,
                format!(
                    "LAC {} / CI {}",
                    rng.random_range(1000..9999),
                    rng.random_range(10000..65000)
                ),
            );
            row.truth("caller", tid::phone(a.id));
            row.truth("callee", tid::phone(b.id));
            out.write(file, &row)?;
        }
        Ok(())
    }

    /// Migrants (or relatives abroad) paying the network's money collector.
    fn payments(&mut self, n: usize, agent: usize, members: &mut [Migrant], t: NaiveDateTime) -> Result<(), Error> {
        let ag = if self.world.agents[agent].a3 == "GBR" {
            Ag::Uk
        } else {
            Ag::Gr
        };
        let Some(file) = self.out.find(ag, Kind::Payment) else {
            return Ok(());
        };
        for m in members.iter_mut() {
            if !chance(&mut self.rng, 0.2) {
                continue;
            }
            let Sim { rng, world, .. } = self;
            let relative = chance(rng, 0.25).then(|| {
                let name = m.h.name.relative(rng);
                let h = Human {
                    id: world.ids.person(),
                    name,
                    birth: birth_date(rng, (1960, 1995)),
                    country: m.h.country,
                };
                let abroad = country(pick_code(rng, &["DEU", "GBR", "FRA"]));
                let p = Phone::random(rng, &mut world.ids, abroad);
                (h, p)
            });
            let (payer, cat, phone) = match &relative {
                Some((r, p)) => (r, OTHER, Some(p)),
                None => (&m.h, VICTIM, m.phone.as_ref()),
            };
            let net = &world.nets[n];
            let collector = net.facs[net.pick_role(rng, Role::MoneyCollector)].human.id;
            let amount = rng.random_range(15..80) * 100;
            let when = t - Duration::days(rng.random_range(0..20)) + Duration::minutes(rng.random_range(0..600));
            self.payment_row(file, n, agent, when, (payer, cat, phone), collector, amount)?;
            if relative.is_some() {
                self.others += 1;
            } else {
                let code = self.world.nets[n].code();
                first_seen(&mut self.out, &mut self.migrants, m, &code)?;
            }
        }
        Ok(())
    }

    /// The collector passing the takings on to the organiser.
    fn settlement(&mut self, n: usize, agent: usize, t: NaiveDateTime) -> Result<(), Error> {
        let Some(file) = self.out.find(Ag::Gr, Kind::Payment) else {
            return Ok(());
        };
        let Sim { rng, world, .. } = self;
        let net = &world.nets[n];
        let collector = &net.facs[net.pick_role(rng, Role::MoneyCollector)];
        let organiser = net.facs[net.pick_role(rng, Role::Organiser)].human.id;
        let phone = collector.phones.first().map(|&p| net.phones[p].clone());
        let payer = collector.human.clone();
        let amount = rng.random_range(40..400) * 100;
        self.payment_row(file, n, agent, t, (&payer, SUSPECT, phone.as_ref()), organiser, amount)
    }

    #[allow(clippy::too_many_arguments)]
    fn payment_row(
        &mut self,
        file: usize,
        n: usize,
        agent: usize,
        when: NaiveDateTime,
        payer: (&Human, usize, Option<&Phone>),
        ben: u64,
        amount: u32,
    ) -> Result<(), Error> {
        let Sim {
            rng,
            world,
            out,
            fac_seen,
            ..
        } = self;
        let net = &world.nets[n];
        let org = &world.agents[agent];
        let Some(bf) = net.facs.iter().find(|f| f.human.id == ben) else {
            return Ok(());
        };
        let f = &mut out.files[file];
        let v = vocab(f.spec.lang());
        let mut row = Row::default();
        row.set(F::RecId, f.next_id(when.year(), ""));
        row.set(F::When, f.dt(when));
        row.set(F::Place, org.city);
        row.set(F::EvCountry, org.a3);
        let (ph, cat, phone) = payer;
        row.set(F::PayerName, records::one_name(rng, f, ph));
        if chance(rng, 0.9) {
            row.set(F::PayerNat, nationality(ph.country, f.spec.nat));
        }
        row.set(F::PayerCat, v.cat[cat]);
        row.truth("payer", tid::person(ph.id));
        if let Some(p) = phone {
            records::phone(rng, f, &mut row, p, F::PayerPhone, F::Imei, "payer_phone");
        }
        let ben_name = if chance(rng, 0.25) {
            bf.nick.to_string()
        } else {
            records::one_name(rng, f, &bf.human)
        };
        row.set(F::BenName, ben_name);
        row.set(F::BenCat, v.cat[SUSPECT]);
        row.truth("beneficiary", tid::person(bf.human.id));
        if let Some(&p) = bf.phones.first().filter(|_| chance(rng, 0.6)) {
            records::phone(
                rng,
                f,
                &mut row,
                &net.phones[p],
                F::BenPhone,
                F::Imei,
                "beneficiary_phone",
            );
        }
        row.set(F::AgentName, org.name.clone());
        row.set(F::AgentCountry, org.a3);
        if let Some(r) = &org.reg {
            row.set(F::AgentReg, r.clone());
        }
        row.set(F::AgentType, org.sector);
        row.truth("agent", tid::org(org.id));
        let (currency, amount) = match org.a3 {
            "GBR" => ("GBP", amount * 8 / 10),
            "TUR" | "AFG" | "IRQ" => ("USD", amount * 11 / 10),
            _ => ("EUR", amount),
        };
        row.set(F::Amount, amount.to_string());
        row.set(F::Currency, currency);
        row.set(
            F::Method,
            *pick(rng, &["hawala", "hawala", "cash", "money transfer", "bank transfer"]),
        );
        row.set(
            F::Purpose,
            *pick(
                rng,
                &["family support", "loan repayment", "gift", "travel expenses", "", ""],
            ),
        );
        out.write(file, &row)?;
        mark(fac_seen, bf.human.id);
        mark(fac_seen, ph.id);
        Ok(())
    }

    /// Air-route migrants booked through a travel agency, with a few genuine travellers.
    fn bookings(&mut self, n: usize, members: &mut [Migrant], t: NaiveDateTime) -> Result<(), Error> {
        let Some(file) = self.out.find(Ag::Rs, Kind::Travel) else {
            return Ok(());
        };
        let Sim {
            rng,
            world,
            out,
            fac_seen,
            others,
            migrants,
            ..
        } = self;
        let net = &world.nets[n];
        let code = net.code();
        // An agency in the travellers' country when there is one, else the network's usual one.
        let home = members.first().map_or("", |m| COUNTRIES[m.h.country].a3);
        let local: Vec<usize> = (0..world.travel.len())
            .filter(|&i| world.travel[i].a3 == home)
            .collect();
        let agency = &world.travel[if local.is_empty() {
            net.travel
        } else {
            local[n % local.len()]
        }];
        let employee = &net.facs[net.pick_role(rng, Role::Recruiter)].human;
        let mut extra = Vec::new();
        for _ in 0..rng.random_range(0..=2) {
            let c = members.first().map_or(0, |m| m.h.country);
            let female = chance(rng, 0.4);
            extra.push(Human::random(rng, &mut world.ids, c, female, (1960, 2002)));
        }
        let count = members.len() + extra.len();
        for k in 0..count {
            let (h, doc, cat) = match members.get(k) {
                Some(m) => (&m.h, m.doc.as_ref(), VICTIM),
                None => (&extra[k - members.len()], None, OTHER),
            };
            let f = &mut out.files[file];
            let booked = t - Duration::days(rng.random_range(5..40));
            let mut row = Row::default();
            row.set(F::RecId, f.next_id(booked.year(), ""));
            row.set(F::Booking, f.date(booked.date()));
            let mut s = Seen::new(h, cat);
            s.doc = doc;
            records::person(rng, f, &mut row, &s, "person");
            if doc.is_none() {
                row.set(F::DocNo, mrzdocs::number(rng, h.country, false));
                row.set(F::DocType, vocab(f.spec.lang()).doc_type[0]);
                row.set(F::DocCountry, COUNTRIES[h.country].a3);
            }
            row.set(F::AgencyName, agency.name.clone());
            row.set(F::AgencyCountry, agency.a3);
            if let Some(r) = &agency.reg {
                row.set(F::AgencyReg, r.clone());
            }
            if chance(rng, 0.8) {
                row.set(
                    F::StateLinked,
                    vocab(f.spec.lang()).yes_no[usize::from(!agency.state_linked)],
                );
            }
            row.truth("agency", tid::org(agency.id));
            row.set(F::FacName, records::one_name(rng, f, employee));
            row.set(F::FacRole, *pick(rng, &["agent prodaje", "menadžer", "vodič grupe"]));
            row.truth("employee", tid::person(employee.id));
            let from = match COUNTRIES[h.country].a3 {
                "IRN" => "IKA",
                "TUN" => "TUN",
                _ => "IST",
            };
            row.set(
                F::Flight,
                format!("JU {} {from}-BEG {}", rng.random_range(100..1999), f.date(t.date())),
            );
            out.write(file, &row)?;
            match members.get_mut(k) {
                Some(m) => first_seen(out, migrants, m, &code)?,
                None => *others += 1,
            }
        }
        mark(fac_seen, employee.id);
        Ok(())
    }
}

/// What an agency noted about a document: fraud is caught with probability by
/// kind (a little better by specialists, `bonus`); genuine ones are often noted.
fn doc_status(rng: &mut Rng, kind: DocKind, bonus: f64) -> Option<usize> {
    let p = match kind {
        DocKind::Genuine => return chance(rng, 0.6).then_some(0),
        DocKind::Forged => 0.75,
        DocKind::Altered => 0.5,
        DocKind::StolenBlank => 0.4,
        DocKind::Impostor => 0.3,
    };
    chance(rng, p + bonus).then_some(kind.index())
}

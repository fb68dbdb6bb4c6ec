//! The facilitator world, built once before any migrant is generated: smuggling
//! networks with their members and roles, shared phones and burner SIMs, vehicles,
//! boats, safe houses, and the money-transfer agents and travel agencies several
//! networks use. Its size grows sub-linearly with the data set, so memory stays
//! bounded while migrants stream.

use chrono::NaiveDate;
use rand::Rng as _;

use crate::formats::{COUNTRIES, MIGRANT_ORIGINS, Msisdn, country, imei, plate};
use crate::geo::{CITIES, Mode, ROUTES};
use crate::mrzdocs::{self, Doc, DocKind, Issue};
use crate::names::{Name, nickname};
use crate::util::{Rng, chance, pattern, pick, pick_code, weighted, weighted_code};

/// Allocates ground-truth ids, one counter per kind of thing.
#[derive(Debug, Default)]
pub struct Ids {
    person: u64,
    phone: u64,
    vehicle: u64,
    vessel: u64,
    doc: u64,
    org: u64,
    address: u64,
}

impl Ids {
    /// The next person id.
    pub fn person(&mut self) -> u64 {
        self.person += 1;
        self.person
    }
    /// The next phone id.
    pub fn phone(&mut self) -> u64 {
        self.phone += 1;
        self.phone
    }
    /// The next document id.
    pub fn doc(&mut self) -> u64 {
        self.doc += 1;
        self.doc
    }
    fn vehicle(&mut self) -> u64 {
        self.vehicle += 1;
        self.vehicle
    }
    fn vessel(&mut self) -> u64 {
        self.vessel += 1;
        self.vessel
    }
    fn org(&mut self) -> u64 {
        self.org += 1;
        self.org
    }
    fn address(&mut self) -> u64 {
        self.address += 1;
        self.address
    }
}

/// Ground-truth id texts, as written in `truth/`: one prefix per kind of thing,
/// so ids of different kinds never collide.
pub mod tid {
    pub fn person(n: u64) -> String {
        format!("P{n:07}")
    }
    pub fn phone(n: u64) -> String {
        format!("T{n:06}")
    }
    pub fn vehicle(n: u64) -> String {
        format!("V{n:05}")
    }
    pub fn vessel(n: u64) -> String {
        format!("B{n:05}")
    }
    pub fn doc(n: u64) -> String {
        format!("D{n:07}")
    }
    pub fn org(n: u64) -> String {
        format!("O{n:04}")
    }
    pub fn address(n: u64) -> String {
        format!("A{n:05}")
    }
}

/// A real person.
#[derive(Debug, Clone)]
pub struct Human {
    pub id: u64,
    pub name: Name,
    pub birth: NaiveDate,
    /// Country index of nationality.
    pub country: usize,
}

impl Human {
    /// A new person of `country`, born within `born`.
    pub fn random(rng: &mut Rng, ids: &mut Ids, country: usize, female: bool, born: (i32, i32)) -> Human {
        let name = Name::random(rng, COUNTRIES[country].culture, female);
        Human {
            id: ids.person(),
            name,
            birth: birth_date(rng, born),
            country,
        }
    }
}

/// A birth date within `(first year, last year)`.
pub fn birth_date(rng: &mut Rng, (a, b): (i32, i32)) -> NaiveDate {
    let year = rng.random_range(a..=b);
    let day = rng.random_range(0..365);
    NaiveDate::from_yo_opt(year, day + 1).unwrap_or_default()
}

/// A facilitator's job in a network; the words of `truth/networks.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Organiser,
    Recruiter,
    Driver,
    BoatPilot,
    MoneyCollector,
    DocumentForger,
    SafeHouseKeeper,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        [
            "organiser",
            "recruiter",
            "driver",
            "boat_pilot",
            "money_collector",
            "document_forger",
            "safe_house_keeper",
        ][self as usize]
    }

    /// Position in the vocabulary's role list.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A phone: a SIM number, and the handset's IMEI when known.
#[derive(Debug, Clone)]
pub struct Phone {
    pub id: u64,
    pub msisdn: Msisdn,
    pub imei: Option<String>,
}

impl Phone {
    /// A new SIM of `country`, with the handset's IMEI six times in ten.
    pub fn random(rng: &mut Rng, ids: &mut Ids, country: usize) -> Phone {
        Phone {
            id: ids.phone(),
            msisdn: Msisdn::random(rng, country),
            imei: chance(rng, 0.6).then(|| imei(rng)),
        }
    }
}

/// A network's car, van or lorry.
#[derive(Debug, Clone)]
pub struct Vehicle {
    pub id: u64,
    pub a3: &'static str,
    pub plate: String,
    pub model: &'static str,
    pub mode: Mode,
}

/// A network's boat; only named speedboats can be identified from the air.
#[derive(Debug, Clone)]
pub struct Vessel {
    pub id: u64,
    pub mode: Mode,
    pub kind: &'static str,
    pub engine: String,
    pub hull: Option<String>,
    pub name: Option<String>,
}

/// A safe house where groups wait between legs.
#[derive(Debug, Clone)]
pub struct House {
    pub id: u64,
    pub city: &'static str,
    pub full: String,
    pub lat: f64,
    pub lon: f64,
    pub a3: &'static str,
}

/// A member of a network, with the phones and ID card agencies will find on them.
#[derive(Debug, Clone)]
pub struct Facilitator {
    pub human: Human,
    pub role: Role,
    /// Indices into the network's phones; burners are shared.
    pub phones: Vec<usize>,
    pub convicted: bool,
    pub nick: &'static str,
    pub id_doc: Doc,
    /// Whether the facilitator's phone was already downloaded by an agency.
    pub dumped: bool,
}

/// A money-transfer agent or a travel agency.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: u64,
    pub name: String,
    pub a3: &'static str,
    pub reg: Option<String>,
    pub sector: &'static str,
    pub state_linked: bool,
    pub city: &'static str,
}

/// A stolen batch of blank passports: numbers run from `start`.
#[derive(Debug, Clone)]
pub struct Blanks {
    pub issuing: usize,
    pub prefix: &'static str,
    pub start: u32,
    pub used: u32,
}

/// A smuggling network: its routes, members and assets.
#[derive(Debug, Clone)]
pub struct Network {
    pub id: usize,
    pub routes: Vec<usize>,
    pub facs: Vec<Facilitator>,
    pub phones: Vec<Phone>,
    pub vehicles: Vec<Vehicle>,
    pub vessels: Vec<Vessel>,
    pub houses: Vec<House>,
    /// Index into `World::agents` of its usual money agent, and its UK agent.
    pub agent: usize,
    pub uk_agent: usize,
    pub travel: usize,
    pub blanks: Option<Blanks>,
}

impl Network {
    /// The network id of `truth/networks.csv`.
    pub fn code(&self) -> String {
        format!("NET-{:03}", self.id + 1)
    }

    /// Members with `role`, by index.
    pub fn with_role(&self, role: Role) -> Vec<usize> {
        (0..self.facs.len()).filter(|&i| self.facs[i].role == role).collect()
    }

    /// One member with `role`, or any member when the network has none.
    pub fn pick_role(&self, rng: &mut Rng, role: Role) -> usize {
        let list = self.with_role(role);
        if list.is_empty() {
            rng.random_range(0..self.facs.len())
        } else {
            *pick(rng, &list)
        }
    }
}

/// Everything generated before migrants stream: bounded by the number of networks.
#[derive(Debug)]
pub struct World {
    pub nets: Vec<Network>,
    pub agents: Vec<Org>,
    pub travel: Vec<Org>,
    pub ids: Ids,
}

const AGENT_NAMES: &[(&str, &str, &str)] = &[
    ("Al-Noor Exchange", "TUR", "İstanbul"),
    ("Bright Star Money Transfer", "GBR", "London"),
    ("Bab Al-Hara Hawala", "TUR", "Gaziantep"),
    ("Ariana Sarafi", "AFG", "Kabul"),
    ("Al-Sham Cargo & Exchange", "GBR", "Birmingham"),
    ("Omonia Express Transfers", "GRC", "Αθήνα"),
    ("Aksaray Döviz", "TUR", "İstanbul"),
    ("Shahzada Market Sarafi 112", "AFG", "Kabul"),
    ("Zakho Money Transfer", "IRQ", "Zakho"),
    ("Kypseli Mini Market", "GRC", "Αθήνα"),
    ("Eurolink Remit", "DEU", "Berlin"),
    ("Dunav Menjačnica", "SRB", "Beograd"),
];

const TRAVEL_NAMES: &[(&str, &str, &str, bool)] = &[
    ("Persepolis Safar", "IRN", "Tehran", true),
    ("Anadolu Seyahat", "TUR", "İstanbul", false),
    ("Balkan Wings Travel", "SRB", "Beograd", false),
    ("Kish Air Tours", "IRN", "Tehran", true),
    ("Carthage Voyages", "TUN", "Tunis", false),
    ("Sky Bridge Travel", "TUR", "Ankara", false),
    ("Sahara Star Voyages", "TUN", "Sfax", true),
    ("Nikola Tesla Tours", "SRB", "Beograd", false),
];

const VAN_MODELS: &[&str] = &[
    "Mercedes-Benz Sprinter",
    "VW Transporter",
    "Renault Master",
    "Fiat Ducato",
    "Ford Transit",
    "Opel Vivaro",
    "Peugeot Boxer",
];
const CAR_MODELS: &[&str] = &[
    "VW Passat",
    "Škoda Octavia",
    "Audi A6",
    "BMW 520d",
    "Opel Astra",
    "Renault Mégane",
];
const LORRY_MODELS: &[&str] = &["Scania R450", "Volvo FH", "DAF XF", "MAN TGX", "Mercedes-Benz Actros"];

impl World {
    /// Builds `networks` networks and the shared agents they use.
    pub fn build(rng: &mut Rng, networks: usize) -> Result<World, corridor_mrz::Error> {
        let mut ids = Ids::default();
        let n_agents = (3 + networks / 3).min(AGENT_NAMES.len() * 4);
        let agents = (0..n_agents).map(|i| agent(rng, &mut ids, i)).collect();
        let n_travel = (2 + networks / 6).min(TRAVEL_NAMES.len() * 3);
        let travel = (0..n_travel)
            .map(|i| {
                let (name, a3, city, linked) = TRAVEL_NAMES[i % TRAVEL_NAMES.len()];
                let name = if i < TRAVEL_NAMES.len() {
                    name.to_string()
                } else {
                    format!("{name} {}", i / TRAVEL_NAMES.len() + 1)
                };
                Org {
                    id: ids.org(),
                    name,
                    a3,
                    reg: Some(pattern(rng, "########")),
                    sector: "travel agency",
                    state_linked: linked,
                    city,
                }
            })
            .collect();
        let mut world = World {
            nets: Vec::new(),
            agents,
            travel,
            ids,
        };
        for id in 0..networks {
            let net = world.network(rng, id)?;
            world.nets.push(net);
        }
        Ok(world)
    }

    fn network(&mut self, rng: &mut Rng, id: usize) -> Result<Network, corridor_mrz::Error> {
        let route_weights: Vec<(usize, u32)> = ROUTES.iter().enumerate().map(|(i, r)| (i, r.weight)).collect();
        // The first networks cover every route once, so even a demo shows them all.
        let mut routes = vec![if id < ROUTES.len() {
            id
        } else {
            *weighted(rng, &route_weights)
        }];
        if chance(rng, 0.3) {
            let other = *weighted(rng, &route_weights);
            if other != routes[0] {
                routes.push(other);
            }
        }
        let region: Vec<&str> = routes.iter().flat_map(|&r| ROUTES[r].region.iter().copied()).collect();
        let boats: Vec<Mode> = routes
            .iter()
            .flat_map(|&r| ROUTES[r].legs.iter().map(|l| l.mode))
            .filter(|m| m.is_boat())
            .collect();
        let migrant_land = |rng: &mut Rng| -> &'static str { weighted_code(rng, MIGRANT_ORIGINS) };
        let mut plan: Vec<(Role, &'static str)> = Vec::new();
        let organisers = 1 + usize::from(chance(rng, 0.3));
        for _ in 0..organisers {
            plan.push((
                Role::Organiser,
                if chance(rng, 0.5) {
                    pick_code(rng, &region)
                } else {
                    migrant_land(rng)
                },
            ));
        }
        for _ in 0..rng.random_range(1..=2) {
            plan.push((Role::Recruiter, migrant_land(rng)));
        }
        for _ in 0..rng.random_range(2..=6) {
            plan.push((Role::Driver, pick_code(rng, &region)));
        }
        if !boats.is_empty() {
            for _ in 0..rng.random_range(1..=3) {
                plan.push((Role::BoatPilot, pick_code(rng, &["TUR", "EGY", "SYR", "IRQ", "AFG"])));
            }
        }
        for _ in 0..rng.random_range(1..=2) {
            plan.push((
                Role::MoneyCollector,
                if chance(rng, 0.6) { migrant_land(rng) } else { "TUR" },
            ));
        }
        if chance(rng, 0.5) {
            plan.push((Role::DocumentForger, pick_code(rng, &["TUR", "GRC", "BGR", "SRB"])));
        }
        for _ in 0..rng.random_range(1..=2) {
            plan.push((Role::SafeHouseKeeper, pick_code(rng, &region)));
        }

        let mut phones = Vec::new();
        let mut facs = Vec::new();
        for (role, a3) in plan {
            let c = country(a3);
            let female = matches!(role, Role::MoneyCollector | Role::SafeHouseKeeper)
                && chance(rng, 0.15)
                && !COUNTRIES[c].culture_gendered();
            let human = Human::random(rng, &mut self.ids, c, female, (1962, 2001));
            let sim_country = if chance(rng, 0.7) {
                c
            } else {
                country(pick_code(rng, &region))
            };
            phones.push(Phone::random(rng, &mut self.ids, sim_country));
            let mut own = vec![phones.len() - 1];
            if role == Role::Organiser {
                phones.push(Phone::random(rng, &mut self.ids, country("TUR")));
                own.push(phones.len() - 1);
            }
            let issued = birth_date(rng, (2015, 2023));
            let issue = Issue {
                id: self.ids.doc(),
                kind: DocKind::Genuine,
                holder: human.id,
                name: human.name,
                birth: human.birth,
                female,
                issuing: c,
                id_card: a3 != "AFG" && a3 != "SYR" && a3 != "PAK" && a3 != "IRQ" && a3 != "EGY",
                issued,
            };
            let number = mrzdocs::number(rng, c, issue.id_card);
            let id_doc = mrzdocs::issue(rng, &issue, number)?;
            facs.push(Facilitator {
                human,
                role,
                phones: own,
                convicted: chance(rng, 0.15),
                nick: nickname(rng),
                id_doc,
                dumped: false,
            });
        }
        // Burner SIMs, each passed between several drivers and boat pilots.
        let movers: Vec<usize> = (0..facs.len())
            .filter(|&i| matches!(facs[i].role, Role::Driver | Role::BoatPilot | Role::Organiser))
            .collect();
        for _ in 0..rng.random_range(1..=3) {
            let sim_country = country(pick_code(rng, &region));
            phones.push(Phone::random(rng, &mut self.ids, sim_country));
            let p = phones.len() - 1;
            for _ in 0..rng.random_range(2..=4) {
                let f = *pick(rng, &movers);
                if !facs[f].phones.contains(&p) {
                    facs[f].phones.push(p);
                }
            }
        }
        let mut vehicles = Vec::new();
        for _ in 0..rng.random_range(2..=5) {
            let a3 = if chance(rng, 0.75) {
                pick_code(rng, &region)
            } else {
                pick(rng, &["ROU", "HUN", "AUT", "DEU"])
            };
            let mode = *pick(rng, &[Mode::Van, Mode::Van, Mode::Car, Mode::Lorry]);
            let model = match mode {
                Mode::Van => pick(rng, VAN_MODELS),
                Mode::Lorry => pick(rng, LORRY_MODELS),
                _ => pick(rng, CAR_MODELS),
            };
            let a3 = if a3 == "AFG" || (a3 == "TUR" && mode != Mode::Lorry) {
                "SRB"
            } else {
                a3
            };
            vehicles.push(Vehicle {
                id: self.ids.vehicle(),
                a3,
                plate: plate(rng, a3),
                model,
                mode,
            });
        }
        let mut vessels = Vec::new();
        for &mode in &boats {
            if vessels.iter().any(|v: &Vessel| v.mode == mode) {
                continue;
            }
            for _ in 0..rng.random_range(1..=2) {
                vessels.push(vessel(rng, &mut self.ids, mode));
            }
        }
        let cities: Vec<usize> = (0..CITIES.len())
            .filter(|&i| region.contains(&CITIES[i].4) || CITIES[i].4 == "FRA")
            .collect();
        let mut houses = Vec::new();
        for _ in 0..rng.random_range(1..=3) {
            let (city, streets, lat, lon, a3) = CITIES[*pick(rng, &cities)];
            let full = format!("{} {}, {city}", pick(rng, streets), rng.random_range(1..120));
            let lat = crate::util::jitter(rng, lat, 0.02);
            let lon = crate::util::jitter(rng, lon, 0.02);
            houses.push(House {
                id: self.ids.address(),
                city,
                full,
                lat,
                lon,
                a3,
            });
        }
        let gr_agents: Vec<usize> = (0..self.agents.len()).filter(|&i| self.agents[i].a3 != "GBR").collect();
        let uk_agents: Vec<usize> = (0..self.agents.len()).filter(|&i| self.agents[i].a3 == "GBR").collect();
        let blanks = facs.iter().any(|f| f.role == Role::DocumentForger).then(|| {
            let (issuing, prefix) = *pick(rng, &[("BGR", "38"), ("GRC", "AN"), ("MKD", "M"), ("SRB", "01")]);
            Blanks {
                issuing: country(issuing),
                prefix,
                start: rng.random_range(1000..9000) * 100,
                used: 0,
            }
        });
        Ok(Network {
            id,
            routes,
            facs,
            phones,
            vehicles,
            vessels,
            houses,
            agent: *pick(rng, &gr_agents),
            uk_agent: *pick(rng, &uk_agents),
            travel: rng.random_range(0..self.travel.len()),
            blanks,
        })
    }
}

fn agent(rng: &mut Rng, ids: &mut Ids, i: usize) -> Org {
    let (name, a3, city) = AGENT_NAMES[i % AGENT_NAMES.len()];
    let name = if i < AGENT_NAMES.len() {
        name.to_string()
    } else {
        format!("{name} {}", i / AGENT_NAMES.len() + 1)
    };
    let licensed = matches!(a3, "GBR" | "DEU" | "GRC" | "SRB") && chance(rng, 0.7);
    Org {
        id: ids.org(),
        name,
        a3,
        reg: licensed.then(|| pattern(rng, "#######")),
        sector: if licensed { "money transfer operator" } else { "hawala" },
        state_linked: false,
        city,
    }
}

fn vessel(rng: &mut Rng, ids: &mut Ids, mode: Mode) -> Vessel {
    let (kind, engines): (&str, &[&str]) = match mode {
        Mode::RiverBoat => (
            "inflatable boat 4 m",
            &["Tohatsu 9.8 HP", "Yamaha 15 HP", "Mercury 9.9 HP"],
        ),
        Mode::Dinghy => (
            "rubber dinghy 9.5 m",
            &["Yamaha 40 HP", "Tohatsu 40 HP", "Parsun 40 HP"],
        ),
        _ => (
            "inflatable small boat 10 m",
            &["Mercury 60 HP", "Suzuki 60 HP", "Yamaha 60 HP", "Tohatsu 50 HP"],
        ),
    };
    let engine = format!("{} s/n {}", pick(rng, engines), pattern(rng, "#A##-#######"));
    let hull = (mode == Mode::SmallBoat && chance(rng, 0.5)).then(|| pattern(rng, "FR-AAA#####A###"));
    if mode == Mode::Dinghy && chance(rng, 0.4) {
        // A fast RIB with a painted name, run by the network's own pilots.
        let name = format!(
            "{} {}",
            pick(rng, &["DENIZ", "YILDIZ", "MAVI", "POYRAZ", "KARTAL"]),
            rng.random_range(1..40)
        );
        return Vessel {
            id: ids.vessel(),
            mode,
            kind: "speedboat (RIB) 7 m",
            engine: format!("Suzuki 250 HP s/n {}", pattern(rng, "##A-######")),
            hull,
            name: Some(name),
        };
    }
    Vessel {
        id: ids.vessel(),
        mode,
        kind,
        engine,
        hull,
        name: None,
    }
}

impl crate::formats::Country {
    /// Whether surnames of the culture change with gender (kept male for simplicity).
    pub fn culture_gendered(&self) -> bool {
        matches!(
            self.culture,
            crate::names::Culture::Bulgarian | crate::names::Culture::Macedonian | crate::names::Culture::Greek
        )
    }
}

//! The corridor's geography: crossing points (domain brief §8, plus Lesvos, Belgrade
//! airport and Šćepan Polje), the agencies that police each side, and the routes
//! smuggling networks run through them.

use chrono::{NaiveDateTime, NaiveTime};
use rand::Rng as _;

use crate::util::{Rng, chance, jitter};

/// The agencies whose files the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ag {
    Rs,
    Mk,
    Ba,
    Al,
    Me,
    Xk,
    Bg,
    Gr,
    Fx,
    Uk,
}

/// How a group travels on one leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Foot,
    Van,
    Car,
    Lorry,
    RiverBoat,
    Dinghy,
    SmallBoat,
    Air,
}

impl Mode {
    /// Position in the vocabulary's mode list.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Boats have pilots and vessels.
    pub fn is_boat(self) -> bool {
        matches!(self, Mode::RiverBoat | Mode::Dinghy | Mode::SmallBoat)
    }

    /// Vehicles have drivers and plates.
    pub fn is_vehicle(self) -> bool {
        matches!(self, Mode::Van | Mode::Car | Mode::Lorry)
    }

    /// When groups move: boats and green-border walks at night, lorries at any hour.
    pub fn time(self, rng: &mut Rng) -> NaiveTime {
        let hour = match self {
            Mode::Foot | Mode::RiverBoat | Mode::Dinghy | Mode::SmallBoat => {
                let h = rng.random_range(0..10);
                if h < 4 { 20 + h } else { h - 4 }
            }
            Mode::Air => rng.random_range(7..23),
            _ => {
                if chance(rng, 0.7) {
                    let h = rng.random_range(0..9);
                    if h < 3 { 21 + h } else { h - 3 }
                } else {
                    rng.random_range(6..21)
                }
            }
        };
        NaiveTime::from_hms_opt(hour, rng.random_range(0..60), 0).unwrap_or_default()
    }
}

/// A place where crossings happen.
#[derive(Debug)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
    /// How far events scatter around it, in degrees.
    pub spread: f64,
    pub en: &'static str,
    /// Station code used in record ids.
    pub code: &'static str,
}

/// One leg of a route: where, who may record it (with the place name in their
/// language; the first listed records twice as often), whose territory it enters, how, and who may watch from the air.
#[derive(Debug)]
pub struct Leg {
    pub at: Point,
    pub by: &'static [(Ag, &'static str)],
    /// The agency whose territory the leg enters; `None` for states without a file here.
    pub enters: Option<Ag>,
    pub mode: Mode,
    pub sight: Option<Ag>,
    /// Days spent before this leg, min and max.
    pub wait: (i64, i64),
    /// Chance an agency records the group: high at official crossing points
    /// (scanners, document checks), lower on the green border.
    pub detect: f64,
}

/// A route: its legs in order and the origins of those who take it.
#[derive(Debug)]
pub struct Route {
    pub legs: &'static [Leg],
    /// Nationalities (alpha-3) of the regional facilitators.
    pub region: &'static [&'static str],
    /// Migrant origins for this route; empty: the general mix.
    pub origins: &'static [(&'static str, u32)],
    pub weight: u32,
}

const fn pt(lat: f64, lon: f64, spread: f64, en: &'static str, code: &'static str) -> Point {
    Point {
        lat,
        lon,
        spread,
        en,
        code,
    }
}

const EVROS: Leg = Leg {
    at: pt(41.30, 26.30, 0.25, "Evros river", "ORE"),
    by: &[(Ag::Gr, "Νέα Βύσσα, Έβρος"), (Ag::Fx, "Evros / Orestiada")],
    enters: Some(Ag::Gr),
    mode: Mode::RiverBoat,
    sight: Some(Ag::Fx),
    wait: (1, 20),
    detect: 0.5,
};
const LESVOS: Leg = Leg {
    at: pt(39.35, 26.30, 0.12, "Lesvos north coast", "LES"),
    by: &[
        (Ag::Gr, "Σκάλα Συκαμινέας, Λέσβος"),
        (Ag::Fx, "Lesvos, Skala Sykamineas"),
    ],
    enters: Some(Ag::Gr),
    mode: Mode::Dinghy,
    sight: Some(Ag::Fx),
    wait: (1, 25),
    detect: 0.6,
};
const KAPITAN: Leg = Leg {
    at: pt(41.72, 26.32, 0.15, "Kapitan Andreevo", "KAN"),
    by: &[(Ag::Bg, "Капитан Андреево"), (Ag::Fx, "Kapitan Andreevo")],
    enters: Some(Ag::Bg),
    mode: Mode::Foot,
    sight: Some(Ag::Bg),
    wait: (1, 20),
    detect: 0.5,
};
const GEVGELIJA: Leg = Leg {
    at: pt(41.13, 22.51, 0.08, "Idomeni-Gevgelija", "GEV"),
    by: &[(Ag::Mk, "Гевгелија")],
    enters: Some(Ag::Mk),
    mode: Mode::Foot,
    sight: None,
    wait: (5, 40),
    detect: 0.5,
};
const TABANOVCE: Leg = Leg {
    at: pt(42.21, 21.70, 0.06, "Tabanovce-Presevo", "TAB"),
    by: &[(Ag::Mk, "Табановце"), (Ag::Rs, "Preševo, Miratovac")],
    enters: Some(Ag::Rs),
    mode: Mode::Van,
    sight: None,
    wait: (2, 15),
    detect: 0.5,
};
const KALOTINA: Leg = Leg {
    at: pt(42.99, 22.87, 0.07, "Kalotina-Gradina", "KAL"),
    by: &[(Ag::Bg, "Калотина"), (Ag::Rs, "Gradina, Dimitrovgrad")],
    enters: Some(Ag::Rs),
    mode: Mode::Van,
    sight: Some(Ag::Bg),
    wait: (5, 45),
    detect: 0.55,
};
const HORGOS: Leg = Leg {
    at: pt(46.17, 19.97, 0.05, "Horgos-Roszke", "HOR"),
    by: &[(Ag::Rs, "Horgoš")],
    enters: None,
    mode: Mode::Lorry,
    sight: None,
    wait: (10, 60),
    detect: 0.6,
};
const KELEBIJA: Leg = Leg {
    at: pt(46.17, 19.61, 0.05, "Kelebija-Tompa", "KEL"),
    by: &[(Ag::Rs, "Kelebija, Subotica")],
    enters: None,
    mode: Mode::Foot,
    sight: None,
    wait: (10, 60),
    detect: 0.45,
};
const BATROVCI: Leg = Leg {
    at: pt(45.05, 19.11, 0.04, "Batrovci-Bajakovo", "BAT"),
    by: &[(Ag::Rs, "Batrovci, Šid")],
    enters: None,
    mode: Mode::Lorry,
    sight: None,
    wait: (7, 40),
    detect: 0.6,
};
const ZVORNIK: Leg = Leg {
    at: pt(44.38, 19.10, 0.05, "Mali Zvornik-Zvornik", "ZVO"),
    by: &[(Ag::Rs, "Mali Zvornik"), (Ag::Ba, "Zvornik")],
    enters: Some(Ag::Ba),
    mode: Mode::Car,
    sight: None,
    wait: (5, 30),
    detect: 0.5,
};
const KLADUSA: Leg = Leg {
    at: pt(45.18, 15.81, 0.06, "Velika Kladusa-Maljevac", "VKL"),
    by: &[(Ag::Ba, "Velika Kladuša")],
    enters: None,
    mode: Mode::Foot,
    sight: None,
    wait: (15, 90),
    detect: 0.5,
};
const BIHAC: Leg = Leg {
    at: pt(44.88, 15.76, 0.06, "Bihac-Izacic", "BIH"),
    by: &[(Ag::Ba, "Bihać, Izačić")],
    enters: None,
    mode: Mode::Foot,
    sight: None,
    wait: (15, 90),
    detect: 0.5,
};
const KAKAVIA: Leg = Leg {
    at: pt(39.91, 20.33, 0.06, "Kakavia", "KAK"),
    by: &[(Ag::Al, "Kakavijë")],
    enters: Some(Ag::Al),
    mode: Mode::Foot,
    sight: None,
    wait: (5, 40),
    detect: 0.5,
};
const KAPSHTICE: Leg = Leg {
    at: pt(40.62, 21.07, 0.06, "Kapshtice-Krystallopigi", "KAP"),
    by: &[(Ag::Al, "Kapshticë, Korçë")],
    enters: Some(Ag::Al),
    mode: Mode::Foot,
    sight: None,
    wait: (5, 40),
    detect: 0.5,
};
const HOTIT: Leg = Leg {
    at: pt(42.35, 19.44, 0.04, "Hani i Hotit-Bozaj", "HOT"),
    by: &[(Ag::Al, "Hani i Hotit"), (Ag::Me, "Božaj")],
    enters: Some(Ag::Me),
    mode: Mode::Van,
    sight: None,
    wait: (3, 20),
    detect: 0.6,
};
const SCEPAN: Leg = Leg {
    at: pt(43.34, 18.84, 0.05, "Scepan Polje-Hum", "SCP"),
    by: &[(Ag::Me, "Šćepan Polje, Plužine"), (Ag::Ba, "Hum, Foča")],
    enters: Some(Ag::Ba),
    mode: Mode::Car,
    sight: None,
    wait: (3, 25),
    detect: 0.55,
};
const JARINJE: Leg = Leg {
    at: pt(43.05, 20.58, 0.04, "Jarinje", "JAR"),
    by: &[(Ag::Xk, "Jarinjë")],
    enters: Some(Ag::Rs),
    mode: Mode::Van,
    sight: None,
    wait: (3, 25),
    detect: 0.8,
};
const BELGRADE_AIR: Leg = Leg {
    at: pt(44.82, 20.29, 0.005, "Belgrade Nikola Tesla airport", "BEG"),
    by: &[(Ag::Rs, "Aerodrom Nikola Tesla, Beograd")],
    enters: Some(Ag::Rs),
    mode: Mode::Air,
    sight: None,
    wait: (0, 1),
    detect: 1.0,
};
/// Channel departures (Gravelines, Wimereux, Calais) to Dover: the UK records the
/// arrival, Frontex's aircraft may see the boat leave.
const CHANNEL: Leg = Leg {
    at: pt(51.03, 1.55, 0.12, "English Channel", "DVR"),
    by: &[(Ag::Uk, "Dover, Western Jet Foil")],
    enters: Some(Ag::Uk),
    mode: Mode::SmallBoat,
    sight: Some(Ag::Fx),
    wait: (20, 120),
    detect: 0.9,
};

/// Channel departure beaches: `(name, lat, lon)`.
pub const DEPARTURES: &[(&str, f64, f64)] = &[
    ("Gravelines", 50.99, 2.13),
    ("Wimereux", 50.77, 1.61),
    ("Calais", 50.95, 1.86),
];

/// Every route networks run.
pub static ROUTES: &[Route] = &[
    // Evros-Gevgelija-Presevo-Horgos
    Route {
        legs: &[EVROS, GEVGELIJA, TABANOVCE, HORGOS, CHANNEL],
        region: &["MKD", "SRB", "GRC", "TUR"],
        origins: &[],
        weight: 30,
    },
    // Evros-Gevgelija-Presevo-Kelebija
    Route {
        legs: &[EVROS, GEVGELIJA, TABANOVCE, KELEBIJA],
        region: &["MKD", "SRB", "AFG"],
        origins: &[],
        weight: 10,
    },
    // Kapitan Andreevo-Kalotina-Zvornik-Velika Kladusa
    Route {
        legs: &[KAPITAN, KALOTINA, ZVORNIK, KLADUSA, CHANNEL],
        region: &["BGR", "TUR", "SRB", "BIH"],
        origins: &[],
        weight: 26,
    },
    // Lesvos-Albania-Montenegro-Bihac
    Route {
        legs: &[LESVOS, KAKAVIA, HOTIT, SCEPAN, BIHAC, CHANNEL],
        region: &["ALB", "GRC", "MNE", "BIH"],
        origins: &[
            ("SYR", 30),
            ("AFG", 30),
            ("IRQ", 15),
            ("ERI", 10),
            ("EGY", 5),
            ("MAR", 10),
        ],
        weight: 18,
    },
    // Evros-Kapshtice-Hani i Hotit-Bihac
    Route {
        legs: &[EVROS, KAPSHTICE, HOTIT, SCEPAN, BIHAC, CHANNEL],
        region: &["ALB", "MNE", "SRB", "GRC"],
        origins: &[],
        weight: 8,
    },
    // Evros-Gevgelija-Jarinje-Batrovci
    Route {
        legs: &[EVROS, GEVGELIJA, JARINJE, BATROVCI, CHANNEL],
        region: &["XKX", "ALB", "MKD", "SRB"],
        origins: &[],
        weight: 10,
    },
    // Belgrade airport-Zvornik-Velika Kladusa
    Route {
        legs: &[BELGRADE_AIR, ZVORNIK, KLADUSA, CHANNEL],
        region: &["SRB", "BIH", "TUR"],
        origins: &[("IRN", 40), ("TUR", 25), ("TUN", 25), ("PAK", 10)],
        weight: 8,
    },
];

/// A position scattered around a point, with five decimals.
pub fn around(rng: &mut Rng, p: &Point) -> (f64, f64) {
    (jitter(rng, p.lat, p.spread), jitter(rng, p.lon, p.spread * 1.3))
}

/// Adds days and a time of day suited to the mode.
pub fn next_time(rng: &mut Rng, from: NaiveDateTime, leg: &Leg) -> NaiveDateTime {
    let days = rng.random_range(leg.wait.0..=leg.wait.1);
    let date = from.date() + chrono::Days::new(days.max(0) as u64 + 1);
    date.and_time(leg.mode.time(rng))
}

/// Cities with safe houses: `(city, street names, lat, lon, alpha-3)`.
pub const CITIES: &[(&str, &[&str], f64, f64, &str)] = &[
    (
        "Beograd",
        &[
            "Gavrila Principa",
            "Karađorđeva",
            "Nemanjina",
            "Bulevar kralja Aleksandra",
        ],
        44.81,
        20.46,
        "SRB",
    ),
    (
        "Subotica",
        &["Segedinski put", "Matije Korvina", "Maksima Gorkog"],
        46.10,
        19.67,
        "SRB",
    ),
    ("Šid", &["Svetog Save", "Karađorđeva"], 45.13, 19.23, "SRB"),
    (
        "Bihać",
        &["Bosanska", "Žegarska aleja", "Hamdije Kreševljakovića"],
        44.81,
        15.87,
        "BIH",
    ),
    (
        "Velika Kladuša",
        &["Ibrahima Mržljaka", "Hamdije Pozderca"],
        45.18,
        15.80,
        "BIH",
    ),
    ("Sarajevo", &["Zmaja od Bosne", "Ferhadija"], 43.85, 18.40, "BIH"),
    ("Kumanovo", &["Доне Божинов", "Гоце Делчев"], 42.13, 21.71, "MKD"),
    ("Гевгелија", &["Маршал Тито", "Скопска"], 41.14, 22.50, "MKD"),
    (
        "София",
        &["бул. Мария Луиза", "ул. Пиротска", "бул. Христо Ботев"],
        42.70,
        23.32,
        "BGR",
    ),
    ("Харманли", &["ул. Васил Левски", "ул. Родопи"], 41.93, 25.90, "BGR"),
    ("Θεσσαλονίκη", &["Εγνατία", "Λαγκαδά"], 40.64, 22.94, "GRC"),
    (
        "Αθήνα",
        &["Αχαρνών", "Αγίου Παντελεήμονος", "Φυλής"],
        37.99,
        23.73,
        "GRC",
    ),
    ("Tiranë", &["Rruga e Kavajës", "Rruga e Durrësit"], 41.33, 19.82, "ALB"),
    (
        "Podgorica",
        &["Bulevar Džordža Vašingtona", "Hercegovačka"],
        42.44,
        19.26,
        "MNE",
    ),
    (
        "Prishtinë",
        &["Rruga Agim Ramadani", "Bulevardi Bill Clinton"],
        42.66,
        21.16,
        "XKX",
    ),
    (
        "Grande-Synthe",
        &["Rue du Puythouck", "Avenue de la Petite Synthe"],
        51.01,
        2.30,
        "FRA",
    ),
];

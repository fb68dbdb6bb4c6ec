//! National formats: the countries people come from with their phone numbering,
//! document numbers and names in the agencies' languages; licence plates; IMEIs.
//! Each identifier is generated in its canonical form once and rendered differently
//! by each agency (with or without country code, spaces, Greek or Cyrillic letters).

use rand::Rng as _;

use crate::names::{Culture, Lang};
use crate::util::{Rng, chance, luhn, pattern, pick};

/// A country persons or phones come from.
#[derive(Debug)]
pub struct Country {
    pub a3: &'static str,
    pub culture: Culture,
    /// Telephone country code.
    pub cc: &'static str,
    /// Mobile prefixes of the national significant number.
    pub mobile: &'static [&'static str],
    /// Digits after the prefix.
    pub rest: usize,
    /// Whether national format adds a trunk `0`.
    pub trunk: bool,
    /// Passport number pattern (`#` digit, `A` letter).
    pub passport: &'static str,
    /// Passport validity in years.
    pub validity: i32,
    /// The country's name in Serbian, Macedonian, Bulgarian, Albanian and English.
    pub names: [&'static str; 5],
}

macro_rules! c {
    ($a3:literal, $cul:ident, $cc:literal, [$($m:literal),*], $rest:literal, $trunk:literal, $pp:literal, $val:literal, [$($n:literal),*]) => {
        Country { a3: $a3, culture: Culture::$cul, cc: $cc, mobile: &[$($m),*], rest: $rest, trunk: $trunk, passport: $pp, validity: $val, names: [$($n),*] }
    };
}

/// Every country in the data set. Indices are stable: persons keep an index.
#[rustfmt::skip]
pub static COUNTRIES: &[Country] = &[
    c!("SYR", Arabic, "963", ["93", "94", "95", "98", "99"], 7, true, "N########", 6, ["Sirija", "Сирија", "Сирия", "Siria", "Syria"]),
    c!("AFG", Persian, "93", ["70", "72", "77", "78", "79"], 7, true, "P0######", 5, ["Avganistan", "Авганистан", "Афганистан", "Afganistan", "Afghanistan"]),
    c!("IRQ", Arabic, "964", ["750", "770", "780", "790"], 7, true, "A########", 8, ["Irak", "Ирак", "Ирак", "Irak", "Iraq"]),
    c!("PAK", Urdu, "92", ["300", "301", "321", "333", "345"], 7, true, "AA#######", 10, ["Pakistan", "Пакистан", "Пакистан", "Pakistan", "Pakistan"]),
    c!("BGD", Bengali, "880", ["171", "181", "191", "161"], 7, true, "EA#######", 10, ["Bangladeš", "Бангладеш", "Бангладеш", "Bangladesh", "Bangladesh"]),
    c!("MAR", Arabic, "212", ["61", "66", "70"], 7, true, "AA#######", 5, ["Maroko", "Мароко", "Мароко", "Maroku", "Morocco"]),
    c!("EGY", Arabic, "20", ["10", "11", "12", "15"], 8, true, "A########", 7, ["Egipat", "Египет", "Египет", "Egjipti", "Egypt"]),
    c!("ERI", Tigrinya, "291", ["7"], 6, true, "P#######", 5, ["Eritreja", "Еритреја", "Еритрея", "Eritrea", "Eritrea"]),
    c!("IRN", Persian, "98", ["912", "935", "901"], 7, true, "K########", 5, ["Iran", "Иран", "Иран", "Irani", "Iran"]),
    c!("TUR", Turkish, "90", ["532", "533", "542", "555", "505"], 7, true, "U########", 10, ["Turska", "Турција", "Турция", "Turqia", "Turkey"]),
    c!("TUN", Arabic, "216", ["2", "5", "9"], 7, false, "A#######", 5, ["Tunis", "Тунис", "Тунис", "Tunizia", "Tunisia"]),
    c!("SRB", Serbian, "381", ["60", "62", "63", "64", "65", "66", "69"], 7, true, "#########", 10, ["Srbija", "Србија", "Сърбия", "Serbia", "Serbia"]),
    c!("MKD", Macedonian, "389", ["70", "71", "72", "75", "76", "77", "78"], 6, true, "A#######", 10, ["Severna Makedonija", "Северна Македонија", "Северна Македония", "Maqedonia e Veriut", "North Macedonia"]),
    c!("BIH", Bosnian, "387", ["61", "62", "63", "65", "66"], 6, true, "A#######", 10, ["Bosna i Hercegovina", "Босна и Херцеговина", "Босна и Херцеговина", "Bosnjë e Hercegovinë", "Bosnia and Herzegovina"]),
    c!("ALB", Albanian, "355", ["67", "68", "69"], 7, true, "BA#######", 10, ["Albanija", "Албанија", "Албания", "Shqipëri", "Albania"]),
    c!("XKX", Albanian, "383", ["43", "44", "45", "49"], 6, true, "P########", 10, ["Kosovo", "Косово", "Косово", "Kosovë", "Kosovo"]),
    c!("MNE", Serbian, "382", ["67", "68", "69"], 6, true, "#########", 10, ["Crna Gora", "Црна Гора", "Черна гора", "Mali i Zi", "Montenegro"]),
    c!("BGR", Bulgarian, "359", ["87", "88", "89", "98"], 7, true, "#########", 5, ["Bugarska", "Бугарија", "България", "Bullgari", "Bulgaria"]),
    c!("GRC", Greek, "30", ["69"], 8, false, "AA#######", 5, ["Grčka", "Грција", "Гърция", "Greqi", "Greece"]),
    c!("GBR", Arabic, "44", ["74", "75", "77", "78", "79"], 8, true, "#########", 10, ["Velika Britanija", "Велика Британија", "Великобритания", "Britani e Madhe", "United Kingdom"]),
    c!("DEU", Arabic, "49", ["151", "160", "170", "176"], 8, true, "C########", 10, ["Nemačka", "Германија", "Германия", "Gjermani", "Germany"]),
    c!("FRA", Arabic, "33", ["60", "61", "62", "64", "65", "66", "67", "68", "73", "74", "75", "76", "77", "78"], 7, true, "##AA#####", 10, ["Francuska", "Франција", "Франция", "Francë", "France"]),
];

/// The index of a country by its alpha-3 code.
pub fn country(a3: &str) -> usize {
    COUNTRIES.iter().position(|c| c.a3 == a3).unwrap_or(0)
}

/// Countries whose nationals are smuggled, with weights (approximating recent
/// Frontex Western Balkan and Eastern Mediterranean detections).
pub const MIGRANT_ORIGINS: &[(&str, u32)] = &[
    ("SYR", 20),
    ("AFG", 22),
    ("IRQ", 8),
    ("PAK", 12),
    ("BGD", 6),
    ("MAR", 7),
    ("EGY", 5),
    ("ERI", 4),
    ("IRN", 6),
    ("TUR", 6),
    ("TUN", 4),
];

/// How nationalities are written in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatStyle {
    Alpha3,
    /// The country's name in the file's language (the mapping maps it back).
    Name(Lang),
    /// The English name in capitals.
    Upper,
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Sr => 0,
        Lang::Mk => 1,
        Lang::Bg => 2,
        Lang::Sq => 3,
        Lang::El | Lang::En => 4,
    }
}

/// A nationality as a file writes it.
pub fn nationality(c: usize, style: NatStyle) -> String {
    let c = &COUNTRIES[c];
    match style {
        NatStyle::Alpha3 => c.a3.to_string(),
        NatStyle::Name(l) => c.names[lang_index(l)].to_string(),
        NatStyle::Upper => c.names[4].to_uppercase(),
    }
}

/// `(written form, alpha-3)` for every country, for the mapping's `map`.
pub fn nationality_map(style: NatStyle) -> Vec<(String, &'static str)> {
    match style {
        NatStyle::Alpha3 => Vec::new(),
        _ => (0..COUNTRIES.len())
            .map(|i| (nationality(i, style), COUNTRIES[i].a3))
            .collect(),
    }
}

/// A mobile number: country and national significant number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msisdn {
    pub country: usize,
    pub nsn: String,
}

impl Msisdn {
    /// A new mobile number of `country`.
    pub fn random(rng: &mut Rng, country: usize) -> Msisdn {
        let c = &COUNTRIES[country];
        let prefix = pick(rng, c.mobile);
        let mut nsn = (*prefix).to_string();
        for _ in 0..c.rest {
            nsn.push(char::from(b'0' + rng.random_range(0..10u8)));
        }
        Msisdn { country, nsn }
    }

    /// The number as one record writes it: `+381 64 1234567`, `0641234567`, `00381…`.
    pub fn render(&self, rng: &mut Rng, home: &str) -> String {
        let c = &COUNTRIES[self.country];
        let local = c.a3 == home;
        let split = c
            .mobile
            .iter()
            .find(|m| self.nsn.starts_with(**m))
            .map_or(2, |m| m.len().max(2));
        let (pre, rest) = self.nsn.split_at(split.min(self.nsn.len()));
        match rng.random_range(0..if local { 6 } else { 4 }) {
            0 => format!("+{} {} {}", c.cc, pre, group(rest)),
            1 => format!("+{}{}", c.cc, self.nsn),
            2 => format!("00{}{}", c.cc, self.nsn),
            3 => format!("+{} {}{}", c.cc, pre, rest),
            4 if c.trunk => format!("0{pre}/{}", group(rest).replace(' ', "-")),
            _ => format!("{}{}", if c.trunk { "0" } else { "" }, self.nsn),
        }
    }
}

fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && i % 3 == 0 && digits.len() - i >= 2 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// An IMEI with a plausible type allocation code and a correct Luhn digit.
pub fn imei(rng: &mut Rng) -> String {
    const TAC: &[&str] = &[
        "35332509", "35891603", "86769503", "35467811", "35209510", "86012604", "35684610", "86457204",
    ];
    luhn(&format!("{}{}", pick(rng, TAC), pattern(rng, "######")))
}

/// A licence plate in the format of the registering state.
pub fn plate(rng: &mut Rng, a3: &str) -> String {
    let bg_letters = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| *pick(rng, &['A', 'B', 'E', 'K', 'M', 'H', 'O', 'P', 'C', 'T', 'Y', 'X']))
            .collect()
    };
    let gr_letters = |rng: &mut Rng| -> String {
        (0..3)
            .map(|_| {
                *pick(
                    rng,
                    &['A', 'B', 'E', 'Z', 'H', 'I', 'K', 'M', 'N', 'O', 'P', 'T', 'Y', 'X'],
                )
            })
            .collect()
    };
    match a3 {
        "SRB" => format!(
            "{} {}-{}",
            pick(rng, &["BG", "NS", "NI", "SU", "KG", "ŠA", "VR", "PO", "SO", "ČA"]),
            pattern(rng, "###"),
            pattern(rng, "AA")
        ),
        "MKD" => format!(
            "{} {} {}",
            pick(rng, &["SK", "KU", "GV", "BT", "OH", "TE", "VE", "KO"]),
            pattern(rng, "####"),
            pattern(rng, "AA")
        ),
        "BIH" => format!(
            "{}{}-{}-{}",
            pick(rng, &["A", "E", "J", "K", "M", "O", "T"]),
            pattern(rng, "##"),
            pick(rng, &["A", "E", "J", "K", "M", "O", "T"]),
            pattern(rng, "###")
        ),
        "ALB" => format!("{} {} {}", pattern(rng, "AA"), pattern(rng, "###"), pattern(rng, "AA")),
        "MNE" => format!(
            "{} {}",
            pick(rng, &["PG", "BD", "NK", "BR", "BA", "HN", "UL"]),
            pattern(rng, "AA###")
        ),
        "XKX" => format!(
            "0{}-{}-{}",
            rng.random_range(1..8),
            pattern(rng, "###"),
            pattern(rng, "AA")
        ),
        "BGR" => format!(
            "{} {} {}",
            pick(rng, &["CA", "CB", "PB", "B", "A", "H", "Y", "E", "X"]),
            pattern(rng, "####"),
            bg_letters(rng, 2)
        ),
        "GRC" => format!("{}-{}", gr_letters(rng), pattern(rng, "####")),
        "TUR" => format!(
            "{:02} {} {}",
            rng.random_range(1..82),
            pattern(rng, "AAA"),
            pattern(rng, "###")
        ),
        "HUN" => pattern(rng, "AAA-###"),
        "ROU" => format!(
            "{} {} {}",
            pick(rng, &["B", "TM", "CJ", "AR", "BH"]),
            pattern(rng, "##"),
            pattern(rng, "AAA")
        ),
        "AUT" => format!(
            "{} {} {}",
            pick(rng, &["W", "G", "L", "S"]),
            pattern(rng, "####"),
            pattern(rng, "AA")
        ),
        "DEU" => format!(
            "{}-{} {}",
            pick(rng, &["M", "B", "F", "K", "S"]),
            pattern(rng, "AA"),
            pattern(rng, "####")
        ),
        "FRA" => pattern(rng, "AA-###-AA"),
        _ => pattern(rng, "AA## AAA"),
    }
}

/// The distinguishing sign on the oval sticker, as officers note a plate's state.
pub fn plate_sign(a3: &str) -> &'static str {
    match a3 {
        "SRB" => "SRB",
        "MKD" => "NMK",
        "BIH" => "BIH",
        "ALB" => "AL",
        "MNE" => "MNE",
        "XKX" => "RKS",
        "BGR" => "BG",
        "GRC" => "GR",
        "TUR" => "TR",
        "HUN" => "H",
        "ROU" => "RO",
        "AUT" => "A",
        "DEU" => "D",
        "FRA" => "F",
        _ => "UK",
    }
}

/// Signs that are not ISO codes, for the mapping's `map`.
pub const PLATE_SIGN_MAP: &[(&str, &str)] = &[("NMK", "MKD"), ("H", "HUN"), ("A", "AUT"), ("F", "FRA")];

/// A plate as one record writes it: spacing dropped, or letters typed in the
/// agency's own script where they look alike (Greek plates, Bulgarian records).
pub fn render_plate(rng: &mut Rng, plate: &str, a3: &str, lang: Lang) -> String {
    let mut p = plate.to_string();
    if chance(rng, 0.3) {
        p.retain(|c| c != ' ' && c != '-');
    }
    let (latin, native) = match (lang, a3) {
        (Lang::El, "GRC") if chance(rng, 0.6) => ("ABEZHIKMNOPTYX", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"),
        (Lang::Bg, "BGR") if chance(rng, 0.5) => ("ABECHKMOPTYX", "АВЕСНКМОРТУХ"),
        _ => return p,
    };
    p.chars()
        .map(|c| {
            latin
                .chars()
                .position(|l| l == c)
                .and_then(|i| native.chars().nth(i))
                .unwrap_or(c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn phone_renderings_keep_the_digits() {
        let mut rng = Rng::seed_from_u64(3);
        for i in 0..COUNTRIES.len() {
            let m = Msisdn::random(&mut rng, i);
            for _ in 0..20 {
                let r = m.render(&mut rng, "SRB");
                let digits: String = r.chars().filter(char::is_ascii_digit).collect();
                assert!(digits.ends_with(&m.nsn), "{r} vs {}", m.nsn);
            }
        }
    }

    #[test]
    fn plates_render_in_greek_and_cyrillic() {
        let mut rng = Rng::seed_from_u64(9);
        let mut greek = false;
        for _ in 0..30 {
            let r = render_plate(&mut rng, "IKP-1234", "GRC", Lang::El);
            greek |= r.contains('Ι') && r.contains('Ρ');
        }
        assert!(greek);
        let mut cyr = false;
        for _ in 0..30 {
            cyr |= render_plate(&mut rng, "CA 1234 AB", "BGR", Lang::Bg).contains('С');
        }
        assert!(cyr);
    }

    #[test]
    fn imeis_pass_luhn() {
        let mut rng = Rng::seed_from_u64(4);
        let i = imei(&mut rng);
        assert_eq!(i.len(), 15);
        assert_eq!(luhn(&i[..14]), i);
    }
}

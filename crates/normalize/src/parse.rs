//! Which part of a person's name each token is: given names, surname, patronymic.
//!
//! Agencies write names every way: `DJORDJEVIC Marko` (surname in capitals, first),
//! `Djordjevic, Marko`, `DJORDJEVIC<<MARKO` (an MRZ), `Ivan Petrovich Sidorov`
//! (Russian order with a patronymic), `Sidorov Ivan Petrovich`, `Ahmad bin Khalid
//! al-Rashid` (the token after bin/ibn is the father's name). The rules, first that
//! applies wins:
//!
//! 1. `<<` (MRZ): primary identifier before, secondary after (Doc 9303 Part 3).
//! 2. A comma: surname before, given names after.
//! 3. Some tokens in capitals and others not: the capitalised ones are the surname
//!    (the European police and consular convention).
//! 4. An East Slavic patronymic (-ovich, -evna, -ovych, -ivna …; Serbian -ović is a
//!    surname and never matches) among three or more tokens: the token before it is
//!    the given name when it comes second (given–patronymic–surname), otherwise the
//!    name is read surname–given–patronymic.
//! 5. Otherwise given names first and the last token the surname.
//!
//! Tokens after bin, ibn, bint, ben are patronymics (the father's name) wherever they
//! stand; articles (al-, el-, van, de …) stay with the surname they introduce.
//! Single letters are initials of given names. This is a reading, not a fact: the
//! result says which rule decided (`rule`), and comparison never depends on it alone.

use serde::Serialize;

/// A name split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ParsedName {
    pub given: Vec<String>,
    pub surname: Vec<String>,
    pub patronymic: Vec<String>,
    /// Given names written as a single letter.
    pub initials: Vec<String>,
    /// Which rule decided: `mrz`, `comma`, `capitals`, `patronymic`, `order`.
    pub rule: &'static str,
}

const SLAVIC_PATRONYMIC: &[&str] = &[
    "OVICH", "EVICH", "YEVICH", "OVITCH", "EVITCH", "OVYCH", "EVYCH", "ICHNA", "OVNA", "EVNA", "IVNA", "YIVNA",
];

/// Latin and Arabic-script (بن, ابن, بنت, folded without vowels) father markers.
const FATHER_MARKERS: &[&str] = &["BIN", "IBN", "BINT", "BEN", "BN", "ABN", "BNT"];

const ARTICLES: &[&str] = &[
    "AL", "EL", "UL", "ABU", "ABOU", "VAN", "VON", "DE", "DER", "DEN", "DA", "DI", "DEL", "LA", "LE", "DOS", "DAS",
];

fn folded(token: &str) -> String {
    crate::translit::latin_variants(token)
        .first()
        .map(|v| crate::fold_latin(v))
        .unwrap_or_default()
}

fn is_patronymic(token: &str) -> bool {
    let f = folded(token);
    f.len() > 6 && SLAVIC_PATRONYMIC.iter().any(|s| f.ends_with(s))
}

/// Written in capitals, in a script that has them.
fn is_capitals(token: &str) -> bool {
    token.chars().any(char::is_alphabetic)
        && token.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase())
        && token.chars().any(|c| c.is_lowercase() != c.is_uppercase())
}

fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == '<' || c == '_')
        .map(|t| t.trim_matches(|c: char| c == '.' || c == ','))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits a person's name into given names, surname and patronymic.
pub fn parse_name(name: &str) -> ParsedName {
    let name = name.trim();
    let (rule, given, surname): (&'static str, Vec<String>, Vec<String>) = if let Some((s, g)) = name.split_once("<<") {
        ("mrz", tokens(g), tokens(s))
    } else if let Some((s, g)) = name.split_once(',') {
        ("comma", tokens(g), tokens(s))
    } else {
        let all = tokens(name);
        let caps: Vec<bool> = all.iter().map(|t| is_capitals(t) && t.chars().count() > 1).collect();
        if caps.iter().any(|c| *c) && !caps.iter().all(|c| *c) {
            let mut given = Vec::new();
            let mut surname = Vec::new();
            for (t, cap) in all.into_iter().zip(caps) {
                if cap {
                    surname.push(t);
                } else {
                    given.push(t);
                }
            }
            ("capitals", given, surname)
        } else if all.len() >= 3
            && let Some(p) = all.iter().position(|t| is_patronymic(t))
        {
            let mut out = ParsedName {
                rule: "patronymic",
                patronymic: vec![all[p].clone()],
                ..ParsedName::default()
            };
            if p == 1 {
                out.given.push(all[0].clone());
                out.surname.extend(all[2..].iter().cloned());
            } else {
                out.surname.push(all[0].clone());
                out.given.extend(all[1..p].iter().cloned());
                out.given.extend(all[p + 1..].iter().cloned());
            }
            return finish(out);
        } else {
            let mut all = all;
            let last = all.pop();
            // An article belongs to the surname it introduces: "Ahmad al Rashid".
            let mut surname: Vec<String> = last.into_iter().collect();
            while let Some(t) = all.last() {
                if ARTICLES.contains(&folded(t).as_str()) && !all.is_empty() {
                    surname.insert(0, all.pop().unwrap_or_default());
                } else {
                    break;
                }
            }
            ("order", all, surname)
        }
    };
    finish(ParsedName {
        given,
        surname,
        rule,
        ..ParsedName::default()
    })
}

/// Moves father's names (after bin/ibn) to the patronymic and initials aside.
fn finish(mut p: ParsedName) -> ParsedName {
    // A marker at the end of the given names applies to the surname's first token
    // ("Muhammad bin | Khalid"): that name is the father's, and there is no surname.
    let mut father_next = false;
    for part in [&mut p.given, &mut p.surname] {
        let mut kept = Vec::with_capacity(part.len());
        for t in part.drain(..) {
            let f = folded(&t);
            if FATHER_MARKERS.contains(&f.as_str()) {
                father_next = true;
                continue;
            }
            if father_next && !ARTICLES.contains(&f.as_str()) {
                p.patronymic.push(t);
                father_next = false;
                continue;
            }
            kept.push(t);
        }
        *part = kept;
    }
    let (initials, given): (Vec<String>, Vec<String>) = p.given.drain(..).partition(|t| t.chars().count() == 1);
    p.given = given;
    p.initials = initials;
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(n: &str) -> (Vec<String>, Vec<String>, Vec<String>, &'static str) {
        let p = parse_name(n);
        (p.given, p.surname, p.patronymic, p.rule)
    }

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_convention_is_read() {
        assert_eq!(
            parts("DJORDJEVIC<<MARKO<PETAR"),
            (v(&["MARKO", "PETAR"]), v(&["DJORDJEVIC"]), v(&[]), "mrz")
        );
        assert_eq!(
            parts("Đorđević, Marko"),
            (v(&["Marko"]), v(&["Đorđević"]), v(&[]), "comma")
        );
        assert_eq!(
            parts("ĐORĐEVIĆ Marko"),
            (v(&["Marko"]), v(&["ĐORĐEVIĆ"]), v(&[]), "capitals")
        );
        assert_eq!(
            parts("Иван Петрович Сидоров"),
            (v(&["Иван"]), v(&["Сидоров"]), v(&["Петрович"]), "patronymic")
        );
        assert_eq!(
            parts("Sidorov Ivan Petrovich"),
            (v(&["Ivan"]), v(&["Sidorov"]), v(&["Petrovich"]), "patronymic")
        );
        assert_eq!(
            parts("Olena Ivanivna Kovalenko"),
            (v(&["Olena"]), v(&["Kovalenko"]), v(&["Ivanivna"]), "patronymic")
        );
        assert_eq!(
            parts("Marko Jovanović Petrović"),
            (v(&["Marko", "Jovanović"]), v(&["Petrović"]), v(&[]), "order"),
            "Serbian -ović is a surname, not a patronymic"
        );
    }

    #[test]
    fn father_names_articles_and_initials() {
        let p = parse_name("Ahmad bin Khalid al Rashid");
        assert_eq!(
            (p.given, p.surname, p.patronymic),
            (v(&["Ahmad"]), v(&["al", "Rashid"]), v(&["Khalid"]))
        );
        let p = parse_name("محمد بن خالد");
        assert_eq!((p.given, p.patronymic), (v(&["محمد"]), v(&["خالد"])));
        let p = parse_name("M. Hassan");
        assert_eq!((p.initials, p.surname), (v(&["M"]), v(&["Hassan"])));
        assert_eq!(parse_name("").surname, Vec::<String>::new());
        assert_eq!(parse_name("Mohammed").surname, v(&["Mohammed"]));
    }
}

//! Identifiers as selectors: document numbers, vehicle plates, IBANs, vessel numbers
//! (IMO, MMSI) and e-mail addresses, each with a canonical form and, where people
//! misread characters, alternative keys.

use serde::Serialize;

/// A checked identifier: its canonical form, alternative keys, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identifier {
    pub canonical: String,
    /// Other forms the same identifier is often written in (OCR and reading errors).
    pub alternatives: Vec<String>,
    /// Why it is not valid, when a check exists and fails.
    pub problem: Option<String>,
}

/// Letters and digits only, upper case: the canonical form of an identifier before
/// any confusable letters are read alike. Filtered again after upper-casing: some
/// letters upper-case to a letter and combining marks (Greek ΐ to Ϊ́).
pub fn compact(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The key document numbers are compared by: [`compact`], then O read as 0 and I as
/// 1 (the confusions of people copying numbers by hand and of OCR). Watchlist hits,
/// number reuse and resolution all match on it.
pub fn document_match_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c {
            'O' => '0',
            'I' => '1',
            other => other,
        })
        .collect()
}

/// A travel-document number: spaces, dashes and dots removed, upper case; the
/// alternative keys read every O as 0 and every I as 1 (and the reverse), the
/// confusions of visual inspection and OCR.
pub fn document_number(raw: &str) -> Identifier {
    let canonical = compact(raw);
    let digits: String = canonical
        .chars()
        .map(|c| match c {
            'O' => '0',
            'I' => '1',
            other => other,
        })
        .collect();
    let letters: String = canonical
        .chars()
        .map(|c| match c {
            '0' => 'O',
            '1' => 'I',
            other => other,
        })
        .collect();
    let mut alternatives: Vec<String> = [digits, letters].into_iter().filter(|a| *a != canonical).collect();
    alternatives.dedup();
    let problem = (canonical.is_empty()).then(|| "no letters or digits".to_string());
    Identifier {
        canonical,
        alternatives,
        problem,
    }
}

/// A vehicle registration plate: Cyrillic letters that look like Latin ones (as on
/// Bulgarian and Macedonian plates) are read as Latin, other Cyrillic letters by
/// Serbian transliteration (Serbian plates print the town code in both scripts, БГ
/// and BG), and the Latin letters with diacritics of Serbian plates (Č, Ć, Š, Ž, Đ)
/// folded; separators removed.
pub fn plate(raw: &str) -> Identifier {
    let mut spelled = String::with_capacity(raw.len());
    for c in compact(raw).chars() {
        match c {
            'Б' => spelled.push('B'),
            'Г' => spelled.push('G'),
            'Д' => spelled.push('D'),
            'Ж' | 'З' | 'Ž' => spelled.push('Z'),
            'И' => spelled.push('I'),
            'Л' => spelled.push('L'),
            'П' => spelled.push('P'),
            'Ф' => spelled.push('F'),
            'Ц' | 'Ч' | 'Ћ' | 'Č' | 'Ć' => spelled.push('C'),
            'Ш' | 'Š' => spelled.push('S'),
            'Ђ' | 'Đ' => spelled.push_str("DJ"),
            'Џ' => spelled.push_str("DZ"),
            'Љ' => spelled.push_str("LJ"),
            'Њ' => spelled.push_str("NJ"),
            'Ј' => spelled.push('J'),
            other => spelled.push(other),
        }
    }
    let canonical: String = spelled
        .chars()
        .map(|c| match c {
            'А' => 'A',
            'В' => 'B',
            'Е' => 'E',
            'К' => 'K',
            'М' => 'M',
            'Н' => 'H',
            'О' => 'O',
            'Р' => 'P',
            'С' => 'C',
            'Т' => 'T',
            'У' => 'Y',
            'Х' => 'X',
            other => other,
        })
        .collect();
    let problem = canonical
        .chars()
        .find(|c| !c.is_ascii_alphanumeric())
        .map(|c| format!("'{c}' is not a letter or digit used on plates"));
    let alternatives = document_number(&canonical).alternatives;
    Identifier {
        canonical,
        alternatives,
        problem,
    }
}

/// An IBAN, checked with the ISO 13616 mod-97 rule.
pub fn iban(raw: &str) -> Identifier {
    let canonical = compact(raw);
    let chars = canonical.chars().count();
    // Checked before any slicing by position: `compact` keeps letters of every
    // script (a Cyrillic С in "RС35…" looks like a Latin C and is two bytes).
    let problem = if let Some(c) = canonical.chars().find(|c| !c.is_ascii()) {
        Some(format!(
            "'{c}' cannot appear in an IBAN: Latin letters A-Z and digits only"
        ))
    } else if !(15..=34).contains(&chars) {
        Some(format!("{chars} characters: an IBAN has 15 to 34"))
    } else if !canonical[..2].chars().all(|c| c.is_ascii_uppercase())
        || !canonical[2..4].chars().all(|c| c.is_ascii_digit())
    {
        Some("an IBAN starts with a country code and two check digits".into())
    } else {
        let rearranged = format!("{}{}", &canonical[4..], &canonical[..4]);
        let mut rem: u32 = 0;
        let mut bad = None;
        for c in rearranged.chars() {
            let v = match c {
                '0'..='9' => c as u32 - '0' as u32,
                'A'..='Z' => c as u32 - 'A' as u32 + 10,
                other => {
                    bad = Some(other);
                    break;
                }
            };
            rem = if v >= 10 {
                (rem * 100 + v) % 97
            } else {
                (rem * 10 + v) % 97
            };
        }
        match bad {
            Some(c) => Some(format!("'{c}' cannot appear in an IBAN")),
            None if rem != 1 => Some("the mod-97 check fails".into()),
            None => None,
        }
    };
    Identifier {
        canonical,
        alternatives: Vec::new(),
        problem,
    }
}

/// An IMO ship number (`IMO 9074729`): seven digits, the last a check digit over the
/// first six weighted 7 to 2.
pub fn imo(raw: &str) -> Identifier {
    let c = compact(raw);
    let digits = c.strip_prefix("IMO").unwrap_or(&c).to_string();
    let problem = if digits.len() != 7 || !digits.chars().all(|d| d.is_ascii_digit()) {
        Some("an IMO number has seven digits".into())
    } else {
        let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        let sum: u32 = d[..6].iter().zip([7, 6, 5, 4, 3, 2]).map(|(a, w)| a * w).sum();
        (sum % 10 != d[6]).then(|| format!("check digit {} should be {}", d[6], sum % 10))
    };
    Identifier {
        canonical: format!("IMO{digits}"),
        alternatives: Vec::new(),
        problem,
    }
}

/// An MMSI: nine digits; a ship's starts with its maritime identification digits 2–7.
pub fn mmsi(raw: &str) -> Identifier {
    let canonical = compact(raw);
    let problem = if canonical.len() != 9 || !canonical.chars().all(|d| d.is_ascii_digit()) {
        Some("an MMSI has nine digits".into())
    } else {
        None
    };
    Identifier {
        canonical,
        alternatives: Vec::new(),
        problem,
    }
}

/// An e-mail address: trimmed, domain in lower case; the local part is kept, since
/// its case may matter to the provider.
pub fn email(raw: &str) -> Identifier {
    let t = raw.trim();
    match t.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.contains(char::is_whitespace) => {
            let lower = format!("{}@{}", local.to_lowercase(), domain.to_lowercase());
            let canonical = format!("{local}@{}", domain.to_lowercase());
            let alternatives = if lower != canonical { vec![lower] } else { Vec::new() };
            Identifier {
                canonical,
                alternatives,
                problem: None,
            }
        }
        _ => Identifier {
            canonical: t.to_string(),
            alternatives: Vec::new(),
            problem: Some("not an e-mail address".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_with_confusable_characters() {
        let d = document_number("ab 12O-I45");
        assert_eq!(d.canonical, "AB12OI45");
        assert!(d.alternatives.contains(&"AB120145".to_string()));
        assert!(d.alternatives.contains(&"ABI2OI45".to_string()));
    }

    #[test]
    fn plates_read_cyrillic_look_alikes_as_latin() {
        assert_eq!(plate("НС 123-АВ").canonical, "HC123AB");
        assert_eq!(plate("NS-123-AB").canonical, "NS123AB");
        assert_eq!(plate("ЖЖ 123").canonical, "ZZ123");
        assert!(plate("ЯЯ 123").problem.is_some(), "Я has no plate reading");
    }

    /// A letter of another script that looks Latin (Cyrillic С) is refused with a
    /// reason, not a panic on a byte slice; no text panics the check.
    #[test]
    fn a_mixed_script_iban_is_refused_not_a_panic() {
        let mixed = iban("RС35 2600 0560 1001 6113 79");
        assert!(mixed.problem.as_deref().is_some_and(|p| p.contains('С')), "{mixed:?}");
        for raw in ["ÄÖ", "RС", "ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ", "ééééééééééééééééé"] {
            assert!(iban(raw).problem.is_some(), "{raw}");
        }
    }

    proptest::proptest! {
        /// Every identifier check takes any text without a panic.
        #[test]
        fn identifier_checks_never_panic(raw in "\\PC{0,40}") {
            // Canonical numbers keep letters and digits only, whatever came in.
            for check in [iban, document_number, plate] {
                let id = check(&raw);
                proptest::prop_assert!(id.canonical.chars().all(char::is_alphanumeric), "{:?}", id);
            }
            for check in [imo, mmsi, email] {
                let id = check(&raw);
                proptest::prop_assert!(id.problem.is_some() || !id.canonical.is_empty(), "{:?}", id);
            }
        }
    }

    #[test]
    fn iban_mod_97() {
        assert_eq!(iban("GB82 WEST 1234 5698 7654 32").problem, None);
        assert_eq!(iban("RS35 2600 0560 1001 6113 79").problem, None);
        assert!(iban("GB82 WEST 1234 5698 7654 33").problem.is_some());
        assert!(iban("GB82").problem.is_some());
    }

    #[test]
    fn imo_and_mmsi() {
        assert_eq!(imo("IMO 9074729").problem, None);
        assert_eq!(imo("9074729").canonical, "IMO9074729");
        assert!(imo("IMO 9074728").problem.is_some());
        assert_eq!(mmsi("244 660 000").problem, None);
        assert!(mmsi("24466").problem.is_some());
    }

    #[test]
    fn emails() {
        let e = email("  Smuggler.Boss@Example.COM ");
        assert_eq!(e.canonical, "Smuggler.Boss@example.com");
        assert_eq!(e.alternatives, vec!["smuggler.boss@example.com".to_string()]);
        assert!(email("nobody").problem.is_some());
    }
}

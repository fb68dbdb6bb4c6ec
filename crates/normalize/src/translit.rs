//! Transliteration of Cyrillic, Greek and Arabic-script names into Latin, in the
//! systems agencies actually use, so one name yields several Latin spellings.
//!
//! Tables (checked against the standards named; letters not listed fall back to the
//! ICAO form):
//! - Cyrillic, ICAO Doc 9303 Part 3 (the MRZ form): Ђ→D, Ж→ZH, Х→KH, Ц→TS, Щ→SHCH, Ю→IU, Я→IA.
//! - Serbian and Macedonian official Latin: Ђ→Đ (written DJ), Ћ→Ć, Ч→Č, Џ→DŽ, Ж→Ž, Ш→Š,
//!   Х→H, Ц→C, Љ→LJ, Њ→NJ, Ј→J; Macedonian Ѓ→GJ, Ќ→KJ, Ѕ→DZ. Diacritics are then folded.
//! - Bulgarian streamlined system (2009 law): Ж→ZH, Х→H, Ц→TS, Ч→CH, Ш→SH, Щ→SHT, Ъ→A,
//!   Ь→Y, Ю→YU, Я→YA, Й→Y.
//! - Russian/Ukrainian, BGN/PCGN-like: Х→KH, Й→Y, Ю→YU, Я→YA, Ы→Y, Э→E, Ё→E, Ї→YI, Є→YE.
//! - Greek, ELOT 743 (Ξ→X, Χ→CH, Η→I, Υ→Y, ΟΥ→OU, ΜΠ→MP) and the common alternative
//!   (Ξ→KS, Χ→H, Υ→I, ΟΥ→U, initial ΜΠ→B).
//! - Arabic script (Arabic, Persian, Pashto, Urdu letters): one consonant-oriented
//!   reading; long vowels ا و ي as A U I. Short vowels are not written, which is why
//!   name comparison also uses a consonant skeleton (see `keys`).

/// Which Latin spellings a script gives.
pub(crate) fn latin_variants(token: &str) -> Vec<String> {
    let has = |f: fn(char) -> bool| token.chars().any(f);
    if has(is_cyrillic) {
        let mut v: Vec<String> = [
            cyr_icao as fn(char) -> Option<&'static str>,
            cyr_serbian,
            cyr_bulgarian,
            cyr_russian,
            cyr_anglo,
        ]
        .iter()
        .map(|table| map_chars(token, *table))
        .collect();
        let mut seen = std::collections::HashSet::new();
        v.retain(|x| seen.insert(x.clone()));
        v
    } else if has(is_greek) {
        vec![greek(token, false), greek(token, true)]
    } else if has(is_arabic) {
        // The Arabic reading, and the Persian, Urdu and Pashto one where it differs
        // (ث as S, ذ and ض as Z, ق as GH, و at the start as V): Usman, Zabih, Ghasem, Vahid.
        let mut v = vec![arabic_reading(token, arabic, false)];
        let persian = arabic_reading(token, persian, true);
        if persian != v[0] {
            v.push(persian);
        }
        v
    } else if has(|c| c.is_alphabetic() && !is_latin(c)) {
        // Scripts the tables do not cover (Ge'ez for Tigrinya and Amharic, Bengali,
        // Devanagari, Armenian, Georgian, Hebrew …): the general transliterator.
        vec![any_ascii::any_ascii(token)]
    } else {
        vec![token.to_string()]
    }
}

/// Latin letters, with the extended blocks that diacritic folding handles.
fn is_latin(c: char) -> bool {
    c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c) || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

pub(crate) fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

pub(crate) fn is_greek(c: char) -> bool {
    ('\u{0370}'..='\u{03FF}').contains(&c) || ('\u{1F00}'..='\u{1FFF}').contains(&c)
}

pub(crate) fn is_arabic(c: char) -> bool {
    ('\u{0600}'..='\u{06FF}').contains(&c)
        || ('\u{0750}'..='\u{077F}').contains(&c)
        || ('\u{FB50}'..='\u{FEFF}').contains(&c)
}

fn map_chars(token: &str, table: fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(token.len() * 2);
    for c in token.chars().flat_map(char::to_uppercase) {
        match table(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    out
}

fn cyr_common(c: char) -> Option<&'static str> {
    Some(match c {
        'А' => "A",
        'Б' => "B",
        'В' => "V",
        'Г' => "G",
        'Д' => "D",
        'Е' => "E",
        'З' => "Z",
        'И' => "I",
        'І' => "I",
        'К' => "K",
        'Л' => "L",
        'М' => "M",
        'Н' => "N",
        'О' => "O",
        'П' => "P",
        'Р' => "R",
        'С' => "S",
        'Т' => "T",
        'У' => "U",
        'Ф' => "F",
        'Ч' => "CH",
        'Ш' => "SH",
        'Ь' => "",
        'Ј' => "J",
        'Љ' => "LJ",
        'Њ' => "NJ",
        'Ґ' => "G",
        'Ў' => "U",
        _ => return None,
    })
}

fn cyr_icao(c: char) -> Option<&'static str> {
    Some(match c {
        'Ђ' => "D",
        'Ж' => "ZH",
        'Х' => "KH",
        'Ц' => "TS",
        'Щ' => "SHCH",
        'Ю' => "IU",
        'Я' => "IA",
        'Й' => "I",
        'Ъ' => "IE",
        'Ы' => "Y",
        'Э' => "E",
        'Ё' => "E",
        'Ћ' => "C",
        'Џ' => "DZ",
        'Ѓ' => "G",
        'Ќ' => "K",
        'Ѕ' => "DZ",
        'Є' => "IE",
        'Ї' => "I",
        other => return cyr_common(other),
    })
}

fn cyr_serbian(c: char) -> Option<&'static str> {
    Some(match c {
        'Ђ' => "DJ",
        'Ћ' => "C",
        'Ч' => "C",
        'Џ' => "DZ",
        'Ж' => "Z",
        'Ш' => "S",
        'Х' => "H",
        'Ц' => "C",
        'Ѓ' => "GJ",
        'Ќ' => "KJ",
        'Ѕ' => "DZ",
        other => return cyr_icao(other),
    })
}

/// South Slavic names as English-language press and immigration records spell
/// them (Jovanović → Yovanovich, Ђорђевић → Djordjevich): ć and č as CH, j as Y.
fn cyr_anglo(c: char) -> Option<&'static str> {
    Some(match c {
        'Ђ' => "DJ",
        'Ћ' | 'Ч' => "CH",
        'Ј' => "Y",
        'Џ' => "J",
        'Ж' => "ZH",
        'Ш' => "SH",
        'Ц' => "TS",
        other => return cyr_icao(other),
    })
}

fn cyr_bulgarian(c: char) -> Option<&'static str> {
    Some(match c {
        'Ж' => "ZH",
        'Х' => "H",
        'Ц' => "TS",
        'Щ' => "SHT",
        'Ъ' => "A",
        'Ь' => "Y",
        'Ю' => "YU",
        'Я' => "YA",
        'Й' => "Y",
        other => return cyr_icao(other),
    })
}

fn cyr_russian(c: char) -> Option<&'static str> {
    Some(match c {
        'Й' => "Y",
        'Ю' => "YU",
        'Я' => "YA",
        'Ъ' => "",
        'Ї' => "YI",
        'Є' => "YE",
        other => return cyr_icao(other),
    })
}

/// Greek to Latin: ELOT 743 (`alt = false`) or the common alternative.
fn greek(token: &str, alt: bool) -> String {
    use unicode_normalization::UnicodeNormalization;
    let plain: Vec<char> = token
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_uppercase)
        .collect();
    let mut out = String::with_capacity(plain.len() * 2);
    let mut i = 0;
    while i < plain.len() {
        let c = plain[i];
        let next = plain.get(i + 1).copied();
        let pair = match (c, next) {
            ('Ο', Some('Υ')) => Some(if alt { "U" } else { "OU" }),
            ('Α', Some('Ι')) => Some("AI"),
            ('Ε', Some('Ι')) => Some(if alt { "I" } else { "EI" }),
            ('Μ', Some('Π')) if i == 0 => Some(if alt { "B" } else { "MP" }),
            ('Ν', Some('Τ')) if i == 0 => Some(if alt { "D" } else { "NT" }),
            ('Γ', Some('Γ')) => Some("NG"),
            ('Γ', Some('Κ')) => Some(if i == 0 { "G" } else { "NK" }),
            ('Α', Some('Υ')) => Some("AV"),
            ('Ε', Some('Υ')) => Some("EV"),
            _ => None,
        };
        if let Some(p) = pair {
            out.push_str(p);
            i += 2;
            continue;
        }
        let mapped = match c {
            'Α' => "A",
            'Β' => "V",
            'Γ' => "G",
            'Δ' => "D",
            'Ε' => "E",
            'Ζ' => "Z",
            'Η' => "I",
            'Θ' => "TH",
            'Ι' => "I",
            'Κ' => "K",
            'Λ' => "L",
            'Μ' => "M",
            'Ν' => "N",
            'Ξ' => {
                if alt {
                    "KS"
                } else {
                    "X"
                }
            }
            'Ο' => "O",
            'Π' => "P",
            'Ρ' => "R",
            'Σ' | 'ς' => "S",
            'Τ' => "T",
            'Υ' => {
                if alt {
                    "I"
                } else {
                    "Y"
                }
            }
            'Φ' => "F",
            'Χ' => {
                if alt {
                    "H"
                } else {
                    "CH"
                }
            }
            'Ψ' => "PS",
            'Ω' => "O",
            _ => "",
        };
        if mapped.is_empty() {
            out.push(c);
        } else {
            out.push_str(mapped);
        }
        i += 1;
    }
    out
}

/// Arabic-script letters to Latin, consonant-oriented.
/// Arabic script through `table`. ح and ه after a letter that would make a Latin
/// digraph with H (ز+ه is no ZH, س+ح no SH: Zahra, Ishaq) are written HH, so the
/// consonant skeleton keeps the H.
///
/// The other reading (`alt`, Persian, Urdu, Pashto and Kurdish usage) also reads:
/// و at the start, next to ا or before a final vowel, as V (Vahid, Javad, Nawaz,
/// Kawa, Bajwa); a final ه or ہ
/// after a consonant as the vowel A (فاطمه Fatima beside Fatemeh, باجوہ Bajwa),
/// except in الله (Abdullah keeps its H).
fn arabic_reading(token: &str, table: fn(char) -> Option<&'static str>, alt: bool) -> String {
    let chars: Vec<char> = token.chars().collect();
    let mut out = String::with_capacity(token.len() * 2);
    let mut first = true;
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let after = chars.get(i + 1).copied();
        let final_vowel = |j: usize| j + 1 == chars.len() && matches!(chars.get(j), Some('ه' | 'ہ' | 'ة' | 'ۃ' | 'ە'));
        let s = if alt && c == 'و' && (first || before == Some('ا') || after == Some('ا') || final_vowel(i + 1)) {
            Some("V")
        } else if alt
            && matches!(c, 'ه' | 'ہ')
            && after.is_none()
            && !first
            && !matches!(before, Some('ل' | 'ا' | 'ي' | 'ی'))
        {
            Some("A")
        } else {
            table(c)
        };
        match s {
            Some("H")
                if matches!(
                    out.as_bytes().last(),
                    Some(b'Z' | b'K' | b'S' | b'T' | b'D' | b'G' | b'C' | b'P')
                ) =>
            {
                out.push_str("HH")
            }
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
        if table(c) != Some("") {
            first = false;
        }
    }
    out
}

/// The Persian, Urdu and Pashto readings that differ from the Arabic ones.
fn persian(c: char) -> Option<&'static str> {
    Some(match c {
        'ث' | 'ص' => "S",
        'ذ' | 'ض' | 'ظ' => "Z",
        'ق' => "GH",
        _ => return arabic(c),
    })
}

fn arabic(c: char) -> Option<&'static str> {
    Some(match c {
        'ا' | 'آ' | 'أ' | 'إ' | 'ى' => "A",
        'ء' | 'ئ' | 'ؤ' => "",
        'ب' => "B",
        'پ' => "P",
        'ت' | 'ط' | 'ٹ' | 'ټ' => "T",
        'ث' => "TH",
        'ج' => "J",
        'چ' => "CH",
        'ح' | 'ه' | 'ھ' | 'ہ' => "H",
        // Ta marbuta ends feminine names and is read as the vowel: فاطمة Fatima,
        // حمزة Hamza, عائشة Aisha (read as H it kept them from every Latin spelling).
        'ة' | 'ۃ' | 'ە' => "A",
        'خ' => "KH",
        'د' | 'ڈ' | 'ډ' => "D",
        'ذ' => "DH",
        'ر' | 'ڑ' | 'ړ' | 'ڕ' => "R",
        'ز' | 'ژ' | 'ظ' | 'ض' | 'ږ' | 'ځ' => "Z",
        'س' | 'ص' => "S",
        'څ' => "TS",
        'ش' | 'ښ' => "SH",
        'ع' => "",
        'غ' => "GH",
        'ف' => "F",
        'ڤ' => "V",
        'ق' => "Q",
        'ك' | 'ک' => "K",
        'گ' | 'ګ' => "G",
        'ل' | 'ڵ' => "L",
        'م' => "M",
        'ن' | 'ں' | 'ڼ' => "N",
        'و' | 'ۆ' => "U",
        'ي' | 'ی' | 'ے' | 'ې' | 'ۍ' | 'ێ' => "I",
        '\u{064B}'..='\u{0652}' | 'ـ' => "",
        _ => return None,
    })
}

//! Transliteration of names into the MRZ character set, following the
//! recommendations of Doc 9303 Part 3 §6 (Latin letters with diacritics, Cyrillic).
//! Scripts the table does not cover give `None`, and the caller decides: the MRZ of
//! a real document is what the issuing state printed, not what a table says.

/// Transliterates one character; `None` when the table has no entry.
fn char_to_mrz(c: char) -> Option<&'static str> {
    Some(match c {
        'A'..='Z' => return None,
        'À' | 'Á' | 'Â' | 'Ã' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Ä' => "AE",
        'Å' => "AA",
        'Æ' => "AE",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'Ď' | 'Đ' | 'Ð' => "D",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'Ĥ' | 'Ħ' => "H",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'ı' => "I",
        'Ĳ' => "IJ",
        'Ĵ' => "J",
        'Ķ' => "K",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'Ö' | 'Ø' | 'Œ' => "OE",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
        'ß' => "SS",
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "T",
        'Þ' => "TH",
        'Ù' | 'Ú' | 'Û' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'Ü' => "UE",
        'Ŵ' => "W",
        'Ý' | 'Ÿ' | 'Ŷ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        // Cyrillic, Doc 9303 Part 3 table B.
        'А' => "A",
        'Б' => "B",
        'В' => "V",
        'Г' => "G",
        'Ґ' => "G",
        'Ѓ' => "G",
        'Д' => "D",
        'Ђ' => "D",
        'Е' => "E",
        'Ё' => "E",
        'Є' => "IE",
        'Ж' => "ZH",
        'З' => "Z",
        'Ѕ' => "DZ",
        'И' => "I",
        'І' => "I",
        'Ї' => "I",
        'Й' => "I",
        'Ј' => "J",
        'К' => "K",
        'Ќ' => "K",
        'Л' => "L",
        'Љ' => "LJ",
        'М' => "M",
        'Н' => "N",
        'Њ' => "NJ",
        'О' => "O",
        'П' => "P",
        'Р' => "R",
        'С' => "S",
        'Т' => "T",
        'Ћ' => "C",
        'У' => "U",
        'Ў' => "U",
        'Ф' => "F",
        'Х' => "KH",
        'Ц' => "TS",
        'Ч' => "CH",
        'Џ' => "DZ",
        'Ш' => "SH",
        'Щ' => "SHCH",
        'Ъ' => "IE",
        'Ы' => "Y",
        'Ь' => "",
        'Э' => "E",
        'Ю' => "IU",
        'Я' => "IA",
        _ => return None,
    })
}

/// Transliterates a name into `A-Z` and `<` (for spaces, hyphens and apostrophes are
/// dropped as Doc 9303 recommends). `None` if a letter has no table entry.
pub fn transliterate(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_uppercase) {
        match c {
            'A'..='Z' => out.push(c),
            ' ' | '-' => out.push('<'),
            '\'' | '’' | '.' | ',' => {}
            _ => out.push_str(char_to_mrz(c)?),
        }
    }
    Some(out)
}

/// A name part for the MRZ: transliterated, multiple fillers collapsed to one.
pub fn mrz_name_part(name: &str) -> Option<String> {
    let t = transliterate(name.trim())?;
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        if c == '<' && out.ends_with('<') {
            continue;
        }
        out.push(c);
    }
    Some(out.trim_matches('<').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_and_cyrillic_follow_doc_9303() {
        assert_eq!(transliterate("Đorđević").as_deref(), Some("DORDEVIC"));
        assert_eq!(transliterate("Ђорђевић").as_deref(), Some("DORDEVIC"));
        assert_eq!(transliterate("Müller").as_deref(), Some("MUELLER"));
        assert_eq!(transliterate("Жуков").as_deref(), Some("ZHUKOV"));
        assert_eq!(transliterate("Щукин").as_deref(), Some("SHCHUKIN"));
        assert_eq!(transliterate("Юлия").as_deref(), Some("IULIIA"));
        assert_eq!(mrz_name_part("Anna-Maria  O'Neil").as_deref(), Some("ANNA<MARIA<ONEIL"));
        assert_eq!(transliterate("محمد"), None);
    }
}

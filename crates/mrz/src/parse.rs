//! Reading and validating an MRZ to the letter of Doc 9303 (8th edition): layout,
//! character set, document code, state codes, calendar dates, sex, every check digit,
//! the composite check digit, long TD1 document numbers and fillers.
//!
//! Policy where the standard leaves a choice (documented here and in `corridor mrz
//! check --help`):
//! - **Format** is decided by line count and length only (3×30 TD1, 2×36 TD2 or MRV-B,
//!   2×44 TD3 or MRV-A); a first character `V` makes a 2-line zone a visa.
//! - **Century**: a birth year later than today's two-digit year is 19xx, otherwise
//!   20xx (nobody is born in the future). An expiry year is 20xx unless that would put
//!   it more than 50 years ahead of today.
//! - **Unknown dates**: `<<` in the day or month, or the whole field in fillers, are
//!   unknown parts (Doc 9303 Part 3 §4.3); such a date is reported with the precision
//!   it has, and its check digit is still verified over the characters as printed.
//! - **Optional-data check digit** (TD3): `<` is accepted as the check digit of an
//!   all-filler personal number, as Part 4 allows.
//! - **Names**: the name field has no check digit, so names read from an MRZ are
//!   marked unverified by the caller; a name truncated at the end of the line is kept
//!   as printed.
//! - **States**: ISO 3166-1 alpha-3 plus Doc 9303 Part 3's own codes (`D`, `EUE`,
//!   `UNO`, `UNA`, `UNK`, `XXA`, `XXB`, `XXC`, `XXX`, `RKS`, the `GB?` codes …) and
//!   the specimen state `UTO`.

use serde::Serialize;

use crate::{Format, char_value};

/// The fields of a parsed MRZ; names are converted from `<` fillers to spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Fields {
    pub document_code: String,
    pub issuing_state: String,
    pub surname: String,
    pub given_names: String,
    pub document_number: String,
    pub nationality: String,
    /// ISO date with the precision known (`1974-08-12`, `1974-08`, `1974`), or empty.
    pub birth_date: String,
    /// `M`, `F` or `X` (unspecified, written `<`).
    pub sex: String,
    pub expiry_date: String,
    pub optional_data: String,
    pub optional_data_2: String,
}

/// One check digit and whether it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
}

/// The result of reading one MRZ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parsed {
    pub valid: bool,
    /// `TD1`, `TD2`, `TD3`, `MRV-A`, `MRV-B`, or empty when the layout is unknown.
    pub format: String,
    pub fields: Fields,
    pub checks: Vec<Check>,
    pub errors: Vec<String>,
}

/// Doc 9303 Part 3 codes that are not ISO 3166-1 alpha-3 codes but are valid in an MRZ.
const ICAO_CODES: &[&str] = &[
    "D", "EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "UNA", "UNK", "UNO", "XBA", "XCC", "XCE", "XCO", "XDC",
    "XEC", "XES", "XGG", "XIM", "XMP", "XOM", "XPO", "XSC", "XXA", "XXB", "XXC", "XXX", "UTO",
];

fn known_state(code: &str) -> bool {
    corridor_model::country::to_alpha3(code).is_some_and(|a3| a3 == code) || ICAO_CODES.contains(&code)
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Td1 => "TD1",
            Format::Td2 => "TD2",
            Format::Td3 => "TD3",
            Format::MrvA => "MRV-A",
            Format::MrvB => "MRV-B",
        }
    }
}

/// Today's date as (year, month, day), for century inference; the caller reads the clock.
pub type Today = (i32, u32, u32);

struct Reader<'a> {
    lines: &'a [&'a str],
    checks: Vec<Check>,
    errors: Vec<String>,
}

/// The check digit over several fields read as one (the composite), without
/// joining them: the weights run on across the parts.
fn check_digit_parts(parts: &[&str]) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    let mut w = 0;
    for part in parts {
        for &c in part.as_bytes() {
            let v = VALUES[c as usize];
            if v == INVALID {
                return None;
            }
            sum += u32::from(v) * WEIGHTS[w];
            w = if w == 2 { 0 } else { w + 1 };
        }
    }
    Some(b'0' + (sum % 10) as u8)
}

const INVALID: u8 = u8::MAX;

/// `char_value` as a table, for the per-character loops (a third of parse time
/// went to them as a match).
static VALUES: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 256 {
        if let Some(v) = char_value(i as u8) {
            t[i] = v as u8;
        }
        i += 1;
    }
    t
};

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` without going through `fmt` (this runs for
/// every date of every MRZ, and formatting was a tenth of the parse time).
fn iso(d: &corridor_model::PartialDate) -> String {
    let mut out = String::with_capacity(10);
    let y = d.year.clamp(0, 9999) as u32;
    for div in [1000, 100, 10, 1] {
        out.push(char::from(b'0' + ((y / div) % 10) as u8));
    }
    for part in [d.month, d.day].into_iter().flatten() {
        out.push('-');
        out.push(char::from(b'0' + (part / 10 % 10) as u8));
        out.push(char::from(b'0' + (part % 10) as u8));
    }
    out
}

impl<'a> Reader<'a> {
    fn field(&self, line: usize, from: usize, to: usize) -> &'a str {
        self.lines.get(line).and_then(|l| l.get(from..to)).unwrap_or("")
    }

    fn check(&mut self, name: &'static str, data: &str, digit: &str) {
        self.check_parts(name, &[data], digit);
    }

    fn check_parts(&mut self, name: &'static str, parts: &[&str], digit: &str) {
        let computed = check_digit_parts(parts);
        let ok = match digit.as_bytes().first() {
            Some(d) => computed.is_some_and(|c| c == *d),
            None => false,
        };
        if !ok {
            self.errors.push(format!(
                "{name} check digit is '{digit}', computed '{}'",
                computed.map_or('?', char::from)
            ));
        }
        self.checks.push(Check { name, ok });
    }

    fn state(&mut self, what: &str, code: &str) -> String {
        let c = code.trim_end_matches('<');
        if !known_state(c) {
            self.errors.push(format!(
                "{what} '{code}' is neither an ISO 3166-1 alpha-3 code nor a Doc 9303 code"
            ));
        }
        c.to_string()
    }

    fn date(&mut self, what: &str, yymmdd: &str, today: Today, birth: bool) -> String {
        if yymmdd == "<<<<<<" {
            return String::new();
        }
        let part = |s: &str| {
            if s == "<<" {
                Ok(None)
            } else {
                s.parse::<u32>().map(Some).map_err(|_| ())
            }
        };
        let (Ok(Some(yy)), Ok(mm), Ok(dd)) = (part(&yymmdd[0..2]), part(&yymmdd[2..4]), part(&yymmdd[4..6])) else {
            self.errors.push(format!("{what} '{yymmdd}' is not YYMMDD"));
            return String::new();
        };
        let now_yy = (today.0 % 100) as u32;
        let century = today.0 - today.0 % 100;
        let year = if birth {
            if yy > now_yy {
                century - 100 + yy as i32
            } else {
                century + yy as i32
            }
        } else {
            let y = century + yy as i32;
            if y > today.0 + 50 { y - 100 } else { y }
        };
        match corridor_model::PartialDate::new(year, mm, if mm.is_some() { dd } else { None }) {
            Ok(d) if mm.is_none() && dd.is_some() => {
                self.errors
                    .push(format!("{what} '{yymmdd}' has a day but an unknown month"));
                iso(&d)
            }
            Ok(d) => {
                if birth && (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1)) > today {
                    self.errors.push(format!("{what} '{yymmdd}' is in the future"));
                }
                iso(&d)
            }
            Err(e) => {
                self.errors.push(format!("{what} '{yymmdd}': {e}"));
                String::new()
            }
        }
    }

    fn sex(&mut self, c: &str) -> String {
        match c {
            "M" | "F" => c.to_string(),
            "<" | "X" => "X".to_string(),
            other => {
                self.errors.push(format!("sex '{other}' is not M, F or <"));
                other.to_string()
            }
        }
    }

    /// Reads the document number and the optional data after it. Where the format
    /// allows a long number (TD1, TD2), a `<` check digit after a full number field
    /// means the number continues in the optional data, ended by its check digit.
    fn number_and_optional(&mut self, number: &str, cd: &str, optional: &str, may_be_long: bool, f: &mut Fields) {
        if !(may_be_long && cd == "<" && !number.ends_with('<')) {
            self.check("document number", number, cd);
            f.document_number = filler_trim(number);
            f.optional_data = filler_trim(optional);
            return;
        }
        let rest = optional.split('<').next().unwrap_or("");
        if rest.is_empty() {
            self.errors
                .push("the document number check digit is '<' but the optional data holds no continuation".into());
            self.checks.push(Check {
                name: "document number",
                ok: false,
            });
            f.document_number = filler_trim(number);
            return;
        }
        let (cont, digit) = rest.split_at(rest.len() - 1);
        let full = format!("{number}{cont}");
        self.check("document number", &full, digit);
        f.document_number = full;
        f.optional_data = filler_trim(optional.get(rest.len() + 1..).unwrap_or(""));
    }

    /// Reads the name field and applies Doc 9303's rules for it (Part 3 §4.6 and
    /// the name rows of Parts 4-7): letters A-Z and the filler only, no digit; the
    /// primary identifier first, from the first position; components separated by
    /// one filler, the primary and secondary identifiers by two, only once; fillers
    /// after the name to the end of the field. A field ending in a letter is a
    /// truncated or exactly fitting name, and valid.
    fn names(&mut self, field: &str, fields: &mut Fields) {
        let (primary, secondary) = field.split_once("<<").unwrap_or((field, ""));
        let clean = |s: &str| s.split('<').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ");
        fields.surname = clean(primary);
        fields.given_names = clean(secondary);
        let name = field.trim_end_matches('<');
        if let Some(c) = name.chars().find(|c| !(c.is_ascii_uppercase() || *c == '<')) {
            let what = if c.is_ascii_digit() { "a digit" } else { "a character" };
            self.errors.push(format!(
                "the name field holds {what} ('{c}'): names in an MRZ are written with the letters A-Z and the filler < only (Doc 9303 Part 3, 4.6)"
            ));
        }
        if name.is_empty() || fields.surname.is_empty() {
            self.errors.push("the primary identifier (surname) is empty".into());
        } else if name.starts_with('<') {
            self.errors.push(
                "the name field begins with a filler: the primary identifier starts at its first position".into(),
            );
        }
        if name.contains("<<<") {
            self.errors.push(
                "the name field has three or more fillers inside the name: components are separated by one filler, the primary and secondary identifiers by two".into(),
            );
        } else if secondary.trim_end_matches('<').contains("<<") {
            self.errors
                .push("the name field separates identifiers with << more than once: only one primary and one secondary identifier".into());
        }
    }
}

/// What is wrong with the document code's second character, by Doc 9303: in a
/// passport (Part 4) a letter chosen by the issuer or the filler; in TD1 and TD2
/// cards (Parts 5-6, note k) anything but V, and not AI (TD1) or AC (TD2: only
/// TD1 crew member certificates may use AC); a visa's (Part 7) is the issuer's.
fn second_code_letter(format: Format, code: &str) -> Option<&'static str> {
    let second = code.chars().nth(1)?;
    match format {
        Format::Td3 if !(second.is_ascii_uppercase() || second == '<') => {
            Some("the second character of a passport's code is a letter or the filler <")
        }
        Format::Td1 | Format::Td2 if second == 'V' => {
            Some("V may not be the second character of a TD1 or TD2 document's code (Doc 9303 Parts 5-6)")
        }
        Format::Td1 if code == "AI" => Some("AI is not a document code (Doc 9303 Part 5)"),
        Format::Td2 if code == "AC" => Some("AC is not a TD2 document code (Doc 9303 Part 6)"),
        _ => None,
    }
}

fn filler_trim(s: &str) -> String {
    s.trim_end_matches('<').to_string()
}

/// Reads one MRZ given as its lines.
pub fn parse(lines: &[String], today: Today) -> Parsed {
    let lines: Vec<&str> = lines.iter().map(|l| l.trim_end_matches(['\r', ' '])).collect();
    let mut r = Reader {
        lines: &lines,
        checks: Vec::with_capacity(6),
        errors: Vec::new(),
    };
    let shape: Vec<usize> = lines.iter().map(|l| l.len()).collect();
    let first = lines.first().and_then(|l| l.chars().next());
    let format = match (shape.as_slice(), first) {
        ([30, 30, 30], _) => Some(Format::Td1),
        ([36, 36], Some('V')) => Some(Format::MrvB),
        ([36, 36], _) => Some(Format::Td2),
        ([44, 44], Some('V')) => Some(Format::MrvA),
        ([44, 44], _) => Some(Format::Td3),
        _ => None,
    };
    let Some(format) = format else {
        let lens: Vec<String> = shape.iter().map(usize::to_string).collect();
        return Parsed {
            valid: false,
            format: String::new(),
            fields: Fields::default(),
            checks: Vec::new(),
            errors: vec![format!(
                "{} line(s) of length {}: an MRZ is 3 lines of 30 (TD1), 2 of 36 (TD2, MRV-B) or 2 of 44 (TD3, MRV-A)",
                lines.len(),
                if lens.is_empty() {
                    "0".to_string()
                } else {
                    lens.join(", ")
                }
            )],
        };
    };
    for (i, l) in lines.iter().enumerate() {
        if l.bytes().any(|b| VALUES[b as usize] == INVALID)
            && let Some((pos, c)) = l
                .char_indices()
                .find(|(_, c)| !c.is_ascii() || char_value(*c as u8).is_none())
        {
            r.errors.push(format!(
                "line {} has '{c}' at position {}: only A-Z, 0-9 and < are allowed",
                i + 1,
                pos + 1
            ));
        }
    }
    if !r.errors.is_empty() {
        return Parsed {
            valid: false,
            format: format.name().into(),
            fields: Fields::default(),
            checks: Vec::new(),
            errors: r.errors,
        };
    }
    let mut f = Fields::default();
    let code = r.field(0, 0, 2);
    f.document_code = filler_trim(code);
    let expected_first: &[char] = match format {
        Format::Td3 => &['P'],
        Format::MrvA | Format::MrvB => &['V'],
        _ => &['I', 'A', 'C'],
    };
    if !code.starts_with(expected_first) {
        r.errors.push(format!(
            "document code '{code}' does not fit {}: expected it to start with {}",
            format.name(),
            expected_first
                .iter()
                .map(char::to_string)
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    if let Some(problem) = second_code_letter(format, code) {
        r.errors.push(format!("document code '{code}': {problem}"));
    }
    let state = r.field(0, 2, 5);
    f.issuing_state = r.state("issuing state", state);
    match format {
        Format::Td1 => {
            let number = r.field(0, 5, 14);
            let cd = r.field(0, 14, 15);
            let opt1 = r.field(0, 15, 30);
            r.number_and_optional(number, cd, opt1, true, &mut f);
            let dob = r.field(1, 0, 6);
            let dob_cd = r.field(1, 6, 7);
            r.check("birth date", dob, dob_cd);
            f.birth_date = r.date("birth date", dob, today, true);
            let sex = r.field(1, 7, 8);
            f.sex = r.sex(sex);
            let exp = r.field(1, 8, 14);
            let exp_cd = r.field(1, 14, 15);
            r.check("expiry date", exp, exp_cd);
            f.expiry_date = r.date("expiry date", exp, today, false);
            let nat = r.field(1, 15, 18);
            f.nationality = r.state("nationality", nat);
            f.optional_data_2 = filler_trim(r.field(1, 18, 29));
            let composite = [
                r.field(0, 5, 30),
                r.field(1, 0, 7),
                r.field(1, 8, 15),
                r.field(1, 18, 29),
            ];
            let digit = r.field(1, 29, 30);
            r.check_parts("composite", &composite, digit);
            let name = r.field(2, 0, 30);
            r.names(name, &mut f);
        }
        _ => {
            let width = lines[0].len();
            let name = r.field(0, 5, width);
            r.names(name, &mut f);
            let number = r.field(1, 0, 9);
            let cd = r.field(1, 9, 10);
            let nat = r.field(1, 10, 13);
            f.nationality = r.state("nationality", nat);
            let dob = r.field(1, 13, 19);
            let dob_cd = r.field(1, 19, 20);
            let sex = r.field(1, 20, 21);
            let exp = r.field(1, 21, 27);
            let exp_cd = r.field(1, 27, 28);
            let opt_end = match format {
                Format::Td3 => 42,
                Format::Td2 => 35,
                _ => width,
            };
            let opt = r.field(1, 28, opt_end);
            r.number_and_optional(number, cd, opt, format == Format::Td2, &mut f);
            r.check("birth date", dob, dob_cd);
            f.birth_date = r.date("birth date", dob, today, true);
            f.sex = r.sex(sex);
            r.check("expiry date", exp, exp_cd);
            f.expiry_date = r.date("expiry date", exp, today, false);
            match format {
                Format::Td3 => {
                    let digit = r.field(1, 42, 43);
                    if digit == "<" && opt.bytes().all(|b| b == b'<') {
                        r.checks.push(Check {
                            name: "personal number",
                            ok: true,
                        });
                    } else {
                        r.check("personal number", opt, digit);
                    }
                    let composite = [r.field(1, 0, 10), r.field(1, 13, 20), r.field(1, 21, 43)];
                    let digit = r.field(1, 43, 44);
                    r.check_parts("composite", &composite, digit);
                }
                Format::Td2 => {
                    let composite = [r.field(1, 0, 10), r.field(1, 13, 20), r.field(1, 21, 35)];
                    let digit = r.field(1, 35, 36);
                    r.check_parts("composite", &composite, digit);
                }
                _ => {}
            }
        }
    }
    Parsed {
        valid: r.errors.is_empty(),
        format: format.name().into(),
        fields: f,
        checks: r.checks,
        errors: r.errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Today = (2026, 11, 25);

    fn p(lines: &[&str]) -> Parsed {
        parse(&lines.iter().map(|s| s.to_string()).collect::<Vec<_>>(), TODAY)
    }

    #[test]
    fn doc_9303_td3_specimen() {
        let r = p(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ]);
        assert!(r.valid, "{:?}", r.errors);
        assert_eq!(r.format, "TD3");
        assert_eq!(
            (r.fields.surname.as_str(), r.fields.given_names.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
        assert_eq!(r.fields.document_number, "L898902C3");
        assert_eq!(
            (r.fields.birth_date.as_str(), r.fields.expiry_date.as_str()),
            ("1974-08-12", "2012-04-15")
        );
        assert_eq!(r.fields.optional_data, "ZE184226B");
        assert_eq!(r.checks.len(), 5);
    }

    #[test]
    fn doc_9303_td1_specimen() {
        let r = p(&[
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ]);
        assert!(r.valid, "{:?}", r.errors);
        assert_eq!(
            (r.format.as_str(), r.fields.document_number.as_str()),
            ("TD1", "D23145890")
        );
    }

    #[test]
    fn each_failed_check_is_named() {
        let r = p(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C37UTO7408122F1204159ZE184226B<<<<<10",
        ]);
        assert!(!r.valid);
        assert_eq!(
            r.checks.iter().filter(|c| !c.ok).map(|c| c.name).collect::<Vec<_>>(),
            vec!["document number", "composite"]
        );
        let r = p(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7402302F1204159ZE184226B<<<<<10",
        ]);
        assert!(
            r.errors.iter().any(|e| e.contains("not a calendar date")),
            "{:?}",
            r.errors
        );
        let r = p(&["P<UTOERIKSSON<<ANNA", "L898902C36"]);
        assert!(r.errors[0].contains("an MRZ is 3 lines of 30"), "{:?}", r.errors);
        let r = p(&[
            "P<QQQERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ]);
        assert!(
            r.errors.iter().any(|e| e.contains("issuing state 'QQQ'")),
            "{:?}",
            r.errors
        );
    }

    /// The TD3 specimen with its name field (39 characters from position 6) and
    /// document code replaced: neither is covered by a check digit.
    fn td3(code: &str, name: &str) -> Parsed {
        let line1 = format!("{code}UTO{:<<39}", name);
        p(&[&line1, "L898902C36UTO7408122F1204159ZE184226B<<<<<10"])
    }

    /// The TD1 specimen with its document code replaced.
    fn td1(code: &str) -> Parsed {
        let line1 = format!("{code}UTOD231458907<<<<<<<<<<<<<<<");
        p(&[
            &line1,
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ])
    }

    #[test]
    fn name_fields_that_break_doc_9303_are_invalid() {
        for name in [
            "ERIKSSON<<ANNA<5ARIA",
            "ERIK5SON<<ANNA",
            "<ERIKSSON<<ANNA",
            "<ARKFREITH",
            "<<ANNA<MARIA",
            "ERIKSSON<<<ANNA",
            "ERIKSSON<<ANNA<<MARIA",
            "ERIKSSON<<ANNA<<<<<<<<<<<<X",
            "<<<<<<<<",
        ] {
            let r = td3("P<", name);
            assert!(!r.valid, "{name} accepted");
            assert!(
                r.errors
                    .iter()
                    .any(|e| e.contains("name field") || e.contains("primary")),
                "{name}: {:?}",
                r.errors
            );
        }
    }

    #[test]
    fn names_written_to_doc_9303_are_valid_truncated_or_not() {
        // The examples of Parts 4 and 6: primary identifier only, truncated
        // components, a secondary identifier cut to its initial, an exact fit.
        for name in [
            "ARKFREITH",
            "SATRIYA<SUDARPA",
            "BENNEL<WOOLOO<WARRAN<WARNAM<<DINGO<POTO",
            "NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K",
            "PAPANDROPOULOUS<<JONATHON<WARREN<TREVOR",
            "MACHIN<WARRANDYTE<W<<DI",
            "ERIKSSON<<ANNA<MARIA",
        ] {
            let r = td3("P<", name);
            assert!(r.valid, "{name}: {:?}", r.errors);
        }
    }

    #[test]
    fn document_codes_follow_doc_9303() {
        for code in ["IV", "AV", "CV", "AI"] {
            assert!(!td1(code).valid, "TD1 {code} accepted");
        }
        for code in ["I<", "ID", "IP", "AC", "A<", "C<", "CR"] {
            assert!(td1(code).valid, "TD1 {code}: {:?}", td1(code).errors);
        }
        for (code, valid) in [("P1", false), ("PV", true), ("PP", true), ("P<", true)] {
            let r = td3(code, "ERIKSSON<<ANNA");
            assert_eq!(r.valid, valid, "TD3 {code}: {:?}", r.errors);
        }
        let td2 = |code: &str| {
            p(&[
                &format!("{code}UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"),
                "D231458907UTO7408122F1204159<<<<<<<6",
            ])
        };
        assert!(td2("I<").valid, "{:?}", td2("I<").errors);
        for code in ["IV", "AC"] {
            assert!(!td2(code).valid, "TD2 {code} accepted");
        }
    }
}

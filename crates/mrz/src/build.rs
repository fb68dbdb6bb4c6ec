//! Building MRZ lines from a document's fields, with every check digit.

use crate::{Error, check_digit};

/// The MRZ layouts of Doc 9303.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ID cards: 3 lines of 30.
    Td1,
    /// 2 lines of 36.
    Td2,
    /// Passports: 2 lines of 44.
    Td3,
    /// Visas, 2 lines of 44.
    MrvA,
    /// Visas, 2 lines of 36.
    MrvB,
}

/// The fields written into an MRZ. Names are given already in MRZ form (see
/// [`crate::mrz_name_part`]); dates as `YYMMDD`, `<<<<<<` when unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub format: Format,
    /// `P`, `PM`, `I`, `ID`, `V` …: one or two characters.
    pub code: String,
    pub issuing_state: String,
    pub surname: String,
    pub given_names: String,
    pub number: String,
    pub nationality: String,
    pub birth_date: String,
    /// `M`, `F` or `<`.
    pub sex: char,
    pub expiry_date: String,
    pub optional: String,
    /// TD1 only: the optional data of line 2.
    pub optional_2: String,
}

fn pad(s: &str, len: usize) -> String {
    let mut out = s.to_string();
    while out.len() < len {
        out.push('<');
    }
    out
}

fn checked(field: &'static str, value: &str, max: usize) -> Result<String, Error> {
    if !value
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'<')
    {
        return Err(Error::BadCharacters {
            field,
            value: value.to_string(),
        });
    }
    if value.len() > max {
        return Err(Error::TooLong {
            field,
            value: value.to_string(),
            max,
        });
    }
    Ok(pad(value, max))
}

fn date(field: &'static str, value: &str) -> Result<String, Error> {
    if value.len() == 6 && (value.bytes().all(|b| b.is_ascii_digit()) || value == "<<<<<<") {
        Ok(value.to_string())
    } else {
        Err(Error::BadDate {
            field,
            value: value.to_string(),
        })
    }
}

fn cd(s: &str) -> char {
    check_digit(s).map_or('<', char::from)
}

/// The name field: primary identifier, `<<`, secondary identifier, truncated to the line.
fn name_field(d: &Document, len: usize) -> Result<String, Error> {
    let mut name = d.surname.clone();
    if !d.given_names.is_empty() {
        name.push_str("<<");
        name.push_str(&d.given_names);
    }
    // Characters are checked before the cut: truncating at a byte position inside a
    // letter of another script would panic.
    if !name.is_ascii() {
        return Err(Error::BadCharacters {
            field: "name",
            value: name,
        });
    }
    // Doc 9303 Part 3, 4.6: letters and fillers only, the primary identifier first.
    if d.surname.is_empty() || name.starts_with('<') || !name.bytes().all(|b| b.is_ascii_uppercase() || b == b'<') {
        return Err(Error::BadCharacters {
            field: "name",
            value: name,
        });
    }
    name.truncate(len);
    checked("name", &name, len)
}

/// Writes the MRZ lines of a document.
pub fn build_lines(d: &Document) -> Result<Vec<String>, Error> {
    let code = checked("document code", &d.code, 2)?;
    let state = checked("issuing state", &d.issuing_state, 3)?;
    let nat = checked("nationality", &d.nationality, 3)?;
    let dob = date("birth date", &d.birth_date)?;
    let exp = date("expiry date", &d.expiry_date)?;
    let sex = match d.sex {
        'M' | 'F' | '<' => d.sex,
        other => {
            return Err(Error::BadCharacters {
                field: "sex",
                value: other.to_string(),
            });
        }
    };
    checked("document number", &d.number, 30)?;
    match d.format {
        Format::Td3 | Format::MrvA | Format::Td2 | Format::MrvB => {
            let wide = matches!(d.format, Format::Td3 | Format::MrvA);
            let width = if wide { 44 } else { 36 };
            let line1 = format!("{code}{state}{}", name_field(d, width - 5)?);
            let number = checked("document number", &d.number, 9)?;
            let head = format!("{number}{}{nat}{dob}{}{sex}{exp}{}", cd(&number), cd(&dob), cd(&exp));
            let line2 = match d.format {
                Format::Td3 => {
                    let opt = checked("personal number", &d.optional, 14)?;
                    let opt_cd = if d.optional.is_empty() { '<' } else { cd(&opt) };
                    let body = format!("{head}{opt}{opt_cd}");
                    let composite = format!("{}{}{}", &body[0..10], &body[13..20], &body[21..43]);
                    format!("{body}{}", cd(&composite))
                }
                Format::Td2 => {
                    let opt = checked("optional data", &d.optional, 7)?;
                    let body = format!("{head}{opt}");
                    let composite = format!("{}{}{}", &body[0..10], &body[13..20], &body[21..35]);
                    format!("{body}{}", cd(&composite))
                }
                Format::MrvA => format!("{head}{}", checked("optional data", &d.optional, 16)?),
                _ => format!("{head}{}", checked("optional data", &d.optional, 8)?),
            };
            Ok(vec![line1, line2])
        }
        Format::Td1 => {
            // A number over 9 characters: its first 9 in the number field, `<` in place
            // of the check digit, and the rest with its check digit leading the
            // optional data (Doc 9303 Part 5, 4.2.4).
            let (num_field, num_cd, opt1) = if d.number.len() > 9 {
                let rest = &d.number[9..];
                let opt = format!("{rest}{}<{}", cd(&d.number), d.optional);
                (
                    d.number[..9].to_string(),
                    '<',
                    checked("document number overflow and optional data", &opt, 15)?,
                )
            } else {
                let n = checked("document number", &d.number, 9)?;
                (n.clone(), cd(&n), checked("optional data", &d.optional, 15)?)
            };
            let line1 = format!("{code}{state}{num_field}{num_cd}{opt1}");
            let opt2 = checked("optional data 2", &d.optional_2, 11)?;
            let line2_body = format!("{dob}{}{sex}{exp}{}{nat}{opt2}", cd(&dob), cd(&exp));
            let composite = format!(
                "{}{}{}{}",
                &line1[5..30],
                &line2_body[0..7],
                &line2_body[8..15],
                &line2_body[18..29]
            );
            let line2 = format!("{line2_body}{}", cd(&composite));
            let line3 = name_field(d, 30)?;
            Ok(vec![line1, line2, line3])
        }
    }
}

/// Recomputes each check digit of a set of lines in `format` and says whether it
/// matches: `(field name, ok)`. Used by tests and by forged-document generation;
/// the full validator comes with the MRZ parser.
pub fn field_checks(format: Format, lines: &[String]) -> Vec<(&'static str, bool)> {
    let at = |l: usize, i: usize| lines.get(l).and_then(|s| s.as_bytes().get(i).copied()).unwrap_or(b'?');
    let slice = |l: usize, a: usize, b: usize| lines.get(l).and_then(|s| s.get(a..b)).unwrap_or("").to_string();
    let ok = |field: String, digit: u8| check_digit(&field) == Some(digit);
    match format {
        Format::Td3 | Format::Td2 | Format::MrvA | Format::MrvB => {
            let mut out = vec![
                ("document number", ok(slice(1, 0, 9), at(1, 9))),
                ("birth date", ok(slice(1, 13, 19), at(1, 19))),
                ("expiry date", ok(slice(1, 21, 27), at(1, 27))),
            ];
            match format {
                Format::Td3 => {
                    let opt = slice(1, 28, 42);
                    let opt_ok = ok(opt.clone(), at(1, 42)) || (opt.bytes().all(|b| b == b'<') && at(1, 42) == b'<');
                    out.push(("personal number", opt_ok));
                    let comp = format!("{}{}{}", slice(1, 0, 10), slice(1, 13, 20), slice(1, 21, 43));
                    out.push(("composite", ok(comp, at(1, 43))));
                }
                Format::Td2 => {
                    let comp = format!("{}{}{}", slice(1, 0, 10), slice(1, 13, 20), slice(1, 21, 35));
                    out.push(("composite", ok(comp, at(1, 35))));
                }
                _ => {}
            }
            out
        }
        Format::Td1 => {
            let number_ok = if at(0, 14) == b'<' {
                let opt = slice(0, 15, 30);
                let (rest, _) = opt.split_once('<').unwrap_or((&opt, ""));
                match rest.len() {
                    0 => false,
                    n => ok(format!("{}{}", slice(0, 5, 14), &rest[..n - 1]), rest.as_bytes()[n - 1]),
                }
            } else {
                ok(slice(0, 5, 14), at(0, 14))
            };
            let comp = format!(
                "{}{}{}{}",
                slice(0, 5, 30),
                slice(1, 0, 7),
                slice(1, 8, 15),
                slice(1, 18, 29)
            );
            vec![
                ("document number", number_ok),
                ("birth date", ok(slice(1, 0, 6), at(1, 6))),
                ("expiry date", ok(slice(1, 8, 14), at(1, 14))),
                ("composite", ok(comp, at(1, 29))),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(format: Format, code: &str, number: &str) -> Document {
        Document {
            format,
            code: code.into(),
            issuing_state: "UTO".into(),
            surname: "ERIKSSON".into(),
            given_names: "ANNA<MARIA".into(),
            number: number.into(),
            nationality: "UTO".into(),
            birth_date: "740812".into(),
            sex: 'F',
            expiry_date: "120415".into(),
            optional: String::new(),
            optional_2: String::new(),
        }
    }

    /// A name in another script longer than the line is refused, not cut inside a
    /// letter (which panicked), in every layout.
    #[test]
    fn a_long_name_in_another_script_is_refused_not_a_panic() {
        for format in [Format::Td1, Format::Td2, Format::Td3, Format::MrvA, Format::MrvB] {
            let mut d = doc(format, "P", "L898902C3");
            d.surname = "ЂОРЂЕВИЋ".repeat(10);
            assert!(
                matches!(build_lines(&d), Err(Error::BadCharacters { field: "name", .. })),
                "{format:?}"
            );
            d.surname = "É".repeat(60);
            assert!(build_lines(&d).is_err(), "{format:?}");
        }
    }

    #[test]
    fn builds_the_doc_9303_td3_specimen() {
        let mut d = doc(Format::Td3, "P", "L898902C3");
        d.optional = "ZE184226B".into();
        let lines = build_lines(&d).expect("lines");
        assert_eq!(lines[0], "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
        assert_eq!(lines[1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
        assert!(field_checks(Format::Td3, &lines).iter().all(|(_, ok)| *ok));
    }

    #[test]
    fn builds_the_doc_9303_td1_specimen() {
        let mut d = doc(Format::Td1, "I", "D23145890");
        d.expiry_date = "120415".into();
        d.optional = String::new();
        let lines = build_lines(&d).expect("lines");
        // Doc 9303 Part 5 specimen: I<UTOD231458907<<<<<<<<<<<<<<< / 7408122F1204159UTO<<<<<<<<<<<6
        assert_eq!(lines[0], "I<UTOD231458907<<<<<<<<<<<<<<<");
        assert_eq!(lines[1], "7408122F1204159UTO<<<<<<<<<<<6");
        assert_eq!(lines[2], "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
    }

    #[test]
    fn long_td1_numbers_overflow_into_the_optional_data() {
        let d = doc(Format::Td1, "I", "D23145890734");
        let lines = build_lines(&d).expect("lines");
        assert_eq!(&lines[0][5..15], "D23145890<");
        assert!(lines[0][15..].starts_with("734"));
        assert!(field_checks(Format::Td1, &lines).iter().all(|(_, ok)| *ok), "{lines:?}");
    }

    #[test]
    fn every_format_has_its_size_and_valid_checks() {
        for (f, code, rows, width) in [
            (Format::Td1, "ID", 3, 30),
            (Format::Td2, "I", 2, 36),
            (Format::Td3, "P", 2, 44),
            (Format::MrvA, "V", 2, 44),
            (Format::MrvB, "V", 2, 36),
        ] {
            let lines = build_lines(&doc(f, code, "AB1234567")).expect("lines");
            assert_eq!(lines.len(), rows);
            assert!(lines.iter().all(|l| l.len() == width), "{f:?} {lines:?}");
            assert!(field_checks(f, &lines).iter().all(|(_, ok)| *ok), "{f:?} {lines:?}");
        }
    }

    #[test]
    fn bad_fields_are_refused() {
        let mut d = doc(Format::Td3, "P", "L898902C3");
        d.birth_date = "1974-08".into();
        assert!(matches!(build_lines(&d), Err(Error::BadDate { .. })));
        let d = doc(Format::Td3, "P", "l898");
        assert!(matches!(build_lines(&d), Err(Error::BadCharacters { .. })));
    }
}

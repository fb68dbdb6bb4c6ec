//! ICAO Doc 9303 machine-readable zones: the check digit, transliteration of names
//! into the MRZ character set, and building the lines of TD1, TD2, TD3, MRV-A and
//! MRV-B documents with correct check digits.
//!
//! Written here rather than taken from a crate: the MRZ is one of Corridor's cores
//! (document fraud checks, hit/no-hit on document numbers) and must follow the
//! standard to the letter, including long TD1 document numbers and the composite
//! check digit. Reading and validating MRZs grows in this crate next.

mod build;
mod parse;
mod translit;

pub use build::{Document, Format, build_lines, field_checks};
pub use parse::{Check, Fields, Parsed, Today, parse};
pub use translit::{mrz_name_part, transliterate};

/// Why a document cannot be written as an MRZ.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A field holds characters outside `A-Z0-9<` after transliteration.
    #[error("{field} '{value}' has characters that cannot appear in an MRZ")]
    BadCharacters { field: &'static str, value: String },
    /// A field is longer than its place in the zone.
    #[error("{field} '{value}' is longer than {max} characters")]
    TooLong {
        field: &'static str,
        value: String,
        max: usize,
    },
    /// A date that is not six digits YYMMDD (use `<<<<<<` for unknown).
    #[error("{field} '{value}' is not YYMMDD")]
    BadDate { field: &'static str, value: String },
}

/// The value of one MRZ character in the check digit computation: digits are
/// themselves, `A`–`Z` are 10–35, `<` is 0. `None` for anything else.
pub const fn char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u32),
        b'A'..=b'Z' => Some((c - b'A') as u32 + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// The Doc 9303 Part 3 check digit: weights 7, 3, 1 repeating, sum modulo 10.
/// `None` if the field has a character outside the MRZ set.
pub fn check_digit(field: &str) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (i, c) in field.bytes().enumerate() {
        sum += char_value(c)? * WEIGHTS[i % 3];
    }
    Some(b'0' + (sum % 10) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_the_doc_9303_specimen() {
        // Doc 9303 Part 4, Appendix A: the Utopia passport of Anna Maria Eriksson.
        assert_eq!(check_digit("L898902C3"), Some(b'6'));
        assert_eq!(check_digit("740812"), Some(b'2'));
        assert_eq!(check_digit("120415"), Some(b'9'));
        assert_eq!(check_digit("ZE184226B<<<<<"), Some(b'1'));
        assert_eq!(check_digit("a"), None);
        assert_eq!(check_digit("<<<<<<"), Some(b'0'));
    }
}

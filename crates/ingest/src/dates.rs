//! Reading dates in the formats agencies write them (`31.12.2024`, `12/31/24 23:05`,
//! `2024`), keeping the precision the value has.
//!
//! A small strftime subset written here rather than chrono's parser, because chrono
//! cannot return a partial date (`%Y` alone, `%m/%Y`) and records of birth often
//! have only a year. Tokens: `%Y` (4-digit year), `%y` (2-digit year: 00–49 → 20xx,
//! 50–99 → 19xx), `%m`, `%d` (1 or 2 digits), `%H`, `%M`, `%S` (2 digits; `%H` also 1),
//! `%%`; any other character must match itself. ISO 8601 (`2024-03-12`,
//! `2024-03-12T14:05`) is always accepted as well, since it cannot be misread.

use corridor_model::PartialDate;

/// A date with an optional time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    pub date: PartialDate,
    pub time: Option<(u32, u32, Option<u32>)>,
}

impl ParsedDate {
    /// The stored form: ISO date, with `THH:MM[:SS]` when a time is kept.
    pub fn to_iso(self, keep_time: bool) -> String {
        match (keep_time, self.time) {
            (true, Some((h, m, Some(s)))) => format!("{}T{h:02}:{m:02}:{s:02}", self.date),
            (true, Some((h, m, None))) => format!("{}T{h:02}:{m:02}", self.date),
            _ => self.date.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Year4,
    Year2,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Lit(char),
}

/// A compiled date format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat {
    pattern: String,
    tokens: Vec<Token>,
}

impl DateFormat {
    /// Compiles a format, refusing unknown `%` tokens and formats that could give a
    /// day without a month.
    pub fn new(pattern: &str) -> Result<DateFormat, String> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                tokens.push(Token::Lit(c));
                continue;
            }
            tokens.push(match chars.next() {
                Some('Y') => Token::Year4,
                Some('y') => Token::Year2,
                Some('m') => Token::Month,
                Some('d') => Token::Day,
                Some('H') => Token::Hour,
                Some('M') => Token::Minute,
                Some('S') => Token::Second,
                Some('%') => Token::Lit('%'),
                Some(other) => {
                    return Err(format!(
                        "unknown date token %{other} in '{pattern}' (use %Y %y %m %d %H %M %S)"
                    ));
                }
                None => return Err(format!("date format '{pattern}' ends with a lone %")),
            });
        }
        let has = |t: Token| tokens.contains(&t);
        if !has(Token::Year4) && !has(Token::Year2) {
            return Err(format!("date format '{pattern}' has no year (%Y or %y)"));
        }
        if has(Token::Day) && !has(Token::Month) {
            return Err(format!("date format '{pattern}' has a day but no month"));
        }
        Ok(DateFormat {
            pattern: pattern.to_string(),
            tokens,
        })
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Parses `value` completely or not at all. `Ok(None)`: the value does not have
    /// this format's shape. `Err`: it has the shape but is not a real date.
    pub fn parse(&self, value: &str) -> Result<Option<ParsedDate>, String> {
        let b = value.as_bytes();
        let mut i = 0;
        let (mut year, mut month, mut day) = (None, None, None);
        let (mut hour, mut minute, mut second) = (None, None, None);
        for t in &self.tokens {
            let (min, max) = match t {
                Token::Year4 => (4, 4),
                Token::Year2 | Token::Minute | Token::Second => (2, 2),
                Token::Month | Token::Day | Token::Hour => (1, 2),
                Token::Lit(c) => {
                    let mut buf = [0u8; 4];
                    let lit = c.encode_utf8(&mut buf).as_bytes();
                    if !b[i..].starts_with(lit) {
                        return Ok(None);
                    }
                    i += lit.len();
                    continue;
                }
            };
            let digits = b[i..].iter().take(max).take_while(|c| c.is_ascii_digit()).count();
            if digits < min {
                return Ok(None);
            }
            let n: u32 = value[i..i + digits]
                .parse()
                .map_err(|_| format!("'{value}' is not a date"))?;
            i += digits;
            match t {
                Token::Year4 => year = Some(n as i32),
                Token::Year2 => year = Some(if n < 50 { 2000 + n as i32 } else { 1900 + n as i32 }),
                Token::Month => month = Some(n),
                Token::Day => day = Some(n),
                Token::Hour => hour = Some(n),
                Token::Minute => minute = Some(n),
                Token::Second => second = Some(n),
                Token::Lit(_) => {}
            }
        }
        if i != b.len() {
            return Ok(None);
        }
        let Some(year) = year else { return Ok(None) };
        let date = PartialDate::new(year, month, day)?;
        let time = match (hour, minute) {
            (Some(h), Some(m)) => {
                if h > 23 || m > 59 || second.is_some_and(|s| s > 59) {
                    return Err(format!("'{value}' has no valid time of day"));
                }
                if day.is_none() {
                    return Err(format!("'{value}' has a time but no full date"));
                }
                Some((h, m, second))
            }
            (None, None) => None,
            _ => {
                return Err(format!(
                    "'{value}' has an hour without minutes or minutes without an hour"
                ));
            }
        };
        Ok(Some(ParsedDate { date, time }))
    }
}

/// Tries each format, then ISO 8601. The error says which formats were tried.
pub fn parse_date(value: &str, formats: &[DateFormat]) -> Result<ParsedDate, String> {
    let v = value.trim();
    for f in formats.iter().chain(iso_formats()) {
        if let Some(d) = f.parse(v)? {
            return Ok(d);
        }
    }
    let tried: Vec<&str> = formats.iter().map(|f| f.pattern()).collect();
    Err(if tried.is_empty() {
        format!("'{v}' is not an ISO date; give the mapping's date_formats")
    } else {
        format!(
            "'{v}' matches none of the date formats {} nor ISO 8601",
            tried.join(", ")
        )
    })
}

fn iso_formats() -> &'static [DateFormat] {
    static ISO: std::sync::OnceLock<Vec<DateFormat>> = std::sync::OnceLock::new();
    ISO.get_or_init(|| {
        [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d",
            "%Y-%m",
            "%Y",
        ]
        .iter()
        .filter_map(|p| DateFormat::new(p).ok())
        .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmts(ps: &[&str]) -> Vec<DateFormat> {
        ps.iter().map(|p| DateFormat::new(p).expect("format")).collect()
    }

    #[test]
    fn agency_formats_and_precision() {
        let f = fmts(&["%d.%m.%Y", "%d.%m.%Y %H:%M", "%m/%Y", "%Y."]);
        let iso = |v: &str, t: bool| parse_date(v, &f).map(|d| d.to_iso(t));
        assert_eq!(iso("3.7.1991", false), Ok("1991-07-03".into()));
        assert_eq!(iso("03.07.1991 22:15", true), Ok("1991-07-03T22:15".into()));
        assert_eq!(iso("03.07.1991 22:15", false), Ok("1991-07-03".into()));
        assert_eq!(iso("07/1991", false), Ok("1991-07".into()));
        assert_eq!(iso("1991.", false), Ok("1991".into()));
        assert_eq!(
            iso("1991-07-03", false),
            Ok("1991-07-03".into()),
            "ISO is always accepted"
        );
        assert!(iso("31.02.2024", false).is_err_and(|e| e.contains("not a calendar date")));
        assert!(iso("03.07.1991 25:00", true).is_err());
        assert!(iso("July 3rd", false).is_err_and(|e| e.contains("%d.%m.%Y")));
    }

    #[test]
    fn two_digit_years_pivot_at_fifty() {
        let f = fmts(&["%d/%m/%y"]);
        assert_eq!(parse_date("01/02/49", &f).map(|d| d.date.year), Ok(2049));
        assert_eq!(parse_date("01/02/50", &f).map(|d| d.date.year), Ok(1950));
    }

    #[test]
    fn bad_formats_are_refused() {
        assert!(DateFormat::new("%d.%m").is_err());
        assert!(DateFormat::new("%d.%Y").is_err());
        assert!(DateFormat::new("%Q").is_err());
    }
}

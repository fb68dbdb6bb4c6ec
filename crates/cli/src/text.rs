//! Text that leaves Corridor for a terminal or a spreadsheet, made safe there.
//!
//! Stored values come from outside (agencies' files, partners): a name holding an
//! ESC sequence could rewrite the analyst's terminal (hide lines, fake prompts,
//! set the window title), a cell beginning with `=` or `@` runs as a formula when
//! the CSV is opened in a spreadsheet. Text output escapes control characters and
//! the bidirectional overrides that make text display in another order than it is
//! stored ("Trojan Source"); CSV output neutralises formula cells. Machine-readable
//! output (JSON, JSON Lines) is left as stored: its readers parse, not display.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as itself: C0 and C1 controls and DEL
/// (newline and tab excepted: the output's own layout uses them), and the
/// bidirectional embedding, override and isolate characters. Arabic, Persian and
/// Hebrew text needs none of these to display right to left.
fn unsafe_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character unsafe on a terminal written as an escape (`\u{1b}`).
pub(crate) fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_on_terminal) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_on_terminal(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` as a single line on a terminal: [`terminal`], and newlines and tabs escaped
/// too, for a value that must not start a line of its own (a record id, a name).
pub(crate) fn one_line(s: &str) -> Cow<'_, str> {
    if !s.contains(['\n', '\t']) {
        return terminal(s);
    }
    Cow::Owned(terminal(&s.replace('\n', "\\n").replace('\t', "\\t")).into_owned())
}

/// The first error writing standard output met (a closed pipe, a closed or full
/// output): later writes are skipped, and `main` decides the exit code from it
/// once the command has finished, instead of a panic in the middle of it.
static OUTPUT_ERROR: std::sync::Mutex<Option<(std::io::ErrorKind, String)>> = std::sync::Mutex::new(None);

/// Writes `text` to standard output as it is, unless an earlier write failed.
pub(crate) fn print_raw(text: &str) {
    use std::io::Write;
    let mut failed = OUTPUT_ERROR.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if failed.is_some() {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        *failed = Some((e.kind(), e.to_string()));
    }
}

/// The first error writing standard output, if any.
pub(crate) fn output_error() -> Option<(std::io::ErrorKind, String)> {
    OUTPUT_ERROR
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// Prints a line of text output with [`terminal`] applied to all of it; the
/// text-mode commands print through [`outln!`](crate::outln).
pub(crate) fn print_line(line: &str) {
    print_raw(&format!("{}\n", terminal(line)));
}

/// `println!` for text output: control characters of the values escaped, and a
/// failed write recorded rather than a panic.
#[macro_export]
#[doc(hidden)]
macro_rules! outln {
    () => { $crate::text::print_raw("\n") };
    ($($t:tt)*) => { $crate::text::print_line(&format!($($t)*)) };
}

/// A CSV cell that a spreadsheet will not run as a formula (OWASP's CSV injection
/// rule): a cell beginning with `=`, `@`, a tab or a carriage return, or with `+`
/// or `-` unless the whole cell is a number or an E.164 phone number (`+`, then
/// 7 to 15 digits), gets a leading `'`, which spreadsheets show as text and do not
/// evaluate. Phones and negative amounts survive unchanged, which is why the rule
/// is not OWASP's blanket one.
pub(crate) fn spreadsheet_cell(s: &str) -> Cow<'_, str> {
    let risky = match s.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !(is_number(s) || is_e164(s)),
        _ => false,
    };
    if risky {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

fn is_e164(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|d| (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_controls_and_bidi_overrides_but_keeps_every_script() {
        assert_eq!(
            terminal("Ђорђевић عبد الرحمن Παπαδόπουλος"),
            "Ђорђевић عبد الرحمن Παπαδόπουλος"
        );
        assert_eq!(terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(terminal("nul\0"), "nul\\u{0}");
        assert_eq!(terminal("del\u{7f} c1\u{9b}"), "del\\u{7f} c1\\u{9b}");
        assert_eq!(terminal("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(terminal("cr\rover"), "cr\\u{d}over");
        assert_eq!(terminal("two\nlines"), "two\nlines");
        assert_eq!(one_line("two\nlines\t"), "two\\nlines\\t");
    }

    #[test]
    fn formula_cells_are_neutralised_and_numbers_and_phones_survive() {
        for bad in [
            "=cmd|' /C calc'!A0",
            "@HYPERLINK(\"http://x\")",
            "+1+cmd",
            "-2+3",
            "\t=1",
            "\r=1",
            "+",
            "-",
        ] {
            assert!(spreadsheet_cell(bad).starts_with('\''), "{bad:?} not neutralised");
        }
        for good in [
            "+38970123456",
            "-12.50",
            "42",
            "+7",
            "Ivan",
            "",
            "1990-01-02",
            "'quoted",
        ] {
            assert_eq!(spreadsheet_cell(good), good, "{good:?} changed");
        }
    }
}

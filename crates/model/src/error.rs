//! The one error type of the vocabulary crate: a value that does not parse.

/// A value that is not one of the allowed forms; the message says which forms are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} '{value}': expected {expected}")]
pub struct ParseError {
    /// What kind of value was being read ("grading", "handling code" …).
    pub what: &'static str,
    /// The value as given.
    pub value: String,
    /// The allowed forms, for the message.
    pub expected: String,
}

impl ParseError {
    pub fn new(what: &'static str, value: &str, expected: impl Into<String>) -> Self {
        ParseError {
            what,
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}

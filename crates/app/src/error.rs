//! The errors of the use cases, each with a stable code: one table says which exit
//! code the CLI and which HTTP status the server give it. Messages say what to do
//! without naming a front end's commands; no backend type leaks through.

use serde::Serialize;

/// What can go wrong, as a front end needs to tell it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input is wrong: a bad id, a bad value, a refused option.
    BadInput,
    /// The thing asked for does not exist.
    NotFound,
    /// Another writer held the store for longer than this request would wait.
    Busy,
    /// The store is open read-only and this would write or log.
    ReadOnly,
    /// The store cannot be used: missing, newer, foreign, or a database failure.
    StoreUnavailable,
    /// The store or its audit log failed verification.
    Integrity,
    /// The result could not be written out.
    Output,
    /// No user, or credentials that are not (or no longer) good.
    Unauthenticated,
    /// The user may not do this, or not in this case.
    Forbidden,
    /// A name that is already taken.
    Conflict,
    /// A request body or value over its limit.
    TooLarge,
    /// Too many attempts: wait and try again.
    RateLimited,
    /// The route does not take that method.
    MethodNotAllowed,
    /// A partner node could not be reached, or answered with no message.
    PartnerUnavailable,
}

impl ErrorCode {
    /// Every code, for documentation and for tests that the table is whole.
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::BadInput,
        ErrorCode::NotFound,
        ErrorCode::Busy,
        ErrorCode::ReadOnly,
        ErrorCode::StoreUnavailable,
        ErrorCode::Integrity,
        ErrorCode::Output,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::Conflict,
        ErrorCode::TooLarge,
        ErrorCode::RateLimited,
        ErrorCode::MethodNotAllowed,
        ErrorCode::PartnerUnavailable,
    ];

    /// The stable name, as JSON and the API give it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadInput => "bad_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Busy => "busy",
            ErrorCode::ReadOnly => "read_only",
            ErrorCode::StoreUnavailable => "store_unavailable",
            ErrorCode::Integrity => "integrity",
            ErrorCode::Output => "output",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Conflict => "conflict",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::PartnerUnavailable => "partner_unavailable",
        }
    }

    /// The CLI's exit code (see `corridor --help`).
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorCode::BadInput | ErrorCode::Conflict | ErrorCode::TooLarge | ErrorCode::MethodNotAllowed => 4,
            ErrorCode::Busy
            | ErrorCode::ReadOnly
            | ErrorCode::StoreUnavailable
            | ErrorCode::RateLimited
            | ErrorCode::PartnerUnavailable => 5,
            ErrorCode::Unauthenticated | ErrorCode::Forbidden => 8,
            ErrorCode::Integrity => 6,
            ErrorCode::NotFound => 7,
            ErrorCode::Output => 1,
        }
    }

    /// The HTTP status the node server will answer with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadInput => 400,
            ErrorCode::NotFound => 404,
            ErrorCode::Busy => 503,
            ErrorCode::ReadOnly => 409,
            ErrorCode::StoreUnavailable => 503,
            ErrorCode::Integrity => 500,
            ErrorCode::Output => 500,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::Conflict => 409,
            ErrorCode::TooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::PartnerUnavailable => 502,
        }
    }
}

/// The use cases' result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error of a use case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    NotFound(String),
    /// Stored data that no longer reads: the store was changed outside Corridor.
    #[error("{0}")]
    Integrity(String),
    /// The node key cannot be read, made, or used with this store.
    #[error("{0}")]
    Key(String),
    /// Writing a result out failed (a closed pipe, a full disk).
    #[error("writing the output failed: {0}")]
    Output(#[source] std::io::Error),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    TooLarge(String),
    /// The request is well formed but the state of the data refuses it (a record
    /// not yet due, a date already past).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    RateLimited(String),
    #[error(transparent)]
    Store(#[from] corridor_store::Error),
    /// A partner node could not be reached, or its reply was no message.
    #[error("{0}")]
    Partner(String),
}

impl From<corridor_access::Denied> for Error {
    fn from(d: corridor_access::Denied) -> Self {
        use corridor_access::DenialKind as K;
        match d.kind {
            K::Unauthenticated => Error::Unauthenticated(d.message),
            K::Forbidden => Error::Forbidden(d.message),
            K::MissingContext => Error::BadInput(d.message),
        }
    }
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        use corridor_store::Error as S;
        match self {
            Error::BadInput(_) => ErrorCode::BadInput,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Integrity(_) => ErrorCode::Integrity,
            Error::Key(_) => ErrorCode::StoreUnavailable,
            Error::Output(_) => ErrorCode::Output,
            Error::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::TooLarge(_) => ErrorCode::TooLarge,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::RateLimited(_) => ErrorCode::RateLimited,
            Error::Partner(_) => ErrorCode::PartnerUnavailable,
            Error::Store(e) => match e {
                S::Exists { .. } | S::Held { .. } | S::Locked { .. } | S::Restoring { .. } | S::InUse { .. } => {
                    ErrorCode::Conflict
                }
                S::Busy => ErrorCode::Busy,
                S::ReadOnly => ErrorCode::ReadOnly,
                S::BadEntityId { .. } => ErrorCode::BadInput,
                S::Unknown { .. } => ErrorCode::NotFound,
                S::Corrupt { .. } => ErrorCode::Integrity,
                _ => ErrorCode::StoreUnavailable,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_distinct_name_an_exit_code_and_an_http_status() {
        let names: std::collections::HashSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        for c in ErrorCode::ALL {
            assert!((1..=8).contains(&c.exit_code()) && c.exit_code() != 2, "{c:?}");
            assert!((400..=599).contains(&c.http_status()), "{c:?}");
        }
    }
}

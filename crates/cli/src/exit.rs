//! Exit codes, one per kind of outcome, so scripts can tell them apart. They are
//! listed in `corridor --help`; keep the two in step.

use std::fmt;
use std::process::ExitCode;

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: Code,
    pub error: anyhow::Error,
}

/// The exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// An unexpected internal error.
    Internal = 1,
    /// Rows were rejected; the rest was ingested.
    Rejected = 3,
    /// The mapping or the input file is wrong; nothing was ingested.
    BadInput = 4,
    /// The store cannot be used (missing, busy, newer version, database error).
    Store = 5,
    /// The audit log or the store failed verification.
    Integrity = 6,
    /// The thing asked for does not exist.
    NotFound = 7,
    /// Not allowed: an unknown user, or one whose role or cases do not allow it.
    Denied = 8,
}

pub const EXIT_CODES_HELP: &str = "Exit codes:
  0  success
  1  unexpected internal error
  2  wrong command-line usage
  3  ingest finished but rows were rejected (see the rejects file)
  4  the mapping or input file is wrong; nothing was ingested
  5  the store cannot be used (missing, busy, newer version, database error)
  6  verification failed: the audit log or the store is not intact
  7  the entity or object asked for does not exist
  8  not allowed: the user is unknown, or their role or cases do not allow it";

impl Failure {
    pub fn new(code: Code, error: impl Into<anyhow::Error>) -> Self {
        Failure {
            code,
            error: error.into(),
        }
    }

    /// The output pipe was closed by its reader.
    pub fn is_broken_pipe(&self) -> bool {
        self.error.chain().any(|e| {
            e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                || e.downcast_ref::<csv::Error>().is_some_and(
                    |c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe),
                )
        })
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code as u8)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

impl From<corridor_app::Error> for Failure {
    fn from(e: corridor_app::Error) -> Self {
        use corridor_app::ErrorCode as E;
        let code = match e.code() {
            E::Output => Code::Internal,
            E::BadInput | E::Conflict | E::TooLarge | E::MethodNotAllowed => Code::BadInput,
            E::Integrity => Code::Integrity,
            E::NotFound => Code::NotFound,
            E::Busy | E::ReadOnly | E::StoreUnavailable | E::RateLimited | E::PartnerUnavailable => Code::Store,
            E::Unauthenticated | E::Forbidden => Code::Denied,
        };
        debug_assert_eq!(code as u8, e.code().exit_code(), "the error table and the CLI agree");
        let hint = match &e {
            corridor_app::Error::Store(s) => store_hint(s),
            _ => None,
        };
        match hint {
            Some(h) => Failure::new(code, anyhow::anyhow!("{e} ({h})")),
            None => Failure::new(code, e),
        }
    }
}

/// What to type, for the store errors whose messages (shared with the node
/// server) name no command.
fn store_hint(e: &corridor_store::Error) -> Option<String> {
    use corridor_store::Error as S;
    Some(match e {
        S::NotFound { path } => format!("`corridor init --store {path}` creates it"),
        S::Busy => "corridor waits --wait SECONDS for it, 10 unless told otherwise".into(),
        S::Corrupt { .. } => "run `corridor audit verify`".into(),
        _ => return None,
    })
}

/// A store error reached without a use case: the same table decides its exit code.
impl From<corridor_store::Error> for Failure {
    fn from(e: corridor_store::Error) -> Self {
        Failure::from(corridor_app::Error::Store(e))
    }
}

impl From<corridor_ingest::Error> for Failure {
    fn from(e: corridor_ingest::Error) -> Self {
        let code = match &e {
            corridor_ingest::Error::Store(_) => Code::Store,
            _ => Code::BadInput,
        };
        Failure::new(code, e)
    }
}

impl From<corridor_synth::Error> for Failure {
    fn from(e: corridor_synth::Error) -> Self {
        Failure::new(Code::BadInput, e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::new(Code::Internal, e)
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::new(Code::Internal, e)
    }
}

/// The CLI's result type.
pub type Result<T, E = Failure> = std::result::Result<T, E>;

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::new(Code::Internal, e)
    }
}

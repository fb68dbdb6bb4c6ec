//! Who may do what on a Corridor node.
//!
//! Every route of the node server and every CLI command that touches personal data
//! names one [`Action`]; [`authorize`] is the one function that decides, from the
//! acting user's role, clearance and case memberships and the request's case and
//! purpose, whether it may go ahead. Handlers never check roles themselves: they
//! hold a [`Grant`] only because `authorize` gave them one, and the grant carries
//! what the use case needs to filter by (the case, the purpose, the clearance).
//!
//! The secrets live here too ([`secret`]): passwords hashed with Argon2id (the
//! `argon2` crate, RFC 9106's recommended variant), API tokens of 256 random bits
//! stored only as SHA-256 digests (a slow hash buys nothing against a secret that
//! long, and a token is checked on every request).
//!
//! Knows nothing of HTTP, SQL or terminals.

mod policy;
mod role;
pub mod secret;

pub use policy::{Action, CaseRef, Credential, DenialKind, Denied, Grant, Need, Principal, RequestContext, authorize};
pub use role::{Role, UnknownRole};

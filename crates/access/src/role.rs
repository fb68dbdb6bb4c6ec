//! The four roles of a node (../shared/domain.md): analysts and supervisors work
//! inside cases; the data-protection officer and the administrator run the node and
//! read no case content.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Searches, reads and ingests within their cases; decides ordinary resolution
    /// pairs; drafts exports and disclosure requests.
    Analyst,
    /// All an analyst may in their cases, and decides pairs held for protected
    /// categories, approves exports and disclosures, keeps or erases records due
    /// for review.
    Supervisor,
    /// The data-protection officer: the whole audit log and the retention queue
    /// (without case content), restriction and erasure, subject-access reports.
    Dpo,
    /// Users, roles, clearances, tokens, cases, purposes, node settings, backups;
    /// no case content.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Analyst, Role::Supervisor, Role::Dpo, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Supervisor => "supervisor",
            Role::Dpo => "dpo",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no role.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0:?} is not a role: give analyst, supervisor, dpo or admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_from_their_names_and_nothing_else_is_a_role() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().expect("role"), r);
            assert_eq!(r.as_str().to_uppercase().parse::<Role>().expect("role"), r);
        }
        let err = "root".parse::<Role>().expect_err("not a role");
        assert!(
            err.to_string().contains("give analyst, supervisor, dpo or admin"),
            "{err}"
        );
    }
}

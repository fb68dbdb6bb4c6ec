//! The policy: what each [`Action`] needs, and [`authorize`], which every route and
//! command passes through.
//!
//! Three kinds of action:
//! - public ones (the health check, the API description, logging in) need nothing;
//! - node actions (the audit log, users, cases) need a role, and no case: the
//!   data-protection officer and the administrator read no case content;
//! - case actions (search, entities, networks, ingest, review, exports) need the
//!   request to name a case the user is a member of and a purpose the node defines
//!   (Directive 2016/680 Art. 25: every read of personal data logged with why), and
//!   a role allowed to do that in a case.

use std::collections::BTreeSet;

use corridor_model::HandlingCode;
use serde::Serialize;

use crate::role::Role;

/// Everything a user can ask a node to do. Every route and every command names
/// one; a route without one cannot be written (the server's route table takes an
/// `Action`), and the authorisation matrix test runs every action against every
/// role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // Public.
    Health,
    ApiDescription,
    LogIn,
    // Any user who has logged in.
    WhoAmI,
    LogOut,
    ListOwnCases,
    ListPurposes,
    /// Counts and lists without personal data: what the store holds, sources,
    /// watchlists.
    NodeStatus,
    // Case content.
    Search,
    ReadEntity,
    ReadDocuments,
    ExplainResolution,
    ReadNetworks,
    ReadMovements,
    ReadReviewQueue,
    Ingest,
    /// Correcting a statement of the case found wrong (Art. 16(1)).
    Rectify,
    DecidePair,
    /// Deciding a pair held because a record is a victim's or a witness's.
    DecideProtectedPair,
    DraftExport,
    ApproveExport,
    DraftDisclosure,
    ApproveDisclosure,
    /// Asking partner nodes whether they hold the case's selectors (hit/no-hit),
    /// and reading their answers.
    QueryPartners,
    /// Keeping or erasing a record of the case that is due for review.
    DecideRetention,
    ReadCaseRetention,
    // The data-protection officer's.
    ReadAuditLog,
    /// Verifying the audit chain and the store's wholeness (also the administrator's).
    VerifyAudit,
    ReadRetentionQueue,
    RestrictRecord,
    OrderErasure,
    SubjectAccessReport,
    // The administrator's.
    ManageUsers,
    ManageTokens,
    ManageCases,
    ManagePurposes,
    /// Node settings and node-wide jobs that hand out no personal data (a
    /// resolution run, document checks, watchlist imports, source grading).
    NodeSettings,
    Backup,
    /// Partner nodes (from their cards) and the sharing agreements with them.
    ManagePartners,
    /// A partner node's signed message (`POST /api/v1/exchange`): no user; the
    /// partner's key is the credential, checked on the message itself before
    /// anything in it is read (`corridor_app::exchange::admit`).
    PartnerMessage,
}

/// What an action needs before it may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: anyone may.
    Nothing,
    /// A logged-in user of any role.
    Login,
    /// A user of one of these roles; no case (node housekeeping).
    Node(&'static [Role]),
    /// A user of one of these roles, a case they are a member of, and a purpose
    /// the node defines.
    Case(&'static [Role]),
}

const CASE_WORKERS: &[Role] = &[Role::Analyst, Role::Supervisor];
const SUPERVISOR: &[Role] = &[Role::Supervisor];
const DPO: &[Role] = &[Role::Dpo];
const ADMIN: &[Role] = &[Role::Admin];
const DPO_ADMIN: &[Role] = &[Role::Dpo, Role::Admin];

impl Action {
    /// Every action, for the authorisation matrix and the documentation.
    pub const ALL: [Action; 40] = [
        Action::Health,
        Action::ApiDescription,
        Action::LogIn,
        Action::WhoAmI,
        Action::LogOut,
        Action::ListOwnCases,
        Action::ListPurposes,
        Action::NodeStatus,
        Action::Search,
        Action::ReadEntity,
        Action::ReadDocuments,
        Action::ExplainResolution,
        Action::ReadNetworks,
        Action::ReadMovements,
        Action::ReadReviewQueue,
        Action::Ingest,
        Action::Rectify,
        Action::DecidePair,
        Action::DecideProtectedPair,
        Action::DraftExport,
        Action::ApproveExport,
        Action::DraftDisclosure,
        Action::ApproveDisclosure,
        Action::QueryPartners,
        Action::DecideRetention,
        Action::ReadCaseRetention,
        Action::ReadAuditLog,
        Action::VerifyAudit,
        Action::ReadRetentionQueue,
        Action::RestrictRecord,
        Action::OrderErasure,
        Action::SubjectAccessReport,
        Action::ManageUsers,
        Action::ManageTokens,
        Action::ManageCases,
        Action::ManagePurposes,
        Action::NodeSettings,
        Action::Backup,
        Action::ManagePartners,
        Action::PartnerMessage,
    ];

    /// The policy table: what this action needs (../shared/domain.md, roles).
    pub fn needs(self) -> Need {
        use Action::*;
        match self {
            Health | ApiDescription | LogIn | PartnerMessage => Need::Nothing,
            WhoAmI | LogOut | ListOwnCases | ListPurposes | NodeStatus => Need::Login,
            Search | ReadEntity | ReadDocuments | ExplainResolution | ReadNetworks | ReadMovements
            | ReadReviewQueue | Ingest | Rectify | DecidePair | DraftExport | DraftDisclosure | QueryPartners => {
                Need::Case(CASE_WORKERS)
            }
            DecideProtectedPair | ApproveExport | DecideRetention | ReadCaseRetention => Need::Case(SUPERVISOR),
            // A partner's request for a record belongs to no case of this node.
            ApproveDisclosure => Need::Node(SUPERVISOR),
            ReadAuditLog | ReadRetentionQueue | RestrictRecord | OrderErasure | SubjectAccessReport => Need::Node(DPO),
            VerifyAudit => Need::Node(DPO_ADMIN),
            ManageUsers | ManageTokens | ManageCases | ManagePurposes | NodeSettings | Backup | ManagePartners => {
                Need::Node(ADMIN)
            }
        }
    }

    /// The action's name in snake case, as the API and messages give it.
    pub fn name(self) -> String {
        let mut out = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Whether the action changes the node (and so needs CSRF protection from a
    /// browser session, and is logged as a write).
    pub fn writes(self) -> bool {
        use Action::*;
        matches!(
            self,
            LogIn
                | LogOut
                | Ingest
                | Rectify
                | DecidePair
                | DecideProtectedPair
                | DraftExport
                | ApproveExport
                | DraftDisclosure
                | ApproveDisclosure
                | QueryPartners
                | DecideRetention
                | RestrictRecord
                | OrderErasure
                | ManageUsers
                | ManageTokens
                | ManageCases
                | ManagePurposes
                | NodeSettings
                | Backup
                | ManagePartners
                | PartnerMessage
        )
    }
}

/// How the user proved who they are on this request, named in its audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Credential {
    /// An API token, by its id (never its secret).
    Token(i64),
    /// A browser session opened with a password.
    Session,
    /// The node's own command line, as the operating-system user who runs it.
    Console,
}

/// A case the user is a member of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRef {
    pub id: i64,
    pub name: String,
}

/// The user acting, as the node knows them (read afresh for every request, so a
/// role change or a disabled account takes effect at once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// The strictest handling code this user may read.
    pub clearance: HandlingCode,
    pub cases: Vec<CaseRef>,
    pub credential: Credential,
}

impl Principal {
    /// The name for the audit log: the user, and the token that acted for them.
    pub fn actor(&self) -> String {
        match self.credential {
            Credential::Token(id) => format!("{} (token {id})", self.name),
            Credential::Session | Credential::Console => self.name.clone(),
        }
    }
}

/// What the request says about why it is made.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    /// The case named (the `Corridor-Case` header, `--case`).
    pub case: Option<&'a str>,
    /// The purpose named (the `Corridor-Purpose` header, `--purpose`).
    pub purpose: Option<&'a str>,
    /// The purposes this node defines.
    pub purposes: &'a BTreeSet<String>,
}

/// Leave to go ahead: who, for which case and purpose, and with which clearance.
/// Only [`authorize`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    action: Action,
    principal: Option<Principal>,
    case: Option<CaseRef>,
    purpose: Option<String>,
}

impl Grant {
    pub fn action(&self) -> Action {
        self.action
    }

    /// The user; `None` for a public action taken without logging in.
    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// The case, for case actions.
    pub fn case(&self) -> Option<&CaseRef> {
        self.case.as_ref()
    }

    /// The purpose, for case actions.
    pub fn purpose(&self) -> Option<&str> {
        self.purpose.as_deref()
    }

    /// The strictest handling code the user may read (H0 without a user).
    pub fn clearance(&self) -> HandlingCode {
        self.principal.as_ref().map_or(HandlingCode::H0, |p| p.clearance)
    }
}

/// Why a request was refused: what a front end needs to answer (401, 403 or 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DenialKind {
    /// No user, or credentials that are not (or no longer) good.
    Unauthenticated,
    /// The user may not do this, or not in this case.
    Forbidden,
    /// The request lacks the case or purpose it needs, or names an unknown one.
    MissingContext,
}

/// A refusal, with a message that says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Denied {
    pub kind: DenialKind,
    pub message: String,
}

impl Denied {
    fn new(kind: DenialKind, message: impl Into<String>) -> Denied {
        Denied {
            kind,
            message: message.into(),
        }
    }
}

/// Decides whether `who` may take `action` in `ctx`. The only place roles, case
/// memberships and purposes are checked.
pub fn authorize(who: Option<&Principal>, action: Action, ctx: &RequestContext<'_>) -> Result<Grant, Denied> {
    let need = action.needs();
    let grant = |principal: Option<&Principal>, case: Option<CaseRef>, purpose: Option<String>| Grant {
        action,
        principal: principal.cloned(),
        case,
        purpose,
    };
    if need == Need::Nothing {
        return Ok(grant(who, None, None));
    }
    let Some(p) = who else {
        return Err(Denied::new(
            DenialKind::Unauthenticated,
            "log in first: send an API token as `Authorization: Bearer …`, or a session cookie",
        ));
    };
    match need {
        Need::Nothing | Need::Login => Ok(grant(Some(p), None, None)),
        Need::Node(roles) => {
            if roles.contains(&p.role) {
                Ok(grant(Some(p), None, None))
            } else {
                Err(forbidden(p, action, roles))
            }
        }
        Need::Case(roles) => {
            if !roles.contains(&p.role) {
                return Err(forbidden(p, action, roles));
            }
            let Some(case) = ctx.case.map(str::trim).filter(|c| !c.is_empty()) else {
                return Err(Denied::new(
                    DenialKind::MissingContext,
                    "this reads or changes case content: name the case you work on (the Corridor-Case header)",
                ));
            };
            let Some(purpose) = ctx.purpose.map(str::trim).filter(|c| !c.is_empty()) else {
                return Err(Denied::new(
                    DenialKind::MissingContext,
                    "this reads or changes personal data: name the purpose (the Corridor-Purpose header) from the node's list of purposes",
                ));
            };
            if !ctx.purposes.contains(purpose) {
                return Err(Denied::new(
                    DenialKind::MissingContext,
                    format!(
                        "{:?} is not a purpose this node defines: ask an administrator for the list, or to add it",
                        shorten(purpose)
                    ),
                ));
            }
            // Not a member and no such case read the same: the answer must not tell
            // a user which cases exist.
            let Some(member) = p.cases.iter().find(|c| c.name == case) else {
                return Err(Denied::new(
                    DenialKind::Forbidden,
                    format!(
                        "you are not a member of a case {:?}: ask its supervisor or an administrator to add you",
                        shorten(case)
                    ),
                ));
            };
            Ok(grant(Some(p), Some(member.clone()), Some(purpose.to_string())))
        }
    }
}

fn forbidden(p: &Principal, action: Action, roles: &[Role]) -> Denied {
    let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Denied::new(
        DenialKind::Forbidden,
        format!(
            "a user with the role {} may not do this ({}); it needs the role {}",
            p.role,
            action.name(),
            allowed.join(" or ")
        ),
    )
}

/// A name from a request, cut short for a message.
fn shorten(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, cases: &[&str]) -> Principal {
        Principal {
            user_id: 1,
            name: "u".into(),
            role,
            clearance: HandlingCode::H1,
            cases: cases
                .iter()
                .enumerate()
                .map(|(i, c)| CaseRef {
                    id: i as i64 + 1,
                    name: c.to_string(),
                })
                .collect(),
            credential: Credential::Session,
        }
    }

    #[test]
    fn the_table_follows_the_roles_of_the_domain() {
        let purposes: BTreeSet<String> = ["investigation".to_string()].into();
        let ctx = RequestContext {
            case: Some("op-danube"),
            purpose: Some("investigation"),
            purposes: &purposes,
        };
        let may = |role: Role, action: Action| authorize(Some(&user(role, &["op-danube"])), action, &ctx).is_ok();
        for action in [
            Action::Search,
            Action::ReadEntity,
            Action::Ingest,
            Action::DecidePair,
            Action::DraftExport,
        ] {
            assert!(
                may(Role::Analyst, action) && may(Role::Supervisor, action),
                "{action:?}"
            );
            assert!(!may(Role::Dpo, action) && !may(Role::Admin, action), "{action:?}");
        }
        for action in [
            Action::ApproveExport,
            Action::ApproveDisclosure,
            Action::DecideProtectedPair,
        ] {
            assert!(
                !may(Role::Analyst, action) && may(Role::Supervisor, action),
                "{action:?}"
            );
        }
        assert!(may(Role::Dpo, Action::ReadAuditLog) && !may(Role::Supervisor, Action::ReadAuditLog));
        assert!(may(Role::Admin, Action::ManageUsers) && !may(Role::Dpo, Action::ManageUsers));
        for role in Role::ALL {
            assert!(may(role, Action::WhoAmI) && may(role, Action::Health));
        }
    }

    #[test]
    fn case_content_needs_a_membership_and_a_defined_purpose() {
        let purposes: BTreeSet<String> = ["investigation".to_string()].into();
        let analyst = user(Role::Analyst, &["op-danube"]);
        let ask = |case: Option<&str>, purpose: Option<&str>| {
            authorize(
                Some(&analyst),
                Action::ReadEntity,
                &RequestContext {
                    case,
                    purpose,
                    purposes: &purposes,
                },
            )
        };
        let ok = ask(Some("op-danube"), Some("investigation")).expect("member");
        assert_eq!(ok.case().map(|c| c.name.as_str()), Some("op-danube"));
        assert_eq!(ok.purpose(), Some("investigation"));
        assert_eq!(
            ask(Some("op-evros"), Some("investigation"))
                .expect_err("not a member")
                .kind,
            DenialKind::Forbidden
        );
        assert_eq!(
            ask(None, Some("investigation")).expect_err("no case").kind,
            DenialKind::MissingContext
        );
        assert_eq!(
            ask(Some("op-danube"), None).expect_err("no purpose").kind,
            DenialKind::MissingContext
        );
        assert_eq!(
            ask(Some("op-danube"), Some("curiosity")).expect_err("unknown").kind,
            DenialKind::MissingContext
        );
        let anonymous = authorize(
            None,
            Action::ReadEntity,
            &RequestContext {
                case: Some("op-danube"),
                purpose: Some("investigation"),
                purposes: &purposes,
            },
        );
        assert_eq!(anonymous.expect_err("anonymous").kind, DenialKind::Unauthenticated);
    }

    #[test]
    fn a_token_is_named_in_the_actor() {
        let mut p = user(Role::Analyst, &[]);
        p.name = "ana".into();
        p.credential = Credential::Token(7);
        assert_eq!(p.actor(), "ana (token 7)");
    }

    #[test]
    fn every_action_is_listed_once() {
        let set: BTreeSet<Action> = Action::ALL.into_iter().collect();
        assert_eq!(set.len(), Action::ALL.len());
    }
}

//! Users, tokens, cases and purposes, and who is acting: the node's access use
//! cases, shared by the CLI (`corridor user`, `token`, `case`, `purpose`) and the
//! node server (login, bearer tokens). What each role may do is
//! `corridor_access::authorize`'s alone; this module gathers what it needs from the
//! store (the user as they are now, their cases, the node's purposes) and turns a
//! grant into the [`Session`] the use cases log with.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use corridor_access::{Action, CaseRef, Credential, Grant, Principal, RequestContext, Role, authorize, secret};
use corridor_model::HandlingCode;
use corridor_store::{
    AuditAction, AuditEntry, CaseRecord, Directory, LoginAttempt, NewUser, PurposeRecord, Store, TokenRecord,
    UserChange, UserRecord,
};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::session::Session;

/// Failed logins in a row before an account is locked.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// How long a lock-out lasts (an administrator can lift it sooner).
pub const LOCK_MINUTES: i64 = 15;
/// The longest an API token may live.
pub const MAX_TOKEN_DAYS: u32 = 366;

/// A user, as administrators see them (never the password hash).
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub name: String,
    pub role: Role,
    pub clearance: HandlingCode,
    pub disabled: bool,
    pub locked_until: Option<String>,
    pub cases: Vec<String>,
    pub created_at: String,
}

/// A new token: the secret is shown once and never stored.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedToken {
    pub id: i64,
    pub user: String,
    pub secret: String,
    pub expires_at: Option<String>,
}

/// Checks a name of a user, case or purpose: 1 to 64 ASCII letters, digits, `.`,
/// `_` or `-`, starting with a letter or digit. They travel in HTTP headers and
/// audit entries, so nothing else is allowed.
pub fn validate_name(what: &str, name: &str) -> Result<String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && name.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(name.to_string())
    } else {
        Err(Error::BadInput(format!(
            "{:?} is not a {what} name: use 1 to 64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit",
            name.chars().filter(|c| !c.is_control()).take(70).collect::<String>()
        )))
    }
}

fn parse_role(role: &str) -> Result<Role> {
    role.parse()
        .map_err(|e: corridor_access::UnknownRole| Error::BadInput(e.to_string()))
}

fn parse_clearance(clearance: &str) -> Result<HandlingCode> {
    clearance
        .trim()
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| Error::BadInput(format!("{clearance:?} is not a clearance: give H0, H1, H2 or H3")))
}

fn weak(e: secret::Error) -> Error {
    match e {
        secret::Error::Weak(m) => Error::BadInput(m),
        other => Error::Key(other.to_string()),
    }
}

fn stored_role(u: &UserRecord) -> Result<Role> {
    u.role.parse().map_err(|_| {
        Error::Integrity(format!(
            "user {} has the role {:?}, which is none: the store was changed outside Corridor",
            u.id, u.role
        ))
    })
}

fn stored_clearance(u: &UserRecord) -> Result<HandlingCode> {
    u.clearance.parse().map_err(|_| {
        Error::Integrity(format!(
            "user {} has the clearance {:?}, which is none: the store was changed outside Corridor",
            u.id, u.clearance
        ))
    })
}

fn user_view(store: &dyn Directory, u: &UserRecord) -> Result<UserView> {
    Ok(UserView {
        name: u.name.clone(),
        role: stored_role(u)?,
        clearance: stored_clearance(u)?,
        disabled: u.disabled,
        locked_until: u.locked_until.clone(),
        cases: store.cases_of_user(u.id)?.into_iter().map(|(_, n)| n).collect(),
        created_at: u.created_at.clone(),
    })
}

/// Adds a user with a role, a clearance (H1 unless given) and a password (hashed
/// with Argon2id; refused if weak).
pub fn add_user(
    store: &mut dyn Directory,
    session: &Session,
    name: &str,
    role: &str,
    clearance: Option<&str>,
    password: &str,
) -> Result<UserView> {
    let name = validate_name("user", name)?;
    let role = parse_role(role)?;
    let clearance = parse_clearance(clearance.unwrap_or("H1"))?;
    let hash = secret::hash_password(password).map_err(weak)?;
    store.add_user(
        &NewUser {
            name: &name,
            role: role.as_str(),
            clearance: &clearance.to_string(),
            password_hash: &hash,
        },
        session.actor(),
    )?;
    let u = store
        .user(&name)?
        .ok_or_else(|| Error::NotFound(format!("no user {name}")))?;
    user_view(store, &u)
}

/// Every user.
pub fn users(store: &dyn Directory) -> Result<Vec<UserView>> {
    store.users()?.iter().map(|u| user_view(store, u)).collect()
}

/// What an administrator may change about a user.
#[derive(Debug, Clone)]
pub enum UserEdit<'a> {
    Role(&'a str),
    Clearance(&'a str),
    Disable,
    Enable,
    Unlock,
    /// A new password (checked and hashed here).
    Reset(&'a str),
}

/// Changes a user (logged; a reset password also lifts a lock-out). Nobody changes
/// their own role, clearance or state (another administrator must), and the last
/// enabled administrator is never demoted or disabled: a node without one cannot be
/// managed.
pub fn edit_user(store: &mut dyn Directory, session: &Session, name: &str, edit: UserEdit<'_>) -> Result<UserView> {
    edit_user_all(store, session, name, &[edit])
}

/// Makes several changes to a user: every one is checked (rules, values, the new
/// password's strength) before any is made, so bad input changes nothing.
pub fn edit_user_all(
    store: &mut dyn Directory,
    session: &Session,
    name: &str,
    edits: &[UserEdit<'_>],
) -> Result<UserView> {
    let mut changes = Vec::with_capacity(edits.len());
    for edit in edits {
        changes.push(checked_change(&*store, session, name, edit)?);
    }
    for change in &changes {
        store.change_user(name, change, session.actor())?;
    }
    let u = store
        .user(name)?
        .ok_or_else(|| Error::NotFound(format!("no user {name:?} on this node")))?;
    user_view(store, &u)
}

/// One edit, checked against the rules and made into the store's change.
fn checked_change(store: &dyn Directory, session: &Session, name: &str, edit: &UserEdit<'_>) -> Result<UserChange> {
    let privilege = matches!(
        edit,
        UserEdit::Role(_) | UserEdit::Clearance(_) | UserEdit::Disable | UserEdit::Enable
    );
    if privilege && name == session.user() {
        return Err(Error::Forbidden(
            "nobody changes their own role, clearance or state: ask another administrator".into(),
        ));
    }
    let demotes = match edit {
        UserEdit::Role(r) => parse_role(r)? != Role::Admin,
        UserEdit::Disable => true,
        _ => false,
    };
    if demotes {
        let users = store.users()?;
        let admins: Vec<&UserRecord> = users.iter().filter(|u| u.role == "admin" && !u.disabled).collect();
        if admins.len() == 1 && admins[0].name == name {
            return Err(Error::BadInput(format!(
                "{name} is the last enabled administrator: make another one first"
            )));
        }
    }
    Ok(match edit {
        UserEdit::Role(r) => UserChange::Role(parse_role(r)?.as_str().to_string()),
        UserEdit::Clearance(c) => UserChange::Clearance(parse_clearance(c)?.to_string()),
        UserEdit::Disable => UserChange::Disabled(true),
        UserEdit::Enable => UserChange::Disabled(false),
        UserEdit::Unlock => UserChange::Unlock,
        UserEdit::Reset(p) => UserChange::Password(secret::hash_password(p).map_err(weak)?),
    })
}

/// Makes an API token for a user, valid `days` days (at most a year; a year when
/// not given). The secret is in the result and nowhere else.
pub fn create_token(
    store: &mut dyn Directory,
    session: &Session,
    user: &str,
    days: Option<u32>,
    now: DateTime<Utc>,
) -> Result<IssuedToken> {
    let days = days.unwrap_or(MAX_TOKEN_DAYS);
    if days == 0 || days > MAX_TOKEN_DAYS {
        return Err(Error::BadInput(format!(
            "a token lives 1 to {MAX_TOKEN_DAYS} days: make a new one when it expires"
        )));
    }
    let u = store
        .user(user)?
        .ok_or_else(|| Error::NotFound(format!("no user {user:?} on this node")))?;
    if u.disabled {
        return Err(Error::BadInput(format!("user {user} is disabled: enable them first")));
    }
    let token = secret::new_token().map_err(weak)?;
    let expires = (now + Duration::days(days as i64)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let id = store.add_token(user, &token.digest, Some(&expires), session.actor())?;
    Ok(IssuedToken {
        id,
        user: user.to_string(),
        secret: token.secret,
        expires_at: Some(expires),
    })
}

/// Every token (without secrets or digests).
pub fn tokens(store: &dyn Directory) -> Result<Vec<TokenRecord>> {
    Ok(store.tokens()?)
}

/// Revokes a token for good.
pub fn revoke_token(store: &mut dyn Directory, session: &Session, id: i64) -> Result<()> {
    Ok(store.revoke_token(id, session.actor())?)
}

/// Opens a case.
pub fn add_case(store: &mut dyn Directory, session: &Session, name: &str, description: &str) -> Result<()> {
    let name = validate_name("case", name)?;
    let description = crate::session::validate_purpose(description)?;
    store.add_case(&name, &description, session.actor())?;
    Ok(())
}

/// Every case with its members and data sets.
pub fn cases(store: &dyn Directory) -> Result<Vec<CaseRecord>> {
    Ok(store.cases()?)
}

/// Adds a user to a case, or takes them out.
pub fn set_case_member(
    store: &mut dyn Directory,
    session: &Session,
    case: &str,
    user: &str,
    member: bool,
) -> Result<()> {
    Ok(store.set_case_member(case, user, member, session.actor())?)
}

/// Puts a data set into a case: its members read it from then on.
pub fn add_case_data(store: &mut dyn Directory, session: &Session, case: &str, dataset: &str) -> Result<()> {
    Ok(store.add_case_dataset(case, dataset, session.actor())?)
}

/// Defines a purpose requests may name.
pub fn add_purpose(store: &mut dyn Directory, session: &Session, id: &str, description: &str) -> Result<()> {
    let id = validate_name("purpose", id)?;
    let description = crate::session::validate_purpose(description)?;
    if description.is_empty() {
        return Err(Error::BadInput(
            "a purpose needs a description that says what it allows (Directive 2016/680 Art. 25)".into(),
        ));
    }
    store.add_purpose(&id, &description, session.actor())?;
    Ok(())
}

/// The purposes this node defines.
pub fn purposes(store: &dyn Directory) -> Result<Vec<PurposeRecord>> {
    Ok(store.purposes()?)
}

/// The user as a principal, read afresh: role, clearance and cases as they are now.
fn principal(store: &dyn Directory, u: &UserRecord, credential: Credential) -> Result<Principal> {
    Ok(Principal {
        user_id: u.id,
        name: u.name.clone(),
        role: stored_role(u)?,
        clearance: stored_clearance(u)?,
        cases: store
            .cases_of_user(u.id)?
            .into_iter()
            .map(|(id, name)| CaseRef { id, name })
            .collect(),
        credential,
    })
}

const BAD_TOKEN: &str = "the token is not valid (unknown, revoked or expired): ask an administrator for a new one";

/// The user an API token stands for, if the token is good now: known, not revoked,
/// not expired, its user enabled.
pub fn authenticate_token(store: &dyn Directory, secret_text: &str, now: DateTime<Utc>) -> Result<Principal> {
    let bad = || Error::Unauthenticated(BAD_TOKEN.into());
    if !secret::is_token_shaped(secret_text) {
        return Err(bad());
    }
    let digest = secret::token_digest(secret_text);
    let t = store.token(&digest)?.ok_or_else(bad)?;
    if t.revoked_at.is_some() || t.expires_at.as_deref().is_some_and(|e| !still_future(e, now)) {
        return Err(bad());
    }
    let u = store.user_by_id(t.user_id)?.ok_or_else(bad)?;
    if u.disabled {
        return Err(Error::Unauthenticated(
            "this user is disabled: ask an administrator".into(),
        ));
    }
    principal(store, &u, Credential::Token(t.id))
}

fn still_future(at: &str, now: DateTime<Utc>) -> bool {
    DateTime::parse_from_rfc3339(at).is_ok_and(|t| t.with_timezone(&Utc) > now)
}

/// The one answer to a refused login: the same for an unknown name, a wrong
/// password, a disabled or a locked account, so that it tells nobody which names
/// exist.
pub const LOGIN_REFUSED: &str = "wrong user name or password, or the account is disabled or locked after repeated \
     failures (a lock lasts 15 minutes; an administrator can lift it)";

/// A login under way: the user looked up (under the store's lock), the password
/// then checked apart from it ([`LoginCandidate::verify`], the slow Argon2 step),
/// and the outcome recorded ([`finish_log_in`]).
#[derive(Debug)]
pub struct LoginCandidate {
    user: Option<UserRecord>,
    locked: bool,
}

/// Looks up the user a login names.
pub fn begin_log_in(store: &dyn Directory, name: &str, now: DateTime<Utc>) -> Result<LoginCandidate> {
    let user = if validate_name("user", name).is_ok() {
        store.user(name)?
    } else {
        None
    };
    let locked = user
        .as_ref()
        .is_some_and(|u| u.locked_until.as_deref().is_some_and(|t| still_future(t, now)));
    Ok(LoginCandidate { user, locked })
}

impl LoginCandidate {
    /// Whether the password is right; costs one Argon2 verification whatever the
    /// case (an unknown name, a locked account), so its time tells nothing.
    pub fn verify(&self, password: &str) -> bool {
        match &self.user {
            Some(u) if !self.locked => secret::verify_password(password, &u.password_hash),
            _ => {
                secret::verify_nothing(password);
                false
            }
        }
    }
}

/// Records the outcome of a login (every attempt is logged; an unknown name as
/// `(unknown)`, never the name typed) and returns the user on success. The fifth
/// failure in a row locks the account for 15 minutes; attempts while locked do not
/// count; a lock that ran out starts the count again.
pub fn finish_log_in(
    store: &mut dyn Directory,
    candidate: &LoginCandidate,
    password_ok: bool,
    now: DateTime<Utc>,
) -> Result<Principal> {
    let refused = || Error::Unauthenticated(LOGIN_REFUSED.into());
    let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (now_text, until) = (stamp(now), stamp(now + Duration::minutes(LOCK_MINUTES)));
    let user = candidate.user.as_ref();
    let success = password_ok && user.is_some_and(|u| !u.disabled) && !candidate.locked;
    let via = match user {
        Some(_) if candidate.locked => "password (locked)",
        Some(u) if u.disabled => "password (disabled)",
        _ => "password",
    };
    store.record_login(&LoginAttempt {
        user: user.map(|u| u.name.as_str()),
        success,
        counts: !candidate.locked && !password_ok,
        lock_after: MAX_FAILED_LOGINS,
        lock_until: &until,
        now: &now_text,
        via,
    })?;
    match user {
        Some(u) if success => principal(store, u, Credential::Session),
        _ => Err(refused()),
    }
}

/// Logs a user in with their password, all three steps in one go (for a caller
/// that holds the store alone).
pub fn log_in(store: &mut dyn Directory, name: &str, password: &str, now: DateTime<Utc>) -> Result<Principal> {
    let candidate = begin_log_in(store, name, now)?;
    let ok = candidate.verify(password);
    finish_log_in(store, &candidate, ok, now)
}

/// The user of a browser session opened at `opened_at`, read afresh; a session
/// opened before the user's password last changed has ended.
pub fn principal_of_session(store: &dyn Directory, user_id: i64, opened_at: DateTime<Utc>) -> Result<Principal> {
    let u = store
        .user_by_id(user_id)?
        .filter(|u| !u.disabled)
        .ok_or_else(|| Error::Unauthenticated("log in again: this session's user is disabled or gone".into()))?;
    let changed = u
        .credentials_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .is_some_and(|t| t.with_timezone(&Utc) > opened_at);
    if changed {
        return Err(Error::Unauthenticated(
            "the password was changed since this session was opened: log in again".into(),
        ));
    }
    principal(store, &u, Credential::Session)
}

/// Decides a request through the one policy function, with the node's purposes.
/// A logged-in user refused case content (not a member of the case, or not their
/// role's) is logged, so probing other cases leaves a trace.
pub fn authorize_request(
    store: &mut dyn Store,
    who: Option<&Principal>,
    action: Action,
    case: Option<&str>,
    purpose: Option<&str>,
) -> Result<Grant> {
    let case_action = matches!(action.needs(), corridor_access::Need::Case(_));
    let purposes: BTreeSet<String> = if case_action {
        store.purposes()?.into_iter().map(|p| p.id).collect()
    } else {
        BTreeSet::new()
    };
    let decided = authorize(
        who,
        action,
        &RequestContext {
            case,
            purpose,
            purposes: &purposes,
        },
    );
    match (decided, who) {
        (Ok(grant), _) => Ok(grant),
        (Err(denied), Some(p)) if case_action && denied.kind == corridor_access::DenialKind::Forbidden => {
            // Header values are printable ASCII; what is kept is cut and checked.
            let said = |v: Option<&str>| v.map(|v| v.chars().take(64).collect::<String>()).unwrap_or_default();
            let why = crate::session::validate_purpose(&format!("case={}; purpose={}", said(case), said(purpose)))
                .unwrap_or_default();
            store.audit(&AuditEntry {
                actor: p.actor(),
                action: AuditAction::AccessDenied,
                target: format!("action:{}", action.name()),
                purpose: why,
                detail: serde_json::json!({"role": p.role}).to_string(),
            })?;
            Err(denied.into())
        }
        (Err(denied), _) => Err(denied.into()),
    }
}

/// The session a granted request acts in: the user (and token) as actor, and the
/// case and purpose as the audit entry's purpose (`case=…; purpose=…`: both are
/// checked names, so the form is unambiguous).
pub fn session_of(grant: &Grant) -> Result<Session> {
    let actor = grant
        .principal()
        .map_or_else(|| "(anonymous)".to_string(), Principal::actor);
    let purpose = match (grant.case(), grant.purpose()) {
        (Some(c), Some(p)) => format!("case={}; purpose={p}", c.name),
        (None, Some(p)) => format!("purpose={p}"),
        _ => String::new(),
    };
    let session = Session::new(&actor, &purpose)?;
    Ok(match grant.principal() {
        Some(p) => session.as_user(&p.name),
        None => session,
    })
}

/// Whether the node has users (and so whether the command line must act as one).
pub fn has_users(store: &dyn Directory) -> Result<bool> {
    Ok(!store.users()?.is_empty())
}

/// How the node's own command line is allowed to act: before any user exists the
/// node is open to whoever can write its files (as it was before users; the first
/// administrator is added this way); once users exist, `actor` must name one, and
/// every action goes through [`authorize`] like a request to the server.
/// `None` means the node has no users yet.
pub fn authorize_console(
    store: &mut dyn Store,
    actor: &str,
    action: Action,
    case: Option<&str>,
    purpose: Option<&str>,
) -> Result<Option<Grant>> {
    if store.users()?.is_empty() {
        return Ok(None);
    }
    let u = store.user(actor)?.ok_or_else(|| {
        Error::Unauthenticated(format!(
            "this node has users: act as one of them (the user {:?} is not registered; ask an administrator)",
            actor.chars().filter(|c| !c.is_control()).take(70).collect::<String>()
        ))
    })?;
    if u.disabled {
        return Err(Error::Unauthenticated(format!(
            "user {} is disabled: ask an administrator",
            u.name
        )));
    }
    let p = principal(&*store, &u, Credential::Console)?;
    authorize_request(store, Some(&p), action, case, purpose).map(Some)
}

/// Whether a store may be used by the demo: it has no users, or only the demo's
/// own (and its case). A node with users of its own is never taken over.
pub fn is_demo_store(store: &dyn Directory) -> Result<bool> {
    let users = store.users()?;
    if users.is_empty() {
        return Ok(true);
    }
    let own = users
        .iter()
        .all(|u| matches!(u.name.as_str(), "admin" | "supervisor" | "analyst" | "dpo"));
    Ok(own && store.cases()?.iter().any(|c| c.name == "demo"))
}

/// A user the demo made, with the password of this run.
#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    pub name: String,
    pub role: Role,
    pub password: String,
    pub cases: Vec<String>,
}

/// The demo node's access: one user per role (a password new each run, so one
/// printed on an earlier run no longer works), a case `demo` holding every data
/// set with the analyst and the supervisor as members, and the purpose
/// `investigation`. Safe to run again on the same store.
pub fn seed_demo(store: &mut dyn Store, session: &Session) -> Result<Vec<DemoUser>> {
    const CASE: &str = "demo";
    const PURPOSE: &str = "investigation";
    let ignore_conflict = |r: Result<()>| match r {
        Err(e) if e.code() == crate::ErrorCode::Conflict => Ok(()),
        other => other,
    };
    let mut made = Vec::new();
    for (name, role) in [
        ("admin", Role::Admin),
        ("supervisor", Role::Supervisor),
        ("analyst", Role::Analyst),
        ("dpo", Role::Dpo),
    ] {
        let password = secret::random_id().map_err(weak)?;
        if store.user(name)?.is_some() {
            edit_user(store, session, name, UserEdit::Reset(&password))?;
        } else {
            let clearance = if role == Role::Supervisor { "H2" } else { "H1" };
            add_user(store, session, name, role.as_str(), Some(clearance), &password)?;
        }
        made.push(DemoUser {
            name: name.to_string(),
            role,
            password,
            cases: if matches!(role, Role::Analyst | Role::Supervisor) {
                vec![CASE.to_string()]
            } else {
                Vec::new()
            },
        });
    }
    ignore_conflict(add_case(store, session, CASE, "every data set of the demo"))?;
    let datasets: Vec<String> = store.sources()?.into_iter().flat_map(|s| s.datasets).collect();
    for d in &datasets {
        add_case_data(store, session, CASE, d)?;
    }
    for member in ["analyst", "supervisor"] {
        set_case_member(store, session, CASE, member, true)?;
    }
    ignore_conflict(add_purpose(
        store,
        session,
        PURPOSE,
        "criminal investigation of migrant-smuggling networks",
    ))?;
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use corridor_store::SqliteStore;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().expect("dir");
        let (s, _) = SqliteStore::create(&dir.path().join("n.corridor"), "op").expect("create");
        (dir, s)
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
    }

    #[test]
    fn a_token_stands_for_its_user_until_revoked_or_expired() {
        let (_d, mut s) = store();
        let admin = Session::new("root", "").expect("session");
        add_user(&mut s, &admin, "ana", "analyst", None, "a long enough passphrase").expect("user");
        let t = create_token(&mut s, &admin, "ana", Some(30), at("2026-12-07T10:00:00Z")).expect("token");
        let p = authenticate_token(&s, &t.secret, at("2026-12-08T10:00:00Z")).expect("good");
        assert_eq!(
            (p.name.as_str(), p.role, p.credential.clone()),
            ("ana", Role::Analyst, Credential::Token(t.id))
        );
        assert_eq!(p.clearance, HandlingCode::H1);
        let late = authenticate_token(&s, &t.secret, at("2027-01-07T10:00:01Z")).expect_err("expired");
        assert_eq!(late.code(), crate::ErrorCode::Unauthenticated);
        let mut wrong = t.secret.clone();
        wrong.replace_range(10..11, if &wrong[10..11] == "a" { "b" } else { "a" });
        assert!(authenticate_token(&s, &wrong, at("2026-12-08T10:00:00Z")).is_err());
        edit_user(&mut s, &admin, "ana", UserEdit::Disable).expect("disable");
        assert!(authenticate_token(&s, &t.secret, at("2026-12-08T10:00:00Z")).is_err());
        edit_user(&mut s, &admin, "ana", UserEdit::Enable).expect("enable");
        revoke_token(&mut s, &admin, t.id).expect("revoke");
        assert!(authenticate_token(&s, &t.secret, at("2026-12-08T10:00:00Z")).is_err());
        assert!(create_token(&mut s, &admin, "ana", Some(400), at("2026-12-07T10:00:00Z")).is_err());
    }

    #[test]
    fn five_failures_lock_an_account_and_an_unknown_name_reads_like_a_wrong_password() {
        let (_d, mut s) = store();
        let admin = Session::new("root", "").expect("session");
        add_user(&mut s, &admin, "ana", "analyst", None, "a long enough passphrase").expect("user");
        let now = at("2026-12-07T10:00:00Z");
        let unknown = log_in(&mut s, "nobody", "whatever", now).expect_err("unknown");
        let wrong = log_in(&mut s, "ana", "wrong password!", now).expect_err("wrong");
        assert_eq!(unknown.to_string(), wrong.to_string());
        for _ in 0..4 {
            assert!(log_in(&mut s, "ana", "wrong password!", now).is_err());
        }
        let locked = log_in(&mut s, "ana", "a long enough passphrase", now).expect_err("locked");
        assert_eq!(locked.code(), crate::ErrorCode::Unauthenticated);
        assert_eq!(
            locked.to_string(),
            unknown.to_string(),
            "a lock tells no one the name exists"
        );
        // Five failures on a name that does not exist lock nothing and read the same.
        for _ in 0..6 {
            let e = log_in(&mut s, "nobody", "whatever", now).expect_err("unknown");
            assert_eq!(e.to_string(), unknown.to_string());
        }
        let later = at("2026-12-07T10:16:00Z");
        let p = log_in(&mut s, "ana", "a long enough passphrase", later).expect("after the lock");
        assert_eq!(p.credential, Credential::Session);
        let log = s.audit_page(0, 100).expect("log");
        let failed = log.iter().filter(|e| e.entry.action.as_str() == "login.failed").count();
        assert_eq!(failed, 13, "each failure is logged");
        assert!(
            log.iter().all(|e| e.entry.actor != "nobody"),
            "an unknown name typed is not kept"
        );
        // The count started again after the lock: one more failure does not re-lock.
        assert!(log_in(&mut s, "ana", "wrong password!", at("2026-12-07T10:40:00Z")).is_err());
        assert!(log_in(&mut s, "ana", "a long enough passphrase", at("2026-12-07T10:40:01Z")).is_ok());
    }

    #[test]
    fn a_grant_becomes_a_session_naming_user_token_case_and_purpose() {
        let (_d, mut s) = store();
        let admin = Session::new("root", "").expect("session");
        add_user(&mut s, &admin, "ana", "analyst", None, "a long enough passphrase").expect("user");
        add_case(&mut s, &admin, "op-danube", "Danube crossings").expect("case");
        set_case_member(&mut s, &admin, "op-danube", "ana", true).expect("member");
        add_purpose(&mut s, &admin, "investigation", "criminal investigation").expect("purpose");
        let t = create_token(&mut s, &admin, "ana", None, Utc::now()).expect("token");
        let p = authenticate_token(&s, &t.secret, Utc::now()).expect("good");
        let g = authorize_request(
            &mut s,
            Some(&p),
            Action::ReadEntity,
            Some("op-danube"),
            Some("investigation"),
        )
        .expect("granted");
        let session = session_of(&g).expect("session");
        assert_eq!(session.actor(), format!("ana (token {})", t.id));
        assert_eq!(session.purpose(), "case=op-danube; purpose=investigation");
        let refused = authorize_request(&mut s, Some(&p), Action::ManageUsers, None, None).expect_err("not admin");
        assert_eq!(refused.code(), crate::ErrorCode::Forbidden);
        let probe = authorize_request(
            &mut s,
            Some(&p),
            Action::ReadEntity,
            Some("op-evros"),
            Some("investigation"),
        )
        .expect_err("not a member");
        assert_eq!(probe.code(), crate::ErrorCode::Forbidden);
        let denied: Vec<_> = s
            .audit_page(0, 1000)
            .expect("log")
            .into_iter()
            .filter(|e| e.entry.action == AuditAction::AccessDenied)
            .collect();
        assert_eq!(denied.len(), 1, "the probe of another case is logged once");
        assert_eq!(denied[0].entry.purpose, "case=op-evros; purpose=investigation");
    }

    #[test]
    fn the_console_is_open_until_the_first_user_then_acts_as_a_user() {
        let (_d, mut s) = store();
        assert!(
            authorize_console(&mut s, "anyone", Action::ManageUsers, None, None)
                .expect("open")
                .is_none()
        );
        let admin = Session::new("root", "").expect("session");
        add_user(&mut s, &admin, "root", "admin", None, "a long enough passphrase").expect("user");
        add_user(&mut s, &admin, "ana", "analyst", None, "a long enough passphrase").expect("user");
        assert!(
            authorize_console(&mut s, "root", Action::ManageUsers, None, None)
                .expect("admin")
                .is_some()
        );
        let e = authorize_console(&mut s, "ana", Action::ManageUsers, None, None).expect_err("analyst");
        assert_eq!(e.code(), crate::ErrorCode::Forbidden);
        let e = authorize_console(&mut s, "mallory", Action::ManageUsers, None, None).expect_err("unknown");
        assert_eq!(e.code(), crate::ErrorCode::Unauthenticated);
    }

    #[test]
    fn nobody_promotes_themselves_and_the_last_administrator_stays() {
        let (_d, mut s) = store();
        let root = Session::new("root", "").expect("session");
        add_user(&mut s, &root, "root", "admin", None, "a long enough passphrase").expect("user");
        add_user(&mut s, &root, "ana", "analyst", None, "a long enough passphrase").expect("user");
        let ana = Session::new("ana", "").expect("session");
        let e = edit_user(&mut s, &ana, "ana", UserEdit::Clearance("H3")).expect_err("self");
        assert_eq!(e.code(), crate::ErrorCode::Forbidden);
        let other = Session::new("someone", "").expect("session");
        let e = edit_user(&mut s, &other, "root", UserEdit::Disable).expect_err("last admin");
        assert!(e.to_string().contains("last enabled administrator"), "{e}");
        edit_user(&mut s, &root, "ana", UserEdit::Role("admin")).expect("a second admin");
        edit_user(
            &mut s,
            &Session::new("ana", "").expect("s"),
            "root",
            UserEdit::Role("dpo"),
        )
        .expect("now allowed");
    }

    #[test]
    fn the_demo_access_is_seeded_again_with_new_passwords() {
        let (_d, mut s) = store();
        let op = Session::new("operator", "").expect("session");
        let first = seed_demo(&mut s, &op).expect("seed");
        assert_eq!(first.len(), 4);
        let again = seed_demo(&mut s, &op).expect("again");
        let analyst = |v: &[DemoUser]| v.iter().find(|u| u.name == "analyst").map(|u| u.password.clone());
        assert_ne!(analyst(&first), analyst(&again), "each run has its own passwords");
        let now = Utc::now();
        let old = analyst(&first).expect("pw");
        assert!(
            log_in(&mut s, "analyst", &old, now).is_err(),
            "the earlier password no longer works"
        );
        let p = log_in(&mut s, "analyst", &analyst(&again).expect("pw"), now).expect("new password");
        assert_eq!(p.cases.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["demo"]);
        assert_eq!(purposes(&s).expect("purposes").len(), 1);
    }

    #[test]
    fn names_are_ascii_ids() {
        for good in ["ana", "op-danube.2026", "a_b"] {
            assert!(validate_name("case", good).is_ok(), "{good}");
        }
        for bad in ["", "-x", "Đorđe", "a b", "x\ny", &"a".repeat(65)] {
            assert!(validate_name("case", bad).is_err(), "{bad:?}");
        }
    }
}

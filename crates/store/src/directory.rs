//! The node's directory: users (with their password hashes, lock-out state and
//! clearance), API tokens (digests only), cases with their members and data sets,
//! and the purposes the node defines. Every change is written in the same
//! transaction as its audit entry; no entry ever carries a password hash or a
//! token digest.
//!
//! The store keeps words (`role`, `clearance`) and checks only their shape in SQL;
//! what they mean, and who may change them, is `corridor-access`'s and the
//! application's.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::audit::{self, AuditAction, AuditEntry};
use crate::error::{Error, Result};
use crate::sqlite::{SqliteStore, now, write_tx};

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE node_user (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('analyst', 'supervisor', 'dpo', 'admin')),
    clearance     TEXT NOT NULL CHECK (clearance IN ('H0', 'H1', 'H2', 'H3')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
);
CREATE TABLE api_token (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES node_user(id),
    digest     TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);
CREATE TABLE case_file (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE TABLE case_member (
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    user_id INTEGER NOT NULL REFERENCES node_user(id),
    PRIMARY KEY (case_id, user_id)
) WITHOUT ROWID;
CREATE TABLE case_dataset (
    case_id    INTEGER NOT NULL REFERENCES case_file(id),
    dataset_id INTEGER NOT NULL REFERENCES dataset(id),
    PRIMARY KEY (case_id, dataset_id)
) WITHOUT ROWID;
CREATE TABLE purpose (
    id          TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
"#;

/// When a user's password last changed: browser sessions opened before it end.
pub(crate) const CREDENTIALS_AT: &str = "ALTER TABLE node_user ADD COLUMN credentials_at TEXT;";

/// A data set name a case has claimed for its ingests: the first claim wins, so
/// two cases ingesting the same new name at once cannot both end up holding it.
pub(crate) const DATASET_CLAIMS: &str = "CREATE TABLE dataset_claim (\
    name    TEXT PRIMARY KEY,\
    case_id INTEGER NOT NULL REFERENCES case_file(id)\
) WITHOUT ROWID;";

/// A user as stored.
#[derive(Debug, Clone, Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub clearance: String,
    #[serde(skip)]
    pub password_hash: String,
    pub disabled: bool,
    pub failed_logins: u32,
    pub locked_until: Option<String>,
    pub created_at: String,
    /// When the password was last changed (after the user was added), if ever.
    pub credentials_at: Option<String>,
}

/// A user to add.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub role: &'a str,
    pub clearance: &'a str,
    pub password_hash: &'a str,
}

/// A change an administrator makes to a user.
#[derive(Debug, Clone)]
pub enum UserChange {
    Role(String),
    Clearance(String),
    Disabled(bool),
    /// A new password hash; the lock-out is lifted with it.
    Password(String),
    /// Lifts a lock-out and clears the failure count.
    Unlock,
}

impl UserChange {
    fn describe(&self) -> serde_json::Value {
        match self {
            UserChange::Role(r) => serde_json::json!({"role": r}),
            UserChange::Clearance(c) => serde_json::json!({"clearance": c}),
            UserChange::Disabled(d) => serde_json::json!({"disabled": d}),
            UserChange::Password(_) => serde_json::json!({"password": "reset"}),
            UserChange::Unlock => serde_json::json!({"unlocked": true}),
        }
    }
}

/// A login attempt, as the application judged it.
#[derive(Debug, Clone)]
pub struct LoginAttempt<'a> {
    /// The user named, when such a user exists (an unknown name is not stored:
    /// people type passwords into the name field).
    pub user: Option<&'a str>,
    pub success: bool,
    /// Whether a failure counts towards the lock-out (not while already locked).
    pub counts: bool,
    /// Failures in a row that lock the account …
    pub lock_after: u32,
    /// … until this time (RFC 3339, UTC, seconds).
    pub lock_until: &'a str,
    /// Now, in the same form: a lock that has run out is lifted and the count
    /// starts again.
    pub now: &'a str,
    /// How: `password` (a browser session), or another word.
    pub via: &'a str,
}

/// An API token as stored (its digest is not handed out).
#[derive(Debug, Clone, Serialize)]
pub struct TokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub user: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A case with its members and data sets.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRecord {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub members: Vec<String>,
    pub datasets: Vec<String>,
}

/// A purpose the node defines.
#[derive(Debug, Clone, Serialize)]
pub struct PurposeRecord {
    pub id: String,
    pub description: String,
    pub created_at: String,
}

/// The directory's operations, whatever holds it.
pub trait Directory {
    fn add_user(&mut self, user: &NewUser<'_>, actor: &str) -> Result<i64>;
    fn users(&self) -> Result<Vec<UserRecord>>;
    fn user(&self, name: &str) -> Result<Option<UserRecord>>;
    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>>;
    fn change_user(&mut self, name: &str, change: &UserChange, actor: &str) -> Result<()>;
    /// Records a login or a failed one (and the lock-out it caused), logged.
    fn record_login(&mut self, attempt: &LoginAttempt<'_>) -> Result<()>;
    fn add_token(&mut self, user: &str, digest: &str, expires_at: Option<&str>, actor: &str) -> Result<i64>;
    /// The token with this digest, whatever its state.
    fn token(&self, digest: &str) -> Result<Option<TokenRecord>>;
    fn tokens(&self) -> Result<Vec<TokenRecord>>;
    fn revoke_token(&mut self, id: i64, actor: &str) -> Result<()>;
    fn add_case(&mut self, name: &str, description: &str, actor: &str) -> Result<i64>;
    fn cases(&self) -> Result<Vec<CaseRecord>>;
    /// The cases a user is a member of: (id, name).
    fn cases_of_user(&self, user_id: i64) -> Result<Vec<(i64, String)>>;
    fn set_case_member(&mut self, case: &str, user: &str, member: bool, actor: &str) -> Result<()>;
    fn add_case_dataset(&mut self, case: &str, dataset: &str, actor: &str) -> Result<()>;
    /// The data sets of a case, by name.
    fn case_datasets(&self, case_id: i64) -> Result<Vec<String>>;
    fn add_purpose(&mut self, id: &str, description: &str, actor: &str) -> Result<()>;
    fn purposes(&self) -> Result<Vec<PurposeRecord>>;
    /// A secret of the node's own, kept in the store under `name`: the one stored,
    /// or `fresh` (random, from the caller) stored now when there is none. Not
    /// logged; never handed out by a use case.
    fn node_secret(&mut self, name: &str, fresh: &str) -> Result<String>;
    /// Claims a data set name for a case's ingests: true when the name is this
    /// case's (claimed now or before), false when another case claimed it.
    fn claim_dataset(&mut self, case_id: i64, name: &str) -> Result<bool>;
}

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        clearance: r.get(3)?,
        password_hash: r.get(4)?,
        disabled: r.get::<_, i64>(5)? != 0,
        failed_logins: r.get::<_, i64>(6)?.clamp(0, u32::MAX as i64) as u32,
        locked_until: r.get(7)?,
        created_at: r.get(8)?,
        credentials_at: r.get(9)?,
    })
}

const USER_COLUMNS: &str =
    "id, name, role, clearance, password_hash, disabled, failed_logins, locked_until, created_at, credentials_at";

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord {
        id: r.get(0)?,
        user_id: r.get(1)?,
        user: r.get(2)?,
        created_at: r.get(3)?,
        expires_at: r.get(4)?,
        revoked_at: r.get(5)?,
    })
}

const TOKEN_SELECT: &str = "SELECT t.id, t.user_id, u.name, t.created_at, t.expires_at, t.revoked_at \
                            FROM api_token t JOIN node_user u ON u.id = t.user_id";

fn id_of(conn: &Connection, table: &'static str, what: &'static str, name: &str) -> Result<i64> {
    conn.query_row(&format!("SELECT id FROM {table} WHERE name = ?1"), [name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::Unknown {
            what,
            name: name.to_string(),
        })
}

fn log(
    conn: &Connection,
    at: &str,
    actor: &str,
    action: AuditAction,
    target: String,
    detail: serde_json::Value,
) -> Result<()> {
    audit::append(
        conn,
        at,
        &AuditEntry {
            actor: actor.into(),
            action,
            target,
            detail: detail.to_string(),
            ..AuditEntry::default()
        },
    )?;
    Ok(())
}

fn exists_already(what: &'static str, name: &str) -> Error {
    Error::Exists {
        what,
        name: name.to_string(),
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
        || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

impl Directory for SqliteStore {
    fn add_user(&mut self, user: &NewUser<'_>, actor: &str) -> Result<i64> {
        let tx = write_tx(self.conn_mut()?)?;
        let at = now();
        let inserted = tx.execute(
            "INSERT INTO node_user (name, role, clearance, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![user.name, user.role, user.clearance, user.password_hash, at],
        );
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(exists_already("user", user.name)),
            other => other?,
        };
        let id = tx.last_insert_rowid();
        log(
            &tx,
            &at,
            actor,
            AuditAction::UserAdd,
            format!("user:{id}"),
            serde_json::json!({"name": user.name, "role": user.role, "clearance": user.clearance}),
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn users(&self) -> Result<Vec<UserRecord>> {
        let mut st = self
            .conn()
            .prepare(&format!("SELECT {USER_COLUMNS} FROM node_user ORDER BY name"))?;
        let rows = st.query_map([], user_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn user(&self, name: &str) -> Result<Option<UserRecord>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM node_user WHERE name = ?1"),
                [name],
                user_row,
            )
            .optional()?)
    }

    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM node_user WHERE id = ?1"))?
            .query_row([id], user_row)
            .optional()?)
    }

    fn change_user(&mut self, name: &str, change: &UserChange, actor: &str) -> Result<()> {
        let tx = write_tx(self.conn_mut()?)?;
        let id = id_of(&tx, "node_user", "user", name)?;
        match change {
            UserChange::Role(r) => tx.execute("UPDATE node_user SET role = ?1 WHERE id = ?2", params![r, id])?,
            UserChange::Clearance(c) => {
                tx.execute("UPDATE node_user SET clearance = ?1 WHERE id = ?2", params![c, id])?
            }
            UserChange::Disabled(d) => tx.execute(
                "UPDATE node_user SET disabled = ?1 WHERE id = ?2",
                params![*d as i64, id],
            )?,
            UserChange::Password(h) => tx.execute(
                "UPDATE node_user SET password_hash = ?1, failed_logins = 0, locked_until = NULL, credentials_at = ?3 \
                 WHERE id = ?2",
                params![h, id, now()],
            )?,
            UserChange::Unlock => tx.execute(
                "UPDATE node_user SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
                [id],
            )?,
        };
        let at = now();
        log(
            &tx,
            &at,
            actor,
            AuditAction::UserChange,
            format!("user:{id}"),
            change.describe(),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn record_login(&mut self, attempt: &LoginAttempt<'_>) -> Result<()> {
        let tx = write_tx(self.conn_mut()?)?;
        let at = now();
        let id = match attempt.user {
            Some(name) => Some(id_of(&tx, "node_user", "user", name)?),
            None => None,
        };
        let mut locked_until: Option<String> = None;
        if let Some(id) = id {
            if attempt.success {
                tx.execute(
                    "UPDATE node_user SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
                    [id],
                )?;
            } else if attempt.counts {
                // The count and the lock are decided here, in the write
                // transaction, so concurrent attempts cannot slip past the limit.
                tx.execute(
                    "UPDATE node_user SET \
                       failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?1 \
                                            THEN 1 ELSE failed_logins + 1 END, \
                       locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?1 \
                                           THEN NULL ELSE locked_until END \
                     WHERE id = ?2",
                    params![attempt.now, id],
                )?;
                tx.execute(
                    "UPDATE node_user SET locked_until = ?1 \
                     WHERE id = ?2 AND locked_until IS NULL AND failed_logins >= ?3",
                    params![attempt.lock_until, id, attempt.lock_after],
                )?;
            }
            locked_until = tx.query_row("SELECT locked_until FROM node_user WHERE id = ?1", [id], |r| r.get(0))?;
        }
        let target = id.map_or_else(|| "user:unknown".to_string(), |id| format!("user:{id}"));
        let (action, detail) = if attempt.success {
            (AuditAction::Login, serde_json::json!({"via": attempt.via}))
        } else {
            (
                AuditAction::LoginFailed,
                serde_json::json!({"via": attempt.via, "locked_until": locked_until}),
            )
        };
        // An unknown name is logged under a marker no user name can take.
        log(&tx, &at, attempt.user.unwrap_or("(unknown)"), action, target, detail)?;
        tx.commit()?;
        Ok(())
    }

    fn add_token(&mut self, user: &str, digest: &str, expires_at: Option<&str>, actor: &str) -> Result<i64> {
        let tx = write_tx(self.conn_mut()?)?;
        let user_id = id_of(&tx, "node_user", "user", user)?;
        let at = now();
        tx.execute(
            "INSERT INTO api_token (user_id, digest, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![user_id, digest, at, expires_at],
        )?;
        let id = tx.last_insert_rowid();
        log(
            &tx,
            &at,
            actor,
            AuditAction::TokenCreate,
            format!("token:{id}"),
            serde_json::json!({"user": user_id, "expires_at": expires_at}),
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn token(&self, digest: &str) -> Result<Option<TokenRecord>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("{TOKEN_SELECT} WHERE t.digest = ?1"))?
            .query_row([digest], token_row)
            .optional()?)
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>> {
        let mut st = self.conn().prepare(&format!("{TOKEN_SELECT} ORDER BY t.id"))?;
        let rows = st.query_map([], token_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn revoke_token(&mut self, id: i64, actor: &str) -> Result<()> {
        let tx = write_tx(self.conn_mut()?)?;
        let at = now();
        let changed = tx.execute(
            "UPDATE api_token SET revoked_at = COALESCE(revoked_at, ?1) WHERE id = ?2",
            params![at, id],
        )?;
        if changed == 0 {
            return Err(Error::Unknown {
                what: "token",
                name: id.to_string(),
            });
        }
        log(
            &tx,
            &at,
            actor,
            AuditAction::TokenRevoke,
            format!("token:{id}"),
            serde_json::json!({}),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn add_case(&mut self, name: &str, description: &str, actor: &str) -> Result<i64> {
        let tx = write_tx(self.conn_mut()?)?;
        let at = now();
        match tx.execute(
            "INSERT INTO case_file (name, description, created_at) VALUES (?1, ?2, ?3)",
            params![name, description, at],
        ) {
            Err(e) if is_unique_violation(&e) => return Err(exists_already("case", name)),
            other => other?,
        };
        let id = tx.last_insert_rowid();
        log(
            &tx,
            &at,
            actor,
            AuditAction::CaseAdd,
            format!("case:{id}"),
            serde_json::json!({"name": name}),
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn cases(&self) -> Result<Vec<CaseRecord>> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT id, name, description, created_at FROM case_file ORDER BY name")?;
        let mut cases = st
            .query_map([], |r| {
                Ok(CaseRecord {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    description: r.get(2)?,
                    created_at: r.get(3)?,
                    members: Vec::new(),
                    datasets: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut members = conn.prepare(
            "SELECT u.name FROM case_member m JOIN node_user u ON u.id = m.user_id WHERE m.case_id = ?1 ORDER BY u.name",
        )?;
        for c in &mut cases {
            c.members = members
                .query_map([c.id], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            c.datasets = self.case_datasets(c.id)?;
        }
        Ok(cases)
    }

    fn cases_of_user(&self, user_id: i64) -> Result<Vec<(i64, String)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT c.id, c.name FROM case_member m JOIN case_file c ON c.id = m.case_id WHERE m.user_id = ?1 ORDER BY c.name",
        )?;
        let rows = st
            .query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn set_case_member(&mut self, case: &str, user: &str, member: bool, actor: &str) -> Result<()> {
        let tx = write_tx(self.conn_mut()?)?;
        let case_id = id_of(&tx, "case_file", "case", case)?;
        let user_id = id_of(&tx, "node_user", "user", user)?;
        let changed = if member {
            tx.execute(
                "INSERT OR IGNORE INTO case_member (case_id, user_id) VALUES (?1, ?2)",
                params![case_id, user_id],
            )?
        } else {
            tx.execute(
                "DELETE FROM case_member WHERE case_id = ?1 AND user_id = ?2",
                params![case_id, user_id],
            )?
        };
        if changed > 0 {
            let at = now();
            log(
                &tx,
                &at,
                actor,
                AuditAction::CaseMember,
                format!("case:{case_id}"),
                serde_json::json!({"user": user_id, "member": member}),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn add_case_dataset(&mut self, case: &str, dataset: &str, actor: &str) -> Result<()> {
        let tx = write_tx(self.conn_mut()?)?;
        let case_id = id_of(&tx, "case_file", "case", case)?;
        let dataset_id = id_of(&tx, "dataset", "data set", dataset)?;
        let changed = tx.execute(
            "INSERT OR IGNORE INTO case_dataset (case_id, dataset_id) VALUES (?1, ?2)",
            params![case_id, dataset_id],
        )?;
        if changed > 0 {
            let at = now();
            log(
                &tx,
                &at,
                actor,
                AuditAction::CaseData,
                format!("case:{case_id}"),
                serde_json::json!({"dataset": dataset_id}),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn case_datasets(&self, case_id: i64) -> Result<Vec<String>> {
        let mut st = self.conn().prepare_cached(
            "SELECT d.name FROM case_dataset c JOIN dataset d ON d.id = c.dataset_id WHERE c.case_id = ?1 ORDER BY d.name",
        )?;
        let rows = st
            .query_map([case_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    fn add_purpose(&mut self, id: &str, description: &str, actor: &str) -> Result<()> {
        let tx = write_tx(self.conn_mut()?)?;
        let at = now();
        match tx.execute(
            "INSERT INTO purpose (id, description, created_at) VALUES (?1, ?2, ?3)",
            params![id, description, at],
        ) {
            Err(e) if is_unique_violation(&e) => return Err(exists_already("purpose", id)),
            other => other?,
        };
        log(
            &tx,
            &at,
            actor,
            AuditAction::PurposeAdd,
            format!("purpose:{id}"),
            serde_json::json!({"description": description}),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn node_secret(&mut self, name: &str, fresh: &str) -> Result<String> {
        let key = format!("secret.{name}");
        let stored: Option<String> = self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [&key], |r| r.get(0))
            .optional()?;
        if let Some(v) = stored {
            return Ok(v);
        }
        let tx = write_tx(self.conn_mut()?)?;
        tx.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, fresh],
        )?;
        let v: String = tx.query_row("SELECT value FROM meta WHERE key = ?1", [&key], |r| r.get(0))?;
        tx.commit()?;
        Ok(v)
    }

    fn claim_dataset(&mut self, case_id: i64, name: &str) -> Result<bool> {
        let tx = write_tx(self.conn_mut()?)?;
        tx.execute(
            "INSERT OR IGNORE INTO dataset_claim (name, case_id) VALUES (?1, ?2)",
            params![name, case_id],
        )?;
        let owner: i64 = tx.query_row("SELECT case_id FROM dataset_claim WHERE name = ?1", [name], |r| {
            r.get(0)
        })?;
        tx.commit()?;
        Ok(owner == case_id)
    }

    fn purposes(&self) -> Result<Vec<PurposeRecord>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT id, description, created_at FROM purpose ORDER BY id")?;
        let rows = st
            .query_map([], |r| {
                Ok(PurposeRecord {
                    id: r.get(0)?,
                    description: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

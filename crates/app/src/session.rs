//! Who acts and why: every use case takes a [`Session`], and every audit entry it
//! writes names them.

use crate::error::{Error, Result};

/// Who acts, and for which purpose; cases join them with the node server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    actor: String,
    purpose: String,
    /// The registered user acting, when there is one (the actor may name their
    /// token too).
    user: Option<String>,
}

impl Session {
    /// A session, its actor and purpose checked by [`validate_actor`] and
    /// [`validate_purpose`].
    pub fn new(actor: &str, purpose: &str) -> Result<Session> {
        Ok(Session {
            actor: validate_actor(actor)?,
            purpose: validate_purpose(purpose)?,
            user: None,
        })
    }

    /// The same session, acting as the registered user `user`.
    pub fn as_user(mut self, user: &str) -> Session {
        self.user = Some(user.to_string());
        self
    }

    /// Who is acting, as a user name: the registered user, else the actor.
    pub fn user(&self) -> &str {
        self.user.as_deref().unwrap_or(&self.actor)
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn purpose(&self) -> &str {
        &self.purpose
    }
}

/// An actor for the audit log: 1 to 128 characters after trimming, no control
/// characters (a newline in an actor once printed a forged line of the log).
pub fn validate_actor(s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Error::BadInput("the user cannot be empty: give who is acting".into()));
    }
    audit_text(t, 128, "user")
}

/// A purpose for the audit log: at most 1,000 characters, no control characters;
/// empty is allowed.
pub fn validate_purpose(s: &str) -> Result<String> {
    audit_text(s.trim(), 1000, "purpose")
}

fn audit_text(t: &str, max: usize, what: &str) -> Result<String> {
    if let Some(c) = t.chars().find(|c| c.is_control()) {
        return Err(Error::BadInput(format!(
            "the {what} contains a control character ({:?}): the audit log takes printable text only",
            c
        )));
    }
    if t.chars().count() > max {
        return Err(Error::BadInput(format!("the {what} is longer than {max} characters")));
    }
    Ok(t.to_string())
}

/// A calendar day as the front ends take it: `YYYY-MM-DD`, exactly. `what` names
/// the option or field in the message.
pub fn parse_day(text: &str, what: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| {
            let shown: String = text.chars().filter(|c| !c.is_control()).take(40).collect();
            Error::BadInput(format!("{what} '{shown}': give a day as YYYY-MM-DD"))
        })
}

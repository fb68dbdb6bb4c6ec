//! Browser sessions: an opaque id in a cookie (HttpOnly, SameSite=Strict, Secure
//! under TLS), a CSRF token the page sends back as `X-CSRF-Token` on every
//! state-changing request, an idle limit and an absolute one. Kept in memory: a
//! restarted node asks everyone to log in again, which is the safe direction; API
//! tokens are for programs.
//!
//! Also the login limiter: attempts per client address in a sliding minute, in
//! front of the per-account lock-out the application keeps in the store (which
//! alone would let one address try one password against every account).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corridor_access::secret;

/// The cookie's name.
pub(crate) const COOKIE: &str = "corridor_session";
/// A session unused this long ends.
pub(crate) const IDLE: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after login whatever its use.
pub(crate) const ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);
/// Login attempts allowed per client address per minute.
pub(crate) const LOGINS_PER_MINUTE: usize = 10;

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub user_id: i64,
    pub csrf: String,
    /// When it was opened, by the clock: a password changed later ends it.
    pub opened_at: chrono::DateTime<chrono::Utc>,
    created: Instant,
    last_seen: Instant,
}

/// The node's open browser sessions and its login limiter.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sessions {
    open: Arc<Mutex<HashMap<String, Session>>>,
    attempts: Arc<Mutex<HashMap<IpAddr, VecDeque<Instant>>>>,
}

impl Sessions {
    /// Opens a session for a user who just logged in: (cookie id, CSRF token).
    pub fn open(
        &self,
        user_id: i64,
        opened_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(String, String), secret::Error> {
        let id = format!("{}{}", secret::random_id()?, secret::random_id()?);
        let csrf = secret::random_id()?;
        let now = Instant::now();
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.retain(|_, s| alive(s, now));
        open.insert(
            id.clone(),
            Session {
                user_id,
                csrf: csrf.clone(),
                opened_at,
                created: now,
                last_seen: now,
            },
        );
        Ok((id, csrf))
    }

    /// The live session with this id, its idle clock restarted.
    pub fn touch(&self, id: &str) -> Option<Session> {
        let now = Instant::now();
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let s = open.get_mut(id)?;
        if !alive(s, now) {
            open.remove(id);
            return None;
        }
        s.last_seen = now;
        Some(s.clone())
    }

    /// Ends a session.
    pub fn close(&self, id: &str) {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }

    /// Ends every session of a user (disabled, role changed, password reset).
    pub fn close_user(&self, user_id: i64) {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, s| s.user_id != user_id);
    }

    /// Counts a login attempt from `client`; false when over the limit.
    pub fn allow_login(&self, client: Option<IpAddr>) -> bool {
        let key = client.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let now = Instant::now();
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if attempts.len() > 100_000 {
            // A flood of addresses: forget the quiet ones rather than grow without end.
            attempts.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(60))
            });
        }
        let q = attempts.entry(key).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            q.pop_front();
        }
        if q.len() >= LOGINS_PER_MINUTE {
            return false;
        }
        q.push_back(now);
        true
    }
}

fn alive(s: &Session, now: Instant) -> bool {
    now.duration_since(s.last_seen) < IDLE && now.duration_since(s.created) < ABSOLUTE
}

/// The session id from a `Cookie` header, if it carries ours.
pub(crate) fn cookie_value(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim())
}

/// The `Set-Cookie` value for a session (or, with `None`, one that deletes it).
pub(crate) fn set_cookie(id: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match id {
        Some(id) => format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lives_until_closed_and_its_cookie_is_strict() {
        let s = Sessions::default();
        let (id, csrf) = s.open(7, chrono::Utc::now()).expect("open");
        assert_ne!(id, csrf);
        assert_eq!(s.touch(&id).map(|x| (x.user_id, x.csrf)), Some((7, csrf)));
        assert!(s.touch("forged").is_none());
        s.close(&id);
        assert!(s.touch(&id).is_none());
        let (id, _) = s.open(8, chrono::Utc::now()).expect("open");
        s.close_user(8);
        assert!(s.touch(&id).is_none());
        let c = set_cookie(Some("abc"), true);
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"),
            "{c}"
        );
        assert_eq!(cookie_value("a=1; corridor_session=abc; b=2"), Some("abc"));
        assert_eq!(cookie_value("corridor_sessionx=abc"), None);
    }

    #[test]
    fn logins_from_one_address_are_limited_per_minute() {
        let s = Sessions::default();
        let a = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..LOGINS_PER_MINUTE {
            assert!(s.allow_login(a));
        }
        assert!(!s.allow_login(a));
        assert!(
            s.allow_login(Some(IpAddr::from([10, 0, 0, 2]))),
            "another address is not held up"
        );
    }
}

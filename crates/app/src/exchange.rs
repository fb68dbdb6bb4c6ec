//! Partner nodes and sharing agreements: the administrator adds a partner from
//! its card (only with the fingerprint the partner read out over another
//! channel), sets what it may ask (the agreement), and revokes it. A message from
//! a partner is admitted here, refused with its reason on the audit chain
//! otherwise: unknown or revoked sender, not for this node, bad signature, out of
//! time, replayed; then its query is checked against the agreement and counted
//! against the day's budget (see `corridor_exchange` for the formats and why).
//!
//! Who may call what is the policy's (`Action::ManagePartners` for the
//! administrator's acts); a partner's message has no user: the partner's key is
//! its credential, checked here.

use std::collections::BTreeSet;

use corridor_exchange::{Agreement, Envelope, PartnerCard, QueryAsk, Refusal, SelectorKind};
use corridor_store::{AuditAction, AuditEntry, Directory, SqliteStore, Store};
use serde::Serialize;

use crate::{Error, Result, Session};

/// The most selectors an agreement may allow in one query: the responder's work
/// and the answer grow with it.
pub const MAX_QUERY_LIMIT: u64 = 100_000;

/// A partner as this node sees it.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerView {
    pub name: String,
    pub display_name: String,
    pub country: String,
    pub address: String,
    pub fingerprint: String,
    pub added_by: String,
    pub added_at: String,
    pub revoked_at: Option<String>,
    pub revoked_why: Option<String>,
    pub agreement: Option<Agreement>,
}

impl PartnerView {
    fn of(p: corridor_store::PartnerRecord) -> Result<PartnerView> {
        let agreement = p
            .agreement
            .as_deref()
            .map(|t| {
                serde_json::from_str(t)
                    .map_err(|_| Error::Integrity(format!("partner {}: its agreement no longer reads", p.name)))
            })
            .transpose()?;
        Ok(PartnerView {
            name: p.name,
            display_name: p.display_name,
            country: p.country,
            address: p.address,
            fingerprint: p.fingerprint,
            added_by: p.added_by,
            added_at: p.added_at,
            revoked_at: p.revoked_at,
            revoked_why: p.revoked_why,
            agreement,
        })
    }
}

/// This node's own partner card, to hand to partners (with its fingerprint, read
/// out to them by another channel).
pub fn node_card(
    key: &corridor_node_key::NodeKey,
    name: &str,
    country: &str,
    address: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<PartnerCard> {
    PartnerCard::make(key, name, country, address, now).map_err(refused_input)
}

/// Adds the partner whose card is `card_text` under this node's name `name`, if
/// `fingerprint` (as the partner read it out) is the card's; `me` is this node's
/// key (its own card is refused).
pub fn add_partner(
    store: &mut SqliteStore,
    me: Option<&corridor_node_key::NodeKey>,
    session: &Session,
    name: &str,
    card_text: &str,
    fingerprint: &str,
) -> Result<PartnerView> {
    let name = crate::access::validate_name("partner", name)?;
    let card = PartnerCard::parse(card_text).map_err(refused_input)?;
    card.verify_fingerprint(fingerprint).map_err(refused_input)?;
    if me.is_some_and(|me| me.fingerprint() == card.fingerprint()) {
        return Err(Error::BadInput(
            "that is this node's own card: a partner is another node".into(),
        ));
    }
    let canonical = card.fingerprint();
    store.add_partner(
        &corridor_store::NewPartner {
            name: &name,
            display_name: &card.name,
            country: &card.country,
            address: &card.address,
            signing_key: &card.signing_key,
            exchange_key: &card.exchange_key,
            fingerprint: &canonical,
            card: &card.to_json(),
        },
        session.actor(),
    )?;
    partner(store, &name)
}

/// Every partner of the node, revoked ones included.
pub fn partners(store: &SqliteStore) -> Result<Vec<PartnerView>> {
    store.partners()?.into_iter().map(PartnerView::of).collect()
}

/// The partner this node calls `name`.
pub fn partner(store: &SqliteStore, name: &str) -> Result<PartnerView> {
    let p = store.partner(name)?.ok_or_else(|| {
        Error::NotFound(format!(
            "no partner '{}': `corridor partner list` shows them",
            printable(name)
        ))
    })?;
    PartnerView::of(p)
}

/// Revokes the partner `name`, with the reason: nothing more is accepted from it.
pub fn revoke_partner(store: &mut SqliteStore, session: &Session, name: &str, reason: &str) -> Result<()> {
    let reason = reason.trim();
    if reason.is_empty() || reason.len() > 500 || reason.chars().any(char::is_control) {
        return Err(Error::BadInput(
            "say why the partner is revoked (--reason, up to 500 characters on one line)".into(),
        ));
    }
    store.revoke_partner(name, reason, session.actor())?;
    Ok(())
}

/// The terms of an agreement as an administrator gives them.
#[derive(Debug, Clone)]
pub struct AgreementTerms<'a> {
    pub partner: &'a str,
    pub kinds: &'a [String],
    pub purposes: &'a [String],
    pub daily_budget: u64,
    pub max_query: u64,
    pub expires: &'a str,
    pub approver: &'a str,
    pub onward_use: bool,
}

/// Sets (or replaces) the agreement with a partner, after checking its terms
/// against the node: known purposes, an approver who is a supervisor of this node,
/// limits that make sense, a last day not past.
pub fn set_agreement(
    store: &mut SqliteStore,
    session: &Session,
    terms: &AgreementTerms<'_>,
    today: chrono::NaiveDate,
) -> Result<Agreement> {
    let partner = partner(store, terms.partner)?;
    if partner.revoked_at.is_some() {
        return Err(Error::Conflict(format!(
            "the partner '{}' was revoked: add it again from a new card to agree anything",
            partner.name
        )));
    }
    let kinds: BTreeSet<SelectorKind> = terms
        .kinds
        .iter()
        .map(|k| k.parse::<SelectorKind>().map_err(refused_input))
        .collect::<Result<_>>()?;
    if kinds.is_empty() {
        return Err(Error::BadInput(
            "name the selector kinds the partner may match (--kinds)".into(),
        ));
    }
    let known: BTreeSet<String> = store.purposes()?.into_iter().map(|p| p.id).collect();
    let purposes: BTreeSet<String> = terms.purposes.iter().map(|p| p.trim().to_string()).collect();
    if purposes.is_empty() {
        return Err(Error::BadInput(
            "name the purposes a query may give (--purposes)".into(),
        ));
    }
    if let Some(unknown) = purposes.iter().find(|p| !known.contains(*p)) {
        return Err(Error::BadInput(format!(
            "'{}' is not a purpose of this node: `corridor purpose add` defines it",
            printable(unknown)
        )));
    }
    if terms.daily_budget == 0 || terms.max_query == 0 || terms.max_query > terms.daily_budget {
        return Err(Error::BadInput(
            "the daily budget and the query size must be at least 1, and a query no larger than the budget".into(),
        ));
    }
    if terms.max_query > MAX_QUERY_LIMIT {
        return Err(Error::BadInput(format!(
            "a query may hold at most {MAX_QUERY_LIMIT} selectors"
        )));
    }
    let expires: chrono::NaiveDate = terms
        .expires
        .trim()
        .parse()
        .map_err(|_| Error::BadInput("the last day (--expires) must be a date such as 2027-06-30".into()))?;
    if expires < today {
        return Err(Error::BadInput(format!("the last day {expires} is already past")));
    }
    let approver = store
        .user(terms.approver)?
        .filter(|u| !u.disabled)
        .ok_or_else(|| Error::BadInput(format!("no user '{}' on this node", printable(terms.approver))))?;
    if approver.role != "supervisor" {
        return Err(Error::BadInput(format!(
            "the approver of disclosures must be a supervisor; '{}' is {}",
            approver.name, approver.role
        )));
    }
    let agreement = Agreement {
        partner: partner.name.clone(),
        kinds,
        purposes,
        daily_budget: terms.daily_budget,
        max_query: terms.max_query,
        expires,
        approver: approver.name,
        onward_use: terms.onward_use,
    };
    let text = serde_json::to_string(&agreement).map_err(|e| Error::Integrity(e.to_string()))?;
    store.set_agreement(&partner.name, &text, session.actor())?;
    Ok(agreement)
}

/// A message admitted from a partner: who sent it and what it says.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub partner: PartnerView,
    pub partner_id: i64,
    pub envelope: Envelope,
}

/// Admits the message `text` from a partner for the node holding `me`, at `now`;
/// a refusal is logged (with its reason, the partner if known, the message's kind
/// and reference, never its body) and returned.
pub fn admit(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Admitted> {
    // The sender first: a message from no partner is refused as such, whatever
    // else is wrong with it (its fields are checked once the sender is known).
    let envelope = match Envelope::read(text) {
        Ok(e) => e,
        Err(r) => return Err(log_unauthenticated(store, None, None, &r)),
    };
    let from = corridor_exchange::canonical_fingerprint(&envelope.from).unwrap_or_default();
    let Some(record) = store.partner_by_fingerprint(&from)? else {
        let r = Refusal::UnknownPartner {
            from: printable(&envelope.from),
        };
        return Err(log_unauthenticated(store, None, None, &r));
    };
    if let Err(r) = envelope.check_form() {
        return Err(log_unauthenticated(store, Some(record.id), None, &r));
    }
    let partner_id = record.id;
    let partner = PartnerView::of(record.clone())?;
    // A revoked partner's erasure and rectification notices are still taken (its
    // key is still the one stored): copies of what it disclosed must follow its
    // erasures, above all when the relationship ends.
    if partner.revoked_at.is_some() && envelope.kind != "disclosure-notice" {
        let r = Refusal::Revoked {
            partner: partner.name.clone(),
        };
        return Err(log_unauthenticated(store, Some(partner_id), Some(&envelope), &r));
    }
    let key: [u8; 32] = match hex::decode(&record.signing_key).ok().and_then(|b| b.try_into().ok()) {
        Some(k) => k,
        None => {
            return Err(Error::Integrity(format!(
                "partner {}: its key no longer reads",
                partner.name
            )));
        }
    };
    if let Err(r) = envelope.verify(&me.fingerprint(), &key, now) {
        // Anyone can write a partner's fingerprint into `from`: until the
        // signature verifies, the sender is unknown; and a message out of time
        // may be a copy anyone who saw it replays (a courier's file): none of
        // these proves the partner is sending now.
        return Err(log_unauthenticated(store, Some(partner_id), Some(&envelope), &r));
    }
    // Each nonce is kept until its message could no longer pass the time check.
    let keep_until = envelope.expiry().map_err(refused_input)? + corridor_exchange::MAX_CLOCK_SKEW;
    let fresh = store.remember_nonce(
        partner_id,
        &envelope.nonce,
        &keep_until.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        &now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )?;
    if !fresh {
        return Err(log_unauthenticated(
            store,
            Some(partner_id),
            Some(&envelope),
            &Refusal::Replayed,
        ));
    }
    Ok(Admitted {
        partner,
        partner_id,
        envelope,
    })
}

/// Checks an admitted query against the partner's agreement and counts it against
/// the day's budget; a refusal is logged and returned.
pub fn admit_query(
    store: &mut SqliteStore,
    admitted: &Admitted,
    ask: &QueryAsk<'_>,
    today: chrono::NaiveDate,
) -> Result<()> {
    let refuse = |store: &mut SqliteStore, r: Refusal| {
        log_refusal(store, Some(admitted.partner_id), Some(&admitted.envelope), &r)
    };
    let Some(agreement) = admitted.partner.agreement.clone() else {
        let r = Refusal::NoAgreement {
            partner: admitted.partner.name.clone(),
        };
        return Err(refuse(store, r));
    };
    let day = today.to_string();
    let used = store.evaluations_used(admitted.partner_id, &day)?;
    if let Err(r) = agreement.permits(ask, used, today) {
        return Err(refuse(store, r));
    }
    // Counted in one transaction with the check: two queries at once cannot both
    // slip under the budget.
    if let Err(used) = store.spend_evaluations(admitted.partner_id, &day, ask.size, agreement.daily_budget)? {
        let r = Refusal::OverBudget {
            used,
            budget: agreement.daily_budget,
            size: ask.size,
        };
        return Err(refuse(store, r));
    }
    Ok(())
}

/// Refuses an admitted message (its body, or what it asks): logged like any
/// refusal.
pub(crate) fn refuse(store: &mut SqliteStore, admitted: &Admitted, r: Refusal) -> Error {
    log_refusal(store, Some(admitted.partner_id), Some(&admitted.envelope), &r)
}

/// Logs a refused message and turns the refusal into the error to answer.
fn log_refusal(store: &mut SqliteStore, partner: Option<i64>, envelope: Option<&Envelope>, r: &Refusal) -> Error {
    log_entry(store, partner, envelope, r, 0)
}

fn log_entry(
    store: &mut SqliteStore,
    partner: Option<i64>,
    envelope: Option<&Envelope>,
    r: &Refusal,
    unlogged_before: u64,
) -> Error {
    let mut detail = serde_json::json!({
        "code": r.code(),
        "kind": envelope.map(|e| printable(&e.kind)),
        "reference": envelope.map(|e| printable(&e.reference)),
    });
    if unlogged_before > 0 {
        detail["unlogged_before"] = unlogged_before.into();
    }
    let entry = AuditEntry {
        actor: "partner node".into(),
        action: AuditAction::ExchangeRefused,
        target: partner.map_or_else(|| "partner:unknown".into(), |id| format!("partner:{id}")),
        purpose: String::new(),
        detail: detail.to_string(),
    };
    if let Err(e) = store.audit(&entry) {
        // Not logged: the refusal stands, and the store's error is what to answer.
        return Error::from(e);
    }
    error_of(r)
}

fn error_of(r: &Refusal) -> Error {
    match r {
        Refusal::Malformed { .. } | Refusal::TooLarge { .. } => Error::BadInput(r.to_string()),
        _ => Error::Forbidden(r.to_string()),
    }
}

/// One refusal entry a minute in the log for each of this many refusals of
/// unauthenticated messages, at most: past it, they are counted and the count
/// is logged with the next entry (see [`log_unauthenticated`]).
pub const UNAUTHENTICATED_PER_MINUTE: u64 = 60;

/// Which unauthenticated refusals are logged one by one: at most
/// [`UNAUTHENTICATED_PER_MINUTE`] a minute for each store; the rest are counted.
#[derive(Debug)]
struct RefusalLimiter(std::sync::Mutex<Vec<(String, i64, u64, u64)>>);

impl RefusalLimiter {
    const fn new() -> RefusalLimiter {
        RefusalLimiter(std::sync::Mutex::new(Vec::new()))
    }

    /// For a refusal in `minute` (since the epoch) at the store `store`: `Some(n)`
    /// to log it, with the `n` refusals left unlogged since the last entry;
    /// `None` to count it.
    fn admit(&self, store: &str, minute: i64) -> Option<u64> {
        let mut stores = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let at = match stores.iter().position(|s| s.0 == store) {
            Some(i) => i,
            None => {
                // A process serves one store; a test binary opens many: those
                // with nothing left to report are forgotten.
                stores.retain(|s| s.1 == minute || s.3 > 0);
                stores.push((store.to_string(), minute, 0, 0));
                stores.len() - 1
            }
        };
        let state = &mut stores[at];
        if state.1 != minute {
            state.1 = minute;
            state.2 = 0;
        }
        if state.2 >= UNAUTHENTICATED_PER_MINUTE {
            state.3 += 1;
            None
        } else {
            state.2 += 1;
            Some(std::mem::take(&mut state.3))
        }
    }
}

static UNAUTHENTICATED: RefusalLimiter = RefusalLimiter::new();

/// Logs the refusal of a message whose sender is not (yet) proven: malformed,
/// from no partner, from a revoked one, not for this node, or badly signed. A
/// node on the open network can be sent any number of these, and an audit chain
/// that grows with each would be a way to fill its disk: at most
/// [`UNAUTHENTICATED_PER_MINUTE`] are logged one by one each minute; the rest
/// are counted, and the count goes into the next entry logged
/// (`"unlogged_before": N`). Refusals of a proven partner's messages are
/// always logged.
///
/// The sender is answered with one reason for all of these (the log keeps the
/// precise one): a prober must not learn whether a fingerprint is a partner of
/// this node, or a revoked partner's name.
fn log_unauthenticated(
    store: &mut SqliteStore,
    partner: Option<i64>,
    envelope: Option<&Envelope>,
    r: &Refusal,
) -> Error {
    let file = store.file_path().unwrap_or_default();
    if let Some(before) = UNAUTHENTICATED.admit(&file, chrono::Utc::now().timestamp() / 60)
        && let e @ Error::Store(_) = log_entry(store, partner, envelope, r, before)
    {
        return e;
    }
    match r {
        // Not an envelope at all: saying so names no partner.
        Refusal::Malformed { .. } | Refusal::TooLarge { .. } if partner.is_none() => error_of(r),
        _ => Error::Forbidden(
            "refused: this node takes no such message from that sender (not its partner, not for this node, not signed by it, out of time, or seen before)"
                .into(),
        ),
    }
}

/// A refusal of what the user typed or gave.
fn refused_input(r: Refusal) -> Error {
    Error::BadInput(r.to_string())
}

fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(70).collect()
}

#[cfg(test)]
mod limiter_tests {
    use super::*;

    #[test]
    fn unauthenticated_refusals_are_logged_sixty_a_minute_and_the_rest_counted() {
        let limiter = RefusalLimiter::new();
        let logged: Vec<Option<u64>> = (0..100).map(|_| limiter.admit("a", 7)).collect();
        assert_eq!(logged.iter().filter(|l| l.is_some()).count(), 60);
        assert!(logged[..60].iter().all(|l| *l == Some(0)));
        assert!(logged[60..].iter().all(Option::is_none));
        // Another store has a budget of its own.
        assert_eq!(limiter.admit("b", 7), Some(0));
        // The next minute's first entry carries the count of those left unlogged.
        assert_eq!(limiter.admit("a", 8), Some(40));
        assert_eq!(limiter.admit("a", 8), Some(0));
    }

    #[test]
    fn a_flood_from_no_partner_does_not_grow_the_log_past_the_limit() {
        let mut n = crate::test_support::node();
        let before = n.store.audit_entries().expect("log").len();
        for i in 0..200 {
            let text = format!("{{\"not\": \"an envelope {i}\"}}");
            assert!(admit(&mut n.store, &n.key, &text, chrono::Utc::now()).is_err());
        }
        let after = n.store.audit_entries().expect("log").len();
        // At most a minute's worth (two, should the minute turn during the loop).
        assert!(
            after - before <= 2 * UNAUTHENTICATED_PER_MINUTE as usize,
            "{} entries for 200 refusals",
            after - before
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Node, know, node, root};
    use corridor_exchange::Sealing;

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-12-07T20:00:00Z")
            .expect("time")
            .to_utc()
    }

    fn card_of(n: &Node) -> String {
        node_card(&n.key, "GR Hellenic Police", "GR", "https://gr.example:8443", now())
            .expect("card")
            .to_json()
    }

    fn seal(
        from: &Node,
        to: &corridor_node_key::NodeKey,
        reference: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> String {
        Envelope::seal(
            &from.key,
            &Sealing {
                to: &to.fingerprint(),
                kind: "psi-query",
                reference,
                body: r#"{"kind":"phone","size":5}"#,
                at,
                valid_for: chrono::Duration::minutes(10),
            },
        )
        .expect("seal")
        .to_json()
    }

    fn refusals(store: &SqliteStore) -> Vec<String> {
        store
            .audit_entries()
            .expect("log")
            .into_iter()
            .filter(|r| r.entry.action == AuditAction::ExchangeRefused)
            .map(|r| {
                let detail: serde_json::Value = serde_json::from_str(&r.entry.detail).expect("detail");
                detail["code"].as_str().unwrap_or_default().to_string()
            })
            .collect()
    }

    #[test]
    fn a_partner_is_added_only_with_the_fingerprint_read_out() {
        let (mut a, b, c) = (node(), node(), node());
        let card = card_of(&b);
        let wrong = add_partner(
            &mut a.store,
            Some(&a.key),
            &root(),
            "gr-hp",
            &card,
            &c.key.fingerprint(),
        );
        assert!(
            matches!(wrong, Err(Error::BadInput(ref m)) if m.contains("fingerprint")),
            "{wrong:?}"
        );
        let own = card_of(&a);
        assert!(add_partner(&mut a.store, Some(&a.key), &root(), "me", &own, &a.key.fingerprint()).is_err());
        let added = add_partner(
            &mut a.store,
            Some(&a.key),
            &root(),
            "gr-hp",
            &card,
            &b.key.fingerprint(),
        )
        .expect("added");
        assert_eq!(
            (added.country.as_str(), added.fingerprint.clone()),
            ("GR", b.key.fingerprint())
        );
        assert_eq!(partners(&a.store).expect("list").len(), 1);
        // Neither the same key under another name nor another key under the name.
        assert!(add_partner(&mut a.store, Some(&a.key), &root(), "gr-2", &card, &b.key.fingerprint()).is_err());
        let log = a.store.audit_entries().expect("log");
        assert!(log.iter().any(|r| r.entry.action == AuditAction::PartnerAdd));
    }

    #[test]
    fn messages_are_admitted_once_in_time_and_only_from_partners_in_force() {
        let (mut a, b, c) = (node(), node(), node());
        know(&mut a, &b.key, "gr-hp");
        let text = seal(&b, &a.key, "q-1", now());
        let admitted = admit(&mut a.store, &a.key, &text, now() + chrono::Duration::seconds(2)).expect("admitted");
        assert_eq!(admitted.partner.name, "gr-hp");
        assert_eq!(admitted.envelope.reference, "q-1");
        // The same message again: a replay.
        assert!(matches!(
            admit(&mut a.store, &a.key, &text, now()),
            Err(Error::Forbidden(_))
        ));
        // From a node that is no partner; for another node; too old; altered.
        assert!(admit(&mut a.store, &a.key, &seal(&c, &a.key, "q-2", now()), now()).is_err());
        assert!(admit(&mut a.store, &a.key, &seal(&b, &c.key, "q-3", now()), now()).is_err());
        let old = seal(&b, &a.key, "q-4", now() - chrono::Duration::minutes(16));
        let future = seal(&b, &a.key, "q-4b", now() + chrono::Duration::minutes(6));
        assert!(admit(&mut a.store, &a.key, &future, now()).is_err());
        assert!(admit(&mut a.store, &a.key, &old, now()).is_err());
        let original = seal(&b, &a.key, "q-5", now());
        let altered = original.replace("\\\"size\\\":5", "\\\"size\\\":6");
        assert_ne!(altered, original, "the body was changed");
        assert!(admit(&mut a.store, &a.key, &altered, now()).is_err());
        assert!(admit(&mut a.store, &a.key, "not json", now()).is_err());
        // Revoked: nothing more from it.
        revoke_partner(&mut a.store, &root(), "gr-hp", "agreement ended").expect("revoke");
        assert!(admit(&mut a.store, &a.key, &seal(&b, &a.key, "q-6", now()), now()).is_err());
        assert_eq!(
            refusals(&a.store),
            [
                "replayed",
                "unknown_partner",
                "not_for_us",
                "clock_skew",
                "expired",
                "bad_signature",
                "malformed",
                "revoked"
            ]
        );
        assert!(a.store.verify_audit().expect("verify").is_intact());
    }

    #[test]
    fn queries_are_held_to_the_agreement_and_its_daily_budget() {
        let (mut a, b) = (node(), node());
        know(&mut a, &b.key, "gr-hp");
        crate::access::add_purpose(&mut a.store, &root(), "investigation", "criminal investigation").expect("purpose");
        crate::access::add_user(
            &mut a.store,
            &root(),
            "sam",
            "supervisor",
            None,
            "a long enough passphrase",
        )
        .expect("user");
        crate::access::add_user(
            &mut a.store,
            &root(),
            "ana",
            "analyst",
            None,
            "a long enough passphrase",
        )
        .expect("user");
        let today = now().date_naive();
        let kinds = ["phone".to_string()];
        let purposes = ["investigation".to_string()];
        let terms = |approver: &'static str, expires: &'static str| AgreementTerms {
            partner: "gr-hp",
            kinds: &kinds,
            purposes: &purposes,
            daily_budget: 10,
            max_query: 6,
            expires,
            approver,
            onward_use: false,
        };
        // No agreement yet: refused.
        let first = admit(&mut a.store, &a.key, &seal(&b, &a.key, "q-0", now()), now()).expect("admitted");
        let ask = |kind, size| QueryAsk {
            kind,
            purpose: "investigation",
            size,
        };
        assert!(admit_query(&mut a.store, &first, &ask(SelectorKind::Phone, 1), today).is_err());
        assert!(
            set_agreement(&mut a.store, &root(), &terms("ana", "2027-06-30"), today).is_err(),
            "an analyst approves nothing"
        );
        assert!(
            set_agreement(&mut a.store, &root(), &terms("sam", "2026-01-01"), today).is_err(),
            "already past"
        );
        set_agreement(&mut a.store, &root(), &terms("sam", "2027-06-30"), today).expect("agreed");
        let mut query = |n: u32| {
            let text = seal(&b, &a.key, &format!("q-{n}"), now());
            admit(&mut a.store, &a.key, &text, now()).expect("admitted")
        };
        let (q1, q2, q3, q4, q5) = (query(1), query(2), query(3), query(4), query(5));
        admit_query(&mut a.store, &q1, &ask(SelectorKind::Phone, 6), today).expect("within");
        assert!(admit_query(&mut a.store, &q2, &ask(SelectorKind::Plate, 1), today).is_err());
        assert!(admit_query(&mut a.store, &q3, &ask(SelectorKind::Phone, 7), today).is_err());
        assert!(
            admit_query(&mut a.store, &q4, &ask(SelectorKind::Phone, 5), today).is_err(),
            "6 + 5 > 10"
        );
        admit_query(&mut a.store, &q5, &ask(SelectorKind::Phone, 4), today).expect("exactly the budget");
        let tomorrow = today.succ_opt().expect("day");
        admit_query(&mut a.store, &q5, &ask(SelectorKind::Phone, 6), tomorrow).expect("a new day");
        let expired = chrono::NaiveDate::from_ymd_opt(2027, 7, 1).expect("day");
        assert!(admit_query(&mut a.store, &q5, &ask(SelectorKind::Phone, 1), expired).is_err());
        assert_eq!(
            refusals(&a.store),
            [
                "no_agreement",
                "kind_not_agreed",
                "query_too_large",
                "over_budget",
                "agreement_expired"
            ]
        );
        let log = a.store.audit_entries().expect("log");
        let set = log
            .iter()
            .find(|r| r.entry.action == AuditAction::AgreementSet)
            .expect("agreement on the chain");
        assert!(set.entry.detail.contains("\"daily_budget\":10"), "{}", set.entry.detail);
    }
}

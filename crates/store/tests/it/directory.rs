//! The node's directory: users, tokens, cases and purposes, each change logged in
//! its own transaction, no secret in the log.

use corridor_store::{Directory, Error, LoginAttempt, NewUser, SqliteStore, Store, UserChange};

use crate::{ingest, new_store, source};

fn add(store: &mut SqliteStore, name: &str, role: &str) -> i64 {
    store
        .add_user(
            &NewUser {
                name,
                role,
                clearance: "H1",
                password_hash: "$argon2id$not-a-real-hash-but-secret-looking",
            },
            "admin",
        )
        .expect("add user")
}

#[test]
fn users_are_added_once_changed_and_locked_out_as_told() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = new_store(dir.path());
    let id = add(&mut store, "ana", "analyst");
    assert!(matches!(
        store.add_user(
            &NewUser {
                name: "ana",
                role: "admin",
                clearance: "H1",
                password_hash: "x"
            },
            "admin"
        ),
        Err(Error::Exists { what: "user", .. })
    ));
    // The store refuses words that are no role or clearance.
    assert!(
        store
            .add_user(
                &NewUser {
                    name: "eve",
                    role: "root",
                    clearance: "H1",
                    password_hash: "x"
                },
                "admin"
            )
            .is_err()
    );
    store
        .change_user("ana", &UserChange::Role("supervisor".into()), "admin")
        .expect("role");
    store
        .change_user("ana", &UserChange::Clearance("H2".into()), "admin")
        .expect("clearance");
    let ana = store.user("ana").expect("read").expect("ana");
    assert_eq!(
        (ana.id, ana.role.as_str(), ana.clearance.as_str()),
        (id, "supervisor", "H2")
    );

    let attempt = |counts: bool, now: &'static str| LoginAttempt {
        user: Some("ana"),
        success: false,
        counts,
        lock_after: 3,
        lock_until: "2026-12-07T12:15:00Z",
        now,
        via: "password",
    };
    for _ in 0..3 {
        store
            .record_login(&attempt(true, "2026-12-07T12:00:00Z"))
            .expect("failure");
    }
    let ana = store.user_by_id(id).expect("read").expect("ana");
    assert_eq!(ana.failed_logins, 3);
    assert_eq!(ana.locked_until.as_deref(), Some("2026-12-07T12:15:00Z"));
    // Attempts while locked are logged but neither count nor extend the lock.
    store
        .record_login(&attempt(false, "2026-12-07T12:05:00Z"))
        .expect("while locked");
    let ana = store.user("ana").expect("read").expect("ana");
    assert_eq!(
        (ana.failed_logins, ana.locked_until.as_deref()),
        (3, Some("2026-12-07T12:15:00Z"))
    );
    // After the lock runs out the count starts again: one failure does not re-lock.
    let mut later = attempt(true, "2026-12-07T12:20:00Z");
    later.lock_until = "2026-12-07T12:35:00Z";
    store.record_login(&later).expect("after the lock");
    let ana = store.user("ana").expect("read").expect("ana");
    assert_eq!((ana.failed_logins, ana.locked_until), (1, None));
    store.change_user("ana", &UserChange::Unlock, "admin").expect("unlock");
    let ana = store.user("ana").expect("read").expect("ana");
    assert_eq!((ana.failed_logins, ana.locked_until), (0, None));
    store
        .record_login(&LoginAttempt {
            user: None,
            ..attempt(true, "2026-12-07T12:00:00Z")
        })
        .expect("unknown user");
    assert!(matches!(
        store.change_user("nobody", &UserChange::Disabled(true), "admin"),
        Err(Error::Unknown { what: "user", .. })
    ));

    let log = store.audit_page(0, 1000).expect("log");
    let words: Vec<&str> = log.iter().map(|e| e.entry.action.as_str()).collect();
    for w in ["user.add", "user.change", "login.failed"] {
        assert!(words.contains(&w), "{w} in {words:?}");
    }
    for e in &log {
        assert!(
            !e.entry.detail.contains("argon2"),
            "a password hash in the log: {}",
            e.entry.detail
        );
    }
    assert!(store.verify_audit().expect("verify").is_intact());
}

#[test]
fn tokens_are_found_by_digest_and_revoked_for_good() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = new_store(dir.path());
    let user = add(&mut store, "ana", "analyst");
    let digest = "ab".repeat(32);
    let id = store
        .add_token("ana", &digest, Some("2027-01-01T00:00:00Z"), "admin")
        .expect("token");
    let t = store.token(&digest).expect("read").expect("token");
    assert_eq!(
        (t.id, t.user_id, t.user.as_str(), t.revoked_at.is_none()),
        (id, user, "ana", true)
    );
    assert!(store.token(&"cd".repeat(32)).expect("read").is_none());
    store.revoke_token(id, "admin").expect("revoke");
    let revoked = store.token(&digest).expect("read").expect("token").revoked_at;
    assert!(revoked.is_some());
    store.revoke_token(id, "admin").expect("revoking twice is harmless");
    assert_eq!(store.token(&digest).expect("read").expect("token").revoked_at, revoked);
    assert!(store.revoke_token(999, "admin").is_err());
    let log = store.audit_page(0, 1000).expect("log");
    assert!(
        log.iter().all(|e| !e.entry.detail.contains(&digest)),
        "a token digest in the log"
    );
}

#[test]
fn cases_hold_members_and_data_sets_and_purposes_are_defined_once() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "RS-BP");
    ingest(&mut store, src, &[("r1", "Marko Jovanović")]);
    let ana = add(&mut store, "ana", "analyst");
    store
        .add_case("op-danube", "smuggling on the Danube", "admin")
        .expect("case");
    assert!(matches!(
        store.add_case("op-danube", "", "admin"),
        Err(Error::Exists { .. })
    ));
    store
        .set_case_member("op-danube", "ana", true, "admin")
        .expect("member");
    store.set_case_member("op-danube", "ana", true, "admin").expect("again");
    store
        .add_case_dataset("op-danube", "rs-intercepts", "admin")
        .expect("data");
    assert!(matches!(
        store.add_case_dataset("op-danube", "no-such-set", "admin"),
        Err(Error::Unknown { what: "data set", .. })
    ));
    let cases = store.cases().expect("cases");
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].members, ["ana"]);
    assert_eq!(cases[0].datasets, ["rs-intercepts"]);
    assert_eq!(
        store.cases_of_user(ana).expect("of user"),
        [(cases[0].id, "op-danube".to_string())]
    );
    store
        .set_case_member("op-danube", "ana", false, "admin")
        .expect("leave");
    assert!(store.cases_of_user(ana).expect("of user").is_empty());
    let members = store
        .audit_page(0, 1000)
        .expect("log")
        .into_iter()
        .filter(|e| e.entry.action.as_str() == "case.member")
        .count();
    assert_eq!(members, 2, "joining twice is logged once, leaving once");

    store
        .add_purpose("investigation", "criminal investigation of smuggling", "admin")
        .expect("purpose");
    assert!(matches!(
        store.add_purpose("investigation", "again", "admin"),
        Err(Error::Exists { .. })
    ));
    assert_eq!(store.purposes().expect("purposes")[0].id, "investigation");
    assert!(store.verify_audit().expect("verify").is_intact());
}

#[test]
fn a_read_only_store_changes_no_user() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("test.corridor");
    drop(new_store(dir.path()));
    let mut ro = SqliteStore::open_read_only(&path).expect("read-only");
    assert!(matches!(
        ro.add_user(
            &NewUser {
                name: "x",
                role: "admin",
                clearance: "H1",
                password_hash: "x"
            },
            "admin"
        ),
        Err(Error::ReadOnly)
    ));
    assert!(ro.users().expect("reading works").is_empty());
}

//! Corridor's use cases, for every front end: the CLI today, the node server and
//! partner exchange next. A use case is a function over a store and a [`Session`]
//! (who acts, why) that returns a typed result and never prints; the front end
//! parses its input, calls one use case, and presents the result. What personal
//! data a use case reads or exports is logged here, in one place, so no front end
//! can forget it. Errors carry a stable [`ErrorCode`] that says which exit code the
//! CLI and which HTTP status the server gives them.
//!
//! Here: entity display, the review listing, resolution, networks and routes,
//! documents and watchlists, ingest, the node's housekeeping, and access (users,
//! tokens, cases, purposes, logging in, and the policy's grant turned into a
//! session).

pub mod access;
pub mod admin;
pub mod disclosure;
pub mod documents;
mod entity;
pub mod erasure;
mod error;
pub mod exchange;
pub mod exports;
pub mod hits;
pub mod identities;
pub mod inbox;
pub mod ingest;
pub mod network;
pub mod node;
pub mod online;
pub mod rectify;
pub mod resolution;
mod review;
pub mod search;
mod session;
pub mod subject;

pub use entity::{CaseDocuments, CaseEntityView, EntityView, documents_in_case, show_entity, show_entity_in_case};
pub use error::{Error, ErrorCode, Result};
pub use review::{RetentionItem, ReviewListing, opaque_record_id, persons_due, retention_queue};
pub use session::{Session, parse_day, validate_actor, validate_purpose};

/// What the use cases' unit tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::{Session, access};

    /// A node for exchange tests: a store and a node key in a directory of its own.
    pub(crate) struct Node {
        pub(crate) dir: tempfile::TempDir,
        pub(crate) store: corridor_store::SqliteStore,
        pub(crate) key: corridor_node_key::NodeKey,
    }

    pub(crate) fn node() -> Node {
        let dir = tempfile::tempdir().expect("tmp");
        let (store, _) = corridor_store::SqliteStore::create(&dir.path().join("node.db"), "root").expect("store");
        let key = corridor_node_key::NodeKey::create(&dir.path().join("node.key"), 0).expect("key");
        Node { dir, store, key }
    }

    /// The node's console administrator.
    pub(crate) fn root() -> Session {
        Session::new("root", "").expect("session")
    }

    /// `me` adds the node holding `other` as its partner `name` (its card checked
    /// by fingerprint, as an administrator does).
    pub(crate) fn know(me: &mut Node, other: &corridor_node_key::NodeKey, name: &str) {
        let card = crate::exchange::node_card(other, name, "GR", "", chrono::Utc::now()).expect("card");
        crate::exchange::add_partner(
            &mut me.store,
            Some(&me.key),
            &root(),
            name,
            &card.to_json(),
            &other.fingerprint(),
        )
        .expect("partner");
    }

    /// An analyst, ana, member of case `a` holding `dataset`, with the purpose
    /// `inv`, logged in and granted `action` there.
    pub(crate) fn analyst_of_case(
        s: &mut corridor_store::SqliteStore,
        dataset: &str,
        action: corridor_access::Action,
    ) -> corridor_access::Grant {
        let root = Session::new("root", "").expect("session");
        access::add_user(s, &root, "ana", "analyst", None, "a long enough passphrase").expect("user");
        access::add_case(s, &root, "a", "").expect("case");
        access::add_case_data(s, &root, "a", dataset).expect("data");
        access::set_case_member(s, &root, "a", "ana", true).expect("member");
        access::add_purpose(s, &root, "inv", "investigation").expect("purpose");
        let ana = access::log_in(s, "ana", "a long enough passphrase", chrono::Utc::now()).expect("login");
        access::authorize_request(s, Some(&ana), action, Some("a"), Some("inv")).expect("grant")
    }

    /// Ingests `file` with `mapping` as the node's console user; the batch's counts.
    pub(crate) fn ingest_with(
        store: &mut corridor_store::SqliteStore,
        mapping: &str,
        file: &std::path::Path,
    ) -> corridor_store::BatchSummary {
        crate::ingest::ingest_file(
            store,
            &Session::new("root", "").expect("session"),
            &crate::ingest::IngestRequest {
                mapping_name: "m.toml",
                mapping_text: mapping,
                file,
                rejects: None,
                limits: Default::default(),
            },
            &corridor_ingest::NoProgress,
        )
        .expect("ingest")
        .report
        .summary
    }

    pub(crate) const MAPPING: &str = "[dataset]\nname = \"gr-i\"\nformat = \"csv\"\nrecord_id = \"id\"\n\n[source]\nagency = \"gr-hcg\"\ncountry = \"GR\"\n\n\
        [defaults]\ngrading = \"B2\"\nhandling = \"H1\"\n\n[entities.person]\nschema = \"Person\"\n\
        [entities.person.properties]\nname = { column = \"name\" }\ncategory = { column = \"category\" }\n\n\
        [entities.phone]\nschema = \"Phone\"\nproperties.number = { column = \"phone\" }\n\n\
        [entities.uses]\nschema = \"Uses\"\nproperties.user = { entity = \"person\" }\nproperties.object = { entity = \"phone\" }\n";

    pub(crate) fn ingest(n: &mut Node, file: &str, csv: &str) {
        let path = n.dir.path().join(file);
        std::fs::write(&path, csv).expect("csv");
        ingest_with(&mut n.store, MAPPING, &path);
    }

    /// `a` knows `b` as "b" under an agreement for phones, and `b` knows `a` as "a".
    pub(crate) fn partners(a: &mut Node, b: &mut Node) {
        agree(a, &b.key, "b");
        agree(b, &a.key, "a");
    }

    /// `me` knows `other` as `name`, under an agreement for phones.
    pub(crate) fn agree(me: &mut Node, other: &corridor_node_key::NodeKey, name: &str) {
        know(me, other, name);
        crate::access::add_purpose(&mut me.store, &root(), "inv", "investigation").expect("purpose");
        crate::access::add_user(
            &mut me.store,
            &root(),
            "sam",
            "supervisor",
            None,
            "a long enough passphrase",
        )
        .expect("user");
        let (kinds, purposes) = (["phone".to_string()], ["inv".to_string()]);
        crate::exchange::set_agreement(
            &mut me.store,
            &root(),
            &crate::exchange::AgreementTerms {
                partner: name,
                kinds: &kinds,
                purposes: &purposes,
                daily_budget: 1000,
                max_query: 100,
                expires: "2099-12-31",
                approver: "sam",
                onward_use: false,
            },
            chrono::Utc::now().date_naive(),
        )
        .expect("agreement");
    }

    /// The data-protection officer erases the record of `entity` at `n`.
    pub(crate) fn erase(n: &mut Node, entity: &str) {
        let dpo = Session::new("dora", "Art. 16 request").expect("session");
        let secret = crate::review::opaque_secret(&mut n.store).expect("secret");
        let target = vec![crate::review::opaque_record_id(&secret, entity)];
        crate::erasure::order_erasure(
            &mut n.store,
            &dpo,
            &target,
            "request 9",
            crate::erasure::Scope::OnePerson,
        )
        .expect("erase");
    }
}

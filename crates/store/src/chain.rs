//! The audit log's hash chain, apart from any backend: how an entry is hashed and
//! linked to the one before, and what a run of stored entries and the recorded
//! head say about the log's integrity. The SQLite store calls it (`audit.rs` reads
//! and writes the rows); a PostgreSQL store would call the same code, so the two
//! cannot disagree on what an intact log is.

use sha2::{Digest, Sha256};

use crate::audit::{AuditEntry, AuditProblem, AuditRecord};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How far from its current place a moved entry is looked for.
const MOVE_WINDOW: i64 = 10_000;

/// Of the entries whose hash does not match, how many are looked for at other
/// places (each search hashes the entry up to 20,000 times): a log edited
/// throughout must not make verification run for hours. The rest are reported as
/// altered.
const MOVE_SEARCHES: usize = 1_000;

/// The hash of entry `e` as number `seq`, made at `at`, after the entry whose hash
/// is `prev`: every part length-prefixed, so no two entries hash alike.
pub(crate) fn entry_hash(seq: i64, at: &str, e: &AuditEntry, prev: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        &seq.to_string(),
        at,
        &e.actor,
        e.action.as_str(),
        &e.target,
        &e.purpose,
        &e.detail,
        prev,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The number, previous hash and hash of the entry that follows `last` (the
/// newest entry's number and hash; `None` for an empty log).
pub(crate) fn link(last: Option<(i64, String)>, at: &str, e: &AuditEntry) -> (i64, String, String) {
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let hash = entry_hash(seq, at, e, &prev);
    (seq, prev, hash)
}

/// What [`check`] found.
pub(crate) struct Checked {
    pub problems: Vec<AuditProblem>,
    pub last_seq: i64,
    pub last_hash: String,
}

/// Checks `all` (every stored entry, in order of number) against itself and the
/// recorded head (`seq:hash`): edited, removed, reordered entries, a broken link,
/// a log cut short.
pub(crate) fn check(all: &[AuditRecord], head: Option<&str>) -> Checked {
    let mut problems = Vec::new();
    let mut moved_hashes: Vec<&str> = Vec::new();
    let mut searches = 0usize;
    let mut prev_seq = 0i64;
    let mut prev_hash = GENESIS.to_string();
    for rec in all {
        let intact = entry_hash(rec.seq, &rec.at, &rec.entry, &rec.prev_hash) == rec.hash;
        if !intact {
            // An intact entry moved to another place still hashes with its original
            // sequence number; look for it near where the entry now sits.
            searches += 1;
            let original = if searches <= MOVE_SEARCHES {
                original_seq(rec)
            } else {
                None
            };
            match original {
                Some(original_seq) => {
                    moved_hashes.push(&rec.hash);
                    problems.push(AuditProblem::Reordered {
                        seq: rec.seq,
                        original_seq,
                    });
                }
                None => problems.push(AuditProblem::Altered { seq: rec.seq }),
            }
        } else if rec.seq != prev_seq + 1 {
            problems.push(AuditProblem::Removed {
                after: prev_seq,
                before: rec.seq,
            });
        } else if rec.prev_hash != prev_hash && !moved_hashes.contains(&rec.prev_hash.as_str()) {
            problems.push(AuditProblem::ChainBroken { seq: rec.seq });
        }
        prev_seq = rec.seq;
        prev_hash = rec.hash.clone();
    }
    let last_seq = all.last().map_or(0, |r| r.seq);
    match head {
        Some(head) => {
            let head_seq = head.split(':').next().and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
            if head_seq > last_seq {
                problems.push(AuditProblem::Truncated { last_seq, head_seq });
            } else if head_seq == last_seq && head.split(':').nth(1) != Some(prev_hash.as_str()) && problems.is_empty()
            {
                problems.push(AuditProblem::Altered { seq: last_seq });
            }
        }
        None if !all.is_empty() => problems.push(AuditProblem::Truncated {
            last_seq,
            head_seq: last_seq,
        }),
        None => {}
    }
    Checked {
        problems,
        last_seq,
        last_hash: prev_hash,
    }
}

fn original_seq(rec: &AuditRecord) -> Option<i64> {
    (rec.seq.saturating_sub(MOVE_WINDOW).max(1)..=rec.seq.saturating_add(MOVE_WINDOW))
        .filter(|&s| s != rec.seq)
        .find(|&s| entry_hash(s, &rec.at, &rec.entry, &rec.prev_hash) == rec.hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(n: usize) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let e = AuditEntry {
                actor: format!("a{i}"),
                action: "read".into(),
                ..AuditEntry::default()
            };
            let (seq, prev_hash, hash) = link(out.last().map(|r| (r.seq, r.hash.clone())), "t", &e);
            out.push(AuditRecord {
                seq,
                at: "t".into(),
                entry: e,
                prev_hash,
                hash,
            });
        }
        out
    }

    #[test]
    fn an_intact_log_checks_and_edits_and_cuts_are_named() {
        let all = log(5);
        let head = format!("5:{}", all[4].hash);
        assert!(check(&all, Some(&head)).problems.is_empty());
        let mut edited = all.clone();
        edited[2].entry.actor = "someone else".into();
        assert_eq!(
            check(&edited, Some(&head)).problems,
            vec![AuditProblem::Altered { seq: 3 }]
        );
        assert_eq!(
            check(&all[..3], Some(&head)).problems,
            vec![AuditProblem::Truncated {
                last_seq: 3,
                head_seq: 5
            }]
        );
    }
}

//! Scoring a resolution against ground truth: pairwise precision, recall and F1
//! (every pair of records put in one identity is a predicted link), and cluster
//! precision (the share of predicted identities whose records are all one person).

use std::collections::HashMap;

use serde::Serialize;

/// How a resolution compares with the truth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Predicted identities with more than one record that hold one true person only.
    pub cluster_precision: f64,
    pub true_pairs: u64,
    pub predicted_pairs: u64,
    pub correct_pairs: u64,
}

fn pairs_in<K: std::hash::Hash + Eq>(groups: &HashMap<K, u64>) -> u64 {
    groups.values().map(|&n| n * n.saturating_sub(1) / 2).sum()
}

/// `predicted[i]` and `truth[i]` are the identity and the true person of record i.
pub fn score(predicted: &[String], truth: &[String]) -> Scores {
    let mut p_sizes: HashMap<&str, u64> = HashMap::new();
    let mut t_sizes: HashMap<&str, u64> = HashMap::new();
    let mut both: HashMap<(&str, &str), u64> = HashMap::new();
    let mut purity: HashMap<&str, (&str, bool)> = HashMap::new();
    for (p, t) in predicted.iter().zip(truth) {
        *p_sizes.entry(p).or_default() += 1;
        *t_sizes.entry(t).or_default() += 1;
        *both.entry((p, t)).or_default() += 1;
        let e = purity.entry(p).or_insert((t, true));
        if e.0 != t.as_str() {
            e.1 = false;
        }
    }
    let predicted_pairs = pairs_in(&p_sizes);
    let true_pairs = pairs_in(&t_sizes);
    let correct_pairs = pairs_in(&both);
    let precision = if predicted_pairs == 0 {
        1.0
    } else {
        correct_pairs as f64 / predicted_pairs as f64
    };
    let recall = if true_pairs == 0 {
        1.0
    } else {
        correct_pairs as f64 / true_pairs as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let multi: Vec<&str> = p_sizes.iter().filter(|(_, n)| **n > 1).map(|(k, _)| *k).collect();
    let pure = multi.iter().filter(|k| purity.get(*k).is_some_and(|p| p.1)).count();
    Scores {
        precision,
        recall,
        f1,
        cluster_precision: if multi.is_empty() {
            1.0
        } else {
            pure as f64 / multi.len() as f64
        },
        true_pairs,
        predicted_pairs,
        correct_pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: &[&str]) -> Vec<String> {
        x.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pairwise_and_cluster_scores() {
        // Truth: {0,1,2} one person, {3} another. Predicted: {0,1}, {2,3}.
        let s = score(&v(&["a", "a", "b", "b"]), &v(&["x", "x", "x", "y"]));
        assert_eq!((s.true_pairs, s.predicted_pairs, s.correct_pairs), (3, 2, 1));
        assert!((s.precision - 0.5).abs() < 1e-12);
        assert!((s.recall - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.cluster_precision - 0.5).abs() < 1e-12);
        let perfect = score(&v(&["a", "a", "c"]), &v(&["x", "x", "y"]));
        assert_eq!((perfect.f1, perfect.cluster_precision), (1.0, 1.0));
    }
}

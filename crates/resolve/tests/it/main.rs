//! Integration tests of resolution, one binary (see style.md).

use corridor_model::DataSubjectCategory;
use corridor_resolve::model::{ComparisonParams, Model, Pattern};
use corridor_resolve::{Attribute, Features, Held, Options, Record, TermFrequencies, resolve};
use rand::{Rng, SeedableRng};

fn person(id: &str, name: &str, birth: &str, phone: &str, category: DataSubjectCategory) -> Record {
    Record {
        id: id.into(),
        dataset: "ds".into(),
        names: vec![name.into()],
        birth_date: Some(birth.into()),
        phones: if phone.is_empty() { vec![] } else { vec![phone.into()] },
        category: Some(category),
        ..Record::default()
    }
}

/// Patterns drawn from a two-comparison model: `(pattern, count)` of `n` pairs, of
/// which a share `prior` are matches.
fn draw(n: usize, prior: f64, m: &[Vec<f64>; 2], u: &[Vec<f64>; 2], seed: u64) -> Vec<(Pattern, u64)> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut counts: std::collections::BTreeMap<Pattern, u64> = std::collections::BTreeMap::new();
    for _ in 0..n {
        let is_match = rng.random_bool(prior);
        let p: Pattern = (0..2)
            .map(|c| {
                let agree = if is_match { m[c][1] } else { u[c][1] };
                if rng.random_bool(agree) { 1 } else { 2 }
            })
            .collect();
        *counts.entry(p).or_default() += 1;
    }
    counts.into_iter().collect()
}

/// A two-comparison model (sex, nationality) with `u` known and m starting at `m1`
/// for agreement.
fn two_comparison_model(u: &[Vec<f64>; 2], m1: f64) -> Model {
    Model {
        prior: 0.5,
        comparisons: [Attribute::Sex, Attribute::Nationality]
            .iter()
            .enumerate()
            .map(|(i, &attribute)| ComparisonParams {
                attribute,
                m: vec![1.0, m1, 1.0 - m1],
                u: u[i].clone(),
            })
            .collect(),
        em_iterations: 0,
        converged: false,
        seed: 0,
        labelled_pairs: 0,
    }
}

/// EM recovers m and the prior of a known two-comparison model from patterns drawn
/// from it.
#[test]
fn em_converges_to_the_generating_model() {
    let truth_m = [vec![1.0, 0.9, 0.1], vec![1.0, 0.8, 0.2]];
    let truth_u = [vec![1.0, 0.05, 0.95], vec![1.0, 0.1, 0.9]];
    let prior = 0.3;
    let patterns = draw(200_000, prior, &truth_m, &truth_u, 7);
    let mut model = two_comparison_model(&truth_u, 0.6);
    model.expectation_maximisation(&patterns, 500, 1e-9);
    assert!(model.converged, "after {} iterations", model.em_iterations);
    assert!((model.prior - prior).abs() < 0.02, "prior {}", model.prior);
    for (c, m) in model.comparisons.iter().zip(&truth_m) {
        assert!(
            (c.m[1] - m[1]).abs() < 0.03,
            "{:?} m {} vs {}",
            c.attribute,
            c.m[1],
            m[1]
        );
    }
}

/// Confirmed pairs are labels: EM on a few hundred unlabelled pairs misjudges m, and
/// analysts' confirmed matches (drawn from the true m) bring it back.
#[test]
fn confirmed_pairs_are_labels_for_em() {
    let truth_m = [vec![1.0, 0.7, 0.3], vec![1.0, 0.6, 0.4]];
    let truth_u = [vec![1.0, 0.3, 0.7], vec![1.0, 0.4, 0.6]];
    let unlabelled = draw(300, 0.2, &truth_m, &truth_u, 3);
    let labels = draw(3_000, 1.0, &truth_m, &truth_u, 4);
    let fresh = || two_comparison_model(&truth_u, 0.9);
    let error = |m: &Model| -> f64 {
        m.comparisons
            .iter()
            .zip(&truth_m)
            .map(|(c, t)| (c.m[1] - t[1]).abs())
            .fold(0.0, f64::max)
    };
    let mut alone = fresh();
    alone.expectation_maximisation(&unlabelled, 500, 1e-9);
    let mut labelled = fresh();
    labelled.expectation_maximisation_labelled(&unlabelled, &labels, 500, 1e-9);
    assert!(labelled.converged);
    assert!(error(&labelled) < 0.03, "with labels m is off by {}", error(&labelled));
    assert!(
        error(&labelled) < error(&alone),
        "labels help: {} vs {} without",
        error(&labelled),
        error(&alone)
    );
}

const GIVEN: [(&str, &str); 10] = [
    ("Marko", "Марко"),
    ("Jovan", "Јован"),
    ("Petar", "Петар"),
    ("Nikola", "Никола"),
    ("Stefan", "Стефан"),
    ("Milan", "Милан"),
    ("Ahmad", "Ахмад"),
    ("Ali", "Али"),
    ("Omar", "Омар"),
    ("Hassan", "Хасан"),
];
const SURNAMES: [(&str, &str); 12] = [
    ("Đorđević", "Ђорђевић"),
    ("Jovanović", "Јовановић"),
    ("Petrović", "Петровић"),
    ("Nikolić", "Николић"),
    ("Ilić", "Илић"),
    ("Marković", "Марковић"),
    ("Rahimi", "Рахими"),
    ("Karimi", "Карими"),
    ("Haddad", "Хадад"),
    ("Nasser", "Насер"),
    ("Stojanović", "Стојановић"),
    ("Pavlović", "Павловић"),
];

/// 300 people with one to three records each, in Latin or Cyrillic, names in either
/// order, phones and birth dates sometimes missing; many share a name. Returns the
/// records and each one's true person.
fn population(seed: u64) -> (Vec<Record>, Vec<String>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let (mut records, mut truth) = (Vec::new(), Vec::new());
    for p in 0..300 {
        let g = GIVEN[rng.random_range(0..GIVEN.len())];
        let sn = SURNAMES[rng.random_range(0..SURNAMES.len())];
        let birth = format!(
            "{}-{:02}-{:02}",
            rng.random_range(1960..2005),
            rng.random_range(1..13),
            rng.random_range(1..29)
        );
        let phone = format!("+3816{:08}", rng.random_range(0..100_000_000u32));
        for r in 0..rng.random_range(1..4) {
            let cyrillic = rng.random_bool(0.5);
            let (given, surname) = if cyrillic { (g.1, sn.1) } else { (g.0, sn.0) };
            let name = if rng.random_bool(0.3) {
                format!("{} {given}", surname.to_uppercase())
            } else {
                format!("{given} {surname}")
            };
            records.push(Record {
                id: format!("ds:p{p}-r{r}:person"),
                dataset: "ds".into(),
                names: vec![name],
                birth_date: rng.random_bool(0.85).then(|| birth.clone()),
                phones: if rng.random_bool(0.7) {
                    vec![phone.clone()]
                } else {
                    vec![]
                },
                category: Some(DataSubjectCategory::Suspect),
                ..Record::default()
            });
            truth.push(format!("p{p}"));
        }
    }
    (records, truth)
}

/// The population plus the special cases the tests look at.
fn corridor_records() -> Vec<Record> {
    use DataSubjectCategory::*;
    let mut records = population(3).0;
    records.extend([
        person("a1", "Marko Đorđević", "1984-02-29", "+381641234567", Suspect),
        person("a2", "ĐORĐEVIĆ Marko", "1984-02-29", "", Suspect),
        person("a3", "Марко Ђорђевић", "1984-02-29", "+381641234567", Suspect),
        person("b1", "Ahmad Rahimi", "1999-05-01", "+93701234567", Victim),
        person("b2", "Ахмад Рахими", "1999-05-01", "+93701234567", Victim),
        person("c1", "Ahmad Rahimi", "1999-05-01", "+93701234567", Suspect),
        person("d1", "Petar Petrović", "1975-11-20", "+381601112223", Witness),
        person("e1", "Jovan Jovanović", "1990-01-01", "+381609998887", Suspect),
        person("e2", "Jovan Jovanović", "1962-07-15", "+381605554443", Suspect),
    ]);
    records
}

/// Keying each distinct name once gives every record the features it would get alone.
#[test]
fn features_of_many_records_equal_each_records_own() {
    let records = corridor_records();
    let one_by_one: Vec<Features> = records.iter().map(Features::of).collect();
    let all = Features::of_all(&records);
    assert_eq!(all, one_by_one);
    assert!(all.iter().filter(|f| f.name.is_some()).count() > records.len() / 2);
}

/// Comparing each distinct pair of names once gives every candidate pair the pattern
/// it gets compared alone, in both orders of its records.
#[test]
fn memoised_patterns_equal_each_pairs_own() {
    use corridor_resolve::model::{packed_pattern, packed_patterns};
    let records = corridor_records();
    let features = Features::of_all(&records);
    let (candidates, _) =
        corridor_resolve::blocking::candidates(&features, &corridor_resolve::default_rules(), &Default::default());
    assert!(candidates.len() > 1000, "{}", candidates.len());
    let memoised = packed_patterns(&features, &candidates);
    assert_eq!(memoised.len(), candidates.len());
    let mut repeated_names = 0;
    for (c, &p) in candidates.iter().zip(&memoised) {
        let (a, b) = (&features[c.a as usize], &features[c.b as usize]);
        assert_eq!(
            p,
            packed_pattern(a, b),
            "{} / {}",
            records[c.a as usize].id,
            records[c.b as usize].id
        );
        assert_eq!(p, packed_pattern(b, a));
        repeated_names += usize::from(a.name.is_some() && a.name == b.name);
    }
    // Spellings do repeat: the memo has pairs to share.
    assert!(repeated_names > 100, "{repeated_names}");
}

#[test]
fn a_mixed_script_population_resolves_with_high_precision_and_recall() {
    let (records, truth) = population(11);
    let r = resolve(&records, &[], &[], &options());
    let s = corridor_resolve::evaluate::score(&r.identity, &truth);
    assert!(s.precision >= 0.95 && s.recall >= 0.85, "{s:?}");
    assert!(s.cluster_precision >= 0.9, "{s:?}");
}

fn options() -> Options {
    Options {
        u_sample: 20_000,
        ..Options::default()
    }
}

#[test]
fn records_in_several_scripts_resolve_and_a_victim_is_held_from_a_suspect() {
    let records = corridor_records();
    let r = resolve(&records, &[], &[], &options());
    let id = |x: &str| r.identity[records.iter().position(|p| p.id == x).expect("record")].clone();
    assert_eq!(id("a1"), id("a2"));
    assert_eq!(id("a1"), id("a3"));
    assert_eq!(id("b1"), id("b2"), "the same victim in Latin and Cyrillic");
    assert_ne!(
        id("b1"),
        id("c1"),
        "a victim is never joined to a suspect automatically"
    );
    assert!(
        r.review.iter().any(|v| v.why == Held::ProtectedCategory),
        "{:?}",
        r.review
    );
    assert_ne!(id("e1"), id("e2"), "same name, other birth date and phone");
    assert_ne!(id("d1"), id("a1"));
}

#[test]
fn an_analysts_decisions_are_respected() {
    let records = corridor_records();
    let r = resolve(
        &records,
        &[("b1".into(), "c1".into())],
        &[("a1".into(), "a3".into())],
        &options(),
    );
    let id = |x: &str| r.identity[records.iter().position(|p| p.id == x).expect("record")].clone();
    assert_eq!(id("b1"), id("c1"), "confirmed by an analyst");
    assert_ne!(id("a1"), id("a3"), "rejected by an analyst");
}

#[test]
fn explanations_sum_to_the_match_weight_and_runs_are_deterministic() {
    let records = corridor_records();
    let r = resolve(&records, &[], &[], &options());
    let again = resolve(&records, &[], &[], &options());
    assert_eq!(r.identity, again.identity);
    assert_eq!(r.model, again.model);
    let features: Vec<Features> = records.iter().map(Features::of).collect();
    let tf = TermFrequencies::of(&features);
    let n = records.len();
    for (a, b) in [(n - 9, n - 7), (n - 6, n - 4), (n - 2, n - 1), (0, 1)] {
        let e = r.model.explain(&features[a], &features[b], &tf);
        let sum: f64 = e.terms.iter().map(|t| t.weight).sum();
        assert!((sum - e.match_weight).abs() < 1e-9);
        let (w, p) = r.model.score(&features[a], &features[b], &tf);
        assert!(
            (w - e.match_weight).abs() < 1e-9,
            "score {w} vs explanation {}",
            e.match_weight
        );
        assert!((p - e.match_probability).abs() < 1e-12);
    }
    let json = serde_json::to_string(&r.model).expect("json");
    let loaded: Model = serde_json::from_str(&json).expect("load");
    assert_eq!(loaded, r.model);
}

#[test]
fn incremental_matching_agrees_with_the_batch_run() {
    let (records, truth) = population(5);
    let batch = resolve(&records, &[], &[], &options());
    let features: Vec<Features> = records.iter().map(Features::of).collect();
    let mut index = corridor_resolve::Index::new(
        batch.model.clone(),
        corridor_resolve::default_rules(),
        corridor_resolve::Policy::default(),
        TermFrequencies::of(&features),
    );
    for r in &records {
        index.add(r);
    }
    let incremental = index.identities();
    // The same partition, record for record, as scored against each other.
    let agreement = corridor_resolve::evaluate::score(&incremental, &batch.identity);
    assert!(agreement.f1 >= 0.99, "{agreement:?}");
    let vs_truth = corridor_resolve::evaluate::score(&incremental, &truth);
    assert!(vs_truth.precision >= 0.95, "{vs_truth:?}");
    // A new record in another script joins the identity of its person at once.
    let known = records
        .iter()
        .position(|r| r.birth_date.is_some() && !r.phones.is_empty())
        .expect("record");
    let mut again = records[known].clone();
    again.id = "ds:new:person".into();
    let added = index.add(&again);
    assert_eq!(added.identity, incremental[known], "{added:?}");

    // Rebuilt from the stored batch result, the index matches the same way.
    let mut rebuilt = corridor_resolve::Index::new(
        batch.model.clone(),
        corridor_resolve::default_rules(),
        corridor_resolve::Policy::default(),
        TermFrequencies::of(&features),
    );
    for (r, identity) in records.iter().zip(&batch.identity) {
        rebuilt.insert_resolved(r, identity);
    }
    assert_eq!(rebuilt.identities(), batch.identity);
    let added = rebuilt.add(&again);
    assert_eq!(added.identity, batch.identity[known], "{added:?}");
}

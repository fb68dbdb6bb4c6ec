//! Measuring a resolution against known truth (the synthetic generator's, or an
//! evaluation set's), and reading a saved model: what the demo, the benchmarks and
//! an analyst tuning a node need, whichever front end asks.

use std::collections::HashMap;
use std::path::Path;

use corridor_resolve::evaluate::Scores;
use corridor_resolve::{Model, Record, Resolution};

use crate::error::{Error, Result};

/// Ground truth as the synthetic generator writes it (`dataset, record_id, entity,
/// true_id`): record id (`dataset:record:entity`) → the true person's id.
pub fn read_truth(path: &Path) -> Result<HashMap<String, String>> {
    let bad = |e: &dyn std::fmt::Display| Error::BadInput(format!("{}: {e}", path.display()));
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| Error::BadInput(format!("cannot read {}: {e}", path.display())))?;
    let headers = reader.headers().map_err(|e| bad(&e))?.clone();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (Some(d), Some(r), Some(e), Some(t)) = (col("dataset"), col("record_id"), col("entity"), col("true_id")) else {
        return Err(Error::BadInput(format!(
            "{} needs the columns dataset, record_id, entity and true_id",
            path.display()
        )));
    };
    let mut out = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| bad(&e))?;
        let get = |i: usize| row.get(i).unwrap_or("");
        out.insert(format!("{}:{}:{}", get(d), get(r), get(e)), get(t).to_string());
    }
    Ok(out)
}

/// Scores a resolution against a ground-truth file; records without a truth entry
/// count as people of their own.
pub fn score_against(res: &Resolution, records: &[Record], truth: &Path) -> Result<Scores> {
    let t = read_truth(truth)?;
    let truth_ids: Vec<String> = records
        .iter()
        .map(|r| t.get(&r.id).cloned().unwrap_or_else(|| format!("unknown:{}", r.id)))
        .collect();
    Ok(corridor_resolve::evaluate::score(&res.identity, &truth_ids))
}

/// Reads a model saved by an earlier run, checking its comparison levels, so that
/// a run can be made with fixed parameters.
pub fn load_model(path: &Path) -> Result<Model> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::BadInput(format!("cannot read the model {}: {e}", path.display())))?;
    let model = serde_json::from_str::<Model>(&text).map_err(|e| {
        Error::BadInput(format!(
            "{} is not a Corridor resolution model (one saved by a run with --save-model): {e}",
            path.display()
        ))
    })?;
    model
        .check_levels()
        .map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_needs_its_columns_and_keys_records_by_dataset_record_and_entity() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("truth.csv");
        std::fs::write(&path, "dataset,record_id,entity,true_id\nd1,r1,p,T1\nd2,r9,p,T1\n").expect("write");
        let t = read_truth(&path).expect("read");
        assert_eq!(t.get("d1:r1:p").map(String::as_str), Some("T1"));
        assert_eq!(t.get("d2:r9:p").map(String::as_str), Some("T1"));
        std::fs::write(&path, "dataset,record_id\nd1,r1\n").expect("write");
        let err = read_truth(&path).expect_err("missing columns");
        assert!(err.to_string().contains("needs the columns"), "{err}");
    }

    #[test]
    fn a_model_file_that_is_not_a_model_is_refused_with_what_it_should_be() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("model.json");
        std::fs::write(&path, "{\"levels\": 3}").expect("write");
        let err = load_model(&path).expect_err("not a model");
        assert!(err.to_string().contains("is not a Corridor resolution model"), "{err}");
        assert!(load_model(&dir.path().join("missing.json")).is_err());
    }
}

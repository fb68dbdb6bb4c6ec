//! Integration tests of corridor-synth: byte-for-byte reproducibility, mappings
//! that parse, a clean ingest of the whole demo output, the ground truth, and the
//! documents' machine-readable zones.

mod common;
mod documents;
mod ground_truth;
mod ingest;
mod mappings;
mod reproducible;

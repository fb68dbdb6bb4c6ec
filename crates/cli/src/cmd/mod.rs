//! One module per command.

pub(crate) mod access;
pub(crate) mod audit;
pub(crate) mod check;
pub(crate) mod demo;
pub(crate) mod disclosure;
pub(crate) mod docs;
pub(crate) mod graph;
pub(crate) mod hits;
pub(crate) mod ingest;
pub(crate) mod init;
pub(crate) mod mrz;
pub(crate) mod names;
pub(crate) mod network;
pub(crate) mod partners;
pub(crate) mod rectify;
pub(crate) mod resolve;
pub(crate) mod retention;
pub(crate) mod review;
pub(crate) mod serve;
pub(crate) mod show;
pub(crate) mod source;
pub(crate) mod stats;
pub(crate) mod synth;
pub(crate) mod watchlist;

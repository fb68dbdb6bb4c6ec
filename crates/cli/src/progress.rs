//! The ingest progress bar: bytes, rate and ETA on a terminal, nothing otherwise.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// An indicatif bar over the input's bytes; hidden when stderr is not a terminal.
pub(crate) struct Bar(ProgressBar);

impl Bar {
    pub fn new(total_bytes: u64, label: &str) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} · {msg} rows",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(label.to_string());
        Bar(bar)
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl corridor_ingest::Progress for Bar {
    fn advance(&self, bytes_read: u64, rows: u64) {
        self.0.set_position(bytes_read);
        self.0.set_message(rows.to_string());
    }
}

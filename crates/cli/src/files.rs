//! Output files written whole or not at all, safely: into a temporary file of a
//! random name created exclusively beside the target and readable by its owner only
//! (0600: exports hold personal data), renamed over the target only once everything
//! was written and flushed. An interrupted or failed command never leaves half a
//! file where a complete one is expected; a symbolic link planted at the temporary
//! or the final name is never written through (the rename replaces the link
//! itself); an existing file is replaced only when the user said `--force`.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;

/// Whether `path` is written to as a stream, never replaced (see
/// `corridor_ingest::is_stream`: devices, pipes, the process's own open files).
fn is_stream(path: &Path) -> bool {
    corridor_ingest::is_stream(path)
}

/// Refuses an output path that already exists unless `force`: checked before the
/// work that produces the file, and again, atomically, when it is put in place.
/// A stream (`/dev/stdout`, a named pipe) is always written to.
pub(crate) fn check_new(path: &Path, force: bool) -> anyhow::Result<()> {
    if is_stream(path) {
        return Ok(());
    }
    if !force && std::fs::symlink_metadata(path).is_ok() {
        anyhow::bail!(
            "{} already exists: give --force to replace it, or another file name",
            path.display()
        );
    }
    Ok(())
}

/// Writes `path` through `fill`; on any error the target is untouched.
pub(crate) fn write_whole(
    path: &Path,
    force: bool,
    fill: impl FnOnce(&mut BufWriter<&mut std::fs::File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    check_new(path, force)?;
    if is_stream(path) {
        let mut file =
            corridor_ingest::open_stream(path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut out = BufWriter::new(&mut file);
        fill(&mut out)?;
        out.flush()?;
        return Ok(());
    }
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".partial")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    {
        let mut out = BufWriter::new(temp.as_file_mut());
        fill(&mut out)?;
        out.flush()?;
    }
    temp.as_file().sync_all()?;
    let placed = if force {
        temp.persist(path).map(|_| ())
    } else {
        temp.persist_noclobber(path).map(|_| ())
    };
    placed.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists: give --force to replace it, or another file name",
                path.display()
            )
        } else {
            anyhow::Error::new(e.error).context(format!("cannot write {}", path.display()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_file_is_private_and_whole() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("out.csv");
        write_whole(&p, false, |w| Ok(w.write_all(b"a,b\n")?)).expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"a,b\n");
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("ls").count(),
            1,
            "a temporary file was left"
        );
    }

    #[test]
    fn an_existing_file_is_kept_without_force_and_replaced_with_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("out.csv");
        std::fs::write(&p, "old").expect("write");
        let e = write_whole(&p, false, |w| Ok(w.write_all(b"new")?)).expect_err("refused");
        assert!(e.to_string().contains("--force"), "{e}");
        assert_eq!(std::fs::read(&p).expect("read"), b"old");
        write_whole(&p, true, |w| Ok(w.write_all(b"new")?)).expect("forced");
        assert_eq!(std::fs::read(&p).expect("read"), b"new");
    }

    #[test]
    fn a_symlink_at_the_target_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().expect("tmp");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").expect("write");
        let p = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&victim, &p).expect("symlink");
        assert!(write_whole(&p, false, |w| Ok(w.write_all(b"rows")?)).is_err());
        write_whole(&p, true, |w| Ok(w.write_all(b"rows")?)).expect("forced");
        assert_eq!(std::fs::read(&victim).expect("read"), b"precious");
        assert!(!std::fs::symlink_metadata(&p).expect("meta").file_type().is_symlink());
    }

    #[test]
    fn a_pipe_is_written_to_not_replaced() {
        let dir = tempfile::tempdir().expect("tmp");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let reading = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(&fifo).expect("read the pipe"))
        };
        write_whole(&fifo, false, |w| Ok(w.write_all(b"rows")?)).expect("write");
        assert_eq!(reading.join().expect("reader"), b"rows");
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).expect("meta").file_type().is_fifo());
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("ls").count(),
            1,
            "no temporary file beside it"
        );
    }

    #[test]
    fn a_failed_fill_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("out.csv");
        assert!(write_whole(&p, false, |_| anyhow::bail!("boom")).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
    }
}

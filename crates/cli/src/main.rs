//! The `corridor` binary: all of it lives in the `corridor-cli` library.

/// mimalloc rather than the system allocator: ingest allocates rows on its reader
/// thread and frees them on its writer thread, and glibc's arena locks made that
/// cross-thread traffic cost a quarter of ingest time (measured with perf). Built
/// without transparent huge pages (the workspace's `no_thp`; why in Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    corridor_cli::main()
}

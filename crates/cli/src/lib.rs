//! The `corridor` command line: parses arguments, opens the store, runs one
//! command and prints its result as text or JSON. The only crate that knows about
//! terminals; the libraries below it report through return values.

mod args;
mod cmd;
mod courier;
mod exit;
mod files;
mod lines;
mod progress;
mod steps;
pub(crate) mod text;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use corridor_store::SqliteStore;

use args::{Cli, Command};
pub use exit::{Code, Failure};

/// What every command needs: where the store is, who acts, why, and how to print.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub store: Option<PathBuf>,
    pub json: bool,
    pub actor: String,
    pub purpose: String,
    /// The case named with --case.
    pub case: Option<String>,
    /// How long to wait for another command's write lock.
    pub wait: std::time::Duration,
    /// Open the store read-only even if it could be written.
    pub read_only: bool,
    /// Replace existing output files.
    pub force: bool,
    /// The node key file, when given.
    pub key: Option<PathBuf>,
    /// The CAs partners' HTTPS certificates are checked against.
    pub partner_ca: Option<PathBuf>,
}

impl Ctx {
    pub fn store_path(&self) -> PathBuf {
        self.store.clone().unwrap_or_else(|| PathBuf::from("corridor.db"))
    }

    pub fn open(&self) -> exit::Result<SqliteStore> {
        let path = self.store_path();
        let mut store = corridor_app::node::open_store(&path, &self.key_path(&path), self.read_only)?;
        store.set_wait(self.wait)?;
        if store.is_read_only() && !self.read_only {
            eprintln!(
                "note: {} is read-only: nothing will be written or logged, and reads of personal data are refused",
                path.display()
            );
        }
        Ok(store)
    }

    pub fn open_at(&self, path: &Path) -> exit::Result<SqliteStore> {
        let made = corridor_app::node::create_store(path, &self.key_path(path), &self.session()?, None)?;
        let mut store = made.store;
        store.set_wait(self.wait)?;
        Ok(store)
    }

    /// The session of this command: who acts and why (checked when parsed).
    pub fn session(&self) -> exit::Result<corridor_app::Session> {
        Ok(corridor_app::Session::new(&self.actor, &self.purpose)?)
    }

    /// Opens the store for `action`: once the node has users, the console user
    /// must be one of them and the policy must allow the action (with --case and
    /// --purpose for case content); the grant says for whom and why. Without users
    /// the node is open, as before users existed, and there is no grant.
    pub fn open_for(
        &self,
        action: corridor_access::Action,
    ) -> exit::Result<(SqliteStore, Option<corridor_access::Grant>)> {
        let mut store = self.open()?;
        let purpose = Some(self.purpose.as_str()).filter(|p| !p.is_empty());
        let grant =
            corridor_app::access::authorize_console(&mut store, &self.actor, action, self.case.as_deref(), purpose)?;
        Ok((store, grant))
    }

    /// Opens the store for a command whose use case does not yet filter by case:
    /// refused once the node has users (fail closed), open before.
    pub fn open_unfiltered(&self, what: &str) -> exit::Result<SqliteStore> {
        let store = self.open()?;
        if corridor_app::access::has_users(&store)? {
            return Err(Failure::new(
                Code::Denied,
                anyhow::anyhow!(
                    "{what} reads across every case and does not yet filter by case, so a node with users does not run it from the command line"
                ),
            ));
        }
        Ok(store)
    }

    /// The session a command acts in: the grant's (user, case, purpose) on a node
    /// with users, else `--user` and `--purpose`.
    pub fn session_for(&self, grant: Option<&corridor_access::Grant>) -> exit::Result<corridor_app::Session> {
        match grant {
            Some(g) => Ok(corridor_app::access::session_of(g)?),
            None => self.session(),
        }
    }

    /// Checks an output path: new unless `--force` (see [`files::check_new`]), and
    /// never the store or its key, whatever the spelling of the path.
    pub fn check_output(&self, path: &Path) -> exit::Result<()> {
        files::check_new(path, self.force).map_err(|e| Failure::new(Code::BadInput, e))?;
        let store = self.store_path();
        let same = |a: &Path, b: &Path| {
            let canon = |p: &Path| {
                let parent = p
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                parent
                    .canonicalize()
                    .ok()
                    .map(|d| d.join(p.file_name().unwrap_or_default()))
            };
            canon(a).is_some_and(|x| Some(x) == canon(b))
        };
        for protected in [store.clone(), self.key_path(&store)] {
            if same(path, &protected) {
                return Err(Failure::new(
                    Code::BadInput,
                    anyhow::anyhow!(
                        "{} is the store or its key: give the output another path",
                        path.display()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Where the node key is: `--key`, or beside the store.
    pub fn key_path(&self, store: &Path) -> PathBuf {
        self.key.clone().unwrap_or_else(|| corridor_store::node_key_path(store))
    }

    /// The node key, when its file exists.
    pub fn node_key(&self) -> exit::Result<Option<corridor_store::NodeKey>> {
        Ok(corridor_app::node::load_key(&self.key_path(&self.store_path()))?)
    }

    /// Prints a value as pretty JSON.
    pub fn print_json<T: serde::Serialize>(&self, value: &T) -> exit::Result<()> {
        text::print_raw(&format!("{}\n", serde_json::to_string_pretty(value)?));
        Ok(())
    }
}

/// The login name, when it is one the audit log can take (see [`args::actor`]);
/// `local` otherwise.
fn login_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .and_then(|n| args::actor(&n).ok())
        .unwrap_or_else(|| "local".to_string())
}

/// `corridor network show 1 | head`: when the reader closes the pipe, `println!`
/// panics; end quietly with success instead, as other command-line tools do (Rust
/// ignores SIGPIPE, and restoring it would need `unsafe`, which this workspace
/// forbids). The store is never mid-write while printing, and SQLite undoes any
/// open transaction on the next open.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let ctx = Ctx {
        store: cli.global.store.clone(),
        json: cli.global.json,
        wait: std::time::Duration::from_secs_f64(cli.global.wait),
        read_only: cli.global.read_only,
        force: cli.global.force,
        key: cli.global.key.clone(),
        partner_ca: cli.global.partner_ca.clone(),
        actor: cli.global.user.clone().unwrap_or_else(login_name),
        purpose: cli.global.purpose.clone(),
        case: cli.global.case.clone(),
    };
    let result = match cli.command {
        Command::Init(a) => cmd::init::run(&ctx, &a),
        Command::Synth(a) => cmd::synth::run(&ctx, &a),
        Command::Ingest(a) => cmd::ingest::run(&ctx, &a),
        Command::Stats => cmd::stats::run(&ctx),
        Command::Show(a) => cmd::show::run(&ctx, &a),
        Command::Rectify(a) => cmd::rectify::run(&ctx, &a),
        Command::Review(a) => cmd::review::run(&ctx, &a),
        Command::Source(c) => cmd::source::run(&ctx, &c),
        Command::Audit(c) => cmd::audit::run(&ctx, &c),
        Command::Check => cmd::check::run(&ctx),
        Command::Mrz(c) => cmd::mrz::run(&c),
        Command::Docs(c) => cmd::docs::run(&ctx, &c),
        Command::Watchlist(c) => cmd::watchlist::run(&ctx, &c),
        Command::Resolve(c) => cmd::resolve::run(&ctx, &c),
        Command::Names(c) => cmd::names::run(&ctx, &c),
        Command::Graph(c) => cmd::graph::run(&c, ctx.force),
        Command::Network(c) => cmd::network::run(&ctx, &c),
        Command::Routes(c) => cmd::network::routes(&ctx, &c),
        Command::Demo(a) => cmd::demo::run(&ctx, &a),
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
        } => cmd::serve::run(&ctx, &listen, tls_cert.as_deref().zip(tls_key.as_deref())),
        Command::Backup { to } => cmd::retention::backup(&ctx, &to),
        Command::Restore { from } => cmd::retention::restore(&ctx, &from),
        Command::Retention { due, command } => cmd::retention::run(&ctx, due.as_deref(), command.as_ref()),
        Command::Export(c) => cmd::network::export_requests(&ctx, &c),
        Command::User(c) => cmd::access::user(&ctx, &c),
        Command::Token(c) => cmd::access::token(&ctx, &c),
        Command::Case(c) => cmd::access::case(&ctx, &c),
        Command::Purpose(c) => cmd::access::purpose(&ctx, &c),
        Command::Node(c) => cmd::partners::node(&ctx, &c),
        Command::Partner(c) => cmd::partners::partner(&ctx, &c),
        Command::Agreement(c) => cmd::partners::agreement(&ctx, &c),
        Command::Hit(c) => cmd::hits::hit(&ctx, &c),
        Command::Exchange(c) => cmd::hits::exchange(&ctx, &c),
        Command::Disclosure(c) => cmd::disclosure::disclosure(&ctx, &c),
    };
    let code = match result {
        Ok(code) => code,
        Err(failure) => {
            // `corridor resolve export | head`: the reader went away; nothing to report.
            if failure.is_broken_pipe() {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {}", text::terminal(&failure.to_string()));
            failure.exit_code()
        }
    };
    match text::output_error() {
        // The reader went away (`audit verify | head -1`): the command's own code
        // stands, so a pipeline still sees a failed verification.
        None | Some((std::io::ErrorKind::BrokenPipe, _)) => code,
        Some((_, message)) => {
            eprintln!("error: writing the output failed: {message}");
            ExitCode::from(Code::Internal as u8)
        }
    }
}

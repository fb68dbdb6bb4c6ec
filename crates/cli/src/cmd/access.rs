//! `corridor user`, `token`, `case` and `purpose`: the node's directory. Each
//! command is authorised by the application as the console user (`--user`) once
//! the node has users; before that, the node is open and the first administrator
//! is added this way.

use std::io::BufRead;
use std::process::ExitCode;

use corridor_access::Action;
use corridor_app::access::{self, UserEdit};
use corridor_store::SqliteStore;

use crate::Ctx;
use crate::args::{CaseCommand, CaseDataCommand, CaseMemberCommand, PurposeCommand, TokenCommand, UserCommand};
use crate::exit::{Code, Failure, Result};
use crate::text::one_line;

/// Opens the store and authorises `action` for the console user.
fn open_for(ctx: &Ctx, action: Action) -> Result<SqliteStore> {
    Ok(ctx.open_for(action)?.0)
}

/// One line from standard input: a password, never an argument (which `ps` shows).
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Failure::new(
            Code::BadInput,
            anyhow::anyhow!("cannot read the password from standard input: {e}"),
        )
    })?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        return Err(Failure::new(
            Code::BadInput,
            anyhow::anyhow!("give the password on standard input, one line (for example from a password manager)"),
        ));
    }
    Ok(password.to_string())
}

fn print_user(ctx: &Ctx, u: &access::UserView) -> Result<()> {
    if ctx.json {
        return ctx.print_json(u);
    }
    crate::outln!(
        "{:<20} {:<10} {}  {}{}  cases: {}",
        one_line(&u.name),
        u.role,
        u.clearance,
        if u.disabled { "disabled" } else { "enabled" },
        u.locked_until
            .as_ref()
            .map(|t| format!(", locked until {t}"))
            .unwrap_or_default(),
        if u.cases.is_empty() {
            "none".to_string()
        } else {
            u.cases.join(", ")
        }
    );
    Ok(())
}

pub(crate) fn user(ctx: &Ctx, cmd: &UserCommand) -> Result<ExitCode> {
    let mut store = open_for(ctx, Action::ManageUsers)?;
    let session = ctx.session()?;
    let edited = match cmd {
        UserCommand::Add { name, role, clearance } => {
            let password = read_password()?;
            access::add_user(&mut store, &session, name, role, Some(clearance), &password)?
        }
        UserCommand::List => {
            let users = access::users(&store)?;
            if ctx.json {
                ctx.print_json(&users)?;
            } else {
                for u in &users {
                    print_user(ctx, u)?;
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        UserCommand::Role { name, role } => access::edit_user(&mut store, &session, name, UserEdit::Role(role))?,
        UserCommand::Clearance { name, clearance } => {
            access::edit_user(&mut store, &session, name, UserEdit::Clearance(clearance))?
        }
        UserCommand::Disable { name } => access::edit_user(&mut store, &session, name, UserEdit::Disable)?,
        UserCommand::Enable { name } => access::edit_user(&mut store, &session, name, UserEdit::Enable)?,
        UserCommand::Unlock { name } => access::edit_user(&mut store, &session, name, UserEdit::Unlock)?,
        UserCommand::Reset { name } => {
            let password = read_password()?;
            access::edit_user(&mut store, &session, name, UserEdit::Reset(&password))?
        }
    };
    print_user(ctx, &edited)?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn token(ctx: &Ctx, cmd: &TokenCommand) -> Result<ExitCode> {
    let mut store = open_for(ctx, Action::ManageTokens)?;
    let session = ctx.session()?;
    match cmd {
        TokenCommand::Create { for_user, expires } => {
            let t = access::create_token(&mut store, &session, for_user, *expires, chrono::Utc::now())?;
            if ctx.json {
                ctx.print_json(&t)?;
            } else {
                crate::outln!("{}", t.secret);
                eprintln!(
                    "token {} for {} (expires {}): shown once, stored only as a digest; revoke it with `corridor token revoke {}`",
                    t.id,
                    t.user,
                    t.expires_at.as_deref().unwrap_or("never"),
                    t.id
                );
            }
        }
        TokenCommand::List => {
            let tokens = access::tokens(&store)?;
            if ctx.json {
                ctx.print_json(&tokens)?;
            } else {
                for t in &tokens {
                    crate::outln!(
                        "{:>5} {:<20} created {}  expires {}{}",
                        t.id,
                        one_line(&t.user),
                        t.created_at,
                        t.expires_at.as_deref().unwrap_or("never"),
                        t.revoked_at
                            .as_ref()
                            .map(|r| format!("  revoked {r}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        TokenCommand::Revoke { id } => {
            access::revoke_token(&mut store, &session, *id)?;
            if !ctx.json {
                crate::outln!("token {id} revoked");
            } else {
                ctx.print_json(&serde_json::json!({"revoked": id}))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn case(ctx: &Ctx, cmd: &CaseCommand) -> Result<ExitCode> {
    let mut store = open_for(ctx, Action::ManageCases)?;
    let session = ctx.session()?;
    match cmd {
        CaseCommand::Add { name, description } => access::add_case(&mut store, &session, name, description)?,
        CaseCommand::Member(CaseMemberCommand::Add { case_name, member }) => {
            access::set_case_member(&mut store, &session, case_name, member, true)?
        }
        CaseCommand::Member(CaseMemberCommand::Remove { case_name, member }) => {
            access::set_case_member(&mut store, &session, case_name, member, false)?
        }
        CaseCommand::Data(CaseDataCommand::Add { case_name, dataset }) => {
            access::add_case_data(&mut store, &session, case_name, dataset)?
        }
        CaseCommand::List => {}
    }
    let cases = access::cases(&store)?;
    if ctx.json {
        ctx.print_json(&cases)?;
    } else {
        for c in &cases {
            crate::outln!(
                "{:<24} members: {}  data sets: {}",
                one_line(&c.name),
                if c.members.is_empty() {
                    "none".into()
                } else {
                    c.members.join(", ")
                },
                if c.datasets.is_empty() {
                    "none".to_string()
                } else {
                    one_line(&c.datasets.join(", ")).into_owned()
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn purpose(ctx: &Ctx, cmd: &PurposeCommand) -> Result<ExitCode> {
    let action = match cmd {
        PurposeCommand::Add { .. } => Action::ManagePurposes,
        PurposeCommand::List => Action::ListPurposes,
    };
    let mut store = open_for(ctx, action)?;
    if let PurposeCommand::Add { id, description } = cmd {
        access::add_purpose(&mut store, &ctx.session()?, id, description)?;
    }
    let purposes = access::purposes(&store)?;
    if ctx.json {
        ctx.print_json(&purposes)?;
    } else {
        for p in &purposes {
            crate::outln!("{:<24} {}", p.id, one_line(&p.description));
        }
    }
    Ok(ExitCode::SUCCESS)
}

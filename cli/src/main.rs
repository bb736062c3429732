//! `shimin`: the command-line face of the core. Exit codes: 0 success, 1 the input was checked
//! and refused, 2 usage error (from clap).

use clap::{Parser, Subcommand};
use shimin_wire::ipc::{CheckIdNumberRequest, IdNumberCheckView};

#[derive(Debug, Parser)]
#[command(name = "shimin", version, about = "Shimin command-line tool")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a citizen identity number (GB 11643) and print the result as JSON.
    CheckId {
        /// The 18-character number.
        number: String,
    },
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    match Cli::parse().command {
        Command::CheckId { number } => {
            let view = shimin_core::app::check_id_number(&CheckIdNumberRequest { input: number });
            println!("{}", serde_json::to_string_pretty(&view)?);
            Ok(match view {
                IdNumberCheckView::Valid { .. } => std::process::ExitCode::SUCCESS,
                IdNumberCheckView::Invalid { .. } => std::process::ExitCode::from(1),
            })
        }
    }
}

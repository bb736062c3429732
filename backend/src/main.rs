//! `shimin-backend`: `serve` runs the server, `seed` fills a database with demo data.

use std::net::SocketAddr;

use anyhow::Context;
use clap::{Parser, Subcommand};
use shimin_backend::{db::DatabaseUrl, seed, server};

#[derive(Debug, Parser)]
#[command(name = "shimin-backend", version, about = "Shimin's reference national backend")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create and migrate the database if needed, then serve the API until Ctrl-C or SIGTERM.
    Serve {
        /// `sqlite://PATH` (created if missing).
        #[arg(long, env = "SHIMIN_DATABASE", default_value = "sqlite://var/shimin.db")]
        database: DatabaseUrl,
        /// Address to listen on.
        #[arg(long, env = "SHIMIN_LISTEN", default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
    },
    /// Fill the database with demo citizens (idempotent) and print the demo logins.
    Seed {
        /// `sqlite://PATH` (created if missing).
        #[arg(long, env = "SHIMIN_DATABASE", default_value = "sqlite://var/shimin.db")]
        database: DatabaseUrl,
        /// How many citizens in all: the named demo citizens first, then generated ones.
        #[arg(long, default_value_t = 5)]
        citizens: u32,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Serve { database, listen } => {
            let db = database.open().context("opening the database")?;
            let listener =
                tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
            tracing::info!(addr = %listener.local_addr()?, "shimin-backend listening");
            server::serve(listener, db, server::shutdown_signal()).await?;
        }
        Command::Seed { database, citizens } => {
            let mut db = database.open().context("opening the database")?;
            let report = seed::seed(&mut db, citizens, shimin_backend::now())?;
            println!("{report}");
        }
    }
    Ok(())
}

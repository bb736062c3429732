//! `shimin-backend`: `serve` runs the server, `seed` fills a database with demo data.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use shimin_backend::seed;
use shimin_backend::server::{self, Limits, TlsFiles};
use shimin_backend::service::{Backend, Config};
use shimin_backend::store::DatabaseUrl;
use shimin_backend::store::sqlite::SqliteOptions;
use shimin_core::liveness::{Action, Challenge};

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
        /// `sqlite://PATH` (created if missing) or `postgres://…`.
        #[arg(long, env = "SHIMIN_DATABASE", default_value = "sqlite://var/shimin.db")]
        database: DatabaseUrl,
        /// The key file holding the root and issuer private keys (created mode 0600 on first
        /// start; a database from before it gives its keys to it once). Never in the database.
        #[arg(long, env = "SHIMIN_KEY_FILE", default_value = "var/shimin.keys")]
        key_file: PathBuf,
        /// Address to listen on.
        #[arg(long, env = "SHIMIN_LISTEN", default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// The URL clients reach the server at (status-list URIs start with it); defaults to
        /// `http(s)://LISTEN`.
        #[arg(long, env = "SHIMIN_PUBLIC_URL")]
        public_url: Option<String>,
        /// PEM certificate chain: serve HTTPS (rustls). Needs `--tls-key`.
        #[arg(long, env = "SHIMIN_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key for `--tls-cert`.
        #[arg(long, env = "SHIMIN_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// SQLite only: read-only connections beside the writer (0: reads use the writer);
        /// defaults to the number of CPUs, at least 2.
        #[arg(long, env = "SHIMIN_SQLITE_READERS")]
        sqlite_readers: Option<usize>,
        /// The actions liveness challenges draw from, comma-separated (blink, mouth, shake, nod).
        #[arg(
            long,
            env = "SHIMIN_LIVENESS_ACTIONS",
            value_delimiter = ',',
            default_value = "blink,mouth,shake,nod"
        )]
        liveness_actions: Vec<String>,
        /// Actions per liveness challenge (3 or 4).
        #[arg(long, env = "SHIMIN_LIVENESS_ACTION_COUNT", default_value_t = 3)]
        liveness_action_count: usize,
        /// Liveness challenges a citizen's own enrolled devices may be issued in 24 hours.
        #[arg(long, env = "SHIMIN_LIVENESS_ATTEMPTS_PER_DAY", default_value_t = 5)]
        liveness_attempts_per_day: i64,
        /// Enrolment checks (asked for without logging in) one ID number may be issued in 24 hours.
        #[arg(long, env = "SHIMIN_LIVENESS_ENROLMENT_ATTEMPTS_PER_DAY", default_value_t = 5)]
        liveness_enrolment_attempts_per_day: i64,
        /// Enrolment challenges one address (IPv4, IPv6 /64) may ask for in 24 hours.
        #[arg(long, env = "SHIMIN_LIVENESS_SOURCE_ATTEMPTS_PER_DAY", default_value_t = 20)]
        liveness_source_attempts_per_day: i64,
        /// A directory of holiday-notice files (`*.toml`, docs/formats/calendar.md) merged over
        /// the embedded years 2004–2026 at start; a refused file stops the start.
        #[arg(long, env = "SHIMIN_CALENDAR_DIR")]
        calendar_dir: Option<PathBuf>,
    },
    /// Put a citizen's registry photo (JPEG: the face liveness checks compare with), e.g.
    /// to try enrolment by the face with one's own photo on a demo citizen.
    RegistryPhoto {
        /// `sqlite://PATH` or `postgres://…`.
        #[arg(long, env = "SHIMIN_DATABASE", default_value = "sqlite://var/shimin.db")]
        database: DatabaseUrl,
        /// The citizen's ID number.
        #[arg(long)]
        id_number: String,
        /// The photo file.
        #[arg(long)]
        photo: PathBuf,
    },
    /// Fill the database with demo data (idempotent) and print the demo logins and enrolment codes.
    Seed {
        /// `sqlite://PATH` (created if missing) or `postgres://…`.
        #[arg(long, env = "SHIMIN_DATABASE", default_value = "sqlite://var/shimin.db")]
        database: DatabaseUrl,
        /// The key file holding the root and issuer private keys (created mode 0600 on first
        /// start; a database from before it gives its keys to it once). Never in the database.
        #[arg(long, env = "SHIMIN_KEY_FILE", default_value = "var/shimin.keys")]
        key_file: PathBuf,
        /// How many citizens in all: the named demo citizens first, then generated ones.
        #[arg(long, default_value_t = 5)]
        citizens: u32,
        /// As for `serve`: status-list URIs in certificates start with it.
        #[arg(long, env = "SHIMIN_PUBLIC_URL", default_value = "http://127.0.0.1:8787")]
        public_url: String,
    },
    /// Mark an issuer key compromised (found stolen at `--at`, default now): it is retired at
    /// once and never signs again, its department gets a new key, and the next trust list
    /// tells every verifier to distrust it outright, whatever a certificate's `iat` says.
    CompromiseKey {
        /// `sqlite://PATH` or `postgres://…`.
        #[arg(long, env = "SHIMIN_DATABASE", default_value = "sqlite://var/shimin.db")]
        database: DatabaseUrl,
        /// The key file holding the root and issuer private keys (created mode 0600 on first
        /// start; a database from before it gives its keys to it once). Never in the database.
        #[arg(long, env = "SHIMIN_KEY_FILE", default_value = "var/shimin.keys")]
        key_file: PathBuf,
        /// The key id, as on the trust list.
        #[arg(long)]
        key_id: String,
        /// When the compromise happened or was found, Unix seconds (default: now).
        #[arg(long)]
        at: Option<i64>,
        /// As for `serve`: status-list URIs start with it.
        #[arg(long, env = "SHIMIN_PUBLIC_URL", default_value = "http://127.0.0.1:8787")]
        public_url: String,
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
        Command::Serve {
            database,
            key_file,
            listen,
            public_url,
            tls_cert,
            tls_key,
            sqlite_readers,
            liveness_actions,
            liveness_action_count,
            liveness_attempts_per_day,
            liveness_enrolment_attempts_per_day,
            liveness_source_attempts_per_day,
            calendar_dir,
        } => {
            let liveness_actions = liveness_actions
                .iter()
                .map(|name| {
                    Action::parse(name.trim()).with_context(|| format!("unknown liveness action {name:?}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            // The same check the server makes for each challenge, made once at start.
            Challenge::random_from(&liveness_actions, liveness_action_count, 60_000)
                .context("--liveness-actions must name at least --liveness-action-count (3 or 4) actions")?;
            let mut options = SqliteOptions::default();
            options.readers = sqlite_readers.unwrap_or(options.readers);
            let store = database.open_with(options).await.context("opening the database")?;
            let scheme = if tls_cert.is_some() { "https" } else { "http" };
            let public_url = public_url.unwrap_or_else(|| format!("{scheme}://{listen}"));
            let config = Config {
                public_url: public_url.trim_end_matches('/').to_owned(),
                liveness_actions,
                liveness_action_count,
                liveness_attempts_per_day,
                liveness_enrolment_attempts_per_day,
                liveness_source_attempts_per_day,
                key_file: Some(key_file),
                calendar_dir,
                ..Config::default()
            };
            let backend = Backend::new(store, config).await.context("starting the backend")?;
            let recovered =
                backend.recover(shimin_backend::now()).await.context("recovering after a stop")?;
            tracing::info!(
                lists = recovered.status_lists,
                interrupted_checks = recovered.interrupted_checks,
                "status lists re-signed from the stored statuses; liveness checks cut off by the stop recorded failed"
            );
            let _sweeps = shimin_backend::service::applications::spawn_sweeps(
                backend.clone(),
                shimin_backend::service::applications::SWEEP_EVERY,
            );
            let listener =
                std::net::TcpListener::bind(listen).with_context(|| format!("binding {listen}"))?;
            listener.set_nonblocking(true)?;
            tracing::info!(addr = %listener.local_addr()?, tls = tls_cert.is_some(), "shimin-backend listening");
            match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    server::serve_tls(
                        listener,
                        TlsFiles { cert, key },
                        backend,
                        Limits::default(),
                        server::shutdown_signal(),
                    )
                    .await?;
                }
                _ => {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    server::serve(listener, backend, Limits::default(), server::shutdown_signal()).await?;
                }
            }
        }
        Command::Seed { database, key_file, citizens, public_url } => {
            let store = database.open().await.context("opening the database")?;
            let config = Config {
                public_url: public_url.trim_end_matches('/').to_owned(),
                key_file: Some(key_file),
                ..Config::default()
            };
            let backend = Backend::new(store, config).await.context("starting the backend")?;
            let now = shimin_backend::now();
            let report = seed::seed(&backend, citizens, now).await?;
            println!("{report}");
            let issued = seed::demo_certificates(&backend, now).await?;
            println!("Demo certificates issued now: {issued} (they reach a phone when it enrols).");
        }
        Command::CompromiseKey { database, key_file, key_id, at, public_url } => {
            let store = database.open().await.context("opening the database")?;
            let config = Config {
                public_url: public_url.trim_end_matches('/').to_owned(),
                key_file: Some(key_file),
                ..Config::default()
            };
            let backend = Backend::new(store, config).await.context("starting the backend")?;
            let now = shimin_backend::now();
            let current = backend
                .mark_key_compromised(&key_id, at.unwrap_or(now), now)
                .await
                .context("marking the key compromised")?;
            println!("Key {key_id} marked compromised; the department now signs with {current}.");
        }
        Command::RegistryPhoto { database, id_number, photo } => {
            let bytes = std::fs::read(&photo).with_context(|| format!("reading {}", photo.display()))?;
            let format = image::guess_format(&bytes).context("the photo is not an image")?;
            anyhow::ensure!(format == image::ImageFormat::Jpeg, "the photo must be a JPEG");
            let id = shimin_core::IdNumber::parse(id_number.trim())
                .map_err(|_| anyhow::anyhow!("not a valid resident ID number"))?;
            let store = database.open().await.context("opening the database")?;
            anyhow::ensure!(
                store.set_citizen_photo(id.as_str(), Some(bytes)).await?,
                "no such citizen in the registry"
            );
            println!("Registry photo stored.");
        }
    }
    Ok(())
}

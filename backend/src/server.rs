//! The HTTP server: routes, shared state and graceful shutdown. Handlers are thin.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use rusqlite::Connection;
use serde::Serialize;

/// Shared state of the handlers.
#[derive(Debug, Clone)]
pub struct AppState {
    db: Arc<Mutex<Connection>>,
}

/// Body of `GET /healthz`.
#[derive(Debug, Serialize)]
pub struct HealthResponse {
    /// Always `"ok"` when the database answers.
    pub status: &'static str,
    /// Citizens in the registry.
    pub citizens: u64,
}

async fn healthz(State(state): State<AppState>) -> Result<Json<HealthResponse>, StatusCode> {
    let db = state.db.clone();
    let citizens = tokio::task::spawn_blocking(move || {
        let conn = db.lock().map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
        conn.query_row("SELECT count(*) FROM citizen", [], |r| r.get::<_, u64>(0))
            .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)
    })
    .await
    .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)??;
    Ok(Json(HealthResponse { status: "ok", citizens }))
}

/// The router with every route.
pub fn router(db: Connection) -> Router {
    Router::new().route("/healthz", get(healthz)).with_state(AppState { db: Arc::new(Mutex::new(db)) })
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
///
/// # Errors
/// When the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: Connection,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(db)).with_graceful_shutdown(shutdown).await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}

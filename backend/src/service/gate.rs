//! The gate in front of the liveness judge: the judge loaded on first use, a bound on the
//! judgements running at once with a queue timeout, and the server-paced checks streaming now.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OnceCell, Semaphore};

use crate::liveness::LivenessJudge;

/// The liveness judge, loaded on first use (the face models and dlib's take a second or two and
/// need `scripts/fetch-face-match-models.sh`), a bound on judgements running at once, and how
/// long an answer may wait for one.
#[derive(Debug)]
pub struct LivenessGate {
    judge: OnceCell<Option<Arc<LivenessJudge>>>,
    pub(super) running: Semaphore,
    pub(super) queue_timeout: Duration,
    /// The server-paced checks streaming now.
    pub(super) open: super::paced::OpenChecks,
}

impl LivenessGate {
    /// A gate letting `judges` judgements run at once (at least one), an answer waiting at most
    /// `queue_timeout` for its turn.
    pub fn new(judges: usize, queue_timeout: Duration) -> Self {
        Self {
            judge: OnceCell::new(),
            running: Semaphore::new(judges.max(1)),
            queue_timeout,
            open: super::paced::OpenChecks::default(),
        }
    }

    /// The judge, loading it on first use; `None` when its models are missing (logged once).
    pub(super) async fn judge(&self) -> Option<Arc<LivenessJudge>> {
        self.judge
            .get_or_init(|| async {
                let loaded = tokio::task::spawn_blocking(LivenessJudge::load_default).await;
                match loaded {
                    Ok(Ok(judge)) => Some(Arc::new(judge)),
                    Ok(Err(e)) => {
                        tracing::error!(error = %e, "liveness judge unavailable: its models do not load");
                        None
                    }
                    Err(_) => {
                        tracing::error!("liveness judge unavailable: loading it panicked");
                        None
                    }
                }
            })
            .await
            .clone()
    }
}

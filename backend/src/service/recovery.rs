//! Recovery at start, from what a crash may leave between a commit and the work that follows
//! it outside the transaction.

use super::{Backend, ServiceError};

/// What [`Backend::recover`] found and put right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovered {
    /// Status lists re-signed from the stored statuses (all of them).
    pub status_lists: usize,
    /// Liveness checks whose stream the stop cut off, now recorded failed.
    pub interrupted_checks: u64,
}

impl Backend {
    /// Puts right what a stop between a commit and the work after it may have left. Run at
    /// start, before serving.
    ///
    /// - Every status list is re-signed from the statuses stored. A status change (or a
    ///   renewal's revocation) commits first and re-signs its list after; a crash between the
    ///   two left the served list saying the old status until its ttl ran out, and a retried
    ///   change found nothing left to change and re-signed nothing. Then what was committed is
    ///   what verifiers are served.
    /// - Every liveness check answered but not judged is recorded failed: a paced check's
    ///   stream lives in the server's memory, so after a stop no batch can continue it, and a
    ///   check left answered without an outcome would stay half-done for ever.
    ///
    /// # Errors
    /// When the store fails or signing does.
    pub async fn recover(&self, now: i64) -> Result<Recovered, ServiceError> {
        let ids = self.store.all_status_list_ids().await?;
        for id in &ids {
            self.publish_status_list(*id, now).await?;
        }
        let interrupted_checks = self.store.fail_interrupted_liveness_checks().await?;
        Ok(Recovered { status_lists: ids.len(), interrupted_checks })
    }
}

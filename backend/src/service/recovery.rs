//! Recovery at start, from what a crash may leave between a commit and the work that follows
//! it outside the transaction.

use super::{Backend, ServiceError};

impl Backend {
    /// Re-signs every status list from the statuses stored. A status change (or a renewal's
    /// revocation) commits first and re-signs its list after; a crash between the two left the
    /// served list saying the old status until its ttl ran out, and a retried change found
    /// nothing left to change and re-signed nothing. Run at start, before serving: then what
    /// was committed is what verifiers are served. Answers how many lists were re-signed.
    ///
    /// # Errors
    /// When the store fails or signing does.
    pub async fn recover(&self, now: i64) -> Result<usize, ServiceError> {
        let ids = self.store.all_status_list_ids().await?;
        for id in &ids {
            self.publish_status_list(*id, now).await?;
        }
        Ok(ids.len())
    }
}

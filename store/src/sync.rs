//! What the wallet keeps for syncing with the national backend: the enrolment (backend URL,
//! device id, the national root key pinned at enrolment), the pull cursor, the outbox, and the
//! reminders and notifications pulled last. The protocol itself is in
//! [`shimin_core::sync`]; the HTTP is in `shimin-client`.

use rusqlite::{OptionalExtension, params};
use shimin_core::crypto::VerifyingKey;
use shimin_core::wallet::{Enrolment, NotificationRecord, OutboxRecord, ReminderRecord, SyncProgress};

use crate::error::StoreError;
use crate::sealed::Sealed;
use crate::sealed_rows::insert_notification;
use crate::wallet::Wallet;

const TABLE: &str = "sync_state";

impl Wallet {
    /// Records (or replaces) where this wallet is enrolled; a new enrolment starts pulling from
    /// the beginning.
    ///
    /// # Errors
    /// A database error.
    pub fn set_enrolment(&mut self, enrolment: &Enrolment) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sync_state (id, backend_url, device_id, root_key, cursor, last_sync_at)
             VALUES (1, ?1, ?2, ?3, NULL, NULL)
             ON CONFLICT (id) DO UPDATE SET backend_url = excluded.backend_url,
                 device_id = excluded.device_id, root_key = excluded.root_key,
                 cursor = NULL, last_sync_at = NULL",
            params![enrolment.backend_url, enrolment.device_id, enrolment.root_key.as_bytes()],
        )?;
        Ok(())
    }

    /// Where this wallet is enrolled, if it is.
    ///
    /// # Errors
    /// [`StoreError::CorruptRow`] for a stored key that does not parse.
    pub fn enrolment(&self) -> Result<Option<Enrolment>, StoreError> {
        let row: Option<(String, i64, Vec<u8>)> = self
            .conn
            .query_row("SELECT backend_url, device_id, root_key FROM sync_state WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        row.map(|(backend_url, device_id, key)| {
            let root_key = VerifyingKey::p256_from_sec1(&key)
                .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "root_key" })?;
            Ok(Enrolment { backend_url, device_id, root_key })
        })
        .transpose()
    }

    /// The cursor, the last sync time and the outbox's length.
    ///
    /// # Errors
    /// A database error.
    pub fn sync_progress(&self) -> Result<SyncProgress, StoreError> {
        let (cursor, last_sync_at) = self
            .conn
            .query_row("SELECT cursor, last_sync_at FROM sync_state WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or((None, None));
        let pending: i64 = self.conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
        Ok(SyncProgress { cursor, last_sync_at, pending_outbox: u64::try_from(pending).unwrap_or(0) })
    }

    /// Saves what a pulled page leaves behind, in one transaction: the new cursor, the reminders
    /// (replacing the old ones) and new notifications (their texts sealed). Call it only after the page's certificates
    /// were imported, so a crash before it pulls the same page again.
    ///
    /// # Errors
    /// [`StoreError::NotInitialised`] when the wallet is not enrolled, or a database error.
    pub fn finish_page(
        &mut self,
        cursor: &str,
        reminders: &[ReminderRecord],
        notifications: &[NotificationRecord],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute("UPDATE sync_state SET cursor = ?1 WHERE id = 1", [cursor])?;
        if changed == 0 {
            return Err(StoreError::NotInitialised);
        }
        tx.execute("DELETE FROM reminders", [])?;
        for r in reminders {
            tx.execute(
                "INSERT INTO reminders (certificate_id, certificate_type, expires_at) VALUES (?1, ?2, ?3)",
                params![r.certificate_id, r.certificate_type, r.expires_at],
            )?;
        }
        for n in notifications {
            insert_notification(&tx, &self.data_key, n, false)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records that a whole sync round finished at `now`.
    ///
    /// # Errors
    /// A database error.
    pub fn finish_sync(&mut self, now: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE sync_state SET last_sync_at = ?1 WHERE id = 1", [now])?;
        Ok(())
    }

    /// The reminders from the last pull, soonest expiry first.
    ///
    /// # Errors
    /// A database error.
    pub fn reminders(&self) -> Result<Vec<ReminderRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT certificate_id, certificate_type, expires_at FROM reminders ORDER BY expires_at",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ReminderRecord {
                    certificate_id: r.get(0)?,
                    certificate_type: r.get(1)?,
                    expires_at: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Every notification received, newest first.
    ///
    /// # Errors
    /// [`StoreError::Undecryptable`] or [`StoreError::CorruptRow`] for a damaged text, or a
    /// database error.
    pub fn notifications(&self) -> Result<Vec<NotificationRecord>, StoreError> {
        self.read_notifications("SELECT id, created_at, sealed FROM notifications ORDER BY id DESC")
    }

    /// The notifications not yet acknowledged, newest first.
    ///
    /// # Errors
    /// [`StoreError::Undecryptable`] or [`StoreError::CorruptRow`] for a damaged text, or a
    /// database error.
    pub fn unacknowledged_notifications(&self) -> Result<Vec<NotificationRecord>, StoreError> {
        self.read_notifications(
            "SELECT id, created_at, sealed FROM notifications WHERE acknowledged = 0 ORDER BY id DESC",
        )
    }

    /// The notifications `sql` selects (`id, created_at, sealed`), their texts opened.
    fn read_notifications(&self, sql: &str) -> Result<Vec<NotificationRecord>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, created_at, sealed)| {
                let text = self.data_key.open(Sealed::Notification, &id.to_string(), &sealed)?;
                let message = String::from_utf8(text.into_inner())
                    .map_err(|_| StoreError::CorruptRow { table: "notifications", column: "sealed" })?;
                Ok(NotificationRecord { id, created_at, message })
            })
            .collect()
    }

    /// Marks every notification up to and including id `up_to` acknowledged.
    ///
    /// # Errors
    /// A database error.
    pub fn acknowledge_notifications(&mut self, up_to: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE notifications SET acknowledged = 1 WHERE id <= ?1", [up_to])?;
        Ok(())
    }

    /// Queues an item for the server under a fresh idempotency key, which it keeps until its
    /// receipt comes back. Returns the key.
    ///
    /// # Errors
    /// [`StoreError::Crypto`] without randomness, or a database error.
    pub fn queue_outbox(&mut self, kind: &str, payload: &str, now: i64) -> Result<String, StoreError> {
        let key = shimin_core::sync::new_idempotency_key()?;
        self.conn.execute(
            "INSERT INTO outbox (idempotency_key, kind, payload, queued_at) VALUES (?1, ?2, ?3, ?4)",
            params![key, kind, payload, now],
        )?;
        Ok(key)
    }

    /// Up to `limit` outbox items, oldest first.
    ///
    /// # Errors
    /// A database error.
    pub fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT idempotency_key, kind, payload FROM outbox ORDER BY queued_at, idempotency_key LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok(OutboxRecord { idempotency_key: r.get(0)?, kind: r.get(1)?, payload: r.get(2)? })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Removes the items whose receipts came back.
    ///
    /// # Errors
    /// A database error.
    pub fn remove_outbox(&mut self, keys: &[String]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for key in keys {
            tx.execute("DELETE FROM outbox WHERE idempotency_key = ?1", [key])?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::keys::PinWrapper;
    use crate::{cache, schema};

    fn wallet() -> Wallet {
        let conn = schema::open_in_memory().expect("db");
        Wallet::create(conn, &PinWrapper::insecure_low_iterations_for_tests("1", 3).expect("pin"), 10)
            .expect("wallet")
    }

    fn enrolment(device_id: i64) -> Enrolment {
        let root_key = shimin_core::crypto::SigningKey::generate_p256().expect("key").verifying_key();
        Enrolment { backend_url: "http://127.0.0.1:1".into(), device_id, root_key }
    }

    #[test]
    fn a_page_needs_an_enrolment_and_a_new_enrolment_starts_from_the_beginning() {
        let mut w = wallet();
        assert_eq!(w.enrolment().expect("read"), None);
        assert!(matches!(w.finish_page("c1", &[], &[]), Err(StoreError::NotInitialised)));
        assert_eq!(cache::pinned_root_key(w.connection()).expect("read"), None);

        let first = enrolment(7);
        w.set_enrolment(&first).expect("enrol");
        assert_eq!(w.enrolment().expect("read"), Some(first.clone()));
        assert_eq!(cache::pinned_root_key(w.connection()).expect("read"), Some(first.root_key));
        let reminder = ReminderRecord {
            certificate_id: "1.2.156".into(),
            certificate_type: "resident-id-card".into(),
            expires_at: 99,
        };
        let notice = NotificationRecord { id: 3, created_at: 5, message: "签发".into() };
        w.finish_page("c1", std::slice::from_ref(&reminder), std::slice::from_ref(&notice)).expect("page");
        // The same notification again (a page pulled twice) is kept once; reminders are replaced.
        w.finish_page("c2", &[], std::slice::from_ref(&notice)).expect("page again");
        assert_eq!(w.notifications().expect("read"), vec![notice]);
        assert!(w.reminders().expect("read").is_empty());
        assert_eq!(w.sync_progress().expect("read").cursor.as_deref(), Some("c2"));
        w.finish_sync(42).expect("finish");
        assert_eq!(w.sync_progress().expect("read").last_sync_at, Some(42));

        w.set_enrolment(&enrolment(8)).expect("enrol again");
        let progress = w.sync_progress().expect("read");
        assert_eq!((progress.cursor, progress.last_sync_at), (None, None));
    }

    #[test]
    fn outbox_items_keep_their_keys_until_removed() {
        let mut w = wallet();
        let a = w.queue_outbox("log", "{\"n\":1}", 1).expect("queue");
        let b = w.queue_outbox("log", "{\"n\":2}", 2).expect("queue");
        assert_ne!(a, b);
        let pending = w.pending_outbox(10).expect("pending");
        assert_eq!(
            pending.iter().map(|r| r.idempotency_key.clone()).collect::<Vec<_>>(),
            [a.clone(), b.clone()]
        );
        assert_eq!(w.pending_outbox(10).expect("again"), pending, "reading does not change the keys");
        w.remove_outbox(std::slice::from_ref(&a)).expect("remove");
        assert_eq!(w.pending_outbox(10).expect("pending").len(), 1);
        assert_eq!(w.sync_progress().expect("read").pending_outbox, 1);
    }

    #[test]
    fn a_damaged_pinned_root_key_is_a_typed_error() {
        let mut w = wallet();
        w.set_enrolment(&enrolment(1)).expect("enrol");
        w.connection().execute("UPDATE sync_state SET root_key = x'0102'", []).expect("damage");
        assert!(matches!(w.enrolment(), Err(StoreError::CorruptRow { column: "root_key", .. })));
        assert!(matches!(cache::pinned_root_key(w.connection()), Err(StoreError::CorruptRow { .. })));
    }
}

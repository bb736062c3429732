//! The citizen's applications (issue 17): each record sealed under the data key and bound to its
//! id, its uploads sealed and bound to the application and the file's digest (migration 009).
//! The use cases are `shimin_core::wallet::applications`.

use rusqlite::{OptionalExtension, params};
use shimin_core::wallet::applications::{ApplicationRecord, LocalPhase};

use crate::error::StoreError;
use crate::sealed::Sealed;
use crate::wallet::Wallet;

const TABLE: &str = "applications";

fn upload_row(application_id: &str, sha256: &str) -> String {
    format!("{application_id}\0{sha256}")
}

impl Wallet {
    /// Every application, newest first.
    ///
    /// # Errors
    /// [`StoreError::Undecryptable`] or [`StoreError::CorruptRow`] for a damaged row.
    pub fn applications(&self) -> Result<Vec<ApplicationRecord>, StoreError> {
        let mut statement =
            self.conn.prepare("SELECT id, sealed FROM applications ORDER BY created_at DESC, id")?;
        let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, sealed) = row?;
            let plaintext = self.data_key.open(Sealed::Application, &id, &sealed)?;
            let record: ApplicationRecord = serde_json::from_slice(plaintext.expose())
                .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "sealed" })?;
            if record.id != id {
                return Err(StoreError::CorruptRow { table: TABLE, column: "id" });
            }
            out.push(record);
        }
        Ok(out)
    }

    /// Stores a new application and its uploads in one transaction.
    ///
    /// # Errors
    /// A database or sealing error; nothing is stored then.
    pub fn queue_application(
        &mut self,
        record: &ApplicationRecord,
        uploads: &[(String, Vec<u8>)],
    ) -> Result<(), StoreError> {
        let sealed = self.seal_application(record)?;
        let mut sealed_uploads = Vec::with_capacity(uploads.len());
        for (sha256, bytes) in uploads {
            let s = self.data_key.seal(Sealed::ApplicationUpload, &upload_row(&record.id, sha256), bytes)?;
            sealed_uploads.push((sha256, s));
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO applications (id, created_at, waiting, sealed) VALUES (?1, ?2, ?3, ?4)",
            params![record.id, record.created_at, record.phase == LocalPhase::Waiting, sealed],
        )?;
        for (sha256, s) in sealed_uploads {
            tx.execute(
                "INSERT INTO application_uploads (application_id, sha256, sealed) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![record.id, sha256, s],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Replaces a known application's record; its uploads are deleted once it no longer waits.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], or a database or sealing error.
    pub fn save_application(&mut self, record: &ApplicationRecord) -> Result<(), StoreError> {
        let sealed = self.seal_application(record)?;
        let waiting = record.phase == LocalPhase::Waiting;
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE applications SET waiting = ?2, sealed = ?3 WHERE id = ?1",
            params![record.id, waiting, sealed],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        if !waiting {
            tx.execute("DELETE FROM application_uploads WHERE application_id = ?1", [&record.id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The bytes of an upload of application `application_id`, by its digest.
    ///
    /// # Errors
    /// [`StoreError::Undecryptable`] for a damaged row, or a database error.
    pub fn application_upload(
        &self,
        application_id: &str,
        sha256: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let sealed: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT sealed FROM application_uploads WHERE application_id = ?1 AND sha256 = ?2",
                [application_id, sha256],
                |r| r.get(0),
            )
            .optional()?;
        let Some(sealed) = sealed else { return Ok(None) };
        let bytes =
            self.data_key.open(Sealed::ApplicationUpload, &upload_row(application_id, sha256), &sealed)?;
        Ok(Some(bytes.expose().clone()))
    }

    fn seal_application(&self, record: &ApplicationRecord) -> Result<Vec<u8>, StoreError> {
        let plaintext = serde_json::to_vec(record).map_err(|_| StoreError::Encode(TABLE))?;
        self.data_key.seal(Sealed::Application, &record.id, &plaintext)
    }
}

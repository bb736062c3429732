//! The presentation log: every presentation the holder made — when, which certificate, which
//! preset and the *names* of the attributes disclosed (never their values). Its export is a use
//! case of `shimin_core::wallet::history`.
//!
//! Each entry is sealed whole under the data key, bound to its sequence number: a copy of the
//! file tells only how many presentations were made, not what was shown, nor when. Reading the
//! log opens every entry and orders them in memory (5,000 entries in about 0.1 s here, in a
//! debug build).

use rusqlite::{Connection, OptionalExtension};
use shimin_core::cert::CertificateId;
use shimin_core::wallet::PresentationRecord;

use crate::error::StoreError;
use crate::keys::DataKey;
use crate::sealed::Sealed;
use crate::sealed_rows::{Entry, append};
use crate::wallet::Wallet;

const TABLE: &str = "presentations";

impl Wallet {
    /// Appends `record` to the log.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the certificate is not in the wallet.
    pub fn log_presentation(&mut self, record: &PresentationRecord) -> Result<(), StoreError> {
        let entry = Entry {
            presented_at: record.presented_at,
            certificate_id: record.certificate_id.to_string(),
            preset: record.preset.clone(),
            disclosed: record.disclosed.clone(),
            recipient: record.recipient.clone(),
        };
        let tx = self.conn.transaction()?;
        let known = tx
            .query_row("SELECT 1 FROM certificates WHERE id = ?1", [&entry.certificate_id], |_| Ok(()))
            .optional()?
            .is_some();
        if !known {
            return Err(StoreError::NotFound);
        }
        append(&tx, &self.data_key, None, &entry)?;
        tx.commit()?;
        Ok(())
    }

    /// The whole log, oldest first (entries of the same second in the order they were logged).
    ///
    /// # Errors
    /// [`StoreError::Undecryptable`] or [`StoreError::CorruptRow`] for a damaged row.
    pub fn presentation_log(&self) -> Result<Vec<PresentationRecord>, StoreError> {
        read_log(&self.conn, &self.data_key)
    }
}

/// The log, oldest first.
fn read_log(conn: &Connection, key: &DataKey) -> Result<Vec<PresentationRecord>, StoreError> {
    let mut stmt = conn.prepare("SELECT seq, sealed FROM presentations ORDER BY seq")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut log = rows
        .into_iter()
        .map(|(seq, sealed)| {
            let plaintext = key.open(Sealed::Presentation, &seq.to_string(), &sealed)?;
            let entry: Entry = serde_json::from_slice(plaintext.expose())
                .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "sealed" })?;
            let certificate_id = CertificateId::parse(&entry.certificate_id)
                .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "sealed" })?;
            Ok(PresentationRecord {
                presented_at: entry.presented_at,
                certificate_id,
                preset: entry.preset,
                disclosed: entry.disclosed,
                recipient: entry.recipient,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    // Stable: entries of the same second keep their sequence order.
    log.sort_by_key(|r| r.presented_at);
    Ok(log)
}

#[cfg(test)]
mod tests {
    use rusqlite::params;
    use shimin_core::wallet::Recipient;

    use super::*;
    use crate::schema;

    const ID_CARD: &str = "1.2.156.3005.2.11100000000000001M001.111101050000000017.20240601001.000.O";

    /// An entry sealed by a build that did not keep the recipient still reads: as shown to a
    /// scanner, the only way the wallet could show anything then.
    #[test]
    fn an_entry_sealed_before_the_recipient_was_kept_reads_as_scanned() {
        let wrapper = crate::keys::PinWrapper::insecure_low_iterations_for_tests("1234", 2).expect("wrapper");
        let wallet =
            Wallet::create(schema::open_in_memory().expect("db"), &wrapper, 1_717_200_000).expect("create");
        let old = format!(
            r#"{{"presented_at":1717200000,"certificate_id":"{ID_CARD}","preset":"identity","disclosed":["name"]}}"#
        );
        wallet.conn.execute("INSERT INTO presentations (seq, sealed) VALUES (1, x'')", []).expect("row");
        let sealed = wallet.data_key.seal(Sealed::Presentation, "1", old.as_bytes()).expect("seal");
        wallet
            .conn
            .execute("UPDATE presentations SET sealed = ?1 WHERE seq = 1", params![sealed])
            .expect("seal");

        let log = wallet.presentation_log().expect("the old entry reads");
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].recipient, Recipient::Scanned);
        assert_eq!(log[0].disclosed, ["name"]);
    }
}

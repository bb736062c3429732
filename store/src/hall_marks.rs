//! The hall's favourites and recently viewed services: personal, so sealed under the data key
//! (one row, `hall_marks`), readable only while the wallet is open.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use shimin_core::catalogue::code::ServiceCode;

use crate::error::StoreError;
use crate::sealed::Sealed;
use crate::wallet::Wallet;

/// The most recently viewed services kept.
pub const MAX_RECENT: usize = 20;
/// The most favourites kept.
pub const MAX_FAVOURITES: usize = 200;

const TABLE: &str = "hall_marks";
const ROW: &str = "1";

/// The favourites (in the order marked) and the recently viewed services (newest first), as
/// codes. A code may name a service the catalogue no longer has; the caller skips it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HallMarks {
    /// Marked favourites, oldest mark first.
    pub favourites: Vec<String>,
    /// Viewed services with when (Unix seconds), newest first.
    pub recent: Vec<(String, i64)>,
}

impl Wallet {
    /// The hall's marks.
    ///
    /// # Errors
    /// [`StoreError::Undecryptable`] or [`StoreError::CorruptRow`] for a damaged row.
    pub fn hall_marks(&self) -> Result<HallMarks, StoreError> {
        let sealed: Option<Vec<u8>> =
            self.conn.query_row("SELECT sealed FROM hall_marks WHERE id = 1", [], |r| r.get(0)).optional()?;
        let Some(sealed) = sealed else { return Ok(HallMarks::default()) };
        let plaintext = self.data_key.open(Sealed::HallMarks, ROW, &sealed)?;
        serde_json::from_slice(plaintext.expose())
            .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "sealed" })
    }

    /// Marks or unmarks a favourite.
    ///
    /// # Errors
    /// As [`Wallet::hall_marks`], or a database error.
    pub fn set_favourite(&mut self, code: &ServiceCode, favourite: bool) -> Result<(), StoreError> {
        let code = code.to_string();
        let mut marks = self.hall_marks()?;
        marks.favourites.retain(|c| *c != code);
        if favourite {
            marks.favourites.push(code);
            let excess = marks.favourites.len().saturating_sub(MAX_FAVOURITES);
            marks.favourites.drain(..excess);
        }
        self.save_hall_marks(&marks)
    }

    /// Records that a service's guide was viewed at `now`.
    ///
    /// # Errors
    /// As [`Wallet::hall_marks`], or a database error.
    pub fn mark_viewed(&mut self, code: &ServiceCode, now: i64) -> Result<(), StoreError> {
        let code = code.to_string();
        let mut marks = self.hall_marks()?;
        marks.recent.retain(|(c, _)| *c != code);
        marks.recent.insert(0, (code, now));
        marks.recent.truncate(MAX_RECENT);
        self.save_hall_marks(&marks)
    }

    fn save_hall_marks(&mut self, marks: &HallMarks) -> Result<(), StoreError> {
        let plaintext = serde_json::to_vec(marks).map_err(|_| StoreError::Encode(TABLE))?;
        let sealed = self.data_key.seal(Sealed::HallMarks, ROW, &plaintext)?;
        self.conn.execute(
            "INSERT INTO hall_marks (id, sealed) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed",
            [sealed],
        )?;
        Ok(())
    }
}

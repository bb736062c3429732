//! The one way the store seals a value under the data key (AES-256-GCM through
//! [`shimin_core::crypto::AeadKey`]) and opens it again: the device's private key, every
//! certificate, every entry of the presentation log and every notification text. The associated
//! data names what the value is and, where it has one, its row — `shimin/store/v1/<what>\0<row>` —
//! so a sealed value copied into another table or another row of its table does not open.

use shimin_core::sensitive::Sensitive;

use crate::error::StoreError;
use crate::keys::DataKey;

/// What a sealed value is: its label in the associated data, and its table in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sealed {
    /// The device's private key (PKCS #8) in `key_material`; one per wallet, so no row.
    DeviceKey,
    /// A certificate's holder copy, bound to the certificate's identifier.
    Certificate,
    /// An entry of the presentation log, bound to its sequence number.
    Presentation,
    /// A notification's text, bound to the server's number for it.
    Notification,
    /// The hall's favourites and recently viewed services (one row).
    HallMarks,
    /// An application the citizen made, bound to its id.
    Application,
    /// A file of an application, bound to the application's id and the file's digest.
    ApplicationUpload,
}

impl Sealed {
    /// The associated data's prefix. The device key's and the certificates' are those of the
    /// first release: what it sealed must still open.
    fn label(self) -> &'static [u8] {
        match self {
            Self::DeviceKey => b"shimin/store/v1/device-key",
            Self::Certificate => b"shimin/store/v1/certificate\0",
            Self::Presentation => b"shimin/store/v1/presentation\0",
            Self::Notification => b"shimin/store/v1/notification\0",
            Self::HallMarks => b"shimin/store/v1/hall-marks\0",
            Self::Application => b"shimin/store/v1/application\0",
            Self::ApplicationUpload => b"shimin/store/v1/application-upload\0",
        }
    }

    /// The table the value lives in, for [`StoreError::Undecryptable`].
    fn table(self) -> &'static str {
        match self {
            Self::DeviceKey => "key_material",
            Self::Certificate => "certificates",
            Self::Presentation => "presentations",
            Self::Notification => "notifications",
            Self::HallMarks => "hall_marks",
            Self::Application => "applications",
            Self::ApplicationUpload => "application_uploads",
        }
    }

    fn associated_data(self, row: &str) -> Vec<u8> {
        let mut aad = self.label().to_vec();
        aad.extend_from_slice(row.as_bytes());
        aad
    }
}

impl DataKey {
    /// Seals `plaintext` as a `what` of row `row` (empty for the device key).
    ///
    /// # Errors
    /// [`StoreError::Crypto`] without randomness or when encryption fails.
    pub(crate) fn seal(&self, what: Sealed, row: &str, plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
        Ok(self.aead().seal(plaintext, &what.associated_data(row))?)
    }

    /// Opens what [`DataKey::seal`] sealed as a `what` of row `row`.
    ///
    /// # Errors
    /// [`StoreError::Undecryptable`] when it was sealed under another key, for another table or
    /// row, or was damaged.
    pub(crate) fn open(
        &self,
        what: Sealed,
        row: &str,
        sealed: &[u8],
    ) -> Result<Sensitive<Vec<u8>>, StoreError> {
        self.aead()
            .open(sealed, &what.associated_data(row))
            .map_err(|_| StoreError::Undecryptable { table: what.table() })
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn a_value_opens_only_as_what_and_where_it_was_sealed() {
        let key = DataKey::generate().expect("key");
        let sealed = key.seal(Sealed::Notification, "12", "新设备已登记".as_bytes()).expect("seal");
        assert_eq!(
            key.open(Sealed::Notification, "12", &sealed).expect("open").expose(),
            "新设备已登记".as_bytes()
        );
        assert!(matches!(
            key.open(Sealed::Notification, "13", &sealed),
            Err(StoreError::Undecryptable { table: "notifications" })
        ));
        assert!(matches!(
            key.open(Sealed::Presentation, "12", &sealed),
            Err(StoreError::Undecryptable { table: "presentations" })
        ));
        let other = DataKey::generate().expect("key");
        assert!(other.open(Sealed::Notification, "12", &sealed).is_err());
    }

    #[test]
    fn the_first_releases_associated_data_is_kept() {
        assert_eq!(Sealed::DeviceKey.associated_data(""), b"shimin/store/v1/device-key");
        assert_eq!(Sealed::Certificate.associated_data("1.2"), b"shimin/store/v1/certificate\x001.2");
    }
}

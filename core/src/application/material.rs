//! Where each material of an application comes from, and which source is best.
//!
//! For one material of a guide ([`crate::catalogue::guide::Material`]) the citizen may have:
//!
//! 1. **a wallet certificate** of the type the material names (`satisfied_by`), current and not
//!    revoked: sent as a presentation of only the attributes the service needs, bound to this
//!    department and application ([`super::submission`]). Best: the department verifies it
//!    itself, offline, and nobody retypes anything.
//! 2. **an item of the material library (材料库)**: a material a department accepted before,
//!    reused by the guide's reuse class (seed 002) through
//!    [`crate::catalogue::material::ReuseClass::reusable`]: (1) unconditionally; (2) while the
//!    item is valid; (3) without a time limit; (4) never. A selective class (2 or 3) counts as
//!    accepted by the service because the guide lists the material under it. An item is matched
//!    to a material by the material's Simplified Chinese name until the catalogue gives
//!    materials codes of their own.
//! 3. **an upload**: a JPEG or PNG photo or a PDF, checked by [`check_upload`]. Always offered
//!    unless the material is paper only.
//!
//! [`sources`] lists every candidate, usable ones first (wallet, then library items — the one
//! valid longest first — then upload), each unusable one with its [`Unusable`] reason, so the
//! citizen sees why a certificate or an item cannot be used and chooses.
//!
//! # Uploads
//!
//! | check | limit | refusal |
//! |---|---|---|
//! | size of one file | [`MAX_UPLOAD_BYTES`] (10 MiB) | [`UploadError::TooLarge`] |
//! | size of all files of one application | [`MAX_APPLICATION_UPLOAD_BYTES`] (30 MiB) | [`UploadError::TotalTooLarge`] |
//! | JPEG, PNG | sniffed and decoded by [`crate::picture::decode`] under [`Limits::PHOTO`] | [`UploadError::Picture`] |
//! | PDF | starts `%PDF-1.`*digit*, and `%%EOF` in its last [`PDF_TRAILER_WINDOW`] bytes | [`UploadError::PdfIncomplete`] |
//! | anything else (GIF, Word, ZIP, text …) | — | [`UploadError::NotAllowed`] |
//! | bytes of another type than the name or the claimed type says | — | [`UploadError::Mismatch`] |
//!
//! The type is always the one sniffed from the bytes; a name or a claim is only compared with it.

use shimin_wire::application::UploadTypeDto;
use shimin_wire::catalogue::MaterialFormDto;

use crate::catalogue::guide::Material;
use crate::cert::CertificateType;
use crate::crypto;
use crate::picture::{self, Limits, PictureError, PictureFormat};

/// The most bytes of one uploaded file: 10 MiB, a scanned multi-page PDF or a full phone photo.
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;
/// The most bytes of all uploads of one application: 30 MiB.
pub const MAX_APPLICATION_UPLOAD_BYTES: u64 = 30 * 1024 * 1024;
/// How near the end a PDF's `%%EOF` must be (writers may add a line end or a little padding).
pub const PDF_TRAILER_WINDOW: usize = 1024;

/// The file types an upload may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UploadType {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// PDF.
    Pdf,
}

impl UploadType {
    /// The type a file name's extension claims (`.jpg`, `.jpeg`, `.png`, `.pdf`, any case).
    pub fn from_file_name(name: &str) -> Option<Self> {
        let (_, ext) = name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(UploadType::Jpeg),
            "png" => Some(UploadType::Png),
            "pdf" => Some(UploadType::Pdf),
            _ => None,
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            UploadType::Jpeg => "image/jpeg",
            UploadType::Png => "image/png",
            UploadType::Pdf => "application/pdf",
        }
    }
}

impl From<UploadTypeDto> for UploadType {
    fn from(dto: UploadTypeDto) -> Self {
        match dto {
            UploadTypeDto::Jpeg => UploadType::Jpeg,
            UploadTypeDto::Png => UploadType::Png,
            UploadTypeDto::Pdf => UploadType::Pdf,
        }
    }
}

impl From<UploadType> for UploadTypeDto {
    fn from(t: UploadType) -> Self {
        match t {
            UploadType::Jpeg => UploadTypeDto::Jpeg,
            UploadType::Png => UploadTypeDto::Png,
            UploadType::Pdf => UploadTypeDto::Pdf,
        }
    }
}

/// Why an upload is refused. Says what was wrong with the bytes, never what they show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// No bytes.
    #[error("the file is empty")]
    Empty,
    /// Larger than [`MAX_UPLOAD_BYTES`].
    #[error("the file is larger than {MAX_UPLOAD_BYTES} bytes")]
    TooLarge,
    /// The application's uploads together are larger than [`MAX_APPLICATION_UPLOAD_BYTES`].
    #[error("the files together are larger than {MAX_APPLICATION_UPLOAD_BYTES} bytes")]
    TotalTooLarge,
    /// Not a JPEG, PNG or PDF (or a file name without one of their extensions).
    #[error("only JPEG, PNG and PDF files are taken")]
    NotAllowed,
    /// The bytes are of another type than the name or the claim says.
    #[error("the file is a {actual:?}, not the {claimed:?} its name or type says")]
    Mismatch {
        /// What the name or claim says.
        claimed: UploadType,
        /// What the bytes are.
        actual: UploadType,
    },
    /// A picture that cannot be read, or too many pixels.
    #[error("the picture cannot be used: {0}")]
    Picture(PictureError),
    /// A PDF without its end (`%%EOF`): cut short.
    #[error("the PDF is incomplete")]
    PdfIncomplete,
}

/// An upload whose bytes were checked: what it is, its size and its SHA-256 (what the
/// submission carries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedUpload {
    /// The sniffed type.
    pub kind: UploadType,
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the bytes.
    pub sha256: [u8; 32],
}

/// Checks an upload's bytes against the type it claims (a picker's media type, the camera's
/// JPEG).
///
/// # Errors
/// [`UploadError`], see the module's table.
pub fn check_upload(bytes: &[u8], claimed: UploadType) -> Result<CheckedUpload, UploadError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if size > MAX_UPLOAD_BYTES {
        return Err(UploadError::TooLarge);
    }
    let actual = sniff(bytes)?;
    if actual != claimed {
        return Err(UploadError::Mismatch { claimed, actual });
    }
    Ok(CheckedUpload { kind: actual, size, sha256: crypto::sha256(bytes) })
}

/// Checks a file chosen by name: the extension is the claim.
///
/// # Errors
/// [`UploadError::NotAllowed`] for another extension, otherwise as [`check_upload`].
pub fn check_named_upload(file_name: &str, bytes: &[u8]) -> Result<CheckedUpload, UploadError> {
    let claimed = UploadType::from_file_name(file_name).ok_or(UploadError::NotAllowed)?;
    check_upload(bytes, claimed)
}

/// Checks the total size of an application's uploads.
///
/// # Errors
/// [`UploadError::TotalTooLarge`].
pub fn check_total(sizes: impl IntoIterator<Item = u64>) -> Result<(), UploadError> {
    let total = sizes.into_iter().fold(0u64, u64::saturating_add);
    if total > MAX_APPLICATION_UPLOAD_BYTES { Err(UploadError::TotalTooLarge) } else { Ok(()) }
}

fn sniff(bytes: &[u8]) -> Result<UploadType, UploadError> {
    if let Some(rest) = bytes.strip_prefix(b"%PDF-1.") {
        if !rest.first().is_some_and(u8::is_ascii_digit) {
            return Err(UploadError::NotAllowed);
        }
        let tail = &bytes[bytes.len().saturating_sub(PDF_TRAILER_WINDOW)..];
        return if tail.windows(5).any(|w| w == b"%%EOF") {
            Ok(UploadType::Pdf)
        } else {
            Err(UploadError::PdfIncomplete)
        };
    }
    match picture::decode(bytes, PictureFormat::JPEG_OR_PNG, Limits::PHOTO) {
        Ok(p) if p.format() == PictureFormat::Png => Ok(UploadType::Png),
        Ok(_) => Ok(UploadType::Jpeg),
        Err(PictureError::NotAnImage | PictureError::FormatNotAllowed) => Err(UploadError::NotAllowed),
        Err(e) => Err(UploadError::Picture(e)),
    }
}

/// A certificate the wallet holds, as far as choosing a source needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCertificate {
    /// The wallet's id of it.
    pub id: String,
    /// Its type.
    pub certificate_type: CertificateType,
    /// Its end of validity (exclusive), Unix seconds; `None`: long-term.
    pub valid_until: Option<i64>,
    /// Whether its last known status is valid (not revoked or suspended).
    pub status_valid: bool,
}

/// An item of the citizen's material library: a material a department accepted before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryItem {
    /// Its id.
    pub id: String,
    /// The Simplified Chinese name of the material it is.
    pub material_name: String,
    /// When a department accepted it, Unix seconds.
    pub accepted_at: i64,
    /// The last second it is valid; `None`: it states no end.
    pub valid_until: Option<i64>,
}

/// A way to give a material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A wallet certificate, by its id.
    Wallet(String),
    /// A library item, by its id.
    Library(String),
    /// An upload.
    Upload,
}

/// Why a source cannot be used for a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    /// The material names no certificate, or another type.
    #[error("this certificate does not stand for the material")]
    OtherCertificate,
    /// The certificate is past its validity.
    #[error("the certificate has expired")]
    CertificateExpired,
    /// The certificate is revoked or suspended.
    #[error("the certificate is not valid now")]
    CertificateNotValid,
    /// The item is another material.
    #[error("the item is another material")]
    OtherMaterial,
    /// The material's reuse class is (4): never reused.
    #[error("this material is never reused")]
    NeverReused,
    /// Class (2), and the item is past its validity (or states none).
    #[error("the item is past its validity")]
    Expired,
    /// The material is paper only: it cannot be uploaded.
    #[error("this material must be given on paper")]
    PaperOnly,
}

/// One candidate source for a material, and whether it can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The source.
    pub source: Source,
    /// `Ok` when usable, or why not.
    pub usable: Result<(), Unusable>,
}

/// Whether held certificate `held` can stand for `material` at `now`.
///
/// # Errors
/// Why not.
pub fn wallet_decision(material: &Material, held: &HeldCertificate, now: i64) -> Result<(), Unusable> {
    if material.satisfied_by != Some(held.certificate_type) {
        return Err(Unusable::OtherCertificate);
    }
    if held.valid_until.is_some_and(|end| now >= end) {
        return Err(Unusable::CertificateExpired);
    }
    if !held.status_valid {
        return Err(Unusable::CertificateNotValid);
    }
    Ok(())
}

/// Whether library item `item` can stand for `material` at `now`, by the material's reuse class.
///
/// # Errors
/// Why not.
pub fn library_decision(material: &Material, item: &LibraryItem, now: i64) -> Result<(), Unusable> {
    use crate::catalogue::material::ReuseClass;
    if item.material_name.trim() != material.name.hans.trim() {
        return Err(Unusable::OtherMaterial);
    }
    match material.reuse {
        ReuseClass::Never => Err(Unusable::NeverReused),
        class if class.reusable(true, item.valid_until, now) => Ok(()),
        _ => Err(Unusable::Expired),
    }
}

/// Every source for `material`, usable ones first (wallet, library — valid longest first —
/// upload), then the unusable ones with their reasons. Library items of other materials and
/// certificates of other types are left out: they are not candidates at all.
pub fn sources(
    material: &Material,
    wallet: &[HeldCertificate],
    library: &[LibraryItem],
    now: i64,
) -> Vec<Candidate> {
    let mut held: Vec<&HeldCertificate> =
        wallet.iter().filter(|h| material.satisfied_by == Some(h.certificate_type)).collect();
    held.sort_by_key(|h| std::cmp::Reverse(h.valid_until.unwrap_or(i64::MAX)));
    let mut items: Vec<&LibraryItem> =
        library.iter().filter(|i| i.material_name.trim() == material.name.hans.trim()).collect();
    items.sort_by_key(|i| {
        (std::cmp::Reverse(i.valid_until.unwrap_or(i64::MAX)), std::cmp::Reverse(i.accepted_at))
    });
    let mut out: Vec<Candidate> = held
        .into_iter()
        .map(|h| Candidate {
            source: Source::Wallet(h.id.clone()),
            usable: wallet_decision(material, h, now),
        })
        .chain(items.into_iter().map(|i| Candidate {
            source: Source::Library(i.id.clone()),
            usable: library_decision(material, i, now),
        }))
        .collect();
    let upload = if material.form == MaterialFormDto::Paper { Err(Unusable::PaperOnly) } else { Ok(()) };
    out.push(Candidate { source: Source::Upload, usable: upload });
    // A stable sort keeps the order of preference within the usable and the unusable ones.
    out.sort_by_key(|c| c.usable.is_err());
    out
}

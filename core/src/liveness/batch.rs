//! One batch of the frames a device streams during a server-paced check ([`super::pace`]),
//! signed by the check's device key.
//!
//! CBOR map with integer keys, signed as a tagged COSE_Sign1 (ES256) for
//! [`SigningPurpose::LivenessFrames`]:
//!
//! | key | value |
//! |---|---|
//! | 1 | format version, `1` |
//! | 2 | bstr: the server's nonce of the check |
//! | 3 | uint: the batch's sequence number, `0` for the first batch of a check, then one more each batch |
//! | 4 | array of 1 to [`MAX_BATCH_FRAMES`] frames `[captured ms, bstr JPEG]`, in capture order; capture times on the device's clock |
//!
//! Why each field: the nonce binds the batch to one check (a batch of another check, or of an
//! earlier one, does not verify for this one); the sequence number makes a replayed, dropped or
//! reordered batch visible before any frame is measured; the capture times let the server check
//! the device's clock against its own ([`super::pace`]). Nothing in a batch says what the frames
//! show: the server measures every one itself.
//!
//! Photos are personal data: nothing here prints them or the nonce in `Debug`.

use std::fmt;

use ciborium::value::Value;

use crate::cose::{self, CoseError, Sign1};
use crate::crypto::{SigningPurpose, VerifyingKey};
use crate::present::{DeviceSigner, DeviceSignerError};
use crate::sensitive::Sensitive;

/// The batch format this module writes and reads.
pub const FRAME_BATCH_FORMAT_VERSION: u64 = 1;
/// Most frames in one batch (a device streaming 5 frames a second sends one batch a second).
pub const MAX_BATCH_FRAMES: usize = 10;
/// Largest JPEG accepted per streamed frame (a 640×480 face at quality 80 is 30–80 KB).
pub const MAX_STREAMED_FRAME_BYTES: usize = 256 * 1024;
/// Largest signed batch accepted by [`FrameBatch::verify`].
pub const MAX_FRAME_BATCH_BYTES: usize = 1024 * 1024;

const KEY_VERSION: i64 = 1;
const KEY_NONCE: i64 = 2;
const KEY_SEQ: i64 = 3;
const KEY_FRAMES: i64 = 4;

/// One streamed frame: when the device captured it and its JPEG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamedFrame {
    /// Capture time on the device's clock, ms.
    pub captured_ms: u64,
    /// The JPEG bytes (redacted in `Debug`).
    pub jpeg: Sensitive<Vec<u8>>,
}

/// Why a batch could not be made, signed or read. Never carries its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameBatchError {
    /// No frames, or more than [`MAX_BATCH_FRAMES`].
    #[error("a batch holds 1 to {MAX_BATCH_FRAMES} frames")]
    FrameCount,
    /// A frame's bytes are not a JPEG, or are larger than [`MAX_STREAMED_FRAME_BYTES`].
    #[error("frame {position} of the batch is not an acceptable JPEG")]
    BadFrame {
        /// The frame's place in the batch, from 0.
        position: usize,
    },
    /// The capture times do not strictly increase within the batch.
    #[error("the batch's frames are out of order")]
    OutOfOrder,
    /// The device key could not sign.
    #[error("the device could not sign: {0}")]
    Signer(DeviceSignerError),
    /// The signature is invalid or the message is not a COSE_Sign1 for this purpose.
    #[error("the batch signature does not verify: {0}")]
    Signature(CoseError),
    /// The signed bytes are larger than [`MAX_FRAME_BATCH_BYTES`].
    #[error("the batch is larger than {MAX_FRAME_BATCH_BYTES} bytes")]
    TooLarge,
    /// The payload is not a batch of this format.
    #[error("the batch is malformed: {0}")]
    Malformed(&'static str),
    /// The format version is not one this code reads.
    #[error("unsupported frame batch format version {0}")]
    UnsupportedVersion(u64),
    /// Encoding failed.
    #[error("the batch could not be encoded")]
    Encode,
}

/// A batch of streamed frames of one check. `Debug` shows the sequence number and counts only.
#[derive(Clone, PartialEq, Eq)]
pub struct FrameBatch {
    nonce: Vec<u8>,
    seq: u64,
    frames: Vec<StreamedFrame>,
}

impl fmt::Debug for FrameBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameBatch")
            .field("nonce_len", &self.nonce.len())
            .field("seq", &self.seq)
            .field("frames", &self.frames.len())
            .finish()
    }
}

fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && bytes.len() <= MAX_STREAMED_FRAME_BYTES
}

fn int(i: i64) -> Value {
    Value::Integer(i.into())
}

fn uint(i: u64) -> Value {
    Value::Integer(i.into())
}

fn as_u64(v: &Value) -> Option<u64> {
    v.as_integer().and_then(|i| u64::try_from(i).ok())
}

impl FrameBatch {
    /// The `seq`-th batch of the check with this nonce.
    ///
    /// # Errors
    /// [`FrameBatchError::FrameCount`], [`FrameBatchError::BadFrame`] or
    /// [`FrameBatchError::OutOfOrder`].
    pub fn new(nonce: Vec<u8>, seq: u64, frames: Vec<StreamedFrame>) -> Result<Self, FrameBatchError> {
        if frames.is_empty() || frames.len() > MAX_BATCH_FRAMES {
            return Err(FrameBatchError::FrameCount);
        }
        if let Some(position) = frames.iter().position(|f| !is_jpeg(f.jpeg.expose())) {
            return Err(FrameBatchError::BadFrame { position });
        }
        if frames.windows(2).any(|w| w[1].captured_ms <= w[0].captured_ms) {
            return Err(FrameBatchError::OutOfOrder);
        }
        Ok(Self { nonce, seq, frames })
    }

    /// The server's nonce of the check.
    pub fn nonce(&self) -> &[u8] {
        &self.nonce
    }

    /// The batch's sequence number in its check, from 0.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The frames, in capture order.
    pub fn frames(&self) -> &[StreamedFrame] {
        &self.frames
    }

    /// The frames, taken out.
    pub fn into_frames(self) -> Vec<StreamedFrame> {
        self.frames
    }

    /// The CBOR payload (layout in the module documentation).
    ///
    /// # Errors
    /// [`FrameBatchError::Encode`] if encoding fails.
    pub fn to_cbor(&self) -> Result<Vec<u8>, FrameBatchError> {
        let frames = self
            .frames
            .iter()
            .map(|f| Value::Array(vec![uint(f.captured_ms), Value::Bytes(f.jpeg.expose().clone())]))
            .collect();
        let value = Value::Map(vec![
            (int(KEY_VERSION), uint(FRAME_BATCH_FORMAT_VERSION)),
            (int(KEY_NONCE), Value::Bytes(self.nonce.clone())),
            (int(KEY_SEQ), uint(self.seq)),
            (int(KEY_FRAMES), Value::Array(frames)),
        ]);
        let mut out = Vec::new();
        ciborium::ser::into_writer(&value, &mut out).map_err(|_| FrameBatchError::Encode)?;
        Ok(out)
    }

    /// Reads the CBOR payload.
    ///
    /// # Errors
    /// [`FrameBatchError::Malformed`], [`FrameBatchError::UnsupportedVersion`], or a rule of
    /// [`FrameBatch::new`].
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, FrameBatchError> {
        if bytes.len() > MAX_FRAME_BATCH_BYTES {
            return Err(FrameBatchError::TooLarge);
        }
        let mut rest = bytes;
        let value: Value =
            ciborium::de::from_reader(&mut rest).map_err(|_| FrameBatchError::Malformed("not CBOR"))?;
        if !rest.is_empty() {
            return Err(FrameBatchError::Malformed("trailing bytes"));
        }
        let Value::Map(mut entries) = value else { return Err(FrameBatchError::Malformed("not a map")) };
        if entries.len() != 4 {
            return Err(FrameBatchError::Malformed("unexpected keys"));
        }
        let mut get = |key: i64| -> Option<Value> {
            entries
                .iter()
                .position(|(k, _)| k.as_integer() == Some(key.into()))
                .map(|i| entries.swap_remove(i).1)
        };
        let version =
            get(KEY_VERSION).and_then(|v| as_u64(&v)).ok_or(FrameBatchError::Malformed("version"))?;
        if version != FRAME_BATCH_FORMAT_VERSION {
            return Err(FrameBatchError::UnsupportedVersion(version));
        }
        let Some(Value::Bytes(nonce)) = get(KEY_NONCE) else {
            return Err(FrameBatchError::Malformed("nonce"));
        };
        let seq = get(KEY_SEQ).and_then(|v| as_u64(&v)).ok_or(FrameBatchError::Malformed("seq"))?;
        let Some(Value::Array(items)) = get(KEY_FRAMES) else {
            return Err(FrameBatchError::Malformed("frames"));
        };
        if items.len() > MAX_BATCH_FRAMES {
            return Err(FrameBatchError::FrameCount);
        }
        let frames = items
            .into_iter()
            .map(|item| {
                let Value::Array(parts) = item else { return None };
                let Ok([captured, Value::Bytes(jpeg)]) = <[Value; 2]>::try_from(parts) else { return None };
                Some(StreamedFrame { captured_ms: as_u64(&captured)?, jpeg: Sensitive::new(jpeg) })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or(FrameBatchError::Malformed("frame"))?;
        Self::new(nonce, seq, frames)
    }

    /// Signs the batch with the device key as a tagged COSE_Sign1 for
    /// [`SigningPurpose::LivenessFrames`], `key_id` in the protected header.
    ///
    /// # Errors
    /// [`FrameBatchError::Signer`] when the key cannot sign, [`FrameBatchError::Encode`] otherwise.
    pub fn sign(&self, signer: &dyn DeviceSigner, key_id: &[u8]) -> Result<Vec<u8>, FrameBatchError> {
        let payload = self.to_cbor()?;
        let mut signer_error = None;
        let signed = cose::sign_with(SigningPurpose::LivenessFrames, &payload, key_id, |tbs| {
            signer.sign_es256(tbs).map(|s| s.to_vec()).map_err(|e| {
                signer_error = Some(e);
                CoseError::Encode
            })
        });
        match (signed, signer_error) {
            (_, Some(e)) => Err(FrameBatchError::Signer(e)),
            (Err(_), None) => Err(FrameBatchError::Encode),
            (Ok(bytes), None) => Ok(bytes),
        }
    }

    /// Verifies a signed batch with the device's public key and reads it.
    ///
    /// # Errors
    /// [`FrameBatchError::TooLarge`], [`FrameBatchError::Signature`] (also for a signature made
    /// for another purpose, such as liveness evidence), or a payload error from
    /// [`FrameBatch::from_cbor`].
    pub fn verify(signed: &[u8], key: &VerifyingKey) -> Result<Self, FrameBatchError> {
        if signed.len() > MAX_FRAME_BATCH_BYTES {
            return Err(FrameBatchError::TooLarge);
        }
        let message = Sign1::decode(signed).map_err(FrameBatchError::Signature)?;
        let payload = message
            .verify_with_key(SigningPurpose::LivenessFrames.label(), key)
            .map_err(FrameBatchError::Signature)?;
        Self::from_cbor(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SigningKey;

    const JPEG: [u8; 6] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];

    fn frame(captured_ms: u64) -> StreamedFrame {
        StreamedFrame { captured_ms, jpeg: Sensitive::new(JPEG.to_vec()) }
    }

    fn batch() -> FrameBatch {
        FrameBatch::new(b"nonce-of-a-check".to_vec(), 3, vec![frame(100), frame(300)]).expect("batch")
    }

    #[test]
    fn a_signed_batch_verifies_and_reads_back_as_itself() {
        let key = SigningKey::generate_p256().expect("key");
        let signed = batch().sign(&key, b"device").expect("sign");
        assert_eq!(FrameBatch::verify(&signed, &key.verifying_key()), Ok(batch()));
        let other = SigningKey::generate_p256().expect("key");
        assert!(matches!(
            FrameBatch::verify(&signed, &other.verifying_key()),
            Err(FrameBatchError::Signature(_))
        ));
    }

    #[test]
    fn a_batch_signed_for_another_purpose_does_not_verify() {
        let key = SigningKey::generate_p256().expect("key");
        let payload = batch().to_cbor().expect("cbor");
        let evidence = cose::sign_with(SigningPurpose::LivenessEvidence, &payload, b"device", |tbs| {
            key.sign_es256(tbs).map(|s| s.to_vec()).map_err(|_| CoseError::Encode)
        })
        .expect("signed");
        assert!(matches!(
            FrameBatch::verify(&evidence, &key.verifying_key()),
            Err(FrameBatchError::Signature(_))
        ));
    }

    #[test]
    fn batches_out_of_bounds_are_refused() {
        let nonce = b"nonce-of-a-check".to_vec();
        assert_eq!(FrameBatch::new(nonce.clone(), 0, Vec::new()), Err(FrameBatchError::FrameCount));
        let eleven = (1..=11).map(|i| frame(i * 100)).collect();
        assert_eq!(FrameBatch::new(nonce.clone(), 0, eleven), Err(FrameBatchError::FrameCount));
        assert_eq!(
            FrameBatch::new(nonce.clone(), 0, vec![frame(200), frame(200)]),
            Err(FrameBatchError::OutOfOrder)
        );
        let png = StreamedFrame { captured_ms: 300, jpeg: Sensitive::new(b"\x89PNG".to_vec()) };
        assert_eq!(
            FrameBatch::new(nonce.clone(), 0, vec![frame(200), png]),
            Err(FrameBatchError::BadFrame { position: 1 })
        );
        let mut big = JPEG.to_vec();
        big.resize(MAX_STREAMED_FRAME_BYTES + 1, 0);
        let big = StreamedFrame { captured_ms: 100, jpeg: Sensitive::new(big) };
        assert_eq!(FrameBatch::new(nonce, 0, vec![big]), Err(FrameBatchError::BadFrame { position: 0 }));
    }

    #[test]
    fn debug_shows_no_nonce_and_no_pixels() {
        let text = format!("{:?}", batch());
        assert!(!text.contains("nonce-of") && !text.contains("255"), "{text}");
    }
}

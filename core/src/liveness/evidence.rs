//! The evidence of a passed session, signed by the device key for the backend's decision.
//!
//! CBOR map with integer keys, signed as a tagged COSE_Sign1 (ES256) for
//! [`SigningPurpose::LivenessEvidence`]:
//!
//! | key | value |
//! |---|---|
//! | 1 | format version, `2` |
//! | 2 | bstr: the server's nonce |
//! | 3 | array of action codes, in the challenge's order (1 blink, 2 mouth, 3 shake, 4 nod) |
//! | 4 | array of key frames `[kind, frame index, timestamp ms, bstr JPEG]`; kind 0 is the neutral frame, otherwise the action code |
//! | 5 | array of trace entries `[frame index, timestamp ms, step, face count, brightness, sharpness, face]`, `face` = `null` or `[x, y, w, h, EAR left, EAR right, MAR, mouth width, yaw, pitch, roll, shape₁ … shape₆]` (floats; the box in fractions of the upright frame; the six face proportions of [`FaceShape`]); step 0 is calibration, k the k-th action |
//!
//! Version 2 added the face proportions to the trace, so that the backend's [`super::audit()`] can
//! replay the session's continuity checks; version 1 is no longer read (no device in the field
//! wrote it).
//!
//! Photos are personal data: nothing here prints them, the trace or the nonce in `Debug`.

use std::fmt;

use ciborium::value::Value;

use super::actions::Action;
use super::frame::Frame;
use super::observation::{FaceBox, FaceShape, SHAPE_LEN};
use super::record::{KeyFrame, KeyFrameKind, TraceEntry, TracedFace};
use super::session::{Passed, Session};
use crate::cose::{self, CoseError, Sign1};
use crate::crypto::{SigningPurpose, VerifyingKey};
use crate::present::{DeviceSigner, DeviceSignerError};
use crate::sensitive::Sensitive;

/// The evidence format this module writes and reads.
pub const EVIDENCE_FORMAT_VERSION: u64 = 2;
/// Largest JPEG accepted per key frame (a 640×480 face photo at quality 90 is 50–150 KB).
pub const MAX_KEY_FRAME_BYTES: usize = 1024 * 1024;
/// Largest signed evidence accepted by [`Evidence::verify`].
pub const MAX_EVIDENCE_BYTES: usize = 8 * 1024 * 1024;
/// Most trace entries accepted (two minutes at 60 fps is 7 200).
pub const MAX_TRACE_LEN: usize = 10_000;

const KEY_VERSION: i64 = 1;
const KEY_NONCE: i64 = 2;
const KEY_ACTIONS: i64 = 3;
const KEY_FRAMES: i64 = 4;
const KEY_TRACE: i64 = 5;

/// A key frame with its JPEG.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceFrame {
    /// Which frame.
    pub key: KeyFrame,
    /// The JPEG bytes (redacted in `Debug`).
    pub jpeg: Sensitive<Vec<u8>>,
}

/// Why evidence could not be made, signed, or read. Never carries its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    /// The caller's JPEG encoder failed on a key frame.
    #[error("key frame {index} could not be encoded: {reason}")]
    KeyFrameEncoding {
        /// The frame's index.
        index: u64,
        /// What the encoder said.
        reason: String,
    },
    /// A key frame's bytes are not a JPEG, or are larger than [`MAX_KEY_FRAME_BYTES`].
    #[error("key frame {index} is not an acceptable JPEG")]
    BadKeyFrame {
        /// The frame's index.
        index: u64,
    },
    /// The device key could not sign.
    #[error("the device could not sign: {0}")]
    Signer(DeviceSignerError),
    /// The signature is invalid or the message is not a COSE_Sign1 for this purpose.
    #[error("the evidence signature does not verify: {0}")]
    Signature(CoseError),
    /// The signed bytes are larger than [`MAX_EVIDENCE_BYTES`].
    #[error("the evidence is larger than {MAX_EVIDENCE_BYTES} bytes")]
    TooLarge,
    /// The payload is not evidence of this format.
    #[error("the evidence is malformed: {0}")]
    Malformed(&'static str),
    /// The format version is not one this code reads.
    #[error("unsupported evidence format version {0}")]
    UnsupportedVersion(u64),
    /// Encoding failed.
    #[error("the evidence could not be encoded")]
    Encode,
}

/// The evidence of a passed session: the nonce, the actions, the key frames as JPEG and the
/// feature trace. `Debug` shows counts only.
#[derive(Clone, PartialEq)]
pub struct Evidence {
    nonce: Vec<u8>,
    actions: Vec<Action>,
    frames: Vec<EvidenceFrame>,
    trace: Vec<TraceEntry>,
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evidence")
            .field("nonce_len", &self.nonce.len())
            .field("actions", &self.actions)
            .field("key_frames", &self.frames.iter().map(|k| k.key).collect::<Vec<_>>())
            .field("trace_len", &self.trace.len())
            .finish()
    }
}

fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && bytes.len() <= MAX_KEY_FRAME_BYTES
}

fn int(i: i64) -> Value {
    Value::Integer(i.into())
}

fn uint(i: u64) -> Value {
    Value::Integer(i.into())
}

fn float(v: f32) -> Value {
    Value::Float(f64::from(v))
}

impl Evidence {
    /// The evidence of `passed`, with each key frame encoded to JPEG by `encode` (the platform's
    /// encoder). The frames' pixels are dropped as soon as they are encoded.
    ///
    /// # Errors
    /// [`EvidenceError::KeyFrameEncoding`] when `encode` fails, [`EvidenceError::BadKeyFrame`]
    /// when it returns something that is not a JPEG of acceptable size.
    pub fn from_session(
        passed: Session<Passed>,
        mut encode: impl FnMut(&Frame) -> Result<Vec<u8>, String>,
    ) -> Result<Self, EvidenceError> {
        let (challenge, trace, key_frames) = passed.into_parts();
        let mut frames = Vec::with_capacity(key_frames.len());
        for (key, frame) in key_frames {
            let jpeg = encode(&frame)
                .map_err(|reason| EvidenceError::KeyFrameEncoding { index: key.frame_index, reason })?;
            drop(frame);
            if !is_jpeg(&jpeg) {
                return Err(EvidenceError::BadKeyFrame { index: key.frame_index });
            }
            frames.push(EvidenceFrame { key, jpeg: Sensitive::new(jpeg) });
        }
        Ok(Self { nonce: challenge.nonce().to_vec(), actions: challenge.actions().to_vec(), frames, trace })
    }

    /// Evidence from its parts, as tests need to build it (a session builds it with
    /// [`Evidence::from_session`]).
    #[cfg(test)]
    pub(crate) fn from_parts(
        nonce: Vec<u8>,
        actions: Vec<Action>,
        frames: Vec<EvidenceFrame>,
        trace: Vec<TraceEntry>,
    ) -> Self {
        Self { nonce, actions, frames, trace }
    }

    /// The server's nonce.
    pub fn nonce(&self) -> &[u8] {
        &self.nonce
    }

    /// The challenge's actions, in order.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The key frames: neutral first, then one per action.
    pub fn key_frames(&self) -> &[EvidenceFrame] {
        &self.frames
    }

    /// The per-frame feature trace.
    pub fn trace(&self) -> &[TraceEntry] {
        &self.trace
    }

    /// The CBOR payload (layout in the module documentation).
    ///
    /// # Errors
    /// [`EvidenceError::Encode`] if encoding fails.
    pub fn to_cbor(&self) -> Result<Vec<u8>, EvidenceError> {
        let frames = self
            .frames
            .iter()
            .map(|k| {
                Value::Array(vec![
                    uint(u64::from(k.key.kind.code())),
                    uint(k.key.frame_index),
                    uint(k.key.timestamp_ms),
                    Value::Bytes(k.jpeg.expose().clone()),
                ])
            })
            .collect();
        let trace = self.trace.iter().map(trace_to_value).collect();
        let value = Value::Map(vec![
            (int(KEY_VERSION), uint(EVIDENCE_FORMAT_VERSION)),
            (int(KEY_NONCE), Value::Bytes(self.nonce.clone())),
            (
                int(KEY_ACTIONS),
                Value::Array(self.actions.iter().map(|a| uint(u64::from(a.code()))).collect()),
            ),
            (int(KEY_FRAMES), Value::Array(frames)),
            (int(KEY_TRACE), Value::Array(trace)),
        ]);
        let mut out = Vec::new();
        ciborium::ser::into_writer(&value, &mut out).map_err(|_| EvidenceError::Encode)?;
        Ok(out)
    }

    /// Reads the CBOR payload.
    ///
    /// # Errors
    /// [`EvidenceError::Malformed`] or [`EvidenceError::UnsupportedVersion`].
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, EvidenceError> {
        if bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(EvidenceError::TooLarge);
        }
        let mut rest = bytes;
        let value: Value =
            ciborium::de::from_reader(&mut rest).map_err(|_| EvidenceError::Malformed("not CBOR"))?;
        if !rest.is_empty() {
            return Err(EvidenceError::Malformed("trailing bytes"));
        }
        let Value::Map(mut entries) = value else { return Err(EvidenceError::Malformed("not a map")) };
        let mut get = |key: i64| -> Option<Value> {
            entries
                .iter()
                .position(|(k, _)| k.as_integer() == Some(key.into()))
                .map(|i| entries.swap_remove(i).1)
        };
        let version = get(KEY_VERSION).and_then(|v| as_u64(&v)).ok_or(EvidenceError::Malformed("version"))?;
        if version != EVIDENCE_FORMAT_VERSION {
            return Err(EvidenceError::UnsupportedVersion(version));
        }
        let Some(Value::Bytes(nonce)) = get(KEY_NONCE) else { return Err(EvidenceError::Malformed("nonce")) };
        let Some(Value::Array(actions)) = get(KEY_ACTIONS) else {
            return Err(EvidenceError::Malformed("actions"));
        };
        let actions = actions
            .iter()
            .map(|a| as_u64(a).and_then(Action::from_code))
            .collect::<Option<Vec<_>>>()
            .ok_or(EvidenceError::Malformed("actions"))?;
        let Some(Value::Array(frames)) = get(KEY_FRAMES) else {
            return Err(EvidenceError::Malformed("frames"));
        };
        let frames = frames.into_iter().map(frame_from_value).collect::<Result<Vec<_>, _>>()?;
        let Some(Value::Array(trace)) = get(KEY_TRACE) else { return Err(EvidenceError::Malformed("trace")) };
        if trace.len() > MAX_TRACE_LEN {
            return Err(EvidenceError::Malformed("trace too long"));
        }
        let trace = trace
            .iter()
            .map(trace_from_value)
            .collect::<Option<Vec<_>>>()
            .ok_or(EvidenceError::Malformed("trace"))?;
        Ok(Self { nonce, actions, frames, trace })
    }

    /// Signs the evidence with the device key as a tagged COSE_Sign1 for
    /// [`SigningPurpose::LivenessEvidence`], `key_id` in the protected header.
    ///
    /// # Errors
    /// [`EvidenceError::Signer`] when the key cannot sign, [`EvidenceError::Encode`] otherwise.
    pub fn sign(&self, signer: &dyn DeviceSigner, key_id: &[u8]) -> Result<Vec<u8>, EvidenceError> {
        let payload = self.to_cbor()?;
        let mut signer_error = None;
        let signed = cose::sign_with(SigningPurpose::LivenessEvidence, &payload, key_id, |tbs| {
            signer.sign_es256(tbs).map(|s| s.to_vec()).map_err(|e| {
                signer_error = Some(e);
                CoseError::Encode
            })
        });
        match (signed, signer_error) {
            (_, Some(e)) => Err(EvidenceError::Signer(e)),
            (Err(_), None) => Err(EvidenceError::Encode),
            (Ok(bytes), None) => Ok(bytes),
        }
    }

    /// Verifies signed evidence with the device's public key and reads it.
    ///
    /// # Errors
    /// [`EvidenceError::TooLarge`], [`EvidenceError::Signature`] (also for a signature made for
    /// another purpose), or a payload error from [`Evidence::from_cbor`].
    pub fn verify(signed: &[u8], key: &VerifyingKey) -> Result<Self, EvidenceError> {
        if signed.len() > MAX_EVIDENCE_BYTES {
            return Err(EvidenceError::TooLarge);
        }
        let message = Sign1::decode(signed).map_err(EvidenceError::Signature)?;
        let payload = message
            .verify_with_key(SigningPurpose::LivenessEvidence.label(), key)
            .map_err(EvidenceError::Signature)?;
        Self::from_cbor(payload)
    }
}

fn as_u64(v: &Value) -> Option<u64> {
    v.as_integer().and_then(|i| u64::try_from(i).ok())
}

fn as_f32(v: &Value) -> Option<f32> {
    match v {
        Value::Float(f) => Some(*f as f32),
        _ => None,
    }
}

fn frame_from_value(v: Value) -> Result<EvidenceFrame, EvidenceError> {
    let bad = EvidenceError::Malformed("key frame");
    let Value::Array(items) = v else { return Err(bad) };
    let Ok([kind, index, ts, Value::Bytes(jpeg)]) = <[Value; 4]>::try_from(items) else { return Err(bad) };
    let kind =
        as_u64(&kind).and_then(KeyFrameKind::from_code).ok_or(EvidenceError::Malformed("key frame"))?;
    let frame_index = as_u64(&index).ok_or(EvidenceError::Malformed("key frame"))?;
    let timestamp_ms = as_u64(&ts).ok_or(EvidenceError::Malformed("key frame"))?;
    if !is_jpeg(&jpeg) {
        return Err(EvidenceError::BadKeyFrame { index: frame_index });
    }
    Ok(EvidenceFrame { key: KeyFrame { kind, frame_index, timestamp_ms }, jpeg: Sensitive::new(jpeg) })
}

fn trace_to_value(e: &TraceEntry) -> Value {
    let face = match &e.face {
        None => Value::Null,
        Some(f) => Value::Array(
            [
                f.face_box.x,
                f.face_box.y,
                f.face_box.width,
                f.face_box.height,
                f.left_eye_aspect_ratio,
                f.right_eye_aspect_ratio,
                f.mouth_aspect_ratio,
                f.mouth_width_ratio,
                f.yaw_degrees,
                f.pitch_degrees,
                f.roll_degrees,
            ]
            .into_iter()
            .chain(f.shape.0)
            .map(float)
            .collect(),
        ),
    };
    Value::Array(vec![
        uint(e.frame_index),
        uint(e.timestamp_ms),
        uint(u64::from(e.step)),
        uint(u64::from(e.face_count)),
        float(e.brightness),
        float(e.sharpness),
        face,
    ])
}

fn trace_from_value(v: &Value) -> Option<TraceEntry> {
    let Value::Array(items) = v else { return None };
    let [index, ts, step, count, brightness, sharpness, face] = items.as_slice() else { return None };
    let face = match face {
        Value::Null => None,
        Value::Array(values) => {
            let f: Vec<f32> = values.iter().map(as_f32).collect::<Option<_>>()?;
            let [x, y, w, h, el, er, mar, mw, yaw, pitch, roll, shape @ ..] = f.as_slice() else {
                return None;
            };
            let shape: [f32; SHAPE_LEN] = shape.try_into().ok()?;
            Some(TracedFace {
                face_box: FaceBox { x: *x, y: *y, width: *w, height: *h },
                left_eye_aspect_ratio: *el,
                right_eye_aspect_ratio: *er,
                mouth_aspect_ratio: *mar,
                mouth_width_ratio: *mw,
                yaw_degrees: *yaw,
                pitch_degrees: *pitch,
                roll_degrees: *roll,
                shape: FaceShape(shape),
            })
        }
        _ => return None,
    };
    Some(TraceEntry {
        frame_index: as_u64(index)?,
        timestamp_ms: as_u64(ts)?,
        step: u8::try_from(as_u64(step)?).ok()?,
        face_count: u32::try_from(as_u64(count)?).ok()?,
        brightness: as_f32(brightness)?,
        sharpness: as_f32(sharpness)?,
        face,
    })
}

//! The server-paced liveness check (issue 15, finding 1): the only way a liveness check is
//! answered. A device never sends evidence it assembled itself.
//!
//! The device streams its frames as it captures them, in batches signed by the check's device
//! key ([`FrameBatch`]: the check's nonce, a sequence number, up to ten timed JPEGs). The server
//! measures every frame itself with its own face models, feeds the measures to a
//! [`PacedCheck`] with the time it received the batch on its own clock, and answers what to do
//! now: keep looking at the camera, or the next action, revealed only after the one before was
//! seen done in the stream. When every action is done it matches the faces with dlib: the
//! neutral frame against the registry photo, every action's key frame against the neutral one.
//!
//! - The first batch (sequence number 0), signed by the check's key, takes the check's one
//!   answer (the row is marked answered before anything is measured); a batch not signed by
//!   that key is refused without spending the check. Every later batch must carry the next
//!   sequence number and the check's nonce: a replayed, dropped or reordered batch fails the
//!   check.
//! - Each batch's frames are measured on the blocking pool under the judge gate: the same
//!   bound on work at once ([`super::Config::liveness_judges`]) and the queue timeout
//!   ([`super::Config::liveness_queue_timeout_ms`]): 503 before the batch is taken, so the device
//!   may send it again.
//! - Memory is bounded: at most [`MAX_OPEN_PACED_CHECKS`] checks stream at once (503 for the
//!   next), each keeps the pictures of its last [`MAX_KEPT_FRAMES`] frames and of the frames
//!   chosen for the face match, nothing else; a check is let go when it passes, fails, or gets
//!   no batch for [`MAX_BATCH_GAP_MS`] (then it is recorded failed).
//!
//! Frames are personal data: they live in memory for the check only and are never stored or
//! logged; the log gets the rule a check broke.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use shimin_core::crypto::VerifyingKey;
use shimin_core::liveness::pace::{MAX_BATCH_GAP_MS, Paced, PacedCheck, PacedFrame};
use shimin_core::liveness::{Action, FrameBatch, StreamedFrame};
use shimin_wire::backend::LivenessPaceResponse;

use super::liveness::challenge_of;
use super::{Backend, ServiceError};
use crate::liveness::{Decision, FailReason};
use crate::store::{DeviceRecord, LivenessCheckRecord, LivenessOutcome, LivenessPurpose, StoreError};

/// Most paced checks streaming at once on one server.
pub const MAX_OPEN_PACED_CHECKS: usize = 16;
/// Frames of a check whose pictures are kept in case one becomes a key frame (six seconds at
/// five frames a second): at most 30 × 256 KiB = 7.5 MiB a check.
pub const MAX_KEPT_FRAMES: usize = 30;

/// A paced check streaming now.
struct OpenCheck {
    check: LivenessCheckRecord,
    key: VerifyingKey,
    paced: PacedCheck,
    next_seq: u64,
    next_index: u64,
    /// When it last got a batch, or was last answered (server clock, ms).
    last_batch_ms: i64,
    /// The pictures of the last frames, by stream index.
    recent: VecDeque<(u64, Vec<u8>)>,
    /// The pictures of the frames chosen for the face match, by stream index.
    chosen: Vec<(u64, Vec<u8>)>,
}

/// The paced checks streaming now, by check id.
#[derive(Default)]
pub struct OpenChecks {
    checks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<OpenCheck>>>>,
}

impl std::fmt::Debug for OpenChecks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open = self.checks.lock().unwrap_or_else(PoisonError::into_inner).len();
        f.debug_struct("OpenChecks").field("open", &open).finish()
    }
}

impl OpenChecks {
    fn get(&self, id: i64) -> Option<Arc<tokio::sync::Mutex<OpenCheck>>> {
        self.checks.lock().unwrap_or_else(PoisonError::into_inner).get(&id).cloned()
    }

    fn remove(&self, id: i64) {
        self.checks.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
    }

    /// Lets go of the checks that got no batch for [`MAX_BATCH_GAP_MS`] (their streams stopped)
    /// and returns their ids; a check busy with a batch now is not stale.
    fn sweep(&self, now_ms: i64) -> Vec<i64> {
        let gap = i64::try_from(MAX_BATCH_GAP_MS).unwrap_or(i64::MAX);
        let mut checks = self.checks.lock().unwrap_or_else(PoisonError::into_inner);
        let stale: Vec<i64> = checks
            .iter()
            .filter(|(_, c)| c.try_lock().is_ok_and(|c| now_ms - c.last_batch_ms > gap))
            .map(|(id, _)| *id)
            .collect();
        for id in &stale {
            checks.remove(id);
        }
        stale
    }

    /// Opens `check` unless it is open already (409: another first batch came at once) or as
    /// many checks as allowed stream already (503).
    fn insert(&self, open: OpenCheck) -> Result<Arc<tokio::sync::Mutex<OpenCheck>>, ServiceError> {
        let mut checks = self.checks.lock().unwrap_or_else(PoisonError::into_inner);
        if checks.contains_key(&open.check.id) {
            return Err(ServiceError::AlreadyAnswered);
        }
        if checks.len() >= MAX_OPEN_PACED_CHECKS {
            return Err(ServiceError::Unavailable("too many liveness checks"));
        }
        let id = open.check.id;
        let open = Arc::new(tokio::sync::Mutex::new(open));
        checks.insert(id, Arc::clone(&open));
        Ok(open)
    }
}

fn pace_response(paced: &Paced) -> LivenessPaceResponse {
    match paced {
        Paced::Calibrating => LivenessPaceResponse::Calibrating,
        Paced::Act { action, step } => {
            LivenessPaceResponse::Act { action: action.as_str().to_owned(), step: *step }
        }
        Paced::Passed(_) => LivenessPaceResponse::Passed { device_id: None },
    }
}

impl Backend {
    /// Takes one signed frame batch of paced check `check_id`: an enrolment check when `device`
    /// is `None` (no login: the batch's signature by the check's key is the authentication),
    /// otherwise a case check of that device. Answers what the device is to do now; on a pass,
    /// an enrolment check's device is registered and a case check's roles are confirmed.
    ///
    /// # Errors
    /// 404 not such a check; 409 `already_answered`
    /// (a first batch for a check that was answered, or a batch for a check no longer
    /// streaming); 422 `liveness_failed` (a batch not signed by the check's key, out of
    /// sequence or for another nonce, a rule of the paced check broken, a face not matching);
    /// 503 the judge's models are missing, every judge stayed busy past the queue timeout, or
    /// too many checks stream at once.
    pub async fn paced_frames(
        &self,
        check_id: i64,
        device: Option<&DeviceRecord>,
        signed: Vec<u8>,
        now_ms: i64,
    ) -> Result<LivenessPaceResponse, ServiceError> {
        let started = std::time::Instant::now();
        for stale in self.liveness.open.sweep(now_ms) {
            tracing::info!(check = stale, "paced liveness check failed: the stream stopped");
            self.store.record_liveness_outcome(stale, LivenessOutcome::Failed).await?;
        }
        let open = match self.liveness.open.get(check_id) {
            Some(open) => open,
            None => self.open_paced(check_id, device, &signed, now_ms).await?,
        };
        let mut open = open.lock().await;
        let expected = match device {
            None => open.check.purpose == LivenessPurpose::Enrolment,
            Some(d) => {
                matches!(open.check.purpose, LivenessPurpose::Case(_)) && open.check.device_id == Some(d.id)
            }
        };
        if !expected {
            return Err(ServiceError::NotFound("liveness check"));
        }
        let Ok(batch) = FrameBatch::verify(&signed, &open.key) else {
            tracing::info!(check = check_id, "frame batch refused: not signed by the check's key");
            return Err(ServiceError::LivenessFailed);
        };
        if batch.nonce() != open.check.nonce.as_slice() || batch.seq() != open.next_seq {
            return self.fail_paced(&open, "a batch out of sequence or of another check").await;
        }
        // A batch turned away is not taken, and the device may send it again: the server's own
        // time (loading the models, waiting for a judge) is not a pause in its stream.
        let turned_away = |open: &mut OpenCheck| {
            let waited = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            open.last_batch_ms = now_ms.saturating_add(waited);
        };
        let Some(judge) = self.liveness.judge().await else {
            turned_away(&mut open);
            return Err(ServiceError::Unavailable("liveness check"));
        };
        let _running =
            match tokio::time::timeout(self.liveness.queue_timeout, self.liveness.running.acquire()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(_)) => return Err(ServiceError::Signing("judge")),
                Err(_) => {
                    tracing::info!(check = check_id, "frame batch turned away: every judge is busy");
                    turned_away(&mut open);
                    return Err(ServiceError::Unavailable("liveness judge busy"));
                }
            };
        open.next_seq += 1;
        open.last_batch_ms = now_ms;
        let frames = batch.into_frames();
        let measuring = Arc::clone(&judge);
        let measured = tokio::task::spawn_blocking(move || {
            frames
                .into_iter()
                .map(|StreamedFrame { captured_ms, jpeg }| {
                    let observation = measuring.measure_streamed(jpeg.expose(), captured_ms);
                    (captured_ms, observation, jpeg.into_inner())
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|_| ServiceError::Signing("liveness judge"))?;
        let received_ms = u64::try_from(now_ms).unwrap_or(0);
        for (captured_ms, observation, jpeg) in measured {
            let observation = match observation {
                Ok(o) => o,
                Err(reason) => return self.fail_paced_because(&open, &reason).await,
            };
            if let Err(failure) = open.paced.push(&PacedFrame { captured_ms, received_ms, observation }) {
                return self.fail_paced_because(&open, &FailReason::Paced(failure)).await;
            }
            let index = open.next_index;
            open.next_index += 1;
            open.recent.push_back((index, jpeg));
            if open.recent.len() > MAX_KEPT_FRAMES {
                open.recent.pop_front();
            }
            for chosen in open.paced.chosen_frames() {
                if open.chosen.iter().any(|(i, _)| *i == chosen) {
                    continue;
                }
                let Some(at) = open.recent.iter().position(|(i, _)| *i == chosen) else {
                    return self.fail_paced(&open, "a key frame was no longer kept").await;
                };
                let kept = open.recent.remove(at).ok_or(ServiceError::Signing("kept frame"))?;
                open.chosen.push(kept);
            }
        }
        // The next action is revealed when the answer leaves, not when the batch came: the
        // device cannot have seen it before.
        let answered_ms =
            received_ms.saturating_add(u64::try_from(started.elapsed().as_millis()).unwrap_or(0));
        open.last_batch_ms = i64::try_from(answered_ms).unwrap_or(now_ms);
        let paced = match open.paced.answer_at(received_ms, answered_ms) {
            Ok(paced) => paced,
            Err(failure) => return self.fail_paced_because(&open, &FailReason::Paced(failure)).await,
        };
        let Paced::Passed(pass) = paced else { return Ok(pace_response(&paced)) };
        let picture = |index: u64| open.chosen.iter().find(|(i, _)| *i == index).map(|(_, j)| j.clone());
        let Some(neutral) = picture(pass.neutral) else {
            return self.fail_paced(&open, "the neutral frame was not kept").await;
        };
        let Some(key_frames) = pass
            .key_frames
            .iter()
            .map(|(a, i)| picture(*i).map(|j| (*a, j)))
            .collect::<Option<Vec<(Action, Vec<u8>)>>>()
        else {
            return self.fail_paced(&open, "a key frame was not kept").await;
        };
        let photo = self.store.citizen(&open.check.citizen_id_number).await?.and_then(|c| c.photo);
        let decision = tokio::task::spawn_blocking(move || {
            let keys: Vec<(Action, &[u8])> = key_frames.iter().map(|(a, j)| (*a, j.as_slice())).collect();
            judge.match_paced(photo.as_deref(), &neutral, &keys)
        })
        .await
        .map_err(|_| ServiceError::Signing("liveness judge"))?;
        if let Decision::Fail(reason) = decision {
            return self.fail_paced_because(&open, &reason).await;
        }
        self.liveness.open.remove(check_id);
        tracing::info!(check = check_id, "paced liveness check passed");
        match open.check.purpose {
            LivenessPurpose::Enrolment => {
                let device = self.enrol_checked_device(&open.check, now_ms).await?;
                Ok(LivenessPaceResponse::Passed { device_id: Some(device.id) })
            }
            LivenessPurpose::Case(_) => {
                self.confirm_checked_case(&open.check, now_ms).await?;
                Ok(LivenessPaceResponse::Passed { device_id: None })
            }
        }
    }

    /// Opens paced check `check_id` on its first batch: the check must be of the expected
    /// purpose and still open, the batch signed by its key and the first of its stream. Takes
    /// the check's one answer.
    async fn open_paced(
        &self,
        check_id: i64,
        device: Option<&DeviceRecord>,
        signed: &[u8],
        now_ms: i64,
    ) -> Result<Arc<tokio::sync::Mutex<OpenCheck>>, ServiceError> {
        let check = self
            .store
            .liveness_check(check_id)
            .await?
            .filter(|c| match device {
                None => c.purpose == LivenessPurpose::Enrolment,
                Some(d) => matches!(c.purpose, LivenessPurpose::Case(_)) && c.device_id == Some(d.id),
            })
            .ok_or(ServiceError::NotFound("liveness check"))?;
        let key = VerifyingKey::p256_from_sec1(&check.device_key)
            .map_err(|_| StoreError::Corrupt("liveness check key"))?;
        let Ok(batch) = FrameBatch::verify(signed, &key) else {
            tracing::info!(check = check.id, "frame batch refused: not signed by the check's key");
            return Err(ServiceError::LivenessFailed);
        };
        if check.answered_at.is_some() {
            // A first batch again is a replay; a later one belongs to a stream that is over
            // (it failed, or stopped and was let go).
            return Err(if batch.seq() == 0 {
                ServiceError::AlreadyAnswered
            } else {
                ServiceError::LivenessFailed
            });
        }
        if batch.seq() != 0 || batch.nonce() != check.nonce.as_slice() {
            tracing::info!(check = check.id, "frame batch refused: not the first of this check");
            return Err(ServiceError::LivenessFailed);
        }
        let challenge = challenge_of(&check)?;
        let opened_ms = u64::try_from(check.issued_at_ms).unwrap_or(0);
        let paced = PacedCheck::new(challenge.actions(), challenge.time_limit_ms(), opened_ms);
        let pending = OpenCheck {
            check,
            key,
            paced,
            next_seq: 0,
            next_index: 0,
            last_batch_ms: now_ms,
            recent: VecDeque::new(),
            chosen: Vec::new(),
        };
        // Room first, then the answer: a full server turns the device away with its check open.
        let open = self.liveness.open.insert(pending)?;
        let answered = self.store.answer_liveness_check(check_id, now_ms / 1000).await;
        match answered {
            Ok(Some(_)) => Ok(open),
            Ok(None) => {
                self.liveness.open.remove(check_id);
                Err(ServiceError::AlreadyAnswered)
            }
            Err(e) => {
                self.liveness.open.remove(check_id);
                Err(e.into())
            }
        }
    }

    async fn fail_paced(
        &self,
        open: &OpenCheck,
        rule: &'static str,
    ) -> Result<LivenessPaceResponse, ServiceError> {
        self.liveness.open.remove(open.check.id);
        tracing::info!(check = open.check.id, rule, "paced liveness check failed");
        self.store.record_liveness_outcome(open.check.id, LivenessOutcome::Failed).await?;
        Err(ServiceError::LivenessFailed)
    }

    async fn fail_paced_because(
        &self,
        open: &OpenCheck,
        reason: &FailReason,
    ) -> Result<LivenessPaceResponse, ServiceError> {
        self.liveness.open.remove(open.check.id);
        // The reason names a rule, a key frame or a measure, never a value or a person.
        tracing::info!(check = open.check.id, %reason, "paced liveness check failed");
        self.store.record_liveness_outcome(open.check.id, LivenessOutcome::Failed).await?;
        Err(ServiceError::LivenessFailed)
    }
}

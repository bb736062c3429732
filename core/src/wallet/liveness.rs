//! The liveness check's exchanges with the backend, for its two purposes: enrolling this device
//! instead of with a one-time code, and confirming the citizen's part in a company registration
//! case. The capture itself (camera frames, face models, the session) is the platform's and
//! `shimin-face`'s; here are the rules around it: who may start which check, what is signed with
//! the device key, what is recorded when the backend passes it, and what each refusal means to
//! the user.

use shimin_wire::backend::{DeclineReasonView, IdentityRequestView};
use shimin_wire::error::ErrorCode;
use shimin_wire::liveness::LivenessPurposeView;

use super::backend::{Backend, BackendError, LivenessChallenge, PaceAnswer};
use super::error::SyncFailure;
use super::error::WalletError;
use super::store::WalletStore;
use super::sync::sign_in;
use crate::IdNumber;
use crate::liveness::{Action, FrameBatch, FrameBatchError, Guidance, MAX_BATCH_FRAMES, StreamedFrame};
use crate::records::Enrolment;
use crate::sensitive::Sensitive;

/// What a check is for, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Register this device for the citizen with this ID number.
    Enrolment(IdNumber),
    /// Confirm the citizen's part in this registration case.
    Case(i64),
}

impl Purpose {
    /// Parses what the screen asked for.
    ///
    /// # Errors
    /// [`WalletError::InvalidIdNumber`].
    pub fn parse(view: &LivenessPurposeView) -> Result<Self, WalletError> {
        Ok(match view {
            LivenessPurposeView::Enrolment { id_number } => Purpose::Enrolment(
                IdNumber::parse(id_number.trim()).map_err(|_| WalletError::InvalidIdNumber)?,
            ),
            LivenessPurposeView::Case { case_id } => Purpose::Case(*case_id),
        })
    }

    /// Whether passing the check enrols this device (and a first sync round should follow).
    pub fn enrols(&self) -> bool {
        matches!(self, Purpose::Enrolment(_))
    }
}

/// What the user is told when the backend refuses a liveness call, by the refusal's code.
pub fn refusal(failure: SyncFailure) -> WalletError {
    match failure.backend_code() {
        Some(ErrorCode::LivenessFailed) => WalletError::LivenessRejected,
        Some(ErrorCode::NoRegistryPhoto) => WalletError::NoRegistryPhoto,
        // The citizen's daily checks, or the server's rate limit on these routes: not now.
        Some(ErrorCode::AttemptsExhausted | ErrorCode::TooManyRequests) => WalletError::TooManyAttempts,
        Some(
            ErrorCode::AlreadyAnswered
            | ErrorCode::AlreadyConfirmed
            | ErrorCode::AlreadyDeclined
            | ErrorCode::DeviceAlreadyRegistered,
        ) => WalletError::AlreadyDone,
        Some(ErrorCode::RequestExpired) => WalletError::RequestExpired,
        Some(ErrorCode::UnknownCitizen | ErrorCode::NotFound) => WalletError::EnrolmentRefused,
        _ => WalletError::Backend(failure),
    }
}

/// A check the backend opened for this device: what it is for, the challenge, and the device
/// token its frame batches go with (a case check; an enrolment check streams without one).
#[derive(Debug)]
pub struct Check {
    /// What the check is for.
    pub purpose: Purpose,
    /// The server's challenge.
    pub challenge: LivenessChallenge,
    token: Option<String>,
}

/// Asks the backend for a challenge for `purpose`, for the device of the wallet in `store`
/// (registering under `label` when it enrols). A case check signs in first, once: its frame
/// batches go with that token.
///
/// # Errors
/// [`WalletError::AlreadyDone`] when the wallet is enrolled already and the check would enrol
/// it; otherwise the backend's refusal ([`refusal`]).
pub async fn begin<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    purpose: Purpose,
    label: &str,
) -> Result<Check, WalletError> {
    match &purpose {
        Purpose::Enrolment(id) => {
            if store.enrolment()?.is_some() {
                return Err(WalletError::AlreadyDone);
            }
            let device_key = store.device_key().verifying_key();
            let challenge = backend
                .liveness_enrolment_challenge(id.as_str(), &device_key, label)
                .await
                .map_err(|e| refusal(e.into()))?;
            Ok(Check { purpose, challenge, token: None })
        }
        Purpose::Case(case_id) => {
            let (_, token) = sign_in(store, backend).await.map_err(refusal)?;
            let challenge = backend.case_challenge(&token, *case_id).await.map_err(|e| refusal(e.into()))?;
            Ok(Check { purpose, challenge, token: Some(token) })
        }
    }
}

/// Signs `batch` of a running check with the device key of the wallet in `store` (a check's
/// batches are signed by the key the check was opened for: the device's).
///
/// # Errors
/// [`WalletError::Internal`] when the key cannot sign.
pub fn sign_batch<S: WalletStore + ?Sized>(store: &S, batch: &FrameBatch) -> Result<Vec<u8>, WalletError> {
    batch
        .sign(store.device_key(), b"device")
        .map_err(|_| WalletError::Internal("the device key could not sign a frame batch"))
}

impl Check {
    /// A check the backend opened with `challenge` for `purpose`; a case check's batches go
    /// with the device `token` it was opened with ([`begin`] makes these).
    pub fn new(purpose: Purpose, challenge: LivenessChallenge, token: Option<String>) -> Self {
        Self { purpose, challenge, token }
    }

    /// The backend's check id.
    pub fn check_id(&self) -> i64 {
        self.challenge.check_id
    }

    /// The check's nonce: every frame batch names it.
    pub fn nonce(&self) -> &[u8] {
        &self.challenge.nonce
    }

    /// How many actions the check asks for.
    pub fn steps(&self) -> u8 {
        self.challenge.steps
    }

    /// The challenge the backend opened the check with.
    pub fn challenge(&self) -> &LivenessChallenge {
        &self.challenge
    }

    /// Sends one signed frame batch; what the server says to do now.
    ///
    /// # Errors
    /// [`WalletError::LivenessRejected`] when the server failed the check (a rule of the paced
    /// check broken, the face not matching: start again); other refusals ([`refusal`]);
    /// [`WalletError::Backend`] offline or busy.
    pub async fn send<B: Backend>(&self, backend: &B, signed: Vec<u8>) -> Result<PaceAnswer, WalletError> {
        let check_id = self.check_id();
        let answer = match &self.token {
            None => backend.stream_enrolment_frames(check_id, signed).await,
            Some(token) => backend.stream_case_frames(token, check_id, signed).await,
        };
        answer.map_err(|e| refusal(e.into()))
    }
}

/// Records what a passed check gives the wallet: an enrolment check's device is registered, so
/// the enrolment (with the national root key) is recorded; a case check records nothing here.
///
/// # Errors
/// [`WalletError::Internal`] when an enrolment check passed without a device id; the backend's
/// refusal fetching the root key; storage errors.
pub async fn complete<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    purpose: &Purpose,
    device_id: Option<i64>,
) -> Result<(), WalletError> {
    if !purpose.enrols() {
        return Ok(());
    }
    let device_id =
        device_id.ok_or(WalletError::Internal("an enrolment check passed without a device id"))?;
    let root_key = backend.root_key().await.map_err(|e| refusal(e.into()))?;
    store.set_enrolment(&Enrolment { backend_url: backend.base_url().to_owned(), device_id, root_key })?;
    Ok(())
}

/// Least time between two frames streamed, ms (ten a second: a blink shows in one or two).
pub const STREAM_FRAME_INTERVAL_MS: u64 = 100;
/// Most time between two frames streamed, ms, however slowly the server measures (well within
/// the pause a paced check allows, [`crate::liveness::pace::MAX_FRAME_GAP_MS`]).
pub const STREAM_MAX_FRAME_INTERVAL_MS: u64 = 400;
/// Frames gathered before a batch is sent (about three tenths of a second): each action's
/// reveal waits for the batch showing the one before done, so small batches keep it quick.
pub const STREAM_BATCH_FRAMES: usize = 3;

/// Where a streamed check stands, as the device knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamState {
    /// What the server said last (at first: keep looking straight at the camera).
    Told(PaceAnswer),
    /// The server refused a batch: the check is over.
    Failed,
}

/// The device's side of a server-paced check (issue 15, finding 1): which captured frames are
/// streamed, when a batch leaves, and what the server said. No clock or I/O of its own: the
/// caller gives capture times (ms since the check began, on a monotonic clock) and sends the
/// batches one at a time, reporting each answer.
///
/// ```text
/// wants(t)? ─▶ push(t, jpeg) ─▶ next_batch() ─▶ (sign, send) ─▶ answered(answer) / refused()
/// ```
///
/// One batch is in flight at a time (the server takes them in sequence); frames captured
/// meanwhile wait for the next one, up to [`MAX_BATCH_FRAMES`] — beyond that a frame is not
/// kept. The stream keeps to the server's pace: frames are kept no more often than the server
/// measured the last batch's (its round trip shared by its frames), between
/// [`STREAM_FRAME_INTERVAL_MS`] and [`STREAM_MAX_FRAME_INTERVAL_MS`], so that a busy server
/// is not sent more than it can measure in time and its answers stay prompt.
#[derive(Debug)]
pub struct FrameStream {
    nonce: Vec<u8>,
    steps: u8,
    next_seq: u64,
    pending: Vec<StreamedFrame>,
    last_kept_ms: Option<u64>,
    /// Frames in the batch in flight.
    in_flight: Option<usize>,
    interval_ms: u64,
    state: StreamState,
    revealed: Vec<Action>,
}

impl FrameStream {
    /// The stream of the check with `nonce`, which asks for `steps` actions.
    pub fn new(nonce: Vec<u8>, steps: u8) -> Self {
        Self {
            nonce,
            steps,
            next_seq: 0,
            pending: Vec::new(),
            last_kept_ms: None,
            in_flight: None,
            interval_ms: STREAM_FRAME_INTERVAL_MS,
            state: StreamState::Told(PaceAnswer::Calibrating),
            revealed: Vec::new(),
        }
    }

    /// Where the check stands.
    pub fn state(&self) -> StreamState {
        self.state
    }

    /// The actions revealed so far, in order.
    pub fn revealed(&self) -> &[Action] {
        &self.revealed
    }

    /// How many actions the check asks for.
    pub fn steps(&self) -> u8 {
        self.steps
    }

    /// Actions done so far (every revealed one but the current, or all once passed).
    pub fn done(&self) -> usize {
        match self.state {
            StreamState::Told(PaceAnswer::Calibrating) | StreamState::Failed => {
                self.revealed.len().saturating_sub(1)
            }
            StreamState::Told(PaceAnswer::Act { step, .. }) => usize::from(step.saturating_sub(1)),
            StreamState::Told(PaceAnswer::Passed { .. }) => usize::from(self.steps),
        }
    }

    /// What to tell the user now.
    pub fn guidance(&self) -> Guidance {
        match self.state {
            StreamState::Told(PaceAnswer::Calibrating) => Guidance::LookStraight,
            StreamState::Told(PaceAnswer::Act { action, .. }) => action.guidance(),
            StreamState::Told(PaceAnswer::Passed { .. }) | StreamState::Failed => Guidance::Done,
        }
    }

    /// Whether the check is over (passed or refused).
    pub fn is_over(&self) -> bool {
        matches!(self.state, StreamState::Told(PaceAnswer::Passed { .. }) | StreamState::Failed)
    }

    /// Whether a frame captured at `captured_ms` is to be streamed: the check goes on, the last
    /// kept frame is at least the stream's interval older, and there is room for it.
    pub fn wants(&self, captured_ms: u64) -> bool {
        !self.is_over()
            && self.pending.len() < MAX_BATCH_FRAMES
            && self.last_kept_ms.is_none_or(|last| captured_ms >= last.saturating_add(self.interval_ms))
    }

    /// Keeps a frame for the next batch, when [`FrameStream::wants`] it; whether it was kept.
    pub fn push(&mut self, captured_ms: u64, jpeg: Vec<u8>) -> bool {
        if !self.wants(captured_ms) {
            return false;
        }
        self.last_kept_ms = Some(captured_ms);
        self.pending.push(StreamedFrame { captured_ms, jpeg: Sensitive::new(jpeg) });
        true
    }

    /// The next batch to sign and send, when one is due ([`STREAM_BATCH_FRAMES`] frames, or a
    /// first frame to open the check) and none is in flight.
    ///
    /// # Errors
    /// [`FrameBatchError`] when a kept frame is not a JPEG (the frames are dropped).
    pub fn next_batch(&mut self) -> Result<Option<FrameBatch>, FrameBatchError> {
        let due = if self.next_seq == 0 { 1 } else { STREAM_BATCH_FRAMES };
        if self.in_flight.is_some() || self.is_over() || self.pending.len() < due {
            return Ok(None);
        }
        let frames = std::mem::take(&mut self.pending);
        let count = frames.len();
        let batch = FrameBatch::new(self.nonce.clone(), self.next_seq, frames)?;
        self.next_seq += 1;
        self.in_flight = Some(count);
        Ok(Some(batch))
    }

    /// The server's answer to the batch in flight, which took `round_trip_ms` to come.
    pub fn answered(&mut self, answer: PaceAnswer, round_trip_ms: u64) {
        if let Some(frames) = self.in_flight.take() {
            let per_frame = round_trip_ms / u64::try_from(frames.max(1)).unwrap_or(1);
            self.interval_ms = per_frame.clamp(STREAM_FRAME_INTERVAL_MS, STREAM_MAX_FRAME_INTERVAL_MS);
        }
        if self.is_over() {
            return;
        }
        if let PaceAnswer::Act { action, step } = answer
            && usize::from(step) > self.revealed.len()
        {
            self.revealed.push(action);
        }
        self.state = StreamState::Told(answer);
    }

    /// The batch in flight was refused or could not be sent: the check is over (a batch cannot
    /// be sent again once the server may have taken it).
    pub fn refused(&mut self) {
        self.in_flight = None;
        self.pending.clear();
        self.state = StreamState::Failed;
    }
}

/// The open registration cases naming the wallet's citizen.
///
/// # Errors
/// [`WalletError::NotEnrolled`], [`WalletError::Backend`].
pub async fn identity_requests<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
) -> Result<Vec<IdentityRequestView>, WalletError> {
    let (_, token) = sign_in(store, backend).await.map_err(|e| match e {
        SyncFailure::NotEnrolled => WalletError::NotEnrolled,
        other => WalletError::Backend(other),
    })?;
    Ok(backend.identity_requests(&token).await?)
}

/// The wallet's citizen declines to confirm registration case `case_id`, for `reason`: the
/// registrar is told. The request as it now stands.
///
/// # Errors
/// [`WalletError::NotEnrolled`]; [`WalletError::AlreadyDone`] (confirmed or declined already);
/// [`WalletError::EnrolmentRefused`] (not the citizen's case, or closed); [`WalletError::Backend`].
pub async fn decline_request<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    case_id: i64,
    reason: DeclineReasonView,
) -> Result<IdentityRequestView, WalletError> {
    let (_, token) = sign_in(store, backend).await.map_err(|e| match e {
        SyncFailure::NotEnrolled => WalletError::NotEnrolled,
        other => refusal(other),
    })?;
    backend.decline_case(&token, case_id, reason).await.map_err(|e| refusal(e.into()))
}

impl From<BackendError> for WalletError {
    fn from(e: BackendError) -> Self {
        WalletError::Backend(SyncFailure::Backend(e))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::panic)]

    use super::*;

    const JPEG: [u8; 8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9];

    fn stream() -> FrameStream {
        FrameStream::new(vec![3; 16], 3)
    }

    #[test]
    fn the_first_frame_opens_the_check_then_batches_of_three_one_in_flight_at_a_time() {
        let mut s = stream();
        assert!(s.push(0, JPEG.to_vec()));
        let first = s.next_batch().expect("a batch").expect("due at once");
        assert_eq!((first.seq(), first.frames().len(), first.nonce()), (0, 1, &[3; 16][..]));
        for t in [100, 200, 300, 400] {
            assert!(s.push(t, JPEG.to_vec()));
        }
        assert!(s.next_batch().expect("no error").is_none(), "the first batch is still in flight");
        s.answered(PaceAnswer::Calibrating, 50);
        let second = s.next_batch().expect("a batch").expect("due");
        assert_eq!(
            (second.seq(), second.frames().iter().map(|f| f.captured_ms).collect::<Vec<_>>()),
            (1, vec![100, 200, 300, 400]),
            "every frame kept while the first was in flight"
        );
        s.answered(PaceAnswer::Calibrating, 50);
        assert!(s.push(500, JPEG.to_vec()) && s.push(600, JPEG.to_vec()));
        assert!(s.next_batch().expect("no error").is_none(), "two frames are not a batch yet");
    }

    #[test]
    fn frames_are_kept_at_the_servers_pace_within_bounds_and_never_beyond_a_batch() {
        let mut s = stream();
        assert!(s.push(0, JPEG.to_vec()));
        assert!(!s.wants(99) && s.wants(100), "ten a second at most");
        s.next_batch().expect("a batch").expect("due");
        // The server took 900 ms for one frame: the stream slows to its bound.
        s.answered(PaceAnswer::Calibrating, 900);
        assert_eq!(s.interval_ms, STREAM_MAX_FRAME_INTERVAL_MS);
        assert!(!s.wants(STREAM_MAX_FRAME_INTERVAL_MS - 1) && s.wants(STREAM_MAX_FRAME_INTERVAL_MS));
        for i in 1..=3 {
            assert!(s.push(i * 400, JPEG.to_vec()));
        }
        s.next_batch().expect("a batch").expect("due");
        // Three frames measured in 450 ms: 150 ms a frame.
        s.answered(PaceAnswer::Calibrating, 450);
        assert_eq!(s.interval_ms, 150);
        s.next_batch().expect("no error");
        s.in_flight = Some(1);
        for i in 0..20 {
            s.push(10_000 + i * 1_000, JPEG.to_vec());
        }
        assert_eq!(s.pending.len(), MAX_BATCH_FRAMES, "no more than a batch waits");
        assert!(!s.wants(100_000));
    }

    #[test]
    fn actions_are_known_only_as_the_server_reveals_them_and_a_refusal_ends_the_check() {
        let mut s = stream();
        assert_eq!(
            (s.state(), s.guidance(), s.done(), s.revealed()),
            (StreamState::Told(PaceAnswer::Calibrating), Guidance::LookStraight, 0, &[][..])
        );
        s.answered(PaceAnswer::Act { action: Action::Nod, step: 1 }, 10);
        s.answered(PaceAnswer::Act { action: Action::Nod, step: 1 }, 10);
        assert_eq!((s.guidance(), s.done(), s.revealed()), (Guidance::Nod, 0, &[Action::Nod][..]));
        s.answered(PaceAnswer::Act { action: Action::Blink, step: 2 }, 10);
        assert_eq!(
            (s.guidance(), s.done(), s.revealed()),
            (Guidance::Blink, 1, &[Action::Nod, Action::Blink][..])
        );
        s.answered(PaceAnswer::Passed { device_id: Some(9) }, 10);
        assert_eq!(
            (s.state(), s.done(), s.guidance()),
            (StreamState::Told(PaceAnswer::Passed { device_id: Some(9) }), 3, Guidance::Done)
        );
        assert!(!s.wants(1_000_000) && !s.push(1_000_000, JPEG.to_vec()), "nothing streams after the end");

        let mut refused = stream();
        refused.push(0, JPEG.to_vec());
        refused.next_batch().expect("a batch").expect("due");
        refused.refused();
        assert!(refused.is_over() && refused.next_batch().expect("no error").is_none());
        refused.answered(PaceAnswer::Act { action: Action::Blink, step: 1 }, 10);
        assert_eq!(refused.state(), StreamState::Failed, "a late answer does not reopen a refused check");
    }

    #[test]
    fn a_kept_frame_that_is_not_a_jpeg_is_refused_with_the_batch() {
        let mut s = stream();
        s.push(0, b"not a jpeg".to_vec());
        assert!(matches!(s.next_batch(), Err(FrameBatchError::BadFrame { position: 0 })));
    }
}

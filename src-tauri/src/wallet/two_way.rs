//! The two-way mode on this device (`shimin_core::wallet::two_way`): the request this device
//! shows as a verifier, held in memory while its screen shows it, and what a scanned code is —
//! someone's presentation (checked as the answer to the request held, when there is one) or a
//! verifier's request for the holder to agree to.

use std::sync::{Mutex, MutexGuard, PoisonError};

use shimin_core::present::PresentationRequest;
use shimin_core::wallet::two_way;
use shimin_wire::wallet::{AnswerRequest, AskView, PresentationView, PresetView, ScannedView};

use super::{AppError, WalletState};

/// The request this device shows as a verifier, if any.
#[derive(Debug, Default)]
pub(super) struct AskState {
    request: Mutex<Option<PresentationRequest>>,
}

impl AskState {
    fn held(&self) -> MutexGuard<'_, Option<PresentationRequest>> {
        // A request is replaced whole; a panic cannot leave half of one.
        self.request.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl WalletState {
    /// Draws a fresh request for `preset` and holds it (replacing one held): from now on a
    /// scanned presentation counts only as the answer to it.
    ///
    /// # Errors
    /// [`AppError::Internal`] when no request can be drawn.
    pub fn ask(&self, preset: PresetView) -> Result<AskView, AppError> {
        let (request, view) = two_way::ask(preset, self.now())?;
        *self.asking.held() = Some(request);
        Ok(view)
    }

    /// Lets go of the request held if its code is `code`: scanned codes are one-way codes
    /// again. A screen letting go late of a request it showed before (its calls may arrive out
    /// of order) leaves the request shown now in force.
    pub fn stop_asking(&self, code: &str) {
        let mut held = self.asking.held();
        if held.as_ref().is_some_and(|r| r.code() == code) {
            *held = None;
        }
    }

    /// Answers a verifier's request once the holder agreed.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::BadRequest`], [`AppError::NotFound`],
    /// [`AppError::PresetNotApplicable`].
    pub fn answer_request(&self, request: &AnswerRequest) -> Result<PresentationView, AppError> {
        let now = self.now();
        self.with_wallet(|w| two_way::answer(w, request, now))
    }

    /// What the scanned `text` is: a verifier's request (read from the open wallet), or a
    /// presentation with the verdict on it — as the answer to the request held, when one is.
    ///
    /// # Errors
    /// [`AppError::Locked`] for a request while the wallet is locked; a storage failure.
    pub(super) fn scanned(&self, text: &str) -> Result<ScannedView, AppError> {
        let lists = self.lists()?;
        let now = self.now();
        if two_way::is_request(text) {
            return self
                .with_wallet(|w| two_way::read_request(w, &lists, text, now))
                .map(ScannedView::Request);
        }
        let asked = *self.asking.held();
        Ok(ScannedView::Verdict(lists.verdict_view(now, &mut self.seen(), |verifier, now| match &asked {
            Some(request) => verifier.verify_answer(text, request, now),
            None => verifier.verify_text(text, now),
        })))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use super::*;

    /// The screen's calls may arrive out of order: a late "stop" for the request shown before
    /// must not turn off the one shown now, or one-way codes would pass while a request is on
    /// screen.
    #[test]
    fn a_late_stop_for_an_earlier_request_leaves_the_one_shown_in_force() {
        let dir = tempfile::tempdir().expect("dir");
        let state = WalletState::in_dir(dir.path().to_path_buf(), None);
        let first = state.ask(PresetView::Identity).expect("ask");
        let second = state.ask(PresetView::AgeOver18).expect("ask");
        assert_ne!(first.code, second.code);
        state.stop_asking(&first.code);
        assert_eq!(state.asking.held().map(|r| r.code()), Some(second.code.clone()), "still asking");
        state.stop_asking(&second.code);
        assert!(state.asking.held().is_none(), "the request shown is let go");
    }
}

//! The signed lists a device checks certificates against, verified once and held in memory.
//!
//! Verifying a trust list and every status list costs a signature check each. The app loads them
//! once — when it starts verifying, when the wallet is unlocked — and replaces them after each
//! sync; every check in between (a card's badge, a redrawn QR code, each camera frame of the
//! scanner) uses the copies in memory. A cached list that no longer verifies is left out and the
//! reason kept in [`Lists::problems`] for the shell's log; checks then say what they could not
//! check.

use crate::cert::IssuedCertificate;
use crate::crypto::VerifyingKey;
use crate::status_list::VerifiedStatusList;
use crate::trust::{CachedCopy, TrustList, VerifiedTrustList};
use crate::verifier::{SeenPresentations, Verdict, Verifier, VerifierPolicy};
use crate::views;

use super::store::{ListStore, StorageError};

/// A verifier over the lists in memory.
pub type ListVerifier<'a> = Verifier<'a, Vec<CachedCopy<VerifiedStatusList>>>;

/// Why a cached list was left out when loading. Names the list, never its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ListProblem {
    /// No root key is pinned (the device never enrolled) and none was supplied.
    #[error("no national root key is pinned; cached lists are not used")]
    NoRootKey,
    /// The cached trust list does not verify under the pinned root key.
    #[error("the cached trust list does not verify under the national root key")]
    TrustListInvalid,
    /// A cached status list is not signed by a key on the trust list (or is damaged).
    #[error("a cached status list does not verify under the trust list")]
    StatusListInvalid,
}

/// Why signed lists handed over as files were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignedListsError {
    /// The trust list does not verify under the national root key.
    #[error("the trust list does not verify under the national root key")]
    TrustList,
    /// A status list is not signed by a key on the trust list (or is damaged).
    #[error("status list {index} is not signed by a key on the trust list")]
    StatusList {
        /// Its position among the status lists given, from 0.
        index: usize,
    },
}

/// The verified trust list and status lists, or none.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    trust: Option<CachedCopy<VerifiedTrustList>>,
    status: Vec<CachedCopy<VerifiedStatusList>>,
    problems: Vec<ListProblem>,
}

impl Lists {
    /// Loads and verifies the lists in `store`: the trust list under the root key pinned at
    /// enrolment, or else `fallback_root` (a verifier-only device pins it from a file); each
    /// status list under its signer's key on that trust list. A missing root key, an empty store
    /// or a list that no longer verifies gives fewer lists (see [`Lists::problems`]); only a
    /// storage failure is an error.
    ///
    /// # Errors
    /// [`StorageError::Failed`] when the store cannot be read.
    pub fn load(store: &dyn ListStore, fallback_root: Option<&VerifyingKey>) -> Result<Self, StorageError> {
        let mut lists = Self::default();
        let pinned = store.pinned_root_key()?;
        let Some(root) = pinned.as_ref().or(fallback_root) else {
            lists.problems.push(ListProblem::NoRootKey);
            return Ok(lists);
        };
        let Some(bytes) = store.trust_list_bytes()? else { return Ok(lists) };
        let trust = match CachedCopy::<VerifiedTrustList>::from_bytes(&bytes, root) {
            Ok(trust) => trust,
            Err(_) => {
                lists.problems.push(ListProblem::TrustListInvalid);
                return Ok(lists);
            }
        };
        for bytes in store.status_list_bytes()? {
            match CachedCopy::from_bytes_with(&bytes, |signed| trust.list().status_list_key(signed)) {
                Ok(copy) => lists.status.push(copy),
                Err(_) => lists.problems.push(ListProblem::StatusListInvalid),
            }
        }
        lists.trust = Some(trust);
        Ok(lists)
    }

    /// Lists from signed bytes a verifier was handed (the command line's files), each with when
    /// it was fetched: the trust list verified under `root` (an expired one is kept: the verdict
    /// says it is stale), each status list under its signer's key on that trust list — the same
    /// rules as [`Lists::load`], but a list that does not verify is refused rather than left out.
    ///
    /// # Errors
    /// [`SignedListsError`] naming the first list refused.
    pub fn from_signed(
        root: &VerifyingKey,
        trust: (&[u8], i64),
        status: &[(Vec<u8>, i64)],
    ) -> Result<Self, SignedListsError> {
        let (trust_bytes, trust_fetched_at) = trust;
        let trust =
            TrustList::verify_ignoring_expiry(trust_bytes, root).map_err(|_| SignedListsError::TrustList)?;
        let status = status
            .iter()
            .enumerate()
            .map(|(index, (bytes, fetched_at))| {
                trust
                    .status_list_key(bytes)
                    .and_then(|key| VerifiedStatusList::verify_ignoring_expiry(bytes, key).ok())
                    .map(|list| CachedCopy::new(list, *fetched_at))
                    .ok_or(SignedListsError::StatusList { index })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::from_verified(CachedCopy::new(trust, trust_fetched_at), status))
    }

    /// Lists from copies already verified (a test, a command-line verifier reading files).
    pub fn from_verified(
        trust: CachedCopy<VerifiedTrustList>,
        status: Vec<CachedCopy<VerifiedStatusList>>,
    ) -> Self {
        Self { trust: Some(trust), status, problems: Vec::new() }
    }

    /// What was left out when loading, for the shell's log.
    pub fn problems(&self) -> &[ListProblem] {
        &self.problems
    }

    /// Whether a trust list is held (without one, nothing can be checked).
    pub fn has_trust_list(&self) -> bool {
        self.trust.is_some()
    }

    /// How many status lists are held.
    pub fn status_list_count(&self) -> usize {
        self.status.len()
    }

    /// How fresh the verification data is at `now`, as the verifier's one line says it: the age
    /// of the oldest list held, due or stale when any one is; `None` without a trust list.
    pub fn freshness(&self, now: i64) -> Option<shimin_wire::wallet::ListAgeView> {
        let trust = self.trust.as_ref()?.freshness(now);
        let oldest =
            self.status.iter().map(|s| s.freshness(now)).fold(trust, |a, b| crate::trust::Freshness {
                age_seconds: a.age_seconds.max(b.age_seconds),
                refresh_due: a.refresh_due || b.refresh_due,
                stale: a.stale || b.stale,
            });
        Some(crate::views::list_age_view(oldest.into()))
    }

    /// The trust list and the status lists, for a check that builds its own verifier (the
    /// application's pre-review), unless no trust list is held.
    pub fn parts(&self) -> Option<(&CachedCopy<VerifiedTrustList>, &Vec<CachedCopy<VerifiedStatusList>>)> {
        self.trust.as_ref().map(|trust| (trust, &self.status))
    }

    /// A verifier over these lists, unless no trust list is held.
    pub fn verifier(&self) -> Option<ListVerifier<'_>> {
        self.trust.as_ref().map(|trust| Verifier::new(trust, &self.status, VerifierPolicy::default()))
    }

    /// The verdict `check` gives with these lists at `now`, checked against the codes this
    /// verifier accepted lately (`seen`), as the verify screen shows it; the "nothing could be
    /// checked" verdict without a trust list.
    pub fn verdict_view(
        &self,
        now: i64,
        seen: &mut SeenPresentations,
        check: impl FnOnce(&ListVerifier<'_>, i64) -> Verdict,
    ) -> shimin_wire::wallet::VerdictView {
        match self.verifier() {
            Some(verifier) => {
                let mut verdict = check(&verifier, now);
                seen.check(&mut verdict, now);
                views::verdict_view(&verdict)
            }
            None => views::unchecked_verdict_view(),
        }
    }

    /// The verdict `check` gives on one frame of a scanning camera, checked against `seen` as
    /// [`Lists::verdict_view`]: `None` while no code is in view (the scanner keeps looking);
    /// without a trust list the "nothing could be checked" verdict at once, since there is
    /// nothing to wait for.
    pub fn scan_verdict_view(
        &self,
        now: i64,
        seen: &mut SeenPresentations,
        check: impl FnOnce(&ListVerifier<'_>, i64) -> Verdict,
    ) -> Option<shimin_wire::wallet::VerdictView> {
        match self.verifier() {
            Some(verifier) => {
                let mut verdict = check(&verifier, now);
                seen.check(&mut verdict, now);
                views::scan_verdict_view(&verdict)
            }
            None => Some(views::unchecked_verdict_view()),
        }
    }

    /// What a verifier holding these lists would say at `now` about `issued`, held by the
    /// device whose public key is `device`, with every attribute shown; `None` without a trust
    /// list. A direct check: nothing is signed.
    pub fn check(&self, issued: &IssuedCertificate, device: &VerifyingKey, now: i64) -> Option<Verdict> {
        self.verifier().map(|verifier| verifier.verify_issued(issued, device, now))
    }
}

//! Keeping the offline catalogue: fetch the changes after the version held, check every service
//! of a page before anything is stored, apply the page and its version in one step. Public data,
//! so no sign-in: the catalogue syncs before enrolment and on the verify-only path too.
//!
//! The rule that makes applying idempotent: a change replaces the held service only when its
//! version is newer than the held one's; the held version moves to the page's `to` in the same
//! transaction. A crash between fetching and storing fetches the same page again; applying it
//! twice gives the same rows.

use std::future::Future;

use shimin_wire::catalogue::{CatalogueChangesResponse, ChangeOpDto};
use shimin_wire::sync::SyncProblemView;

use super::guide::{GuideError, Service};
use crate::sync::BackendError;

/// The most changes a page may carry.
pub const MAX_PAGE_CHANGES: usize = 2_000;
/// The most pages one round fetches (a guard against a backend that never says "no more").
pub const MAX_PAGES: usize = 1_000;

/// What a catalogue round needs from the backend.
pub trait CatalogueSource {
    /// `GET /v1/catalogue/changes?since=…`.
    fn catalogue_changes(
        &self,
        since: u64,
    ) -> impl Future<Output = Result<CatalogueChangesResponse, BackendError>> + Send;
}

/// What a catalogue round needs from the app's storage.
pub trait CatalogueStore {
    /// The storage's error.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The catalogue version held (0: none).
    ///
    /// # Errors
    /// A storage error.
    fn catalogue_version(&self) -> Result<u64, Self::Error>;

    /// Applies a checked page in one transaction: on `reset`, drop every held service first;
    /// then each service replaces the held one with its code only when its version is newer;
    /// then the held version becomes `page.to`.
    ///
    /// # Errors
    /// A storage error; nothing of the page is kept then.
    fn apply_catalogue_page(&mut self, page: &CataloguePage) -> Result<(), Self::Error>;
}

/// What a change did: one set of names for the feed, the backend's rows and the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// Added.
    Add,
    /// Changed.
    Change,
    /// Split into others.
    Split,
    /// Merged into others.
    Merge,
    /// Suspended.
    Suspend,
    /// Cancelled.
    Cancel,
}

impl ChangeOp {
    /// Every op.
    pub const ALL: [ChangeOp; 6] = [
        ChangeOp::Add,
        ChangeOp::Change,
        ChangeOp::Split,
        ChangeOp::Merge,
        ChangeOp::Suspend,
        ChangeOp::Cancel,
    ];

    /// Its name in the feed and in stored rows: `add`, `change`, `split`, `merge`, `suspend`, `cancel`.
    pub fn name(self) -> &'static str {
        match self {
            ChangeOp::Add => "add",
            ChangeOp::Change => "change",
            ChangeOp::Split => "split",
            ChangeOp::Merge => "merge",
            ChangeOp::Suspend => "suspend",
            ChangeOp::Cancel => "cancel",
        }
    }

    /// The op with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }
}

impl From<ChangeOpDto> for ChangeOp {
    fn from(op: ChangeOpDto) -> Self {
        match op {
            ChangeOpDto::Add => ChangeOp::Add,
            ChangeOpDto::Change => ChangeOp::Change,
            ChangeOpDto::Split => ChangeOp::Split,
            ChangeOpDto::Merge => ChangeOp::Merge,
            ChangeOpDto::Suspend => ChangeOp::Suspend,
            ChangeOpDto::Cancel => ChangeOp::Cancel,
        }
    }
}

impl From<ChangeOp> for ChangeOpDto {
    fn from(op: ChangeOp) -> Self {
        match op {
            ChangeOp::Add => ChangeOpDto::Add,
            ChangeOp::Change => ChangeOpDto::Change,
            ChangeOp::Split => ChangeOpDto::Split,
            ChangeOp::Merge => ChangeOpDto::Merge,
            ChangeOp::Suspend => ChangeOpDto::Suspend,
            ChangeOp::Cancel => ChangeOpDto::Cancel,
        }
    }
}

/// A checked page of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CataloguePage {
    /// The version held after applying it.
    pub to: u64,
    /// The catalogue's newest version.
    pub head: u64,
    /// Whether more pages follow.
    pub more: bool,
    /// Whether it replaces everything held.
    pub reset: bool,
    /// The changes, oldest first: each service as it stands after its change.
    pub changes: Vec<(ChangeOp, Service)>,
}

/// Why a page is refused. Nothing of it is stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// The page answers another question than the one asked.
    #[error("the page starts at version {got}, not at the {asked} asked for")]
    WrongStart {
        /// Asked.
        asked: u64,
        /// Answered.
        got: u64,
    },
    /// The versions do not fit: a change outside `since..=to`, `to` beyond `head`, versions not
    /// increasing, a change's service at another version, or `more` with nothing new.
    #[error("the page's versions are inconsistent")]
    Versions,
    /// A reset page for a client that asked for changes.
    #[error("a reset answered a request for changes")]
    UnexpectedReset,
    /// Too many changes.
    #[error("the page has more than {MAX_PAGE_CHANGES} changes")]
    TooLarge,
    /// A service does not parse.
    #[error("a service in the page: {0}")]
    Service(#[from] GuideError),
}

impl CataloguePage {
    /// Checks a response to a request for the changes after `since`.
    ///
    /// # Errors
    /// The first [`PageError`] found.
    pub fn parse(response: CatalogueChangesResponse, since: u64) -> Result<Self, PageError> {
        if response.since != since {
            return Err(PageError::WrongStart { asked: since, got: response.since });
        }
        if response.reset && since != 0 {
            return Err(PageError::UnexpectedReset);
        }
        if response.changes.len() > MAX_PAGE_CHANGES {
            return Err(PageError::TooLarge);
        }
        if response.to < since || response.to > response.head || (response.more && response.to == since) {
            return Err(PageError::Versions);
        }
        let mut last = since;
        let mut changes = Vec::with_capacity(response.changes.len());
        for change in response.changes {
            // One change may touch several services (a split), so equal versions may follow.
            let in_order = change.version > since && change.version >= last;
            if !in_order || change.version > response.to || change.service.version != change.version {
                return Err(PageError::Versions);
            }
            last = change.version;
            changes.push((ChangeOp::from(change.op), Service::parse(change.service)?));
        }
        Ok(CataloguePage {
            to: response.to,
            head: response.head,
            more: response.more,
            reset: response.reset,
            changes,
        })
    }
}

/// How a round ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogueReport {
    /// The version held now.
    pub version: u64,
    /// Pages applied.
    pub pages: usize,
    /// Changes applied (services in those pages).
    pub changes: usize,
}

/// Why a round stopped. Pages applied before it stay applied.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueFailure {
    /// The backend could not be reached or refused.
    #[error("the backend: {0}")]
    Backend(#[from] BackendError),
    /// A page did not check out; nothing of it was stored.
    #[error("a page: {0}")]
    Page(#[from] PageError),
    /// Storage failed.
    #[error("storage: {0}")]
    Store(Box<dyn std::error::Error + Send + Sync>),
    /// The backend kept saying "more" beyond [`MAX_PAGES`].
    #[error("the backend did not finish in {MAX_PAGES} pages")]
    Endless,
}

impl CatalogueFailure {
    /// What the user is told about it.
    pub fn problem(&self) -> SyncProblemView {
        match self {
            CatalogueFailure::Backend(BackendError::Network(_)) => SyncProblemView::Offline,
            CatalogueFailure::Backend(BackendError::Unavailable { .. }) => SyncProblemView::ServerUnavailable,
            CatalogueFailure::Store(_) => SyncProblemView::Storage,
            CatalogueFailure::Backend(_) | CatalogueFailure::Page(_) | CatalogueFailure::Endless => {
                SyncProblemView::BadData
            }
        }
    }
}

/// When the next catalogue round is due: every [`CatalogueSchedule::INTERVAL`] after a round
/// that finished, sooner when asked, and after a failure with the sync's backoff (2 s doubling,
/// at most 5 minutes, jittered).
#[derive(Debug, Clone, Default)]
pub struct CatalogueSchedule {
    requested: bool,
    running: bool,
    last_finished: Option<i64>,
    failures: u32,
    retry_at: Option<i64>,
    problem: Option<SyncProblemView>,
}

impl CatalogueSchedule {
    /// Between rounds when nothing failed: six hours (the catalogue changes slowly).
    pub const INTERVAL: i64 = 6 * 3_600;

    /// Asks for a round now.
    pub fn request(&mut self) {
        self.requested = true;
    }

    /// A round started.
    pub fn started(&mut self) {
        self.requested = false;
        self.running = true;
    }

    /// A round finished at `now`; `jitter` in `[0, 1]` spreads retries.
    pub fn finished(&mut self, result: &Result<CatalogueReport, CatalogueFailure>, now: i64, jitter: f64) {
        self.running = false;
        match result {
            Ok(_) => {
                self.last_finished = Some(now);
                self.failures = 0;
                self.retry_at = None;
                self.problem = None;
            }
            Err(failure) => {
                self.failures = self.failures.saturating_add(1);
                let delay = crate::sync::Backoff::default().delay(self.failures, jitter);
                self.retry_at = Some(now.saturating_add(i64::try_from(delay.as_secs()).unwrap_or(i64::MAX)));
                self.problem = Some(failure.problem());
            }
        }
    }

    /// Seconds until the next round is due (0: now).
    pub fn due_in(&self, now: i64) -> i64 {
        if self.running {
            return Self::INTERVAL;
        }
        if self.requested {
            return 0;
        }
        if let Some(at) = self.retry_at {
            return (at - now).max(0);
        }
        match self.last_finished {
            None => 0,
            Some(at) => (at + Self::INTERVAL - now).max(0),
        }
    }

    /// Whether a round runs.
    pub fn running(&self) -> bool {
        self.running
    }

    /// Why the last round failed, until one succeeds.
    pub fn problem(&self) -> Option<SyncProblemView> {
        self.problem
    }
}

/// One round: fetch and apply pages until the backend has no more.
///
/// # Errors
/// A [`CatalogueFailure`]; every page applied before it stays.
pub async fn round<S: CatalogueStore + Send + ?Sized, B: CatalogueSource + Sync>(
    store: &mut S,
    backend: &B,
) -> Result<CatalogueReport, CatalogueFailure> {
    let mut report = CatalogueReport {
        version: store.catalogue_version().map_err(|e| CatalogueFailure::Store(Box::new(e)))?,
        pages: 0,
        changes: 0,
    };
    loop {
        if report.pages >= MAX_PAGES {
            return Err(CatalogueFailure::Endless);
        }
        let since = report.version;
        let response = backend.catalogue_changes(since).await?;
        let page = CataloguePage::parse(response, since)?;
        store.apply_catalogue_page(&page).map_err(|e| CatalogueFailure::Store(Box::new(e)))?;
        report.version = page.to;
        report.pages += 1;
        report.changes += page.changes.len();
        if !page.more {
            return Ok(report);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use shimin_wire::catalogue::{CatalogueChangeDto, ServiceDocument, ServiceStatusDto};

    use super::*;

    fn document(version: u64) -> ServiceDocument {
        let json = include_str!("../../tests/vectors/catalogue/driving-licence-renewal.json");
        let mut d: ServiceDocument = serde_json::from_str(json).expect("the test vector");
        d.version = version;
        d
    }

    /// A second service: the same guide under another handling item.
    fn other(version: u64) -> ServiceDocument {
        let mut d = document(version);
        d.code = d.code.replace("-05", "-01");
        d.name.hans = "机动车驾驶证申领".into();
        d
    }

    fn change(op: ChangeOpDto, service: ServiceDocument) -> CatalogueChangeDto {
        CatalogueChangeDto { version: service.version, op, service }
    }

    fn response(
        since: u64,
        to: u64,
        more: bool,
        changes: Vec<CatalogueChangeDto>,
    ) -> CatalogueChangesResponse {
        CatalogueChangesResponse { since, to, head: to.max(since), more, reset: since == 0, changes }
    }

    /// The app's store, in memory: code → (version, name, status).
    #[derive(Default)]
    struct Memory {
        version: u64,
        rows: BTreeMap<String, (u64, String, bool)>,
    }

    impl CatalogueStore for Memory {
        type Error = std::io::Error;

        fn catalogue_version(&self) -> Result<u64, Self::Error> {
            Ok(self.version)
        }

        fn apply_catalogue_page(&mut self, page: &CataloguePage) -> Result<(), Self::Error> {
            if page.reset {
                self.rows.clear();
            }
            for (_, s) in &page.changes {
                let code = s.code.to_string();
                if self.rows.get(&code).is_none_or(|held| held.0 < s.version) {
                    self.rows.insert(code, (s.version, s.name.hans.clone(), s.is_active()));
                }
            }
            self.version = page.to;
            Ok(())
        }
    }

    /// The backend: pages by the version asked from.
    struct Script(Mutex<Vec<(u64, CatalogueChangesResponse)>>);

    impl CatalogueSource for Script {
        async fn catalogue_changes(&self, since: u64) -> Result<CatalogueChangesResponse, BackendError> {
            let pages = self.0.lock().expect("the script");
            pages
                .iter()
                .find(|(asked, _)| *asked == since)
                .map(|(_, r)| r.clone())
                .ok_or(BackendError::Malformed("no such page in the script"))
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().expect("a runtime").block_on(f)
    }

    #[test]
    fn a_round_downloads_everything_then_only_the_change() {
        let first = response(
            0,
            2,
            false,
            vec![change(ChangeOpDto::Add, document(1)), change(ChangeOpDto::Add, other(2))],
        );
        let mut renamed = document(3);
        renamed.name.hans = "机动车驾驶证换领".into();
        let second = response(2, 3, false, vec![change(ChangeOpDto::Change, renamed)]);
        let backend = Script(Mutex::new(vec![(0, first), (2, second)]));
        let mut store = Memory::default();

        let report = block_on(round(&mut store, &backend)).expect("first download");
        assert_eq!(report, CatalogueReport { version: 2, pages: 1, changes: 2 });
        let report = block_on(round(&mut store, &backend)).expect("the next round");
        assert_eq!(report, CatalogueReport { version: 3, pages: 1, changes: 1 }, "only the change");
        assert_eq!(store.rows.len(), 2);
        assert_eq!(store.rows[&document(0).code], (3, "机动车驾驶证换领".to_owned(), true));
    }

    #[test]
    fn applying_the_same_changes_twice_gives_the_same_catalogue() {
        let mut suspended = other(4);
        suspended.status = ServiceStatusDto::Suspended;
        let page = CataloguePage::parse(
            response(
                2,
                4,
                false,
                vec![change(ChangeOpDto::Change, document(3)), change(ChangeOpDto::Suspend, suspended)],
            ),
            2,
        )
        .expect("a page");
        let mut store = Memory::default();
        store.apply_catalogue_page(&page).expect("once");
        let once = (store.version, store.rows.clone());
        store.apply_catalogue_page(&page).expect("twice");
        assert_eq!((store.version, store.rows.clone()), once);
        assert!(!store.rows[&other(0).code].2, "suspended");
        // An older copy never overwrites a newer one.
        let stale =
            CataloguePage::parse(response(0, 1, false, vec![change(ChangeOpDto::Add, document(1))]), 0)
                .expect("a page");
        let mut older = CataloguePage { reset: false, ..stale };
        older.to = 4;
        store.apply_catalogue_page(&older).expect("applied");
        assert_eq!(store.rows[&document(0).code].0, 3);
    }

    #[test]
    fn an_inconsistent_page_is_refused_whole() {
        let ok = || vec![change(ChangeOpDto::Add, document(3)), change(ChangeOpDto::Add, other(4))];
        assert_eq!(
            CataloguePage::parse(response(2, 4, false, ok()), 3),
            Err(PageError::WrongStart { asked: 3, got: 2 })
        );
        let mut beyond = response(2, 4, false, ok());
        beyond.head = 3;
        assert_eq!(CataloguePage::parse(beyond, 2), Err(PageError::Versions));
        let backwards = response(
            2,
            4,
            false,
            vec![change(ChangeOpDto::Add, other(4)), change(ChangeOpDto::Add, document(3))],
        );
        assert_eq!(CataloguePage::parse(backwards, 2), Err(PageError::Versions));
        let old = response(3, 4, false, ok());
        assert_eq!(CataloguePage::parse(old, 3), Err(PageError::Versions), "a change at or before since");
        let mut mismatched = change(ChangeOpDto::Add, document(3));
        mismatched.version = 4;
        assert_eq!(
            CataloguePage::parse(response(2, 4, false, vec![mismatched]), 2),
            Err(PageError::Versions)
        );
        assert_eq!(
            CataloguePage::parse(response(2, 2, true, vec![]), 2),
            Err(PageError::Versions),
            "more, nothing new"
        );
        let mut reset = response(2, 4, false, ok());
        reset.reset = true;
        assert_eq!(CataloguePage::parse(reset, 2), Err(PageError::UnexpectedReset));
        let mut broken = document(3);
        broken.level = 0;
        assert!(matches!(
            CataloguePage::parse(response(2, 3, false, vec![change(ChangeOpDto::Add, broken)]), 2),
            Err(PageError::Service(GuideError::UnknownCode(_)))
        ));
    }

    #[test]
    fn a_refused_page_stores_nothing_and_a_backend_that_never_ends_is_stopped() {
        let mut broken = other(2);
        broken.organ.nature = 5;
        let backend = Script(Mutex::new(vec![
            (0, response(0, 1, true, vec![change(ChangeOpDto::Add, document(1))])),
            (1, response(1, 2, false, vec![change(ChangeOpDto::Add, broken)])),
        ]));
        let mut store = Memory::default();
        assert!(matches!(block_on(round(&mut store, &backend)), Err(CatalogueFailure::Page(_))));
        assert_eq!(store.version, 1, "the first page stays, the broken one is not applied");
        assert_eq!(store.rows.len(), 1);

        struct Endless;
        impl CatalogueSource for Endless {
            async fn catalogue_changes(&self, since: u64) -> Result<CatalogueChangesResponse, BackendError> {
                Ok(CatalogueChangesResponse {
                    since,
                    to: since + 1,
                    head: u64::MAX,
                    more: true,
                    reset: false,
                    changes: vec![],
                })
            }
        }
        let mut store = Memory { version: 5, ..Memory::default() };
        assert!(matches!(block_on(round(&mut store, &Endless)), Err(CatalogueFailure::Endless)));
    }

    #[test]
    fn rounds_are_due_at_start_every_six_hours_on_request_and_after_a_backoff() {
        let mut schedule = CatalogueSchedule::default();
        assert_eq!(schedule.due_in(100), 0, "the first round runs at start");
        schedule.started();
        assert!(schedule.running());
        schedule.finished(&Ok(CatalogueReport { version: 3, pages: 1, changes: 3 }), 100, 0.0);
        assert_eq!(schedule.due_in(100), CatalogueSchedule::INTERVAL);
        assert_eq!(schedule.due_in(100 + CatalogueSchedule::INTERVAL + 5), 0);
        schedule.request();
        assert_eq!(schedule.due_in(101), 0, "asked for");
        schedule.started();
        let offline = Err(CatalogueFailure::Backend(BackendError::Network("down".into())));
        schedule.finished(&offline, 200, 0.0);
        assert_eq!(schedule.problem(), Some(SyncProblemView::Offline));
        assert_eq!(schedule.due_in(200), 1, "half of the first 2 s backoff without jitter");
        schedule.started();
        schedule.finished(&offline, 300, 1.0);
        assert_eq!(schedule.due_in(300), 4, "doubled, full jitter");
        schedule.started();
        schedule.finished(&Ok(CatalogueReport { version: 4, pages: 1, changes: 1 }), 400, 0.0);
        assert_eq!(schedule.problem(), None, "a round that succeeds clears the problem");
        let bad = CatalogueFailure::Page(PageError::TooLarge);
        assert_eq!(bad.problem(), SyncProblemView::BadData);
    }

    #[test]
    fn change_ops_have_one_name_each_and_match_the_feed() {
        for op in ChangeOp::ALL {
            assert_eq!(ChangeOp::from_name(op.name()), Some(op));
            assert_eq!(ChangeOp::from(ChangeOpDto::from(op)), op);
            let json = serde_json::to_string(&ChangeOpDto::from(op)).expect("JSON");
            assert_eq!(json, format!("\"{}\"", op.name()), "the stored name is the feed's");
        }
        assert_eq!(ChangeOp::from_name("delete"), None);
    }
}

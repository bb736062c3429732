//! The service hall's platform: the offline catalogue file (`catalogue.db` beside the wallet),
//! the services held in memory for the screens, and the catalogue rounds — at start, every six
//! hours, and when asked — with no sign-in (the catalogue is public: it works before any wallet
//! exists and on the verify-only path). The rules are the core's (`shimin_core::catalogue`).
//!
//! Favourites and recently viewed services are personal: they live sealed in the wallet and
//! show only while it is open.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use shimin_core::catalogue::code::ServiceCode;
use shimin_core::catalogue::codes::{Theme, ThemeAudience};
use shimin_core::catalogue::guide::Service;
use shimin_core::catalogue::sync::{self as catalogue_sync, CatalogueSchedule};
use shimin_core::catalogue::view;
use shimin_core::cert::CertificateType;
use shimin_search::{Document, Index, ObjectFacet, Query, QueryError, Synonyms};
use shimin_store::catalogue::CatalogueDb;
use shimin_store::schema;
use shimin_wire::hall::{
    AudienceView, CatalogueStatusView, FacetView, GuideRequest, GuideView, HallHomeRequest, HallHomeView,
    SearchServicesRequest, ServiceListView, ServiceRowView,
};
use shimin_wire::wallet::{Language, StatusBadge};

use super::sync::jitter;
use super::{AppError, WalletState};

/// The catalogue's file in the data directory.
pub const CATALOGUE_FILE: &str = "catalogue.db";
/// The most rows a list answers at once.
const MAX_LIMIT: u32 = 100;
/// How often the background loop looks again when nothing is due.
const IDLE_POLL: Duration = Duration::from_secs(60);

/// The services held in memory, at one catalogue version: what every screen reads.
#[derive(Debug, Default)]
pub(super) struct Held {
    version: u64,
    /// Active and suspended services by code (cancelled ones are not shown).
    services: BTreeMap<String, Service>,
    /// Each department key's name, for the facets.
    departments: BTreeMap<String, shimin_wire::catalogue::Localized>,
    /// The search index of the active services: the same crate and mapping as the backend's, so
    /// the same catalogue version ranks the same online and offline. Built once, on a thread of
    /// its own after loading (loading the word list takes a moment), or by the first search.
    index: OnceLock<Index>,
}

impl Held {
    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let docs = self.services.values().filter(|s| s.is_active()).map(Document::from_service).collect();
            Index::build(docs, &Synonyms::builtin())
        })
    }
}

/// The hall's side of [`WalletState`].
#[derive(Debug, Default)]
pub(super) struct HallState {
    held: RwLock<Option<Arc<Held>>>,
    schedule: Mutex<CatalogueSchedule>,
    /// Held for the whole of a round: rounds never overlap.
    round: tokio::sync::Mutex<()>,
    wake: tokio::sync::Notify,
}

impl HallState {
    fn schedule(&self) -> MutexGuard<'_, CatalogueSchedule> {
        // Holds no invariant a panic could break.
        self.schedule.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn audience_of(theme: &Theme) -> AudienceView {
    match theme.audience() {
        ThemeAudience::Person => AudienceView::Person,
        ThemeAudience::Legal => AudienceView::Legal,
    }
}

impl WalletState {
    fn open_catalogue(&self) -> Result<CatalogueDb, AppError> {
        std::fs::create_dir_all(&self.data_dir)?;
        Ok(CatalogueDb::open(schema::open_file(&self.data_dir.join(CATALOGUE_FILE))?)?)
    }

    /// The services held in memory, read from the file first if they are not.
    fn held(&self) -> Result<Arc<Held>, AppError> {
        if let Some(held) = self.hall.held.read().unwrap_or_else(PoisonError::into_inner).as_ref() {
            return Ok(Arc::clone(held));
        }
        self.reload_held()
    }

    /// Reads the services from the file into memory (at start, after each round).
    fn reload_held(&self) -> Result<Arc<Held>, AppError> {
        let db = self.open_catalogue()?;
        let loaded = db.services()?;
        if loaded.corrupt > 0 {
            // Damaged rows are never shown; the next round downloads the whole catalogue again.
            eprintln!(
                "shimin: {} catalogue rows did not parse; the catalogue will be downloaded again",
                loaded.corrupt
            );
            db.forget_version()?;
            self.hall.schedule().request();
            self.hall.wake.notify_one();
        }
        let services: BTreeMap<String, Service> = loaded
            .services
            .into_iter()
            .filter(|s| s.status != shimin_core::catalogue::guide::ServiceStatus::Cancelled)
            .map(|s| (s.code.to_string(), s))
            .collect();
        let departments = services.values().map(|s| (s.organ.key.clone(), s.organ.name.clone())).collect();
        let held = Arc::new(Held { version: db.version()?, services, departments, index: OnceLock::new() });
        *self.hall.held.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&held));
        let building = Arc::clone(&held);
        std::thread::spawn(move || {
            building.index();
        });
        Ok(held)
    }

    /// The certificate types of which the open wallet holds a current certificate (none while
    /// it is locked).
    fn current_certificate_types(&self) -> Vec<CertificateType> {
        let Ok(cards) = self.certificates("") else { return Vec::new() };
        cards
            .iter()
            .filter(|c| {
                !c.inactive
                    && matches!(
                        c.badge,
                        StatusBadge::Valid | StatusBadge::ExpiringSoon | StatusBadge::UnverifiedOffline
                    )
            })
            .filter_map(|c| CertificateType::from_slug(&c.type_slug))
            .collect()
    }

    /// The catalogue line.
    ///
    /// # Errors
    /// A storage failure.
    pub fn catalogue_status(&self) -> Result<CatalogueStatusView, AppError> {
        let held = self.held()?;
        let synced_at = self.open_catalogue()?.synced_at()?;
        let schedule = self.hall.schedule();
        Ok(CatalogueStatusView {
            version: held.version,
            services: held.services.len() as u64,
            synced_at,
            syncing: schedule.running(),
            problem: schedule.problem(),
            configured: self.sync.configured(),
        })
    }

    /// The hall's home.
    ///
    /// # Errors
    /// A storage failure.
    pub fn hall_home(&self, request: &HallHomeRequest) -> Result<HallHomeView, AppError> {
        let held = self.held()?;
        let language = request.language;
        let mut themes: BTreeMap<Theme, u64> = BTreeMap::new();
        let mut departments: BTreeMap<String, (String, u64)> = BTreeMap::new();
        for service in held.services.values().filter(|s| s.is_active()) {
            let mut serves = false;
            for theme in service.themes.iter().filter(|t| audience_of(t) == request.audience) {
                *themes.entry(*theme).or_default() += 1;
                serves = true;
            }
            if serves {
                let entry = departments
                    .entry(service.organ.key.clone())
                    .or_insert_with(|| (view::pick(&service.organ.name, language).0.to_owned(), 0));
                entry.1 += 1;
            }
        }
        let mut departments: Vec<FacetView> =
            departments.into_iter().map(|(key, (name, count))| FacetView { key, name, count }).collect();
        departments.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        let (favourites, recent) = self.marked_rows(&held, language);
        Ok(HallHomeView {
            catalogue: self.catalogue_status()?,
            themes: themes
                .into_iter()
                .map(|(theme, count)| FacetView {
                    key: theme.key(),
                    name: view::theme_name(&theme, language).to_owned(),
                    count,
                })
                .collect(),
            departments,
            favourites,
            recent,
        })
    }

    /// The favourites and recently viewed services still in the catalogue, as rows; none while
    /// the wallet is locked.
    fn marked_rows(&self, held: &Held, language: Language) -> (Vec<ServiceRowView>, Vec<ServiceRowView>) {
        let Ok(marks) = self.with_wallet(|w| Ok(w.hall_marks()?)) else { return (Vec::new(), Vec::new()) };
        let row = |code: &String| held.services.get(code).map(|s| view::row_view(s, language));
        (
            marks.favourites.iter().rev().filter_map(row).collect(),
            marks.recent.iter().map(|(c, _)| c).filter_map(row).collect(),
        )
    }

    /// Searches or browses the offline catalogue.
    ///
    /// # Errors
    /// [`AppError::BadRequest`] for a query over 100 characters or an unknown facet; a storage
    /// failure.
    pub fn search_services(&self, request: &SearchServicesRequest) -> Result<ServiceListView, AppError> {
        let held = self.held()?;
        let query = Query {
            text: request.q.clone(),
            department: request.department.clone(),
            theme: request.theme.clone(),
            object: request.audience.map(|a| match a {
                AudienceView::Person => ObjectFacet::Person,
                AudienceView::Legal => ObjectFacet::Legal,
            }),
            online: request.online,
            limit: request.limit.clamp(1, MAX_LIMIT) as usize,
            offset: request.offset as usize,
        };
        let page = match held.index().search(&query) {
            Ok(page) => page,
            // An empty catalogue knows no department or theme yet: nothing matches.
            Err(QueryError::UnknownDepartment | QueryError::UnknownTheme) if held.services.is_empty() => {
                return Ok(ServiceListView {
                    total: 0,
                    items: Vec::new(),
                    departments: Vec::new(),
                    themes: Vec::new(),
                    online: 0,
                });
            }
            Err(_) => return Err(AppError::BadRequest),
        };
        let language = request.language;
        let items = page
            .hits
            .iter()
            .filter_map(|hit| held.services.get(&hit.code))
            .map(|s| view::row_view(s, language))
            .collect();
        let department_name = |key: &str| {
            held.departments
                .get(key)
                .map_or_else(|| key.to_owned(), |name| view::pick(name, language).0.to_owned())
        };
        Ok(ServiceListView {
            total: page.total as u64,
            items,
            departments: page
                .facets
                .departments
                .iter()
                .map(|f| FacetView {
                    key: f.value.clone(),
                    name: department_name(&f.value),
                    count: f.count as u64,
                })
                .collect(),
            themes: page
                .facets
                .themes
                .iter()
                .filter_map(|f| {
                    let theme = Theme::parse(&f.value)?;
                    Some(FacetView {
                        key: f.value.clone(),
                        name: view::theme_name(&theme, language).to_owned(),
                        count: f.count as u64,
                    })
                })
                .collect(),
            online: page.facets.online as u64,
        })
    }

    /// A service's guide, recorded as recently viewed when the wallet is open.
    ///
    /// # Errors
    /// [`AppError::BadRequest`] for a malformed code, [`AppError::NotFound`] for one the
    /// catalogue does not hold; a storage failure.
    pub fn service_guide(&self, request: &GuideRequest) -> Result<GuideView, AppError> {
        let code = ServiceCode::parse(&request.code).map_err(|_| AppError::BadRequest)?;
        let held = self.held()?;
        let service = held.services.get(&code.to_string()).ok_or(AppError::NotFound)?;
        let current = self.current_certificate_types();
        let now = self.now();
        let favourite = self
            .with_wallet(|w| {
                w.mark_viewed(&code, now)?;
                Ok(w.hall_marks()?.favourites.contains(&request.code))
            })
            .unwrap_or(false);
        Ok(view::guide_view(service, request.language, &current, favourite))
    }

    /// The service `code` as the catalogue held in memory has it.
    ///
    /// # Errors
    /// [`AppError::BadRequest`] for a malformed code, [`AppError::NotFound`].
    pub(super) fn service(&self, code: &str) -> Result<Service, AppError> {
        let code = ServiceCode::parse(code).map_err(|_| AppError::BadRequest)?;
        self.held()?.services.get(&code.to_string()).cloned().ok_or(AppError::NotFound)
    }

    /// Marks or unmarks a favourite.
    ///
    /// # Errors
    /// [`AppError::Locked`]; [`AppError::BadRequest`] for a malformed code.
    pub fn set_favourite(&self, code: &str, favourite: bool) -> Result<(), AppError> {
        let code = ServiceCode::parse(code).map_err(|_| AppError::BadRequest)?;
        self.with_wallet(|w| Ok(w.set_favourite(&code, favourite)?))
    }

    /// Runs a catalogue round now (after the one running, if any) and answers the line.
    ///
    /// # Errors
    /// [`AppError::NoBackend`], or a storage failure. A round that fails on the network is not
    /// an error here: the line says why.
    pub async fn refresh_catalogue(&self) -> Result<CatalogueStatusView, AppError> {
        if !self.sync.configured() {
            return Err(AppError::NoBackend);
        }
        self.hall.schedule().request();
        self.run_catalogue_round().await;
        self.catalogue_status()
    }

    async fn run_catalogue_round(&self) {
        let Ok(client) = self.sync.client() else { return };
        let _round = self.hall.round.lock().await;
        self.hall.schedule().started();
        let result = match self.open_catalogue() {
            Ok(mut db) => {
                let result = catalogue_sync::round(&mut db, &client).await;
                if result.is_ok() {
                    let _ = db.set_synced_at(self.now());
                }
                result
            }
            Err(_) => {
                Err(catalogue_sync::CatalogueFailure::Store("the catalogue file cannot be opened".into()))
            }
        };
        if let Err(failure) = &result {
            eprintln!("shimin: catalogue round: {failure}");
        }
        if matches!(&result, Ok(report) if report.changes > 0)
            || self.hall.held.read().map(|h| h.is_none()).unwrap_or(true)
        {
            let _ = self.reload_held();
        }
        self.hall.schedule().finished(&result, self.now(), jitter());
    }

    /// The background loop of catalogue rounds, for the life of the app (none without a
    /// configured backend).
    pub async fn background_catalogue(&self) {
        if !self.sync.configured() {
            return;
        }
        loop {
            let due = self.hall.schedule().due_in(self.now());
            if due == 0 {
                self.run_catalogue_round().await;
                continue;
            }
            let wait = Duration::from_secs(u64::try_from(due).unwrap_or(u64::MAX)).min(IDLE_POLL);
            let _ = tokio::time::timeout(wait, self.hall.wake.notified()).await;
        }
    }
}

//! The service catalogue (issue 16): loading the seed once, changing services (each change one
//! new catalogue version), the versioned changes feed, a service's guide, and the listing.
//!
//! Every document is parsed into a [`Service`] before it is stored (and the store parses each
//! row it reads), so nothing here ever serves a guide that does not check.
//!
//! The feed (`GET /v1/catalogue/changes?since=V`): `since=0` answers a snapshot of every service
//! that is not cancelled, each as an `add` at its current version, with `reset: true`; a later
//! `since` answers the changes after it, each service once at its newest change. Pages end at a
//! count (and a size); `more` says ask again with `since = to`. A client keeps, per code, the
//! document with the highest version it has seen, so applying a page twice changes nothing.
//! `docs/formats/catalogue.md` is the format for client writers.

mod listing;

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use shimin_core::catalogue::code::ServiceCode;
use shimin_core::catalogue::guide::{Service, ServiceStatus};
use shimin_wire::catalogue::{
    CatalogueChangeDto, CatalogueChangesResponse, ChangeOpDto, ServiceDocument, ServiceStatusDto,
};

pub use self::listing::{CatalogueIndex, ServiceQuery};
use super::{Backend, ServiceError};
use crate::store::{CatalogueOp, NewCatalogueChange};

/// Changes per page of the feed, when the client does not ask for fewer.
pub const DEFAULT_PAGE: u64 = 200;
/// The most changes a page may be asked for.
pub const MAX_PAGE: u64 = 1_000;
/// A page stops before it passes this many bytes of documents (it always holds one change).
pub const MAX_PAGE_BYTES: usize = 1024 * 1024;
/// How often a change is tried again when another change came in between (optimistic locking).
const CHANGE_ATTEMPTS: usize = 5;

/// The catalogue a new backend starts with: the seed crate's.
///
/// # Errors
/// When the seed's files do not parse (its own tests would have caught it).
pub fn seed_documents() -> Result<Vec<ServiceDocument>, shimin_catalogue_seed::SeedError> {
    shimin_catalogue_seed::catalogue()
}

/// An edit of the catalogue (staff's, and the tests'). Each makes one new version per service it
/// writes, all in one transaction.
#[derive(Debug, Clone)]
pub enum CatalogueEdit {
    /// A new service (its code must be new).
    Add(ServiceDocument),
    /// A new guide for a service that is not cancelled (a suspended one is active again).
    Change(ServiceDocument),
    /// The service `code` is cancelled and replaced by the new services `into`.
    Split {
        /// The service split.
        code: String,
        /// The new services.
        into: Vec<ServiceDocument>,
    },
    /// The services `codes` are cancelled and replaced by the new service `into`.
    Merge {
        /// The services merged.
        codes: Vec<String>,
        /// The new service.
        into: ServiceDocument,
    },
    /// The service is suspended.
    Suspend(String),
    /// The service is cancelled without a replacement.
    Cancel(String),
}

/// What the backend keeps of the catalogue in memory: the listing (and, with the search crate,
/// the index) of one version, swapped whole when the store's head moves on.
#[derive(Debug, Default)]
pub(crate) struct CatalogueCache {
    current: RwLock<Arc<CatalogueIndex>>,
    rebuild: tokio::sync::Mutex<()>,
}

fn op_dto(op: CatalogueOp) -> ChangeOpDto {
    match op {
        CatalogueOp::Add => ChangeOpDto::Add,
        CatalogueOp::Change => ChangeOpDto::Change,
        CatalogueOp::Split => ChangeOpDto::Split,
        CatalogueOp::Merge => ChangeOpDto::Merge,
        CatalogueOp::Suspend => ChangeOpDto::Suspend,
        CatalogueOp::Cancel => ChangeOpDto::Cancel,
    }
}

/// A document a staff edit gives, parsed; it must describe an active service.
fn parse_active(document: ServiceDocument) -> Result<Service, ServiceError> {
    let service =
        Service::parse(document).map_err(|_| ServiceError::BadInput("the service document is not valid"))?;
    if service.status != ServiceStatus::Active || !service.replaced_by.is_empty() {
        return Err(ServiceError::BadInput("a new or changed service must be active"));
    }
    Ok(service)
}

/// `service` in another state, parsed again (a document is never stored unparsed).
fn restated(
    service: Service,
    status: ServiceStatusDto,
    replaced_by: Vec<String>,
) -> Result<Service, ServiceError> {
    let mut document = service.into_document();
    document.status = status;
    document.replaced_by = replaced_by;
    Service::parse(document).map_err(|_| ServiceError::BadInput("the service cannot take this state"))
}

/// Parses `since` or `limit` of the feed: a plain decimal, no sign, no leading zero, ≤ 19 digits.
fn decimal(text: &str, what: &'static str) -> Result<u64, ServiceError> {
    let plain = !text.is_empty()
        && text.len() <= 19
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !plain {
        return Err(ServiceError::BadInput(what));
    }
    text.parse().map_err(|_| ServiceError::BadInput(what))
}

/// The feed's query string: `since` and `limit`, each at most once, nothing else.
///
/// # Errors
/// [`ServiceError::BadInput`] for another parameter or one given twice.
pub fn feed_params(pairs: &[(String, String)]) -> Result<(Option<String>, Option<String>), ServiceError> {
    let (mut since, mut limit) = (None, None);
    for (name, value) in pairs {
        let slot = match name.as_str() {
            "since" => &mut since,
            "limit" => &mut limit,
            _ => return Err(ServiceError::BadInput("unknown query parameter (known: since, limit)")),
        };
        if slot.replace(value.clone()).is_some() {
            return Err(ServiceError::BadInput("a query parameter is given twice"));
        }
    }
    Ok((since, limit))
}

impl Backend {
    /// Loads `documents` as the catalogue, one `add` per service in one transaction, if the
    /// catalogue has never changed (head 0): a restart, or a second server starting together,
    /// adds nothing. `true` when they were loaded.
    ///
    /// # Errors
    /// A document that is not a valid service, codes given twice, or the store failing.
    pub async fn seed_catalogue(
        &self,
        documents: Vec<ServiceDocument>,
        now: i64,
    ) -> Result<bool, ServiceError> {
        if documents.is_empty() || self.store.catalogue_head().await? != 0 {
            return Ok(false);
        }
        let mut codes = BTreeSet::new();
        let mut changes = Vec::with_capacity(documents.len());
        for document in documents {
            let service = Service::parse(document).map_err(|e| {
                tracing::error!(error = %e, "a seed service is not valid");
                ServiceError::Unavailable("the seed catalogue")
            })?;
            if !codes.insert(service.code.to_string()) {
                tracing::error!("two seed services share a code");
                return Err(ServiceError::Unavailable("the seed catalogue"));
            }
            changes.push(NewCatalogueChange { op: CatalogueOp::Add, service });
        }
        let loaded = self.store.apply_catalogue_changes(changes, Some(0), now).await?.is_some();
        if loaded {
            tracing::info!(services = codes.len(), "loaded the seed catalogue");
        }
        Ok(loaded)
    }

    /// Applies one edit: the services it writes, each at a new version, in one transaction.
    /// Returns the new head.
    ///
    /// # Errors
    /// 400 for an invalid document or state, 404 for an unknown code, 409 for a code that
    /// exists already or a service that is cancelled, 503 when the store fails or the catalogue
    /// kept changing under the edit.
    pub async fn change_service(&self, edit: CatalogueEdit, now: i64) -> Result<u64, ServiceError> {
        for _ in 0..CHANGE_ATTEMPTS {
            let head = self.store.catalogue_head().await?;
            let changes = self.plan_edit(edit.clone()).await?;
            if let Some(version) = self.store.apply_catalogue_changes(changes, Some(head), now).await? {
                self.refresh_catalogue().await?;
                return Ok(version);
            }
        }
        Err(ServiceError::Unavailable("the catalogue (busy)"))
    }

    /// The changes an edit makes, checked against the catalogue as it stands.
    async fn plan_edit(&self, edit: CatalogueEdit) -> Result<Vec<NewCatalogueChange>, ServiceError> {
        let mut changes = Vec::new();
        match edit {
            CatalogueEdit::Add(document) => {
                let service = self.new_service(document).await?;
                changes.push(NewCatalogueChange { op: CatalogueOp::Add, service });
            }
            CatalogueEdit::Change(document) => {
                let service = parse_active(document)?;
                self.live_service(&service.code.to_string()).await?;
                changes.push(NewCatalogueChange { op: CatalogueOp::Change, service });
            }
            CatalogueEdit::Split { code, into } => {
                let old = self.live_service(&code).await?;
                if into.is_empty() {
                    return Err(ServiceError::BadInput("a split needs the services it makes"));
                }
                let mut new_codes = Vec::new();
                for document in into {
                    let service = self.new_service(document).await?;
                    if new_codes.contains(&service.code.to_string()) {
                        return Err(ServiceError::BadInput("a service code is given twice"));
                    }
                    new_codes.push(service.code.to_string());
                    changes.push(NewCatalogueChange { op: CatalogueOp::Add, service });
                }
                let service = restated(old, ServiceStatusDto::Cancelled, new_codes)?;
                changes.push(NewCatalogueChange { op: CatalogueOp::Split, service });
            }
            CatalogueEdit::Merge { codes, into } => {
                if codes.is_empty() {
                    return Err(ServiceError::BadInput("a merge needs the services it merges"));
                }
                let service = self.new_service(into).await?;
                let target = service.code.to_string();
                changes.push(NewCatalogueChange { op: CatalogueOp::Add, service });
                let mut seen = BTreeSet::new();
                for code in codes {
                    let old = self.live_service(&code).await?;
                    if !seen.insert(code) {
                        return Err(ServiceError::BadInput("a service code is given twice"));
                    }
                    let service = restated(old, ServiceStatusDto::Cancelled, vec![target.clone()])?;
                    changes.push(NewCatalogueChange { op: CatalogueOp::Merge, service });
                }
            }
            CatalogueEdit::Suspend(code) => {
                let old = self.live_service(&code).await?;
                if old.status == ServiceStatus::Suspended {
                    return Err(ServiceError::Conflict("the service is suspended already"));
                }
                let service = restated(old, ServiceStatusDto::Suspended, Vec::new())?;
                changes.push(NewCatalogueChange { op: CatalogueOp::Suspend, service });
            }
            CatalogueEdit::Cancel(code) => {
                let old = self.live_service(&code).await?;
                let service = restated(old, ServiceStatusDto::Cancelled, Vec::new())?;
                changes.push(NewCatalogueChange { op: CatalogueOp::Cancel, service });
            }
        }
        Ok(changes)
    }

    /// A document for a service whose code is not in the catalogue yet.
    async fn new_service(&self, document: ServiceDocument) -> Result<Service, ServiceError> {
        let service = parse_active(document)?;
        if self.store.catalogue_service(&service.code.to_string()).await?.is_some() {
            return Err(ServiceError::Conflict("a service with this code exists already"));
        }
        Ok(service)
    }

    /// A service that exists and is not cancelled.
    async fn live_service(&self, code: &str) -> Result<Service, ServiceError> {
        let code = ServiceCode::parse(code).map_err(|_| ServiceError::BadInput("malformed service code"))?;
        let service = self
            .store
            .catalogue_service(&code.to_string())
            .await?
            .ok_or(ServiceError::NotFound("service"))?;
        if service.status == ServiceStatus::Cancelled {
            return Err(ServiceError::Conflict("the service is cancelled"));
        }
        Ok(service)
    }

    /// A service's guide, in whatever state (a cancelled one names its replacements).
    ///
    /// # Errors
    /// 400 for a malformed code, 404 for an unknown one.
    pub async fn service_guide(&self, code: &str) -> Result<Service, ServiceError> {
        let code = ServiceCode::parse(code).map_err(|_| ServiceError::BadInput("malformed service code"))?;
        self.store.catalogue_service(&code.to_string()).await?.ok_or(ServiceError::NotFound("service"))
    }

    /// A page of the changes feed after `since` (absent: 0), of at most `limit` changes.
    ///
    /// # Errors
    /// 400 for a `since` or `limit` that is not a plain decimal in range, or a `since` newer than
    /// the catalogue.
    pub async fn catalogue_changes(
        &self,
        since: Option<&str>,
        limit: Option<&str>,
    ) -> Result<CatalogueChangesResponse, ServiceError> {
        const SINCE: &str = "since must be a catalogue version: a plain decimal number";
        const LIMIT: &str = "limit must be a plain decimal number from 1 to 1000";
        let since = since.map_or(Ok(0), |s| decimal(s, SINCE))?;
        let limit = limit.map_or(Ok(DEFAULT_PAGE), |l| decimal(l, LIMIT))?;
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(ServiceError::BadInput(LIMIT));
        }
        let reset = since == 0;
        let page = self.store.catalogue_changes(since, limit, reset).await?;
        if since > page.head {
            return Err(ServiceError::BadInput("since is newer than the catalogue's version"));
        }
        let full = page.changes.len() as u64 == limit;
        let mut changes = Vec::with_capacity(page.changes.len());
        let mut bytes = 0;
        let mut cut = false;
        for change in page.changes {
            bytes += change.service.to_json().len();
            if bytes > MAX_PAGE_BYTES && !changes.is_empty() {
                cut = true;
                break;
            }
            changes.push(CatalogueChangeDto {
                version: change.version,
                op: op_dto(change.op),
                service: change.service.into_document(),
            });
        }
        let last = changes.last().map(|c: &CatalogueChangeDto| c.version);
        let more = (cut || full) && last.is_some_and(|v| v < page.head);
        let to = if more { last.unwrap_or(since) } else { page.head };
        Ok(CatalogueChangesResponse { since, to, head: page.head, more, reset, changes })
    }

    /// The listing of the current catalogue (rebuilt when the store moved on).
    ///
    /// # Errors
    /// When the store fails or holds a row that does not parse.
    pub async fn catalogue_index(&self) -> Result<Arc<CatalogueIndex>, ServiceError> {
        let head = self.store.catalogue_head().await?;
        let current = self.cached_index()?;
        if current.version() == head {
            return Ok(current);
        }
        // Another request is rebuilding: answer from the version held until it is done.
        match self.catalogue.rebuild.try_lock() {
            Ok(one) => self.rebuild_catalogue(one).await,
            Err(_) => Ok(current),
        }
    }

    fn cached_index(&self) -> Result<Arc<CatalogueIndex>, ServiceError> {
        let current =
            self.catalogue.current.read().map_err(|_| ServiceError::Unavailable("the catalogue"))?;
        Ok(Arc::clone(&current))
    }

    /// Builds the listing from the store and swaps it in, waiting for a rebuild under way.
    async fn refresh_catalogue(&self) -> Result<Arc<CatalogueIndex>, ServiceError> {
        let one = self.catalogue.rebuild.lock().await;
        self.rebuild_catalogue(one).await
    }

    /// Builds the listing from the store and swaps it in; `_one` keeps it one rebuild at a time.
    async fn rebuild_catalogue(
        &self,
        _one: tokio::sync::MutexGuard<'_, ()>,
    ) -> Result<Arc<CatalogueIndex>, ServiceError> {
        // The head before the services: the services are at least that new.
        let head = self.store.catalogue_head().await?;
        let current = self.cached_index()?;
        if current.version() == head {
            return Ok(current);
        }
        let services = self.store.catalogue_services().await?;
        // Building the search index is CPU work: off the async workers.
        let fresh = tokio::task::spawn_blocking(move || CatalogueIndex::build(head, services))
            .await
            .map(Arc::new)
            .map_err(|_| ServiceError::Unavailable("the catalogue"))?;
        let mut slot =
            self.catalogue.current.write().map_err(|_| ServiceError::Unavailable("the catalogue"))?;
        *slot = Arc::clone(&fresh);
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_numbers_are_plain_decimals() {
        assert_eq!(decimal("0", "x").ok(), Some(0));
        assert_eq!(decimal("42", "x").ok(), Some(42));
        assert_eq!(decimal("9223372036854775807", "x").ok(), Some(9_223_372_036_854_775_807));
        for bad in ["", "-1", "+1", "01", "1.0", "1e3", " 1", "0x10", "12345678901234567890", "٣"] {
            assert!(decimal(bad, "x").is_err(), "{bad:?} must be refused");
        }
    }
}

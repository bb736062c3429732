//! The catalogue area: the service catalogue's version counter, each service's current guide,
//! and the change rows the public changes feed is read from (issue 16).
//!
//! Every change makes one new catalogue version, and a version names exactly one service: the
//! service row is written at that version and one change row records it. The guide is stored
//! as the JSON of its document and is a parsed [`Service`] on both sides of the trait: a row
//! that does not parse is [`StoreError::Corrupt`], never handed on.
//!
//! Versions commit in the order they are drawn (the head row is locked from the bump to the
//! commit), so a reader that has seen version N has seen every version below it: the feed's
//! `since` can never step over a change that commits later (`tests/catalogue_cursor.rs`).

use async_trait::async_trait;
use shimin_core::catalogue::guide::{Service, ServiceStatus};

use super::StoreError;

/// What a change did to its service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueOp {
    /// A new service.
    Add,
    /// The guide changed.
    Change,
    /// Cancelled and replaced by several services.
    Split,
    /// Cancelled and replaced by the service it was merged into.
    Merge,
    /// Suspended.
    Suspend,
    /// Cancelled.
    Cancel,
}

impl CatalogueOp {
    /// The stored name.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            CatalogueOp::Add => "add",
            CatalogueOp::Change => "change",
            CatalogueOp::Split => "split",
            CatalogueOp::Merge => "merge",
            CatalogueOp::Suspend => "suspend",
            CatalogueOp::Cancel => "cancel",
        }
    }

    /// The op with this stored name; [`StoreError::Corrupt`] for anything else.
    pub(super) fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "add" => CatalogueOp::Add,
            "change" => CatalogueOp::Change,
            "split" => CatalogueOp::Split,
            "merge" => CatalogueOp::Merge,
            "suspend" => CatalogueOp::Suspend,
            "cancel" => CatalogueOp::Cancel,
            _ => return Err(StoreError::Corrupt("catalogue change op")),
        })
    }
}

/// The stored name of a service's status.
pub(super) fn status_str(status: ServiceStatus) -> &'static str {
    match status {
        ServiceStatus::Active => "active",
        ServiceStatus::Suspended => "suspended",
        ServiceStatus::Cancelled => "cancelled",
    }
}

/// A stored guide, parsed; a row that is not a valid service is corrupt.
pub(super) fn parse_row(document: &str, version: i64) -> Result<Service, StoreError> {
    let service =
        Service::from_json(document.as_bytes()).map_err(|_| StoreError::Corrupt("catalogue service"))?;
    if i64::try_from(service.version).ok() != Some(version) {
        return Err(StoreError::Corrupt("catalogue service version"));
    }
    Ok(service)
}

/// A version as the databases store it.
pub(super) fn stored_version(version: u64) -> Result<i64, StoreError> {
    i64::try_from(version).map_err(|_| StoreError::Corrupt("catalogue version"))
}

/// A stored version as the catalogue counts it.
pub(super) fn read_version(version: i64) -> Result<u64, StoreError> {
    u64::try_from(version).map_err(|_| StoreError::Corrupt("catalogue version"))
}

/// One change to write: the service as it stands after it (its version is set by the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCatalogueChange {
    /// What it does.
    pub op: CatalogueOp,
    /// The service after the change.
    pub service: Service,
}

/// One change as the feed reads it: the service as it stands now, at the change's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueChangeRecord {
    /// The version the change made.
    pub version: u64,
    /// What it did.
    pub op: CatalogueOp,
    /// The service, at `version`.
    pub service: Service,
}

/// A page of the feed, read against one head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CataloguePage {
    /// The newest committed version when the page was read; no change of the page is newer.
    pub head: u64,
    /// The changes, oldest first.
    pub changes: Vec<CatalogueChangeRecord>,
}

/// The catalogue.
#[async_trait]
pub trait CatalogueStore: Send + Sync {
    /// The newest committed version (0: the catalogue is empty and has never changed).
    async fn catalogue_head(&self) -> Result<u64, StoreError>;

    /// Writes `changes` in one transaction, each one new version in order: the head is bumped,
    /// the service row written at the new version (its document's `version` set to it) and a
    /// change row recorded. With `expect_head`, nothing is written unless the head is that
    /// version when the transaction holds the head's lock (how the seed is loaded once, even by
    /// two servers starting together). Returns the new head, or `None` when `expect_head` did
    /// not match.
    async fn apply_catalogue_changes(
        &self,
        changes: Vec<NewCatalogueChange>,
        expect_head: Option<u64>,
        now: i64,
    ) -> Result<Option<u64>, StoreError>;

    /// A service by its code, in whatever state.
    async fn catalogue_service(&self, code: &str) -> Result<Option<Service>, StoreError>;

    /// Every service, in whatever state, by code.
    async fn catalogue_services(&self) -> Result<Vec<Service>, StoreError>;

    /// The feed after version `since`, at most `limit` changes, none newer than the head read
    /// first. Each service comes once, at its newest change: a change that a later one of the
    /// same service overwrote is left out (the later one follows). With `snapshot`, the page
    /// holds only the services that are not cancelled, as [`CatalogueOp::Add`] — what a client
    /// starting from nothing needs.
    async fn catalogue_changes(
        &self,
        since: u64,
        limit: u64,
        snapshot: bool,
    ) -> Result<CataloguePage, StoreError>;
}

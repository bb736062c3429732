//! What follows an application's decisive actions (issue 17, items 2 and 5): on acceptance, the
//! materials the citizen gave become items of their 材料库 (material library) with the validity
//! their reuse class allows; the citizen's library is listed for the app.
//!
//! **The 材料库 entry.** Each material given by a wallet presentation or an upload, of a reuse
//! class other than "never" (seed 002, [`ReuseClass`]), becomes one item: classes 1 (unconditional)
//! and 3 (without a time limit) with no end; class 2 (within validity) with no end either, since
//! neither an upload nor the presentation's binding states one here — core then does not take it
//! on trust ([`ReuseClass::reusable`]), which is the rule for a class-2 copy without an end. A
//! material given from the library already is not added again. Adding is idempotent: the same
//! material of the same application again is the store's conflict, skipped.

use shimin_core::application::submission::ApplicationId;
use shimin_core::catalogue::guide::Service;
use shimin_core::catalogue::material::ReuseClass;
use shimin_core::clock::UnixSeconds;
use shimin_wire::application::LibraryItemView;

use super::Backend;
use super::applications::ApplicationError;
use crate::store::{ApplicationRecord, MaterialSource, NewLibraryItem, Store, StoreError};

/// Why a follow-up or a read of results failed.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// No such application for this citizen.
    #[error("not found")]
    NotFound,
    /// The storage or the calendar failed.
    #[error(transparent)]
    Application(#[from] ApplicationError),
}

impl From<StoreError> for ResultsError {
    fn from(e: StoreError) -> Self {
        Self::Application(ApplicationError::Store(e))
    }
}

/// The reuse class of the guide's material named `name` (its Simplified Chinese name, or its
/// index in the guide as the submission gives it).
fn reuse_of(guide: &Service, name: &str) -> Option<ReuseClass> {
    guide
        .materials
        .iter()
        .enumerate()
        .find(|(i, m)| m.name.hans == name || i.to_string() == name)
        .map(|(_, m)| m.reuse)
}

/// Adds the accepted application's materials to its citizen's 材料库 (see the module's
/// comment); returns how many items were added now.
///
/// # Errors
/// [`ResultsError`] for a storage failure; an item added before is skipped, not an error.
pub async fn add_to_library(
    store: &dyn Store,
    record: &ApplicationRecord,
    guide: &Service,
    at: UnixSeconds,
) -> Result<usize, ResultsError> {
    let mut added = 0;
    for material in store.application_materials(record.id).await? {
        if material.source == MaterialSource::Library {
            continue;
        }
        let Some(class) = reuse_of(guide, &material.material) else { continue };
        if class == ReuseClass::Never {
            continue;
        }
        let item = NewLibraryItem {
            citizen: record.citizen.clone(),
            material_kind: material.material.clone(),
            department: record.department.clone(),
            accepted_at: at,
            valid_until: None,
            from_application: record.id,
        };
        match store.add_library_item(item).await {
            Ok(_) => added += 1,
            Err(StoreError::Conflict) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(added)
}

impl Backend {
    /// The citizen's 材料库.
    ///
    /// # Errors
    /// [`ResultsError`] for a storage failure.
    pub async fn library(&self, citizen: &str) -> Result<Vec<LibraryItemView>, ResultsError> {
        let items = self.store.library_items(citizen).await?;
        Ok(items
            .into_iter()
            .map(|i| LibraryItemView {
                id: i.id,
                material: i.item.material_kind,
                department: i.item.department,
                accepted_at: i.item.accepted_at,
                valid_until: i.item.valid_until,
            })
            .collect())
    }

    /// What follows an action that accepted an application: its materials into the 材料库.
    /// A failure here does not undo the acceptance; it is logged by kind and the items can be
    /// added again later (idempotent).
    pub async fn after_acceptance(&self, id: ApplicationId, at: UnixSeconds) {
        let result = async {
            let Some(record) = self.store.application(id).await? else { return Ok(0) };
            let guide = match self.service_guide(&record.service_code).await {
                Ok(guide) => guide,
                Err(_) => return Ok(0),
            };
            add_to_library(self.store.as_ref(), &record, &guide, at).await
        };
        if let Err(e) = result.await {
            tracing::warn!(error = %e, "material library entry failed");
        }
    }
}

//! What follows an application's decisive actions (issue 17, items 2 and 5): on acceptance, the
//! materials the citizen gave become items of their 材料库 (material library) with the validity
//! their reuse class allows; on the decision, the result is issued and the workflow moves to
//! "result issued", the citizen told by sync.
//!
//! **The result.** When the guide's result is an e-certificate of a type whose fields the form's
//! answers give (居住证: the address in the city), an approval issues it to the citizen through
//! the issuance service under the idempotency key `application-{id}`, so a retry — or a double
//! "approve" that got past the workflow's compare-and-set — finds the certificate issued before
//! and issues nothing twice; it reaches the wallet by sync as every issued certificate does.
//! Otherwise (a refusal, or a result that is not a certificate) a result document is signed with
//! the department's issuer key (`SMR1:`, [`ResultDocument`]) and stored once per application
//! before the workflow moves on, so a retry finds it and signs nothing twice. The document names
//! the case, the service, the decision, its day and the department — no personal data. A
//! service the catalogue does not know (the tests' placeholder) issues nothing: the application
//! stays decided. A failure is logged by kind and leaves the application decided; nothing is
//! half-done that a retry would repeat.
//!
//! **The 材料库 entry.** Each material given by a wallet presentation or an upload, of a reuse
//! class other than "never" (seed 002, [`ReuseClass`]), becomes one item: classes 1 (unconditional)
//! and 3 (without a time limit) with no end; class 2 (within validity) with no end either, since
//! neither an upload nor the presentation's binding states one here — core then does not take it
//! on trust ([`ReuseClass::reusable`]), which is the rule for a class-2 copy without an end. A
//! material given from the library already is not added again. Adding is idempotent: the same
//! material of the same application again is the store's conflict, skipped.

use shimin_core::application::CodeError;
use shimin_core::application::result::{Decision, ResultDocument};
use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::{Action, Actor, Phase, china_date};
use shimin_core::catalogue::guide::Service;
use shimin_core::catalogue::material::ReuseClass;
use shimin_core::cert::CertificateType;
use shimin_core::clock::UnixSeconds;
use shimin_wire::application::{FieldValueDto, LibraryItemView, ResultDocumentView, SubmissionRequest};
use shimin_wire::backend::{CertificateFields, IssueCertificateRequest};

use super::applications::{ApplicationError, iso, notify, write_state};
use super::{Backend, ServiceError};
use crate::store::{
    ApplicationRecord, MaterialSource, NewLibraryItem, ResultRecord, StaffRecord, Store, StoreError,
};

/// Why a follow-up or a read of results failed.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// No such application for this citizen.
    #[error("not found")]
    NotFound,
    /// The storage or the calendar failed.
    #[error(transparent)]
    Application(#[from] ApplicationError),
    /// The issuance service or the department's keys failed.
    #[error("issuance: {0}")]
    Issuance(#[from] ServiceError),
    /// The result document could not be signed.
    #[error("signing the result document: {0}")]
    Signing(#[from] CodeError),
    /// The form's answers do not give the certificate's fields.
    #[error("the form does not give the certificate's fields")]
    Fields,
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

/// The title of the document of `decision`.
fn title(decision: Decision) -> &'static str {
    match decision {
        Decision::Granted => "准予行政许可决定书",
        Decision::Refused => "不予行政许可决定书",
        Decision::NotAccepted => "不予受理通知书",
    }
}

/// The document's text: what its code binds by digest. Case, service, decision, day and
/// department — nothing of the citizen.
fn document_text(record: &ApplicationRecord, guide: &Service, decision: Decision, day: &str) -> String {
    let (case_no, outcome) = (
        record.case_no.as_deref().unwrap_or("-"),
        match decision {
            Decision::Granted => "准予",
            Decision::Refused => "不予许可",
            Decision::NotAccepted => "不予受理",
        },
    );
    format!(
        "{}\n办件编号：{case_no}\n事项：{}（{}）\n决定：{outcome}\n决定日期：{day}\n办理单位：{}（{}）",
        title(decision),
        guide.name.hans,
        guide.code,
        guide.organ.name.hans,
        record.department,
    )
}

/// The certificate fields the form's answers give for `kind`; `None` for a type this does not
/// issue from a form (its result is then a document).
fn certificate_fields(
    kind: CertificateType,
    submission: &str,
) -> Option<Result<CertificateFields, ResultsError>> {
    match kind {
        CertificateType::ResidencePermit => Some((|| {
            let request: SubmissionRequest =
                serde_json::from_str(submission).map_err(|_| ResultsError::Fields)?;
            match request.values.get("address") {
                Some(FieldValueDto::Text(address)) if !address.trim().is_empty() => {
                    Ok(CertificateFields::ResidencePermit { residence_address: address.trim().to_owned() })
                }
                _ => Err(ResultsError::Fields),
            }
        })()),
        _ => None,
    }
}

/// The department acting as the issuer of an application's result (the system, not an officer).
fn issuing_department(department: &str) -> StaffRecord {
    StaffRecord {
        id: 0,
        login: "system:results".into(),
        department_code: department.to_owned(),
        role: "issuer".into(),
        password_salt: Vec::new(),
        password_hash: Vec::new(),
    }
}

impl Backend {
    /// What follows a desk action: the materials into the 材料库 when it accepted the
    /// application, the result when it decided it. Answers the application as it stands after.
    pub async fn follow_up(
        &self,
        record: ApplicationRecord,
        accepted: bool,
        now: UnixSeconds,
    ) -> ApplicationRecord {
        if accepted && record.state.phase() == Phase::InApproval {
            self.after_acceptance(record.id, now).await;
        }
        match self.issue_result(&record, now).await {
            Ok(Some(after)) => after,
            Ok(None) => record,
            Err(e) => {
                tracing::warn!(error = %e, "result issuance failed; the application stays decided");
                record
            }
        }
    }

    /// Issues the result of a decided application (see the module's comment) and moves it to
    /// "result issued", telling the citizen; `None` when there is nothing to issue (not decided,
    /// or a service the catalogue does not know).
    ///
    /// # Errors
    /// [`ResultsError`]; the application stays decided.
    pub async fn issue_result(
        &self,
        record: &ApplicationRecord,
        now: UnixSeconds,
    ) -> Result<Option<ApplicationRecord>, ResultsError> {
        let decision = match record.state.phase() {
            Phase::Approved => Decision::Granted,
            Phase::Refused => Decision::Refused,
            _ => return Ok(None),
        };
        let Ok(guide) = self.service_guide(&record.service_code).await else { return Ok(None) };
        let Some(case_no) = record.state.case_no().cloned() else { return Ok(None) };
        let today = china_date(now).ok_or(ApplicationError::Time)?;
        let certificate = match (decision, guide.result.e_certificate) {
            (Decision::Granted, Some(kind)) => certificate_fields(kind, &record.submission).transpose()?,
            _ => None,
        };
        if let Some(fields) = certificate {
            let until = today.replace_year(today.year() + 1).ok().and_then(|d| d.previous_day());
            let request = IssueCertificateRequest {
                holder_id_number: record.citizen.clone(),
                valid_from: iso(today),
                valid_until: until.map(iso),
                fields,
            };
            let key = format!("application-{}", record.id);
            let staff = issuing_department(&record.department);
            self.issue_once(&staff, request, Some(&key), now).await?;
        } else if self.store.application_result(record.id).await?.is_none() {
            let text = document_text(record, &guide, decision, &iso(today));
            let document = ResultDocument {
                case_no,
                service: guide.code.clone(),
                decision,
                date: today,
                unit: record.state.organ().clone(),
                digest: ResultDocument::digest_of(&text),
                issued_at: now,
                title: title(decision).to_owned(),
            };
            let (key_id, key) = self.current_key(&record.department).await?;
            let code = document.sign(key_id.as_bytes(), &key)?;
            let stored = ResultRecord { title: document.title, text, code, issued_at: now };
            // A concurrent follow-up stored first: its document stands.
            self.store.put_result(record.id, stored).await?;
        }
        let mut state = record.state.clone();
        let version = state.version();
        let events = state
            .act(&Actor::System, Action::IssueResult, now, self.calendar())
            .map_err(ApplicationError::from)?;
        let store = self.store.as_ref();
        if write_state(store, record.id, version, state, &events, now, self.calendar()).await? {
            let after = store.application(record.id).await?.ok_or(ResultsError::NotFound)?;
            notify(store, &after, now).await?;
            return Ok(Some(after));
        }
        Ok(store.application(record.id).await?)
    }

    /// The signed result document of the citizen's application.
    ///
    /// # Errors
    /// [`ResultsError::NotFound`] for another's application or one without a document.
    pub async fn result_document(
        &self,
        citizen: &str,
        id: ApplicationId,
    ) -> Result<ResultDocumentView, ResultsError> {
        let record = self.store.application(id).await?.filter(|r| r.citizen == citizen);
        if record.is_none() {
            return Err(ResultsError::NotFound);
        }
        let stored = self.store.application_result(id).await?.ok_or(ResultsError::NotFound)?;
        Ok(ResultDocumentView {
            title: stored.title,
            text: stored.text,
            code: stored.code,
            issued_at: stored.issued_at,
        })
    }

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

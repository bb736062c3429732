//! The platform under applying online (`shimin_core::wallet::applications`): the guide from the
//! hall's catalogue held in memory, the open wallet's lock, the clock, the files the citizen
//! staged for materials (held in memory until submitted), and the send — at once when online,
//! else by the next sync round.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use shimin_client::BackendClient;
use shimin_core::wallet::application_views as views;
use shimin_core::wallet::applications::{self as use_case, ApplyError, LocalPhase, Pick, StagedUpload};
use shimin_core::wallet::sync as sync_case;
use shimin_core::wallet::{SyncFailure, WalletStore};
use shimin_wire::application::FieldProblemDto;
use shimin_wire::apply::{
    ApplicationDetailView, ApplicationRowView, ApplyFormRequest, ApplyFormView, CheckFieldRequest, PickDto,
    StagedUploadView, SubmitApplicationRequest, SubmitOutcomeView,
};
use shimin_wire::wallet::Language;

use super::{AppError, WalletState};

/// The most files staged at once (a form has few materials; a citizen may change their mind).
const MAX_STAGED: usize = 32;

/// Files chosen for materials, by their digest, until the application is submitted.
#[derive(Debug, Default)]
pub(super) struct StagedFiles(Mutex<BTreeMap<String, StagedUpload>>);

impl StagedFiles {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, StagedUpload>> {
        // Holds only files; nothing a panic could leave half-done.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

use use_case::china_today as today;

impl WalletState {
    /// The application page of a service: the form prefilled from the open wallet, each
    /// material's sources.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotFound`], [`AppError::BadRequest`] for a service that
    /// takes no online application.
    pub fn apply_form(&self, request: &ApplyFormRequest) -> Result<ApplyFormView, AppError> {
        let service = self.service(&request.code)?;
        let form = service.form.as_ref().filter(|_| service.is_active()).ok_or(AppError::BadRequest)?;
        let lists = self.lists()?;
        let now = self.now();
        self.with_wallet(|w| {
            let values = use_case::prefill(w, form)?;
            let sources = use_case::sources(w, &service, &lists, now)?;
            let types =
                w.certificates()?.into_iter().map(|c| (c.id.to_string(), c.certificate_type)).collect();
            Ok(views::form_view(&service, request.language, values, &sources, &types))
        })
    }

    /// One field's problem, checked by the form's rules with the other answers.
    ///
    /// # Errors
    /// [`AppError::NotFound`], [`AppError::BadRequest`].
    pub fn check_application_field(
        &self,
        request: &CheckFieldRequest,
    ) -> Result<Option<FieldProblemDto>, AppError> {
        let service = self.service(&request.code)?;
        let form = service.form.as_ref().ok_or(AppError::BadRequest)?;
        Ok(form
            .check_field(&request.key, &request.values.iter().cloned().collect(), today(self.now()))
            .as_ref()
            .map(Into::into))
    }

    /// Checks a file chosen for a material and keeps it until the application is submitted.
    pub fn stage_upload(&self, file_name: &str, bytes: Vec<u8>) -> StagedUploadView {
        match StagedUpload::from_named(file_name, bytes) {
            Ok(upload) => {
                let checked = *upload.checked();
                let upload_id = upload.sha256_hex();
                let mut staged = self.staged.lock();
                if staged.len() >= MAX_STAGED {
                    staged.clear();
                }
                staged.insert(upload_id.clone(), upload);
                StagedUploadView::Accepted { upload_id, media_type: checked.kind.into(), size: checked.size }
            }
            Err(e) => StagedUploadView::Refused { reason: views::upload_problem(&e) },
        }
    }

    /// Checks and stores an application in the outbox, then asks for a sync round, which sends
    /// it at once when online.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotFound`], a storage failure.
    pub fn submit_application(
        &self,
        request: SubmitApplicationRequest,
    ) -> Result<SubmitOutcomeView, AppError> {
        let service = self.service(&request.code)?;
        let lists = self.lists()?;
        let now = self.now();
        let mut picks = Vec::with_capacity(request.picks.len());
        {
            let staged = self.staged.lock();
            for (index, pick) in request.picks {
                picks.push((
                    index,
                    match pick {
                        PickDto::Wallet { certificate_id } => Pick::Wallet(certificate_id),
                        PickDto::Library { item_id } => Pick::Library(item_id),
                        PickDto::Upload { upload_id } => match staged.get(&upload_id) {
                            Some(u) => Pick::Upload(u.clone()),
                            None => return Ok(SubmitOutcomeView::UploadMissing),
                        },
                    },
                ));
            }
        }
        let values = request.values.into_iter().collect();
        let prepared = self
            .with_wallet(|w| Ok(use_case::prepare(w, &service, &lists, &values, picks, now, today(now))))?;
        let outcome = match prepared {
            Ok(record) => {
                self.staged.lock().clear();
                self.sync.request_round();
                SubmitOutcomeView::Stored { application: views::row_view(&record, request.language) }
            }
            Err(ApplyError::Form(problems)) => {
                SubmitOutcomeView::FormProblems { problems: views::problems_view(&problems) }
            }
            Err(ApplyError::Precheck(findings)) => SubmitOutcomeView::Findings { findings },
            Err(ApplyError::NotOpen | ApplyError::Certificate(_)) => return Err(AppError::BadRequest),
            Err(ApplyError::Upload(_)) => return Err(AppError::BadRequest),
            Err(ApplyError::Store(e)) => return Err(AppError::Store(e)),
            Err(ApplyError::Sign | ApplyError::Random) => return Err(AppError::Internal("signing failed")),
        };
        Ok(outcome)
    }

    /// 我的办件: every application the wallet knows, newest first.
    ///
    /// # Errors
    /// [`AppError::Locked`], a storage failure.
    pub fn my_applications(&self, language: Language) -> Result<Vec<ApplicationRowView>, AppError> {
        self.with_wallet(|w| Ok(w.applications()?.iter().map(|r| views::row_view(r, language)).collect()))
    }

    /// One application, its timeline asked of the backend when it was submitted and the device
    /// is online; else the last known copy.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotFound`], a storage failure.
    pub async fn application(&self, id: &str, language: Language) -> Result<ApplicationDetailView, AppError> {
        let known = self.with_wallet(|w| Ok(use_case::application(w, id)?))?;
        if known.phase != LocalPhase::Sent {
            return Ok(views::detail_view(&known, language, false));
        }
        let mut handle = self.second_handle()?;
        let refreshed = async {
            let enrolment = handle
                .enrolment()
                .map_err(|e| SyncFailure::Store(e.into()))?
                .ok_or(SyncFailure::NotEnrolled)?;
            let client = BackendClient::new(&enrolment.backend_url)?;
            let (_, token) = sync_case::sign_in(&mut handle, &client).await?;
            use_case::refresh(&mut handle, &client, &token, id, self.now()).await
        }
        .await;
        Ok(match refreshed {
            Ok(record) => views::detail_view(&record, language, false),
            Err(_) => views::detail_view(&known, language, true),
        })
    }
}

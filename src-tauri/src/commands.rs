//! Tauri commands: typed arguments in, typed views out, one line each. The three that take a
//! picture take it as the raw body of the invoke ([`tauri::ipc::Request`]), read by
//! [`raw_body`].

use std::borrow::Cow;

use shimin_wire::hall::{
    CatalogueStatusView, FavouriteRequest, GuideRequest, GuideView, HallHomeRequest, HallHomeView,
    SearchServicesRequest, ServiceListView,
};
use shimin_wire::ipc::{
    AppInfoView, CheckIdNumberRequest, CommandError, FRAME_TIMESTAMP_HEADER, IdNumberCheckView,
    ScreenRequest, ScreenView,
};
use shimin_wire::liveness::{
    DeclineIdentityRequest, IdentityRequestView, LivenessStartRequest, LivenessStatusView,
};
use shimin_wire::sync::{
    AcknowledgeNoticesRequest, DeviceNoticeView, EnrolRequest, MyDeviceView, ReminderView,
    RemoveOtherDeviceRequest, SyncStatusView,
};
use shimin_wire::wallet::{
    AnswerRequest, AskRequest, AskView, CertificateCardView, CertificateDetailView, CertificateRequest,
    ChangePinRequest, ExportView, HistoryDayView, ListAgeView, ListCertificatesRequest, PinRequest,
    PresentRequest, PresentationView, ScanFrameView, ScannedView, SettingsView, StopAskingRequest,
    WalletStatusView,
};
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Runtime, State};

use crate::screen::ScreenState;
use crate::wallet::{AppError, MAX_FRAME_BYTES, MAX_IMAGE_BYTES, WalletState};

/// The bytes of a raw invoke body of at most `max` bytes; `None` for a larger one or a body
/// that is not bytes. The UI sends a `Uint8Array`, which Tauri hands over as
/// [`InvokeBody::Raw`]; where it cannot (Android, or a webview whose custom protocol failed and
/// fell back to `postMessage`) the same bytes arrive as a JSON array of numbers, read here too.
fn raw_body<'a>(request: &'a Request<'_>, max: usize) -> Option<Cow<'a, [u8]>> {
    match request.body() {
        InvokeBody::Raw(bytes) => (bytes.len() <= max).then_some(Cow::Borrowed(bytes.as_slice())),
        InvokeBody::Json(serde_json::Value::Array(numbers)) if numbers.len() <= max => numbers
            .iter()
            .map(|n| n.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect::<Option<Vec<u8>>>()
            .map(Cow::Owned),
        InvokeBody::Json(_) => None,
    }
}

/// The [`FRAME_TIMESTAMP_HEADER`] of a camera frame's invoke.
fn frame_timestamp(request: &Request<'_>) -> Option<u64> {
    request.headers().get(FRAME_TIMESTAMP_HEADER)?.to_str().ok()?.parse().ok()
}

/// The public error of a failed command; what the UI cannot be told (a storage or backend
/// failure's detail, never personal data) goes to the app's log.
fn fail(e: AppError) -> CommandError {
    if let Some(line) = e.log_line() {
        eprintln!("shimin: {line}");
    }
    e.into()
}

/// Versions of the running app.
#[tauri::command]
pub fn app_info() -> AppInfoView {
    shimin_core::views::app_info(env!("CARGO_PKG_VERSION"))
}

/// Checks an identity number as the user types it.
#[tauri::command]
pub fn check_id_number(request: CheckIdNumberRequest) -> IdNumberCheckView {
    shimin_core::views::check_id_number(&request)
}

/// Whether a wallet exists and is open.
#[tauri::command]
pub async fn wallet_status(state: State<'_, WalletState>) -> Result<WalletStatusView, CommandError> {
    state.status().map_err(fail)
}

/// Creates the wallet with a six-digit PIN and opens it.
#[tauri::command]
pub async fn create_wallet(state: State<'_, WalletState>, request: PinRequest) -> Result<(), CommandError> {
    state.create(&request.pin).map_err(fail)
}

/// Opens the wallet with its PIN.
#[tauri::command]
pub async fn unlock_wallet(state: State<'_, WalletState>, request: PinRequest) -> Result<(), CommandError> {
    state.unlock(&request.pin).map_err(fail)
}

/// Closes the wallet.
#[tauri::command]
pub async fn lock_wallet(state: State<'_, WalletState>) -> Result<(), CommandError> {
    state.lock().map_err(fail)
}

/// The current certificates, soonest expiry first.
#[tauri::command]
pub async fn list_certificates(
    state: State<'_, WalletState>,
    request: ListCertificatesRequest,
) -> Result<Vec<CertificateCardView>, CommandError> {
    state.certificates(&request.query).map_err(fail)
}

/// One certificate in full.
#[tauri::command]
pub async fn certificate_detail(
    state: State<'_, WalletState>,
    request: CertificateRequest,
) -> Result<CertificateDetailView, CommandError> {
    state.certificate(&request.id).map_err(fail)
}

/// A fresh presentation QR code.
#[tauri::command]
pub async fn present_certificate(
    state: State<'_, WalletState>,
    request: PresentRequest,
) -> Result<PresentationView, CommandError> {
    state.present(&request).map_err(fail)
}

/// Reads a picture of a QR code — a presentation to verify, or a verifier's request: the PNG
/// or JPEG file is the raw body.
#[tauri::command]
pub async fn verify_image(
    state: State<'_, WalletState>,
    request: Request<'_>,
) -> Result<ScannedView, CommandError> {
    let image = raw_body(&request, MAX_IMAGE_BYTES).ok_or(AppError::BadRequest)?;
    state.verify_image(&image).map_err(fail)
}

/// The presentation log by day, newest first.
#[tauri::command]
pub async fn presentation_history(
    state: State<'_, WalletState>,
) -> Result<Vec<HistoryDayView>, CommandError> {
    state.history().map_err(fail)
}

/// Exports the presentation log as JSON Lines where the user chooses.
#[tauri::command]
pub async fn export_history<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, WalletState>,
) -> Result<ExportView, CommandError> {
    let offered = state.export_file_name();
    let path = match state.export_dir() {
        Some(dir) => dir.join(&offered),
        None => match crate::export::ask_where(&app, &offered).await {
            Some(path) => path,
            None => return Ok(ExportView::Cancelled),
        },
    };
    let lines = state.export_history_to(&path).map_err(fail)?;
    Ok(ExportView::Saved { file_name: crate::export::shown_name(&path), lines })
}

/// Enrols this device with the backend, then runs the first sync.
#[tauri::command]
pub async fn enrol_device(
    state: State<'_, WalletState>,
    request: EnrolRequest,
) -> Result<SyncStatusView, CommandError> {
    state.enrol(&request.id_number, &request.enrolment_code).await.map_err(fail)
}

/// The sync status line.
#[tauri::command]
pub async fn sync_status(state: State<'_, WalletState>) -> Result<SyncStatusView, CommandError> {
    state.sync_status().map_err(fail)
}

/// Runs a sync round now and answers the status after it.
#[tauri::command]
pub async fn sync_now(state: State<'_, WalletState>) -> Result<SyncStatusView, CommandError> {
    state.sync_now().await.map_err(fail)
}

/// The backend's reminders, soonest first.
#[tauri::command]
pub async fn reminders(state: State<'_, WalletState>) -> Result<Vec<ReminderView>, CommandError> {
    state.reminders().map_err(fail)
}

/// The app's preferences.
#[tauri::command]
pub async fn settings(state: State<'_, WalletState>) -> Result<SettingsView, CommandError> {
    Ok(state.settings())
}

/// Saves the app's preferences.
#[tauri::command]
pub async fn save_settings(state: State<'_, WalletState>, request: SettingsView) -> Result<(), CommandError> {
    state.save_settings(request).map_err(fail)
}

/// Changes the PIN.
#[tauri::command]
pub async fn change_pin(
    state: State<'_, WalletState>,
    request: ChangePinRequest,
) -> Result<(), CommandError> {
    state.change_pin(&request.current, &request.new).map_err(fail)
}

/// Unregisters this device and erases its wallet.
#[tauri::command]
pub async fn remove_device(state: State<'_, WalletState>) -> Result<(), CommandError> {
    state.remove_device().await.map_err(fail)
}

/// Erases the wallet of a holder who forgot the PIN.
#[tauri::command]
pub async fn forget_wallet(state: State<'_, WalletState>) -> Result<(), CommandError> {
    state.forget().map_err(fail)
}

/// The citizen's devices, this one marked.
#[tauri::command]
pub async fn my_devices(state: State<'_, WalletState>) -> Result<Vec<MyDeviceView>, CommandError> {
    state.my_devices().await.map_err(fail)
}

/// Removes another device of the citizen; the PIN is asked again.
#[tauri::command]
pub async fn remove_other_device(
    state: State<'_, WalletState>,
    request: RemoveOtherDeviceRequest,
) -> Result<(), CommandError> {
    state.remove_other_device(request.device_id, &request.pin).await.map_err(fail)
}

/// The notices of new devices not yet acknowledged, newest first.
#[tauri::command]
pub fn device_notices(state: State<'_, WalletState>) -> Result<Vec<DeviceNoticeView>, CommandError> {
    state.device_notices().map_err(fail)
}

/// Acknowledges the new-device notices up to one.
#[tauri::command]
pub fn acknowledge_notices(
    state: State<'_, WalletState>,
    request: AcknowledgeNoticesRequest,
) -> Result<(), CommandError> {
    state.acknowledge_notices(request.up_to).map_err(fail)
}

/// The UI painted its first screen.
#[tauri::command]
pub fn ui_painted<R: Runtime>(app: AppHandle<R>) {
    crate::startup::painted(&app);
}

/// Asks the backend for a liveness challenge and starts the check.
#[tauri::command]
pub async fn liveness_start(
    state: State<'_, WalletState>,
    request: LivenessStartRequest,
) -> Result<LivenessStatusView, CommandError> {
    state.liveness_start(request.purpose).await.map_err(fail)
}

/// One camera frame of the running liveness check: the JPEG is the raw body, when it was taken
/// the [`FRAME_TIMESTAMP_HEADER`].
#[tauri::command]
pub async fn liveness_frame(
    state: State<'_, WalletState>,
    request: Request<'_>,
) -> Result<LivenessStatusView, CommandError> {
    let (jpeg, timestamp_ms) =
        raw_body(&request, MAX_FRAME_BYTES).zip(frame_timestamp(&request)).ok_or(AppError::BadFrame)?;
    state.liveness_frame(&jpeg, timestamp_ms).map_err(fail)
}

/// The next recorded frame of the running liveness check.
#[tauri::command]
pub async fn liveness_next_frame(state: State<'_, WalletState>) -> Result<LivenessStatusView, CommandError> {
    state.liveness_next_frame().map_err(fail)
}

/// Sends the captured check to the backend and answers its decision.
#[tauri::command]
pub async fn liveness_submit(state: State<'_, WalletState>) -> Result<LivenessStatusView, CommandError> {
    state.liveness_submit().await.map_err(fail)
}

/// Stops the running liveness check.
#[tauri::command]
pub async fn liveness_cancel(state: State<'_, WalletState>) -> Result<(), CommandError> {
    state.liveness_cancel();
    Ok(())
}

/// The registration cases that ask this citizen to confirm their identity.
#[tauri::command]
pub async fn identity_requests(
    state: State<'_, WalletState>,
) -> Result<Vec<IdentityRequestView>, CommandError> {
    state.identity_requests().await.map_err(fail)
}

/// Declines an identity request, saying why; the registrar is told.
#[tauri::command]
pub async fn decline_identity_request(
    state: State<'_, WalletState>,
    request: DeclineIdentityRequest,
) -> Result<IdentityRequestView, CommandError> {
    state.decline_request(request.case_id, request.reason).await.map_err(fail)
}

/// Opens the computer's camera for scanning; false when the webview's camera must be used.
#[tauri::command]
pub async fn scan_camera_open(state: State<'_, WalletState>) -> Result<bool, CommandError> {
    Ok(state.scan_camera_open().await)
}

/// The next frame of the scanning camera and the verdict on it.
#[tauri::command]
pub async fn scan_camera_frame(state: State<'_, WalletState>) -> Result<ScanFrameView, CommandError> {
    state.scan_camera_frame().map_err(fail)
}

/// Reads one frame of the webview's camera while scanning: the JPEG is the raw body; nothing
/// while no code is in view.
#[tauri::command]
pub async fn scan_image(
    state: State<'_, WalletState>,
    request: Request<'_>,
) -> Result<Option<ScannedView>, CommandError> {
    let frame = raw_body(&request, MAX_FRAME_BYTES).ok_or(AppError::BadFrame)?;
    state.scan_image(&frame).map_err(fail)
}

/// Releases the scanning camera.
#[tauri::command]
pub async fn scan_camera_close(state: State<'_, WalletState>) -> Result<(), CommandError> {
    state.scan_camera_close();
    Ok(())
}

/// Draws a fresh request for the holder in front of this verifier and holds it (two-way mode).
#[tauri::command]
pub async fn ask_presentation(
    state: State<'_, WalletState>,
    request: AskRequest,
) -> Result<AskView, CommandError> {
    state.ask(request.preset).map_err(fail)
}

/// Lets go of the request held, if it is the one named: scanned codes are one-way codes again.
#[tauri::command]
pub async fn stop_asking(
    state: State<'_, WalletState>,
    request: StopAskingRequest,
) -> Result<(), CommandError> {
    state.stop_asking(&request.code);
    Ok(())
}

/// Answers a verifier's request, once the holder agreed.
#[tauri::command]
pub async fn answer_request(
    state: State<'_, WalletState>,
    request: AnswerRequest,
) -> Result<PresentationView, CommandError> {
    state.answer_request(&request).map_err(fail)
}

/// Keeps the screen awake while a certificate is shown (亮证), or lets it go.
#[tauri::command]
pub async fn screen_for_showing<R: Runtime>(
    window: tauri::WebviewWindow<R>,
    state: State<'_, ScreenState>,
    request: ScreenRequest,
) -> Result<ScreenView, CommandError> {
    Ok(state.set(window, request.showing).await)
}

/// Forgets the user's answer about the camera (去设置 after a refusal): the next use asks again.
#[tauri::command]
pub fn camera_permission_reset<R: Runtime>(window: tauri::WebviewWindow<R>) -> bool {
    crate::camera::forget_answer(&window)
}

/// How fresh the lists held for verifying are (the verify screen's line).
#[tauri::command]
pub async fn verify_data_age(state: State<'_, WalletState>) -> Result<Option<ListAgeView>, CommandError> {
    state.verify_data_age().map_err(fail)
}

/// The service hall's home.
#[tauri::command]
pub async fn hall_home(
    state: State<'_, WalletState>,
    request: HallHomeRequest,
) -> Result<HallHomeView, CommandError> {
    state.hall_home(&request).map_err(fail)
}

/// Searches or browses the offline catalogue.
#[tauri::command]
pub async fn search_services(
    state: State<'_, WalletState>,
    request: SearchServicesRequest,
) -> Result<ServiceListView, CommandError> {
    state.search_services(&request).map_err(fail)
}

/// A service's guide.
#[tauri::command]
pub async fn service_guide(
    state: State<'_, WalletState>,
    request: GuideRequest,
) -> Result<GuideView, CommandError> {
    state.service_guide(&request).map_err(fail)
}

/// Marks or unmarks a favourite service.
#[tauri::command]
pub async fn set_favourite(
    state: State<'_, WalletState>,
    request: FavouriteRequest,
) -> Result<(), CommandError> {
    state.set_favourite(&request.code, request.favourite).map_err(fail)
}

/// Fetches the catalogue's changes now.
#[tauri::command]
pub async fn refresh_catalogue(state: State<'_, WalletState>) -> Result<CatalogueStatusView, CommandError> {
    state.refresh_catalogue().await.map_err(fail)
}

/// The application page of a service (在线办理).
#[tauri::command]
pub async fn apply_form(
    state: State<'_, WalletState>,
    request: shimin_wire::apply::ApplyFormRequest,
) -> Result<shimin_wire::apply::ApplyFormView, CommandError> {
    state.apply_form(&request).map_err(fail)
}

/// One field's problem as the citizen leaves it.
#[tauri::command]
pub async fn check_application_field(
    state: State<'_, WalletState>,
    request: shimin_wire::apply::CheckFieldRequest,
) -> Result<Option<shimin_wire::application::FieldProblemDto>, CommandError> {
    state.check_application_field(&request).map_err(fail)
}

/// A file for a material: the raw body, its name (only the extension counts) in a header.
#[tauri::command]
pub async fn stage_upload(
    state: State<'_, WalletState>,
    request: Request<'_>,
) -> Result<shimin_wire::apply::StagedUploadView, CommandError> {
    // One byte over the limit is enough for the core to refuse it as too large.
    let max = usize::try_from(shimin_core::application::material::MAX_UPLOAD_BYTES).unwrap_or(usize::MAX);
    let bytes = raw_body(&request, max.saturating_add(1)).ok_or(AppError::BadRequest)?;
    let name = request
        .headers()
        .get(shimin_wire::apply::FILE_NAME_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(state.stage_upload(name, bytes.into_owned()))
}

/// Submits an application to the outbox; it is sent at once when online.
#[tauri::command]
pub async fn submit_application(
    state: State<'_, WalletState>,
    request: shimin_wire::apply::SubmitApplicationRequest,
) -> Result<shimin_wire::apply::SubmitOutcomeView, CommandError> {
    state.submit_application(request).map_err(fail)
}

/// 我的办件.
#[tauri::command]
pub async fn my_applications(
    state: State<'_, WalletState>,
    language: shimin_wire::wallet::Language,
) -> Result<Vec<shimin_wire::apply::ApplicationRowView>, CommandError> {
    state.my_applications(language).map_err(fail)
}

/// One application with its timeline.
#[tauri::command]
pub async fn application(
    state: State<'_, WalletState>,
    request: shimin_wire::apply::ApplicationRequest,
    language: shimin_wire::wallet::Language,
) -> Result<shimin_wire::apply::ApplicationDetailView, CommandError> {
    state.application(&request.id, language).await.map_err(fail)
}

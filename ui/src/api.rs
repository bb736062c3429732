//! The one typed door from the UI into the app: every Tauri command, with typed arguments,
//! typed results and a typed error. Pages never call `invoke` themselves. Arguments go as JSON,
//! except pictures, whose bytes are the invoke's body (see `shimin_wire::ipc`).

use serde::Serialize;
use serde::de::DeserializeOwned;
use shimin_wire::hall::{
    AudienceView, CatalogueStatusView, FavouriteRequest, GuideRequest, GuideView, HallHomeRequest,
    HallHomeView, SearchServicesRequest, ServiceListView,
};
use shimin_wire::ipc::{
    self, AppInfoView, CheckIdNumberRequest, CommandError, FRAME_TIMESTAMP_HEADER, IdNumberCheckView,
    ScreenRequest, ScreenView,
};
use shimin_wire::liveness::{
    DeclineIdentityRequest, DeclineReasonView, IdentityRequestView, LivenessPurposeView,
    LivenessStartRequest, LivenessStatusView,
};
use shimin_wire::sync::{
    AcknowledgeNoticesRequest, DeviceNoticeView, EnrolRequest, MyDeviceView, ReminderView,
    RemoveOtherDeviceRequest, SyncStatusView,
};
use shimin_wire::wallet::{
    AnswerRequest, AskRequest, AskView, CertificateCardView, CertificateDetailView, CertificateRequest,
    ChangePinRequest, ExportView, HistoryDayView, Language, ListAgeView, ListCertificatesRequest, Pin,
    PinRequest, PresentRequest, PresentationView, PresetView, ScanFrameView, ScannedView, SettingsView,
    StopAskingRequest, WalletStatusView,
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// `invoke(cmd, payload, { headers })`: a `Uint8Array` payload is sent as the raw body.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke_with_options(
        cmd: &str,
        payload: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue>;
}

/// Why a call into the app failed, as far as the UI needs to know.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The command answered with an error.
    Command(CommandError),
    /// The bridge itself failed (no Tauri, or an answer of the wrong shape).
    Bridge,
}

/// The typed answer of an invoke.
fn answer<R: DeserializeOwned>(result: Result<JsValue, JsValue>) -> Result<R, ApiError> {
    match result {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|_| ApiError::Bridge),
        Err(err) => {
            Err(serde_wasm_bindgen::from_value(err).map(ApiError::Command).unwrap_or(ApiError::Bridge))
        }
    }
}

async fn call<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Result<R, ApiError> {
    let args = serde_wasm_bindgen::to_value(args).map_err(|_| ApiError::Bridge)?;
    answer(tauri_invoke(cmd, args).await)
}

/// Invokes `cmd` with `bytes` as the raw body and `headers` beside it.
async fn call_raw<R: DeserializeOwned>(
    cmd: &str,
    bytes: &[u8],
    headers: &[(&str, String)],
) -> Result<R, ApiError> {
    let header_map = js_sys::Object::new();
    for (name, value) in headers {
        js_sys::Reflect::set(&header_map, &JsValue::from_str(name), &JsValue::from_str(value))
            .map_err(|_| ApiError::Bridge)?;
    }
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &JsValue::from_str("headers"), &header_map)
        .map_err(|_| ApiError::Bridge)?;
    let body = js_sys::Uint8Array::from(bytes);
    answer(tauri_invoke_with_options(cmd, body.into(), options.into()).await)
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct WithRequest<'a, T> {
    request: &'a T,
}

async fn with_request<A: Serialize, R: DeserializeOwned>(cmd: &str, request: &A) -> Result<R, ApiError> {
    call(cmd, &WithRequest { request }).await
}

/// Versions of the running app.
pub async fn app_info() -> Result<AppInfoView, ApiError> {
    call(ipc::command::APP_INFO, &NoArgs {}).await
}

/// Checks an identity number in the core.
pub async fn check_id_number(input: String) -> Result<IdNumberCheckView, ApiError> {
    with_request(ipc::command::CHECK_ID_NUMBER, &CheckIdNumberRequest { input }).await
}

/// Whether a wallet exists and is open.
pub async fn wallet_status() -> Result<WalletStatusView, ApiError> {
    call(ipc::command::WALLET_STATUS, &NoArgs {}).await
}

/// Creates the wallet with `pin` and opens it.
pub async fn create_wallet(pin: &Pin) -> Result<(), ApiError> {
    with_request(ipc::command::CREATE_WALLET, &PinRequest::from(pin)).await
}

/// Opens the wallet with `pin`.
pub async fn unlock_wallet(pin: &Pin) -> Result<(), ApiError> {
    with_request(ipc::command::UNLOCK_WALLET, &PinRequest::from(pin)).await
}

/// Closes the wallet.
pub async fn lock_wallet() -> Result<(), ApiError> {
    call(ipc::command::LOCK_WALLET, &NoArgs {}).await
}

/// The current certificates matching `query`, soonest expiry first.
pub async fn list_certificates(query: String) -> Result<Vec<CertificateCardView>, ApiError> {
    with_request(ipc::command::LIST_CERTIFICATES, &ListCertificatesRequest { query }).await
}

/// One certificate in full.
pub async fn certificate_detail(id: String) -> Result<CertificateDetailView, ApiError> {
    with_request(ipc::command::CERTIFICATE_DETAIL, &CertificateRequest { id }).await
}

/// A fresh presentation QR code of certificate `id`.
pub async fn present(id: String, preset: PresetView, refresh: bool) -> Result<PresentationView, ApiError> {
    with_request(ipc::command::PRESENT_CERTIFICATE, &PresentRequest { id, preset, refresh }).await
}

/// Keeps the screen awake while a certificate is shown (`showing`), or lets it go.
pub async fn screen_for_showing(showing: bool) -> Result<ScreenView, ApiError> {
    with_request(ipc::command::SCREEN_FOR_SHOWING, &ScreenRequest { showing }).await
}

/// How fresh the lists held for verifying are: the oldest one's age, `None` without a trust list.
pub async fn verify_data_age() -> Result<Option<ListAgeView>, ApiError> {
    call(ipc::command::VERIFY_DATA_AGE, &NoArgs {}).await
}

/// Forgets the answer about the camera so that the next use asks again; whether it will.
pub async fn camera_permission_reset() -> Result<bool, ApiError> {
    call(ipc::command::CAMERA_PERMISSION_RESET, &NoArgs {}).await
}

/// Reads a picture (PNG or JPEG file) of a QR code: a presentation verified, or a verifier's
/// request.
pub async fn verify_image(image: &[u8]) -> Result<ScannedView, ApiError> {
    call_raw(ipc::command::VERIFY_IMAGE, image, &[]).await
}

/// Opens the computer's camera for scanning; false when the webview's camera must be used.
pub async fn scan_camera_open() -> Result<bool, ApiError> {
    call(ipc::command::SCAN_CAMERA_OPEN, &NoArgs {}).await
}

/// The next frame of the scanning camera and what the code in it is.
pub async fn scan_camera_frame() -> Result<ScanFrameView, ApiError> {
    call(ipc::command::SCAN_CAMERA_FRAME, &NoArgs {}).await
}

/// What the code in one frame (a JPEG) of the webview's camera is; `None` while no code is in
/// view.
pub async fn scan_image(jpeg: &[u8]) -> Result<Option<ScannedView>, ApiError> {
    call_raw(ipc::command::SCAN_IMAGE, jpeg, &[]).await
}

/// Draws a fresh request for the holder in front of this verifier (two-way mode); scanned
/// codes then count only as answers to it.
pub async fn ask_presentation(preset: PresetView) -> Result<AskView, ApiError> {
    with_request(ipc::command::ASK_PRESENTATION, &AskRequest { preset }).await
}

/// Lets go of the request `code` if it is still the one held: scanned codes are one-way codes
/// again.
pub async fn stop_asking(code: String) -> Result<(), ApiError> {
    with_request(ipc::command::STOP_ASKING, &StopAskingRequest { code }).await
}

/// Answers a verifier's request, once the holder agreed.
pub async fn answer_request(request: String, id: String) -> Result<PresentationView, ApiError> {
    with_request(ipc::command::ANSWER_REQUEST, &AnswerRequest { request, id }).await
}

/// Releases the scanning camera.
pub async fn scan_camera_close() -> Result<(), ApiError> {
    call(ipc::command::SCAN_CAMERA_CLOSE, &NoArgs {}).await
}

/// The presentation log, newest first.
pub async fn presentation_history() -> Result<Vec<HistoryDayView>, ApiError> {
    call(ipc::command::PRESENTATION_HISTORY, &NoArgs {}).await
}

/// Exports the presentation log.
pub async fn export_history() -> Result<ExportView, ApiError> {
    call(ipc::command::EXPORT_HISTORY, &NoArgs {}).await
}

/// Enrols this device with the backend and runs the first sync.
pub async fn enrol_device(id_number: String, enrolment_code: String) -> Result<SyncStatusView, ApiError> {
    with_request(ipc::command::ENROL_DEVICE, &EnrolRequest { id_number, enrolment_code }).await
}

/// The sync status line.
pub async fn sync_status() -> Result<SyncStatusView, ApiError> {
    call(ipc::command::SYNC_STATUS, &NoArgs {}).await
}

/// Runs a sync round now and answers the status after it.
pub async fn sync_now() -> Result<SyncStatusView, ApiError> {
    call(ipc::command::SYNC_NOW, &NoArgs {}).await
}

/// The backend's reminders, soonest first.
pub async fn reminders() -> Result<Vec<ReminderView>, ApiError> {
    call(ipc::command::REMINDERS, &NoArgs {}).await
}

/// The app's preferences.
pub async fn settings() -> Result<SettingsView, ApiError> {
    call(ipc::command::SETTINGS, &NoArgs {}).await
}

/// Saves the app's preferences.
pub async fn save_settings(view: SettingsView) -> Result<(), ApiError> {
    with_request(ipc::command::SAVE_SETTINGS, &view).await
}

/// Changes the PIN.
pub async fn change_pin(current: String, new: String) -> Result<(), ApiError> {
    with_request(ipc::command::CHANGE_PIN, &ChangePinRequest { current, new }).await
}

/// Unregisters this device and erases its wallet.
pub async fn remove_device() -> Result<(), ApiError> {
    call(ipc::command::REMOVE_DEVICE, &NoArgs {}).await
}

/// Erases the wallet of a holder who forgot the PIN (忘记密码).
pub async fn forget_wallet() -> Result<(), ApiError> {
    call(ipc::command::FORGET_WALLET, &NoArgs {}).await
}

/// The citizen's devices, this one marked.
pub async fn my_devices() -> Result<Vec<MyDeviceView>, ApiError> {
    call(ipc::command::MY_DEVICES, &NoArgs {}).await
}

/// Removes another device of the citizen, with the PIN entered again.
pub async fn remove_other_device(device_id: i64, pin: String) -> Result<(), ApiError> {
    with_request(ipc::command::REMOVE_OTHER_DEVICE, &RemoveOtherDeviceRequest { device_id, pin }).await
}

/// The notices of new devices not yet acknowledged, newest first.
pub async fn device_notices() -> Result<Vec<DeviceNoticeView>, ApiError> {
    call(ipc::command::DEVICE_NOTICES, &NoArgs {}).await
}

/// Acknowledges the new-device notices up to `up_to`.
pub async fn acknowledge_notices(up_to: i64) -> Result<(), ApiError> {
    with_request(ipc::command::ACKNOWLEDGE_NOTICES, &AcknowledgeNoticesRequest { up_to }).await
}

/// Tells the app the first screen has been painted.
pub async fn ui_painted() -> Result<(), ApiError> {
    call(ipc::command::UI_PAINTED, &NoArgs {}).await
}

/// Asks the backend for a liveness challenge and starts the check.
pub async fn liveness_start(purpose: LivenessPurposeView) -> Result<LivenessStatusView, ApiError> {
    with_request(ipc::command::LIVENESS_START, &LivenessStartRequest { purpose }).await
}

/// Sends one camera frame (a JPEG) of the running check, taken `timestamp_ms` after its first.
pub async fn liveness_frame(jpeg: &[u8], timestamp_ms: u64) -> Result<LivenessStatusView, ApiError> {
    call_raw(ipc::command::LIVENESS_FRAME, jpeg, &[(FRAME_TIMESTAMP_HEADER, timestamp_ms.to_string())]).await
}

/// Takes the next recorded frame of the running check.
pub async fn liveness_next_frame() -> Result<LivenessStatusView, ApiError> {
    call(ipc::command::LIVENESS_NEXT_FRAME, &NoArgs {}).await
}

/// Sends the captured check to the backend; answers its decision.
pub async fn liveness_submit() -> Result<LivenessStatusView, ApiError> {
    call(ipc::command::LIVENESS_SUBMIT, &NoArgs {}).await
}

/// Stops the running check.
pub async fn liveness_cancel() -> Result<(), ApiError> {
    call(ipc::command::LIVENESS_CANCEL, &NoArgs {}).await
}

/// The registration cases asking this citizen to confirm their identity.
pub async fn identity_requests() -> Result<Vec<IdentityRequestView>, ApiError> {
    call(ipc::command::IDENTITY_REQUESTS, &NoArgs {}).await
}

/// Declines identity request `case_id`, saying why; the request as it now stands.
pub async fn decline_identity_request(
    case_id: i64,
    reason: DeclineReasonView,
) -> Result<IdentityRequestView, ApiError> {
    with_request(ipc::command::DECLINE_IDENTITY_REQUEST, &DeclineIdentityRequest { case_id, reason }).await
}

/// The hall's home in `language`: the catalogue line, `audience`'s themes, the departments, and
/// (while the wallet is open) favourites and recently viewed.
pub async fn hall_home(language: Language, audience: AudienceView) -> Result<HallHomeView, ApiError> {
    with_request(ipc::command::HALL_HOME, &HallHomeRequest { language, audience }).await
}

/// Searches or browses the offline catalogue.
pub async fn search_services(request: &SearchServicesRequest) -> Result<ServiceListView, ApiError> {
    with_request(ipc::command::SEARCH_SERVICES, request).await
}

/// A service's guide in `language` (recorded as recently viewed while the wallet is open).
pub async fn service_guide(code: String, language: Language) -> Result<GuideView, ApiError> {
    with_request(ipc::command::SERVICE_GUIDE, &GuideRequest { code, language }).await
}

/// Marks service `code` a favourite, or unmarks it.
pub async fn set_favourite(code: String, favourite: bool) -> Result<(), ApiError> {
    with_request(ipc::command::SET_FAVOURITE, &FavouriteRequest { code, favourite }).await
}

/// Fetches the catalogue's changes now; the catalogue line after them.
pub async fn refresh_catalogue() -> Result<CatalogueStatusView, ApiError> {
    call(ipc::command::REFRESH_CATALOGUE, &NoArgs {}).await
}

/// The application page of service `code` (在线办理).
pub async fn apply_form(
    code: String,
    language: Language,
) -> Result<shimin_wire::apply::ApplyFormView, ApiError> {
    with_request(ipc::command::APPLY_FORM, &shimin_wire::apply::ApplyFormRequest { code, language }).await
}

/// One field's problem, checked by the core as the citizen leaves it.
pub async fn check_application_field(
    request: shimin_wire::apply::CheckFieldRequest,
) -> Result<Option<shimin_wire::application::FieldProblemDto>, ApiError> {
    with_request(ipc::command::CHECK_APPLICATION_FIELD, &request).await
}

/// A file chosen for a material: its bytes, and its name's extension.
pub async fn stage_upload(
    extension: &str,
    bytes: &[u8],
) -> Result<shimin_wire::apply::StagedUploadView, ApiError> {
    call_raw(
        ipc::command::STAGE_UPLOAD,
        bytes,
        &[(shimin_wire::apply::FILE_NAME_HEADER, format!("file.{extension}"))],
    )
    .await
}

/// Submits an application.
pub async fn submit_application(
    request: shimin_wire::apply::SubmitApplicationRequest,
) -> Result<shimin_wire::apply::SubmitOutcomeView, ApiError> {
    with_request(ipc::command::SUBMIT_APPLICATION, &request).await
}

#[derive(Serialize)]
struct LanguageArgs {
    language: Language,
}

#[derive(Serialize)]
struct ApplicationArgs {
    request: shimin_wire::apply::ApplicationRequest,
    language: Language,
}

/// 我的办件.
pub async fn my_applications(
    language: Language,
) -> Result<Vec<shimin_wire::apply::ApplicationRowView>, ApiError> {
    call(ipc::command::MY_APPLICATIONS, &LanguageArgs { language }).await
}

/// One application with its timeline.
pub async fn application(
    id: String,
    language: Language,
) -> Result<shimin_wire::apply::ApplicationDetailView, ApiError> {
    call(
        ipc::command::APPLICATION,
        &ApplicationArgs { request: shimin_wire::apply::ApplicationRequest { id }, language },
    )
    .await
}

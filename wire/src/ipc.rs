//! Types of the Tauri IPC between the UI and the app shell.
//!
//! Most commands take and answer JSON of the types here and in the sibling modules. Pictures
//! are the exception, in both directions one way each:
//!
//! | what | how it crosses |
//! |---|---|
//! | a camera frame or a picture file, UI → app ([`command::VERIFY_IMAGE`], [`command::SCAN_IMAGE`], [`command::LIVENESS_FRAME`]) | the invoke's body is the file's bytes (Tauri's binary IPC: `invoke(cmd, Uint8Array, { headers })`), its metadata in headers such as [`FRAME_TIMESTAMP_HEADER`] |
//! | a preview the app shows the UI (the liveness check's, the scanner's) | a [`JpegPreview`] inside the JSON view |
//!
//! A frame as JSON would be an array of numbers (four characters a byte) or base64 (four for
//! three); raw, it is its own size, and the app reads it without a JSON parser.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The header of a [`command::LIVENESS_FRAME`] invoke that says when the frame was taken:
/// milliseconds since the check's first frame (the video's clock), as decimal digits.
pub const FRAME_TIMESTAMP_HEADER: &str = "shimin-frame-timestamp-ms";

/// Names of the Tauri commands, shared so the UI and the shell cannot disagree on a spelling.
pub mod command {
    /// [`super::AppInfoView`] of the running app.
    pub const APP_INFO: &str = "app_info";
    /// Checks an identity number: [`super::CheckIdNumberRequest`] → [`super::IdNumberCheckView`].
    pub const CHECK_ID_NUMBER: &str = "check_id_number";
    /// Whether a wallet exists and is open: → [`crate::wallet::WalletStatusView`].
    pub const WALLET_STATUS: &str = "wallet_status";
    /// Creates the wallet with a PIN: [`crate::wallet::PinRequest`] → `()`.
    pub const CREATE_WALLET: &str = "create_wallet";
    /// Opens the wallet with its PIN: [`crate::wallet::PinRequest`] → `()`.
    pub const UNLOCK_WALLET: &str = "unlock_wallet";
    /// Closes the wallet, dropping its keys from memory: → `()`.
    pub const LOCK_WALLET: &str = "lock_wallet";
    /// The current certificates, soonest expiry first:
    /// [`crate::wallet::ListCertificatesRequest`] → `Vec<`[`crate::wallet::CertificateCardView`]`>`.
    pub const LIST_CERTIFICATES: &str = "list_certificates";
    /// One certificate: [`crate::wallet::CertificateRequest`] → [`crate::wallet::CertificateDetailView`].
    pub const CERTIFICATE_DETAIL: &str = "certificate_detail";
    /// Signs a presentation and logs it: [`crate::wallet::PresentRequest`] →
    /// [`crate::wallet::PresentationView`].
    pub const PRESENT_CERTIFICATE: &str = "present_certificate";
    /// Reads a picture of a QR code: the PNG or JPEG file as the raw body →
    /// [`crate::wallet::ScannedView`] (a presentation verified with the cached lists, or a
    /// verifier's request).
    pub const VERIFY_IMAGE: &str = "verify_image";
    /// The presentation log by day, newest first: → `Vec<`[`crate::wallet::HistoryDayView`]`>`.
    pub const PRESENTATION_HISTORY: &str = "presentation_history";
    /// Writes the presentation log as JSON Lines where the user chooses in the save dialog (or
    /// into `SHIMIN_EXPORT_TO`): → [`crate::wallet::ExportView`], the file's name only.
    pub const EXPORT_HISTORY: &str = "export_history";
    /// Enrols this device with the backend and starts the first sync:
    /// [`crate::sync::EnrolRequest`] → [`crate::sync::SyncStatusView`].
    pub const ENROL_DEVICE: &str = "enrol_device";
    /// The sync status line: → [`crate::sync::SyncStatusView`].
    pub const SYNC_STATUS: &str = "sync_status";
    /// Runs a sync round now and waits for it: → [`crate::sync::SyncStatusView`].
    pub const SYNC_NOW: &str = "sync_now";
    /// The backend's reminders: → `Vec<`[`crate::sync::ReminderView`]`>`.
    pub const REMINDERS: &str = "reminders";
    /// The app's preferences: → [`crate::wallet::SettingsView`].
    pub const SETTINGS: &str = "settings";
    /// Saves the app's preferences: [`crate::wallet::SettingsView`] → `()`.
    pub const SAVE_SETTINGS: &str = "save_settings";
    /// Changes the PIN: [`crate::wallet::ChangePinRequest`] → `()`.
    pub const CHANGE_PIN: &str = "change_pin";
    /// Unregisters this device from the backend and erases its wallet: → `()`.
    pub const REMOVE_DEVICE: &str = "remove_device";
    /// Erases the wallet without its PIN (忘记密码), the wipe of the last wrong PIN: → `()`.
    pub const FORGET_WALLET: &str = "forget_wallet";
    /// The citizen's devices, this one marked: → `Vec<crate::sync::MyDeviceView>`.
    pub const MY_DEVICES: &str = "my_devices";
    /// Removes another device of the citizen after the PIN is entered again:
    /// [`crate::sync::RemoveOtherDeviceRequest`] → `()`.
    pub const REMOVE_OTHER_DEVICE: &str = "remove_other_device";
    /// The new-device notices not yet acknowledged, newest first: →
    /// `Vec<crate::sync::DeviceNoticeView>`.
    pub const DEVICE_NOTICES: &str = "device_notices";
    /// Acknowledges the new-device notices: [`crate::sync::AcknowledgeNoticesRequest`] → `()`.
    pub const ACKNOWLEDGE_NOTICES: &str = "acknowledge_notices";
    /// The UI painted its first screen: → `()`. (The startup benchmark measures up to here.)
    pub const UI_PAINTED: &str = "ui_painted";
    /// `liveness_start(request: LivenessStartRequest) -> LivenessStatusView`
    pub const LIVENESS_START: &str = "liveness_start";
    /// One frame of the webview's camera for the running check: the JPEG as the raw body and
    /// when it was taken in [`super::FRAME_TIMESTAMP_HEADER`] →
    /// [`crate::liveness::LivenessStatusView`].
    pub const LIVENESS_FRAME: &str = "liveness_frame";
    /// `liveness_next_frame() -> LivenessStatusView` (recorded frames)
    pub const LIVENESS_NEXT_FRAME: &str = "liveness_next_frame";
    /// `liveness_submit() -> LivenessStatusView`
    pub const LIVENESS_SUBMIT: &str = "liveness_submit";
    /// `liveness_cancel()`
    pub const LIVENESS_CANCEL: &str = "liveness_cancel";
    /// `identity_requests() -> Vec<IdentityRequestView>`
    pub const IDENTITY_REQUESTS: &str = "identity_requests";
    /// Declines an identity request: [`crate::liveness::DeclineIdentityRequest`] →
    /// `IdentityRequestView`.
    pub const DECLINE_IDENTITY_REQUEST: &str = "decline_identity_request";
    /// `scan_camera_open() -> bool`: opens the computer's camera for scanning (false when the
    /// app cannot read one itself: the webview's camera is used instead).
    pub const SCAN_CAMERA_OPEN: &str = "scan_camera_open";
    /// `scan_camera_frame() -> ScanFrameView`: the next camera frame and what the code in it
    /// is, if there is one.
    pub const SCAN_CAMERA_FRAME: &str = "scan_camera_frame";
    /// `scan_camera_close()`: releases the scanning camera.
    pub const SCAN_CAMERA_CLOSE: &str = "scan_camera_close";
    /// Reads one frame of the webview's camera while scanning: the JPEG as the raw body →
    /// `Option<`[`crate::wallet::ScannedView`]`>`, `None` while no code is in view.
    pub const SCAN_IMAGE: &str = "scan_image";
    /// Draws a fresh request and holds it, so that scanned codes are checked as answers to it
    /// (two-way mode): [`crate::wallet::AskRequest`] → [`crate::wallet::AskView`].
    pub const ASK_PRESENTATION: &str = "ask_presentation";
    /// Lets go of the request held, if it is the one named: scanned codes are one-way codes
    /// again: [`crate::wallet::StopAskingRequest`] → `()`.
    pub const STOP_ASKING: &str = "stop_asking";
    /// Answers a verifier's request, after the holder agreed: [`crate::wallet::AnswerRequest`] →
    /// [`crate::wallet::PresentationView`].
    pub const ANSWER_REQUEST: &str = "answer_request";
    /// Keeps the screen on (and bright, where the platform lets an app) while a certificate is
    /// shown, or lets it go: [`super::ScreenRequest`] → [`super::ScreenView`].
    pub const SCREEN_FOR_SHOWING: &str = "screen_for_showing";
    /// Forgets the user's answer about the camera, so that the next use asks again (去设置 on
    /// the verifier's screen when the camera was refused): `()` → `bool`, whether the next use
    /// asks (`false` where the platform's own settings decide).
    pub const CAMERA_PERMISSION_RESET: &str = "camera_permission_reset";
    /// How fresh the lists a verification uses are (the verify screen's one line): `()` →
    /// `Option<`[`crate::wallet::ListAgeView`]`>` of the oldest list, `None` without a trust list.
    pub const VERIFY_DATA_AGE: &str = "verify_data_age";
    /// The service hall's home: [`crate::hall::HallHomeRequest`] → [`crate::hall::HallHomeView`].
    pub const HALL_HOME: &str = "hall_home";
    /// Searches or browses the offline catalogue: [`crate::hall::SearchServicesRequest`] →
    /// [`crate::hall::ServiceListView`].
    pub const SEARCH_SERVICES: &str = "search_services";
    /// A service's guide, recorded as recently viewed: [`crate::hall::GuideRequest`] →
    /// [`crate::hall::GuideView`].
    pub const SERVICE_GUIDE: &str = "service_guide";
    /// Marks or unmarks a favourite service: [`crate::hall::FavouriteRequest`] → `()`.
    pub const SET_FAVOURITE: &str = "set_favourite";
    /// Fetches the catalogue's changes now and waits for them: →
    /// [`crate::hall::CatalogueStatusView`].
    pub const REFRESH_CATALOGUE: &str = "refresh_catalogue";
    /// The application page of a service: [`crate::apply::ApplyFormRequest`] →
    /// [`crate::apply::ApplyFormView`].
    pub const APPLY_FORM: &str = "apply_form";
    /// One field's problem as the citizen leaves it: [`crate::apply::CheckFieldRequest`] →
    /// `Option<FieldProblemDto>`.
    pub const CHECK_APPLICATION_FIELD: &str = "check_application_field";
    /// A file for a material, the raw body (its name in [`crate::apply::FILE_NAME_HEADER`]) →
    /// [`crate::apply::StagedUploadView`].
    pub const STAGE_UPLOAD: &str = "stage_upload";
    /// Submits an application to the outbox and sends it when online:
    /// [`crate::apply::SubmitApplicationRequest`] → [`crate::apply::SubmitOutcomeView`].
    pub const SUBMIT_APPLICATION: &str = "submit_application";
    /// 我的办件: → `Vec<ApplicationRowView>`.
    pub const MY_APPLICATIONS: &str = "my_applications";
    /// One application, its timeline asked of the backend when online:
    /// [`crate::apply::ApplicationRequest`] → [`crate::apply::ApplicationDetailView`].
    pub const APPLICATION: &str = "application";
}

/// Arguments of [`command::SCREEN_FOR_SHOWING`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenRequest {
    /// `true` when 亮证 opens, `false` when it closes.
    pub showing: bool,
}

/// What the platform did for the screen while a certificate is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenView {
    /// The screen is kept from dimming and locking.
    pub awake: bool,
    /// The screen was turned to full brightness (phones; a desktop never changes it).
    pub brightened: bool,
}

/// A small JPEG picture for the screen to show: a frame of a camera the app reads itself, while
/// the liveness check or the scanner runs. Base64 (standard alphabet) inside the JSON view, so
/// that the webview makes a `data:` URL of it without decoding it. `Debug` shows only its size:
/// it is a picture of a face or of someone's code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JpegPreview(String);

impl JpegPreview {
    /// The preview whose JPEG file is `base64` (standard alphabet, with padding).
    #[must_use]
    pub fn from_base64(base64: String) -> Self {
        Self(base64)
    }

    /// The JPEG file, base64.
    #[must_use]
    pub fn base64(&self) -> &str {
        &self.0
    }

    /// A `data:` URL of the picture, for an `<img>`.
    #[must_use]
    pub fn data_url(&self) -> String {
        format!("data:image/jpeg;base64,{}", self.0)
    }
}

impl fmt::Debug for JpegPreview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JpegPreview").field("base64_len", &self.0.len()).finish()
    }
}

/// What the "about" part of the app shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfoView {
    /// Version of the core crate.
    pub core_version: String,
    /// Version of the app shell.
    pub app_version: String,
    /// Third-party models and data the app ships, with their licences.
    pub licences: Vec<LicenceView>,
}

/// A third-party component the app ships and its licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceView {
    /// What it is (a proper name, not translated).
    pub component: String,
    /// SPDX licence identifier.
    pub licence: String,
}

/// Arguments of [`command::CHECK_ID_NUMBER`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIdNumberRequest {
    /// What the user typed.
    pub input: String,
}

/// The outcome of checking an identity number, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum IdNumberCheckView {
    /// A valid number; only its masked form and derived facts come back.
    Valid {
        /// The number with its middle hidden.
        masked: String,
        /// Birth date, `YYYY-MM-DD`.
        birth_date: String,
    },
    /// Not valid, with the reason.
    Invalid {
        /// Why.
        reason: IdNumberProblem,
    },
}

/// Why an identity number was refused; the UI turns it into a sentence in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IdNumberProblem {
    /// Not 18 characters.
    WrongLength {
        /// How many there were.
        length: usize,
    },
    /// A character that is not allowed at that position.
    InvalidCharacter {
        /// One-based position.
        position: usize,
    },
    /// Unknown province code.
    UnknownProvince,
    /// The birth date inside is not a real date.
    InvalidBirthDate,
    /// The check character is wrong.
    ChecksumMismatch,
}

/// The error every command can answer with: a code the UI translates, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum CommandError {
    /// The request could not be understood.
    BadRequest,
    /// Something failed inside the app; the detail is in the app's log.
    Internal,
    /// A PIN must be exactly six digits.
    InvalidPin,
    /// The PIN does not open the wallet; nothing was changed. `tries_left`: how many more wrong
    /// PINs erase the wallet from this device (absent when the user turned the wipe off, and in
    /// answers of apps before it was told).
    WrongPin {
        /// Wrong PINs left before the wallet is erased.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tries_left: Option<u32>,
    },
    /// There is no wallet yet: create one first.
    NoWallet,
    /// A wallet already exists on this device.
    WalletExists,
    /// The wallet is locked: unlock it first.
    Locked,
    /// No certificate has this identifier.
    NotFound,
    /// The preset needs an attribute this certificate does not have.
    PresetNotApplicable,
    /// The wallet's data could not be read or written (damaged, or the disk failed).
    Storage,
    /// The identity number is not a valid one.
    InvalidIdNumber,
    /// No backend is configured, so this device cannot be enrolled or synced.
    NoBackend,
    /// This device is not enrolled with the backend yet.
    NotEnrolled,
    /// The backend refused the enrolment: a wrong, spent or expired code, or another person's.
    EnrolmentRefused,
    /// The backend could not be reached; try again when online.
    Offline,
    /// The backend failed or is busy; try again later.
    ServerUnavailable,
    /// The backend answered something that does not verify; nothing of it was stored.
    BadData,
    /// The backend's liveness check did not pass (another face, not live, not the registry's
    /// person): nothing was registered or confirmed.
    LivenessRejected,
    /// The registry has no photo of this citizen to compare with: use an enrolment code.
    NoRegistryPhoto,
    /// Today's liveness attempts are used up; try again tomorrow or use an enrolment code.
    TooManyAttempts,
    /// No liveness check is running (start one first).
    NoLivenessCheck,
    /// A camera frame could not be read.
    BadFrame,
    /// The request was already answered (e.g. a case confirmed already).
    AlreadyDone,
    /// The time to answer an identity request has passed: confirm at the department instead.
    RequestExpired,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_have_a_stable_json_shape() {
        let v = IdNumberCheckView::Invalid { reason: IdNumberProblem::WrongLength { length: 3 } };
        assert_eq!(
            serde_json::to_string(&v).expect("json"),
            r#"{"status":"invalid","reason":{"kind":"wrong_length","length":3}}"#
        );
        let back: IdNumberCheckView = serde_json::from_str(
            r#"{"status":"valid","masked":"1101**********002X","birth_date":"1949-12-31"}"#,
        )
        .expect("parse");
        assert!(matches!(back, IdNumberCheckView::Valid { .. }));
    }

    #[test]
    fn a_preview_is_a_json_string_its_debug_hides_the_picture() {
        let preview = JpegPreview::from_base64("/9j/4AAQ".into());
        assert_eq!(serde_json::to_string(&preview).expect("json"), r#""/9j/4AAQ""#);
        assert_eq!(preview.data_url(), "data:image/jpeg;base64,/9j/4AAQ");
        assert!(!format!("{preview:?}").contains("/9j/"), "{preview:?}");
    }
}

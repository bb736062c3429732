//! Domain values as the UI shows them: dates in China Standard Time, verdicts, checks, badges and
//! attributes mapped to `wire` views, and the small stateless operations the shell exposes.

use shimin_wire::ipc::{AppInfoView, CheckIdNumberRequest, IdNumberCheckView, IdNumberProblem, LicenceView};
use shimin_wire::liveness::{ActionView, GuidanceView, LivenessFailureView, LivenessPhaseView};
use shimin_wire::sync::{ReminderView, SyncLineView, SyncProblemView};
use shimin_wire::wallet::{
    AttributeView, CertificateCardView, CertificateDetailView, CheckView, DayView, HistoryEntryView,
    ListAgeView, OutcomeView, PresentedCertificateView, PresetView, ReasonView, RecipientView, StatusBadge,
    ValueView, VerdictView, VersionView,
};
use time::{OffsetDateTime, UtcOffset};

use crate::card_state;
use crate::cert::AttributeValue;
use crate::cert::code_names::{CodeName, CodeSet};
use crate::cert::types::{CHINA_UTC_OFFSET_HOURS, names};
use crate::cert::{CertificateType, TypeCode};
use crate::id_number::{IdNumber, IdNumberError};
use crate::liveness::{Action, CapturePhase, FailureReason, Guidance};
use crate::present::Preset;
use crate::records::{PresentationRecord, Recipient, ReminderRecord, StoredCertificate};
use crate::verifier::{self, ListAge, Outcome, Reason, Verdict};

/// A certificate ending within this many days is "expiring soon".
pub const EXPIRING_SOON_DAYS: i64 = 30;

/// Versions of the running app; `app_version` is the shell's own.
pub fn app_info(app_version: &str) -> AppInfoView {
    AppInfoView {
        core_version: crate::VERSION.to_owned(),
        app_version: app_version.to_owned(),
        licences: vec![
            LicenceView {
                component: "MediaPipe BlazeFace short-range detector and Face Mesh (mediapipe 0.10.21, \
                            converted to ONNX)"
                    .to_owned(),
                licence: "Apache-2.0".to_owned(),
            },
            LicenceView {
                component: "nokhwa 0.10 (desktop cameras)".to_owned(),
                licence: "Apache-2.0".to_owned(),
            },
            LicenceView {
                component:
                    "eSpeak NG 1.51 and LAME 3.100 (the face check's spoken prompts, recorded when the \
                            app is built; only their output ships)"
                        .to_owned(),
                licence: "GPL-3.0-or-later; LGPL-2.0-or-later".to_owned(),
            },
        ],
    }
}

fn china_time(unix_seconds: i64) -> Option<OffsetDateTime> {
    let offset = UtcOffset::from_hms(CHINA_UTC_OFFSET_HOURS, 0, 0).ok()?;
    Some(OffsetDateTime::from_unix_timestamp(unix_seconds).ok()?.to_offset(offset))
}

/// The calendar day (China Standard Time) of a Unix time, `YYYY-MM-DD`; empty if out of range.
pub fn day_text(unix_seconds: i64) -> String {
    china_time(unix_seconds)
        .map_or_else(String::new, |t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
}

/// The last valid day of a validity that ends (exclusively) at `valid_to`.
pub fn last_day_text(valid_to: i64) -> String {
    day_text(valid_to.saturating_sub(1))
}

/// A time as `YYYY-MM-DD HH:MM`, China Standard Time; empty if out of range.
pub fn time_text(unix_seconds: i64) -> String {
    china_time(unix_seconds)
        .map_or_else(String::new, |t| format!("{} {:02}:{:02}", day_text(unix_seconds), t.hour(), t.minute()))
}

/// Whole calendar days from `now`'s day to the last valid day (0 on the last day, negative after).
pub fn days_left(valid_to: i64, now: i64) -> Option<i64> {
    let last = china_time(valid_to.saturating_sub(1))?.date();
    let today = china_time(now)?.date();
    Some((last - today).whole_days())
}

/// The core's preset for the one the UI chose.
pub fn preset(view: PresetView) -> Preset {
    match view {
        PresetView::Identity => Preset::Identity,
        PresetView::AgeOver18 => Preset::AgeOver18,
        PresetView::Full => Preset::Full,
    }
}

/// The name the presentation log records for a preset.
pub fn preset_name(view: PresetView) -> &'static str {
    match view {
        PresetView::Identity => "identity",
        PresetView::AgeOver18 => "age_over_18",
        PresetView::Full => "full",
    }
}

/// An attribute as the UI shows it; a photo thumbnail becomes the complete JPEG it stands for,
/// and a code (民族 `01`) comes with its names ([`crate::cert::code_names`]).
pub fn attribute_view(name: &str, value: &AttributeValue) -> AttributeView {
    value_of(verifier::AttributeView::new(name, value))
}

fn value_of(a: verifier::AttributeView) -> AttributeView {
    let is_photo = a.name == names::PHOTO;
    let value = match a.value {
        verifier::ValueView::Text(text) => match CodeSet::of_attribute(&a.name) {
            Some(set) => coded(set, text),
            None => ValueView::Text { text },
        },
        verifier::ValueView::Date(date) => ValueView::Date { date },
        verifier::ValueView::Bool(value) => ValueView::Bool { value },
        verifier::ValueView::Integer(value) => ValueView::Integer { value },
        verifier::ValueView::Bytes(bytes) if is_photo && bytes.starts_with(&[0xFF, 0xD8]) => {
            ValueView::Jpeg { bytes }
        }
        verifier::ValueView::Bytes(bytes) => ValueView::Bytes { len: bytes.len() },
    };
    AttributeView { name: a.name, value }
}

/// A code with its names, or marked unknown: never a bare code passed off as text.
fn coded(set: CodeSet, code: String) -> ValueView {
    match set.name_of(&code) {
        Some(CodeName { zh_hans, zh_hant, en }) => {
            ValueView::Coded { code, zh_hans: zh_hans.into(), zh_hant: zh_hant.into(), en: en.into() }
        }
        None => ValueView::UnknownCode { code },
    }
}

/// The UI's reason for a verifier's finding.
pub fn reason_view(reason: &Reason) -> ReasonView {
    match reason {
        Reason::NoQrCode => ReasonView::NoQrCode,
        Reason::BadPrefix => ReasonView::NotAShiminCode,
        Reason::BadBase45
        | Reason::BadZlib
        | Reason::TooLarge { .. }
        | Reason::BadCbor
        | Reason::UnknownAttribute
        | Reason::UnsupportedVersion { .. }
        | Reason::BadCoseStructure
        | Reason::BadCertificatePayload => ReasonView::Malformed,
        Reason::UnknownKeyId => ReasonView::UnknownIssuer,
        Reason::BadIssuerSignature => ReasonView::BadIssuerSignature,
        Reason::IssuerMismatch
        | Reason::TypeNotAllowed
        | Reason::IssuerKeyOutsideValidity
        | Reason::IssuerKeyCompromised => ReasonView::IssuerNotAllowed,
        Reason::NotYetValid { not_before } => ReasonView::NotYetValid { from: day_text(*not_before) },
        Reason::Expired { expired_at } => ReasonView::Expired { on: day_text(*expired_at) },
        Reason::Revoked { list_age_seconds } => ReasonView::Revoked { list_age_seconds: *list_age_seconds },
        Reason::Suspended { list_age_seconds } | Reason::UnknownStatus { list_age_seconds, .. } => {
            ReasonView::Suspended { list_age_seconds: *list_age_seconds }
        }
        Reason::StatusListMissing | Reason::StatusListWrongIssuer | Reason::StatusIndexOutOfRange => {
            ReasonView::StatusNotCheckable
        }
        Reason::StatusListStale { age_seconds } => ReasonView::StatusListStale { age_seconds: *age_seconds },
        Reason::TrustListStale { age_seconds } => ReasonView::TrustListStale { age_seconds: *age_seconds },
        Reason::DigestMismatch { attribute }
        | Reason::NotSignedAttribute { attribute }
        | Reason::DuplicateDisclosure { attribute } => {
            ReasonView::AttributeTampered { attribute: attribute.clone() }
        }
        Reason::DeviceSignatureMissing => ReasonView::DeviceSignatureMissing,
        Reason::DeviceSignatureBad => ReasonView::DeviceSignatureBad,
        Reason::ExpiredScreenshot { skew_seconds } => {
            ReasonView::ExpiredScreenshot { skew_seconds: *skew_seconds }
        }
        Reason::SeenBefore { .. } => ReasonView::SeenBefore,
        Reason::NotThisRequest => ReasonView::NotThisRequest,
    }
}

/// A list's age as the UI shows it.
pub fn list_age_view(age: ListAge) -> ListAgeView {
    ListAgeView { age_seconds: age.age_seconds, refresh_due: age.refresh_due, stale: age.stale }
}

/// Outcome, reasons and list ages of a verdict.
pub fn check_view(verdict: &Verdict) -> CheckView {
    CheckView {
        outcome: match verdict.outcome {
            Outcome::Valid => OutcomeView::Valid,
            Outcome::Warning => OutcomeView::Warning,
            Outcome::Invalid => OutcomeView::Invalid,
        },
        reasons: verdict.reasons.iter().map(reason_view).collect(),
        trust_list: Some(list_age_view(verdict.trust_list)),
        status_list: verdict.status_list.map(list_age_view),
    }
}

/// The check when no trust list is cached: amber, nothing could be checked.
pub fn unchecked_view() -> CheckView {
    CheckView {
        outcome: OutcomeView::Warning,
        reasons: vec![ReasonView::NoTrustList],
        trust_list: None,
        status_list: None,
    }
}

/// The verifier's verdict as the verify screen shows it.
pub fn verdict_view(verdict: &Verdict) -> VerdictView {
    VerdictView {
        check: check_view(verdict),
        certificate: verdict.certificate.as_ref().map(|c| PresentedCertificateView {
            type_slug: TypeCode::parse(&c.type_code)
                .ok()
                .and_then(|code| CertificateType::from_type_code(&code))
                .map(|t| t.slug().to_owned())
                .unwrap_or_default(),
            type_name: c.type_name.clone(),
            identifier: c.identifier.clone(),
            issuer_name: c.issuer_name.clone(),
            valid_from: day_text(c.valid_from),
            valid_until: c.valid_until.map(last_day_text),
        }),
        attributes: verdict.attributes.iter().cloned().map(value_of).collect(),
        signed_at: verdict.device_signed_at.map(time_text),
    }
}

/// The badge of a certificate in the wallet: the wallet's own check of it (`None` when no trust
/// list is cached) decides, then the dates.
pub fn badge(check: Option<&Verdict>, valid_to: Option<i64>, now: i64) -> StatusBadge {
    let left = valid_to.and_then(|to| days_left(to, now));
    let expired = valid_to.is_some_and(|to| now >= to);
    let Some(verdict) = check else {
        return if expired { StatusBadge::Expired } else { StatusBadge::UnverifiedOffline };
    };
    let has = |f: fn(&Reason) -> bool| verdict.reasons.iter().any(f);
    if has(|r| matches!(r, Reason::Revoked { .. })) {
        StatusBadge::Revoked
    } else if has(|r| matches!(r, Reason::Suspended { .. } | Reason::UnknownStatus { .. })) {
        StatusBadge::Suspended
    } else if expired || has(|r| matches!(r, Reason::Expired { .. })) {
        StatusBadge::Expired
    } else {
        match verdict.outcome {
            Outcome::Invalid => StatusBadge::Invalid,
            Outcome::Warning => StatusBadge::UnverifiedOffline,
            Outcome::Valid if left.is_some_and(|d| d <= EXPIRING_SOON_DAYS) => StatusBadge::ExpiringSoon,
            Outcome::Valid => StatusBadge::Valid,
        }
    }
}

/// The verify screen's verdict when no trust list is held: nothing could be checked.
pub fn unchecked_verdict_view() -> VerdictView {
    VerdictView { check: unchecked_view(), certificate: None, attributes: Vec::new(), signed_at: None }
}

/// A certificate's card: its type, holder, validity and the badge of `check` (the wallet's own
/// check against the lists held, `None` without a trust list) at `now`.
/// A withdrawn identity document says 已注销 and a licence 已吊销 ([`card_state::as_said_for`]);
/// whether it was replaced is the wallet's to say ([`card_state::mark_replaced`]).
pub fn card_view(c: &StoredCertificate, check: Option<&Verdict>, now: i64) -> CertificateCardView {
    let badge = card_state::as_said_for(badge(check, c.valid_to, now), c.certificate_type);
    CertificateCardView {
        id: c.id.to_string(),
        type_slug: c.certificate_type.slug().to_owned(),
        type_name: c.certificate_type.name().to_owned(),
        holder_name: c.holder_name().map(str::to_owned),
        valid_from: day_text(c.valid_from),
        valid_until: c.valid_to.map(last_day_text),
        days_left: c.valid_to.and_then(|to| days_left(to, now)),
        badge,
        inactive: !card_state::is_active(badge),
        replaced_on: None,
    }
}

/// A stored version of a certificate, for the detail screen's list of versions.
pub fn version_view(v: &StoredCertificate) -> VersionView {
    VersionView {
        id: v.id.to_string(),
        version: v.id.version(),
        valid_from: day_text(v.valid_from),
        valid_until: v.valid_to.map(last_day_text),
        current: v.current,
        imported_at: time_text(v.imported_at),
    }
}

/// Attributes the issuer derives from others for a verifier to ask for alone (年满 18 周岁, the
/// masked number): the holder's detail screen shows what they derive from instead.
pub const DERIVED: [&str; 2] = [names::AGE_OVER_18, names::ID_NUMBER_MASKED];

/// An attribute on the holder's own detail screen: an identity number (`id_number`,
/// `spouse_id_number`, and a certificate numbered by it, as a driving licence is) is masked
/// until the holder taps to see it whole; the rest as everywhere.
fn detail_attribute_view(name: &str, value: &AttributeValue) -> AttributeView {
    if (name.ends_with(names::ID_NUMBER) || name == names::CERTIFICATE_NUMBER)
        && let AttributeValue::Text(text) = value
        && let Ok(id) = IdNumber::parse(text)
    {
        let value = ValueView::Masked { masked: id.masked(), full: id.as_str().to_owned() };
        return AttributeView { name: name.to_owned(), value };
    }
    attribute_view(name, value)
}

/// The detail screen: the card, every attribute but the [`DERIVED`] ones (identity numbers
/// masked), the issuer (named by the trust list, else by the certificate's own field), the check
/// and the `versions` (newest first).
pub fn detail_view(
    c: &StoredCertificate,
    check: Option<&Verdict>,
    versions: &[StoredCertificate],
    now: i64,
) -> CertificateDetailView {
    let issuer_from_list = check.and_then(|v| v.certificate.as_ref()).map(|c| c.issuer_name.clone());
    let issuer_printed = match c.attribute(names::ISSUER_NAME) {
        Some(AttributeValue::Text(name)) => Some(name.clone()),
        _ => None,
    };
    CertificateDetailView {
        card: card_view(c, check, now),
        attributes: c
            .issued
            .disclosures
            .iter()
            .filter(|d| !DERIVED.contains(&d.name.as_str()))
            .map(|d| detail_attribute_view(&d.name, &d.value))
            .collect(),
        issuer_name: issuer_from_list.or(issuer_printed),
        issuer_code: c.id.issuer().as_str().to_owned(),
        check: check.map_or_else(unchecked_view, check_view),
        versions: versions.iter().map(version_view).collect(),
        presets: Vec::new(),
    }
}

/// One line of the presentation history, shown once (`times` 1): its time of day, what was
/// shown and to whom.
pub fn history_entry_view(r: &PresentationRecord) -> HistoryEntryView {
    HistoryEntryView {
        time: china_time(r.presented_at)
            .map_or_else(String::new, |t| format!("{:02}:{:02}", t.hour(), t.minute())),
        type_slug: CertificateType::from_type_code(r.certificate_id.type_code()).map(|t| t.slug().to_owned()),
        certificate_id: r.certificate_id.to_string(),
        preset: r.preset.clone(),
        disclosed: r.disclosed.clone(),
        recipient: recipient_view(&r.recipient),
        times: 1,
    }
}

/// To whom, as the history says it.
pub fn recipient_view(r: &Recipient) -> RecipientView {
    match r {
        Recipient::Scanned => RecipientView::Scanned,
        Recipient::Request { code } => RecipientView::Request { code: code.clone() },
        Recipient::Case { department } => RecipientView::Case { department: department.clone() },
    }
}

/// The calendar day (China Standard Time) of `at` as the history heads it: today, yesterday
/// or earlier than `now`'s day, with its date.
pub fn history_day(at: i64, now: i64) -> (String, DayView) {
    let day = match (china_time(at), china_time(now)) {
        (Some(at), Some(now)) if at.date() == now.date() => DayView::Today,
        (Some(at), Some(now)) if now.date().previous_day() == Some(at.date()) => DayView::Yesterday,
        _ => DayView::Earlier,
    };
    (day_text(at), day)
}

/// A reminder as the wallet shows it: whole days from `now` to the expiry.
pub fn reminder_view(r: &ReminderRecord, now: i64) -> ReminderView {
    ReminderView {
        days_left: (r.expires_at - now) / 86_400,
        certificate_id: r.certificate_id.clone(),
        type_slug: r.certificate_type.clone(),
        expires_at: r.expires_at,
    }
}

/// When something happened, as a line that is read at a glance says it: `HH:MM` on `now`'s day,
/// else `YYYY-MM-DD HH:MM` (China Standard Time); empty if out of range.
pub fn short_time_text(unix_seconds: i64, now: i64) -> String {
    match (china_time(unix_seconds), china_time(now)) {
        (Some(at), Some(today)) if at.date() == today.date() => {
            format!("{:02}:{:02}", at.hour(), at.minute())
        }
        _ => time_text(unix_seconds),
    }
}

/// The wallet's one sync line: running, or when the last round finished and, when the backend
/// cannot be reached or is down, that the certificates still present offline. It carries no age
/// and no countdown, so the line changes only when the state does; a problem only the user can
/// resolve is [`sync_attention`]'s, not the line's.
pub fn sync_line_view(
    running: bool,
    last_sync_at: Option<i64>,
    problem: Option<SyncProblemView>,
    now: i64,
) -> SyncLineView {
    let at = last_sync_at.map(|at| short_time_text(at, now));
    match (running, problem, at) {
        (true, _, _) => SyncLineView::Running,
        (false, Some(SyncProblemView::Offline | SyncProblemView::ServerUnavailable), at) => {
            SyncLineView::Offline { at }
        }
        (false, _, Some(at)) => SyncLineView::Synced { at },
        (false, _, None) => SyncLineView::Never,
    }
}

/// The problem the user has to act on (the device refused, bad data, storage), shown as a banner
/// with what to do; `None` for trouble the app rides out by itself (offline, server down).
pub fn sync_attention(problem: Option<SyncProblemView>) -> Option<SyncProblemView> {
    problem.filter(|p| {
        matches!(p, SyncProblemView::DeviceRefused | SyncProblemView::BadData | SyncProblemView::Storage)
    })
}

/// Checks an identity number. Only the masked number and the birth date come back.
pub fn check_id_number(request: &CheckIdNumberRequest) -> IdNumberCheckView {
    match IdNumber::parse(&request.input) {
        Ok(id) => IdNumberCheckView::Valid { masked: id.masked(), birth_date: id.birth_date().to_string() },
        Err(e) => IdNumberCheckView::Invalid { reason: e.into() },
    }
}

impl From<IdNumberError> for IdNumberProblem {
    fn from(e: IdNumberError) -> Self {
        match e {
            IdNumberError::WrongLength(length) => IdNumberProblem::WrongLength { length },
            IdNumberError::InvalidCharacter { position } => IdNumberProblem::InvalidCharacter { position },
            IdNumberError::UnknownProvince => IdNumberProblem::UnknownProvince,
            IdNumberError::InvalidBirthDate => IdNumberProblem::InvalidBirthDate,
            IdNumberError::ChecksumMismatch => IdNumberProblem::ChecksumMismatch,
        }
    }
}

/// The verdict on one frame of a scanning camera: `None` when no code is in the frame (the
/// scanner keeps looking), else the verdict as [`verdict_view`] shows it.
pub fn scan_verdict_view(verdict: &Verdict) -> Option<VerdictView> {
    let no_code = verdict.reasons.iter().any(|r| matches!(r, Reason::NoQrCode));
    (!no_code).then(|| verdict_view(verdict))
}

/// An action of a liveness challenge as the steps list shows it.
pub fn action_view(action: Action) -> ActionView {
    match action {
        Action::Blink => ActionView::Blink,
        Action::MouthOpen => ActionView::MouthOpen,
        Action::ShakeHead => ActionView::ShakeHead,
        Action::Nod => ActionView::Nod,
    }
}

/// What the liveness screen tells the user now.
pub fn guidance_view(guidance: Guidance) -> GuidanceView {
    match guidance {
        Guidance::FaceNotFound => GuidanceView::FaceNotFound,
        Guidance::OneFaceOnly => GuidanceView::OneFaceOnly,
        Guidance::MoveCloser => GuidanceView::MoveCloser,
        Guidance::MoveBack => GuidanceView::MoveBack,
        Guidance::CenterFace => GuidanceView::CenterFace,
        Guidance::MoreLight => GuidanceView::MoreLight,
        Guidance::LessLight => GuidanceView::LessLight,
        Guidance::HoldStill => GuidanceView::HoldStill,
        Guidance::LookStraight => GuidanceView::LookStraight,
        Guidance::Blink => GuidanceView::Blink,
        Guidance::OpenMouth => GuidanceView::OpenMouth,
        Guidance::ShakeHead => GuidanceView::ShakeHead,
        Guidance::TurnLeft => GuidanceView::TurnLeft,
        Guidance::TurnRight => GuidanceView::TurnRight,
        Guidance::Nod => GuidanceView::Nod,
        Guidance::RaiseHead => GuidanceView::RaiseHead,
        Guidance::Done => GuidanceView::Done,
    }
}

/// Why a liveness session failed, as the screen says it.
pub fn liveness_failure_view(reason: FailureReason) -> LivenessFailureView {
    match reason {
        FailureReason::Timeout => LivenessFailureView::Timeout,
        FailureReason::WrongAction { .. } => LivenessFailureView::WrongAction,
        FailureReason::FaceLost => LivenessFailureView::FaceLost,
        FailureReason::FaceChanged => LivenessFailureView::FaceChanged,
        FailureReason::SeveralFaces => LivenessFailureView::SeveralFaces,
        FailureReason::StreamEnded => LivenessFailureView::StreamEnded,
        FailureReason::TimeWentBack => LivenessFailureView::TimeWentBack,
    }
}

/// Where a liveness check is, on this device: every action done is "captured" (the backend has
/// not decided yet, so not "passed"); frames that stopped are the camera's failure.
pub fn capture_phase_view(phase: CapturePhase) -> LivenessPhaseView {
    match phase {
        CapturePhase::Capturing => LivenessPhaseView::Capturing,
        CapturePhase::Passed => LivenessPhaseView::Captured,
        CapturePhase::Failed(reason) => LivenessPhaseView::Failed { reason: liveness_failure_view(reason) },
        CapturePhase::CameraFailed => LivenessPhaseView::Failed { reason: LivenessFailureView::Camera },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detail_masks_every_identity_number_and_only_those() {
        let number = AttributeValue::Text("11010519491231002X".into());
        for name in ["id_number", "spouse_id_number", "certificate_number"] {
            assert_eq!(
                detail_attribute_view(name, &number).value,
                ValueView::Masked { masked: "1101**********002X".into(), full: "11010519491231002X".into() },
                "{name}"
            );
        }
        let card_number = AttributeValue::Text("B24G0601341".into());
        assert_eq!(
            detail_attribute_view("certificate_number", &card_number).value,
            ValueView::Text { text: "B24G0601341".into() }
        );
        assert_eq!(
            detail_attribute_view("name", &number).value,
            ValueView::Text { text: "11010519491231002X".into() }
        );
    }

    #[test]
    fn a_valid_number_comes_back_masked_with_its_birth_date() {
        let view = check_id_number(&CheckIdNumberRequest { input: "11010519491231002X".into() });
        assert_eq!(
            view,
            IdNumberCheckView::Valid { masked: "1101**********002X".into(), birth_date: "1949-12-31".into() }
        );
    }

    #[test]
    fn days_and_times_are_china_standard_time() {
        // 2024-05-31 16:00 UTC is 2024-06-01 00:00 in Beijing.
        assert_eq!(day_text(1_717_171_200), "2024-06-01");
        assert_eq!(time_text(1_717_171_200 + 3_660), "2024-06-01 01:01");
        assert_eq!(last_day_text(1_717_171_200), "2024-05-31");
        assert_eq!(days_left(1_717_171_200 + 86_400, 1_717_171_200), Some(0));
        assert_eq!(days_left(1_717_171_200 + 31 * 86_400, 1_717_171_200), Some(30));
    }

    #[test]
    fn without_a_trust_list_the_badge_follows_the_dates() {
        let now = 1_717_171_200;
        assert_eq!(badge(None, Some(now + 86_400), now), StatusBadge::UnverifiedOffline);
        assert_eq!(badge(None, Some(now), now), StatusBadge::Expired);
        assert_eq!(badge(None, None, now), StatusBadge::UnverifiedOffline);
    }

    #[test]
    fn the_sync_line_says_when_and_whether_offline_and_never_ticks() {
        // 2024-06-01 08:21 in Beijing.
        let at = 1_717_171_200 + 8 * 3_600 + 21 * 60;
        let line = |running, last, problem, now| sync_line_view(running, last, problem, now);
        assert_eq!(line(false, None, None, at), SyncLineView::Never);
        assert_eq!(line(true, Some(at), Some(SyncProblemView::Offline), at), SyncLineView::Running);
        assert_eq!(line(false, Some(at), None, at + 5), SyncLineView::Synced { at: "08:21".into() });
        // The same line a second, a minute and hours later: nothing in it counts.
        for later in [1, 59, 61, 3_600, 14 * 3_600] {
            assert_eq!(
                line(false, Some(at), None, at + later),
                line(false, Some(at), None, at + 5),
                "{later}"
            );
        }
        // The next day it says the date as well.
        assert_eq!(
            line(false, Some(at), None, at + 86_400),
            SyncLineView::Synced { at: "2024-06-01 08:21".into() }
        );
        for problem in [SyncProblemView::Offline, SyncProblemView::ServerUnavailable] {
            assert_eq!(
                line(false, Some(at), Some(problem), at + 30),
                SyncLineView::Offline { at: Some("08:21".into()) }
            );
            assert_eq!(line(false, None, Some(problem), at), SyncLineView::Offline { at: None });
            assert_eq!(sync_attention(Some(problem)), None, "the app retries by itself");
        }
        for problem in [SyncProblemView::DeviceRefused, SyncProblemView::BadData, SyncProblemView::Storage] {
            assert_eq!(line(false, Some(at), Some(problem), at), SyncLineView::Synced { at: "08:21".into() });
            assert_eq!(sync_attention(Some(problem)), Some(problem), "the user has to act");
        }
        assert_eq!(sync_attention(None), None);
    }

    #[test]
    fn verifier_reasons_map_to_few_ui_reasons() {
        assert_eq!(reason_view(&Reason::BadZlib), ReasonView::Malformed);
        assert_eq!(
            reason_view(&Reason::UnknownStatus { value: 3, list_age_seconds: 5 }),
            ReasonView::Suspended { list_age_seconds: 5 }
        );
        assert_eq!(
            reason_view(&Reason::Expired { expired_at: 1_717_171_200 }),
            ReasonView::Expired { on: "2024-06-01".into() }
        );
    }

    fn coded(code: &str, zh_hans: &str, zh_hant: &str, en: &str) -> ValueView {
        ValueView::Coded {
            code: code.into(),
            zh_hans: zh_hans.into(),
            zh_hant: zh_hant.into(),
            en: en.into(),
        }
    }

    fn han() -> ValueView {
        coded("01", "汉族", "漢族", "Han")
    }

    #[test]
    fn a_coded_value_comes_with_its_names_and_keeps_its_code() {
        let text = |t: &str| AttributeValue::Text(t.into());
        assert_eq!(attribute_view("ethnicity", &text("01")).value, han());
        assert_eq!(attribute_view("relation_to_head", &text("20")).value, coded("20", "子", "子", "Son"));
        assert_eq!(attribute_view("spouse_sex", &text("2")).value, coded("2", "女", "女", "Female"));
        assert_eq!(
            attribute_view("hk_endorsement_entries", &text("M")).value,
            coded("M", "多次", "多次", "Multiple entries")
        );
    }

    #[test]
    fn an_unknown_code_is_shown_as_a_code_and_text_stays_text() {
        let text = |t: &str| AttributeValue::Text(t.into());
        assert_eq!(
            attribute_view("ethnicity", &text("77")).value,
            ValueView::UnknownCode { code: "77".into() }
        );
        assert_eq!(
            attribute_view("nationality", &text("")).value,
            ValueView::UnknownCode { code: String::new() }
        );
        assert_eq!(attribute_view("name", &text("01")).value, ValueView::Text { text: "01".into() });
        assert_eq!(
            attribute_view("ethnicity", &AttributeValue::Integer(1)).value,
            ValueView::Integer { value: 1 }
        );
    }

    #[test]
    fn the_verifier_shows_codes_by_their_names_too() {
        let verdict = Verdict {
            outcome: Outcome::Valid,
            certificate: None,
            attributes: vec![verifier::AttributeView::new("ethnicity", &AttributeValue::Text("01".into()))],
            device_signed_at: None,
            presentation_key: None,
            trust_list: ListAge { age_seconds: 0, refresh_due: false, stale: false },
            status_list: None,
            reasons: Vec::new(),
        };
        assert_eq!(
            verdict_view(&verdict).attributes,
            [AttributeView { name: "ethnicity".into(), value: han() }]
        );
    }

    #[test]
    fn an_invalid_number_comes_back_with_its_reason() {
        let view = check_id_number(&CheckIdNumberRequest { input: "1234".into() });
        assert_eq!(view, IdNumberCheckView::Invalid { reason: IdNumberProblem::WrongLength { length: 4 } });
    }

    fn verdict_with(reasons: Vec<Reason>) -> Verdict {
        Verdict {
            outcome: Verdict::outcome_of(&reasons),
            certificate: None,
            attributes: Vec::new(),
            device_signed_at: None,
            presentation_key: None,
            trust_list: ListAge { age_seconds: 60, refresh_due: false, stale: false },
            status_list: None,
            reasons,
        }
    }

    #[test]
    fn a_scanned_frame_without_a_code_has_no_verdict() {
        assert_eq!(scan_verdict_view(&verdict_with(vec![Reason::NoQrCode])), None);
        let expired = verdict_with(vec![Reason::Expired { expired_at: 1_717_171_200 }]);
        let view = scan_verdict_view(&expired).expect("a code was read: a verdict");
        assert_eq!(view, verdict_view(&expired));
        assert_eq!(view.check.reasons, [ReasonView::Expired { on: "2024-06-01".into() }]);
        assert_eq!(unchecked_verdict_view().check, unchecked_view());
    }

    #[test]
    fn liveness_values_map_to_the_views_the_screen_words() {
        let actions: Vec<ActionView> = Action::ALL.into_iter().map(action_view).collect();
        assert_eq!(
            actions,
            [ActionView::Blink, ActionView::MouthOpen, ActionView::ShakeHead, ActionView::Nod]
        );
        assert_eq!(guidance_view(Guidance::RaiseHead), GuidanceView::RaiseHead);
        assert_eq!(guidance_view(Guidance::CenterFace), GuidanceView::CenterFace);
        assert_eq!(
            liveness_failure_view(FailureReason::WrongAction { expected: Action::Nod, got: Action::Blink }),
            LivenessFailureView::WrongAction
        );
        assert_eq!(liveness_failure_view(FailureReason::StreamEnded), LivenessFailureView::StreamEnded);
        assert_eq!(capture_phase_view(CapturePhase::Capturing), LivenessPhaseView::Capturing);
        assert_eq!(capture_phase_view(CapturePhase::Passed), LivenessPhaseView::Captured, "not passed yet");
        assert_eq!(
            capture_phase_view(CapturePhase::Failed(FailureReason::StreamEnded)),
            LivenessPhaseView::Failed { reason: LivenessFailureView::StreamEnded }
        );
        assert_eq!(
            capture_phase_view(CapturePhase::CameraFailed),
            LivenessPhaseView::Failed { reason: LivenessFailureView::Camera }
        );
    }
}

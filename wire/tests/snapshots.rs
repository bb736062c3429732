//! The JSON of every public `wire` type, as snapshots in `snapshots/`: a change of shape (a
//! renamed field, another tag, a new variant) is a failing test here and a visible diff once the
//! snapshot is accepted (see the README). Every value must also read back as itself.
//!
//! One line per type, in the block of its module: `Type: [values…]`. A struct needs one
//! representative value; an enum lists every variant that has its own shape (for a plain string
//! enum, every variant). `every_public_type_has_a_snapshot` fails when a type of `src/` has none.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::fmt::Debug;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Snapshots `values` as `<module>__<Type>` and checks that their JSON reads back as them.
fn snapshot<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str, values: Vec<T>) {
    insta::assert_json_snapshot!(name, values);
    let json = serde_json::to_string(&values).expect("JSON");
    let back: Vec<T> =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name} does not read back: {e}"));
    assert!(back == values, "{name} reads back as another value");
}

/// One test per type: `snapshots! { module { Type: [value, …], … } }`.
macro_rules! snapshots {
    ($module:ident { $($ty:ident: [$($value:expr),+ $(,)?],)* }) => {
        #[allow(non_snake_case)]
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            use shimin_wire::$module::*;
            $(
                #[test]
                fn $ty() {
                    let values: Vec<$ty> = vec![$($value),+];
                    snapshot(concat!(stringify!($module), "__", stringify!($ty)), values);
                }
            )*
        }
    };
}

/// A certificate identifier (GB/T 36904) as the wire carries it.
const CERT_ID: &str = "1.2.156.3005.2.11100000000000001M001.111101050000000017.20240601001.000.O";
/// A resident ID number (a valid check character; nobody's).
const ID_NUMBER: &str = "11010519491231002X";
/// 2024-07-01 12:00 China Standard Time.
const NOW: i64 = 1_719_806_400;

/// An application as the device sends it: a wallet certificate, a library item, an upload.
fn submission() -> shimin_wire::application::SubmissionRequest {
    use shimin_wire::application::*;
    SubmissionRequest {
        application_id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into(),
        service_code: "0100461000-110105-111101050000000017-01".into(),
        catalogue_version: 7,
        values: [
            ("employed".to_owned(), FieldValueDto::YesNo(true)),
            ("months".to_owned(), FieldValueDto::Text("33".into())),
            ("with".to_owned(), FieldValueDto::Codes(vec!["child".into()])),
        ]
        .into_iter()
        .collect(),
        materials: vec![
            MaterialSubmissionDto {
                material: 0,
                source: MaterialSourceDto::Wallet { presentation: "SM1:6BF…".into() },
            },
            MaterialSubmissionDto {
                material: 1,
                source: MaterialSourceDto::Library { item_id: "lib-0042".into() },
            },
            MaterialSubmissionDto {
                material: 4,
                source: MaterialSourceDto::Upload {
                    sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
                    media_type: UploadTypeDto::Pdf,
                    size: 48_213,
                },
            },
        ],
    }
}

fn summary() -> shimin_wire::application::ApplicationSummaryView {
    shimin_wire::application::ApplicationSummaryView {
        application_id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into(),
        service_code: "0100461000-110105-111101050000000017-01".into(),
        case_no: Some("111101050000000017-20261207-000001".into()),
        phase: shimin_wire::workflow::ApplicationPhaseDto::InApproval,
        received_at: NOW,
        next_deadline: Some("2026-12-21".into()),
    }
}

fn rectification() -> shimin_wire::application::RectificationView {
    shimin_wire::application::RectificationView {
        state: shimin_wire::application::RectificationStateDto::Done,
        opened_on: "2026-12-07".into(),
        call_back_due: "2026-12-08".into(),
        due: "2026-12-28".into(),
        outcome: Some("已约谈窗口人员并调整排班".into()),
        satisfied: None,
    }
}

snapshots! { application {
    FieldValueDto: [FieldValueDto::YesNo(false), FieldValueDto::Text("2026-12-07".into()), FieldValueDto::Codes(vec!["spouse".into(), "child".into()])],
    SubmissionRequest: [submission()],
    MaterialSubmissionDto: [submission().materials[0].clone()],
    MaterialSourceDto: [submission().materials[0].source.clone(), submission().materials[1].source.clone(), submission().materials[2].source.clone()],
    UploadTypeDto: [UploadTypeDto::Jpeg, UploadTypeDto::Png, UploadTypeDto::Pdf],
    PrecheckView: [
        PrecheckView { passed: true, findings: vec![] },
        PrecheckView {
            passed: false,
            findings: vec![
                FindingDto::MaterialMissing { material: 2 },
                FindingDto::Field { field: "months".into(), problem: FieldProblemDto::BelowMinimum { min: "6".into() } },
            ],
        },
    ],
    ApplicationSummaryView: [summary()],
    ApplicationListResponse: [
        ApplicationListResponse { applications: vec![summary()], next_offset: Some(20) },
        ApplicationListResponse { applications: vec![], next_offset: None },
    ],
    SubmissionReceipt: [
        SubmissionReceipt {
            application_id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into(),
            precheck: PrecheckView { passed: false, findings: vec![FindingDto::MaterialMissing { material: 2 }] },
            received_at: None,
            timeline: None,
        },
        SubmissionReceipt {
            application_id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into(),
            precheck: PrecheckView { passed: true, findings: vec![] },
            received_at: Some(NOW),
            timeline: Some(shimin_wire::workflow::TimelineView {
                case_no: None,
                phase: shimin_wire::workflow::ApplicationPhaseDto::PreReview,
                version: 1,
                due: None,
                due_awaits_notice: None,
                steps: vec![],
                events: vec![],
            }),
        },
    ],
    FindingDto: [
        FindingDto::ServiceNotOpen,
        FindingDto::OlderCatalogue { current: 8 },
        FindingDto::Field { field: "phone".into(), problem: FieldProblemDto::BadPhone },
        FindingDto::MaterialMissing { material: 2 },
        FindingDto::MaterialUnknown { material: 9 },
        FindingDto::SourceNotAccepted { material: 1, reason: "expired".into() },
        FindingDto::UploadRefused { material: 4, reason: "too_large".into() },
        FindingDto::PresentationInvalid { material: 0, reasons: vec!["expired".into()] },
        FindingDto::PresentationWarning { material: 0, reasons: vec!["status_list_stale".into()] },
        FindingDto::PresentationNotBound { material: 0 },
        FindingDto::WrongCertificate { material: 0 },
        FindingDto::AttributeMissing { material: 0, attribute: "address".into() },
        FindingDto::AnswerDiffers { material: 0, field: "name".into() },
    ],
    FieldProblemDto: [
        FieldProblemDto::Missing,
        FieldProblemDto::Unknown,
        FieldProblemDto::WrongType,
        FieldProblemDto::TooShort { min: 2 },
        FieldProblemDto::TooLong { max: 30 },
        FieldProblemDto::BadCharacters,
        FieldProblemDto::NotANumber,
        FieldProblemDto::TooManyPlaces { places: 2 },
        FieldProblemDto::BelowMinimum { min: "6".into() },
        FieldProblemDto::AboveMaximum { max: "1200".into() },
        FieldProblemDto::NotADate,
        FieldProblemDto::TooEarly { earliest: "1990-01-01".into() },
        FieldProblemDto::TooLate { latest: "2026-12-07".into() },
        FieldProblemDto::NotAnOption,
        FieldProblemDto::RepeatedChoice,
        FieldProblemDto::TooFewChoices { min: 1 },
        FieldProblemDto::TooManyChoices { max: 2 },
        FieldProblemDto::BadIdNumber,
        FieldProblemDto::BadCreditCode,
        FieldProblemDto::BadPhone,
        FieldProblemDto::OutOfOrder { after: "arrived".into() },
    ],
    RatingLevelDto: [
        RatingLevelDto::VerySatisfied,
        RatingLevelDto::Satisfied,
        RatingLevelDto::BasicallySatisfied,
        RatingLevelDto::Dissatisfied,
        RatingLevelDto::VeryDissatisfied,
    ],
    RatingRequest: [RatingRequest {
        application_id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into(),
        level: RatingLevelDto::Dissatisfied,
        tags: vec!["many_trips".into(), "slow".into()],
        text: "材料退回两次".into(),
    }],
    RatingView: [
        RatingView { level: RatingLevelDto::VerySatisfied, tags: vec![], text: String::new(), rated_at: NOW, rectification: None },
        RatingView {
            level: RatingLevelDto::Dissatisfied,
            tags: vec!["slow".into()],
            text: "等了很久".into(),
            rated_at: NOW,
            rectification: Some(rectification()),
        },
    ],
    RectificationStateDto: [RectificationStateDto::Open, RectificationStateDto::CalledBack, RectificationStateDto::Done, RectificationStateDto::Rated],
    RectificationView: [rectification()],
    RectificationRatingRequest: [RectificationRatingRequest { application_id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into(), satisfied: true }],
    RectificationReportRequest: [RectificationReportRequest { outcome: "已约谈窗口人员并调整排班".into() }],
    RectificationRow: [RectificationRow {
        application_id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into(),
        case_no: Some("111101050000000017-20240701-000042".into()),
        service_code: "0100461000-110105-111101050000000017-01".into(),
        rating: RatingView {
            level: RatingLevelDto::Dissatisfied,
            tags: vec!["many_trips".into()],
            text: "跑了三次".into(),
            rated_at: NOW,
            rectification: Some(rectification()),
        },
        call_back_overdue: false,
        overdue: true,
    }],
    LibraryItemView: [
        LibraryItemView { id: 7, material: "居民身份证".into(), department: "111101050000000017".into(), accepted_at: NOW, valid_until: None },
        LibraryItemView { id: 8, material: "居住证明".into(), department: "111101050000000017".into(), accepted_at: NOW, valid_until: Some(NOW + 180 * 86_400) },
    ],
    ResultDocumentView: [ResultDocumentView {
        title: "准予行政许可决定书".into(),
        text: "准予行政许可决定书\n办件编号：111101050000000017-20240701-000042".into(),
        code: "SMR1:6BFOXN*TS0BI$ZD.P9UOL97O4-2HH77HRM3HSZ3".into(),
        issued_at: NOW,
    }],
}}

snapshots! { backend {
    ErrorResponse: [
        ErrorResponse { error: shimin_wire::error::ErrorCode::Unauthorized, message: "the token has expired".into() },
        ErrorResponse { error: shimin_wire::error::ErrorCode::NoRegistryPhoto, message: "no registry photo".into() },
    ],
    StaffLoginRequest: [StaffLoginRequest { login: "issuer@bj-psb".into(), password: "correct horse".into() }],
    StaffRole: [StaffRole::Issuer, StaffRole::Reviewer, StaffRole::Administrator],
    StaffLoginResponse: [StaffLoginResponse {
        token: "staff-token".into(),
        expires_at: NOW + 3_600,
        department_code: "111101050000000017".into(),
        role: StaffRole::Issuer,
    }],
    CertificateFields: [
        CertificateFields::ResidentIdCard,
        CertificateFields::HouseholdRegister,
        CertificateFields::ResidencePermit { residence_address: "福建省福州市鼓楼区某路2号".into() },
        CertificateFields::DrivingLicence {
            classes: "C1E".into(),
            first_issue_date: "2012-07-20".into(),
            file_number: "110001234567".into(),
        },
        CertificateFields::HkMacauTravelPermit {
            name_pinyin: "ZHANG SAN".into(),
            hong_kong: Some(EndorsementFields { kind: "G".into(), entries: 2, valid_until: "2025-05-31".into() }),
            macau: None,
        },
        CertificateFields::MarriageCertificate {
            spouse_id_number: "110105199208080025".into(),
            registration_date: "2024-05-20".into(),
        },
        CertificateFields::BusinessLicence {
            credit_code: "91350100M000100Y43".into(),
            company_kind: "有限责任公司".into(),
            registered_capital_yuan: 1_000_000,
            established: "2015-03-02".into(),
            business_term_until: None,
            address: "北京市西城区某街1号".into(),
            business_scope: "软件开发；技术服务。".into(),
        },
        CertificateFields::DegreeCertificate {
            level: "bachelor".into(),
            discipline: "工学".into(),
            major: "计算机科学与技术".into(),
            university: "福州大学".into(),
            conferral_date: "2012-06-30".into(),
        },
    ],
    EndorsementFields: [EndorsementFields { kind: "L".into(), entries: 0, valid_until: "2025-12-31".into() }],
    IssueCertificateRequest: [IssueCertificateRequest {
        holder_id_number: ID_NUMBER.into(),
        valid_from: "2024-06-01".into(),
        valid_until: Some("2034-05-31".into()),
        fields: CertificateFields::ResidentIdCard,
    }],
    CertificateStatusView: [CertificateStatusView::Valid, CertificateStatusView::Revoked, CertificateStatusView::Suspended],
    CertificateView: [CertificateView {
        id: 12,
        certificate_id: CERT_ID.into(),
        certificate_type: "resident-id-card".into(),
        version: 0,
        status: CertificateStatusView::Valid,
        status_list_id: 7,
        status_index: 4_242,
        valid_from: "2024-06-01".into(),
        valid_until: None,
        issued_at: NOW - 30 * 86_400,
    }],
    StatusAction: [StatusAction::Revoke, StatusAction::Suspend, StatusAction::Reinstate],
    StatusChangeRequest: [StatusChangeRequest { action: StatusAction::Suspend }],
    EnrolmentCodeRequest: [EnrolmentCodeRequest { holder_id_number: ID_NUMBER.into() }],
    EnrolmentCodeResponse: [EnrolmentCodeResponse { code: "K7Q2-9XMP".into(), expires_at: NOW + 86_400 }],
    RegisterDeviceRequest: [RegisterDeviceRequest {
        id_number: ID_NUMBER.into(),
        enrolment_code: "K7Q2-9XMP".into(),
        public_key_b64: "BHsdP0W1l6m5uJ2KxQ".into(),
        label: "my phone".into(),
    }],
    RegisterDeviceResponse: [RegisterDeviceResponse { device_id: 3 }],
    ChallengeResponse: [ChallengeResponse { challenge_b64: "q83vEjRWeJA".into(), expires_at: NOW + 60 }],
    DeviceTokenRequest: [DeviceTokenRequest { challenge_b64: "q83vEjRWeJA".into(), signature_b64: "0oRDoQEmoFA".into() }],
    DeviceTokenResponse: [DeviceTokenResponse { token: "device-token".into(), expires_at: NOW + 900 }],
    RemoveDeviceRequest: [RemoveDeviceRequest { challenge_b64: "q83vEjRWeJA".into(), signature_b64: "0oRDoQEmoFA".into() }],
    DeviceView: [DeviceView { device_id: 5_863_442_019_374_120, label: "my phone".into(), created_at: NOW, this_device: true }],
    DeviceListResponse: [DeviceListResponse {
        devices: vec![
            DeviceView { device_id: 5_863_442_019_374_120, label: "my phone".into(), created_at: NOW, this_device: true },
            DeviceView { device_id: 7_036_874_417_766_401, label: "tablet".into(), created_at: NOW + 60, this_device: false },
        ],
    }],
    SyncCertificate: [SyncCertificate {
        certificate_id: CERT_ID.into(),
        certificate_type: "resident-id-card".into(),
        version: 0,
        holder_copy_b64: "gwFZAhnShEOhASY".into(),
    }],
    SyncStatusChange: [SyncStatusChange { certificate_id: CERT_ID.into(), status: CertificateStatusView::Revoked, changed_at: NOW }],
    TrustListVersion: [TrustListVersion { sequence: 42, etag: "\"5f1c0a9e2b7d4c3a8e6f0b1d2c3e4f50\"".into() }],
    Reminder: [Reminder { certificate_id: CERT_ID.into(), certificate_type: "residence-permit".into(), expires_at: NOW + 12 * 86_400, days_left: 12 }],
    Notification: [Notification { id: 7, created_at: NOW, message: "您的居住证将于12天后到期。".into() }],
    SyncPullResponse: [
        SyncPullResponse {
            cursor: "djE6NDI".into(),
            more: true,
            certificates: vec![SyncCertificate {
                certificate_id: CERT_ID.into(),
                certificate_type: "resident-id-card".into(),
                version: 1,
                holder_copy_b64: "gwFZAhnShEOhASY".into(),
            }],
            status_changes: vec![SyncStatusChange { certificate_id: CERT_ID.into(), status: CertificateStatusView::Suspended, changed_at: NOW }],
            trust_list: Some(TrustListVersion { sequence: 42, etag: "\"5f1c0a9e\"".into() }),
            reminders: vec![Reminder { certificate_id: CERT_ID.into(), certificate_type: "residence-permit".into(), expires_at: NOW, days_left: 0 }],
            notifications: vec![Notification { id: 8, created_at: NOW, message: "欢迎使用市民通。".into() }],
        },
        SyncPullResponse {
            cursor: "djE6NDM".into(),
            more: false,
            certificates: vec![],
            status_changes: vec![],
            trust_list: None,
            reminders: vec![],
            notifications: vec![],
        },
    ],
    OutboxItem: [OutboxItem { idempotency_key: "7d1f0c2a9b8e4d3c6a5f4e3d2c1b0a99".into(), kind: "presentation-log".into(), payload: "{\"preset\":\"identity\"}".into() }],
    SyncPushRequest: [SyncPushRequest { items: vec![OutboxItem { idempotency_key: "7d1f0c2a9b8e4d3c6a5f4e3d2c1b0a99".into(), kind: "feedback".into(), payload: "{}".into() }] }],
    OutboxReceipt: [OutboxReceipt { idempotency_key: "7d1f0c2a9b8e4d3c6a5f4e3d2c1b0a99".into(), receipt_id: 31, received_at: NOW }],
    SyncPushResponse: [SyncPushResponse { receipts: vec![OutboxReceipt { idempotency_key: "7d1f0c2a9b8e4d3c6a5f4e3d2c1b0a99".into(), receipt_id: 31, received_at: NOW }] }],
    RenewCertificateRequest: [
        RenewCertificateRequest { valid_from: Some("2034-06-01".into()), valid_until: Some("2044-05-31".into()) },
        RenewCertificateRequest::default(),
    ],
    KeyRotationResponse: [KeyRotationResponse { key_id: "bj-psb-2025".into(), trust_list_sequence: 43 }],
    KeyCompromiseRequest: [
        KeyCompromiseRequest { compromised_at: Some(NOW - 86_400) },
        KeyCompromiseRequest { compromised_at: None },
    ],
    KeyCompromiseResponse: [KeyCompromiseResponse {
        department_code: "111101050000000017".into(),
        key_id: "bj-psb-2026".into(),
        trust_list_sequence: 44,
    }],
    HealthResponse: [HealthResponse { status: "ok".into() }],
    LivenessEnrolmentRequest: [LivenessEnrolmentRequest { id_number: ID_NUMBER.into(), public_key_b64: "BHsdP0W1l6m5uJ2KxQ".into(), label: "my phone".into() }],
    LivenessChallengeResponse: [LivenessChallengeResponse {
        check_id: 5,
        nonce_b64: "Z29sZGVuLW5vbmNlLTAwMQ".into(),
        steps: 3,
        time_limit_ms: 30_000,
        answer_by: NOW + 120,
    }],
    LivenessPaceResponse: [
        LivenessPaceResponse::Calibrating,
        LivenessPaceResponse::Act { action: "mouth".into(), step: 2 },
        LivenessPaceResponse::Passed { device_id: Some(4) },
        LivenessPaceResponse::Passed { device_id: None },
    ],
    PartyRoleView: [PartyRoleView::LegalRepresentative, PartyRoleView::Shareholder, PartyRoleView::Supervisor],
    CasePartyRequest: [CasePartyRequest { id_number: ID_NUMBER.into(), role: PartyRoleView::Shareholder }],
    OpenCaseRequest: [OpenCaseRequest {
        company_name: "北京某某科技有限公司".into(),
        credit_code: None,
        parties: vec![CasePartyRequest { id_number: ID_NUMBER.into(), role: PartyRoleView::LegalRepresentative }],
    }],
    CasePartyView: [
        CasePartyView { id_number: ID_NUMBER.into(), name: "张三".into(), role: PartyRoleView::Supervisor, confirmed_at: Some(NOW), declined_at: None, decline_reason: None },
        CasePartyView { id_number: ID_NUMBER.into(), name: "张三".into(), role: PartyRoleView::Shareholder, confirmed_at: None, declined_at: Some(NOW), decline_reason: Some(DeclineReasonView::NotMe) },
    ],
    CaseView: [CaseView {
        id: 9,
        company_name: "北京某某科技有限公司".into(),
        credit_code: Some("91350100M000100Y43".into()),
        created_at: NOW - 86_400,
        parties: vec![CasePartyView { id_number: ID_NUMBER.into(), name: "张三".into(), role: PartyRoleView::LegalRepresentative, confirmed_at: None, declined_at: Some(NOW), decline_reason: Some(DeclineReasonView::Refused) }],
        all_confirmed: false,
        declined: true,
        proceeded_at: None,
    }],
    DeclineReasonView: [DeclineReasonView::Refused, DeclineReasonView::NotMe],
    DeclineRequest: [DeclineRequest { reason: DeclineReasonView::NotMe }],
    MatterView: [MatterView::CompanyEstablishment, MatterView::CompanyChange],
    SharedDataView: [SharedDataView::Name, SharedDataView::IdNumber, SharedDataView::FaceCheckResult],
    RequestStateView: [RequestStateView::Pending, RequestStateView::Confirmed, RequestStateView::Declined, RequestStateView::Expired],
    IdentityRequestView: [IdentityRequestView {
        case_id: 9,
        company_name: "北京某某科技有限公司".into(),
        department_name: "北京市市场监督管理局".into(),
        roles: vec![PartyRoleView::LegalRepresentative, PartyRoleView::Shareholder],
        created_at: NOW - 86_400,
        matter: MatterView::CompanyEstablishment,
        shared: vec![SharedDataView::Name, SharedDataView::IdNumber, SharedDataView::FaceCheckResult],
        respond_by: NOW + 6 * 86_400,
        state: RequestStateView::Declined,
        confirmed_at: None,
        declined_at: Some(NOW),
        decline_reason: Some(DeclineReasonView::NotMe),
    }],
}}

fn zh(hans: &str) -> shimin_wire::catalogue::Localized {
    shimin_wire::catalogue::Localized { hans: hans.into(), hant: None, en: None }
}

fn zh_en(hans: &str, hant: &str, en: &str) -> shimin_wire::catalogue::Localized {
    shimin_wire::catalogue::Localized { hans: hans.into(), hant: Some(hant.into()), en: Some(en.into()) }
}

/// The driving-licence renewal guide, abridged.
fn service_document() -> shimin_wire::catalogue::ServiceDocument {
    use shimin_wire::catalogue::*;
    ServiceDocument {
        code: "0100461000-420106-11420106MB00000013-05".into(),
        name: zh_en("机动车驾驶证换证", "機動車駕駛證換證", "Driving licence renewal"),
        aliases: vec!["换驾照".into(), "驾照到期".into()],
        level: 3,
        organ: OrganDto {
            code: "11420106MB00000013".into(),
            key: "traffic".into(),
            name: zh_en("公安局交通管理局", "公安局交通管理局", "Traffic Police Bureau"),
            nature: 1,
        },
        objects: vec![1],
        themes: vec!["person:095".into()],
        forms: vec![1, 2, 3],
        case_kind: 1,
        cross_region: 1,
        legal_basis: vec![LegalBasisDto {
            title: "机动车驾驶证申领和使用规定".into(),
            article: Some("第六十八条".into()),
        }],
        conditions: vec![zh("机动车驾驶证有效期满前九十日内")],
        steps: vec![StepDto {
            name: zh_en("申请", "申請", "Apply"),
            detail: zh("在线或到窗口提交申请"),
            limit: Some(TimeLimitDto { amount: None, unit: TimeUnitDto::Immediate }),
        }],
        statutory_limit: TimeLimitDto { amount: Some(1), unit: TimeUnitDto::WorkingDays },
        promised_limit: TimeLimitDto { amount: None, unit: TimeUnitDto::Immediate },
        fees: vec![FeeDto {
            item: zh_en("工本费", "工本費", "Production fee"),
            amount_fen: 1_000,
            basis: "发改价格〔2017〕1186号".into(),
        }],
        places: vec![PlaceDto {
            name: zh("车辆管理所"),
            address: zh("某区某路1号"),
            windows: "1-6号窗口".into(),
            hours: zh("周一至周五 9:00-17:00"),
        }],
        phones: PhonesDto { consult: "12123".into(), supervise: "12345".into() },
        faq: vec![FaqDto { q: zh("外地可以换证吗？"), a: zh("可以。") }],
        flags: FlagsDto {
            appointment: true,
            fully_online: true,
            postal_delivery: true,
            online_payment: true,
            visits: 0,
        },
        online_url: Some("https://example.invalid/12123".into()),
        result: ResultDto { name: zh("机动车驾驶证"), e_certificate: Some("driving-licence".into()) },
        materials: vec![MaterialDto {
            name: zh_en("居民身份证", "居民身份證", "Resident identity card"),
            issuer: zh("公安机关"),
            originals: 1,
            copies: 0,
            requirement: RequirementDto::Required,
            condition: None,
            form: MaterialFormDto::Either,
            blank_form: None,
            sample: None,
            reuse: ReuseClassDto::WithinValidity,
            satisfied_by: Some("resident-id-card".into()),
            notes: None,
        }],
        special_procedures: vec![],
        popularity: 180_000,
        status: ServiceStatusDto::Active,
        replaced_by: vec![],
        version: 7,
        process: None,
        form: None,
    }
}

/// A residence permit application's form, abridged: every kind of field once.
fn form() -> shimin_wire::catalogue::FormDto {
    use shimin_wire::catalogue::*;
    let field = |key: &str, label: &str, kind: FieldKindDto| FieldDto {
        key: key.into(),
        label: zh(label),
        help: None,
        kind,
        required: true,
        when: None,
        prefill: None,
    };
    FormDto {
        fields: vec![
            FieldDto {
                help: Some(zh_en("与身份证一致", "與身份證一致", "As on the ID card")),
                prefill: Some(PrefillDto {
                    certificate: "resident-id-card".into(),
                    attribute: "name".into(),
                }),
                ..field("name", "姓名", FieldKindDto::Text { min_len: 1, max_len: 30 })
            },
            field("id_number", "公民身份号码", FieldKindDto::IdNumber),
            field("phone", "联系电话", FieldKindDto::Phone { mobile_only: false }),
            field("address", "居住地址", FieldKindDto::Address { max_len: 120 }),
            field(
                "arrived",
                "来本市日期",
                FieldKindDto::Date {
                    earliest: Some(DateBoundDto::Date("1990-01-01".into())),
                    latest: Some(DateBoundDto::DaysFromToday(0)),
                },
            ),
            field("months", "已居住月数", FieldKindDto::Integer { min: Some(6), max: Some(1_200) }),
            field(
                "income",
                "月收入（元）",
                FieldKindDto::Decimal { places: 2, min: Some("0".into()), max: None },
            ),
            field(
                "basis",
                "申领依据",
                FieldKindDto::Choice {
                    options: vec![ChoiceOptionDto { code: "work".into(), label: zh("就业") }],
                },
            ),
            field(
                "with",
                "随迁人员",
                FieldKindDto::MultiChoice {
                    options: vec![ChoiceOptionDto { code: "child".into(), label: zh("子女") }],
                    min: 0,
                    max: Some(1),
                },
            ),
            field("employed", "是否就业", FieldKindDto::YesNo),
            FieldDto {
                when: Some(ConditionDto { field: "employed".into(), one_of: vec!["yes".into()] }),
                ..field("employer", "用人单位统一社会信用代码", FieldKindDto::CreditCode)
            },
        ],
        rules: vec![FormRuleDto { earlier: "arrived".into(), later: "moved_in".into(), strict: false }],
        material_conditions: vec![MaterialConditionDto {
            material: 2,
            when: ConditionDto { field: "employed".into(), one_of: vec!["yes".into()] },
        }],
    }
}

fn service_summary() -> shimin_wire::catalogue::ServiceSummary {
    use shimin_wire::catalogue::*;
    ServiceSummary {
        code: "0100461000-420106-11420106MB00000013-05".into(),
        name: "机动车驾驶证换证".into(),
        department: "公安局交通管理局".into(),
        department_key: "traffic".into(),
        theme: "交通出行".into(),
        themes: vec!["person:095".into()],
        item_type: "01".into(),
        online: true,
        promised_limit: TimeLimitDto { amount: None, unit: TimeUnitDto::Immediate },
    }
}

snapshots! { catalogue {
    Localized: [zh_en("结婚登记", "結婚登記", "Marriage registration"), zh("公证")],
    TimeLimitDto: [
        TimeLimitDto { amount: None, unit: TimeUnitDto::Immediate },
        TimeLimitDto { amount: Some(20), unit: TimeUnitDto::WorkingDays },
    ],
    TimeUnitDto: [TimeUnitDto::Immediate, TimeUnitDto::WorkingDays, TimeUnitDto::CalendarDays, TimeUnitDto::Hours, TimeUnitDto::Months],
    OrganDto: [service_document().organ],
    LegalBasisDto: [LegalBasisDto { title: "婚姻登记条例".into(), article: None }],
    StepDto: [service_document().steps[0].clone()],
    FeeDto: [service_document().fees[0].clone()],
    PlaceDto: [service_document().places[0].clone()],
    PhonesDto: [service_document().phones],
    FaqDto: [service_document().faq[0].clone()],
    FlagsDto: [service_document().flags],
    ResultDto: [service_document().result],
    RequirementDto: [RequirementDto::Required, RequirementDto::Conditional],
    MaterialFormDto: [MaterialFormDto::Paper, MaterialFormDto::Electronic, MaterialFormDto::Either],
    ReuseClassDto: [ReuseClassDto::Unconditional, ReuseClassDto::WithinValidity, ReuseClassDto::WithoutLimit, ReuseClassDto::Never],
    MaterialDto: [service_document().materials[0].clone()],
    ServiceStatusDto: [ServiceStatusDto::Active, ServiceStatusDto::Suspended, ServiceStatusDto::Cancelled],
    ServiceDocument: [service_document(), ServiceDocument { form: Some(form()), ..service_document() }, ServiceDocument { process: Some(newborn_process()), ..service_document() }],
    FormDto: [form()],
    FieldDto: [form().fields[0].clone(), form().fields[10].clone()],
    FieldKindDto: [form().fields[0].kind.clone(), form().fields[1].kind.clone(), form().fields[2].kind.clone(), form().fields[3].kind.clone(), form().fields[4].kind.clone(), form().fields[5].kind.clone(), form().fields[6].kind.clone(), form().fields[7].kind.clone(), form().fields[8].kind.clone(), form().fields[9].kind.clone(), form().fields[10].kind.clone()],
    DateBoundDto: [DateBoundDto::Date("2026-01-01".into()), DateBoundDto::DaysFromToday(-30)],
    ChoiceOptionDto: [ChoiceOptionDto { code: "work".into(), label: zh_en("就业", "就業", "Employment") }],
    ConditionDto: [ConditionDto { field: "employed".into(), one_of: vec!["yes".into()] }],
    PrefillDto: [PrefillDto { certificate: "resident-id-card".into(), attribute: "address".into() }],
    FormRuleDto: [FormRuleDto { earlier: "start".into(), later: "end".into(), strict: true }],
    MaterialConditionDto: [form().material_conditions[0].clone()],
    ChangeOpDto: [ChangeOpDto::Add, ChangeOpDto::Change, ChangeOpDto::Split, ChangeOpDto::Merge, ChangeOpDto::Suspend, ChangeOpDto::Cancel],
    CatalogueChangeDto: [CatalogueChangeDto { version: 7, op: ChangeOpDto::Change, service: service_document() }],
    CatalogueChangesResponse: [CatalogueChangesResponse {
        since: 6,
        to: 7,
        head: 7,
        more: false,
        reset: false,
        changes: vec![CatalogueChangeDto { version: 7, op: ChangeOpDto::Change, service: service_document() }],
    }],
    ServiceSummary: [service_summary()],
    FacetCount: [FacetCount { key: "traffic".into(), name: "公安局交通管理局".into(), count: 12 }],
    Facets: [Facets {
        department: vec![FacetCount { key: "traffic".into(), name: "公安局交通管理局".into(), count: 12 }],
        theme: vec![FacetCount { key: "person:095".into(), name: "交通出行".into(), count: 12 }],
        object: vec![FacetCount { key: "person".into(), name: "个人".into(), count: 12 }],
        online: vec![FacetCount { key: "true".into(), name: "全程网办".into(), count: 9 }],
    }],
    ServiceListResponse: [ServiceListResponse {
        total: 1,
        catalogue_version: 7,
        items: vec![service_summary()],
        facets: Facets::default(),
    }],
    ProcessDto: [newborn_process()],
    StageDto: [newborn_process().stages[0].clone()],
    BranchDto: [
        newborn_process().stages[0].branches[0].clone(),
        BranchDto {
            department: "111101050000000017".into(),
            title: None,
            steps: vec![ProcessStepDto { name: zh("审批"), limit_working_days: 20 }],
        },
    ],
    ProcessStepDto: [ProcessStepDto { name: zh_en("审查", "審查", "Review"), limit_working_days: 3 }],
}}

/// 新生儿出生一件事: four departments in parallel, then none after.
fn newborn_process() -> shimin_wire::workflow::ProcessDto {
    use shimin_wire::workflow::*;
    let branch = |department: &str, hans: &str, en: &str| BranchDto {
        department: department.into(),
        title: Some(zh_en(hans, hans, en)),
        steps: vec![
            ProcessStepDto { name: zh_en("审查", "審查", "Review"), limit_working_days: 3 },
            ProcessStepDto { name: zh_en("决定", "決定", "Decision"), limit_working_days: 2 },
        ],
    };
    ProcessDto {
        stages: vec![StageDto {
            branches: vec![
                branch("11110105MB0000010A", "出生医学证明", "Birth medical certificate"),
                branch("111101050000000017", "出生登记", "Birth registration"),
                branch("11110105MB0000004M", "医保参保", "Medical insurance"),
                branch("11110105MB0000003J", "社会保障卡", "Social security card"),
            ],
        }],
    }
}

fn step_ref() -> shimin_wire::workflow::StepRefDto {
    shimin_wire::workflow::StepRefDto {
        stage: 0,
        department: "111101050000000017".into(),
        step: 1,
        version: 3,
    }
}

fn event_view() -> shimin_wire::workflow::EventView {
    shimin_wire::workflow::EventView {
        action: shimin_wire::workflow::EventActionDto::StepApproved,
        step: zh_en("审查", "審查", "Review"),
        officer: Some("clerk-07".into()),
        unit: Some("111101050000000017".into()),
        start: NOW,
        end: NOW + 7_200,
        note: None,
    }
}

fn step_view() -> shimin_wire::workflow::StepView {
    shimin_wire::workflow::StepView {
        stage: 0,
        department: "111101050000000017".into(),
        step: 1,
        name: zh_en("决定", "決定", "Decision"),
        state: shimin_wire::workflow::StepStateDto::Active,
        holder: Some("chief-02".into()),
        due: Some("2024-07-08".into()),
        due_awaits_notice: None,
        version: 3,
    }
}

fn queue_row() -> shimin_wire::workflow::QueueRowView {
    shimin_wire::workflow::QueueRowView {
        id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into(),
        case_no: Some("111101050000000017-20240701-000042".into()),
        service_code: "0100461000-110105-111101050000000017-01".into(),
        service_name: zh_en("居住证签发", "居住證簽發", "Residence permit"),
        arrived_at: NOW,
        due: Some("2024-07-08".into()),
        due_awaits_notice: None,
        step: Some(zh_en("审查", "審查", "Review")),
        phase: shimin_wire::workflow::ApplicationPhaseDto::InApproval,
        overdue: false,
    }
}

snapshots! { workflow {
    ApplicationPhaseDto: [
        ApplicationPhaseDto::Submitted, ApplicationPhaseDto::ChecksFailed, ApplicationPhaseDto::PreReview,
        ApplicationPhaseDto::CorrectionRequested, ApplicationPhaseDto::NotAccepted, ApplicationPhaseDto::InApproval,
        ApplicationPhaseDto::Approved, ApplicationPhaseDto::Refused, ApplicationPhaseDto::ResultIssued,
        ApplicationPhaseDto::Closed,
    ],
    StepStateDto: [
        StepStateDto::Waiting, StepStateDto::Active, StepStateDto::Stopped, StepStateDto::Approved,
        StepStateDto::Refused, StepStateDto::NotNeeded,
    ],
    SpecialProcedureDto: [
        SpecialProcedureDto::Hearing, SpecialProcedureDto::Inspection, SpecialProcedureDto::ExpertReview,
        SpecialProcedureDto::PublicNotice,
    ],
    EventActionDto: [
        EventActionDto::Submitted, EventActionDto::ChecksPassed, EventActionDto::ChecksFailed,
        EventActionDto::Accepted, EventActionDto::DeemedAccepted, EventActionDto::CorrectionRequested,
        EventActionDto::Resubmitted, EventActionDto::NotAccepted, EventActionDto::StepApproved,
        EventActionDto::StepRefused, EventActionDto::Forwarded, EventActionDto::ClockStopped,
        EventActionDto::ClockRestarted, EventActionDto::ClosedNotNeeded, EventActionDto::StageDecided,
        EventActionDto::ResultIssued, EventActionDto::Closed, EventActionDto::Escalated,
    ],
    EventView: [
        event_view(),
        EventView {
            action: EventActionDto::DeemedAccepted,
            step: zh_en("预审", "預審", "Pre-review"),
            officer: None,
            unit: None,
            start: NOW,
            end: NOW + 7 * 86_400,
            note: Some("行政许可法第三十二条".into()),
        },
    ],
    StepView: [step_view(), StepView { due: None, due_awaits_notice: Some(2027), ..step_view() }],
    TimelineView: [
        TimelineView {
            case_no: Some("110105-20240701-000042".into()),
            phase: ApplicationPhaseDto::InApproval,
            version: 4,
            due: Some("2024-07-29".into()),
            due_awaits_notice: None,
            steps: vec![step_view()],
            events: vec![event_view()],
        },
        TimelineView {
            case_no: Some("110105-20261224-000007".into()),
            phase: ApplicationPhaseDto::InApproval,
            version: 2,
            due: None,
            due_awaits_notice: Some(2027),
            steps: vec![StepView { due: None, due_awaits_notice: Some(2027), ..step_view() }],
            events: vec![],
        },
    ],
    CorrectionTargetDto: [
        CorrectionTargetDto::Material { index: 2 },
        CorrectionTargetDto::Field { key: "address".into() },
    ],
    CorrectionItemDto: [CorrectionItemDto {
        target: CorrectionTargetDto::Material { index: 2 },
        reason: "照片不清晰，请重新上传".into(),
    }],
    StepRefDto: [step_ref()],
    DeskActionRequest: [
        DeskActionRequest::Accept { version: 2 },
        DeskActionRequest::RequestCorrection {
            version: 2,
            items: vec![CorrectionItemDto {
                target: CorrectionTargetDto::Field { key: "address".into() },
                reason: "地址不完整".into(),
            }],
        },
        DeskActionRequest::NotAccept { version: 2, reason: "不属于本机关职权范围".into() },
        DeskActionRequest::Approve { at: step_ref() },
        DeskActionRequest::Refuse { at: step_ref(), reason: "不符合法定条件".into() },
        DeskActionRequest::Forward { at: step_ref(), officer: "chief-02".into(), unit: "111101050000000017".into() },
        DeskActionRequest::StopClock { at: step_ref(), procedure: SpecialProcedureDto::Hearing },
        DeskActionRequest::RestartClock { at: step_ref() },
    ],
    QueueTabDto: [QueueTabDto::PreReview, QueueTabDto::InApproval, QueueTabDto::Overdue, QueueTabDto::Closed],
    QueueRowView: [queue_row()],
    QueuePageView: [QueuePageView { tab: QueueTabDto::InApproval, page: 1, rows: vec![queue_row()], more: false }],
}}

fn service_row() -> shimin_wire::hall::ServiceRowView {
    shimin_wire::hall::ServiceRowView {
        code: "0100461000-110105-111101050000000017-05".into(),
        name: "机动车驾驶证换证".into(),
        department: "北京市公安局朝阳分局".into(),
        online: true,
        promised: shimin_wire::hall::LimitView::Immediate,
    }
}

fn catalogue_status() -> shimin_wire::hall::CatalogueStatusView {
    shimin_wire::hall::CatalogueStatusView {
        version: 1_024,
        services: 1_020,
        synced_at: Some(NOW),
        syncing: false,
        problem: None,
        configured: true,
    }
}

fn facet() -> shimin_wire::hall::FacetView {
    shimin_wire::hall::FacetView { key: "person:095".into(), name: "交通出行".into(), count: 42 }
}

fn material_view() -> shimin_wire::hall::MaterialView {
    shimin_wire::hall::MaterialView {
        name: "居民身份证".into(),
        issuer: "公安机关".into(),
        originals: 1,
        copies: 0,
        condition: None,
        form: shimin_wire::hall::MaterialFormView::Either,
        reuse: shimin_wire::hall::ReuseView::WithinValidity,
        in_wallet: true,
        certificate: Some("resident-id-card".into()),
        blank_form: None,
        sample: None,
        notes: None,
    }
}

snapshots! { hall {
    AudienceView: [AudienceView::Person, AudienceView::Legal],
    HallHomeRequest: [HallHomeRequest { language: shimin_wire::wallet::Language::ZhHant, audience: AudienceView::Person }],
    CatalogueStatusView: [catalogue_status()],
    FacetView: [facet()],
    LimitView: [
        LimitView::Immediate,
        LimitView::WorkingDays { amount: 20 },
        LimitView::CalendarDays { amount: 30 },
        LimitView::Hours { amount: 2 },
        LimitView::Months { amount: 3 },
    ],
    ServiceRowView: [service_row()],
    HallHomeView: [HallHomeView {
        catalogue: catalogue_status(),
        themes: vec![facet()],
        departments: vec![FacetView { key: "traffic".into(), name: "北京市公安局朝阳分局".into(), count: 17 }],
        favourites: vec![service_row()],
        recent: vec![],
    }],
    SearchServicesRequest: [SearchServicesRequest {
        q: "驾照".into(),
        theme: None,
        department: Some("traffic".into()),
        audience: Some(AudienceView::Person),
        online: Some(true),
        limit: 20,
        offset: 0,
        language: shimin_wire::wallet::Language::ZhHans,
    }],
    ServiceListView: [ServiceListView {
        total: 1,
        items: vec![service_row()],
        departments: vec![FacetView { key: "traffic".into(), name: "北京市公安局朝阳分局".into(), count: 1 }],
        themes: vec![facet()],
        online: 1,
    }],
    GuideRequest: [GuideRequest { code: "0100461000-110105-111101050000000017-05".into(), language: shimin_wire::wallet::Language::En }],
    ReuseView: [ReuseView::Unconditional, ReuseView::WithinValidity, ReuseView::WithoutLimit, ReuseView::Never],
    MaterialFormView: [MaterialFormView::Paper, MaterialFormView::Electronic, MaterialFormView::Either],
    MaterialView: [material_view()],
    StepView: [StepView { name: "申请".into(), detail: "网上或窗口提交".into(), limit: Some(LimitView::Immediate) }],
    FeeView: [FeeView { item: "工本费".into(), amount_fen: 1_000, basis: "收费标准".into() }],
    PlaceView: [PlaceView { name: "车管所".into(), address: "某路1号".into(), windows: "1-6号窗口".into(), hours: "9:00-17:00".into() }],
    FaqView: [FaqView { q: "外地能换吗？".into(), a: "能。".into() }],
    GuideFlagsView: [GuideFlagsView { appointment: true, fully_online: true, postal_delivery: true, online_payment: false, immediate: true, visits: 0 }],
    GuideView: [GuideView {
        code: "0100461000-110105-111101050000000017-05".into(),
        name: "机动车驾驶证换证".into(),
        department: "北京市公安局朝阳分局".into(),
        item_type: "01".into(),
        themes: vec!["交通出行".into()],
        suspended: false,
        flags: GuideFlagsView { appointment: true, fully_online: true, postal_delivery: true, online_payment: true, immediate: true, visits: 0 },
        materials: vec![material_view()],
        conditions: vec!["有效期满前九十日内".into()],
        steps: vec![StepView { name: "申请".into(), detail: "网上或窗口提交".into(), limit: None }],
        statutory: LimitView::WorkingDays { amount: 20 },
        promised: LimitView::Immediate,
        fees: vec![FeeView { item: "工本费".into(), amount_fen: 1_000, basis: "收费标准".into() }],
        places: vec![],
        consult_phone: "010-12123".into(),
        supervise_phone: "12345".into(),
        legal_basis: vec!["中华人民共和国道路交通安全法 第二十三条".into()],
        faq: vec![],
        result: "机动车驾驶证".into(),
        result_certificate: Some("driving-licence".into()),
        untranslated: false,
        favourite: true,
        online: true,
    }],
    FavouriteRequest: [FavouriteRequest { code: "0100461000-110105-111101050000000017-05".into(), favourite: true }],
}}

snapshots! { ipc {
    JpegPreview: [JpegPreview::from_base64("/9j/4AAQSkZJRgABAQ==".into())],
    AppInfoView: [AppInfoView {
        core_version: "0.1.0".into(),
        app_version: "0.1.0".into(),
        licences: vec![LicenceView { component: "MediaPipe face models".into(), licence: "Apache-2.0".into() }],
    }],
    ScreenRequest: [ScreenRequest { showing: true }],
    ScreenView: [ScreenView { awake: true, brightened: false }],
    LicenceView: [LicenceView { component: "dlib face descriptor".into(), licence: "CC0-1.0".into() }],
    CheckIdNumberRequest: [CheckIdNumberRequest { input: ID_NUMBER.into() }],
    IdNumberCheckView: [
        IdNumberCheckView::Valid { masked: "1101**********002X".into(), birth_date: "1949-12-31".into() },
        IdNumberCheckView::Invalid { reason: IdNumberProblem::ChecksumMismatch },
    ],
    IdNumberProblem: [
        IdNumberProblem::WrongLength { length: 17 },
        IdNumberProblem::InvalidCharacter { position: 18 },
        IdNumberProblem::UnknownProvince,
        IdNumberProblem::InvalidBirthDate,
        IdNumberProblem::ChecksumMismatch,
    ],
    CommandError: [
        CommandError::BadRequest,
        CommandError::Internal,
        CommandError::InvalidPin,
        CommandError::WrongPin { tries_left: None },
        CommandError::WrongPin { tries_left: Some(9) },
        CommandError::NoWallet,
        CommandError::WalletExists,
        CommandError::Locked,
        CommandError::NotFound,
        CommandError::PresetNotApplicable,
        CommandError::Storage,
        CommandError::InvalidIdNumber,
        CommandError::NoBackend,
        CommandError::NotEnrolled,
        CommandError::EnrolmentRefused,
        CommandError::Offline,
        CommandError::ServerUnavailable,
        CommandError::BadData,
        CommandError::LivenessRejected,
        CommandError::NoRegistryPhoto,
        CommandError::TooManyAttempts,
        CommandError::NoLivenessCheck,
        CommandError::BadFrame,
        CommandError::AlreadyDone,
        CommandError::RequestExpired,
    ],
}}

/// Every error code the backend answers with.
#[test]
fn error_codes() {
    snapshot("error__ErrorCode", shimin_wire::error::ErrorCode::ALL.to_vec());
}

/// The IPC command names: the UI and the shell meet on these strings.
#[test]
fn ipc_command_names() {
    use shimin_wire::ipc::FRAME_TIMESTAMP_HEADER;
    use shimin_wire::ipc::command::*;
    let names: Vec<String> = [
        APP_INFO,
        CHECK_ID_NUMBER,
        WALLET_STATUS,
        CREATE_WALLET,
        UNLOCK_WALLET,
        LOCK_WALLET,
        LIST_CERTIFICATES,
        CERTIFICATE_DETAIL,
        PRESENT_CERTIFICATE,
        VERIFY_IMAGE,
        PRESENTATION_HISTORY,
        EXPORT_HISTORY,
        ENROL_DEVICE,
        SYNC_STATUS,
        SYNC_NOW,
        REMINDERS,
        SETTINGS,
        SAVE_SETTINGS,
        CHANGE_PIN,
        REMOVE_DEVICE,
        FORGET_WALLET,
        UI_PAINTED,
        LIVENESS_START,
        LIVENESS_FRAME,
        LIVENESS_NEXT_FRAME,
        LIVENESS_SUBMIT,
        LIVENESS_CANCEL,
        IDENTITY_REQUESTS,
        DECLINE_IDENTITY_REQUEST,
        SCAN_CAMERA_OPEN,
        SCAN_CAMERA_FRAME,
        SCAN_CAMERA_CLOSE,
        SCAN_IMAGE,
        ASK_PRESENTATION,
        STOP_ASKING,
        ANSWER_REQUEST,
        HALL_HOME,
        SEARCH_SERVICES,
        SERVICE_GUIDE,
        SET_FAVOURITE,
        REFRESH_CATALOGUE,
        FRAME_TIMESTAMP_HEADER,
    ]
    .map(str::to_owned)
    .to_vec();
    snapshot("ipc__command", names);
}

snapshots! { liveness {
    LivenessPurposeView: [
        LivenessPurposeView::Enrolment { id_number: ID_NUMBER.into() },
        LivenessPurposeView::Case { case_id: 9 },
    ],
    LivenessStartRequest: [LivenessStartRequest { purpose: LivenessPurposeView::Case { case_id: 9 } }],
    DeclineIdentityRequest: [DeclineIdentityRequest { case_id: 9, reason: DeclineReasonView::Refused }],
    CameraSourceView: [CameraSourceView::Camera, CameraSourceView::Files, CameraSourceView::Native],
    ActionView: [ActionView::Blink, ActionView::MouthOpen, ActionView::ShakeHead, ActionView::Nod],
    GuidanceView: [
        GuidanceView::FaceNotFound,
        GuidanceView::OneFaceOnly,
        GuidanceView::MoveCloser,
        GuidanceView::MoveBack,
        GuidanceView::CenterFace,
        GuidanceView::MoreLight,
        GuidanceView::LessLight,
        GuidanceView::HoldStill,
        GuidanceView::LookStraight,
        GuidanceView::Blink,
        GuidanceView::OpenMouth,
        GuidanceView::ShakeHead,
        GuidanceView::TurnLeft,
        GuidanceView::TurnRight,
        GuidanceView::Nod,
        GuidanceView::RaiseHead,
        GuidanceView::Done,
    ],
    LivenessFailureView: [
        LivenessFailureView::Timeout,
        LivenessFailureView::WrongAction,
        LivenessFailureView::FaceLost,
        LivenessFailureView::FaceChanged,
        LivenessFailureView::SeveralFaces,
        LivenessFailureView::StreamEnded,
        LivenessFailureView::TimeWentBack,
        LivenessFailureView::Camera,
    ],
    LivenessPhaseView: [
        LivenessPhaseView::Capturing,
        LivenessPhaseView::Captured,
        LivenessPhaseView::Passed,
        LivenessPhaseView::Failed { reason: LivenessFailureView::FaceLost },
    ],
    LivenessStatusView: [LivenessStatusView {
        actions: vec![ActionView::Blink, ActionView::MouthOpen],
        steps: 3,
        done: 1,
        guidance: GuidanceView::OpenMouth,
        phase: LivenessPhaseView::Capturing,
        source: CameraSourceView::Files,
        preview: Some(shimin_wire::ipc::JpegPreview::from_base64("/9j/4AAQSkZJRgABAQ==".into())),
    }],
}}

snapshots! { sync {
    EnrolRequest: [EnrolRequest { id_number: ID_NUMBER.into(), enrolment_code: "K7Q2-9XMP".into() }],
    SyncStepView: [
        SyncStepView::SigningIn,
        SyncStepView::Pulling { page: 2 },
        SyncStepView::StatusLists,
        SyncStepView::Pushing,
    ],
    SyncProblemView: [
        SyncProblemView::Offline,
        SyncProblemView::ServerUnavailable,
        SyncProblemView::DeviceRefused,
        SyncProblemView::BadData,
        SyncProblemView::Storage,
    ],
    SyncStatusView: [SyncStatusView {
        backend_configured: true,
        enrolled: true,
        running: Some(SyncStepView::Pulling { page: 1 }),
        last_sync_at: Some(NOW - 900),
        pending_outbox: 2,
        problem: Some(SyncProblemView::Offline),
        next_attempt_at: Some(NOW + 8),
        last_imported: 3,
        line: SyncLineView::Running,
        attention: None,
    }],
    SyncLineView: [
        SyncLineView::Never,
        SyncLineView::Running,
        SyncLineView::Synced { at: "08:21".into() },
        SyncLineView::Offline { at: Some("2024-06-30 21:05".into()) },
        SyncLineView::Offline { at: None },
    ],
    ReminderView: [ReminderView { certificate_id: CERT_ID.into(), type_slug: "residence-permit".into(), expires_at: NOW + 12 * 86_400, days_left: 12 }],
    MyDeviceView: [MyDeviceView { device_id: 5_863_442_019_374_120, label: "my phone".into(), registered_on: "2024-06-01".into(), this_device: true }],
    DeviceNoticeView: [DeviceNoticeView { id: 41, label: "tablet".into(), day: "2024-06-01".into() }],
    AcknowledgeNoticesRequest: [AcknowledgeNoticesRequest { up_to: 41 }],
    RemoveOtherDeviceRequest: [RemoveOtherDeviceRequest { device_id: 7_036_874_417_766_401, pin: "123456".into() }],
}}

fn check_view() -> shimin_wire::wallet::CheckView {
    use shimin_wire::wallet::{CheckView, ListAgeView, OutcomeView, ReasonView};
    CheckView {
        outcome: OutcomeView::Warning,
        reasons: vec![ReasonView::StatusListStale { age_seconds: 90_000 }],
        trust_list: Some(ListAgeView { age_seconds: 3_600, refresh_due: false, stale: false }),
        status_list: Some(ListAgeView { age_seconds: 90_000, refresh_due: true, stale: true }),
    }
}

fn card_view() -> shimin_wire::wallet::CertificateCardView {
    use shimin_wire::wallet::{CertificateCardView, StatusBadge};
    CertificateCardView {
        id: CERT_ID.into(),
        type_slug: "resident-id-card".into(),
        type_name: "居民身份证".into(),
        holder_name: Some("张三".into()),
        valid_from: "2024-06-01".into(),
        valid_until: Some("2034-05-31".into()),
        days_left: Some(3_621),
        badge: StatusBadge::Valid,
        inactive: false,
        replaced_on: None,
    }
}

fn request_view() -> shimin_wire::wallet::RequestView {
    use shimin_wire::wallet::{AnswerChoiceView, PresetView, RequestView};
    RequestView {
        text: "SMQ1:6BFOXN*TS0BI$ZD".into(),
        code: "3F9A-21C0".into(),
        preset: PresetView::AgeOver18,
        asked_at: "2024-07-01 12:00".into(),
        choices: vec![AnswerChoiceView {
            id: CERT_ID.into(),
            type_slug: "resident-id-card".into(),
            type_name: "居民身份证".into(),
            disclosed: vec!["age_over_18".into(), "photo".into()],
        }],
    }
}

fn verdict_view() -> shimin_wire::wallet::VerdictView {
    use shimin_wire::wallet::{AttributeView, PresentedCertificateView, ValueView, VerdictView};
    VerdictView {
        check: check_view(),
        certificate: Some(PresentedCertificateView {
            type_slug: "resident-id-card".into(),
            type_name: "居民身份证".into(),
            identifier: CERT_ID.into(),
            issuer_name: "北京市公安局西城分局".into(),
            valid_from: "2024-06-01".into(),
            valid_until: None,
        }),
        attributes: vec![AttributeView {
            name: "name".into(),
            value: ValueView::Text { text: "张三".into() },
        }],
        signed_at: Some("2024-07-01 12:00".into()),
    }
}

fn history_entry() -> shimin_wire::wallet::HistoryEntryView {
    shimin_wire::wallet::HistoryEntryView {
        time: "12:00".into(),
        certificate_id: CERT_ID.into(),
        type_slug: Some("resident-id-card".into()),
        preset: "identity".into(),
        disclosed: vec!["name".into(), "id_number_masked".into()],
        recipient: shimin_wire::wallet::RecipientView::Scanned,
        times: 2,
    }
}

snapshots! { wallet {
    WalletStatusView: [WalletStatusView { exists: true, unlocked: false }],
    PinRequest: [PinRequest { pin: "135790".into() }],
    ChangePinRequest: [ChangePinRequest { current: "135790".into(), new: "246801".into() }],
    Language: [Language::ZhHans, Language::ZhHant, Language::En],
    AutoLock: [
        AutoLock::Never,
        AutoLock::OneMinute,
        AutoLock::TwoMinutes,
        AutoLock::FiveMinutes,
        AutoLock::TenMinutes,
        AutoLock::ThirtyMinutes,
    ],
    SettingsView: [SettingsView::default(), SettingsView { language: Language::En, auto_lock: AutoLock::Never, wipe_after_wrong_pins: false, elder_mode: true, voice_guidance: Some(false) }],
    ListCertificatesRequest: [ListCertificatesRequest { query: "居住证".into() }],
    CertificateRequest: [CertificateRequest { id: CERT_ID.into() }],
    StatusBadge: [
        StatusBadge::Valid,
        StatusBadge::ExpiringSoon,
        StatusBadge::Expired,
        StatusBadge::Revoked,
        StatusBadge::Suspended,
        StatusBadge::UnverifiedOffline,
        StatusBadge::Invalid,
        StatusBadge::Cancelled,
        StatusBadge::Replaced,
    ],
    CertificateCardView: [
        card_view(),
        CertificateCardView {
            badge: StatusBadge::Replaced,
            inactive: true,
            replaced_on: Some("2026-12-01".into()),
            ..card_view()
        },
    ],
    ValueView: [
        ValueView::Text { text: "张三".into() },
        ValueView::Coded { code: "01".into(), zh_hans: "汉族".into(), zh_hant: "漢族".into(), en: "Han".into() },
        ValueView::UnknownCode { code: "77".into() },
        ValueView::Masked { masked: "1101**********002X".into(), full: "11010519491231002X".into() },
        ValueView::Date { date: "1990-03-15".into() },
        ValueView::Bool { value: true },
        ValueView::Integer { value: 1_000_000 },
        ValueView::Jpeg { bytes: vec![0xFF, 0xD8, 0xFF, 0xD9] },
        ValueView::Bytes { len: 16 },
    ],
    AttributeView: [AttributeView { name: "age_over_18".into(), value: ValueView::Bool { value: true } }],
    OutcomeView: [OutcomeView::Valid, OutcomeView::Warning, OutcomeView::Invalid],
    ReasonView: [
        ReasonView::NoQrCode,
        ReasonView::NotAShiminCode,
        ReasonView::Malformed,
        ReasonView::UnknownIssuer,
        ReasonView::BadIssuerSignature,
        ReasonView::IssuerNotAllowed,
        ReasonView::NotYetValid { from: "2024-06-01".into() },
        ReasonView::Expired { on: "2034-05-31".into() },
        ReasonView::Revoked { list_age_seconds: 600 },
        ReasonView::Suspended { list_age_seconds: 600 },
        ReasonView::StatusNotCheckable,
        ReasonView::StatusListStale { age_seconds: 90_000 },
        ReasonView::TrustListStale { age_seconds: 3_000_000 },
        ReasonView::NoTrustList,
        ReasonView::AttributeTampered { attribute: "name".into() },
        ReasonView::DeviceSignatureMissing,
        ReasonView::DeviceSignatureBad,
        ReasonView::ExpiredScreenshot { skew_seconds: 3_600 },
        ReasonView::SeenBefore,
        ReasonView::NotThisRequest,
    ],
    ListAgeView: [ListAgeView { age_seconds: 600, refresh_due: false, stale: false }],
    CheckView: [check_view()],
    VersionView: [VersionView {
        id: CERT_ID.into(),
        version: 0,
        valid_from: "2024-06-01".into(),
        valid_until: Some("2034-05-31".into()),
        current: true,
        imported_at: "2024-06-01 08:30".into(),
    }],
    CertificateDetailView: [CertificateDetailView {
        card: card_view(),
        attributes: vec![AttributeView { name: "birth_date".into(), value: ValueView::Date { date: "1990-03-15".into() } }],
        issuer_name: Some("北京市公安局西城分局".into()),
        issuer_code: "111101050000000017".into(),
        check: check_view(),
        versions: vec![],
        presets: vec![PresetOptionView {
            preset: PresetView::AgeOver18,
            disclosed: vec!["age_over_18".into(), "photo".into()],
        }],
    }],
    PresetOptionView: [PresetOptionView { preset: PresetView::Identity, disclosed: vec!["name".into()] }],
    PresetView: [PresetView::Identity, PresetView::AgeOver18, PresetView::Full],
    PresentRequest: [PresentRequest { id: CERT_ID.into(), preset: PresetView::Identity, refresh: false }],
    PresentationView: [PresentationView {
        qr_svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".into(),
        qr_version: 12,
        refresh_in_secs: 30,
        disclosed: vec!["name".into(), "id_number_masked".into(), "photo".into()],
    }],
    ScanFrameView: [
        ScanFrameView {
            preview: shimin_wire::ipc::JpegPreview::from_base64("/9j/4AAQSkZJRgABAQ==".into()),
            scanned: Some(ScannedView::Verdict(verdict_view())),
        },
        ScanFrameView { preview: shimin_wire::ipc::JpegPreview::from_base64("/9j/4AAQ".into()), scanned: None },
    ],
    ScannedView: [ScannedView::Verdict(verdict_view()), ScannedView::Request(request_view())],
    AskRequest: [AskRequest { preset: PresetView::AgeOver18 }],
    StopAskingRequest: [StopAskingRequest { code: "3F9A-21C0".into() }],
    AskView: [AskView {
        qr_svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".into(),
        code: "3F9A-21C0".into(),
        preset: PresetView::Identity,
    }],
    RequestView: [request_view()],
    AnswerChoiceView: [request_view().choices.remove(0)],
    AnswerRequest: [AnswerRequest { request: "SMQ1:6BFOXN*TS0BI$ZD".into(), id: CERT_ID.into() }],
    PresentedCertificateView: [verdict_view().certificate.expect("a certificate")],
    VerdictView: [verdict_view()],
    HistoryEntryView: [history_entry()],
    RecipientView: [
        RecipientView::Scanned,
        RecipientView::Request { code: "3F9A-21C0".into() },
        RecipientView::Case { department: "福州市市场监督管理局".into() },
    ],
    DayView: [DayView::Today, DayView::Yesterday, DayView::Earlier],
    HistoryDayView: [HistoryDayView { date: "2024-07-01".into(), day: DayView::Today, entries: vec![history_entry()] }],
    ExportView: [
        ExportView::Saved { file_name: "市民通出示记录-2024-07-01.jsonl".into(), lines: 4 },
        ExportView::Cancelled,
    ],
}}

snapshots! { calendar {
    DueResponse: [DueResponse { from: "2026-02-13".into(), working_days: 5, due: "2026-02-27".into() }],
    DayKindView: [DayKindView::Workday, DayKindView::Weekend, DayKindView::Holiday, DayKindView::Makeup],
    CalendarDayView: [
        CalendarDayView { date: "2026-02-13".into(), working: true, kind: DayKindView::Workday, holiday: None },
        CalendarDayView {
            date: "2026-02-14".into(),
            working: true,
            kind: DayKindView::Makeup,
            holiday: Some(zh_en("春节", "春節", "Spring Festival")),
        },
    ],
    CalendarDaysResponse: [CalendarDaysResponse {
        from: "2026-02-14".into(),
        to: "2026-02-15".into(),
        days: vec![
            CalendarDayView {
                date: "2026-02-14".into(),
                working: true,
                kind: DayKindView::Makeup,
                holiday: Some(zh_en("春节", "春節", "Spring Festival")),
            },
            CalendarDayView {
                date: "2026-02-15".into(),
                working: false,
                kind: DayKindView::Holiday,
                holiday: Some(zh_en("春节", "春節", "Spring Festival")),
            },
        ],
    }],
}}

/// The public types of `src/<module>.rs`, as `(module, Type)`, found by their `pub struct` or
/// `pub enum` line.
fn public_types() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&src).expect("list src/") {
        let path = entry.expect("entry").path();
        let Some(module) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else { continue };
        if module == "lib" || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read source");
        for line in text.lines() {
            let line = line.trim_start();
            let Some(rest) = line.strip_prefix("pub struct ").or_else(|| line.strip_prefix("pub enum "))
            else {
                continue;
            };
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            found.push((module.clone(), name));
        }
    }
    found.sort();
    found
}

/// Public types of `wire` that never cross as JSON themselves: the PIN's parsed form and its
/// error (the request carries the PIN as text), and the error of a preference that does not parse.
const NOT_SERIALISED: [(&str, &str); 3] =
    [("wallet", "Pin"), ("wallet", "PinError"), ("wallet", "UnknownSetting")];

#[test]
fn every_public_type_has_a_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let types: Vec<(String, String)> = public_types()
        .into_iter()
        .filter(|(m, t)| !NOT_SERIALISED.contains(&(m.as_str(), t.as_str())))
        .collect();
    assert!(types.len() >= 80, "found only {} public types in src/", types.len());
    let file = |module: &str, name: &str| format!("snapshots__{module}__{name}.snap");
    let missing: Vec<String> =
        types.iter().map(|(m, t)| file(m, t)).filter(|f| !dir.join(f).is_file()).collect();
    assert!(
        missing.is_empty(),
        "public wire types without a snapshot (add a line to tests/snapshots.rs): {missing:?}"
    );

    // And no snapshot outlives its type.
    let mut known: Vec<String> = types.iter().map(|(m, t)| file(m, t)).collect();
    known.push(file("ipc", "command"));
    let stale: Vec<String> = std::fs::read_dir(&dir)
        .expect("list tests/snapshots")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".snap") && !known.contains(name))
        .collect();
    assert!(stale.is_empty(), "snapshots of types that no longer exist: {stale:?}");
}

fn apply_row() -> shimin_wire::apply::ApplicationRowView {
    use shimin_wire::apply::*;
    ApplicationRowView {
        id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into(),
        service: "居住证签发".into(),
        state: ApplicationStateView::Waiting,
        created: "2026-12-07 20:15".into(),
        case_no: None,
    }
}

fn apply_source() -> shimin_wire::apply::SourceView {
    use shimin_wire::apply::*;
    SourceView {
        kind: SourceKindView::Wallet,
        id: Some(CERT_ID.into()),
        certificate_type: Some("resident-id-card".into()),
        unusable: None,
    }
}

fn apply_field() -> shimin_wire::apply::FormFieldView {
    use shimin_wire::apply::*;
    FormFieldView {
        key: "employer".into(),
        label: "用人单位统一社会信用代码".into(),
        help: None,
        input: InputView::CreditCode,
        required: true,
        when: Some(WhenView { field: "basis".into(), one_of: vec!["work".into()] }),
        prefilled: false,
    }
}

snapshots! { apply {
    ApplyFormRequest: [ApplyFormRequest { code: "0100461000-110105-111101050000000017-01".into(), language: shimin_wire::wallet::Language::ZhHans }],
    ApplyFormView: [ApplyFormView {
        code: "0100461000-110105-111101050000000017-01".into(),
        name: "居住证签发".into(),
        department: "北京市公安局朝阳分局".into(),
        fields: vec![apply_field()],
        values: [("name".to_owned(), shimin_wire::application::FieldValueDto::Text("张三".into()))].into_iter().collect(),
        materials: vec![MaterialSourcesView {
            index: 0,
            name: "居民身份证".into(),
            required: true,
            condition: None,
            sources: vec![apply_source()],
        }],
    }],
    FormFieldView: [apply_field()],
    WhenView: [WhenView { field: "basis".into(), one_of: vec!["work".into()] }],
    OptionView: [OptionView { code: "work".into(), label: "合法稳定就业".into() }],
    InputView: [
        InputView::Text { max_len: 30 },
        InputView::Integer,
        InputView::Decimal,
        InputView::Date,
        InputView::Choice { options: vec![OptionView { code: "work".into(), label: "合法稳定就业".into() }] },
        InputView::MultiChoice { options: vec![OptionView { code: "child".into(), label: "子女".into() }] },
        InputView::IdNumber,
        InputView::CreditCode,
        InputView::Phone,
        InputView::Address { max_len: 120 },
        InputView::YesNo,
    ],
    MaterialSourcesView: [MaterialSourcesView {
        index: 1,
        name: "合法稳定住所证明".into(),
        required: false,
        condition: Some("以合法稳定住所申领的".into()),
        sources: vec![SourceView { kind: SourceKindView::Upload, id: None, certificate_type: None, unusable: None }],
    }],
    SourceKindView: [SourceKindView::Wallet, SourceKindView::Library, SourceKindView::Upload],
    UnusableView: [
        UnusableView::CertificateExpired,
        UnusableView::CertificateNotValid,
        UnusableView::OtherMaterial,
        UnusableView::NeverReused,
        UnusableView::Expired,
        UnusableView::PaperOnly,
    ],
    SourceView: [apply_source(), SourceView { kind: SourceKindView::Library, id: Some("lib-1".into()), certificate_type: None, unusable: Some(UnusableView::Expired) }],
    CheckFieldRequest: [CheckFieldRequest {
        code: "0100461000-110105-111101050000000017-01".into(),
        key: "phone".into(),
        values: vec![("phone".into(), shimin_wire::application::FieldValueDto::Text("12345".into()))],
    }],
    StagedUploadView: [
        StagedUploadView::Accepted { upload_id: "ab".repeat(32), media_type: shimin_wire::application::UploadTypeDto::Pdf, size: 48_000 },
        StagedUploadView::Refused { reason: UploadProblemView::NotAllowed },
    ],
    UploadProblemView: [
        UploadProblemView::Empty,
        UploadProblemView::TooLarge,
        UploadProblemView::NotAllowed,
        UploadProblemView::Mismatch,
        UploadProblemView::BadPicture,
        UploadProblemView::PdfIncomplete,
    ],
    PickDto: [
        PickDto::Wallet { certificate_id: CERT_ID.into() },
        PickDto::Library { item_id: "lib-1".into() },
        PickDto::Upload { upload_id: "ab".repeat(32) },
    ],
    SubmitApplicationRequest: [SubmitApplicationRequest {
        code: "0100461000-110105-111101050000000017-01".into(),
        values: vec![("basis".into(), shimin_wire::application::FieldValueDto::Text("home".into()))],
        picks: vec![(0, PickDto::Wallet { certificate_id: CERT_ID.into() })],
        language: shimin_wire::wallet::Language::ZhHans,
    }],
    FieldProblemView: [FieldProblemView { field: "phone".into(), problem: shimin_wire::application::FieldProblemDto::BadPhone }],
    SubmitOutcomeView: [
        SubmitOutcomeView::Stored { application: apply_row() },
        SubmitOutcomeView::FormProblems { problems: vec![FieldProblemView { field: "phone".into(), problem: shimin_wire::application::FieldProblemDto::Missing }] },
        SubmitOutcomeView::Findings { findings: vec![shimin_wire::application::FindingDto::MaterialMissing { material: 1 }] },
        SubmitOutcomeView::UploadMissing,
    ],
    ApplicationStateView: [
        ApplicationStateView::Waiting,
        ApplicationStateView::Refused,
        ApplicationStateView::Submitted,
        ApplicationStateView::Phase(shimin_wire::workflow::ApplicationPhaseDto::InApproval),
    ],
    ApplicationRowView: [apply_row()],
    ApplicationRequest: [ApplicationRequest { id: "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d".into() }],
    ApplicationDetailView: [ApplicationDetailView { row: apply_row(), findings: vec![], steps: vec![], due: None, offline: true }],
}}

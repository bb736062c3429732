//! Submitting an application over real HTTP (issue 17), on SQLite and on PostgreSQL: uploads held
//! before the submission, core's automatic pre-review with the backend's own trust and status
//! lists (a real device-signed `SM1:` presentation of the citizen's ID card, bound to the
//! department and the application), the application stored once with its uploads, its art. 32
//! deadline and the citizen's notice; retries answering the same receipt; every bad input
//! refused with its reason and nothing stored; a dropped connection mid-submit, a second server on
//! the same database, and the real binary killed with SIGKILL mid-submit and started again, each
//! creating nothing twice; the resubmission after 补正.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use std::collections::BTreeMap;

use common::{Db, Phone, TestServer, error};
use reqwest::{Client, StatusCode};
use shimin_backend::seed::{self, POLICE_CODE};
use shimin_backend::server::Limits;
use shimin_backend::store::{EventKind, NewLibraryItem};
use shimin_core::application::submission::{ApplicationId, present_for_application};
use shimin_core::catalogue::guide::Service;
use shimin_core::cert::{CertificateIssuer, CertificateType, CreditCode, IssuedCertificate};
use shimin_core::crypto::sha256;
use shimin_wire::application::{
    ApplicationListResponse, FieldProblemDto, FieldValueDto, FindingDto, MaterialSourceDto,
    MaterialSubmissionDto, SubmissionReceipt, SubmissionRequest, UploadTypeDto,
};
use shimin_wire::catalogue::ServiceDocument;
use shimin_wire::error::ErrorCode;
use shimin_wire::workflow::ApplicationPhaseDto;

on_both_databases!(
    a_passing_submission_is_stored_once_with_its_uploads_deadline_and_notice,
    bad_input_is_refused_with_its_reason_and_nothing_is_stored,
    uploads_are_checked_against_their_type_digest_and_limits,
    a_dropped_connection_or_a_second_server_creates_nothing_twice,
    the_resubmission_after_a_correction_request_goes_back_to_pre_review_once,
    a_submission_whose_upload_vanished_stores_nothing_and_tells_nothing,
    a_server_killed_mid_submit_loses_nothing_and_stores_nothing_twice,
);

/// 张伟 of the demo data: the applicant.
const ZHANG: &str = "420106199003071238";
/// 林晓燕 of the demo data: another citizen.
const LIN: &str = "350102198506112347";

/// A small PDF: its header and its end.
fn pdf(n: u8) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%test\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'a' + n % 26, 200 + usize::from(n)));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn app_id(n: u8) -> ApplicationId {
    ApplicationId::parse(&format!("{n:02x}").repeat(16)).expect("an id")
}

/// The applicant's world: a seeded server with the test residence-permit service, and 张伟's
/// enrolled phone holding his ID card bound to its key.
struct World {
    server: TestServer,
    http: Client,
    token: String,
    phone: Phone,
    service: Service,
    id_card: IssuedCertificate,
    /// Holds the key file's directory.
    _keys: tempfile::TempDir,
    key_file: std::path::PathBuf,
    /// Requests go here instead of the in-process server when set.
    base: Option<String>,
}

impl World {
    async fn new(db: Db) -> Self {
        let keys = common::temp_dir("keys");
        let key_file = keys.path().join("backend.keys");
        let file = key_file.clone();
        let server = TestServer::on_configured(db, Limits::default(), |c| c.key_file = Some(file)).await;
        Self::on(server, keys, key_file).await
    }

    /// The world on `server`, whose backend uses `key_file` (in `keys`).
    async fn on(server: TestServer, keys: tempfile::TempDir, key_file: std::path::PathBuf) -> Self {
        let now = shimin_backend::now();
        seed::seed(&server.backend, 5, now).await.expect("seed");
        seed::demo_certificates(&server.backend, now).await.expect("the demo certificates");
        // The residence permit of core's vectors: the police's, with a form; material 0 the ID
        // card (wallet), 1 the lease and 4 the application form (uploads), the rest conditional.
        let document: ServiceDocument = serde_json::from_slice(include_bytes!(
            "../../core/tests/vectors/application/residence-permit.json"
        ))
        .expect("the vector");
        let code = document.code.clone();
        assert!(server.backend.seed_catalogue(vec![document], now).await.expect("catalogue"));
        let service = server.backend.service_guide(&code).await.expect("the guide");
        let http = Client::new();
        let staff = server.staff_login(&http, "police-issuer", "demo-police-2024").await;
        let (phone, _, token) = server.enrol_by_code(&http, &staff, ZHANG).await;
        let id_card = Self::id_card_of(&server, ZHANG, &phone).await;
        Self { server, http, token, phone, service, id_card, _keys: keys, key_file, base: None }
    }

    /// Another server on the same database and key file, as after a restart; its base URL. It
    /// stops when the test ends.
    async fn second_server(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let config = shimin_backend::service::Config {
            public_url: self.server.base.clone(),
            key_file: Some(self.key_file.clone()),
            ..common::test_config("")
        };
        let backend = shimin_backend::service::Backend::new(self.server.backend.store.clone(), config)
            .await
            .expect("backend");
        tokio::spawn(shimin_backend::server::serve(
            listener,
            backend,
            Limits::default(),
            std::future::pending(),
        ));
        base
    }

    /// `holder`'s ID card as the department issues it to `phone` (bound to its key).
    async fn id_card_of(server: &TestServer, holder: &str, phone: &Phone) -> IssuedCertificate {
        let record = server
            .backend
            .store
            .certificates_of(holder)
            .await
            .expect("certificates")
            .into_iter()
            .find(|c| c.type_slug == "resident-id-card")
            .expect("an ID card");
        let template =
            server.backend.store.certificate_template(record.id).await.expect("read").expect("template");
        let template = IssuedCertificate::from_holder_copy(&template).expect("holder copy");
        let (key_id, key) = server.backend.current_key(POLICE_CODE).await.expect("police key");
        CertificateIssuer::new(
            &key,
            key_id.as_bytes().to_vec(),
            CreditCode::parse(POLICE_CODE).expect("code"),
        )
        .rebind(&template, &phone.key.verifying_key())
        .expect("a copy for the phone")
    }

    /// The ID card presented for `service`'s application `id`, now.
    fn presentation(&self, service: &Service, id: &ApplicationId) -> String {
        present_for_application(
            &self.id_card,
            CertificateType::ResidentIdCard,
            service,
            id,
            &self.phone.key,
            shimin_backend::now(),
        )
        .expect("present")
        .text()
        .to_owned()
    }

    /// A complete submission of application `id` with two uploaded PDFs (`pdf(n)`, `pdf(n + 1)`).
    fn request(&self, id: &ApplicationId, n: u8) -> SubmissionRequest {
        let text = |s: &str| FieldValueDto::Text(s.into());
        let values: BTreeMap<String, FieldValueDto> = [
            ("name", text("张伟")),
            ("id_number", text(ZHANG)),
            ("phone", text("13800138000")),
            ("address", text("北京市朝阳区某街1号")),
            ("arrived", text("2024-03-01")),
            ("lease_end", text("2030-02-28")),
            ("months", text("40")),
            ("basis", text("home")),
            ("employed", FieldValueDto::YesNo(false)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let upload = |bytes: Vec<u8>| MaterialSourceDto::Upload {
            sha256: hex(&sha256(&bytes)),
            media_type: UploadTypeDto::Pdf,
            size: bytes.len() as u64,
        };
        SubmissionRequest {
            application_id: id.to_string(),
            service_code: self.service.code.to_string(),
            catalogue_version: self.service.version,
            values,
            materials: vec![
                MaterialSubmissionDto {
                    material: 0,
                    source: MaterialSourceDto::Wallet { presentation: self.presentation(&self.service, id) },
                },
                MaterialSubmissionDto { material: 1, source: upload(pdf(n)) },
                MaterialSubmissionDto { material: 4, source: upload(pdf(n + 1)) },
            ],
        }
    }

    /// Where requests go: the in-process server, or the real binary of the kill test.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.as_deref().unwrap_or(&self.server.base))
    }

    async fn put(
        &self,
        token: &str,
        id: &ApplicationId,
        path_sha: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        self.http
            .put(self.url(&format!("/v1/sync/applications/{id}/uploads/{path_sha}")))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .expect("put")
    }

    /// Uploads `pdf(n)` and `pdf(n + 1)` for application `id`.
    async fn upload_pdfs(&self, id: &ApplicationId, n: u8) {
        for bytes in [pdf(n), pdf(n + 1)] {
            let sha = hex(&sha256(&bytes));
            let response = self.put(&self.token, id, &sha, "application/pdf", bytes).await;
            assert_eq!(response.status(), StatusCode::OK);
        }
    }

    async fn post(&self, token: &str, path: &str, body: Vec<u8>) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("post")
    }

    async fn submit(&self, request: &SubmissionRequest) -> reqwest::Response {
        self.post(&self.token, "/v1/sync/applications", serde_json::to_vec(request).expect("json")).await
    }

    async fn receipt(&self, request: &SubmissionRequest) -> SubmissionReceipt {
        let response = self.submit(request).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("a receipt")
    }

    /// The notices in 张伟's sync feed.
    async fn notices(&self) -> Vec<String> {
        let feed = self.server.backend.store.events(ZHANG, 1, 0, 1000).await.expect("feed");
        feed.into_iter().filter(|e| e.kind == EventKind::Notification).filter_map(|e| e.message).collect()
    }

    async fn stored_count(&self) -> usize {
        self.server.backend.store.citizen_applications(ZHANG, 1000).await.expect("list").len()
    }
}

async fn a_passing_submission_is_stored_once_with_its_uploads_deadline_and_notice(db: Db) {
    let world = World::new(db).await;
    let store = &world.server.backend.store;
    let id = app_id(1);
    world.upload_pdfs(&id, 1).await;
    let request = world.request(&id, 1);
    let before = world.notices().await;

    let receipt = world.receipt(&request).await;
    assert!(receipt.precheck.passed, "{:?}", receipt.precheck.findings);
    assert_eq!(receipt.precheck.findings, []);
    assert_eq!(receipt.application_id, id.to_string());
    assert!(receipt.received_at.is_some());
    let timeline = receipt.timeline.clone().expect("the application as stored");
    assert_eq!((timeline.phase, timeline.case_no.as_deref()), (ApplicationPhaseDto::PreReview, None));
    assert_eq!(timeline.events.len(), 2, "submitted and checks passed");

    // Stored once: the device's citizen, the guide's organ, no case number yet, the art. 32 day
    // counted with the backend's calendar, both uploads' bytes with it and none left held.
    let record = store.application(id).await.expect("read").expect("stored");
    assert_eq!((record.citizen.as_str(), record.department.as_str()), (ZHANG, POLICE_CODE));
    assert_eq!(record.case_no, None);
    let arrived = shimin_core::application::workflow::china_date(record.arrived_at).expect("a day");
    let due =
        shimin_core::calendar::WorkingDays::due(world.server.backend.calendar(), arrived, 5).expect("due");
    assert_eq!(record.next_deadline, Some(shimin_backend::service::applications::iso(due)));
    let uploads = store.application_uploads(id).await.expect("uploads");
    assert_eq!(uploads.len(), 2);
    assert!(uploads.iter().all(|u| u.stored_at.is_some()));
    assert_eq!(store.upload_bytes(id, sha256(&pdf(1))).await.expect("bytes"), Some(pdf(1)));
    assert_eq!(store.staged_uploads(ZHANG, id).await.expect("held"), []);
    let materials = store.application_materials(id).await.expect("materials");
    assert_eq!(materials.len(), 3);
    assert!(materials.iter().all(|m| !m.reference.contains("SM1:")), "a presentation is kept by its digest");
    let notices = world.notices().await;
    assert_eq!(notices.len(), before.len() + 1);
    assert_eq!(notices.last().map(String::as_str), Some("您的申请：等待预审"));

    // The same body again: the same receipt, nothing new.
    let again = world.receipt(&request).await;
    assert_eq!(again, receipt);
    assert_eq!(world.stored_count().await, 1);
    assert_eq!(world.notices().await, notices);
    // The same bytes uploaded again: 200, nothing changes.
    let again = world.put(&world.token, &id, &hex(&sha256(&pdf(1))), "application/pdf", pdf(1)).await;
    assert_eq!(again.status(), StatusCode::OK);

    // The same id with another body, or from another citizen: 409, nothing changed.
    let mut other = request.clone();
    other.values.insert("months".into(), FieldValueDto::Text("41".into()));
    let taken = error(world.submit(&other).await, StatusCode::CONFLICT).await;
    assert_eq!((taken.error, taken.message.as_str()), (ErrorCode::Conflict, "this application id is taken"));
    let staff = world.server.staff_login(&world.http, "police-issuer", "demo-police-2024").await;
    let (_, _, lin) = world.server.enrol_by_code(&world.http, &staff, LIN).await;
    let body = serde_json::to_vec(&request).expect("json");
    let stranger = error(world.post(&lin, "/v1/sync/applications", body).await, StatusCode::CONFLICT).await;
    assert_eq!(stranger.error, ErrorCode::Conflict);
    assert_eq!(store.application(id).await.expect("read").expect("there"), record);
    assert_eq!(world.notices().await, notices);

    // The citizen's list has it; another citizen's has nothing.
    let list: ApplicationListResponse = world
        .http
        .get(world.server.url("/v1/sync/applications?limit=10"))
        .bearer_auth(&world.token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list.applications.len(), 1);
    assert_eq!(list.applications[0].application_id, id.to_string());
    assert_eq!(list.applications[0].phase, ApplicationPhaseDto::PreReview);
    assert_eq!(list.next_offset, None);
    let theirs: ApplicationListResponse = world
        .http
        .get(world.server.url("/v1/sync/applications"))
        .bearer_auth(&lin)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(theirs.applications, []);

    // A material of the wrong class: the application form is never reused, so a 材料库 item of
    // it is refused by name, and nothing is stored.
    let item = store
        .add_library_item(NewLibraryItem {
            citizen: ZHANG.into(),
            material_kind: "居住证申领登记表".into(),
            department: POLICE_CODE.into(),
            accepted_at: shimin_backend::now() - 86_400,
            valid_until: None,
            from_application: id,
        })
        .await
        .expect("an item");
    let second = app_id(2);
    world.upload_pdfs(&second, 3).await;
    let mut reuse = world.request(&second, 3);
    reuse.materials[2].source = MaterialSourceDto::Library { item_id: item.to_string() };
    let refused = world.receipt(&reuse).await;
    assert!(!refused.precheck.passed);
    assert_eq!(
        refused.precheck.findings,
        [FindingDto::SourceNotAccepted { material: 4, reason: "never_reused".into() }]
    );
    assert_eq!((refused.received_at, refused.timeline), (None, None));
    assert_eq!(store.application(second).await.expect("read"), None);
}

async fn bad_input_is_refused_with_its_reason_and_nothing_is_stored(db: Db) {
    let world = World::new(db).await;
    let store = &world.server.backend.store;
    let notices = world.notices().await;
    let path = "/v1/sync/applications";

    // Not JSON, not a submission, a bad id: 400 with a reason, and no token at all: 401.
    let bad =
        error(world.post(&world.token, path, b"{not json".to_vec()).await, StatusCode::BAD_REQUEST).await;
    assert_eq!((bad.error, bad.message.as_str()), (ErrorCode::BadJson, "the body is not JSON"));
    let shape = error(
        world.post(&world.token, path, br#"{"application_id": 7}"#.to_vec()).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(shape.error, ErrorCode::InvalidBody);
    let mut request = world.request(&app_id(3), 5);
    request.application_id = "XYZ".into();
    let id = error(world.submit(&request).await, StatusCode::BAD_REQUEST).await;
    assert_eq!((id.error, id.message.as_str()), (ErrorCode::BadRequest, "the application id is not valid"));
    let body = serde_json::to_vec(&world.request(&app_id(3), 5)).expect("json");
    let response = world.http.post(world.server.url(path)).body(body).send().await.expect("post");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let id = app_id(3);
    world.upload_pdfs(&id, 5).await;
    let refused = |receipt: &SubmissionReceipt| {
        assert!(!receipt.precheck.passed);
        assert_eq!((receipt.received_at, &receipt.timeline), (None, &None));
    };

    // A presentation made for another application (its nonce): not bound.
    let mut replayed = world.request(&id, 5);
    replayed.materials[0].source =
        MaterialSourceDto::Wallet { presentation: world.presentation(&world.service, &app_id(9)) };
    let receipt = world.receipt(&replayed).await;
    refused(&receipt);
    assert_eq!(receipt.precheck.findings, [FindingDto::PresentationNotBound { material: 0 }]);

    // A presentation made for another department (its audience): not bound.
    let mut elsewhere = world.service.clone();
    elsewhere.organ.code = CreditCode::parse("91350100M000100Y43").expect("another department");
    let mut other_department = world.request(&id, 5);
    other_department.materials[0].source =
        MaterialSourceDto::Wallet { presentation: world.presentation(&elsewhere, &id) };
    let receipt = world.receipt(&other_department).await;
    refused(&receipt);
    assert_eq!(receipt.precheck.findings, [FindingDto::PresentationNotBound { material: 0 }]);

    // A form value out of range.
    let mut months = world.request(&id, 5);
    months.values.insert("months".into(), FieldValueDto::Text("3".into()));
    let receipt = world.receipt(&months).await;
    refused(&receipt);
    assert_eq!(
        receipt.precheck.findings,
        [FindingDto::Field {
            field: "months".into(),
            problem: FieldProblemDto::BelowMinimum { min: "6".into() }
        }]
    );

    // A wallet source for a material no certificate stands for (the lease).
    let mut wrong = world.request(&id, 5);
    wrong.materials[1].source =
        MaterialSourceDto::Wallet { presentation: world.presentation(&world.service, &id) };
    let receipt = world.receipt(&wrong).await;
    refused(&receipt);
    assert_eq!(
        receipt.precheck.findings,
        [FindingDto::SourceNotAccepted { material: 1, reason: "no_certificate".into() }]
    );

    // An upload named but never sent.
    let mut unsent = world.request(&id, 5);
    unsent.materials[2].source = MaterialSourceDto::Upload {
        sha256: hex(&sha256(&pdf(40))),
        media_type: UploadTypeDto::Pdf,
        size: pdf(40).len() as u64,
    };
    let receipt = world.receipt(&unsent).await;
    refused(&receipt);
    assert_eq!(
        receipt.precheck.findings,
        [FindingDto::UploadRefused { material: 4, reason: "not_received".into() }]
    );

    // A service that takes no application.
    let mut unknown = world.request(&id, 5);
    unknown.service_code = "0100461000-110105-111101050000000017-02".into();
    let receipt = world.receipt(&unknown).await;
    refused(&receipt);
    assert_eq!(receipt.precheck.findings, [FindingDto::ServiceNotOpen]);

    // Nothing stored, nothing told; the held uploads still wait for the honest submission.
    assert_eq!(store.application(id).await.expect("read"), None);
    assert_eq!(world.stored_count().await, 0);
    assert_eq!(world.notices().await, notices);
    assert_eq!(store.staged_uploads(ZHANG, id).await.expect("held").len(), 2);
    assert!(world.receipt(&world.request(&id, 5)).await.precheck.passed);
}

async fn uploads_are_checked_against_their_type_digest_and_limits(db: Db) {
    let world = World::new(db).await;
    let store = &world.server.backend.store;
    let id = app_id(4);
    let bytes = pdf(7);
    let sha = hex(&sha256(&bytes));

    // Bytes that are not what the Content-Type claims: a PDF sent as a PNG.
    let mismatch = error(
        world.put(&world.token, &id, &sha, "image/png", bytes.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(mismatch.error, ErrorCode::Unprocessable);
    assert!(mismatch.message.contains("Pdf") && mismatch.message.contains("Png"), "{}", mismatch.message);
    // A type the department does not take, and no type at all.
    let gif = error(
        world.put(&world.token, &id, &sha, "image/gif", bytes.clone()).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    assert_eq!(gif.error, ErrorCode::UnsupportedMediaType);
    // Bytes that are no PDF, sent as one.
    let text = b"hello".to_vec();
    let fake = error(
        world.put(&world.token, &id, &hex(&sha256(&text)), "application/pdf", text).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    assert_eq!(fake.message, "only JPEG, PNG and PDF files are taken");
    // A PDF cut short.
    let cut = bytes[..bytes.len() - 8].to_vec();
    let incomplete = error(
        world.put(&world.token, &id, &hex(&sha256(&cut)), "application/pdf", cut).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(incomplete.message, "the PDF is incomplete");
    // The path's digest is not the body's, or not a digest.
    let other = hex(&sha256(b"other"));
    let digest = error(
        world.put(&world.token, &id, &other, "application/pdf", bytes.clone()).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(digest.message, "the body's SHA-256 is not the one in the path");
    error(
        world.put(&world.token, &id, "abc", "application/pdf", bytes.clone()).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    // Over 10 MiB: 413 before it is read.
    let mut huge = b"%PDF-1.4\n".to_vec();
    huge.resize(10 * 1024 * 1024 + 1, b'a');
    let too_large = world.put(&world.token, &id, &hex(&sha256(&huge)), "application/pdf", huge).await;
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(store.staged_uploads(ZHANG, id).await.expect("held"), [], "nothing held");

    // 30 MiB per application: three files of just under 10 MiB fit, a fourth does not.
    for n in 0..4u8 {
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(10 * 1024 * 1024 - 16, b'a' + n);
        big.extend_from_slice(b"\n%%EOF\n");
        let response = world.put(&world.token, &id, &hex(&sha256(&big)), "application/pdf", big).await;
        if n < 3 {
            assert_eq!(response.status(), StatusCode::OK, "file {n}");
        } else {
            let total = error(response, StatusCode::PAYLOAD_TOO_LARGE).await;
            assert_eq!(total.error, ErrorCode::PayloadTooLarge);
        }
    }
    assert_eq!(store.staged_uploads(ZHANG, id).await.expect("held").len(), 3);

    // Held for 7 days: the sweep forgets them after, not before.
    let now = shimin_backend::now();
    assert_eq!(world.server.backend.sweep_staged_uploads(now + 6 * 86_400).await.expect("sweep"), 0);
    assert_eq!(world.server.backend.sweep_staged_uploads(now + 8 * 86_400).await.expect("sweep"), 3);
    assert_eq!(store.staged_uploads(ZHANG, id).await.expect("held"), []);

    // An upload for another citizen's stored application is refused.
    world.upload_pdfs(&id, 9).await;
    assert!(world.receipt(&world.request(&id, 9)).await.precheck.passed);
    let staff = world.server.staff_login(&world.http, "police-issuer", "demo-police-2024").await;
    let (_, _, lin) = world.server.enrol_by_code(&world.http, &staff, LIN).await;
    let taken = error(
        world.put(&lin, &id, &hex(&sha256(&pdf(9))), "application/pdf", pdf(9)).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(taken.error, ErrorCode::Conflict);
    assert_eq!(store.staged_uploads(LIN, id).await.expect("held"), []);
}

async fn a_dropped_connection_or_a_second_server_creates_nothing_twice(db: Db) {
    let world = World::new(db).await;
    let store = world.server.backend.store.clone();
    let notices = world.notices().await.len();
    // Connections dropped at moments from before the request is read to after the answer.
    let mut ids = Vec::new();
    for n in 0..8u8 {
        let id = app_id(0x10 + n);
        world.upload_pdfs(&id, 10 + n * 2).await;
        let request = world.request(&id, 10 + n * 2);
        let hasty = Client::builder()
            .timeout(std::time::Duration::from_millis(5 + 15 * u64::from(n)))
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        let _ = hasty
            .post(world.server.url("/v1/sync/applications"))
            .bearer_auth(&world.token)
            .json(&request)
            .send()
            .await;
        ids.push((id, request));
    }
    // A second server on the same database and key file (fresh caches, nothing in memory
    // from the first) answers the retries.
    let second = world.second_server().await;
    for (id, request) in &ids {
        let response = world
            .http
            .post(format!("{second}/v1/sync/applications"))
            .bearer_auth(&world.token)
            .json(request)
            .send()
            .await
            .expect("retry");
        assert_eq!(response.status(), StatusCode::OK);
        let receipt: SubmissionReceipt = response.json().await.expect("receipt");
        assert!(receipt.precheck.passed, "{:?}", receipt.precheck.findings);
        // And once more on the first: the same receipt.
        assert_eq!(world.receipt(request).await, receipt);
        let record = store.application(*id).await.expect("read").expect("stored once");
        assert_eq!(receipt.received_at, Some(record.arrived_at));
        let uploads = store.application_uploads(*id).await.expect("uploads");
        assert!(uploads.len() == 2 && uploads.iter().all(|u| u.stored_at.is_some()), "{uploads:?}");
    }
    // Exactly one application and one notice each.
    assert_eq!(world.stored_count().await, ids.len());
    assert_eq!(world.notices().await.len(), notices + ids.len());

    // The citizen's list in pages, newest first.
    let world = &world;
    let page = |query: &'static str| async move {
        let response = world
            .http
            .get(world.server.url(&format!("/v1/sync/applications?{query}")))
            .bearer_auth(&world.token)
            .send()
            .await
            .expect("list");
        assert_eq!(response.status(), StatusCode::OK);
        response.json::<ApplicationListResponse>().await.expect("json")
    };
    let first = page("limit=5").await;
    assert_eq!((first.applications.len(), first.next_offset), (5, Some(5)));
    let rest = page("offset=5&limit=5").await;
    assert_eq!((rest.applications.len(), rest.next_offset), (3, None));
    let all: Vec<_> = first.applications.iter().chain(&rest.applications).collect();
    assert!(all.windows(2).all(|w| w[0].received_at >= w[1].received_at), "newest first");
    let mut listed: Vec<String> = all.iter().map(|a| a.application_id.clone()).collect();
    listed.sort();
    let mut sent: Vec<String> = ids.iter().map(|(id, _)| id.to_string()).collect();
    sent.sort();
    assert_eq!(listed, sent, "each once");
    let bad = world
        .http
        .get(world.server.url("/v1/sync/applications?limit=many"))
        .bearer_auth(&world.token)
        .send()
        .await
        .expect("list");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

async fn the_resubmission_after_a_correction_request_goes_back_to_pre_review_once(db: Db) {
    use shimin_wire::workflow::{CorrectionItemDto, CorrectionTargetDto, DeskActionRequest};

    let world = World::new(db).await;
    let store = &world.server.backend.store;
    let id = app_id(5);
    world.upload_pdfs(&id, 30).await;
    let request = world.request(&id, 30);
    assert!(world.receipt(&request).await.precheck.passed);
    let correction = format!("/v1/sync/applications/{id}/correction");

    // Not waiting for a correction yet: 409, nothing changed.
    let early = error(
        world.post(&world.token, &correction, serde_json::to_vec(&request).expect("json")).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(early.message, "this application is not waiting for a correction");

    // The clerk asks for a new lease.
    let clerk = store.staff_by_login("police-issuer").await.expect("read").expect("staff");
    let ask = DeskActionRequest::RequestCorrection {
        version: 1,
        items: vec![CorrectionItemDto {
            target: CorrectionTargetDto::Material { index: 1 },
            reason: "租赁合同页面不清晰".into(),
        }],
    };
    let asked = world.server.backend.desk_action(&clerk, id, ask, shimin_backend::now()).await.expect("ask");
    assert_eq!(asked.state.phase(), ApplicationPhaseDto::CorrectionRequested);

    // The corrected lease, uploaded, and the resubmission: back to pre-review, told once.
    let lease = pdf(60);
    let sha = hex(&sha256(&lease));
    assert_eq!(
        world.put(&world.token, &id, &sha, "application/pdf", lease.clone()).await.status(),
        StatusCode::OK
    );
    let mut corrected = world.request(&id, 30);
    corrected.materials[1].source =
        MaterialSourceDto::Upload { sha256: sha, media_type: UploadTypeDto::Pdf, size: lease.len() as u64 };
    let notices = world.notices().await.len();
    let response = world.post(&world.token, &correction, serde_json::to_vec(&corrected).expect("json")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let receipt: SubmissionReceipt = response.json().await.expect("receipt");
    assert!(receipt.precheck.passed, "{:?}", receipt.precheck.findings);
    let timeline = receipt.timeline.clone().expect("stored");
    assert_eq!(timeline.phase, ApplicationPhaseDto::PreReview);
    let record = store.application(id).await.expect("read").expect("there");
    assert_eq!(record.state.phase(), ApplicationPhaseDto::PreReview);
    assert_eq!(store.upload_bytes(id, sha256(&lease)).await.expect("bytes"), Some(lease.clone()));
    assert_eq!(world.notices().await.len(), notices + 1);

    // A retry: the same receipt; another body: 409; neither changes anything.
    let again = world.post(&world.token, &correction, serde_json::to_vec(&corrected).expect("json")).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<SubmissionReceipt>().await.expect("receipt"), receipt);
    let mut different = corrected.clone();
    different.values.insert("months".into(), FieldValueDto::Text("42".into()));
    error(
        world.post(&world.token, &correction, serde_json::to_vec(&different).expect("json")).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(store.application(id).await.expect("read").expect("there"), record);
    assert_eq!(world.notices().await.len(), notices + 1);

    // Another citizen's application is not found; a path id other than the body's is 400.
    let staff = world.server.staff_login(&world.http, "police-issuer", "demo-police-2024").await;
    let (_, _, lin) = world.server.enrol_by_code(&world.http, &staff, LIN).await;
    error(
        world.post(&lin, &correction, serde_json::to_vec(&corrected).expect("json")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let elsewhere = format!("/v1/sync/applications/{}/correction", app_id(6));
    error(
        world.post(&world.token, &elsewhere, serde_json::to_vec(&corrected).expect("json")).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

/// The store's side of one transaction: when a declared upload is not held at commit time (swept
/// between the pre-review and the write), neither the application nor its notice is stored,
/// and the held bytes stay; with the upload sent again the same submission is stored once.
async fn a_submission_whose_upload_vanished_stores_nothing_and_tells_nothing(db: Db) {
    let world = World::new(db).await;
    let store = &world.server.backend.store;
    let id = app_id(7);
    // Only the first of the two files arrives.
    let first = pdf(50);
    let sha = hex(&sha256(&first));
    assert_eq!(world.put(&world.token, &id, &sha, "application/pdf", first).await.status(), StatusCode::OK);
    let request = world.request(&id, 50);
    let receipt = world.receipt(&request).await;
    assert_eq!(
        receipt.precheck.findings,
        [FindingDto::UploadRefused { material: 4, reason: "not_received".into() }]
    );

    // Straight to the store, as if the second file had vanished after the pre-review.
    let notices = world.notices().await;
    let now = shimin_backend::now();
    let organ = CreditCode::parse(POLICE_CODE).expect("code");
    let (state, first_event) = shimin_core::application::workflow::Application::submitted(
        organ.clone(),
        world.service.process.clone(),
        now,
    );
    let decl = |bytes: Vec<u8>| shimin_backend::store::UploadDecl {
        sha256: sha256(&bytes),
        media_type: "application/pdf".into(),
        size: bytes.len() as u64,
    };
    let new = shimin_backend::store::NewApplication {
        id,
        region: organ.division_code().to_owned(),
        arrival_month: 202_612,
        citizen: ZHANG.into(),
        service_code: world.service.code.to_string(),
        catalogue_version: world.service.version,
        department: POLICE_CODE.into(),
        arrived_at: now,
        body_sha256: [1; 32],
        submission: "{}".into(),
        state,
        next_deadline: None,
        events: vec![first_event.to_view()],
        materials: Vec::new(),
        uploads: vec![decl(pdf(50)), decl(pdf(51))],
    };
    let done = store
        .submit_with_uploads(new.clone(), "您的申请：等待预审".into(), "{}".into())
        .await
        .expect("submit");
    assert_eq!(done, shimin_backend::store::SubmitWithUploads::UploadsMissing);
    assert_eq!(store.application(id).await.expect("read"), None);
    assert_eq!(store.application_events(id).await.expect("events"), []);
    assert_eq!(world.notices().await, notices);
    assert_eq!(store.staged_uploads(ZHANG, id).await.expect("held"), [decl(pdf(50))]);

    // The second file sent: stored once, with its notice, and nothing left held.
    let second = pdf(51);
    let sha = hex(&sha256(&second));
    assert_eq!(world.put(&world.token, &id, &sha, "application/pdf", second).await.status(), StatusCode::OK);
    let done =
        store.submit_with_uploads(new, "您的申请：等待预审".into(), "{}".into()).await.expect("submit");
    assert!(matches!(
        done,
        shimin_backend::store::SubmitWithUploads::Done(shimin_backend::store::Submitted::New(_))
    ));
    assert_eq!(world.notices().await.len(), notices.len() + 1);
    assert_eq!(store.staged_uploads(ZHANG, id).await.expect("held"), []);
    assert_eq!(store.upload_bytes(id, sha256(&pdf(51))).await.expect("bytes"), Some(pdf(51)));
}

/// The real server binary serving a database as a child process, killed with SIGKILL (no
/// shutdown, no flush) and started again, as `crash.rs` does for sync.
struct Child {
    child: Option<std::process::Child>,
    args: Vec<String>,
    base: String,
}

impl Child {
    fn new(database: &str, key_file: &std::path::Path, public_url: &str) -> Self {
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
        let args = ["serve", "--database", database, "--listen", &format!("127.0.0.1:{port}")]
            .into_iter()
            .map(str::to_owned)
            .chain([
                "--public-url".into(),
                public_url.into(),
                "--key-file".into(),
                key_file.display().to_string(),
            ])
            .collect();
        Self { child: None, args, base: format!("http://127.0.0.1:{port}") }
    }

    async fn start(&mut self) {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_shimin-backend"))
            .args(&self.args)
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("spawn shimin-backend serve");
        self.child = Some(child);
        let http = Client::builder().pool_max_idle_per_host(0).build().expect("client");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            if let Ok(r) = http.get(format!("{}/healthz", self.base)).send().await
                && r.status().is_success()
            {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "the server did not answer within 30 s");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("kill -9");
            child.wait().expect("reap");
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The real binary killed with SIGKILL while it handles a submission — before the write,
/// between the write and the answer, after — and started again on the same database: each
/// retried submission is stored exactly once with its uploads and one notice, and answers the
/// receipt stored the first time.
async fn a_server_killed_mid_submit_loses_nothing_and_stores_nothing_twice(db: Db) {
    let dir = common::temp_dir("submit-kill");
    let key_file = dir.path().join("backend.keys");
    let (database, _postgres) = match db {
        Db::Sqlite => (format!("sqlite://{}", dir.path().join("backend.db").display()), None),
        Db::Postgres => {
            let pg = common::Postgres::start();
            (pg.create_database().await, Some(pg))
        }
    };
    let store =
        database.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");
    let config =
        shimin_backend::service::Config { key_file: Some(key_file.clone()), ..common::test_config("") };
    let server = TestServer::start_configured(store, Limits::default(), config).await;
    let public_url = server.base.clone();
    let mut world = World::on(server, dir, key_file.clone()).await;
    let mut child = Child::new(&database, &key_file, &public_url);
    child.start().await;
    world.base = Some(child.base.clone());
    let store = world.server.backend.store.clone();
    let notices = world.notices().await.len();
    let hasty = Client::builder().pool_max_idle_per_host(0).build().expect("client");

    let mut done = Vec::new();
    for n in 0..10u8 {
        let id = app_id(0x40 + n);
        world.upload_pdfs(&id, 100 + 2 * n).await;
        let request = world.request(&id, 100 + 2 * n);
        let send = hasty
            .post(format!("{}/v1/sync/applications", child.base))
            .bearer_auth(&world.token)
            .json(&request)
            .send();
        // Killed 0 to 36 ms into the request, whatever it was doing then.
        let delay = std::time::Duration::from_millis(4 * u64::from(n));
        let mut send = std::pin::pin!(send);
        let mut answered = tokio::select! {
            r = &mut send => Some(r.ok().map(|r| r.status())),
            () = tokio::time::sleep(delay) => None,
        };
        child.kill();
        if answered.is_none() {
            answered = Some(send.await.ok().map(|r| r.status()));
        }
        let answered = answered.flatten();
        let before = store.application(id).await.expect("read");
        child.start().await;
        // Whatever the kill left (nothing, or the whole application), the retry stores it once.
        let receipt = world.receipt(&request).await;
        assert!(receipt.precheck.passed, "{:?}", receipt.precheck.findings);
        let record = store.application(id).await.expect("read").expect("stored");
        if let Some(before) = before {
            assert_eq!(record, before, "the retry answered what the killed server had stored");
        }
        if answered == Some(StatusCode::OK) {
            assert!(store.application(id).await.expect("read").is_some(), "acknowledged, so kept");
        }
        assert_eq!(receipt.received_at, Some(record.arrived_at));
        assert_eq!(world.receipt(&request).await, receipt, "and the same receipt again");
        let uploads = store.application_uploads(id).await.expect("uploads");
        assert!(uploads.len() == 2 && uploads.iter().all(|u| u.stored_at.is_some()), "{uploads:?}");
        done.push(id);
    }
    assert_eq!(world.stored_count().await, done.len());
    assert_eq!(world.notices().await.len(), notices + done.len(), "one notice per application");
}

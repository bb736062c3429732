//! Attack tests of issue 15, finding 11: a registrar (or whoever holds a registrar's token)
//! takes over a registered company by opening a registration case for its credit code that
//! names accomplices as its representatives, or by proceeding with a second case for a credit
//! code that another case registered meanwhile. Either way the company's legal representative
//! would change without the current representatives ever confirming. Real server on a
//! loopback port, real SQLite and PostgreSQL.
//!
//! The parties' confirmations are recorded through the store as a passed liveness check records
//! them: the attacker here is the registrar, not the citizens, and the liveness check itself is
//! tested in `liveness_http.rs`.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, TestServer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed::{self, DEMO_COMPANY};
use shimin_backend::server::Limits;
use shimin_backend::store::{LivenessCheckRecord, LivenessOutcome, LivenessPurpose};
use shimin_wire::backend::{CaseView, StaffLoginResponse};

on_both_databases!(
    a_case_for_a_registered_company_must_name_its_current_representatives,
    a_second_registration_of_one_credit_code_does_not_overwrite_the_first,
);

struct Registrar {
    server: TestServer,
    http: Client,
    token: String,
    /// 张伟, 林晓燕 (the demo company's legal representative), 李娜 (its supervisor), and the rest.
    demo: Vec<String>,
}

impl Registrar {
    async fn new(db: Db) -> Self {
        let server = TestServer::on(db, Limits::default()).await;
        let report = seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
        let demo = report.demo.iter().map(|(id, _, _)| id.clone()).collect();
        let http = Client::new();
        let response = http
            .post(server.url("/v1/staff/login"))
            .json(&json!({"login": "market-issuer", "password": "demo-market-2024"}))
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), StatusCode::OK);
        let token = response.json::<StaffLoginResponse>().await.expect("login json").token;
        Self { server, http, token, demo }
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.http.post(self.server.url(path)).bearer_auth(&self.token).json(&body).send().await.expect("post")
    }

    async fn open(&self, credit_code: &str, parties: Value) -> reqwest::Response {
        self.post(
            "/v1/staff/cases",
            json!({"company_name": "福州某某科技有限公司", "credit_code": credit_code, "parties": parties}),
        )
        .await
    }

    /// Every party of the case confirms, as a passed liveness check of each records it.
    async fn all_confirm(&self, case: &CaseView) {
        let store = &self.server.backend.store;
        for party in &case.parties {
            let check = LivenessCheckRecord {
                id: 0,
                citizen_id_number: party.id_number.clone(),
                purpose: LivenessPurpose::Case(case.id),
                device_id: None,
                device_key: Vec::new(),
                device_label: String::new(),
                nonce: party.id_number.as_bytes().iter().chain(&case.id.to_be_bytes()).copied().collect(),
                actions: "blink".into(),
                time_limit_ms: 60_000,
                issued_at_ms: shimin_backend::now_ms(),
                answered_at: None,
                passed: None,
            };
            let id = store.insert_liveness_check(check, 0, i64::MAX).await.expect("check").expect("allowed");
            let confirmed = LivenessOutcome::Confirmed {
                case_id: case.id,
                id_number: party.id_number.clone(),
                at: shimin_backend::now(),
            };
            store.record_liveness_outcome(id, confirmed).await.expect("confirm");
        }
    }

    async fn legal_representative(&self, credit_code: &str) -> String {
        let company = self.server.backend.store.company(credit_code).await.expect("company");
        company.expect("registered").legal_representative
    }
}

fn credit_code(first17: &str) -> String {
    let c = shimin_core::cert::credit_code::check_character(first17).expect("17 characters");
    format!("{first17}{c}")
}

async fn a_case_for_a_registered_company_must_name_its_current_representatives(db: Db) {
    let r = Registrar::new(db).await;
    let (zhang, lin, li) = (&r.demo[0], &r.demo[1], &r.demo[2]);
    assert_eq!(&r.legal_representative(DEMO_COMPANY).await, lin);

    // A take-over: 张伟 named the legal representative of 林晓燕's company, without her.
    let takeover = r.open(DEMO_COMPANY, json!([{"id_number": zhang, "role": "legal_representative"}])).await;
    assert_eq!(takeover.status(), StatusCode::CONFLICT, "a registered credit code is not registered again");
    // Naming the legal representative but not the supervisor is not enough either.
    let half = r
        .open(
            DEMO_COMPANY,
            json!([
                {"id_number": zhang, "role": "legal_representative"},
                {"id_number": lin, "role": "shareholder"},
            ]),
        )
        .await;
    assert_eq!(half.status(), StatusCode::CONFLICT, "every current representative is named");
    assert_eq!(&r.legal_representative(DEMO_COMPANY).await, lin, "nothing changed");

    // A change case naming the current representatives (who must each confirm) is accepted.
    let change = r
        .open(
            DEMO_COMPANY,
            json!([
                {"id_number": zhang, "role": "legal_representative"},
                {"id_number": lin, "role": "shareholder"},
                {"id_number": li, "role": "supervisor"},
            ]),
        )
        .await;
    assert_eq!(change.status(), StatusCode::CREATED);
    let change: CaseView = change.json().await.expect("case");
    r.all_confirm(&change).await;
    let proceeded = r.post(&format!("/v1/staff/cases/{}/proceed", change.id), json!({})).await;
    assert_eq!(proceeded.status(), StatusCode::OK);
    assert_eq!(&r.legal_representative(DEMO_COMPANY).await, zhang, "the confirmed change applies");
    r.server.shutdown().await;
}

async fn a_second_registration_of_one_credit_code_does_not_overwrite_the_first(db: Db) {
    let r = Registrar::new(db).await;
    let (zhang, lin) = (&r.demo[0], &r.demo[1]);
    let code = credit_code("91350100M00030000");
    // Two cases for a credit code nobody has registered yet, with different representatives.
    let mut cases = Vec::new();
    for holder in [zhang, lin] {
        let response = r.open(&code, json!([{"id_number": holder, "role": "legal_representative"}])).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let case: CaseView = response.json().await.expect("case");
        r.all_confirm(&case).await;
        cases.push(case);
    }
    let first = r.post(&format!("/v1/staff/cases/{}/proceed", cases[0].id), json!({})).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(&r.legal_representative(&code).await, zhang);

    // The second case never named 张伟, now the representative: it must not replace him.
    let second = r.post(&format!("/v1/staff/cases/{}/proceed", cases[1].id), json!({})).await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    assert_eq!(&r.legal_representative(&code).await, zhang, "the registered company was not overwritten");
    r.server.shutdown().await;
}

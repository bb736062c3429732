//! Attack tests of issue 15, finding 8: certificate status changes racing each other. A staff
//! member (or two, or a script holding a staff token) sends revoke and renew, or revoke and
//! reinstate, for the same certificate at the same moment; whatever the interleaving, a revoked
//! certificate must stay revoked and must never gain a valid successor, and a suspended one is
//! not renewed. Real server on a loopback port, real SQLite and PostgreSQL.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, TestServer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed;
use shimin_backend::server::Limits;
use shimin_wire::backend::{CertificateStatusView, CertificateView, StaffLoginResponse};

/// 张伟 of the demo data.
const ZHANG: &str = "420106199003071238";

/// Rounds of each race: enough that the interleaving that loses an update comes up.
const ROUNDS: usize = 12;

on_both_databases!(
    a_suspended_certificate_is_not_renewed,
    revoke_racing_renew_leaves_exactly_one_winner,
    revoke_racing_reinstate_leaves_the_certificate_revoked,
);

struct Staff {
    server: TestServer,
    http: Client,
    token: String,
}

impl Staff {
    async fn police(db: Db) -> Self {
        let server = TestServer::on(db, Limits::default()).await;
        seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
        let http = Client::new();
        let response = http
            .post(server.url("/v1/staff/login"))
            .json(&json!({"login": "police-issuer", "password": "demo-police-2024"}))
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), StatusCode::OK);
        let token = response.json::<StaffLoginResponse>().await.expect("login json").token;
        Self { server, http, token }
    }

    async fn post(&self, path: String, body: Value) -> StatusCode {
        let response =
            self.http.post(self.server.url(&path)).bearer_auth(&self.token).json(&body).send().await;
        response.expect("post").status()
    }

    async fn issue(&self) -> CertificateView {
        let body = json!({
            "holder_id_number": ZHANG,
            "valid_from": "2024-06-01",
            "valid_until": "2034-05-31",
            "fields": {"type": "resident-id-card"}
        });
        let response = self
            .http
            .post(self.server.url("/v1/staff/certificates"))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("issue");
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("view")
    }

    async fn status(&self, id: i64, action: &str) -> StatusCode {
        self.post(format!("/v1/staff/certificates/{id}/status"), json!({"action": action})).await
    }

    async fn renew(&self, id: i64) -> StatusCode {
        self.post(format!("/v1/staff/certificates/{id}/renew"), json!({"valid_until": "2044-05-31"})).await
    }

    async fn view(&self, id: i64) -> CertificateView {
        let response = self
            .http
            .get(self.server.url(&format!("/v1/staff/certificates/{id}")))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("view")
    }

    /// The holder's certificates that are valid now, as the store has them.
    async fn valid_versions(&self) -> usize {
        let all = self.server.backend.store.certificates_of(ZHANG).await.expect("certificates");
        all.iter().filter(|c| c.status == shimin_backend::store::StoredStatus::Valid).count()
    }
}

async fn a_suspended_certificate_is_not_renewed(db: Db) {
    let staff = Staff::police(db).await;
    let card = staff.issue().await;
    assert_eq!(staff.status(card.id, "suspend").await, StatusCode::OK);
    assert_eq!(staff.renew(card.id).await, StatusCode::CONFLICT, "a suspension is not lifted by renewing");
    let after = staff.view(card.id).await;
    assert_eq!(after.status, CertificateStatusView::Suspended, "still suspended, not replaced");
    assert_eq!(staff.valid_versions().await, 0, "no valid successor was made");
    staff.server.shutdown().await;
}

async fn revoke_racing_renew_leaves_exactly_one_winner(db: Db) {
    let staff = Staff::police(db).await;
    for round in 0..ROUNDS {
        let card = staff.issue().await;
        let (revoked, renewed) = tokio::join!(staff.status(card.id, "revoke"), staff.renew(card.id));
        let winners = [revoked == StatusCode::OK, renewed == StatusCode::CREATED];
        assert_eq!(
            winners.iter().filter(|w| **w).count(),
            1,
            "round {round}: revoke answered {revoked}, renew answered {renewed}; exactly one may win"
        );
        for refused in [revoked, renewed].into_iter().filter(|s| !s.is_success()) {
            assert_eq!(refused, StatusCode::CONFLICT, "round {round}: the loser is told of the conflict");
        }
        assert_eq!(staff.view(card.id).await.status, CertificateStatusView::Revoked, "round {round}");
        // Revocation wins: nothing valid. Renewal wins: the successor alone is valid.
        let expected = usize::from(renewed == StatusCode::CREATED);
        assert_eq!(staff.valid_versions().await, expected, "round {round}");
        // Clean up so the next round counts only its own certificate.
        let all = staff.server.backend.store.certificates_of(ZHANG).await.expect("certificates");
        for c in all.iter().filter(|c| c.status != shimin_backend::store::StoredStatus::Revoked) {
            assert_eq!(staff.status(c.id, "revoke").await, StatusCode::OK);
        }
    }
    staff.server.shutdown().await;
}

async fn revoke_racing_reinstate_leaves_the_certificate_revoked(db: Db) {
    let staff = Staff::police(db).await;
    for round in 0..ROUNDS {
        let card = staff.issue().await;
        assert_eq!(staff.status(card.id, "suspend").await, StatusCode::OK);
        // One revocation against a few reinstatements sent at the same moment.
        let (revoked, a, b, c, d, e) = tokio::join!(
            staff.status(card.id, "revoke"),
            staff.status(card.id, "reinstate"),
            staff.status(card.id, "reinstate"),
            staff.status(card.id, "reinstate"),
            staff.status(card.id, "reinstate"),
            staff.status(card.id, "reinstate"),
        );
        for answer in [revoked, a, b, c, d, e] {
            assert!(
                answer == StatusCode::OK || answer == StatusCode::CONFLICT,
                "round {round}: {answer} is neither done nor a conflict"
            );
        }
        assert_eq!(revoked, StatusCode::OK, "round {round}: revocation applies to valid and suspended alike");
        let after = staff.view(card.id).await;
        assert_eq!(
            after.status,
            CertificateStatusView::Revoked,
            "round {round}: an accepted revocation was undone by a reinstatement (answers {a} {b} {c} {d} {e})"
        );
    }
    staff.server.shutdown().await;
}

//! Identity proofing by the face in the real window, against the real backend and its real
//! judge: a new user registers this device with the face check instead of a code (the "camera"
//! is the recorded test film, `SHIMIN_CAMERA_FRAMES`: Grace Hopper's portrait edited into
//! blinks, open mouths and nods, whose registry photo the backend holds, played on cue: the app
//! streams its frames and the backend reveals each action only after it saw the one before
//! done), the first sync brings
//! the ID card; then the market regulator opens a company registration naming them, the wallet
//! shows the identity request, and the face check confirms it, which the registrar sees.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod face;

use std::time::Duration;

use fantoccini::Locator;
use shimin_backend::local::LocalBackend;
use shimin_tests::{AppSession, data_dir};
use shimin_wire::backend::{CasePartyRequest, OpenCaseRequest, PartyRoleView};

const PIN: &str = "531864";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_by_face_then_confirm_a_company_registration() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let _ = tracing_subscriber::fmt().with_env_filter("info").with_test_writer().try_init();
    let data = data_dir("liveness")?;
    let (server, holder, frames) = face::filmed_citizen(data.path()).await?;
    let name = server.seed().demo[0].1.clone();
    let partner = server.seed().demo[1].0.clone();
    let app = face::start_app(&data.path().join("app"), &server, &frames).await?;

    // Who you are: the ID number, and the face check (the default way).
    app.wait_for("#onboarding").await?;
    app.click("#onboard-start").await?;
    app.wait_for("#onboard-id").await?.send_keys(&holder).await?;
    app.wait_for_text("#onboard-id-result", |t| t.contains("号码有效")).await?;
    assert!(
        app.client.find(Locator::Css("#onboard-code")).await.is_err(),
        "no code field for the face check"
    );
    app.screenshot("face-01-identity").await?;
    app.click("#onboard-next").await?;
    app.wait_for("#pin").await?.send_keys(PIN).await?;
    app.wait_for("#pin-confirm").await?.send_keys(PIN).await?;
    app.click("#create-submit").await?;

    // The check: guidance, the actions ticked one by one, then the backend's decision.
    app.wait_for("#onboard-face").await?;
    // The steps: as many as the check asks for, named only once the backend revealed them.
    app.wait_for("#liveness-steps li").await?;
    let steps = app.texts("#liveness-steps li").await?;
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert!(steps.iter().any(|s| s.contains("稍后提示")), "the last step is not known yet: {steps:?}");
    // The enrolment code stays one tap away during the check, not only after a failure.
    assert!(app.wait_for("#liveness-alternative").await?.is_displayed().await?, "the code, during the check");
    if let Err(e) = app.wait_for_within(".liveness-step.done", Duration::from_secs(30)).await {
        app.screenshot("face-02-no-action-done").await?;
        return Err(e);
    }
    let guidance = app.wait_for_text("#liveness-guidance", |t| !t.is_empty()).await?;
    assert!(
        ["请眨眼", "请张嘴", "请点头", "请抬头回正", "请正对镜头", "正在与公安登记照片比对"]
            .iter()
            .any(|g| guidance.contains(g)),
        "{guidance}"
    );
    app.screenshot("face-02-check-in-progress").await?;
    face::finish_check(&app, "#wallet", "face-02-failed").await?;
    let mut texts = Vec::new();
    for _ in 0..150 {
        texts = app.texts("#cards .cert-card").await?;
        if !texts.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(texts.len() == 1 && texts[0].contains("居民身份证") && texts[0].contains(&name), "{texts:?}");
    let devices = server.backend().store.active_devices(&holder).await?;
    assert_eq!(devices.len(), 1, "the face check registered this device");
    app.screenshot("face-03-wallet").await?;

    // A company registration names them: the wallet shows the request after a sync.
    let case = server
        .open_case_as(
            "market-issuer",
            OpenCaseRequest {
                company_name: "福州闽江软件有限公司".into(),
                credit_code: None,
                parties: vec![
                    CasePartyRequest { id_number: holder.clone(), role: PartyRoleView::LegalRepresentative },
                    CasePartyRequest { id_number: partner.clone(), role: PartyRoleView::Shareholder },
                ],
            },
        )
        .await?;
    app.click("#sync-now").await?;
    let banner = app.wait_for_text("#requests-banner", |t| !t.is_empty()).await?;
    assert!(banner.contains("1 项身份核验请求"), "{banner}");
    app.screenshot("face-04-request-banner").await?;
    app.click("#requests-open").await?;
    let request = app.wait_for_text("#requests .request", |t| t.contains("福州闽江软件有限公司")).await?;
    assert!(request.contains("法定代表人") && request.contains("待确认"), "{request}");
    app.screenshot("face-05-requests").await?;
    // The request says what is asked before the check (tests/e2e_consent.rs reads it whole).
    app.click(".request-open").await?;
    app.wait_for_text("#consent-matter", |t| t.contains("福州闽江软件有限公司")).await?;
    app.click("#consent-confirm").await?;
    // During the check: where it is ("第 N 步，共 3 步") and a way out, on screen.
    let progress = app.wait_for_text("#liveness-progress", |t| !t.is_empty()).await?;
    assert!(progress.starts_with("第 ") && progress.contains("步，共 3 步"), "{progress}");
    let cancel = app.wait_for("#liveness-cancel").await?.rectangle().await?;
    let height: f64 =
        serde_json::from_value(app.client.execute("return window.innerHeight;", vec![]).await?)?;
    assert!(cancel.1 + cancel.3 <= height, "cancel on screen during the check: {cancel:?} in {height}");
    app.wait_for_within(".liveness-step.done", Duration::from_secs(30)).await?;
    let progress = app.wait_for_text("#liveness-progress", |t| !t.is_empty()).await?;
    assert!(!progress.starts_with("第 1 步"), "an action done moves the progress on: {progress}");
    app.screenshot("consent-04-check").await?;
    let problems = app.accessibility_problems().await?;
    assert!(problems.is_empty(), "consent-04-check: {problems:#?}");
    face::finish_check(&app, "#consent-done", "face-06-failed").await?;
    let done = app.wait_for_text("#consent-done-text", |t| !t.is_empty()).await?;
    assert!(
        done.contains("已告知") && done.contains("市场监督管理局") && done.contains("您已本人确认"),
        "{done}"
    );
    app.screenshot("consent-05-done").await?;
    let problems = app.accessibility_problems().await?;
    assert!(problems.is_empty(), "consent-05-done: {problems:#?}");
    app.click("#consent-back").await?;
    app.wait_for_text("#requests .request", |t| t.contains("已确认")).await?;
    app.screenshot("face-07-confirmed").await?;

    // The registrar sees who has confirmed: this citizen, not yet the partner.
    let seen = server.case_as("market-issuer", case.id).await?;
    assert!(seen.parties.iter().filter(|p| p.id_number == holder).all(|p| p.confirmed_at.is_some()));
    assert!(seen.parties.iter().filter(|p| p.id_number == partner).all(|p| p.confirmed_at.is_none()));
    assert!(!seen.all_confirmed);
    app.close().await?;
    let _ = data.close();
    Ok(())
}

/// A citizen the registry has no photo of: the face check says so in their language and leads
/// to the enrolment code, with which the device is registered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_registry_photo_the_code_takes_over() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let data = data_dir("no-photo")?;
    let server = LocalBackend::start(data.path(), 5).await?;
    let (holder, _, code) = server.seed().demo[1].clone();
    let app_dir = data.path().join("app").display().to_string();
    let base = server.base_url();
    let app =
        AppSession::start(&[("SHIMIN_DATA_DIR", app_dir.as_str()), ("SHIMIN_BACKEND_URL", base.as_str())])
            .await?;
    app.wait_for("#onboarding").await?;
    app.click("#lang-en").await?;
    app.click("#onboard-start").await?;
    app.wait_for("#onboard-id").await?.send_keys(&holder).await?;
    app.wait_for_text("#onboard-id-result", |t| t.contains("Valid number")).await?;
    app.click("#onboard-next").await?;
    app.wait_for("#pin").await?.send_keys(PIN).await?;
    app.wait_for("#pin-confirm").await?.send_keys(PIN).await?;
    app.click("#create-submit").await?;
    let error = app.wait_for_text("#liveness-error", |t| !t.is_empty()).await?;
    assert!(error.contains("no photo of you"), "{error}");
    app.screenshot("face-08-no-registry-photo-en").await?;
    app.click("#liveness-alternative").await?;
    app.wait_for("#onboard-code").await?.send_keys(&code).await?;
    app.click("#onboard-register").await?;
    app.wait_for_within("#wallet", Duration::from_secs(30)).await?;
    assert_eq!(server.backend().store.active_devices(&holder).await?.len(), 1);
    app.close().await?;
    let _ = data.close();
    Ok(())
}

//! Consent for identity requests in the real window, against the real backend (issue 20, item
//! 3): a citizen registered with an enrolment code is named in a company registration; the
//! request says who asks, for what matter and in which role, exactly what would be shared and by
//! when, with 拒绝 / 不是我办理 beside 同意 at the same size; declining as "not me" tells the
//! registrar, whose case shows the refusal and its reason, and the list shows 已拒绝. The same
//! page in English and in 长辈版 passes the accessibility audit.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

use std::time::Duration;

use shimin_backend::local::LocalBackend;
use shimin_tests::{AppSession, data_dir};
use shimin_wire::backend::{CasePartyRequest, DeclineReasonView, OpenCaseRequest, PartyRoleView};

const PIN: &str = "531864";
/// The answer is due seven days after the case was opened (issue 20, decision D2).
const RESPONSE_SECS: i64 = 7 * 86_400;

/// `secs` since the epoch as a date in China Standard Time, as the page writes it.
fn china_date(secs: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(secs + 8 * 3600).expect("a time");
    format!("{:04}-{:02}-{:02}", at.year(), u8::from(at.month()), at.day())
}

/// Asserts the screen passes the accessibility audit in `mode`, after a screenshot named `name`.
async fn audit(app: &AppSession, mode: &str, name: &str) -> anyhow::Result<()> {
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot(name).await?;
    let problems = app.accessibility_problems_in(mode).await?;
    assert!(problems.is_empty(), "{mode} {name}: {problems:#?}");
    Ok(())
}

/// The element's rectangle: (x, y, width, height).
async fn rect(app: &AppSession, css: &str) -> anyhow::Result<(f64, f64, f64, f64)> {
    Ok(app.wait_for(css).await?.rectangle().await?)
}

/// Sets a setting's value through its picker, as a user choosing it would.
async fn choose(app: &AppSession, css: &str, value: &str) -> anyhow::Result<()> {
    let script = format!(
        "const s = document.querySelector('{css}'); s.value = '{value}'; s.dispatchEvent(new Event('change'));"
    );
    app.client.execute(&script, vec![]).await?;
    Ok(())
}

/// From the wallet: a sync round, then the requests list.
async fn open_requests(app: &AppSession) -> anyhow::Result<()> {
    app.click("#tab-wallet").await?;
    app.click("#sync-now").await?;
    app.wait_for_within("#requests-banner", Duration::from_secs(20)).await?;
    app.click("#requests-open").await?;
    app.wait_for("#requests .request").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declining_an_identity_request_tells_the_registrar() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let data = data_dir("consent")?;
    let server = LocalBackend::start(data.path(), 5).await?;
    let (holder, _, code) = server.seed().demo[0].clone();
    let partner = server.seed().demo[1].0.clone();
    let app_dir = data.path().join("app").display().to_string();
    let base = server.base_url();
    let app =
        AppSession::start(&[("SHIMIN_DATA_DIR", app_dir.as_str()), ("SHIMIN_BACKEND_URL", base.as_str())])
            .await?;

    // Registered with the code staff gave them (no camera needed).
    app.wait_for("#onboarding").await?;
    app.click("#onboard-start").await?;
    app.wait_for("#onboard-id").await?.send_keys(&holder).await?;
    app.wait_for_text("#onboard-id-result", |t| t.contains("号码有效")).await?;
    app.click("#method-code").await?;
    app.wait_for("#onboard-code").await?.send_keys(&code).await?;
    app.click("#onboard-next").await?;
    app.wait_for("#pin").await?.send_keys(PIN).await?;
    app.wait_for("#pin-confirm").await?.send_keys(PIN).await?;
    app.click("#create-submit").await?;
    app.wait_for_within("#wallet", Duration::from_secs(30)).await?;

    // The registrar opens a company registration naming them in two roles.
    let open = |company: &str| OpenCaseRequest {
        company_name: company.into(),
        credit_code: None,
        parties: vec![
            CasePartyRequest { id_number: holder.clone(), role: PartyRoleView::LegalRepresentative },
            CasePartyRequest { id_number: holder.clone(), role: PartyRoleView::Shareholder },
            CasePartyRequest { id_number: partner.clone(), role: PartyRoleView::Supervisor },
        ],
    };
    let case = server.open_case_as("market-issuer", open("福州闽江软件有限公司")).await?;
    open_requests(&app).await?;
    let row = app.wait_for_text("#requests .request", |t| t.contains("福州闽江软件有限公司")).await?;
    assert!(row.contains("待确认"), "the status pill: {row}");
    app.click(".request-open").await?;

    // Before any face check: who asks, for what, in which role, what is shared, by when.
    app.wait_for("#consent-review").await?;
    let title = app.wait_for_text("#consent-title", |t| !t.is_empty()).await?;
    assert!(title.contains("市场监督管理局") && title.contains("请您确认身份"), "{title}");
    let matter = app.wait_for_text("#consent-matter", |t| !t.is_empty()).await?;
    assert_eq!(matter, "公司设立登记：福州闽江软件有限公司");
    let roles = app.wait_for_text("#consent-roles", |t| !t.is_empty()).await?;
    assert!(roles.contains("法定代表人") && roles.contains("股东"), "{roles}");
    let shared = app.texts("#consent-shared li").await?;
    assert_eq!(shared, ["姓名", "公民身份号码", "刷脸核验结果及时间"]);
    let by = app.wait_for_text("#consent-by", |t| !t.is_empty()).await?;
    assert_eq!(by, format!("请在 {} 前确认", china_date(case.created_at + RESPONSE_SECS)));
    // 拒绝 / 不是我办理 weighs as much as 同意: one class, one size, side by side.
    let (decline, confirm) = (rect(&app, "#consent-decline").await?, rect(&app, "#consent-confirm").await?);
    assert!(
        (decline.2 - confirm.2).abs() < 1.0
            && (decline.3 - confirm.3).abs() < 1.0
            && (decline.1 - confirm.1).abs() < 1.0,
        "unequal answers: {decline:?} {confirm:?}"
    );
    let class = |css: &'static str| {
        let app = &app;
        async move { app.wait_for(css).await?.attr("class").await.map_err(anyhow::Error::from) }
    };
    assert_eq!(class("#consent-decline").await?, class("#consent-confirm").await?);
    audit(&app, "standard", "consent-01-request").await?;

    // Declining asks why; sending without a reason says to choose one.
    app.click("#consent-decline").await?;
    app.wait_for("#decline-sheet").await?;
    app.click("#decline-send").await?;
    app.wait_for_text("#decline-error", |t| t.contains("请先选择")).await?;
    assert!(server.case_as("market-issuer", case.id).await?.parties.iter().all(|p| p.declined_at.is_none()));
    app.click("#decline-not-me").await?;
    audit(&app, "standard", "consent-01b-decline-sheet").await?;
    app.click("#decline-send").await?;
    let told = app.wait_for_text("#consent-declined-text", |t| !t.is_empty()).await?;
    assert!(told.contains("市场监督管理局") && told.contains("这不是我办理的业务"), "{told}");
    app.wait_for_text("#consent-not-me-hint", |t| t.contains("12345")).await?;
    audit(&app, "standard", "consent-02-declined").await?;

    // The registrar's case shows who declined and why; the list shows 已拒绝.
    let seen = server.case_as("market-issuer", case.id).await?;
    assert!(seen.declined && !seen.all_confirmed);
    for party in seen.parties.iter().filter(|p| p.id_number == holder) {
        assert!(party.declined_at.is_some());
        assert_eq!(party.decline_reason, Some(DeclineReasonView::NotMe));
    }
    assert!(seen.parties.iter().filter(|p| p.id_number == partner).all(|p| p.declined_at.is_none()));
    app.click("#consent-back").await?;
    let row = app.wait_for_text("#requests .request", |t| t.contains("已拒绝")).await?;
    assert!(row.contains("福州闽江软件有限公司"), "{row}");
    app.screenshot("consent-02b-list-declined").await?;

    // A second request, in English: the same facts in the user's language.
    let second = server.open_case_as("market-issuer", open("福州榕城贸易有限公司")).await?;
    app.click("#tab-settings").await?;
    app.wait_for("#lang-select").await?;
    choose(&app, "#lang-select", "en").await?;
    app.wait_for_text("#settings", |t| t.contains("Settings")).await?;
    open_requests(&app).await?;
    app.wait_for_text("#requests", |t| t.contains("Declined") && t.contains("Waiting for you")).await?;
    app.click(&format!(".request-open[data-case='{}']", second.id)).await?;
    let title = app.wait_for_text("#consent-title", |t| !t.is_empty()).await?;
    assert!(title.ends_with("asks you to confirm your identity"), "{title}");
    let matter = app.wait_for_text("#consent-matter", |t| !t.is_empty()).await?;
    assert_eq!(matter, "Registering a new company: 福州榕城贸易有限公司");
    let shared = app.texts("#consent-shared li").await?;
    assert_eq!(shared, ["Your name", "Your citizen ID number", "The result and time of the face check"]);
    let by = app.wait_for_text("#consent-by", |t| !t.is_empty()).await?;
    assert_eq!(by, format!("Please answer before {}", china_date(second.created_at + RESPONSE_SECS)));
    app.wait_for_text("#consent-decline", |t| t == "Decline / Not me").await?;
    audit(&app, "standard", "consent-03-request-en").await?;

    // 长辈版: the same page with larger text and targets, the answers one above the other.
    app.click(".back").await?;
    app.click("#tab-settings").await?;
    choose(&app, "#lang-select", "zh-Hans").await?;
    app.wait_for("#elder-mode").await?.click().await?;
    open_requests(&app).await?;
    app.click(&format!(".request-open[data-case='{}']", second.id)).await?;
    app.wait_for("#consent-review").await?;
    let (decline, confirm) = (rect(&app, "#consent-decline").await?, rect(&app, "#consent-confirm").await?);
    assert!(
        (decline.2 - confirm.2).abs() < 1.0 && (decline.3 - confirm.3).abs() < 1.0,
        "{decline:?} {confirm:?}"
    );
    assert!(decline.3 >= 60.0, "elder targets: {decline:?}");
    audit(&app, "elder", "consent-06-request-elder").await?;
    app.click("#consent-decline").await?;
    app.click("#decline-refused").await?;
    audit(&app, "elder", "consent-07-decline-sheet-elder").await?;
    app.click("#decline-send").await?;
    app.wait_for_text("#consent-declined-text", |t| t.contains("我不同意此次确认")).await?;
    assert!(
        app.client.find(fantoccini::Locator::Css("#consent-not-me-hint")).await.is_err(),
        "only for not me"
    );
    audit(&app, "elder", "consent-08-declined-elder").await?;
    let seen = server.case_as("market-issuer", second.id).await?;
    assert!(
        seen.parties
            .iter()
            .filter(|p| p.id_number == holder)
            .all(|p| p.decline_reason == Some(DeclineReasonView::Refused))
    );

    // No registry photo to compare with: agreeing leads to a page that says so and what to do
    // instead (the hall, or declining), never to a spinner.
    let third = server.open_case_as("market-issuer", open("福州鼓楼餐饮有限公司")).await?;
    app.click("#consent-back").await?;
    app.click("#tab-wallet").await?;
    open_requests(&app).await?;
    app.click(&format!(".request-open[data-case='{}']", third.id)).await?;
    app.click("#consent-confirm").await?;
    let reason = app.wait_for_text("#consent-cannot-reason", |t| !t.is_empty()).await?;
    assert!(reason.contains("没有您的照片"), "{reason}");
    let cannot = app.wait_for_text("#consent-cannot", |t| !t.is_empty()).await?;
    assert!(cannot.contains("市场监督管理局") && cannot.contains("窗口确认"), "{cannot}");
    assert!(app.wait_for("#consent-decline").await?.is_displayed().await?, "declining stays possible");
    audit(&app, "elder", "consent-09-cannot-check-elder").await?;
    assert!(
        server.case_as("market-issuer", third.id).await?.parties.iter().all(|p| p.confirmed_at.is_none())
    );

    app.close().await?;
    let _ = data.close();
    Ok(())
}

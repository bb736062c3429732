//! The department's workbench in a real browser (issue 17 item 8, ADR 0007): the real backend on
//! a loopback port, seeded, and Debian's chromium driven through chromedriver. Sign-in (a wrong
//! password refused, the right one to the queue), the department's catalogue, a guide, an
//! administrator suspending a service and seeing its state change, a reviewer who cannot, a form
//! whose CSRF token was taken out refused; sign-in by keyboard alone, and every page held to the
//! accessibility audit. Screenshots `target/e2e-screens/desk-*.png`.

use anyhow::{Context, Result, ensure};
use shimin_backend::local::{LocalBackend, demo_application};
use shimin_backend::seed::CHAOYANG_CIVIL_AFFAIRS_CODE;
use shimin_core::catalogue::guide::ServiceStatus;
use shimin_tests::browser::BrowserSession;
use shimin_tests::data_dir;

const ADMIN: (&str, &str) = ("chaoyang-civil-admin", "demo-desk-2024");
const REVIEWER: (&str, &str) = ("chaoyang-civil-reviewer", "demo-desk-review-2024");

/// Saves the screenshot `name` and holds the page to the accessibility audit.
async fn screen(browser: &BrowserSession, name: &str) -> Result<()> {
    browser.screenshot(name).await?;
    let problems = browser.accessibility_problems().await?;
    ensure!(problems.is_empty(), "{name}: {problems:#?}");
    Ok(())
}

async fn sign_in(browser: &BrowserSession, base: &str, (login, password): (&str, &str)) -> Result<()> {
    browser.goto(&format!("{base}/desk/login")).await?;
    browser.fill("#login", login).await?;
    browser.fill("#password", password).await?;
    browser.click("[data-test=sign-in]").await?;
    browser.wait_for_path("/desk/queue").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sign_in_read_their_catalogue_and_an_administrator_suspends_a_service() -> Result<()> {
    let data = data_dir("desk")?;
    let server = LocalBackend::start(data.path(), 5).await?;
    let base = server.base_url();
    let browser = BrowserSession::start().await?;

    // Not signed in: the workbench's address leads to the sign-in page, in Chinese.
    browser.goto(&format!("{base}/desk/")).await?;
    browser.wait_for_path("/desk/login").await?;
    ensure!(browser.text("h1").await? == "工作人员登录");
    screen(&browser, "desk-sign-in").await?;

    browser.fill("#login", ADMIN.0).await?;
    browser.fill("#password", "not-the-password").await?;
    browser.click("[data-test=sign-in]").await?;
    let error = browser.text("[data-test=error]").await?;
    ensure!(error.contains("账号或密码不正确"), "the refusal is shown: {error}");
    browser.wait_for_path("/desk/login").await?;
    screen(&browser, "desk-sign-in-refused").await?;

    // By keyboard alone: the account field has the focus, Tab to the password, Enter.
    let focused = browser.client.active_element().await?;
    ensure!(focused.attr("id").await?.as_deref() == Some("login"), "the account field has the focus");
    focused.send_keys(ADMIN.0).await.context("typing the account")?;
    focused.send_keys("\u{E004}").await.context("Tab")?;
    let password = browser.client.active_element().await?;
    ensure!(password.attr("id").await?.as_deref() == Some("password"), "Tab goes to the password");
    password.send_keys(ADMIN.1).await.context("typing the password")?;
    password.send_keys("\u{E007}").await.context("Enter")?;
    browser.wait_for_path("/desk/queue").await?;
    ensure!(browser.text("[data-test=department]").await? == "北京市朝阳区民政局");
    ensure!(browser.text("[data-test=officer]").await? == ADMIN.0);
    ensure!(browser.text("[data-test=queue-empty]").await?.contains("此分类下没有办件"));
    screen(&browser, "desk-queue-empty").await?;

    // The department's catalogue: its services, and the first active one's guide.
    browser.click("nav a[href='/desk/services']").await?;
    browser.wait_for_path("/desk/services").await?;
    let staff = server.backend().store.staff_by_login(ADMIN.0).await?.context("seeded admin")?;
    let services = server.backend().department_services(&staff).await?;
    let rows = browser.client.find_all(fantoccini::Locator::Css("tbody tr")).await?;
    ensure!(
        rows.len() == services.len() && !services.is_empty(),
        "{} rows for {} services",
        rows.len(),
        services.len()
    );
    screen(&browser, "desk-catalogue").await?;
    let service = services.iter().find(|s| s.status == ServiceStatus::Active).context("an active service")?;
    let code = service.code.to_string();
    ensure!(service.organ.code.as_str() == CHAOYANG_CIVIL_AFFAIRS_CODE);
    browser.click(&format!("tr[data-code='{code}'] a")).await?;
    browser.wait_for_path(&format!("/desk/services/{code}")).await?;
    ensure!(browser.text("h1").await? == service.name.hans);
    ensure!(browser.text("[data-test=state]").await? == "在用");
    screen(&browser, "desk-guide").await?;

    // Suspend, after the confirmation page.
    browser.click("[data-test=suspend]").await?;
    browser.wait_for_path(&format!("/desk/services/{code}/suspend")).await?;
    screen(&browser, "desk-confirm").await?;
    browser.click("[data-test=confirm]").await?;
    browser.wait_for_path(&format!("/desk/services/{code}")).await?;
    ensure!(browser.text("[data-test=done]").await?.contains("已完成"));
    ensure!(browser.text("[data-test=state]").await? == "已暂停", "the state changed on the page");
    ensure!(server.backend().service_guide(&code).await?.status == ServiceStatus::Suspended);
    screen(&browser, "desk-suspended").await?;

    // A form whose CSRF token was taken out is refused and changes nothing.
    browser.click("[data-test=resume]").await?;
    browser.wait_for_path(&format!("/desk/services/{code}/resume")).await?;
    browser
        .client
        .execute("document.querySelector('form.confirm input[name=csrf]').value = '';", vec![])
        .await?;
    browser.click("[data-test=confirm]").await?;
    let refused = browser.text("[data-test=refused]").await?;
    ensure!(refused.contains("安全校验"), "the forged form is refused: {refused}");
    ensure!(server.backend().service_guide(&code).await?.status == ServiceStatus::Suspended);
    screen(&browser, "desk-csrf-refused").await?;

    // English, then sign out.
    browser.goto(&format!("{base}/desk/services")).await?;
    browser.click("form.languages button[value=en]").await?;
    // The same path again: wait for the new page, not for the address.
    browser.wait_for("html[lang='en']").await?;
    browser.wait_for_path("/desk/services").await?;
    ensure!(browser.text("h1").await? == "Service catalogue");
    screen(&browser, "desk-catalogue-en").await?;
    browser.click("[data-test=sign-out]").await?;
    browser.wait_for_path("/desk/login").await?;

    // A reviewer reads the guide but has no actions, and a direct address is refused.
    sign_in(&browser, &base, REVIEWER).await?;
    browser.goto(&format!("{base}/desk/services/{code}")).await?;
    ensure!(browser.text("[data-test=admin-only]").await?.contains("administrators"));
    ensure!(browser.client.find(fantoccini::Locator::Css("[data-test=resume]")).await.is_err());
    screen(&browser, "desk-reviewer").await?;
    browser.goto(&format!("{base}/desk/services/{code}/resume")).await?;
    ensure!(browser.text("[data-test=refused]").await?.contains("administrators"));
    ensure!(server.backend().service_guide(&code).await?.status == ServiceStatus::Suspended);

    browser.close().await?;
    data.close()?;
    Ok(())
}

/// A seeded citizen, the applicant.
const CITIZEN: &str = "420106199003071238";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_accepts_and_approves_an_application_from_the_queue_and_the_hall_reads_its_case_qr()
-> Result<()> {
    let data = data_dir("desk-applications")?;
    let server = LocalBackend::start(data.path(), 5).await?;
    let base = server.base_url();
    let app_id =
        demo_application(server.backend(), 0x3c, CITIZEN, CHAOYANG_CIVIL_AFFAIRS_CODE, shimin_backend::now())
            .await?;
    let id = app_id.to_string();
    let browser = BrowserSession::start().await?;

    // The queue's 待预审 tab shows the application, due on the art. 32 day.
    sign_in(&browser, &base, ADMIN).await?;
    let row = format!("tr[data-id='{id}']");
    browser.wait_for(&row).await?;
    ensure!(browser.text("nav.tabs a[aria-current=page]").await? == "待预审");
    screen(&browser, "desk-queue").await?;

    // Its page: the number masked, the material's file, the pre-review's actions.
    browser.click(&format!("{row} a")).await?;
    browser.wait_for_path(&format!("/desk/applications/{id}")).await?;
    ensure!(browser.text("[data-test=phase]").await? == "待预审");
    let number = browser.text("[data-test=id-number]").await?;
    ensure!(number == "4201**********1238", "masked: {number}");
    browser.wait_for("[data-test=upload]").await?;
    screen(&browser, "desk-application").await?;
    // The pre-review's forms, as a clerk scrolls to them.
    browser.client.execute("document.getElementById('act').scrollIntoView();", vec![]).await?;
    screen(&browser, "desk-application-actions").await?;

    // 受理: done, in approval, with a case number and the department's step to act on.
    browser.click("[data-test=accept]").await?;
    browser.wait_for("[data-test=done]").await?;
    ensure!(browser.text("[data-test=phase]").await? == "审批中");
    let record = server.backend().store.application(app_id).await?.context("stored")?;
    let case_no = record.case_no.clone().context("a case number")?;
    ensure!(browser.text("h1").await?.contains(&case_no), "the case number is the title");
    browser.wait_for("[data-test=approve]").await?;
    screen(&browser, "desk-accepted").await?;
    browser.client.execute("document.getElementById('act').scrollIntoView();", vec![]).await?;
    screen(&browser, "desk-accepted-actions").await?;

    // It moved to 审批中 in the queue.
    browser.goto(&format!("{base}/desk/queue?tab=in_approval")).await?;
    browser.wait_for(&row).await?;
    ensure!(browser.text(&format!("{row} td.code")).await? == case_no);
    browser.goto(&format!("{base}/desk/queue?tab=pre_review")).await?;
    browser.wait_for("[data-test=queue-empty]").await?;

    // 通过 decides it; it is under 已办结.
    browser.goto(&format!("{base}/desk/applications/{id}")).await?;
    browser.click("[data-test=approve]").await?;
    browser.wait_for("[data-test=done]").await?;
    // The approval's result (a signed document) follows in the same action.
    ensure!(browser.text("[data-test=phase]").await? == "结果已出");
    browser.wait_for("[data-test=no-actions]").await?;
    browser.goto(&format!("{base}/desk/queue?tab=closed")).await?;
    browser.wait_for(&row).await?;

    // The hall window: the case QR as a USB scanner types it, then a forged one.
    let code = server.backend().case_qr_text(&record, shimin_backend::now()).await?;
    browser.click("nav a[href='/desk/hall']").await?;
    browser.wait_for_path("/desk/hall").await?;
    browser.fill("#code", &code).await?;
    browser.click("[data-test=lookup]").await?;
    browser.wait_for("[data-test=hall-verified]").await?;
    ensure!(browser.text("[data-test=hall-case]").await? == case_no);
    ensure!(browser.text("[data-test=phase]").await? == "结果已出");
    screen(&browser, "desk-hall").await?;
    browser.fill("#code", "SMC1:FORGED0CODE").await?;
    browser.click("[data-test=lookup]").await?;
    ensure!(browser.text("[data-test=hall-refused]").await?.contains("二维码无效"));
    screen(&browser, "desk-hall-refused").await?;

    browser.close().await?;
    data.close()?;
    Ok(())
}

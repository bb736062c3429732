//! Applying online (在线办理, issue 17) in the real window, against the real backend started by
//! this test with its seeded catalogue: 居住证签发's guide → 在线办理 → the form prefilled from
//! the wallet (the name; the ID number masked) → 提交 with answers missing lists every problem at
//! once → the answers typed, each field checked as it is left → the materials with their sources
//! (the ID card from the wallet; a file refused for its type, then a PDF taken) → 提交 → 我的办件
//! shows it 待发送: the prepared wallet is not enrolled with this backend, so the application
//! waits in the outbox (the submission routes are another branch's; a sync round sends it once
//! they exist). Then 长辈版: the form at phone size. Screenshots `target/e2e-screens/case-*.png`.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod wallet_world;

use std::path::PathBuf;
use std::time::Duration;

use shimin_backend::local::LocalBackend;
use shimin_tests::{AppSession, data_dir};

/// Sets a form control's value as typing would, then leaves it (the field is checked then).
async fn fill(app: &AppSession, css: &str, value: &str) -> anyhow::Result<()> {
    app.wait_for(css).await?;
    app.client
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
             e.dispatchEvent(new Event('input', {bubbles: true})); \
             e.dispatchEvent(new Event('change', {bubbles: true})); \
             e.dispatchEvent(new Event('focusout', {bubbles: true}));",
            vec![serde_json::Value::from(css), serde_json::Value::from(value)],
        )
        .await?;
    Ok(())
}

/// Types `text` into a field as the citizen does, then leaves it with Tab.
async fn type_in(app: &AppSession, css: &str, text: &str) -> anyhow::Result<()> {
    let field = app.wait_for(css).await?;
    field.click().await?;
    field.send_keys(text).await?;
    app.press(TAB).await?;
    Ok(())
}

const TAB: &str = "\u{E004}";

/// Chooses option number `index` of a `<select>`.
async fn choose(app: &AppSession, css: &str, index: u32) -> anyhow::Result<()> {
    app.wait_for(css).await?;
    app.client
        .execute(
            "const s = document.querySelector(arguments[0]); s.selectedIndex = arguments[1]; \
             s.dispatchEvent(new Event('change', {bubbles: true})); s.dispatchEvent(new Event('focusout', {bubbles: true}));",
            vec![serde_json::Value::from(css), serde_json::Value::from(index)],
        )
        .await?;
    Ok(())
}

async fn value(app: &AppSession, css: &str) -> anyhow::Result<String> {
    Ok(serde_json::from_value(
        app.client
            .execute("return document.querySelector(arguments[0]).value;", vec![serde_json::Value::from(css)])
            .await?,
    )?)
}

async fn open_the_form(app: &AppSession) -> anyhow::Result<()> {
    app.click("#tab-hall").await?;
    app.wait_for("#hall-search").await?.send_keys("居住证").await?;
    let mut rows = Vec::new();
    for _ in 0..300 {
        rows = app.texts("#hall-results .service-name").await.unwrap_or_default();
        if rows.iter().any(|r| r == "居住证签发") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let at = rows
        .iter()
        .position(|r| r == "居住证签发")
        .unwrap_or_else(|| panic!("居住证签发 not found: {rows:?}"));
    let row = format!("#hall-results li:nth-child({}) .service-row", at + 1);
    app.client
        .execute(
            "window.__code = document.querySelector(arguments[0]).dataset.code;",
            vec![serde_json::Value::from(row.as_str())],
        )
        .await?;
    app.click(&row).await?;
    let apply = app.wait_for("#guide-apply").await?;
    assert!(apply.is_enabled().await?, "居住证签发 has a form: 在线办理 is open");
    app.click("#guide-apply").await?;
    app.wait_for("#apply-form .form-field").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_for_a_residence_permit_from_the_guide_and_find_it_in_my_applications() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let data = data_dir("apply")?;
    let server = LocalBackend::start(&data.path().join("backend"), 5).await?;
    let app_dir = data.path().join("app");
    std::fs::create_dir_all(&app_dir)?;
    let _world = wallet_world::prepare(&app_dir);
    let (app_path, base) = (app_dir.display().to_string(), server.base_url());
    let app =
        AppSession::start(&[("SHIMIN_DATA_DIR", app_path.as_str()), ("SHIMIN_BACKEND_URL", base.as_str())])
            .await?;
    app.client.set_window_size(360, 740).await?;
    app.wait_for("#pin").await?.send_keys(wallet_world::PIN).await?;
    app.click("#unlock-submit").await?;
    app.wait_for("#wallet .cert-card").await?;
    app.click("#tab-hall").await?;
    app.wait_for_within(
        "#catalogue-line[data-syncing='false']:not([data-version='0'])",
        Duration::from_secs(60),
    )
    .await?;

    open_the_form(&app).await?;
    // Prefilled from the wallet's ID card: the name as it is, the number masked.
    assert_eq!(value(&app, "#field-name").await?, wallet_world::HOLDER_NAME);
    let id = app.wait_for_text("#field-id_number", |t| !t.is_empty()).await?;
    assert!(id.contains("********") && id.len() == 18, "masked: {id}");
    // The school is asked only for 连续就读.
    let school_shown = |app: &AppSession| {
        let client = app.client.clone();
        async move {
            let shown: bool = serde_json::from_value(
                client
                    .execute(
                        "return document.querySelector(\"[data-key='school']\").style.display !== 'none';",
                        vec![],
                    )
                    .await?,
            )?;
            anyhow::Ok(shown)
        }
    };
    assert!(!school_shown(&app).await?, "not asked before 连续就读 is chosen");

    // 提交 with answers missing: every problem at once, each also next to its field.
    app.click("#apply-submit").await?;
    let problems = app.wait_for_text("#apply-problems", |t| t.contains("请修改以下")).await?;
    for label in ["手机号码", "在京居住地址", "来京居住日期", "申领依据"] {
        assert!(problems.contains(label), "{label} listed: {problems}");
    }
    assert_eq!(app.wait_for_text("#field-phone-problem", |t| !t.is_empty()).await?, "请填写此项");

    // A wrong phone number is told as the field is left.
    type_in(&app, "#field-phone", "12345").await?;
    assert_eq!(app.wait_for_text("#field-phone-problem", |t| t != "请填写此项").await?, "电话号码不正确");
    app.client.execute("document.querySelector('#field-phone').value = '';", vec![]).await?;
    type_in(&app, "#field-phone", "13800138000").await?;
    app.wait_for_text("#field-phone-problem", |t| t.is_empty()).await?;
    type_in(&app, "#field-address", "北京市朝阳区幸福里七号院3单元").await?;
    fill(&app, "#field-arrived", "2020-03-01").await?;
    choose(&app, "#field-basis", 3).await?; // 连续就读
    assert!(school_shown(&app).await?, "asked once 连续就读 is chosen");
    choose(&app, "#field-basis", 2).await?; // 合法稳定住所
    assert!(!school_shown(&app).await?);
    app.client
        .execute("document.querySelector('#apply-form').scrollIntoView({block: 'start'});", vec![])
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("case-form").await?;

    // The materials: the ID card from the wallet; the proof of a home by a file.
    let lines = app.texts("#apply-materials .source-line").await?;
    assert_eq!(lines[0], "来自卡包：居民身份证 ✓", "{lines:?}");
    choose(&app, "#material-1-source", 1).await?; // 上传
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let not_allowed = repo.join("tests").join("Cargo.toml");
    app.wait_for("#material-1-file").await?.send_keys(&not_allowed.display().to_string()).await?;
    app.wait_for_text("#apply-materials li[data-index='1'] .result", |t| {
        t == "只能上传 JPEG、PNG 或 PDF 文件"
    })
    .await?;
    let pdf = repo.join("core/tests/vectors/application/tenancy-agreement.pdf");
    app.client.execute("document.querySelector('#material-1-file').value = '';", vec![]).await?;
    app.wait_for("#material-1-file").await?.send_keys(&pdf.canonicalize()?.display().to_string()).await?;
    app.wait_for_text("#apply-materials li[data-index='1'] .result", |t| t == "已选文件 ✓").await?;
    app.client
        .execute("document.querySelector('#apply-materials').scrollIntoView({block: 'start'});", vec![])
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("case-materials").await?;

    // 提交: into the outbox, and 我的办件 shows it waiting to be sent.
    app.click("#apply-submit").await?;
    let rows = {
        app.wait_for("#applications-list").await?;
        app.texts("#applications-list .application-row").await?
    };
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("居住证签发") && rows[0].contains("待发送"), "{rows:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("case-list").await?;
    let problems = app.accessibility_problems_in("standard").await?;
    assert!(problems.is_empty(), "我的办件: {problems:#?}");
    // Its page: the progress shows once it is sent.
    app.click("#applications-list .application-row").await?;
    app.wait_for_text("#application", |t| t.contains("发送后可在此查看办理进度")).await?;
    // 我的办件 is reached from the 办事 tab.
    app.click("#tab-hall").await?;
    app.click("#hall-my-applications").await?;
    app.wait_for("#applications-list").await?;

    // 长辈版: the form at phone size, every text at the mode's sizes.
    app.click("#tab-settings").await?;
    app.click("#elder-mode").await?;
    for _ in 0..50 {
        let mode: String = serde_json::from_value(
            app.client.execute("return document.documentElement.dataset.mode || '';", vec![]).await?,
        )?;
        if mode == "elder" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    open_the_form(&app).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("case-form-elder").await?;
    let overflow: bool = serde_json::from_value(
        app.client
            .execute("return document.documentElement.scrollWidth > window.innerWidth;", vec![])
            .await?,
    )?;
    assert!(!overflow, "the form fits the width in 长辈版");
    let problems = app.accessibility_problems_in("elder").await?;
    assert!(problems.is_empty(), "the form in 长辈版: {problems:#?}");

    app.close().await?;
    let _ = data.close();
    Ok(())
}

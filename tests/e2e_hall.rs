//! The service hall (办事, issue 16) in the real window, against the real backend started by this
//! test on loopback with its seeded catalogue: the catalogue downloads by itself; "驾照" typed in
//! the search box brings the driving-licence renewal first, and its guide marks 已在卡包 on the
//! materials the wallet holds (the prepared wallet: a resident ID card and a driving licence);
//! the same in English ("passport") and in Traditional Chinese (護照); a life event's list; the
//! backend stopped, the search still answers from the offline catalogue and the line says so;
//! 长辈版 at phone size; the life events reached and opened by keyboard. Every hall screen passes the accessibility audit of its mode, and each
//! step leaves a screenshot `target/e2e-screens/hall-*.png`.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod wallet_world;

use std::time::Duration;

use shimin_backend::local::LocalBackend;
use shimin_tests::{AppSession, data_dir};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// Asserts the screen passes the audit in `mode` and saves a screenshot of it as `name`.
async fn audit(app: &AppSession, mode: &str, name: &str) -> anyhow::Result<()> {
    // Let the screen settle (fonts, resources) before measuring it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot(name).await?;
    let problems = app.accessibility_problems_in(mode).await?;
    assert!(problems.is_empty(), "{mode} {name}: {problems:#?}");
    Ok(())
}

/// Waits (30 s at most) until the texts of the elements matching `css` satisfy `ready`.
async fn wait_texts(
    app: &AppSession,
    css: &str,
    ready: impl Fn(&[String]) -> bool,
) -> anyhow::Result<Vec<String>> {
    for _ in 0..300 {
        // An element can go between being found and being read (the screen re-rendered): that
        // is "not yet", not a failure.
        if let Ok(now) = app.texts(css).await
            && ready(&now)
        {
            return Ok(now);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("{css} never became as expected: {:?}", app.texts(css).await?)
}

/// Chooses `lang` (`en`, `zh-Hant`, `zh-Hans`) in Settings, as a user does.
async fn choose_language(app: &AppSession, lang: &str) -> anyhow::Result<()> {
    app.click("#tab-settings").await?;
    app.wait_for("#lang-select").await?;
    app.client
        .execute(
            "const s = document.querySelector('#lang-select'); s.value = arguments[0]; \
             s.dispatchEvent(new Event('change'));",
            vec![serde_json::Value::from(lang)],
        )
        .await?;
    for _ in 0..50 {
        let now: String = serde_json::from_value(
            app.client.execute("return document.documentElement.lang;", vec![]).await?,
        )?;
        if now == lang {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the document never said {lang}")
}

/// Types `q` into the hall's search box and waits for the rows that answer it (the tab opens the
/// hall's home afresh, with an empty box).
async fn search(app: &AppSession, q: &str) -> anyhow::Result<Vec<String>> {
    app.click("#tab-hall").await?;
    app.wait_for("#hall-search").await?.send_keys(q).await?;
    wait_texts(app, "#hall-results .service-name", |rows| !rows.is_empty()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_a_guide_by_everyday_words_in_three_languages_and_offline() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let data = data_dir("hall")?;
    let mut server = LocalBackend::start(&data.path().join("backend"), 5).await?;
    let app_dir = data.path().join("app");
    std::fs::create_dir_all(&app_dir)?;
    let _world = wallet_world::prepare(&app_dir);
    let (app_path, base) = (app_dir.display().to_string(), server.base_url());
    let app =
        AppSession::start(&[("SHIMIN_DATA_DIR", app_path.as_str()), ("SHIMIN_BACKEND_URL", base.as_str())])
            .await?;
    app.client.set_window_size(360, 740).await?;

    // Before the wallet is open, the hall is one tap away: its catalogue is public.
    app.wait_for("#unlock-hall").await?;
    app.wait_for("#pin").await?.send_keys(wallet_world::PIN).await?;
    app.click("#unlock-submit").await?;
    app.wait_for("#wallet .cert-card").await?;

    // The 办事 tab: the catalogue downloads by itself, then the life events show with counts.
    app.click("#tab-hall").await?;
    let line = app
        .wait_for_within(
            "#catalogue-line[data-syncing='false']:not([data-version='0'])",
            Duration::from_secs(60),
        )
        .await?
        .text()
        .await?;
    assert!(line.starts_with("离线目录 · ") && line.contains(" 项 · 已更新 "), "{line}");
    let themes = wait_texts(&app, "#hall-themes .theme-tile", |t| t.len() >= 10).await?;
    assert!(themes.iter().any(|t| t.contains("生育收养")), "{themes:?}");
    assert!(themes.iter().all(|t| t.contains(" 项")), "each life event says how many: {themes:?}");
    audit(&app, "standard", "hall-01-home").await?;
    // By keyboard: from the search box, Tab reaches the life events, each showing its focus;
    // Enter opens one.
    app.client.execute("document.querySelector('#hall-search').focus();", vec![]).await?;
    let mut reached = false;
    for _ in 0..20 {
        app.press(TAB).await?;
        let (focused, shown) = app.focused().await?;
        assert!(shown, "{focused} has the focus but does not show it");
        if focused.contains(".theme-tile") {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab never reached a life event");
    app.press(ENTER).await?;
    app.wait_for("#hall-list #hall-results").await?;
    app.click("#hall-list-back").await?;

    // "驾照", as citizens say it: the licence renewal among the first results, the formal name.
    let rows = search(&app, "驾照").await?;
    assert!(rows[0].contains("驾驶证"), "{rows:?}");
    let renewal = rows.iter().take(3).position(|r| r.contains("驾驶证") && r.contains("换"));
    let renewal = renewal.unwrap_or_else(|| panic!("no licence renewal in the first three: {rows:?}"));
    audit(&app, "standard", "hall-02-search-jiazhao").await?;
    app.click(&format!("#hall-results li:nth-child({}) .service-row", renewal + 1)).await?;
    let title = app.wait_for_text("#guide-title", |t| !t.is_empty()).await?;
    assert!(title.contains("驾驶证") && title.contains("换"), "{title}");
    // The sections in order, each under its heading; the apply button waits for the next issue.
    let headings = app.texts("#guide section > h2").await?;
    let materials = headings.iter().position(|h| h == "申请材料").expect("申请材料");
    let steps = headings.iter().position(|h| h == "办理流程").expect("办理流程");
    assert!(materials < steps, "申请材料 before 办理流程: {headings:?}");
    assert!(headings.iter().any(|h| h == "收费") && headings.iter().any(|h| h == "办理时限"), "{headings:?}");
    let apply = app.wait_for("#guide-apply").await?;
    assert!(!apply.is_enabled().await?, "在线办理 is not open yet");
    audit(&app, "standard", "hall-03-guide-licence").await?;

    // The materials the wallet holds are marked 已在卡包; one it cannot hold is not.
    let materials = wait_texts(&app, "#guide-materials .material", |m| !m.is_empty()).await?;
    let held: Vec<&String> = materials.iter().filter(|m| m.contains("已在卡包")).collect();
    assert!(
        held.iter().any(|m| m.contains("居民身份证")) && held.iter().any(|m| m.contains("驾驶证")),
        "the ID card and the licence are in the wallet: {materials:?}"
    );
    assert!(held.len() < materials.len(), "not every material is in the wallet: {materials:?}");
    let pills = app.texts("#guide-materials .material .in-wallet").await?;
    assert_eq!(pills.len(), held.len(), "the badge is the .in-wallet pill");
    app.client
        .execute("document.querySelector('#guide-materials').scrollIntoView({block: 'start'});", vec![])
        .await?;
    audit(&app, "standard", "hall-04-material-in-wallet").await?;

    // A favourite, kept in the open wallet, shows on the home.
    app.click("#guide-favourite").await?;
    app.wait_for("#guide-favourite[aria-pressed='true']").await?;
    app.click("#guide-back").await?;
    app.click("#hall-search-clear").await?;
    let favourites = wait_texts(&app, "#hall-favourites .service-name", |f| !f.is_empty()).await?;
    assert!(favourites[0].contains("驾驶证"), "{favourites:?}");

    // A life event's services.
    app.click("#hall-themes .theme-tile[data-theme='person:005']").await?;
    let listed = wait_texts(&app, "#hall-results .service-name", |r| !r.is_empty()).await?;
    assert!(listed.iter().any(|r| r.contains("出生")), "生育收养 lists the birth services: {listed:?}");
    audit(&app, "standard", "hall-09-theme-list").await?;
    app.click("#hall-list-back").await?;

    // English: "passport" finds the ordinary passport, named in English.
    choose_language(&app, "en").await?;
    let rows = search(&app, "passport").await?;
    assert!(rows[0].to_lowercase().contains("passport"), "{rows:?}");
    audit(&app, "standard", "hall-05-en-passport").await?;

    // Traditional Chinese: 護照.
    choose_language(&app, "zh-Hant").await?;
    let rows = search(&app, "護照").await?;
    assert!(rows[0].contains("護照"), "{rows:?}");
    audit(&app, "standard", "hall-07-zh-hant").await?;
    choose_language(&app, "zh-Hans").await?;

    // The backend goes away: the search answers from the catalogue on this device, and 刷新 says
    // it could not reach the platform.
    server.stop().await?;
    let rows = search(&app, "社保卡").await?;
    assert!(rows.iter().take(3).any(|r| r.contains("社会保障卡")), "{rows:?}");
    app.click("#hall-search-clear").await?;
    app.click("#catalogue-refresh").await?;
    let line =
        app.wait_for_text("#catalogue-line", |t| t.contains("无法连接") || t.contains("未完成")).await?;
    assert!(line.contains("显示本机目录"), "{line}");
    audit(&app, "standard", "hall-06-offline").await?;
    let rows = search(&app, "社保卡").await?;
    assert!(!rows.is_empty(), "still answers offline");
    audit(&app, "standard", "hall-06b-offline-search").await?;

    // 长辈版, at phone size: five tabs in 360 px, the tiles two a row, every size of the mode.
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
    app.click("#tab-hall").await?;
    wait_texts(&app, "#hall-themes .theme-tile", |t| !t.is_empty()).await?;
    audit(&app, "elder", "hall-08-elder").await?;
    let tabs = app.texts(".tab-bar .tab").await?;
    assert_eq!(tabs.len(), 5, "{tabs:?}");
    assert_eq!(tabs[1], "办事", "办事 comes after 卡包: {tabs:?}");

    app.close().await?;
    let _ = data.close();
    Ok(())
}

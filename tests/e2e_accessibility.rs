//! Accessibility in the real window: on every screen a citizen or a verifier passes through
//! (onboarding, unlock, wallet, detail, present, verify with a verdict, history, settings, about, in
//! Chinese and in English at phone size), in the standard mode and in 长辈版 (elder mode), every
//! control has a name for screen readers and a touch target of 44 × 44 px (60 × 60 in elder
//! mode), every image an alt text, every text WCAG AA contrast, at least 14 px (18 px) and lines
//! of 1.3 × its size, every placeholder 4.5:1, and the document its language
//! (`tests/a11y_audit.js`, ADR 0004). The keyboard alone starts onboarding, unlocks the wallet,
//! reaches the search, a certificate and the tabs, each showing that it has the focus, and opens
//! them. 长辈版 is chosen at the first start and kept, read from `settings.json` at start, and
//! turned off again in Settings.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod wallet_world;

use std::time::Duration;

use fantoccini::Locator;
use shimin_tests::{AppSession, data_dir, workspace_root};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// The two sizes of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Standard,
    Elder,
}

impl Mode {
    /// Its name for the audit and in the document's `data-mode`.
    fn name(self) -> &'static str {
        match self {
            Mode::Standard => "standard",
            Mode::Elder => "elder",
        }
    }

    /// The screenshots' prefix.
    fn prefix(self) -> &'static str {
        match self {
            Mode::Standard => "a11y",
            Mode::Elder => "elder",
        }
    }
}

/// Asserts the screen passes the audit in `mode` and saves a screenshot of it.
async fn audit(app: &AppSession, mode: Mode, screen: &str) -> anyhow::Result<()> {
    audit_as(app, mode, &format!("{}-{screen}", mode.prefix())).await
}

/// Asserts the screen passes the audit in `mode` and saves a screenshot of it as `name`.
async fn audit_as(app: &AppSession, mode: Mode, name: &str) -> anyhow::Result<()> {
    let screen = name;
    // Let the screen settle (fonts, resources) before measuring it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot(name).await?;
    let problems = app.accessibility_problems_in(mode.name()).await?;
    assert!(problems.is_empty(), "{} {screen}: {problems:#?}", mode.name());
    Ok(())
}

/// Waits until the document is in `mode` (its `data-mode`, which the stylesheet reads).
async fn wait_for_mode(app: &AppSession, mode: Mode) -> anyhow::Result<()> {
    let mut seen = String::new();
    for _ in 0..50 {
        seen = serde_json::from_value(
            app.client.execute("return document.documentElement.dataset.mode || '';", vec![]).await?,
        )?;
        if seen == mode.name() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the document stayed in mode {seen:?}, not {}", mode.name())
}

/// Whether `settings.json` in `dir` says 长辈版.
fn saved_elder_mode(dir: &std::path::Path) -> anyhow::Result<bool> {
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("settings.json"))?)?;
    Ok(json["elder_mode"] == serde_json::Value::Bool(true))
}

/// The audit sees what it is for: elements that break each rule, put on the screen, are each
/// reported. In elder mode the small button and text are sizes the standard mode accepts.
async fn audit_reports_probes(app: &AppSession, mode: Mode) -> anyhow::Result<()> {
    let (side, text) = match mode {
        Mode::Standard => (30, 12),
        Mode::Elder => (50, 16),
    };
    app.client
        .execute(
            &format!(
                "const add = (html) => document.body.insertAdjacentHTML('beforeend', html); \
                 add('<button id=\"probe-button\"></button>'); \
                 add('<p id=\"probe-text\" style=\"color:#bbbbbb;background:#ffffff\">x</p>'); \
                 add('<button id=\"probe-small\" aria-label=\"x\" style=\"width:{side}px;height:{side}px;min-width:0;min-height:0;padding:0\"></button>'); \
                 add('<p id=\"probe-small-text\" style=\"font-size:{text}px\">x</p>'); \
                 add('<p id=\"probe-tight\" style=\"line-height:1\">x</p>'); \
                 add('<textarea id=\"probe-ua-placeholder\" aria-label=\"x\" placeholder=\"x\"></textarea>'); \
                 add('<input id=\"probe-pale-placeholder\" aria-label=\"x\" placeholder=\"x\">'); \
                 add('<p id=\"probe-wide\" style=\"width:200vw\">x</p>'); \
                 add('<style id=\"probe-style\">#probe-pale-placeholder::placeholder {{ color: #bbbbbb; }}</style>');"
            ),
            vec![],
        )
        .await?;
    let seen = app.accessibility_problems_in(mode.name()).await?;
    let min = if mode == Mode::Elder { 60 } else { 44 };
    let min_text = if mode == Mode::Elder { 18 } else { 14 };
    for expected in [
        "button#probe-button: no accessible name".to_owned(),
        "p#probe-text: contrast 1.9".to_owned(),
        format!("button#probe-small: target {side} × {side} < {min} × {min}"),
        format!("p#probe-small-text: text {text} px < {min_text} px"),
        "p#probe-tight: line height".to_owned(),
        "textarea#probe-ua-placeholder: placeholder has the engine's own colour".to_owned(),
        "input#probe-pale-placeholder: placeholder contrast 1.9".to_owned(),
        "p#probe-wide: runs past the right edge".to_owned(),
    ] {
        assert!(
            seen.iter().any(|p| p.starts_with(&expected)),
            "{} audit missed {expected:?}: {seen:#?}",
            mode.name()
        );
    }
    // And the same document in the other mode is reported as such.
    let other = if mode == Mode::Elder { "standard" } else { "elder" };
    let seen = app.accessibility_problems_in(other).await?;
    assert!(seen.iter().any(|p| p.starts_with("html: data-mode is")), "{seen:#?}");
    app.client
        .execute(
            "for (const id of ['probe-button', 'probe-text', 'probe-small', 'probe-small-text', 'probe-tight', \
             'probe-ua-placeholder', 'probe-pale-placeholder', 'probe-wide', 'probe-style']) document.getElementById(id).remove();",
            vec![],
        )
        .await?;
    Ok(())
}

/// Presses Tab until the focus is on an element whose description contains `target`, checking
/// on the way that each focused element shows its focus; returns what was passed.
async fn tab_to(app: &AppSession, target: &str) -> anyhow::Result<Vec<String>> {
    let mut passed = Vec::new();
    for _ in 0..40 {
        app.press(TAB).await?;
        let (focused, shown) = app.focused().await?;
        assert!(!focused.is_empty(), "Tab left the focus nowhere after {passed:?}");
        assert!(shown, "{focused} has the focus but does not show it");
        if focused.contains(target) {
            return Ok(passed);
        }
        passed.push(focused);
    }
    anyhow::bail!("Tab never reached {target}; it went through {passed:?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_is_named_readable_and_reachable_by_keyboard() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    walk(Mode::Standard).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_in_elder_mode_has_large_text_and_targets() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    walk(Mode::Elder).await
}

/// Every screen in `mode`: 长辈版 is chosen on the welcome screen, then given by the settings
/// file of the prepared wallet.
async fn walk(mode: Mode) -> anyhow::Result<()> {
    let prefix = mode.prefix();
    // Onboarding, from an empty data directory.
    let fresh = data_dir(&format!("{prefix}-new"))?;
    let fresh_dir = fresh.path().display().to_string();
    let app = AppSession::start(&[("SHIMIN_DATA_DIR", fresh_dir.as_str())]).await?;
    app.wait_for("#welcome-title").await?;
    wait_for_mode(&app, Mode::Standard).await?;
    audit_reports_probes(&app, Mode::Standard).await?;
    // The offer of 长辈版: two buttons of the same size.
    let yes = app.wait_for("#elder-yes").await?.rectangle().await?;
    let no = app.wait_for("#elder-no").await?.rectangle().await?;
    assert!((yes.2 - no.2).abs() < 1.0 && (yes.3 - no.3).abs() < 1.0, "unequal: {yes:?} {no:?}");
    if mode == Mode::Elder {
        app.click("#elder-yes").await?;
        wait_for_mode(&app, Mode::Elder).await?;
        audit_reports_probes(&app, Mode::Elder).await?;
    }
    audit(&app, mode, "01-welcome").await?;
    // No tab bar before a wallet exists; the verifier has a button of its own.
    assert!(app.client.find(Locator::Css(".tab-bar")).await.is_err(), "a tab bar on the first start");
    app.wait_for("#onboard-verify-only").await?;
    tab_to(&app, "#onboard-start").await?;
    app.press(ENTER).await?;
    app.wait_for("#identity-title").await?;
    audit(&app, mode, "02-identity").await?;
    app.close().await?;
    assert_eq!(saved_elder_mode(fresh.path()).unwrap_or(false), mode == Mode::Elder, "the choice is kept");
    let _ = fresh.close();

    // A wallet with three certificates; in elder mode its settings file says so before start.
    let data = data_dir(prefix)?;
    let _world = wallet_world::prepare(data.path());
    if mode == Mode::Elder {
        std::fs::write(
            data.path().join("settings.json"),
            r#"{"language": "zh-Hans", "auto_lock_minutes": 5, "elder_mode": true}"#,
        )?;
    }
    let data_path = data.path().display().to_string();
    let app = AppSession::start(&[("SHIMIN_DATA_DIR", data_path.as_str())]).await?;
    app.wait_for("#unlock").await?;
    wait_for_mode(&app, mode).await?;
    audit(&app, mode, "03-unlock").await?;
    assert!(app.client.find(Locator::Css(".tab-bar")).await.is_err(), "a tab bar on the unlock screen");
    app.wait_for("#unlock-verify-only").await?;

    // Unlocked with the keyboard only: the PIN field, the PIN, Enter.
    if !app.focused().await?.0.contains("#pin") {
        tab_to(&app, "#pin").await?;
    }
    app.press(wallet_world::PIN).await?;
    app.press(ENTER).await?;
    app.wait_for("#wallet .cert-card").await?;
    audit(&app, mode, "04-wallet").await?;

    // The search, a certificate and the tabs are reached in turn; Enter opens the certificate.
    // 长辈版 shows fewer items: three cards need no search box.
    let before_card = tab_to(&app, ".cert-card").await?;
    assert_eq!(
        before_card.iter().any(|e| e.contains("#search")),
        mode == Mode::Standard,
        "the search comes before the cards, in the standard mode only: {before_card:?}"
    );
    app.press(ENTER).await?;
    app.wait_for("#detail-fields").await?;
    if mode == Mode::Elder {
        // Fewer items: the issuer, the check and the versions wait under 更多信息.
        audit(&app, mode, "05-detail").await?;
        app.click("#more-info summary").await?;
        app.wait_for_text("#detail-check", |t| !t.is_empty()).await?;
        app.client
            .execute("document.querySelector('#more-info').scrollIntoView({block: 'start'});", vec![])
            .await?;
        audit(&app, mode, "05b-more-info").await?;
        // Back to the top for the keyboard: the next Tab reaches 出示证照 again.
        app.client.execute("document.querySelector('.back').focus();", vec![]).await?;
    } else {
        app.wait_for_text("#detail-check", |t| !t.is_empty()).await?;
        audit(&app, mode, "05-detail").await?;
    }

    // 亮证, by keyboard; 完成 by keyboard too.
    tab_to(&app, "#present-button").await?;
    app.press(ENTER).await?;
    app.wait_for("#show-qr").await?;
    app.wait_for("#show-disclosed").await?;
    audit(&app, mode, "06-present").await?;
    tab_to(&app, "#show-close").await?;
    app.press(ENTER).await?;
    app.wait_for("#detail-fields").await?;

    // The verify tab, by keyboard; then the verdict on the QR code of a presentation.
    tab_to(&app, "#tab-verify").await?;
    app.press(ENTER).await?;
    app.wait_for("#verify").await?;
    audit(&app, mode, "07-verify").await?;
    app.click("#tab-wallet").await?;
    app.click("#wallet .cert-card").await?;
    app.click("#present-button").await?;
    let qr_name = format!("{prefix}-qr");
    // At elder sizes the code starts below the fold: the crop is cut out of the window.
    app.wait_for("#show-qr").await?;
    // Until the crop reads back: the code is drawn after the page, and scrolling takes a frame.
    let mut read_back = false;
    for _ in 0..20 {
        app.client
            .execute("document.querySelector('#show-qr').scrollIntoView({block: 'center'});", vec![])
            .await?;
        tokio::time::sleep(Duration::from_millis(250)).await;
        let png = app.element_png("#show-qr", &qr_name).await?;
        if shimin_core::qr::decode_image(&png).is_ok() {
            read_back = true;
            break;
        }
    }
    assert!(read_back, "the code on screen never read back ({qr_name}.png)");
    let qr = workspace_root().join(format!("target/e2e-screens/{qr_name}.png"));
    app.click("#show-close").await?;
    app.click("#tab-verify").await?;
    app.wait_for("#verify-file").await?.send_keys(&qr.display().to_string()).await?;
    let verdict = app.wait_for_text("#verdict", |t| !t.is_empty()).await?;
    assert!(verdict.contains("真实有效"), "{verdict}");
    app.wait_for("#verdict-page").await?;
    audit(&app, mode, "08-verdict").await?;
    app.click("#verify-close").await?;

    app.click("#tab-history").await?;
    app.wait_for_text("#history-list", |t| !t.is_empty()).await?;
    audit(&app, mode, "09-history").await?;
    app.click("#tab-settings").await?;
    app.wait_for("#elder-mode").await?;
    if mode == Mode::Elder {
        // Fewer items: the secondary settings wait under 更多设置.
        app.wait_for_text("#settings", |t| t.contains("更多设置")).await?;
        let folded: bool = serde_json::from_value(
            app.client.execute("return !document.querySelector('#more-settings').open;", vec![]).await?,
        )?;
        assert!(folded, "更多设置 starts folded");
        audit(&app, mode, "10-settings").await?;
        app.click("#more-settings summary").await?;
        app.wait_for("#auto-lock").await?;
        audit(&app, mode, "10b-more-settings").await?;
    } else {
        app.wait_for("#auto-lock").await?;
        audit(&app, mode, "10-settings").await?;
    }
    // 关于: the versions, the licences and the ID-number check, out of the settings.
    app.click("#open-about").await?;
    app.wait_for_text("#licences", |t| !t.is_empty()).await?;
    audit(&app, mode, "12-about").await?;
    app.click("#about-back").await?;
    app.wait_for("#elder-mode").await?;

    // English, at phone size.
    app.client
        .execute(
            "const s = document.querySelector('#lang-select'); s.value = 'en'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await?;
    app.client.set_window_size(360, 740).await?;
    app.click("#tab-wallet").await?;
    app.wait_for_text("#wallet", |t| t.contains("Driving licence")).await?;
    audit(&app, mode, "11-wallet-en-phone").await?;
    let lang: String =
        serde_json::from_value(app.client.execute("return document.documentElement.lang;", vec![]).await?)?;
    assert_eq!(lang, "en", "the document's language follows the setting");

    // The search's own clear button (WebKit's is 14 px): shown once something is typed; it
    // empties the field and gives it the focus back.
    if mode == Mode::Standard {
        app.wait_for("#search").await?.send_keys("Driving").await?;
        app.wait_for_text("#wallet", |t| !t.contains("Resident ID card")).await?;
        app.wait_for("#search-clear").await?;
        audit(&app, mode, "11b-search").await?;
        app.click("#search-clear").await?;
        let cleared: String = serde_json::from_value(
            app.client.execute("return document.querySelector('#search').value;", vec![]).await?,
        )?;
        assert_eq!(cleared, "", "the clear button empties the search");
        app.wait_for_text("#wallet", |t| t.contains("Resident ID card")).await?;
        assert!(app.focused().await?.0.contains("#search"), "the focus is back in the search field");
    }

    if mode == Mode::Elder {
        // The switch in Settings turns 长辈版 off again, and the choice is kept.
        app.click("#tab-settings").await?;
        app.click("#elder-mode").await?;
        wait_for_mode(&app, Mode::Standard).await?;
        app.wait_for("#open-about").await?;
        audit_as(&app, Mode::Standard, "elder-12-switched-off").await?;
        assert!(!saved_elder_mode(data.path())?, "turned off in settings.json");
    }
    app.close().await?;
    let _ = data.close();
    Ok(())
}

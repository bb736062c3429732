//! Accessibility in the real window: on every screen a citizen or a verifier passes through
//! (onboarding, unlock, wallet, detail, present, verify with a verdict, history, settings, in
//! Chinese and in English at phone size), every control has a name for screen readers, every
//! image an alt text, every text WCAG AA contrast, and the document its language
//! (`tests/a11y_audit.js`). The keyboard alone starts onboarding, unlocks the wallet, reaches the
//! search, a certificate and the tabs, each showing that it has the focus, and opens them.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod wallet_world;

use std::time::Duration;

use shimin_tests::{AppSession, data_dir, workspace_root};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// Asserts the screen passes the audit and saves a screenshot of it.
async fn audit(app: &AppSession, screen: &str) -> anyhow::Result<()> {
    // Let the screen settle (fonts, resources) before measuring it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot(&format!("a11y-{screen}")).await?;
    let problems = app.accessibility_problems().await?;
    assert!(problems.is_empty(), "{screen}: {problems:#?}");
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
    // Onboarding, from an empty data directory.
    let fresh = data_dir("a11y-new")?;
    let fresh_dir = fresh.path().display().to_string();
    let app = AppSession::start(&[("SHIMIN_DATA_DIR", fresh_dir.as_str())]).await?;
    app.wait_for("#welcome-title").await?;
    // The audit sees what it is for: a nameless button and pale text put on the screen.
    app.client
        .execute(
            "const b = document.createElement('button'); b.id = 'probe-button'; document.body.append(b); \
             const p = document.createElement('p'); p.id = 'probe-text'; p.textContent = 'x'; \
             p.style.color = '#bbbbbb'; p.style.background = '#ffffff'; document.body.append(p);",
            vec![],
        )
        .await?;
    let seen = app.accessibility_problems().await?;
    assert!(seen.iter().any(|p| p.starts_with("button#probe-button: no accessible name")), "{seen:?}");
    assert!(seen.iter().any(|p| p.starts_with("p#probe-text: contrast 1.9")), "{seen:?}");
    app.client.execute("document.getElementById('probe-button').remove(); document.getElementById('probe-text').remove();", vec![]).await?;
    audit(&app, "01-welcome").await?;
    tab_to(&app, "#onboard-start").await?;
    app.press(ENTER).await?;
    app.wait_for("#identity-title").await?;
    audit(&app, "02-identity").await?;
    app.close().await?;
    let _ = fresh.close();

    // A wallet with three certificates.
    let (data, _world, app) = wallet_world::open_app("a11y").await?;
    app.wait_for("#unlock").await?;
    audit(&app, "03-unlock").await?;

    // Unlocked with the keyboard only: the PIN field, the PIN, Enter.
    if !app.focused().await?.0.contains("#pin") {
        tab_to(&app, "#pin").await?;
    }
    app.press(wallet_world::PIN).await?;
    app.press(ENTER).await?;
    app.wait_for("#wallet .cert-card").await?;
    audit(&app, "04-wallet").await?;

    // The search, a certificate and the tabs are reached in turn; Enter opens the certificate.
    let before_card = tab_to(&app, ".cert-card").await?;
    assert!(
        before_card.iter().any(|e| e.contains("#search")),
        "the search comes before the cards: {before_card:?}"
    );
    app.press(ENTER).await?;
    app.wait_for("#detail-fields").await?;
    app.wait_for_text("#detail-check", |t| !t.is_empty()).await?;
    audit(&app, "05-detail").await?;

    // Present, by keyboard.
    tab_to(&app, "#present-button").await?;
    app.press(ENTER).await?;
    app.wait_for("#present-qr").await?;
    audit(&app, "06-present").await?;

    // The verify tab, by keyboard; then the verdict on the QR code of a presentation.
    tab_to(&app, "#tab-verify").await?;
    app.press(ENTER).await?;
    app.wait_for("#verify").await?;
    audit(&app, "07-verify").await?;
    app.click("#tab-wallet").await?;
    app.click("#wallet .cert-card").await?;
    app.click("#present-button").await?;
    app.element_png("#present-qr", "a11y-qr").await?;
    let qr = workspace_root().join("target/e2e-screens/a11y-qr.png");
    app.click("#tab-verify").await?;
    app.wait_for("#verify-file").await?.send_keys(&qr.display().to_string()).await?;
    app.wait_for_text("#verdict", |t| !t.is_empty()).await?;
    audit(&app, "08-verdict").await?;

    app.click("#tab-history").await?;
    app.wait_for_text("#history-list", |t| !t.is_empty()).await?;
    audit(&app, "09-history").await?;
    app.click("#tab-settings").await?;
    app.wait_for_text("#licences", |t| !t.is_empty()).await?;
    audit(&app, "10-settings").await?;

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
    audit(&app, "11-wallet-en-phone").await?;
    let lang: String =
        serde_json::from_value(app.client.execute("return document.documentElement.lang;", vec![]).await?)?;
    assert_eq!(lang, "en", "the document's language follows the setting");
    app.close().await?;
    let _ = data.close();
    Ok(())
}

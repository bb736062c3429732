//! 亮证 in the real window: the ID card of the prepared wallet shown full screen, with no tab
//! bar; the holder's photo large on the card face; a live clock that ticks and a watermark that
//! moves (so a screenshot is visibly not live); the QR code cut out of a screenshot reads back and
//! the project's verifier says it is valid, with the name and the photo; the code drawn with at
//! least 3 px a module in the 400 px window; the age chip takes the name out of what is shown; the
//! screen is asked to stay awake. The same in 长辈版, with the larger photo and targets.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod wallet_world;

use std::time::Duration;

use fantoccini::Locator;
use shimin_core::verifier::{Outcome, ValueView, Verifier, VerifierPolicy};
use shimin_tests::AppSession;

/// Unlocks the prepared wallet and opens 亮证 of the ID card.
async fn show_the_id_card(app: &AppSession) -> anyhow::Result<()> {
    app.wait_for("#pin").await?.send_keys(wallet_world::PIN).await?;
    app.click("#unlock-submit").await?;
    app.wait_for("#wallet .cert-card").await?;
    // The ID card by its name (长辈版 has no search box for a few cards).
    let mut opened = false;
    for card in app.client.find_all(Locator::Css("#cards .cert-card")).await? {
        if card.text().await?.contains("居民身份证") {
            card.click().await?;
            opened = true;
            break;
        }
    }
    assert!(opened, "the wallet shows the ID card");
    app.click("#present-button").await?;
    app.wait_for("#show-qr").await?;
    Ok(())
}

/// A number the page computes, by a script that returns it.
async fn number(app: &AppSession, script: &str) -> anyhow::Result<f64> {
    let value = app.client.execute(script, vec![]).await?;
    value.as_f64().ok_or_else(|| anyhow::anyhow!("`{script}` gave {value}"))
}

/// The audit of the screen in `mode` is clean.
async fn audit(app: &AppSession, mode: &str, screen: &str) -> anyhow::Result<()> {
    let problems = app.accessibility_problems_in(mode).await?;
    assert!(problems.is_empty(), "{mode} {screen}: {problems:#?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_is_live_full_screen_and_scannable() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let (_data, world, app) = wallet_world::open_app("show").await?;
    show_the_id_card(&app).await?;

    // Full screen: no tab bar while the card is shown.
    assert!(app.client.find_all(Locator::Css(".tab-bar")).await?.is_empty(), "the tab bar is hidden");

    // The screen was asked to stay on, and the page says what the platform answered.
    let mut awake = None;
    for _ in 0..50 {
        awake = app.wait_for("#show").await?.attr("data-awake").await?;
        if awake.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(matches!(awake.as_deref(), Some("true" | "false")), "data-awake: {awake:?}");

    // The card face: the holder's name and the photo, drawn large.
    app.wait_for_text("#show-holder", |t| t == wallet_world::HOLDER_NAME).await?;
    let natural = number(&app, "return document.querySelector('#show-photo').naturalWidth;").await?;
    let drawn =
        number(&app, "return document.querySelector('#show-photo').getBoundingClientRect().width;").await?;
    assert!(natural > 0.0 && drawn >= 112.0, "photo {natural} px drawn at {drawn} px");

    // A live clock: HH:MM:SS, and a second later another time.
    let first = app.wait_for_text("#show-clock", |t| t.len() == 8).await?;
    let shape = |t: &str| {
        t.bytes().enumerate().all(|(i, b)| if i == 2 || i == 5 { b == b':' } else { b.is_ascii_digit() })
    };
    assert!(shape(&first), "{first:?}");
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let second = app.wait_for_text("#show-clock", |t| t.len() == 8).await?;
    assert!(shape(&second) && second != first, "the clock stood still at {first}");

    // The watermark over the card face moves.
    let watermark = "const r = document.querySelector('.watermark-row'); \
                     return [getComputedStyle(r).animationName, r.getBoundingClientRect().x];";
    let before = app.client.execute(watermark, vec![]).await?;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let after = app.client.execute(watermark, vec![]).await?;
    assert_eq!(before[0], "drift", "{before}");
    assert_ne!(before[1], after[1], "the watermark did not move");
    // The ticker too.
    app.wait_for_text("#show-ticker", |t| t.contains(wallet_world::HOLDER_NAME) && t.contains("截图无效"))
        .await?;
    let ring = app.wait_for("#show-ring").await?.attr("aria-label").await?.unwrap_or_default();
    assert!(ring.contains("秒后更新"), "{ring:?}");
    app.screenshot("show-01-card").await?;

    // The code: whole pixels per module, at least 3 in this 400 px window.
    let qr = app.wait_for("#show-qr").await?;
    let modules: f64 = qr.attr("data-modules").await?.unwrap_or_default().parse()?;
    let (_, _, width, height) = qr.rectangle().await?;
    let module = width / modules;
    assert!(module >= 3.0 && (module - module.round()).abs() < 0.01, "{width} px for {modules} modules");
    assert!((width - height).abs() < 0.5, "square: {width} × {height}");

    // It reads back from a screenshot and the verifier says: valid, with the name and the photo.
    app.client
        .execute("document.querySelector('#show-qr').scrollIntoView({block: 'center'});", vec![])
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = app.element_png("#show-qr", "show-02-qr").await?;
    let text = shimin_core::qr::decode_image(&png).expect("the QR code on screen reads back");
    let verdict = Verifier::new(&world.trust, &world.status, VerifierPolicy::default())
        .verify_text(&text, wallet_world::now());
    assert_eq!(verdict.outcome, Outcome::Valid, "{:?}", verdict.reasons);
    assert_eq!(verdict.attribute("name"), Some(&ValueView::Text(wallet_world::HOLDER_NAME.into())));
    assert!(matches!(verdict.attribute("photo"), Some(ValueView::Bytes(b)) if !b.is_empty()), "the photo");
    let shown = app.wait_for_text("#show-disclosed", |t| t.contains("照片")).await?;
    assert!(shown.contains("姓名"), "{shown}");
    assert_eq!(app.client.find_all(Locator::Css("#show-disclosed img")).await?.len(), 1, "the photo shown");

    // The chips are radios, each saying what it shows; the age chip shows no name.
    let identity = app.wait_for("#chip-identity").await?;
    assert_eq!(identity.attr("role").await?.as_deref(), Some("radio"));
    assert_eq!(identity.attr("aria-checked").await?.as_deref(), Some("true"));
    app.wait_for_text("#chip-age", |t| t.contains("照片")).await?;
    app.click("#chip-age").await?;
    let age = app.wait_for_text("#show-disclosed", |t| t.contains("年满 18 周岁")).await?;
    assert!(!age.contains("姓名"), "{age}");
    assert_eq!(app.wait_for("#chip-age").await?.attr("aria-checked").await?.as_deref(), Some("true"));
    assert_eq!(app.wait_for("#chip-identity").await?.attr("aria-checked").await?.as_deref(), Some("false"));
    app.client.execute("document.querySelector('#show').scrollTop = 10000;", vec![]).await?;
    app.screenshot("show-03-age").await?;
    audit(&app, "standard", "show").await?;

    // A 360 px phone: the code still fits the width, at whole pixels a module.
    app.client.set_window_size(360, 740).await?;
    let fits = "const r = document.querySelector('#show-qr').getBoundingClientRect(); \
                return r.right <= window.innerWidth && r.width % 1 === 0;";
    let mut fitted = false;
    for _ in 0..20 {
        if app.client.execute(fits, vec![]).await? == serde_json::Value::Bool(true) {
            fitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(fitted, "the code is wider than the phone");
    app.client.execute("document.querySelector('#show').scrollTo(0, 0);", vec![]).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("show-04-phone-360").await?;

    // 完成: back to the detail, with the tab bar.
    app.click("#show-close").await?;
    app.wait_for("#detail-fields").await?;
    app.wait_for(".tab-bar").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_in_elder_mode_has_the_larger_photo_and_targets() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let data = shimin_tests::data_dir("show-elder")?;
    let _world = wallet_world::prepare(data.path());
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"language": "zh-Hans", "auto_lock_minutes": 5, "elder_mode": true}"#,
    )?;
    let dir = data.path().display().to_string();
    let app = AppSession::start(&[("SHIMIN_DATA_DIR", dir.as_str())]).await?;
    show_the_id_card(&app).await?;
    let drawn =
        number(&app, "return document.querySelector('#show-photo').getBoundingClientRect().width;").await?;
    assert!(drawn >= 128.0, "photo drawn at {drawn} px");
    let chip =
        number(&app, "return document.querySelector('#chip-identity').getBoundingClientRect().height;")
            .await?;
    assert!(chip >= 60.0, "chip {chip} px high");
    app.wait_for_text("#show-disclosed", |t| !t.is_empty()).await?;
    audit(&app, "elder", "show").await?;
    app.screenshot("elder-show-01").await?;
    app.close().await
}

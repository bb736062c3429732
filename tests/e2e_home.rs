//! The first end-to-end test: the real window starts, and an ID-number check typed into the
//! About page (设置 → 关于) round-trips through a Tauri command into the core.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod wallet_world;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_about_page_checks_an_id_number_in_the_core() -> anyhow::Result<()> {
    // A wallet exists (the tab bar is there once it is open): settings, then 关于.
    let (data, _world, app) = wallet_world::open_app("home").await?;
    app.wait_for("#pin").await?.send_keys(wallet_world::PIN).await?;
    app.click("#unlock-submit").await?;
    app.wait_for("#wallet").await?;
    app.click("#tab-settings").await?;
    app.wait_for("#settings").await?;
    app.click("#open-about").await?;
    app.wait_for("#about").await?;

    // The core's version arrives through the `app_info` command.
    app.wait_for_text("#core-version", |t| t.contains(shimin_core::VERSION)).await?;
    app.screenshot("01-home").await?;

    // A wrong check character: the core's reason, said plainly in the default language (简体中文),
    // and the field marked wrong, described by that reason.
    let input = app.wait_for("#id-input").await?;
    assert_eq!(input.attr("aria-invalid").await?, None, "nothing is wrong before the check");
    input.send_keys("110105194912310021").await?;
    app.click("#id-check").await?;
    let invalid = app.wait_for_text("#id-check-result", |t| !t.is_empty()).await?;
    assert_eq!(invalid, "最后一位是校验码，由前 17 位算出；现在对不上，可能有一位输错了，请逐位核对");
    let input = app.wait_for("#id-input").await?;
    assert_eq!(input.attr("aria-invalid").await?.as_deref(), Some("true"));
    assert_eq!(input.attr("aria-describedby").await?.as_deref(), Some("id-check-result"));
    app.screenshot("02-home-id-invalid").await?;

    // Corrected: valid, shown masked with the birth date the core derived; no longer marked.
    input.clear().await?;
    input.send_keys("11010519491231002X").await?;
    app.click("#id-check").await?;
    let valid = app.wait_for_text("#id-check-result", |t| t.contains("1101**********002X")).await?;
    assert!(valid.contains("1949-12-31"), "{valid}");
    assert!(!valid.contains("110105194912310"), "the full number must not be shown: {valid}");
    assert_eq!(app.wait_for("#id-input").await?.attr("aria-invalid").await?, None);
    app.screenshot("03-home-id-valid").await?;

    // Back leads to the settings.
    app.click("#about-back").await?;
    app.wait_for("#settings").await?;
    app.close().await?;
    let _ = data.close();
    Ok(())
}

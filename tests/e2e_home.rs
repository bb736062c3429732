//! The first end-to-end test: the real window starts, and an ID-number check typed into the
//! settings screen round-trips through a Tauri command into the core.

use shimin_tests::AppSession;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_screen_checks_an_id_number_in_the_core() -> anyhow::Result<()> {
    // A data directory of its own: no wallet, so the app starts on "create your wallet".
    let data = shimin_tests::data_dir("home")?;
    let data_dir = data.path().display().to_string();
    let app = AppSession::start(&[("SHIMIN_DATA_DIR", data_dir.as_str())]).await?;
    app.wait_for("#onboarding").await?;
    // No tab bar before a wallet exists: the way out is the verifier's button.
    assert!(
        app.client.find(fantoccini::Locator::Css(".tab-bar")).await.is_err(),
        "no tab bar on the first start"
    );
    app.click("#onboard-verify-only").await?;
    app.wait_for("#verify").await?;
    app.wait_for("#tab-settings").await?.click().await?;
    app.wait_for("#settings").await?;

    // The core's version arrives through the `app_info` command.
    app.wait_for_text("#core-version", |t| t.contains(shimin_core::VERSION)).await?;
    app.screenshot("01-home").await?;

    // A wrong check character: the core's reason, in the default language (简体中文).
    let input = app.wait_for("#id-input").await?;
    input.send_keys("110105194912310021").await?;
    app.wait_for("#id-check").await?.click().await?;
    let invalid = app.wait_for_text("#id-check-result", |t| !t.is_empty()).await?;
    assert_eq!(invalid, "校验码不正确，请检查是否输错");
    app.screenshot("02-home-id-invalid").await?;

    // Corrected: valid, shown masked with the birth date the core derived.
    input.clear().await?;
    input.send_keys("11010519491231002X").await?;
    app.wait_for("#id-check").await?.click().await?;
    let valid = app.wait_for_text("#id-check-result", |t| t.contains("1101**********002X")).await?;
    assert!(valid.contains("1949-12-31"), "{valid}");
    assert!(!valid.contains("110105194912310"), "the full number must not be shown: {valid}");
    app.screenshot("03-home-id-valid").await?;
    app.close().await?;
    let _ = data.close();
    Ok(())
}

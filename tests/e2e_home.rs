//! The first end-to-end test: the real window shows the home screen, and a check typed into it
//! round-trips through a Tauri command into the core.

use shimin_tests::AppSession;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_screen_checks_an_id_number_in_the_core() -> anyhow::Result<()> {
    let app = AppSession::start(&[]).await?;
    app.wait_for("#home").await?;

    // The core's version arrives through the `app_info` command.
    let version = app.wait_for("#core-version").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !version.text().await?.contains(shimin_core::VERSION) {
        anyhow::ensure!(std::time::Instant::now() < deadline, "the core version never appeared");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.screenshot("01-home").await?;

    // A wrong check character: the core's reason, in the default language (简体中文).
    let input = app.wait_for("#id-input").await?;
    input.send_keys("110105194912310021").await?;
    app.wait_for("#id-check").await?.click().await?;
    let result = app.wait_for("#id-check-result").await?;
    assert_eq!(result.text().await?, "校验码不正确，请检查是否输错");
    app.screenshot("02-home-id-invalid").await?;

    // Corrected: valid, shown masked with the birth date the core derived.
    input.clear().await?;
    input.send_keys("11010519491231002X").await?;
    app.wait_for("#id-check").await?.click().await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let text = app.wait_for("#id-check-result").await?.text().await?;
        if text.contains("1101**********002X") {
            assert!(text.contains("1949-12-31"), "{text}");
            break;
        }
        anyhow::ensure!(std::time::Instant::now() < deadline, "no valid result, last text: {text}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.screenshot("03-home-id-valid").await?;
    app.close().await
}

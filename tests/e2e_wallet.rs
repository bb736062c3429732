//! The wallet in the real window: a wallet prepared with the real store (PIN, three certificates
//! imported with trust verification, cached trust and status lists) is unlocked, its cards are
//! shown (the valid ones first, the expiring one with its renewal, the withdrawn one greyed in a
//! closed "已失效" group with its reason), a certificate's detail is shown, the ID card is presented, the QR code on screen is read back
//! from a screenshot and verified with the project's own verifier, the verify screen says the
//! same of that picture on its full-screen result page (the photo large, every field whole,
//! 核验下一位, 去设置 without a camera), and the history shows the presentation.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod wallet_world;

use std::time::Duration;

use fantoccini::Locator;
use shimin_core::verifier::{Outcome, ValueView, Verifier, VerifierPolicy};
use shimin_tests::{AppSession, workspace_root};

async fn cards(app: &AppSession) -> anyhow::Result<Vec<String>> {
    let mut texts = Vec::new();
    for card in app.client.find_all(Locator::Css("#cards .cert-card")).await? {
        texts.push(card.text().await?);
    }
    Ok(texts)
}

async fn wait_cards(app: &AppSession, n: usize) -> anyhow::Result<Vec<String>> {
    for _ in 0..100 {
        let now = cards(app).await?;
        if now.len() == n {
            return Ok(now);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("expected {n} cards, saw {:?}", cards(app).await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlock_browse_present_verify_and_see_the_history() -> anyhow::Result<()> {
    let (data, world, app) = wallet_world::open_app("wallet").await?;

    // A wallet exists: the PIN is asked for. A wrong one says so and loses nothing.
    app.wait_for("#unlock").await?;
    app.screenshot("wallet-01-unlock").await?;
    let pin = app.wait_for("#pin").await?;
    pin.send_keys("000000").await?;
    app.wait_for("#unlock-submit").await?.click().await?;
    let error = app.wait_for_text("#unlock-error", |t| !t.is_empty()).await?;
    assert!(error.contains("密码不正确") && error.contains("还可以再试 9 次"), "{error}");
    app.screenshot("wallet-02-wrong-pin").await?;
    // 忘记密码 says what happens; the erase takes a second press, and going back keeps the wallet.
    app.click("#forgot-pin").await?;
    let forgot = app.wait_for_text("#forgot-panel", |t| !t.is_empty()).await?;
    assert!(forgot.contains("刷脸或登记码") && forgot.contains("重新下载"), "{forgot}");
    app.click("#forgot-confirm").await?;
    app.wait_for_text("#forgot-confirm", |t| t.contains("再按一次")).await?;
    app.client
        .execute("document.querySelector('#forgot-cancel').scrollIntoView({block: 'center'});", vec![])
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("wallet-02b-forgot-pin").await?;
    app.click("#forgot-cancel").await?;
    assert!(app.client.find_all(Locator::Css("#forgot-panel")).await?.is_empty(), "the panel closed");

    app.wait_for("#pin").await?.send_keys(wallet_world::PIN).await?;
    app.wait_for("#unlock-submit").await?.click().await?;

    // The two cards that can be shown, soonest expiry first, each with its badge; the expiring
    // one carries its renewal.
    app.wait_for("#wallet").await?;
    let texts = wait_cards(&app, 2).await?;
    assert!(texts[0].contains("机动车驾驶证") && texts[0].contains("即将到期"), "{texts:?}");
    assert!(texts[1].contains("居民身份证") && texts[1].contains("有效"), "{texts:?}");
    assert!(texts[1].contains(wallet_world::HOLDER_NAME), "{texts:?}");
    let renew = app.texts("#cards .renew").await?;
    assert_eq!(renew.len(), 1, "only the expiring card carries the renewal: {renew:?}");
    assert!(renew[0].starts_with("办理换领"), "{renew:?}");
    // The withdrawn household register page is not among them: greyed, in a closed group that
    // says how many and, opened, why.
    let group = app.wait_for_text("#inactive-cards summary", |t| !t.is_empty()).await?;
    assert_eq!(group, "已失效（1）");
    let open = app.client.execute("return document.querySelector('#inactive-cards').open", vec![]).await?;
    assert_eq!(open, serde_json::Value::Bool(false), "the group starts closed");
    app.screenshot("wallet-03-cards").await?;
    app.click("#inactive-cards summary").await?;
    let inactive = app.wait_for_text("#inactive-cards .cert-card", |t| !t.is_empty()).await?;
    assert!(inactive.contains("居民户口簿") && inactive.contains("已注销"), "{inactive}");
    assert!(inactive.contains("发证机关已注销此证"), "the reason: {inactive}");
    let grey = app
        .client
        .execute(
            "return getComputedStyle(document.querySelector('#inactive-cards .cert-card')).backgroundImage",
            vec![],
        )
        .await?;
    assert!(grey.as_str().is_some_and(|b| b.contains("rgb(95, 107, 122)")), "greyed: {grey}");
    app.screenshot("wallet-03b-inactive-cards").await?;
    // 办理换领 opens the licence with what to do.
    app.click("#cards .renew").await?;
    let renewal = app.wait_for_text("#renewal", |t| !t.is_empty()).await?;
    assert!(renewal.contains("到期前") && renewal.contains("北京市公安局西城分局"), "{renewal}");
    app.screenshot("wallet-03c-renewal").await?;
    // The licence's codes by their names: 国籍 CHN, 准驾车型 C1.
    let field = |name: &'static str| format!("#detail-fields [data-name='{name}'] dd");
    let nationality = app.wait_for_text(&field("nationality"), |t| !t.is_empty()).await?;
    let classes = app.wait_for_text(&field("vehicle_classes"), |t| !t.is_empty()).await?;
    assert_eq!((nationality.as_str(), classes.as_str()), ("中国", "小型汽车（C1）"));
    // The licence is numbered by the ID number: masked as the number itself is.
    let licence_number = app.wait_for_text("#value-certificate_number", |t| !t.is_empty()).await?;
    assert_eq!(licence_number, "1101**********002X");
    app.click("#detail .back").await?;
    wait_cards(&app, 2).await?;

    // Search narrows the list.
    app.wait_for("#search").await?.send_keys("身份证").await?;
    let found = wait_cards(&app, 1).await?;
    assert!(found[0].contains("居民身份证"), "{found:?}");
    app.screenshot("wallet-04-search").await?;

    // The detail: translated labels, the check against the cached lists, the version.
    app.wait_for("#cards .cert-card").await?.click().await?;
    let fields = app.wait_for_text("#detail-fields", |t| t.contains("公民身份号码")).await?;
    assert!(fields.contains(wallet_world::HOLDER_NAME) && fields.contains("出生日期"), "{fields}");
    // Coded values by their names (GB/T 3304 `01`, GB/T 2261.1 `2`), never the bare codes.
    let ethnicity = app.wait_for_text("#detail-fields [data-name='ethnicity'] dd", |t| !t.is_empty()).await?;
    let sex = app.wait_for_text("#detail-fields [data-name='sex'] dd", |t| !t.is_empty()).await?;
    assert_eq!((ethnicity.as_str(), sex.as_str()), ("汉族", "女"));
    // No derived rows; the number once, masked until the holder asks to see it.
    assert!(!fields.contains("年满") && !fields.contains("部分隐藏"), "{fields}");
    assert!(app.client.find_all(Locator::Css("#detail-fields [data-name='age_over_18']")).await?.is_empty());
    let full_number = "11010519491231002X";
    assert!(!fields.contains(full_number), "the full number is not shown before asked: {fields}");
    let masked = app.wait_for_text("#value-id_number", |t| !t.is_empty()).await?;
    assert_eq!(masked, "1101**********002X");
    let reveal = app.wait_for("#reveal-id_number").await?;
    assert_eq!(reveal.attr("aria-pressed").await?.as_deref(), Some("false"));
    let size = app
        .client
        .execute("const r = document.querySelector('#reveal-id_number').getBoundingClientRect(); return [r.width, r.height];", vec![])
        .await?;
    assert!(size[0].as_f64() >= Some(44.0) && size[1].as_f64() >= Some(44.0), "a 44 px target: {size}");
    reveal.click().await?;
    app.wait_for_text("#value-id_number", |t| t == full_number).await?;
    assert_eq!(app.wait_for("#reveal-id_number").await?.attr("aria-pressed").await?.as_deref(), Some("true"));
    app.click("#reveal-id_number").await?;
    app.wait_for_text("#value-id_number", |t| t.contains('*')).await?;
    let check = app.wait_for_text("#detail-check", |t| !t.is_empty()).await?;
    assert!(check.contains("真实有效"), "{check}");
    let identifier = app.wait_for_text("#detail-identifier", |t| !t.is_empty()).await?;
    assert_eq!(identifier, world.id_card.to_string());
    app.wait_for_text("#detail-versions", |t| t.contains("第 0 版")).await?;
    app.screenshot("wallet-05-detail").await?;

    // 亮证 of the identity preset (the full-screen page has its own test, e2e_show); read the
    // code back from the screen and verify it.
    app.wait_for("#present-button").await?.click().await?;
    app.wait_for("#show-qr").await?;
    app.wait_for_text("#show-ring .ring-number", |t| !t.is_empty() && t != "0").await?;
    app.screenshot("wallet-06-present").await?;
    let png = app.element_png("#show-qr", "wallet-07-present-qr").await?;
    let qr_path = workspace_root().join("target/e2e-screens/wallet-07-present-qr.png");
    let text = shimin_core::qr::decode_image(&png).expect("the QR code on screen reads back");
    let verdict = Verifier::new(&world.trust, &world.status, VerifierPolicy::default())
        .verify_text(&text, wallet_world::now());
    assert_eq!(verdict.outcome, Outcome::Valid, "{:?}", verdict.reasons);
    assert_eq!(verdict.attribute("name"), Some(&ValueView::Text(wallet_world::HOLDER_NAME.into())));
    assert!(verdict.attribute("id_number").is_none(), "the identity preset hides the full number");
    app.click("#show-close").await?;

    // The verifier's mode, in the same app: the camera first, a picture second.
    app.wait_for("#tab-verify").await?.click().await?;
    app.wait_for("#verify").await?;
    let scan_class = app.wait_for("#verify-scan").await?.attr("class").await?.unwrap_or_default();
    assert!(scan_class.contains("primary"), "{scan_class}");
    // One plain line for the lists a verdict is checked with, not a trust list and a status list.
    let fresh = app.wait_for_text("#list-freshness", |t| !t.is_empty()).await?;
    assert!(fresh.starts_with("核验数据") && fresh.ends_with("前已更新"), "{fresh}");
    app.screenshot("verify-01-start").await?;
    // It says of that picture what the project's verifier said, on a page of its own.
    app.wait_for("#verify-file").await?.send_keys(&qr_path.display().to_string()).await?;
    app.wait_for("#verdict-page").await?;
    let verdict_text = app.wait_for_text("#verdict", |t| !t.is_empty()).await?;
    assert!(verdict_text.contains("真实有效"), "{verdict_text}");
    let fresh = app.wait_for_text("#verdict-freshness", |t| !t.is_empty()).await?;
    assert!(fresh.starts_with("核验数据") && fresh.ends_with("前已更新"), "{fresh}");
    assert!(!verdict_text.contains("信任列表") && !verdict_text.contains("状态列表"), "{verdict_text}");
    app.wait_for_text("#verdict-name", |t| t == wallet_world::HOLDER_NAME).await?;
    app.wait_for_text("#verdict-attributes", |t| t.contains(wallet_world::HOLDER_NAME)).await?;
    // The photo large, the full issuer's name, and no field cut off.
    let photo: f64 = serde_json::from_value(
        app.client
            .execute("return document.querySelector('#verdict-photo').getBoundingClientRect().width;", vec![])
            .await?,
    )?;
    assert!(photo >= 150.0, "the photo is drawn {photo} px wide");
    app.wait_for_text("#verdict-issuer", |t| t == "北京市公安局西城分局").await?;
    let cut: Vec<String> = serde_json::from_value(
        app.client
            .execute(
                "return [...document.querySelectorAll('#verdict-page dd')] \
                   .filter(d => d.scrollWidth > d.clientWidth + 1).map(d => d.textContent);",
                vec![],
            )
            .await?,
    )?;
    assert!(cut.is_empty(), "fields cut off: {cut:?}");
    assert!(app.client.find_all(Locator::Css(".tab-bar")).await?.is_empty(), "the verdict fills the screen");
    app.screenshot("wallet-08-verify").await?;
    // 核验下一位: the scanner again. This machine has no camera: the screen says so, with 去设置.
    app.click("#verify-next").await?;
    let no_camera = app.wait_for_text("#verify .result.bad", |t| !t.is_empty()).await?;
    assert!(no_camera.contains("无法打开摄像头"), "{no_camera}");
    assert!(app.client.find_all(Locator::Css("#verdict-page")).await?.is_empty(), "the verdict is gone");
    app.wait_for("#verify-settings").await?;
    app.screenshot("verify-02-no-camera").await?;
    // 去设置 forgets the answer about the camera: the next scan asks again.
    app.click("#verify-settings").await?;
    for _ in 0..50 {
        if app.client.find_all(Locator::Css("#verify-settings")).await?.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(app.client.find_all(Locator::Css("#verify-settings")).await?.is_empty());
    app.wait_for("#verify-scan").await?;

    // The history holds the one presentation (the 30-second redraws are not logged again),
    // under 今天, saying to whom and what, in words.
    app.wait_for("#tab-history").await?.click().await?;
    let history = app.wait_for_text("#history-list", |t| !t.is_empty()).await?;
    assert!(history.contains("今天") && history.contains("居民身份证"), "{history}");
    assert!(history.contains("出示给扫码的核验方：姓名"), "to whom and what: {history}");
    assert!(!history.contains("身份 ·"), "no unexplained preset: {history}");
    assert_eq!(app.client.find_all(Locator::Css("#history-list li")).await?.len(), 1);
    app.wait_for("#export-history").await?.click().await?;
    let exported = app.wait_for_text("#export-result", |t| !t.is_empty()).await?;
    assert!(exported.contains("1 条") && exported.contains("市民通出示记录-"), "{exported}");
    assert!(!exported.contains('/') && !exported.contains('\\'), "no folder on screen: {exported}");
    app.screenshot("wallet-09-history").await?;
    let export = std::fs::read_dir(data.path().join("exports"))?.next().expect("an export file")?.path();
    let lines = std::fs::read_to_string(export)?;
    assert_eq!(lines.lines().count(), 1);
    assert!(lines.contains(r#""recipient":{"kind":"scanned"}"#), "{lines}");
    assert!(!lines.contains(wallet_world::HOLDER_NAME), "the log holds attribute names, not values");

    // Settings, and under 关于 the models' licence; then English.
    app.wait_for("#tab-settings").await?.click().await?;
    app.wait_for("#open-about").await?;
    assert!(
        app.client.find_all(Locator::Css("#settings #licences")).await?.is_empty(),
        "not in the settings"
    );
    app.client
        .execute("document.querySelector('#open-about').scrollIntoView({block: 'center'});", vec![])
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("wallet-10-settings").await?;
    app.click("#open-about").await?;
    app.wait_for_text("#licences", |t| t.contains("Apache-2.0")).await?;
    app.screenshot("wallet-10b-about").await?;
    app.click("#about-back").await?;
    app.wait_for("#settings").await?;
    app.client
        .execute("const s = document.querySelector('#lang-select'); s.value = 'en'; s.dispatchEvent(new Event('change'));", vec![])
        .await?;
    app.wait_for("#tab-wallet").await?.click().await?;
    let english = wait_cards(&app, 2).await?;
    assert!(english[0].contains("Driving licence") && english[0].contains("Expiring soon"), "{english:?}");
    let group = app.wait_for_text("#inactive-cards summary", |t| !t.is_empty()).await?;
    assert_eq!(group, "No longer valid (1)");

    // Phone size.
    app.client.set_window_size(360, 740).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("wallet-11-phone-360x740-en").await?;
    app.close().await?;

    // The language is kept: started again, the app asks for the PIN in English.
    let data_dir = data.path().display().to_string();
    let again = AppSession::start(&[("SHIMIN_DATA_DIR", data_dir.as_str())]).await?;
    again.wait_for_text("#unlock-title", |t| t.contains("Unlock your wallet")).await?;
    again.close().await?;
    let _ = data.close();
    Ok(())
}

//! The two-way presentation mode in the real window (issue 15, finding 6), the same app playing
//! both sides: as the verifier it shows a request ("请对方出示"); as the holder it scans that
//! request, shows who asks and exactly what would be shown, and only after "同意出示" shows an
//! answer bound to the request; the verifier scans the answer and it passes. The attacker's
//! codes — a one-way code made before the request, and the answer to an earlier request — are
//! refused with the reason in the user's language, and "拒绝" shows nothing. Each code crosses
//! between the sides as a screenshot of the one on screen, read back as a picture.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod wallet_world;

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::Locator;
use shimin_core::present::{PresentationRequest, Preset};
use shimin_core::verifier::{Outcome, Reason, ValueView, Verifier, VerifierPolicy};
use shimin_tests::{AppSession, workspace_root};

/// Saves the element `css` as `name`.png and answers the picture's path and the text of the QR
/// code in it.
async fn code_on_screen(app: &AppSession, css: &str, name: &str) -> anyhow::Result<(PathBuf, String)> {
    // Whole in view, clear of the tab bar, as a person would hold it up.
    app.client
        .execute(&format!("document.querySelector('{css}').scrollIntoView({{block: 'center'}});"), vec![])
        .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let png = app.element_png(css, name).await?;
    let text = shimin_core::qr::decode_image(&png).expect("the QR code on screen reads back");
    Ok((workspace_root().join(format!("target/e2e-screens/{name}.png")), text))
}

/// Opens the picture at `path` on the verify screen, as a verifier or a holder would scan it.
async fn scan(app: &AppSession, path: &Path) -> anyhow::Result<()> {
    // The same input takes the next file only once its value is cleared.
    app.client.execute("document.querySelector('#verify-file').value = '';", vec![]).await?;
    app.wait_for("#verify-file").await?.send_keys(&path.display().to_string()).await?;
    Ok(())
}

/// Turns the "ask the holder" switch on or off.
async fn ask(app: &AppSession) -> anyhow::Result<()> {
    app.click("#verify-ask").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_answered_only_after_consent_and_only_its_own_answer_passes() -> anyhow::Result<()> {
    let (data, world, app) = wallet_world::open_app("two-way").await?;
    app.wait_for("#pin").await?.send_keys(wallet_world::PIN).await?;
    app.wait_for("#unlock-submit").await?.click().await?;
    app.wait_for("#wallet").await?;

    // The attacker's first code: a one-way code of the ID card, made before any request.
    app.wait_for("#search").await?.send_keys("身份证").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.wait_for("#cards .cert-card").await?.click().await?;
    app.wait_for("#present-button").await?.click().await?;
    app.wait_for("#show-qr").await?;
    let (one_way, _) = code_on_screen(&app, "#show-qr", "two-way-00-one-way-code").await?;
    // 完成: 亮证 fills the screen; the tab bar is back on the detail.
    app.click("#show-close").await?;

    // The verifier asks for the holder's identity: a request QR code with its number.
    app.wait_for("#tab-verify").await?.click().await?;
    app.wait_for("#verify").await?;
    ask(&app).await?;
    app.wait_for("#ask-qr").await?;
    let number = app.wait_for_text("#ask-code", |t| t.contains('-')).await?;
    app.screenshot("two-way-01-ask").await?;
    let (request_png, request_text) = code_on_screen(&app, "#ask-qr", "two-way-02-request-qr").await?;
    let request = PresentationRequest::from_text(&request_text).expect("the screen shows a request");
    assert_eq!(request.asked, Preset::Identity);
    assert!(number.contains(&request.code()), "{number} names {}", request.code());

    // The holder scans it: who asks (the same number), what, and exactly what the ID card
    // would show — and no answer until they agree.
    scan(&app, &request_png).await?;
    let who = app.wait_for_text("#consent-who", |t| !t.is_empty()).await?;
    assert!(who.contains(&request.code()), "{who}");
    let asks = app.wait_for_text("#consent-asks", |t| !t.is_empty()).await?;
    assert!(asks.contains("姓名") && asks.contains("照片"), "{asks}");
    let choices = app.wait_for_text("#consent fieldset", |t| t.contains("居民身份证")).await?;
    assert!(choices.contains("姓名") && choices.contains("照片"), "{choices}");
    assert!(!choices.contains("户口"), "the revoked register page cannot answer: {choices}");
    assert!(app.client.find_all(Locator::Css("#answer-qr")).await?.is_empty(), "nothing shown yet");
    app.screenshot("two-way-03-consent").await?;

    // Refusing shows nothing.
    app.click("#consent-refuse").await?;
    app.wait_for_text("#consent-refused", |t| t.contains("未出示任何信息")).await?;
    assert!(app.client.find_all(Locator::Css("#answer-qr")).await?.is_empty());
    app.screenshot("two-way-04-refused").await?;

    // Scanned again and agreed, with the ID card: the answer, bound to this request.
    scan(&app, &request_png).await?;
    app.wait_for("#consent-agree").await?;
    let mut picked = false;
    for choice in app.client.find_all(Locator::Css("#consent label.choice")).await? {
        if choice.text().await?.contains("居民身份证") {
            choice.click().await?;
            picked = true;
        }
    }
    assert!(picked, "the ID card is offered");
    app.click("#consent-agree").await?;
    app.wait_for("#answer-qr").await?;
    let (answer_png, answer_text) = code_on_screen(&app, "#answer-qr", "two-way-06-answer-qr").await?;
    app.screenshot("two-way-05-answer").await?;
    let verifier = Verifier::new(&world.trust, &world.status, VerifierPolicy::default());
    let checked = verifier.verify_answer(&answer_text, &request, wallet_world::now());
    assert_eq!(checked.outcome, Outcome::Valid, "{:?}", checked.reasons);
    assert_eq!(checked.attribute("name"), Some(&ValueView::Text(wallet_world::HOLDER_NAME.into())));
    let other = PresentationRequest::new(wallet_world::now(), Preset::Identity).expect("request");
    assert!(verifier.verify_answer(&answer_text, &other, wallet_world::now()).has(&Reason::NotThisRequest));

    // The verifier scans the answer: it passes.
    scan(&app, &answer_png).await?;
    let verdict = app.wait_for_text("#verdict", |t| !t.is_empty()).await?;
    assert!(verdict.contains("真实有效"), "{verdict}");
    app.wait_for_text("#verdict-attributes", |t| t.contains(wallet_world::HOLDER_NAME)).await?;
    app.wait_for_text("#verdict-type", |t| t.contains("居民身份证")).await?;
    app.screenshot("two-way-07-verdict").await?;

    // The one-way code made before the request is refused, and says why.
    scan(&app, &one_way).await?;
    let refused = app.wait_for_text("#verdict", |t| t.contains("不是对本次核验请求的应答")).await?;
    assert!(!refused.contains("真实有效"), "{refused}");
    // Its photo and name are not put up large as the person's.
    assert!(app.client.find_all(Locator::Css("#verdict-photo, #verdict-name")).await?.is_empty());
    app.screenshot("two-way-08-one-way-refused").await?;

    // A new request (the verdict closed, the switch off and on): the answer to the first one is
    // refused too.
    app.click("#verify-close").await?;
    ask(&app).await?;
    ask(&app).await?;
    app.wait_for("#ask-qr").await?;
    let second = app.wait_for_text("#ask-code", |t| t.contains('-')).await?;
    assert!(!second.contains(&request.code()), "a new request has a new number: {second}");
    scan(&app, &answer_png).await?;
    let refused = app.wait_for_text("#verdict", |t| t.contains("不是对本次核验请求的应答")).await?;
    assert!(!refused.contains("真实有效"), "{refused}");
    app.screenshot("two-way-09-old-answer-refused").await?;

    // With the switch off, the screen verifies one-way codes as before.
    app.click("#verify-close").await?;
    ask(&app).await?;
    assert!(app.client.find_all(Locator::Css("#ask-qr")).await?.is_empty());

    // The history says which request the answer went to, by its number, beside the one-way code.
    app.click("#tab-history").await?;
    let history = app.wait_for_text("#history-list", |t| t.contains("应答核验请求")).await?;
    assert!(history.contains(&format!("应答核验请求 {}：", request.code())), "{history}");
    assert!(history.contains("出示给扫码的核验方"), "the one-way code too: {history}");
    app.screenshot("two-way-09b-history").await?;

    // The holder's screen in English and in traditional Chinese.
    for (lang, asks_for, agree) in
        [("en", "Identity: name", "Agree and show"), ("zh-Hant", "身分", "同意出示")]
    {
        app.wait_for("#tab-settings").await?.click().await?;
        app.client
            .execute(
                &format!(
                    "const s = document.querySelector('#lang-select'); s.value = '{lang}'; \
                     s.dispatchEvent(new Event('change'));"
                ),
                vec![],
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.wait_for("#tab-verify").await?.click().await?;
        app.wait_for("#verify").await?;
        ask(&app).await?;
        app.wait_for("#ask-qr").await?;
        app.screenshot(&format!("two-way-10-ask-{lang}")).await?;
        let (png, _) = code_on_screen(&app, "#ask-qr", &format!("two-way-11-request-{lang}")).await?;
        scan(&app, &png).await?;
        app.wait_for_text("#consent-asks", |t| t.contains(asks_for)).await?;
        app.wait_for_text("#consent-agree", |t| t.contains(agree)).await?;
        app.screenshot(&format!("two-way-12-consent-{lang}")).await?;
        ask(&app).await?;
    }

    // Phone size.
    app.client.set_window_size(360, 740).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("two-way-13-phone-360x740").await?;
    app.close().await?;
    let _ = data.close();
    Ok(())
}

//! A new user against the real backend (started by this test on loopback): onboarding in the real
//! window (language, the ID number checked live, a one-time enrolment code, a PIN), the device
//! registered and the first sync bringing the ID card the police issued; the QR code on screen
//! read back from a screenshot and verified with the project's own verifier and the backend's
//! lists → valid; the card revoked on the backend → "sync now" → the same code verifies as
//! revoked, and the wallet shows the new card with the old one greyed as replaced in the closed
//! "已失效" group; the backend gone → the one sync line says "上次同步 HH:MM · 离线可出示" with no
//! countdown, and a card still presents a code that verifies; a second device enrolled for the citizen → the notice on the wallet, "my devices"
//! listing both, the other removed with the PIN again; a PIN change and removing the device from
//! the settings.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

use std::time::Duration;

use shimin_backend::local::LocalBackend;
use shimin_client::BackendClient;
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::trust::{CachedCopy, TrustList, VerifiedTrustList};
use shimin_core::verifier::{Outcome, Reason, Verdict, Verifier, VerifierPolicy};
use shimin_tests::{AppSession, data_dir};
use shimin_wire::backend::{CertificateFields, CertificateView, IssueCertificateRequest, StatusAction};

const POLICE: &str = "police-issuer";
const PIN: &str = "864209";

fn now() -> i64 {
    shimin_backend::now()
}

async fn issue_id_card(server: &LocalBackend, holder: &str) -> CertificateView {
    let request = IssueCertificateRequest {
        holder_id_number: holder.to_owned(),
        valid_from: "2024-06-01".into(),
        valid_until: Some("2044-05-31".into()),
        fields: CertificateFields::ResidentIdCard,
    };
    server.issue_as(POLICE, request).await.expect("issued")
}

/// What a verifier fetches from the backend: the trust list under the national root key, and the
/// status list the certificate points to.
struct VerifierLists {
    trust: CachedCopy<VerifiedTrustList>,
    status: Vec<CachedCopy<VerifiedStatusList>>,
}

impl VerifierLists {
    async fn fetch(base: &str, status_list_id: i64) -> Self {
        let client = BackendClient::new(base).expect("client");
        let root = client.root_key().await.expect("root key");
        let signed = client.trust_list(None).await.expect("trust list").expect("a list");
        let trust = TrustList::verify(&signed.bytes, &root, now()).expect("the trust list verifies");
        let uri = format!("{base}/v1/status-lists/{status_list_id}");
        let signed = client.status_list(&uri).await.expect("status list");
        let key = trust.status_list_key(&signed.bytes).expect("signed by a listed key");
        let status = VerifiedStatusList::verify(&signed.bytes, key, now()).expect("the status list verifies");
        Self { trust: CachedCopy::new(trust, now()), status: vec![CachedCopy::new(status, now())] }
    }

    fn verify(&self, text: &str) -> Verdict {
        Verifier::new(&self.trust, &self.status, VerifierPolicy::default()).verify_text(text, now())
    }
}

async fn cards(app: &AppSession) -> anyhow::Result<Vec<String>> {
    app.texts("#cards .cert-card").await
}

/// Waits (15 s at most) until the wallet's cards satisfy `ready`.
async fn wait_cards(app: &AppSession, ready: impl Fn(&[String]) -> bool) -> anyhow::Result<Vec<String>> {
    for _ in 0..150 {
        let now = cards(app).await?;
        if ready(&now) {
            return Ok(now);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the cards never became as expected: {:?}", cards(app).await?)
}

/// Waits (15 s at most) until the texts of the elements matching `css` satisfy `ready`.
async fn wait_texts(
    app: &AppSession,
    css: &str,
    ready: impl Fn(&[String]) -> bool,
) -> anyhow::Result<Vec<String>> {
    for _ in 0..150 {
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

/// Waits (15 s at most) until nothing matches `css`.
async fn wait_gone(app: &AppSession, css: &str) -> anyhow::Result<()> {
    wait_texts(app, css, <[String]>::is_empty).await.map(drop)
}

/// Whether the card's text says it was withdrawn: an ID card is cancelled (已注销), and once a
/// new one is held, replaced (已换发).
fn revoked(card: &str) -> bool {
    card.contains("已注销") || card.contains("已换发") || card.contains("已吊销")
}

/// Opens the first card that can be shown (the wallet lists only those in `#cards`), shows it
/// (亮证), reads the code back, and closes 亮证 (完成) back to the detail.
async fn present_valid_card(app: &AppSession, screen: &str) -> anyhow::Result<String> {
    let card = app.wait_for("#cards .cert-card").await?;
    assert!(!revoked(&card.text().await?), "a withdrawn card among the valid ones");
    card.click().await?;
    app.wait_for("#present-button").await?.click().await?;
    app.wait_for("#show-qr").await?;
    app.wait_for_text("#show-ring .ring-number", |t| !t.is_empty() && t != "0").await?;
    app.screenshot(screen).await?;
    let png = app.element_png("#show-qr", &format!("{screen}-qr")).await?;
    let text = shimin_core::qr::decode_image(&png).expect("the QR code on screen reads back");
    app.click("#show-close").await?;
    app.wait_for("#present-button").await?;
    Ok(text)
}

/// Reads the sync line for three seconds: it stays `line`, or says a round is running (the app's
/// own retries) — never an age or a countdown that changes by the second.
async fn assert_steady(app: &AppSession, line: &str) -> anyhow::Result<()> {
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = match app.wait_for_text("#sync-state", |_| true).await {
            Ok(now) => now,
            Err(e) => {
                // What the window showed instead, for whoever reads the failure.
                app.screenshot("sync-steady-failure").await?;
                return Err(e);
            }
        };
        assert!(now == line || now == "正在同步…", "the line changed by itself: {line:?} → {now:?}");
    }
    Ok(())
}

/// "上次同步 HH:MM": the sync line of a wallet synced today, as a clock time, not an age.
fn is_sync_time_line(line: &str) -> bool {
    line.strip_prefix("上次同步 ").is_some_and(|time| {
        let b = time.as_bytes();
        b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboard_sync_present_revoke_and_go_offline() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let data = data_dir("sync")?;
    let mut server = LocalBackend::start(data.path(), 5).await?;
    let (holder, name, code) = server.seed().demo[0].clone();
    let issued = issue_id_card(&server, &holder).await;

    let app_dir = data.path().join("app").display().to_string();
    let base = server.base_url();
    let app =
        AppSession::start(&[("SHIMIN_DATA_DIR", app_dir.as_str()), ("SHIMIN_BACKEND_URL", base.as_str())])
            .await?;

    // Welcome: the language is chosen first, and the screen follows it at once.
    app.wait_for("#onboarding").await?;
    app.wait_for("#lang-en").await?.click().await?;
    app.wait_for_text("#welcome-title", |t| t.contains("Welcome to Shimin")).await?;
    app.screenshot("sync-01-welcome-en").await?;
    app.wait_for("#lang-zh-Hans").await?.click().await?;
    app.wait_for_text("#welcome-title", |t| t.contains("欢迎使用市民通")).await?;
    app.wait_for("#onboard-start").await?.click().await?;

    // Who you are: the ID number is checked as it is typed.
    let id_input = app.wait_for("#onboard-id").await?;
    id_input.send_keys("110105194912310021").await?;
    let wrong = app.wait_for_text("#onboard-id-result", |t| !t.is_empty()).await?;
    assert!(wrong.contains("最后一位是校验码") && wrong.contains("逐位核对"), "{wrong}");
    let marked = app.wait_for("#onboard-id").await?.attr("aria-invalid").await?;
    assert_eq!(marked.as_deref(), Some("true"), "the field is marked wrong");
    app.screenshot("sync-02-identity-typo").await?;
    id_input.clear().await?;
    id_input.send_keys(&holder).await?;
    app.wait_for_text("#onboard-id-result", |t| t.contains("号码有效")).await?;
    // The face check is the default way; this citizen uses the code staff gave them.
    app.click("#method-code").await?;
    app.wait_for("#onboard-code").await?.send_keys(&code).await?;
    app.screenshot("sync-03-identity").await?;
    app.wait_for("#onboard-next").await?.click().await?;

    // A PIN, twice; then the wallet is created, the device registered and the first sync run.
    app.wait_for("#pin").await?.send_keys(PIN).await?;
    app.wait_for("#pin-confirm").await?.send_keys(PIN).await?;
    app.screenshot("sync-04-pin").await?;
    app.wait_for("#create-submit").await?.click().await?;
    app.wait_for("#wallet").await?;
    let texts = wait_cards(&app, |c| c.len() == 1).await?;
    assert!(texts[0].contains("居民身份证") && texts[0].contains(&name) && !revoked(&texts[0]), "{texts:?}");
    // One sync line: when, as a clock time, and nothing that counts up while it is shown.
    let line = app.wait_for_text("#sync-state", |t| t.starts_with("上次同步")).await?;
    assert!(is_sync_time_line(&line), "{line}");
    assert_steady(&app, &line).await?;
    app.screenshot("sync-05-wallet-after-first-sync").await?;

    // Present it; the code on screen verifies with the backend's lists.
    let text = present_valid_card(&app, "sync-06-present").await?;
    let lists = VerifierLists::fetch(&base, issued.status_list_id).await;
    let verdict = lists.verify(&text);
    assert_eq!(verdict.outcome, Outcome::Valid, "{:?}", verdict.reasons);

    // The police revoke it (and issue a new card); "sync now" brings both.
    server.change_status_as(POLICE, issued.id, StatusAction::Revoke).await?;
    issue_id_card(&server, &holder).await;
    app.wait_for("#tab-wallet").await?.click().await?;
    app.wait_for("#sync-now").await?.click().await?;
    // The new card is the one shown; the old one waits, greyed, in the closed group, replaced.
    app.wait_for_text("#inactive-cards summary", |t| t == "已失效（1）").await?;
    let texts = wait_cards(&app, |c| c.len() == 1).await?;
    assert!(texts[0].contains("居民身份证") && texts[0].contains("有效") && !revoked(&texts[0]), "{texts:?}");
    app.click("#inactive-cards summary").await?;
    let old = app.wait_for_text("#inactive-cards .cert-card", |t| !t.is_empty()).await?;
    assert!(old.contains("居民身份证") && old.contains("已换发") && old.contains("请出示新证"), "{old}");
    app.screenshot("sync-07-revoked-after-sync").await?;
    // The very code shown before is now refused by a verifier with fresh lists.
    let fresh = VerifierLists::fetch(&base, issued.status_list_id).await;
    let verdict = fresh.verify(&text);
    assert_eq!(verdict.outcome, Outcome::Invalid, "{:?}", verdict.reasons);
    assert!(verdict.reasons.iter().any(|r| matches!(r, Reason::Revoked { .. })), "{:?}", verdict.reasons);

    // Someone enrols a second device for the citizen (finding 3 of issue 15): after the next
    // sync the wallet shows the notice prominently until acknowledged, "my devices" lists both
    // devices with this one marked, and the other one is removed only with the PIN again.
    let intruder_code = server.enrolment_code_as(POLICE, &holder).await?;
    let intruder_key = shimin_core::crypto::SigningKey::generate_p256().expect("key");
    let intruder = BackendClient::new(&base).expect("client");
    let intruder_id = intruder
        .register_device(&holder, &intruder_code, &intruder_key.verifying_key(), "陌生的手机")
        .await
        .expect("the second device enrols");
    app.wait_for("#sync-now").await?.click().await?;
    let banner = app.wait_for_text("#new-device-banner", |t| t.contains("陌生的手机")).await?;
    assert!(banner.contains("新设备"), "{banner}");
    app.screenshot("sync-07a-new-device-notice").await?;
    app.click("#new-device-open").await?;
    app.wait_for("#my-devices-show").await?.click().await?;
    let devices = wait_texts(&app, "#my-devices .device", |d| d.len() == 2).await?;
    assert!(devices.iter().any(|d| d.contains("陌生的手机") && !d.contains("本机")), "{devices:?}");
    assert!(devices.iter().any(|d| d.contains("本机")), "this device is marked: {devices:?}");
    app.screenshot("sync-07b-my-devices").await?;
    // A wrong PIN removes nothing; the right one removes the other device.
    app.click(&format!("li[data-device='{intruder_id}'] .remove-other")).await?;
    app.wait_for("#remove-other-pin").await?.send_keys("000000").await?;
    app.click("#remove-other-confirm").await?;
    app.wait_for_text("#my-devices-result", |t| t.contains("密码不正确")).await?;
    assert_eq!(server.backend().store.active_devices(&holder).await?.len(), 2, "a wrong PIN removes nothing");
    app.wait_for("#remove-other-pin").await?.send_keys(PIN).await?;
    app.screenshot("sync-07c-remove-other-device-pin").await?;
    app.click("#remove-other-confirm").await?;
    app.wait_for_text("#my-devices-result", |t| t.contains("已移除")).await?;
    wait_texts(&app, "#my-devices .device", |d| d.len() == 1).await?;
    assert_eq!(server.backend().store.active_devices(&holder).await?.len(), 1, "the other device is removed");
    app.screenshot("sync-07d-other-device-removed").await?;
    // The notice stays on the wallet until acknowledged.
    app.wait_for("#tab-wallet").await?.click().await?;
    app.wait_for("#new-device-banner").await?;
    app.click("#new-device-ack").await?;
    wait_gone(&app, "#new-device-banner").await?;

    // The backend goes away: the sync line says so, and the valid card still presents offline.
    server.stop().await?;
    app.wait_for("#sync-now").await?.click().await?;
    // One line that says the certificates still present, with no retry countdown beside it.
    let line = app.wait_for_text("#sync-state", |t| t.contains("离线可出示")).await?;
    assert!(line.starts_with("上次同步 ") && line.ends_with(" · 离线可出示"), "{line}");
    assert!(!line.contains("重试") && !line.contains('秒'), "{line}");
    let whole = app.wait_for_text("#sync-line", |_| true).await?;
    assert!(!whole.contains("重试") && !whole.contains("刚刚"), "{whole}");
    assert!(app.texts("#sync-attention").await?.is_empty(), "offline needs nothing of the user");
    assert_steady(&app, &line).await?;
    app.screenshot("sync-08-offline").await?;
    let offline_text = present_valid_card(&app, "sync-09-present-offline").await?;
    let verdict = fresh.verify(&offline_text);
    assert_eq!(verdict.outcome, Outcome::Valid, "{:?}", verdict.reasons);
    assert_ne!(offline_text, text, "a new presentation of the new card");

    // Settings: a new PIN; then the backend is back and the device is removed (a second press
    // confirms): the backend forgets it and the app starts over.
    app.wait_for("#tab-settings").await?.click().await?;
    app.wait_for("#pin-current").await?.send_keys(PIN).await?;
    app.wait_for("#pin-new").await?.send_keys("975310").await?;
    app.wait_for("#pin-new-confirm").await?.send_keys("975310").await?;
    app.click("#change-pin-submit").await?;
    app.wait_for_text("#change-pin-result", |t| t.contains("密码已修改")).await?;
    app.screenshot("sync-10-settings").await?;
    server.restart().await?;
    app.click("#remove-device").await?;
    app.wait_for_text("#remove-device", |t| t.contains("再按一次")).await?;
    app.click("#remove-device").await?;
    // The app starts over by itself, on the first start (which has no tab bar).
    app.wait_for("#onboarding").await?;
    assert!(
        app.client.find(fantoccini::Locator::Css(".tab-bar")).await.is_err(),
        "no tab bar on the first start"
    );
    assert!(
        server.backend().store.active_devices(&holder).await?.is_empty(),
        "the backend forgot the device"
    );
    assert!(!data.path().join("app/wallet.db").exists(), "the wallet is erased");

    app.close().await?;
    let _ = data.close();
    Ok(())
}

/// A device the backend no longer accepts (removed from another device) is told so on the wallet:
/// a banner that says the certificates still show and what to do, with the way to Settings; the
/// sync line itself stays one calm sentence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_device_is_told_what_to_do() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let data = data_dir("sync-refused")?;
    let server = LocalBackend::start(data.path(), 5).await?;
    let (holder, _name, code) = server.seed().demo[0].clone();
    issue_id_card(&server, &holder).await;
    let app_dir = data.path().join("app").display().to_string();
    let base = server.base_url();
    let app =
        AppSession::start(&[("SHIMIN_DATA_DIR", app_dir.as_str()), ("SHIMIN_BACKEND_URL", base.as_str())])
            .await?;
    app.wait_for("#onboard-start").await?.click().await?;
    app.wait_for("#onboard-id").await?.send_keys(&holder).await?;
    app.wait_for_text("#onboard-id-result", |t| t.contains("号码有效")).await?;
    app.click("#method-code").await?;
    app.wait_for("#onboard-code").await?.send_keys(&code).await?;
    app.wait_for("#onboard-next").await?.click().await?;
    app.wait_for("#pin").await?.send_keys(PIN).await?;
    app.wait_for("#pin-confirm").await?.send_keys(PIN).await?;
    app.wait_for("#create-submit").await?.click().await?;
    wait_cards(&app, |c| c.len() == 1).await?;
    assert!(app.texts("#sync-attention").await?.is_empty(), "all is well: no banner");

    // Removed on the backend (as from another of the citizen's devices): the next round is refused.
    let devices = server.backend().store.active_devices(&holder).await?;
    server.backend().store.remove_device(devices[0].id, now()).await?;
    app.click("#sync-now").await?;
    let banner = app.wait_for_text("#sync-attention", |t| !t.is_empty()).await?;
    assert!(banner.contains("仍可出示") && banner.contains("重新登记"), "{banner}");
    let line = app.wait_for_text("#sync-state", |t| !t.is_empty()).await?;
    assert!(is_sync_time_line(&line), "the line stays one sentence: {line}");
    let cards = wait_cards(&app, |c| c.len() == 1).await?;
    assert!(cards[0].contains("居民身份证"), "the certificate is still there: {cards:?}");
    app.screenshot("sync-11-device-refused").await?;
    app.click("#sync-attention-open").await?;
    app.wait_for("#change-pin-submit").await?;

    app.close().await?;
    let _ = data.close();
    Ok(())
}

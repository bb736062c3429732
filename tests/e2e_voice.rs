//! Spoken guidance in the real window (长辈版, ADR 0004): a citizen who chose 长辈版 registers
//! this device by the face, and the face check says each action aloud — the app asks its audio
//! element for the recording of each new instruction, in the user's language, and last says that
//! the check passed. The recordings are served from the app's own files (they are made when the
//! UI is built), so the test fetches one as the page does and checks it is an MP3. Under Xvfb
//! there may be no sound device: what is asserted is what the app asked to say, and the file.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod face;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use shimin_tests::{AppSession, data_dir};

const PIN: &str = "531864";

/// What the audio element was last asked to say (`data-prompt`), if it exists yet.
async fn prompt(app: &AppSession) -> anyhow::Result<Option<String>> {
    let found = app
        .client
        .execute(
            "const a = document.getElementById('voice'); return a ? a.dataset.prompt || null : null;",
            vec![],
        )
        .await?;
    Ok(found.as_str().map(str::to_owned))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_face_check_says_each_action_aloud_in_elder_mode() -> anyhow::Result<()> {
    let _window = shimin_tests::one_window_at_a_time().await;
    let data = data_dir("voice")?;
    let (server, holder, frames) = face::filmed_citizen(data.path()).await?;
    // 长辈版 chosen before (the voice follows it unless turned off).
    let app_dir = data.path().join("app");
    std::fs::create_dir_all(&app_dir)?;
    std::fs::write(
        app_dir.join("settings.json"),
        r#"{"language": "zh-Hans", "auto_lock_minutes": 5, "elder_mode": true}"#,
    )?;
    let app = face::start_app(&app_dir, &server, &frames).await?;

    app.wait_for("#onboarding").await?;
    app.click("#onboard-start").await?;
    app.wait_for("#onboard-id").await?.send_keys(&holder).await?;
    app.wait_for_text("#onboard-id-result", |t| t.contains("号码有效")).await?;
    app.click("#onboard-next").await?;
    app.wait_for("#pin").await?.send_keys(PIN).await?;
    app.wait_for("#pin-confirm").await?.send_keys(PIN).await?;
    app.click("#create-submit").await?;
    app.wait_for("#onboard-face").await?;
    assert_eq!(prompt(&app).await?, None, "nothing said before the check");

    // During the check: every prompt the app asked for, in order of first appearance.
    let mut said: Vec<String> = Vec::new();
    let mut shots = 0;
    let deadline = Instant::now() + face::CHECK_TIME;
    while Instant::now() < deadline {
        if let Some(p) = prompt(&app).await?
            && said.last() != Some(&p)
        {
            said.push(p.clone());
            // The first instruction and the first action, as an older user sees them.
            if shots < 2 && (shots == 0 || ["blink", "open-mouth", "nod"].contains(&p.as_str())) {
                shots += 1;
                app.screenshot(&format!("elder-face-0{shots}")).await?;
                if shots == 2 {
                    let problems = app.accessibility_problems_in("elder").await?;
                    assert!(problems.is_empty(), "the face check in elder mode: {problems:#?}");
                }
            }
        }
        if app.client.find(Locator::Css("#wallet")).await.is_ok() {
            break;
        }
        if let Ok(error) = app.client.find(Locator::Css("#liveness-error")).await {
            let text = error.text().await?;
            app.screenshot("elder-face-failed").await?;
            anyhow::bail!("the face check failed: {text} (said {said:?})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    face::finish_check(&app, "#wallet", "elder-face-failed").await?;
    app.screenshot("elder-face-03-done").await?;
    // The outcome is said last, and stays the last thing said after the check's screen went.
    assert_eq!(prompt(&app).await?.as_deref(), Some("passed"), "said: {said:?}");
    let actions: BTreeSet<&str> =
        said.iter().map(String::as_str).filter(|p| ["blink", "open-mouth", "nod"].contains(p)).collect();
    assert!(actions.len() >= 2, "each action is said as it is asked for: {said:?}");

    // The recording is the app's own file, an MP3 of the Chinese text (the language chosen).
    let fetched = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const src = document.getElementById('voice').getAttribute('src');
             fetch(src).then(r => r.arrayBuffer().then(b => {
                 const head = Array.from(new Uint8Array(b.slice(0, 3)));
                 done({src, status: r.status, size: b.byteLength, head});
             })).catch(e => done({src, error: String(e)}));",
            vec![],
        )
        .await?;
    assert_eq!(fetched["src"], "voice/zh-Hans/passed.mp3", "{fetched}");
    assert_eq!(fetched["status"], 200, "{fetched}");
    assert!(fetched["size"].as_u64().unwrap_or(0) > 1000, "{fetched}");
    let head: Vec<u64> =
        fetched["head"].as_array().map(|a| a.iter().filter_map(|v| v.as_u64()).collect()).unwrap_or_default();
    let mp3 = head.starts_with(&[0x49, 0x44, 0x33])
        || (head.first() == Some(&0xFF) && head.get(1).is_some_and(|b| b & 0xE0 == 0xE0));
    assert!(mp3, "an MP3 (ID3 tag or frame sync): {fetched}");
    app.close().await?;
    let _ = data.close();
    Ok(())
}

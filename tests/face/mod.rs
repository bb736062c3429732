//! The face check in the real window, for the E2E tests that run one: the recorded test film as
//! the camera, and waiting for the backend's judgement.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use fantoccini::Locator;
use shimin_core::liveness::Action;
use shimin_testkit::film::{Shot, scene};

use shimin_tests::AppSession;

/// A face check takes a few seconds on this device, then the backend's judgement.
pub const CHECK_TIME: Duration = Duration::from_secs(90);

/// The film as a recording that acts on cue (the app plays an action's clip when the backend
/// reveals it): the neutral face, and a clip of each of the film's actions. For
/// `SHIMIN_CAMERA_FRAMES`.
pub fn write_recordings(dir: &Path) -> Result<()> {
    let s = scene();
    let clips: [(&str, Vec<&Shot>); 4] = [
        ("neutral", vec![&s.neutral]),
        (Action::Blink.as_str(), vec![&s.closed; 2]),
        (Action::MouthOpen.as_str(), vec![&s.open_mouth; 6]),
        (Action::Nod.as_str(), vec![&s.nod; 3]),
    ];
    for (name, shots) in clips {
        shimin_testkit::film::write_frames(&dir.join(name), &shots)?;
    }
    Ok(())
}

/// Waits until `done` appears (the check passed); a failure shown instead ends the test with
/// its text and a screenshot named `failed_screen`.
pub async fn finish_check(app: &AppSession, done: &str, failed_screen: &str) -> Result<()> {
    let deadline = Instant::now() + CHECK_TIME;
    while Instant::now() < deadline {
        if app.client.find(Locator::Css(done)).await.is_ok() {
            return Ok(());
        }
        if let Ok(error) = app.client.find(Locator::Css("#liveness-error")).await {
            let text = error.text().await?;
            app.screenshot(failed_screen).await?;
            anyhow::bail!("the face check failed: {text}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.screenshot(failed_screen).await?;
    anyhow::bail!("`{done}` did not appear within {CHECK_TIME:?}")
}

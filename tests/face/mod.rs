//! The face check in the real window, for the E2E tests that run one: the recorded test film as
//! the camera, and waiting for the backend's judgement.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use fantoccini::Locator;
use shimin_backend::local::LocalBackend;
use shimin_backend::service::Config;
use shimin_core::liveness::Action;
use shimin_testkit::film::{FILMABLE, Shot, scene};
use shimin_tests::AppSession;
use shimin_wire::backend::{CertificateFields, IssueCertificateRequest};

/// A backend in `dir` that asks only for the actions the film can do, whose first demo citizen
/// is the person filmed: the registry holds the film's photo of them and the police issued their
/// ID card. Returns the server, that citizen's ID number, and the film's recordings (written
/// under `dir`) for `SHIMIN_CAMERA_FRAMES`.
pub async fn filmed_citizen(dir: &Path) -> Result<(LocalBackend, String, PathBuf)> {
    let config = Config { liveness_actions: FILMABLE.to_vec(), ..Config::default() };
    let server = LocalBackend::start_with(dir, 5, config).await?;
    let holder = server.seed().demo[0].0.clone();
    anyhow::ensure!(
        server.set_registry_photo(&holder, scene().registry.clone()).await?,
        "the registry photo"
    );
    let card = IssueCertificateRequest {
        holder_id_number: holder.clone(),
        valid_from: "2024-06-01".into(),
        valid_until: Some("2044-05-31".into()),
        fields: CertificateFields::ResidentIdCard,
    };
    server.issue_as("police-issuer", card).await?;
    let frames = dir.join("frames");
    write_recordings(&frames)?;
    Ok((server, holder, frames))
}

/// The app on `app_dir`, syncing with `server`, its camera the recordings in `frames`.
pub async fn start_app(app_dir: &Path, server: &LocalBackend, frames: &Path) -> Result<AppSession> {
    let (app_dir, base, frames) =
        (app_dir.display().to_string(), server.base_url(), frames.display().to_string());
    AppSession::start(&[
        ("SHIMIN_DATA_DIR", app_dir.as_str()),
        ("SHIMIN_BACKEND_URL", base.as_str()),
        ("SHIMIN_CAMERA_FRAMES", frames.as_str()),
    ])
    .await
}

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

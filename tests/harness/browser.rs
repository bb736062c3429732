//! A browser session beside the app's: Debian's `chromium`, headless, driven through its
//! `chromedriver` (both installed by `scripts/setup.sh`), for the pages the backend serves itself —
//! the department's workbench (`tests/e2e_desk.rs`). The window is 1366×768, an office screen.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder};

use super::{Guard, audit, find_tool, free_port, save_screenshot, wait_css, wait_for_port, workspace_root};

/// A headless chromium under chromedriver. Dropping it ends chromedriver and its browser.
#[derive(Debug)]
pub struct BrowserSession {
    /// The WebDriver client.
    pub client: Client,
    screens: std::path::PathBuf,
    _driver: Guard,
    /// The browser's profile, removed with the session (after the driver, declared before it).
    _profile: tempfile::TempDir,
}

impl BrowserSession {
    /// Starts chromedriver on a free port and opens a headless chromium window of 1366×768 whose
    /// preferred language is Chinese.
    pub async fn start() -> Result<Self> {
        let port = free_port()?;
        let logs = workspace_root().join("target/e2e-logs");
        std::fs::create_dir_all(&logs)?;
        let log = std::fs::File::create(logs.join(format!("chromedriver-{port}.log")))?;
        let mut command = Command::new(find_tool("chromedriver")?);
        command.arg(format!("--port={port}")).stdin(Stdio::null()).stdout(log.try_clone()?).stderr(log);
        let driver = Guard::spawn(command).context("starting chromedriver")?;
        wait_for_port(port, Instant::now() + Duration::from_secs(20), "chromedriver")?;

        let profile = tempfile::tempdir()?;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "chrome".into());
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": find_tool("chromium")?,
                "args": [
                    "--headless=new",
                    // Root on CI machines: chromium's sandbox needs a user namespace it may not get.
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1366,768",
                    "--lang=zh-CN",
                    "--force-device-scale-factor=1",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("creating the chromium session")?;
        let screens = workspace_root().join("target/e2e-screens");
        std::fs::create_dir_all(&screens)?;
        Ok(Self { client, screens, _driver: driver, _profile: profile })
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client.goto(url).await.with_context(|| format!("opening {url}"))
    }

    /// Waits for an element to appear (10 s at most).
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element> {
        wait_css(&self.client, css, Duration::from_secs(10)).await
    }

    /// Types `text` into the field matching `css` (cleared first).
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let field = self.wait_for(css).await?;
        field.clear().await?;
        field.send_keys(text).await.with_context(|| format!("typing into `{css}`"))
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.wait_for(css).await?.click().await.with_context(|| format!("clicking `{css}`"))
    }

    /// The text of the element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.wait_for(css).await?.text().await?)
    }

    /// Waits (10 s at most) until the page's path is `path`.
    pub async fn wait_for_path(&self, path: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = self.client.current_url().await?;
            if url.path() == path {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("the browser is at {url}, not {path}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot of the window as `target/e2e-screens/NAME.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<std::path::PathBuf> {
        save_screenshot(&self.client, &self.screens, name).await
    }

    /// The accessibility problems of the page as it is now, by the app's audit
    /// (`tests/a11y_audit.js`: names, alt texts, WCAG AA contrast, the document's language, text
    /// sizes, nothing past the right edge), less its touch-target rule: the workbench is a desktop
    /// page for mouse and keyboard, whose inline links and table links are text (WCAG 2.2's
    /// target-size rule exempts them), not the app's 44-px touch targets.
    pub async fn accessibility_problems(&self) -> Result<Vec<String>> {
        let problems = audit(&self.client, "standard").await?;
        Ok(problems.into_iter().filter(|p| !p.contains(": target ")).collect())
    }

    /// Ends the WebDriver session (closing the browser).
    pub async fn close(self) -> Result<()> {
        self.client.clone().close().await.context("closing the session")?;
        Ok(())
    }
}

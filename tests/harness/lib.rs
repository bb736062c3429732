//! The end-to-end harness: a virtual display (Xvfb) when there is none, `tauri-driver` with
//! WebKitWebDriver behind it, and a WebDriver session on the real `shimin-app` window.
//!
//! `browser` adds a headless chromium under chromedriver for the pages the backend serves (the
//! department's workbench).
//!
//! Every E2E test gets its own display and ports, so tests may run in parallel. Screenshots go to
//! `target/e2e-screens/`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator};

pub mod browser;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// A fresh data directory `target/e2e-data/NAME-XXXXXX` (a unique name) for one test's app and
/// backend. Dropping it keeps it, so a failed test leaves its wallet and database beside its
/// screenshots and logs; a test that passed removes it with [`tempfile::TempDir::close`].
pub fn data_dir(name: &str) -> Result<tempfile::TempDir> {
    let parent = workspace_root().join("target/e2e-data");
    std::fs::create_dir_all(&parent)?;
    Ok(tempfile::Builder::new().prefix(&format!("{name}-")).disable_cleanup(true).tempdir_in(&parent)?)
}

/// One app window at a time within a test binary; hold the guard for the whole test. The tests
/// of one file run on parallel threads, and two WebKit windows with their backends on a
/// two-core machine starved each other past the tests' waits (a page that stopped answering for
/// ten seconds, a screenshot that never came).
pub async fn one_window_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    WINDOW.lock().await
}

/// The app binary to drive: `SHIMIN_APP_BIN`, or the debug build in `target/`.
pub fn app_binary() -> Result<PathBuf> {
    let path = std::env::var_os("SHIMIN_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/shimin-app"));
    if !path.is_file() {
        bail!("{} is missing: build the app first with `make app` (or run `make test`)", path.display());
    }
    Ok(path)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16, deadline: Instant, what: &str) -> Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("{what} did not start listening on port {port}")
}

fn find_tool(name: &str) -> Result<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.push(PathBuf::from("/usr/bin"));
    dirs.into_iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .with_context(|| format!("`{name}` not found: run `make setup`"))
}

/// A child process, leader of its own process group, whose whole group is killed when dropped
/// (tauri-driver's WebKitWebDriver must not outlive it: it would hold the test's output open).
#[derive(Debug)]
struct Guard(Child);

impl Guard {
    fn spawn(mut command: Command) -> std::io::Result<Self> {
        use std::os::unix::process::CommandExt;
        command.process_group(0).spawn().map(Guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running app window under WebDriver. Dropping it ends the session's processes.
#[derive(Debug)]
pub struct AppSession {
    /// The WebDriver client.
    pub client: Client,
    screens: PathBuf,
    _driver: Guard,
    _xvfb: Option<Guard>,
}

/// Starts Xvfb on a display of its own and returns its guard and name.
fn start_xvfb() -> Result<(Guard, String)> {
    let xvfb = find_tool("Xvfb")?;
    let start = 100 + (std::process::id() % 700);
    for n in start..start + 100 {
        if Path::new(&format!("/tmp/.X{n}-lock")).exists() {
            continue;
        }
        let display = format!(":{n}");
        let mut command = Command::new(&xvfb);
        command
            .args([display.as_str(), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut guard = Guard::spawn(command).context("starting Xvfb")?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if socket.exists() {
                return Ok((guard, display));
            }
            if let Ok(Some(_)) = guard.0.try_wait() {
                break; // lost a race for this display number: try the next
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    bail!("could not start Xvfb on any display")
}

impl AppSession {
    /// Starts the app with extra environment variables (for example the backend's URL or the
    /// app's data directory) and opens a WebDriver session on its window.
    pub async fn start(env: &[(&str, &str)]) -> Result<Self> {
        let app = app_binary()?;
        let (xvfb, display) = match std::env::var("DISPLAY") {
            Ok(d) if !d.is_empty() && std::env::var_os("SHIMIN_E2E_OWN_DISPLAY").is_none() => (None, d),
            _ => {
                let (g, d) = start_xvfb()?;
                (Some(g), d)
            }
        };
        let port = free_port()?;
        let native_port = free_port()?;
        let logs = workspace_root().join("target/e2e-logs");
        std::fs::create_dir_all(&logs)?;
        let log = std::fs::File::create(logs.join(format!("tauri-driver-{port}.log")))?;
        let mut command = Command::new(find_tool("tauri-driver")?);
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .args(["--native-driver", &find_tool("WebKitWebDriver")?.display().to_string()])
            .env("DISPLAY", &display)
            // Software rendering: there is no GPU on CI machines. (Do not set
            // WEBKIT_DISABLE_DMABUF_RENDERER: WebKitWebDriver's screenshots then never return.)
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .envs(env.iter().copied())
            .stdout(log.try_clone()?)
            .stderr(log);
        let driver = Guard::spawn(command).context("starting tauri-driver")?;
        let deadline = Instant::now() + Duration::from_secs(20);
        wait_for_port(port, deadline, "tauri-driver")?;
        wait_for_port(native_port, deadline, "WebKitWebDriver")?;

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": app }));
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("creating the WebDriver session")?;
        let screens = workspace_root().join("target/e2e-screens");
        std::fs::create_dir_all(&screens)?;
        Ok(Self { client, screens, _driver: driver, _xvfb: xvfb })
    }

    /// Waits for an element to appear (10 s at most).
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element> {
        self.wait_for_within(css, Duration::from_secs(10)).await
    }

    /// Waits for an element to appear, `limit` at most (for steps that take long, like a face
    /// check judged by the backend).
    pub async fn wait_for_within(&self, css: &str, limit: Duration) -> Result<fantoccini::elements::Element> {
        wait_css(&self.client, css, limit).await
    }

    /// The texts of every element matching `css`, in document order.
    pub async fn texts(&self, css: &str) -> Result<Vec<String>> {
        let mut texts = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await? {
            texts.push(element.text().await?);
        }
        Ok(texts)
    }

    /// Waits for the element matching `css`, scrolls it to the middle of the window (clear of
    /// the fixed tab bar) and clicks it.
    pub async fn click(&self, css: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        let arg = serde_json::to_value(&element)?;
        self.client.execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg]).await?;
        element.click().await.with_context(|| format!("clicking `{css}`"))?;
        Ok(())
    }

    /// Waits (10 s at most) until the element matching `css` has a text for which `ready` holds,
    /// and returns that text. Re-finds the element each time, since the UI replaces elements when
    /// it re-renders them.
    pub async fn wait_for_text(&self, css: &str, ready: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut last = String::new();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if ready(&text) {
                    return Ok(text);
                }
                last = text;
            }
            if Instant::now() >= deadline {
                bail!("`{css}` never showed the expected text; last seen: {last:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page has painted what its DOM holds now: two animation frames. Without it
    /// a screenshot right after a large change (a full-screen page closing) could show the frame
    /// before, while the DOM the test had just read was already the next one.
    async fn painted(&self) -> Result<()> {
        let script = "const done = arguments[arguments.length - 1]; \
                      requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        tokio::time::timeout(Duration::from_secs(5), self.client.execute_async(script, vec![]))
            .await
            .context("the page did not paint within 5 s")?
            .context("waiting for a paint")?;
        Ok(())
    }

    /// Saves a screenshot of the whole window, as painted after the DOM's last change, as
    /// `target/e2e-screens/NAME.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        self.painted().await?;
        save_screenshot(&self.client, &self.screens, name).await
    }

    /// A PNG of the element matching `css`, cut out of a screenshot of the window (WebKitWebDriver's
    /// own element screenshots come back partly black here), also saved as
    /// `target/e2e-screens/NAME.png`.
    pub async fn element_png(&self, css: &str, name: &str) -> Result<Vec<u8>> {
        let (x, y, w, h) = self.wait_for(css).await?.rectangle().await?;
        self.painted().await?;
        let window = image::load_from_memory(&self.client.screenshot().await?)?;
        let [x, y, w, h] = [x, y, w, h].map(|v| v.round().max(0.0) as u32);
        let mut png = Vec::new();
        window.crop_imm(x, y, w, h).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
        std::fs::write(self.screens.join(format!("{name}.png")), &png)?;
        Ok(png)
    }

    /// The accessibility problems of the screen as it is now in the standard mode
    /// ([`Self::accessibility_problems_in`]); empty when it passes.
    pub async fn accessibility_problems(&self) -> Result<Vec<String>> {
        self.accessibility_problems_in("standard").await
    }

    /// The accessibility problems of the screen as it is now (`tests/a11y_audit.js`: controls
    /// without a name, images without alt, text under WCAG AA contrast, placeholders under 4.5:1,
    /// no document language, and the sizes of `mode` — `"standard"` or `"elder"`: targets under
    /// 44 or 60 px, text under 14 or 18 px, lines under 1.3 × the font, the document in another
    /// mode, controls or text running past the window's right edge); empty when it passes.
    pub async fn accessibility_problems_in(&self, mode: &str) -> Result<Vec<String>> {
        audit(&self.client, mode).await
    }

    /// The element that has the keyboard focus, as `tag#id.class…` (empty when nothing has),
    /// and whether the stylesheets give it a focus indicator (`tests/a11y_focus.js`).
    pub async fn focused(&self) -> Result<(String, bool)> {
        let script = format!("return (\n{}\n);", include_str!("../a11y_focus.js"));
        let found = self.client.execute(&script, vec![]).await?;
        serde_json::from_value(found).context("the focused element")
    }

    /// Presses a key (a WebDriver key code such as `\u{E004}` for Tab) on the focused element.
    pub async fn press(&self, key: &str) -> Result<()> {
        self.client.active_element().await?.send_keys(key).await.context("pressing a key")
    }

    /// Ends the WebDriver session (closing the app).
    pub async fn close(self) -> Result<()> {
        self.client.clone().close().await.context("closing the session")?;
        Ok(())
    }
}

/// Waits (`limit` at most) for an element matching `css` on `client`'s page: the one wait both
/// sessions (the app's window and the browser) use.
async fn wait_css(client: &Client, css: &str, limit: Duration) -> Result<fantoccini::elements::Element> {
    client
        .wait()
        .at_most(limit)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("no element matches `{css}` within {limit:?}"))
}

/// Saves a screenshot of `client`'s window as `screens/NAME.png` and returns its path.
async fn save_screenshot(client: &Client, screens: &Path, name: &str) -> Result<PathBuf> {
    let png = tokio::time::timeout(Duration::from_secs(20), client.screenshot())
        .await
        .context("the screenshot did not arrive within 20 s")?
        .context("taking a screenshot")?;
    let path = screens.join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    Ok(path)
}

/// The accessibility problems of `client`'s page by `tests/a11y_audit.js` in `mode`.
async fn audit(client: &Client, mode: &str) -> Result<Vec<String>> {
    // Parenthesised: the file starts with comments, and `return` before a line break returns.
    let script = format!("return (\n{}\n);", include_str!("../a11y_audit.js"));
    let found = client
        .execute(&script, vec![serde_json::Value::from(mode)])
        .await
        .context("running the accessibility audit")?;
    serde_json::from_value(found).context("the audit's answer")
}

//! The screen while a certificate is shown (亮证): kept awake, so that it does not dim or lock
//! while the other person is scanning, and let go when the page closes.
//!
//! | platform | awake | brightness |
//! |---|---|---|
//! | Linux | `GtkApplication::inhibit(window, IDLE)` (the session manager or the portal, over D-Bus; refused without one, as under Xvfb) | never changed: the only route is the laptop backlight, system-wide |
//! | Android, iOS | not yet: `FLAG_KEEP_SCREEN_ON` / `isIdleTimerDisabled` need the mobile plugin (`mobile/README.md`) | not yet: `screenBrightness = 1` / `UIScreen.brightness`, same plugin |
//! | macOS, Windows | not yet | never changed |
//!
//! The page may open again before the last one closed (a new preset re-renders it), so the
//! holds are counted ([`ScreenHold`]): one inhibit while any is held, released with the last one.
//! The counting is kept apart from GTK so that it is tested.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use shimin_wire::ipc::ScreenView;

/// What to ask the platform after a page opened or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Keep the screen awake (no hold is in place).
    Inhibit,
    /// Let the screen sleep again: the hold with this cookie is no longer needed.
    Release(NonZeroU32),
    /// Nothing changes.
    Nothing,
}

/// The pages showing a certificate, and the platform's hold on the screen while any is open.
#[derive(Debug, Default)]
pub struct ScreenHold {
    open: u32,
    cookie: Option<NonZeroU32>,
}

impl ScreenHold {
    /// A page showing a certificate opened (`showing`) or closed: what to ask the platform.
    /// A close without an open is ignored.
    pub fn set(&mut self, showing: bool) -> Step {
        if showing {
            self.open = self.open.saturating_add(1);
            // Also when an earlier inhibit was refused: the platform may accept now.
            if self.cookie.is_none() { Step::Inhibit } else { Step::Nothing }
        } else {
            self.open = self.open.saturating_sub(1);
            match (self.open, self.cookie) {
                (0, Some(cookie)) => {
                    self.cookie = None;
                    Step::Release(cookie)
                }
                _ => Step::Nothing,
            }
        }
    }

    /// Records the platform's answer to [`Step::Inhibit`]: its cookie, `0` when it refused.
    pub fn inhibited(&mut self, cookie: u32) {
        self.cookie = NonZeroU32::new(cookie);
    }

    /// Whether the screen is being kept awake.
    pub fn awake(&self) -> bool {
        self.cookie.is_some()
    }
}

/// The app's one [`ScreenHold`], in managed state.
#[derive(Debug, Default)]
pub struct ScreenState(Arc<Mutex<ScreenHold>>);

impl ScreenState {
    /// Takes or lets go of a hold for `window` and answers what the platform did. The platform
    /// calls run on the main thread, where the window lives.
    pub async fn set<R: tauri::Runtime>(&self, window: tauri::WebviewWindow<R>, showing: bool) -> ScreenView {
        let (sender, answer) = tokio::sync::oneshot::channel();
        let (on_main, hold) = (window.clone(), Arc::clone(&self.0));
        let sent = window.run_on_main_thread(move || {
            let awake = match hold.lock() {
                Ok(mut hold) => {
                    match hold.set(showing) {
                        Step::Inhibit => {
                            let cookie = platform::inhibit(&on_main);
                            hold.inhibited(cookie);
                        }
                        Step::Release(cookie) => platform::uninhibit(&on_main, cookie.get()),
                        Step::Nothing => {}
                    }
                    hold.awake()
                }
                Err(_) => false,
            };
            let _ = sender.send(awake);
        });
        let awake = match sent {
            Ok(()) => answer.await.unwrap_or(false),
            Err(_) => false,
        };
        ScreenView { awake, brightened: false }
    }
}

#[cfg(target_os = "linux")]
mod platform {
    use gtk::prelude::{GtkApplicationExt, GtkWindowExt};

    /// Asks the session to keep the screen from idling while `window` is shown; the cookie, or
    /// `0` when there is no session to ask (no D-Bus, as under Xvfb) or it refused.
    pub(super) fn inhibit<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) -> u32 {
        let Ok(gtk_window) = window.gtk_window() else { return 0 };
        let Some(app) = gtk_window.application() else { return 0 };
        app.inhibit(Some(&gtk_window), gtk::ApplicationInhibitFlags::IDLE, Some("亮证"))
    }

    /// Ends the hold `cookie`.
    pub(super) fn uninhibit<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>, cookie: u32) {
        if let Ok(gtk_window) = window.gtk_window()
            && let Some(app) = gtk_window.application()
        {
            app.uninhibit(cookie);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    /// No hold on this platform yet (see the module's table).
    pub(super) fn inhibit<R: tauri::Runtime>(_window: &tauri::WebviewWindow<R>) -> u32 {
        0
    }

    /// Nothing to end.
    pub(super) fn uninhibit<R: tauri::Runtime>(_window: &tauri::WebviewWindow<R>, _cookie: u32) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).expect("non-zero")
    }

    #[test]
    fn one_inhibit_while_any_page_shows_released_with_the_last() {
        let mut hold = ScreenHold::default();
        assert_eq!(hold.set(true), Step::Inhibit);
        hold.inhibited(7);
        assert!(hold.awake());
        // A second page (the next one mounted before the first cleaned up): no second hold.
        assert_eq!(hold.set(true), Step::Nothing);
        assert_eq!(hold.set(false), Step::Nothing);
        assert!(hold.awake(), "one page still shows");
        assert_eq!(hold.set(false), Step::Release(cookie(7)));
        assert!(!hold.awake());
        // A close without an open changes nothing, and the next open holds again.
        assert_eq!(hold.set(false), Step::Nothing);
        assert_eq!(hold.set(true), Step::Inhibit);
    }

    #[test]
    fn a_refused_inhibit_is_not_awake_and_is_asked_again() {
        let mut hold = ScreenHold::default();
        assert_eq!(hold.set(true), Step::Inhibit);
        hold.inhibited(0);
        assert!(!hold.awake());
        assert_eq!(hold.set(true), Step::Inhibit, "the platform may accept now");
        hold.inhibited(3);
        assert!(hold.awake());
        assert_eq!(hold.set(false), Step::Nothing);
        assert_eq!(hold.set(false), Step::Release(cookie(3)));
        // Nothing to release when nothing was held.
        assert_eq!(hold.set(true), Step::Inhibit);
        hold.inhibited(0);
        assert_eq!(hold.set(false), Step::Nothing);
    }
}

//! The camera in the webview. The UI reads frames with `getUserMedia` (the liveness check, the
//! verifier's scanner). Android's, iOS's, macOS's and Windows' webviews offer it and ask the
//! user; WebKitGTK on Linux keeps it off and refuses every permission request no one answers,
//! so there the main window turns it on and answers the requests itself: a request for a camera
//! alone is granted only once the user said yes in a native dialog ("允许市民通使用摄像头？", in
//! the app's language), and the answer holds until the app quits; microphones, screen capture,
//! location, notifications, the list of devices and the rest are refused without asking.
//!
//! The decision is [`Session::decide`], kept apart from GTK so that it is tested; the dialog
//! cannot be clicked in a test. End-to-end tests never see it: under WebDriver the webview is
//! controlled by automation, and WebKit then answers `getUserMedia` from the automation
//! session without emitting `permission-request`.

// Outside Linux only the tests use the decision.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

use shimin_wire::wallet::Language;

/// A permission request of the webview, reduced to what the decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Capture from devices (`getUserMedia`): whether a camera and whether a microphone is
    /// wanted.
    UserMedia {
        /// A camera is wanted.
        video: bool,
        /// A microphone is wanted.
        audio: bool,
    },
    /// Anything else: location, notifications, the list of devices, pointer lock, storage…
    Other,
}

impl Request {
    /// Whether this is a request for a camera and nothing more: the only kind the app grants.
    pub fn is_camera_only(self) -> bool {
        matches!(self, Self::UserMedia { video: true, audio: false })
    }
}

/// The user's answer to the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 允许: the camera may be used until the app quits.
    Allow,
    /// 拒绝: no camera until the app quits.
    Deny,
    /// The dialog was closed without an answer: this request is refused, and the next asks
    /// again.
    Dismissed,
}

/// What to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Grant it.
    Allow,
    /// Refuse it.
    Deny,
    /// Show the dialog, and keep the request until it is answered.
    Ask,
    /// The dialog is already on screen: keep the request, and answer it with the dialog.
    Wait,
}

/// What the window remembers for the session: the user's answer, and whether the dialog is on
/// screen. Nothing of it is saved: the next start asks again.
#[derive(Debug, Default)]
pub struct Session {
    granted: Option<bool>,
    asking: bool,
}

impl Session {
    /// Decides `request`.
    pub fn decide(&mut self, request: Request) -> Decision {
        if !request.is_camera_only() {
            return Decision::Deny;
        }
        match (self.granted, self.asking) {
            (Some(true), _) => Decision::Allow,
            (Some(false), _) => Decision::Deny,
            (None, true) => Decision::Wait,
            (None, false) => {
                self.asking = true;
                Decision::Ask
            }
        }
    }

    /// Forgets the user's answer (去设置 on the verifier's screen after a refusal): the next
    /// camera request asks again. A dialog on screen stays, and its answer still counts.
    pub fn forget(&mut self) {
        self.granted = None;
    }

    /// Records the dialog's `answer`; returns whether the requests kept meanwhile are granted.
    pub fn answered(&mut self, answer: Answer) -> bool {
        self.asking = false;
        match answer {
            Answer::Allow => self.granted = Some(true),
            Answer::Deny => self.granted = Some(false),
            Answer::Dismissed => {}
        }
        answer == Answer::Allow
    }
}

/// The dialog's texts in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prompt {
    /// The question.
    pub question: &'static str,
    /// Why, and for how long the answer holds.
    pub detail: &'static str,
    /// The button that grants.
    pub allow: &'static str,
    /// The button that refuses.
    pub deny: &'static str,
}

/// The dialog's texts in `language`.
pub fn prompt(language: Language) -> Prompt {
    match language {
        Language::ZhHans => Prompt {
            question: "允许市民通使用摄像头？",
            detail: "用于人脸核验和扫描出示码。本次运行期间记住您的选择。",
            allow: "允许",
            deny: "拒绝",
        },
        Language::ZhHant => Prompt {
            question: "允許市民通使用攝影機？",
            detail: "用於人臉核驗和掃描出示碼。本次執行期間記住您的選擇。",
            allow: "允許",
            deny: "拒絕",
        },
        Language::En => Prompt {
            question: "Allow Shimin to use the camera?",
            detail: "For the face check and for scanning codes. Your answer holds until the app quits.",
            allow: "Allow",
            deny: "Deny",
        },
    }
}

/// Lets the main window use a camera on Linux once the user allows it; elsewhere the platform's
/// webview asks.
pub fn ask_for_camera<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    linux::ask_for_camera(window);
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Forgets the user's answer about the camera in `window`, so that its next use asks again;
/// whether it will ask (`false` where the platform's own settings decide).
pub fn forget_answer<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) -> bool {
    #[cfg(target_os = "linux")]
    let asks = window.run_on_main_thread(linux::forget_answer).is_ok();
    #[cfg(not(target_os = "linux"))]
    let asks = {
        let _ = window;
        false
    };
    asks
}

#[cfg(target_os = "linux")]
mod linux {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use gtk::prelude::{DialogExt, GtkWindowExt, WidgetExt};
    use tauri::Manager;
    use webkit2gtk::glib::prelude::Cast;
    use webkit2gtk::{
        PermissionRequest, PermissionRequestExt, SettingsExt, UserMediaPermissionRequest,
        UserMediaPermissionRequestExt, WebView, WebViewExt,
    };

    use super::{Answer, Decision, Request, Session, prompt};
    use crate::wallet::WalletState;

    /// The session's memory and the requests waiting for the dialog; the GTK main thread's only.
    #[derive(Default)]
    struct State {
        session: Session,
        waiting: Vec<PermissionRequest>,
    }

    thread_local! {
        /// The main window's [`State`], for [`forget_answer`] (set on the main thread, read there).
        static WINDOW_STATE: RefCell<Option<Rc<RefCell<State>>>> = const { RefCell::new(None) };
    }

    /// Forgets the answer of the main window's session; on the main thread.
    pub(super) fn forget_answer() {
        WINDOW_STATE.with(|state| {
            if let Some(state) = state.borrow().as_ref() {
                state.borrow_mut().session.forget();
            }
        });
    }

    pub(super) fn ask_for_camera<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
        let app = window.app_handle().clone();
        let result = window.with_webview(move |webview| {
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_enable_media_stream(true);
            }
            let state = Rc::new(RefCell::new(State::default()));
            WINDOW_STATE.with(|kept| *kept.borrow_mut() = Some(Rc::clone(&state)));
            view.connect_permission_request(move |view, request| {
                let decision = state.borrow_mut().session.decide(classify(request));
                match decision {
                    Decision::Allow => request.allow(),
                    Decision::Deny => request.deny(),
                    Decision::Wait => state.borrow_mut().waiting.push(request.clone()),
                    Decision::Ask => {
                        state.borrow_mut().waiting.push(request.clone());
                        let language = app.try_state::<WalletState>().map(|s| s.settings().language);
                        show_dialog(view, language.unwrap_or_default(), Rc::clone(&state));
                    }
                }
                true
            });
        });
        if let Err(e) = result {
            eprintln!("shimin: the camera cannot be enabled in this window: {e}");
        }
    }

    fn classify(request: &PermissionRequest) -> Request {
        match request.downcast_ref::<UserMediaPermissionRequest>() {
            Some(media) => {
                Request::UserMedia { video: media.is_for_video_device(), audio: media.is_for_audio_device() }
            }
            None => Request::Other,
        }
    }

    /// Shows the question over the window without blocking it; the answer settles every
    /// request kept meanwhile.
    fn show_dialog(view: &WebView, language: shimin_wire::wallet::Language, state: Rc<RefCell<State>>) {
        let texts = prompt(language);
        let parent = view.toplevel().and_then(|w| w.downcast::<gtk::Window>().ok());
        let dialog = gtk::MessageDialog::builder()
            .modal(true)
            .message_type(gtk::MessageType::Question)
            .text(texts.question)
            .secondary_text(texts.detail)
            .build();
        dialog.set_transient_for(parent.as_ref());
        dialog.add_button(texts.deny, gtk::ResponseType::Reject);
        dialog.add_button(texts.allow, gtk::ResponseType::Accept);
        dialog.set_default_response(gtk::ResponseType::Reject);
        // Closing the dialog emits a second response (the delete event's): only the first counts.
        let settled = Cell::new(false);
        dialog.connect_response(move |dialog, response| {
            if settled.replace(true) {
                return;
            }
            let answer = match response {
                gtk::ResponseType::Accept => Answer::Allow,
                gtk::ResponseType::Reject => Answer::Deny,
                _ => Answer::Dismissed,
            };
            let (granted, waiting) = {
                let mut state = state.borrow_mut();
                (state.session.answered(answer), std::mem::take(&mut state.waiting))
            };
            for request in waiting {
                if granted { request.allow() } else { request.deny() }
            }
            dialog.close();
        });
        dialog.show_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAMERA: Request = Request::UserMedia { video: true, audio: false };

    #[test]
    fn only_a_camera_alone_is_a_camera_request() {
        assert!(CAMERA.is_camera_only());
        for other in [
            Request::UserMedia { video: false, audio: true },
            Request::UserMedia { video: true, audio: true },
            Request::UserMedia { video: false, audio: false },
            Request::Other,
        ] {
            assert!(!other.is_camera_only(), "{other:?}");
            // Refused without asking, whatever the user said about the camera.
            for answer in [None, Some(Answer::Allow), Some(Answer::Deny)] {
                let mut session = Session::default();
                if let Some(answer) = answer {
                    assert_eq!(session.decide(CAMERA), Decision::Ask);
                    session.answered(answer);
                }
                assert_eq!(session.decide(other), Decision::Deny, "{other:?} after {answer:?}");
            }
        }
    }

    #[test]
    fn the_first_camera_request_asks_and_those_meanwhile_wait_for_the_answer() {
        let mut session = Session::default();
        assert_eq!(session.decide(CAMERA), Decision::Ask);
        assert_eq!(session.decide(CAMERA), Decision::Wait);
        assert!(session.answered(Answer::Allow));
    }

    #[test]
    fn an_answer_is_remembered_for_the_session_and_a_dismissal_asks_again() {
        let mut allowed = Session::default();
        allowed.decide(CAMERA);
        assert!(allowed.answered(Answer::Allow));
        assert_eq!(allowed.decide(CAMERA), Decision::Allow);
        assert_eq!(allowed.decide(CAMERA), Decision::Allow);

        let mut denied = Session::default();
        denied.decide(CAMERA);
        assert!(!denied.answered(Answer::Deny));
        assert_eq!(denied.decide(CAMERA), Decision::Deny);

        let mut dismissed = Session::default();
        dismissed.decide(CAMERA);
        assert!(!dismissed.answered(Answer::Dismissed));
        assert_eq!(dismissed.decide(CAMERA), Decision::Ask);

        // 去设置: the answer forgotten, the next request asks again.
        denied.forget();
        assert_eq!(denied.decide(CAMERA), Decision::Ask);
        assert!(denied.answered(Answer::Allow));
        assert_eq!(denied.decide(CAMERA), Decision::Allow);

        // A new session (the next start of the app) asks again.
        assert_eq!(Session::default().decide(CAMERA), Decision::Ask);
    }

    #[test]
    fn the_dialog_speaks_every_language_of_the_app() {
        assert_eq!(prompt(Language::ZhHans).question, "允许市民通使用摄像头？");
        assert_eq!((prompt(Language::ZhHans).allow, prompt(Language::ZhHans).deny), ("允许", "拒绝"));
        for language in Language::ALL {
            let p = prompt(language);
            assert!(![p.question, p.detail, p.allow, p.deny].iter().any(|t| t.is_empty()), "{language:?}");
            assert_ne!(p.allow, p.deny);
        }
    }
}

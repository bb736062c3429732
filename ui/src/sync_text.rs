//! The words of the wallet's sync line and of its banner, from the status the core decided: pure,
//! so they are tested on the host (the component that shows them is `components::sync_line`).

use shimin_wire::sync::{SyncLineView, SyncProblemView, SyncStatusView};

use crate::i18n::{Key, Language, t, tf};

/// The line's one sentence; `busy` while "sync now" waits for its round.
pub fn line_text(lang: Language, s: &SyncStatusView, busy: bool) -> String {
    let last = |at: &Option<String>| match at {
        Some(at) => tf(lang, Key::SyncLastAt, &[at]),
        None => t(lang, Key::SyncNever).to_owned(),
    };
    let mut text = match (&s.line, busy) {
        (SyncLineView::Running, _) | (_, true) => t(lang, Key::SyncRunning).to_owned(),
        (SyncLineView::Never, false) => t(lang, Key::SyncNever).to_owned(),
        (SyncLineView::Synced { at }, false) => tf(lang, Key::SyncLastAt, &[at]),
        (SyncLineView::Offline { at }, false) => format!("{} · {}", last(at), t(lang, Key::SyncOfflineOk)),
    };
    if s.pending_outbox > 0 {
        text.push_str(" · ");
        text.push_str(&tf(lang, Key::SyncPending, &[&s.pending_outbox.to_string()]));
    }
    text
}

/// What a problem the user must resolve is called, what to do about it, and whether Settings is
/// where it is done.
pub fn attention_texts(problem: SyncProblemView) -> (Key, Key, bool) {
    match problem {
        SyncProblemView::DeviceRefused => (Key::SyncDeviceRefused, Key::SyncDeviceRefusedAction, true),
        SyncProblemView::Storage => (Key::SyncStorageProblem, Key::SyncStorageAction, false),
        // The core never asks the user about trouble the app rides out by itself; should it, the
        // words for bad data are the safe ones: nothing was stored, try again later.
        SyncProblemView::BadData | SyncProblemView::Offline | SyncProblemView::ServerUnavailable => {
            (Key::SyncBadData, Key::SyncBadDataAction, false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(line: SyncLineView, pending_outbox: u64) -> SyncStatusView {
        SyncStatusView {
            backend_configured: true,
            enrolled: true,
            running: None,
            last_sync_at: Some(0),
            pending_outbox,
            problem: None,
            next_attempt_at: Some(60),
            last_imported: 0,
            line,
            attention: None,
        }
    }

    #[test]
    fn one_sentence_for_each_state_with_no_countdown() {
        let zh = Language::ZhHans;
        let synced = status(SyncLineView::Synced { at: "08:21".into() }, 0);
        assert_eq!(line_text(zh, &synced, false), "上次同步 08:21");
        assert_eq!(line_text(zh, &synced, true), "正在同步…");
        let offline = status(SyncLineView::Offline { at: Some("08:21".into()) }, 2);
        assert_eq!(line_text(zh, &offline, false), "上次同步 08:21 · 离线可出示 · 待上传 2 项");
        assert_eq!(
            line_text(Language::En, &status(SyncLineView::Offline { at: None }, 0), false),
            "Not synced yet · works offline"
        );
    }

    #[test]
    fn each_problem_for_the_user_says_what_to_do() {
        let refused = attention_texts(SyncProblemView::DeviceRefused);
        let storage = attention_texts(SyncProblemView::Storage);
        let bad = attention_texts(SyncProblemView::BadData);
        assert_eq!(
            (refused.2, storage.2, bad.2),
            (true, false, false),
            "only a refused device goes to Settings"
        );
        let actions = [refused.1, storage.1, bad.1].map(|k| t(Language::ZhHans, k));
        assert!(actions[0].contains("设置") && actions[0].contains("仍可出示"), "{}", actions[0]);
        assert!(actions[1].contains("存储"), "{}", actions[1]);
        assert!(actions[2].contains("立即同步"), "{}", actions[2]);
    }
}

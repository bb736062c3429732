//! Spoken guidance during the face check (长辈版, ADR 0004): which texts are said aloud and where
//! their recordings are.
//!
//! The recordings are made when the UI is built, from these very texts in each language
//! (`scripts/voice-prompts.sh` runs eSpeak NG over the list that the host build of this crate
//! prints), and ship in `ui/dist/voice/{language tag}/{stem}.mp3`. Nothing is synthesised on the
//! device, so the voice works offline and on every platform's WebView alike.

use crate::i18n::{Key, Language};

/// The texts said aloud, each with the file stem of its recording. The first [`INSTRUCTIONS`]
/// are things to do, said again while they are still the thing to do.
pub const PROMPTS: &[(&str, Key)] = &[
    ("face-not-found", Key::GuideFaceNotFound),
    ("one-face", Key::GuideOneFace),
    ("move-closer", Key::GuideMoveCloser),
    ("move-back", Key::GuideMoveBack),
    ("center", Key::GuideCenter),
    ("more-light", Key::GuideMoreLight),
    ("less-light", Key::GuideLessLight),
    ("hold-still", Key::GuideHoldStill),
    ("look-straight", Key::GuideLookStraight),
    ("blink", Key::GuideBlink),
    ("open-mouth", Key::GuideOpenMouth),
    ("shake", Key::GuideShake),
    ("turn-left", Key::GuideTurnLeft),
    ("turn-right", Key::GuideTurnRight),
    ("nod", Key::GuideNod),
    ("raise-head", Key::GuideRaiseHead),
    ("done", Key::GuideDone),
    ("checking", Key::LivenessChecking),
    ("passed", Key::LivenessPassedSpoken),
    ("failed-timeout", Key::LivenessFailedTimeout),
    ("failed-wrong-action", Key::LivenessFailedWrongAction),
    ("failed-face-lost", Key::LivenessFailedFaceLost),
    ("failed-face-changed", Key::LivenessFailedFaceChanged),
    ("failed-several-faces", Key::LivenessFailedSeveralFaces),
    ("failed-stream-ended", Key::LivenessFailedStreamEnded),
    ("failed-camera", Key::LivenessFailedCamera),
    ("rejected", Key::ErrorLivenessRejected),
];

/// How many of [`PROMPTS`], from the first, are instructions to follow.
pub const INSTRUCTIONS: usize = 16;

/// Whether `key` is an instruction to follow (said again while it stands), not an outcome.
pub fn is_instruction(key: Key) -> bool {
    PROMPTS[..INSTRUCTIONS].iter().any(|(_, k)| *k == key)
}

/// The file stem of `key`'s recording, when it is said aloud.
pub fn stem_of(key: Key) -> Option<&'static str> {
    PROMPTS.iter().find(|(_, k)| *k == key).map(|(stem, _)| *stem)
}

/// Where `key`'s recording in `lang` is, relative to the page; `None` when it is not said aloud.
pub fn url_of(lang: Language, key: Key) -> Option<String> {
    stem_of(key).map(|stem| format!("voice/{}/{stem}.mp3", lang.tag()))
}

/// One line per recording to make: `tag\tstem\ttext` (what `scripts/voice-prompts.sh` reads).
#[cfg(not(target_arch = "wasm32"))]
pub fn manifest() -> String {
    use crate::i18n::t;
    let mut out = String::new();
    for lang in Language::ALL {
        for (stem, key) in PROMPTS {
            out.push_str(&format!("{}\t{stem}\t{}\n", lang.tag(), t(lang, *key)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use shimin_wire::liveness::{GuidanceView, LivenessFailureView};

    use super::*;
    use crate::i18n::{failure_key, guidance_key};

    #[test]
    fn every_guidance_and_failure_of_the_check_is_said_aloud() {
        let guidance = [
            GuidanceView::FaceNotFound,
            GuidanceView::OneFaceOnly,
            GuidanceView::MoveCloser,
            GuidanceView::MoveBack,
            GuidanceView::CenterFace,
            GuidanceView::MoreLight,
            GuidanceView::LessLight,
            GuidanceView::HoldStill,
            GuidanceView::LookStraight,
            GuidanceView::Blink,
            GuidanceView::OpenMouth,
            GuidanceView::ShakeHead,
            GuidanceView::TurnLeft,
            GuidanceView::TurnRight,
            GuidanceView::Nod,
            GuidanceView::RaiseHead,
            GuidanceView::Done,
        ];
        for g in guidance {
            assert!(stem_of(guidance_key(g)).is_some(), "{g:?} is not said aloud");
        }
        let failures = [
            LivenessFailureView::Timeout,
            LivenessFailureView::WrongAction,
            LivenessFailureView::FaceLost,
            LivenessFailureView::FaceChanged,
            LivenessFailureView::SeveralFaces,
            LivenessFailureView::StreamEnded,
            LivenessFailureView::TimeWentBack,
            LivenessFailureView::Camera,
        ];
        for f in failures {
            assert!(stem_of(failure_key(f)).is_some(), "{f:?} is not said aloud");
        }
    }

    #[test]
    fn each_recording_has_its_own_file_and_a_text_that_can_be_read_aloud() {
        let mut stems: Vec<&str> = PROMPTS.iter().map(|(s, _)| *s).collect();
        stems.sort_unstable();
        stems.dedup();
        assert_eq!(stems.len(), PROMPTS.len(), "two prompts share a file");
        let manifest = manifest();
        assert_eq!(manifest.lines().count(), PROMPTS.len() * Language::ALL.len());
        for line in manifest.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "{line}");
            assert!(fields[1].chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{line}");
            // The recorder is given the text as it is: no placeholder left to fill.
            assert!(!fields[2].contains("{}") && !fields[2].trim().is_empty(), "{line}");
        }
        assert!(is_instruction(Key::GuideBlink) && is_instruction(Key::GuideRaiseHead));
        for outcome in
            [Key::GuideDone, Key::LivenessChecking, Key::LivenessPassedSpoken, Key::ErrorLivenessRejected]
        {
            assert!(!is_instruction(outcome), "{outcome:?} is said once");
        }
        assert_eq!(url_of(Language::ZhHant, Key::GuideBlink).as_deref(), Some("voice/zh-Hant/blink.mp3"));
        assert_eq!(url_of(Language::En, Key::AppName), None);
    }
}

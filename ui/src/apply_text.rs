//! The words of applying online (issue 17): a field's problem, a pre-review finding, a refused
//! file, an application's state — from the codes the app sends, in the user's language.

use shimin_wire::application::{FieldProblemDto, FindingDto};
use shimin_wire::apply::{ApplicationStateView, UploadProblemView};
use shimin_wire::workflow::ApplicationPhaseDto;

use crate::i18n::{Key, Language, t, tf};
use crate::tone::Tone;

/// What is wrong with a field's answer; `label` names another field by its label.
pub fn problem_text(l: Language, p: &FieldProblemDto, label: impl Fn(&str) -> String) -> String {
    match p {
        FieldProblemDto::Missing => t(l, Key::ProblemMissing).to_owned(),
        FieldProblemDto::Unknown | FieldProblemDto::WrongType => t(l, Key::ProblemWrongType).to_owned(),
        FieldProblemDto::TooShort { min } => tf(l, Key::ProblemTooShort, &[&min.to_string()]),
        FieldProblemDto::TooLong { max } => tf(l, Key::ProblemTooLong, &[&max.to_string()]),
        FieldProblemDto::BadCharacters => t(l, Key::ProblemBadCharacters).to_owned(),
        FieldProblemDto::NotANumber => t(l, Key::ProblemNotANumber).to_owned(),
        FieldProblemDto::TooManyPlaces { places } => tf(l, Key::ProblemTooManyPlaces, &[&places.to_string()]),
        FieldProblemDto::BelowMinimum { min } => tf(l, Key::ProblemBelowMinimum, &[min]),
        FieldProblemDto::AboveMaximum { max } => tf(l, Key::ProblemAboveMaximum, &[max]),
        FieldProblemDto::NotADate => t(l, Key::ProblemNotADate).to_owned(),
        FieldProblemDto::TooEarly { earliest } => tf(l, Key::ProblemTooEarly, &[earliest]),
        FieldProblemDto::TooLate { latest } => tf(l, Key::ProblemTooLate, &[latest]),
        FieldProblemDto::NotAnOption | FieldProblemDto::RepeatedChoice => {
            t(l, Key::ProblemNotAnOption).to_owned()
        }
        FieldProblemDto::TooFewChoices { min } => tf(l, Key::ProblemTooFewChoices, &[&min.to_string()]),
        FieldProblemDto::TooManyChoices { max } => tf(l, Key::ProblemTooManyChoices, &[&max.to_string()]),
        FieldProblemDto::BadIdNumber => t(l, Key::ProblemBadIdNumber).to_owned(),
        FieldProblemDto::BadCreditCode => t(l, Key::ProblemBadCreditCode).to_owned(),
        FieldProblemDto::BadPhone => t(l, Key::ProblemBadPhone).to_owned(),
        FieldProblemDto::OutOfOrder { after } => tf(l, Key::ProblemOutOfOrder, &[&label(after)]),
    }
}

/// One finding of a pre-review; `material` names a material by its index, `label` a field.
pub fn finding_text(
    l: Language,
    f: &FindingDto,
    material: impl Fn(u8) -> String,
    label: impl Fn(&str) -> String,
) -> String {
    match f {
        FindingDto::ServiceNotOpen => t(l, Key::FindingServiceNotOpen).to_owned(),
        FindingDto::Field { field, problem } => {
            format!("{}：{}", label(field), problem_text(l, problem, &label))
        }
        FindingDto::MaterialMissing { material: m } => tf(l, Key::FindingMaterialMissing, &[&material(*m)]),
        FindingDto::SourceNotAccepted { material: m, .. } | FindingDto::MaterialUnknown { material: m } => {
            tf(l, Key::FindingSourceNotAccepted, &[&material(*m)])
        }
        FindingDto::UploadRefused { material: m, .. } => tf(l, Key::FindingUpload, &[&material(*m)]),
        FindingDto::PresentationInvalid { material: m, .. }
        | FindingDto::PresentationNotBound { material: m }
        | FindingDto::WrongCertificate { material: m }
        | FindingDto::AttributeMissing { material: m, .. }
        | FindingDto::PresentationWarning { material: m, .. } => {
            tf(l, Key::FindingPresentation, &[&material(*m)])
        }
        FindingDto::AnswerDiffers { field, .. } => tf(l, Key::FindingAnswerDiffers, &[&label(field)]),
        FindingDto::OlderCatalogue { .. } => tf(l, Key::FindingOther, &["—"]),
    }
}

/// Why a file was refused.
pub fn upload_problem_key(p: UploadProblemView) -> Key {
    match p {
        UploadProblemView::Empty => Key::ApplyUploadEmpty,
        UploadProblemView::TooLarge => Key::ApplyUploadTooLarge,
        UploadProblemView::NotAllowed => Key::ApplyUploadNotAllowed,
        UploadProblemView::Mismatch => Key::ApplyUploadMismatch,
        UploadProblemView::BadPicture => Key::ApplyUploadBadPicture,
        UploadProblemView::PdfIncomplete => Key::ApplyUploadPdfIncomplete,
    }
}

/// An application's state as a pill: its words and tone.
pub fn state_pill(s: ApplicationStateView) -> (Key, Tone) {
    match s {
        ApplicationStateView::Waiting => (Key::ApplicationWaiting, Tone::Warn),
        ApplicationStateView::Refused => (Key::ApplicationRefused, Tone::Bad),
        ApplicationStateView::Submitted => (Key::ApplicationSubmitted, Tone::Info),
        ApplicationStateView::Phase(p) => match p {
            ApplicationPhaseDto::Submitted => (Key::ApplicationSubmitted, Tone::Info),
            ApplicationPhaseDto::PreReview => (Key::ApplicationPreReview, Tone::Info),
            ApplicationPhaseDto::ChecksFailed => (Key::ApplicationRefused, Tone::Bad),
            ApplicationPhaseDto::CorrectionRequested => (Key::ApplicationCorrection, Tone::Warn),
            ApplicationPhaseDto::NotAccepted => (Key::ApplicationNotAccepted, Tone::Bad),
            ApplicationPhaseDto::InApproval => (Key::ApplicationInApproval, Tone::Info),
            ApplicationPhaseDto::Approved => (Key::ApplicationApproved, Tone::Ok),
            ApplicationPhaseDto::Refused => (Key::ApplicationRefusedDecision, Tone::Bad),
            ApplicationPhaseDto::ResultIssued => (Key::ApplicationResultIssued, Tone::Ok),
            ApplicationPhaseDto::Closed => (Key::ApplicationClosed, Tone::Neutral),
        },
    }
}

/// An ID number as a prefilled field shows it: the first six and the last four characters.
pub fn masked_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_shows_only_its_region_and_its_last_four() {
        assert_eq!(masked_id("110105199003150021"), "110105********0021");
        assert_eq!(masked_id("123"), "***");
    }

    #[test]
    fn a_problem_names_the_limit_and_the_other_field_by_its_label() {
        let l = Language::ZhHans;
        assert_eq!(problem_text(l, &FieldProblemDto::TooLong { max: 20 }, |k| k.to_owned()), "最多 20 个字");
        assert_eq!(
            problem_text(l, &FieldProblemDto::OutOfOrder { after: "arrived".into() }, |_| "来京日期".into()),
            "不能早于「来京日期」"
        );
        let f = FindingDto::MaterialMissing { material: 1 };
        assert_eq!(
            finding_text(l, &f, |_| "房屋租赁合同".into(), |k| k.to_owned()),
            "缺少材料：房屋租赁合同"
        );
    }
}

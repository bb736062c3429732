//! The application screens' views (`shimin_wire::apply`) in the user's language: the form from
//! the guide's definition, each material's sources, an application's row and page. Pure
//! functions over the domain values; the use cases are [`super::applications`].

use std::collections::BTreeMap;

use shimin_wire::application::FieldValueDto;
use shimin_wire::apply::{
    ApplicationDetailView, ApplicationRowView, ApplicationStateView, ApplyFormView, FieldProblemView,
    FormFieldView, InputView, MaterialSourcesView, OptionView, SourceKindView, SourceView, UnusableView,
    UploadProblemView, WhenView,
};
use shimin_wire::catalogue::ChoiceOptionDto;
use shimin_wire::wallet::Language;

use super::applications::{ApplicationRecord, LocalPhase};
use crate::application::material::{Candidate, Source, Unusable, UploadError};
use crate::catalogue::form::{FieldKind, FieldProblem};
use crate::catalogue::guide::{Requirement, Service};
use crate::catalogue::view::pick;
use crate::cert::CertificateType;

fn options(list: &[ChoiceOptionDto], language: Language) -> Vec<OptionView> {
    list.iter()
        .map(|o| OptionView { code: o.code.clone(), label: pick(&o.label, language).0.to_owned() })
        .collect()
}

fn input(kind: &FieldKind, language: Language) -> InputView {
    match kind {
        FieldKind::Text { max_len, .. } => InputView::Text { max_len: *max_len },
        FieldKind::Integer { .. } => InputView::Integer,
        FieldKind::Decimal { .. } => InputView::Decimal,
        FieldKind::Date { .. } => InputView::Date,
        FieldKind::Choice { options: o } => InputView::Choice { options: options(o, language) },
        FieldKind::MultiChoice { options: o, .. } => InputView::MultiChoice { options: options(o, language) },
        FieldKind::IdNumber => InputView::IdNumber,
        FieldKind::CreditCode => InputView::CreditCode,
        FieldKind::Phone { .. } => InputView::Phone,
        FieldKind::Address { max_len } => InputView::Address { max_len: *max_len },
        FieldKind::YesNo => InputView::YesNo,
    }
}

/// Why a source cannot be used, for the screen (a certificate of another type is never listed).
pub fn unusable_view(u: Unusable) -> UnusableView {
    match u {
        Unusable::CertificateExpired => UnusableView::CertificateExpired,
        Unusable::CertificateNotValid | Unusable::OtherCertificate => UnusableView::CertificateNotValid,
        Unusable::OtherMaterial => UnusableView::OtherMaterial,
        Unusable::NeverReused => UnusableView::NeverReused,
        Unusable::Expired => UnusableView::Expired,
        Unusable::PaperOnly => UnusableView::PaperOnly,
    }
}

/// Why a file was refused, for the screen.
pub fn upload_problem(e: &UploadError) -> UploadProblemView {
    match e {
        UploadError::Empty => UploadProblemView::Empty,
        UploadError::TooLarge | UploadError::TotalTooLarge => UploadProblemView::TooLarge,
        UploadError::NotAllowed => UploadProblemView::NotAllowed,
        UploadError::Mismatch { .. } => UploadProblemView::Mismatch,
        UploadError::Picture(_) => UploadProblemView::BadPicture,
        UploadError::PdfIncomplete => UploadProblemView::PdfIncomplete,
    }
}

fn source_view(c: &Candidate, types: &BTreeMap<String, CertificateType>) -> SourceView {
    let (kind, id) = match &c.source {
        Source::Wallet(id) => (SourceKindView::Wallet, Some(id.clone())),
        Source::Library(id) => (SourceKindView::Library, Some(id.clone())),
        Source::Upload => (SourceKindView::Upload, None),
    };
    SourceView {
        kind,
        certificate_type: id.as_ref().and_then(|i| types.get(i)).map(|t| t.slug().to_owned()),
        id,
        unusable: c.usable.err().map(unusable_view),
    }
}

/// The application page of `service` in `language`: its form with the `values` prefilled, and
/// the `sources` of each material (by index, as [`super::applications::sources`] gave them);
/// `types` names the certificate type of each wallet certificate id.
pub fn form_view(
    service: &Service,
    language: Language,
    values: BTreeMap<String, FieldValueDto>,
    sources: &[Vec<Candidate>],
    types: &BTreeMap<String, CertificateType>,
) -> ApplyFormView {
    let fields = service
        .form
        .as_ref()
        .map(|form| {
            form.fields()
                .iter()
                .map(|f| FormFieldView {
                    key: f.key.clone(),
                    label: pick(&f.label, language).0.to_owned(),
                    help: f.help.as_ref().map(|h| pick(h, language).0.to_owned()),
                    input: input(&f.kind, language),
                    required: f.required,
                    when: f
                        .when
                        .as_ref()
                        .map(|c| WhenView { field: c.field.clone(), one_of: c.one_of.clone() }),
                    prefilled: values.contains_key(&f.key),
                })
                .collect()
        })
        .unwrap_or_default();
    let materials = service
        .materials
        .iter()
        .enumerate()
        .map(|(i, m)| MaterialSourcesView {
            index: u8::try_from(i).unwrap_or(u8::MAX),
            name: pick(&m.name, language).0.to_owned(),
            required: matches!(m.requirement, Requirement::Required),
            condition: match &m.requirement {
                Requirement::Required => None,
                Requirement::Conditional(c) => Some(pick(c, language).0.to_owned()),
            },
            sources: sources
                .get(i)
                .map(|c| c.iter().map(|c| source_view(c, types)).collect())
                .unwrap_or_default(),
        })
        .collect();
    ApplyFormView {
        code: service.code.to_string(),
        name: pick(&service.name, language).0.to_owned(),
        department: pick(&service.organ.name, language).0.to_owned(),
        fields,
        values,
        materials,
    }
}

/// The form's problems, for the screen.
pub fn problems_view(problems: &[FieldProblem]) -> Vec<FieldProblemView> {
    problems
        .iter()
        .map(|p| FieldProblemView { field: p.field.clone(), problem: (&p.problem).into() })
        .collect()
}

/// An application's row in 我的办件.
pub fn row_view(record: &ApplicationRecord, language: Language) -> ApplicationRowView {
    let state = match (record.phase, &record.timeline) {
        (LocalPhase::Waiting, _) => ApplicationStateView::Waiting,
        (LocalPhase::Refused, _) => ApplicationStateView::Refused,
        (LocalPhase::Sent, None) => ApplicationStateView::Submitted,
        (LocalPhase::Sent, Some(t)) => ApplicationStateView::Phase(t.phase),
    };
    ApplicationRowView {
        id: record.id.clone(),
        service: pick(&record.service_name, language).0.to_owned(),
        state,
        created: crate::views::time_text(record.created_at),
        case_no: record.timeline.as_ref().and_then(|t| t.case_no.clone()),
    }
}

/// An application's page; `offline` when the timeline shown is the last known one.
pub fn detail_view(record: &ApplicationRecord, language: Language, offline: bool) -> ApplicationDetailView {
    ApplicationDetailView {
        row: row_view(record, language),
        findings: record.findings.clone(),
        steps: record.timeline.as_ref().map(|t| t.steps.clone()).unwrap_or_default(),
        due: record.timeline.as_ref().and_then(|t| t.due.clone()),
        offline,
    }
}

//! What the 办事 tab shows of a service, in the user's language: the mapping from a parsed
//! [`Service`] to the hall's IPC views, and "已在卡包" — which materials a current wallet
//! certificate satisfies.

use shimin_wire::catalogue::{Localized, MaterialFormDto};
use shimin_wire::hall::{
    FaqView, FeeView, GuideFlagsView, GuideView, LimitView, MaterialFormView, MaterialView, PlaceView,
    ReuseView, ServiceRowView, StepView,
};
use shimin_wire::wallet::Language;

use super::codes::{CaseKind, Theme};
use super::guide::{Material, Requirement, Service, ServiceStatus};
use super::material::ReuseClass;
use super::time_limit::{TimeLimit, TimeUnit};
use crate::cert::CertificateType;

/// A text in `language`, and whether it had to fall back to simplified Chinese.
pub fn pick(text: &Localized, language: Language) -> (&str, bool) {
    match language {
        Language::ZhHans => (&text.hans, false),
        Language::ZhHant => text.hant.as_deref().map_or((&text.hans, false), |t| (t, false)),
        Language::En => text.en.as_deref().map_or((&text.hans, true), |t| (t, false)),
    }
}

/// A theme's name in `language`.
pub fn theme_name(theme: &Theme, language: Language) -> &'static str {
    let (hans, hant, en) = theme.names();
    match language {
        Language::ZhHans => hans,
        Language::ZhHant => hant,
        Language::En => en,
    }
}

/// A time limit for the UI to word.
pub fn limit_view(limit: TimeLimit) -> LimitView {
    match limit {
        TimeLimit::Immediate => LimitView::Immediate,
        TimeLimit::Within { amount, unit: TimeUnit::WorkingDays } => LimitView::WorkingDays { amount },
        TimeLimit::Within { amount, unit: TimeUnit::CalendarDays } => LimitView::CalendarDays { amount },
        TimeLimit::Within { amount, unit: TimeUnit::Hours } => LimitView::Hours { amount },
        TimeLimit::Within { amount, unit: TimeUnit::Months } => LimitView::Months { amount },
    }
}

/// A service as a row of a list.
pub fn row_view(service: &Service, language: Language) -> ServiceRowView {
    ServiceRowView {
        code: service.code.to_string(),
        name: pick(&service.name, language).0.to_owned(),
        department: pick(&service.organ.name, language).0.to_owned(),
        online: service.flags.fully_online,
        promised: limit_view(service.promised_limit),
    }
}

/// Whether a current wallet certificate stands for this material: the material names the
/// certificate type, the wallet holds a current one of it, and the material may be reused at all
/// (a class-4 material is made for each application; a class-2 one only while the certificate
/// is valid, which "current" already says).
pub fn satisfied_by_wallet(material: &Material, current: &[CertificateType]) -> bool {
    material.reuse != ReuseClass::Never && material.satisfied_by.is_some_and(|t| current.contains(&t))
}

/// The guide, in `language`; `current` lists the certificate types of which the wallet holds a
/// current certificate (valid now, not revoked, suspended or replaced); empty while it is locked.
pub fn guide_view(
    service: &Service,
    language: Language,
    current: &[CertificateType],
    favourite: bool,
) -> GuideView {
    let mut untranslated = false;
    let mut text = |t: &Localized| {
        let (s, fell_back) = pick(t, language);
        untranslated |= fell_back;
        s.to_owned()
    };
    let materials = service
        .materials
        .iter()
        .map(|m| MaterialView {
            name: text(&m.name),
            issuer: text(&m.issuer),
            originals: m.originals,
            copies: m.copies,
            condition: match &m.requirement {
                Requirement::Required => None,
                Requirement::Conditional(c) => Some(text(c)),
            },
            form: match m.form {
                MaterialFormDto::Paper => MaterialFormView::Paper,
                MaterialFormDto::Electronic => MaterialFormView::Electronic,
                MaterialFormDto::Either => MaterialFormView::Either,
            },
            reuse: match m.reuse {
                ReuseClass::Unconditional => ReuseView::Unconditional,
                ReuseClass::WithinValidity => ReuseView::WithinValidity,
                ReuseClass::WithoutLimit => ReuseView::WithoutLimit,
                ReuseClass::Never => ReuseView::Never,
            },
            in_wallet: satisfied_by_wallet(m, current),
            certificate: m.satisfied_by.map(|t| t.slug().to_owned()),
            blank_form: m.blank_form.clone(),
            sample: m.sample.clone(),
            notes: m.notes.as_ref().map(&mut text),
        })
        .collect();
    let conditions = service.conditions.iter().map(&mut text).collect();
    let steps = service
        .steps
        .iter()
        .map(|s| StepView { name: text(&s.name), detail: text(&s.detail), limit: s.limit.map(limit_view) })
        .collect();
    let fees = service
        .fees
        .iter()
        .map(|f| FeeView { item: text(&f.item), amount_fen: f.amount_fen, basis: f.basis.clone() })
        .collect();
    let places = service
        .places
        .iter()
        .map(|p| PlaceView {
            name: text(&p.name),
            address: text(&p.address),
            windows: p.windows.clone(),
            hours: text(&p.hours),
        })
        .collect();
    let faq = service.faq.iter().map(|f| FaqView { q: text(&f.q), a: text(&f.a) }).collect();
    let name = text(&service.name);
    let department = text(&service.organ.name);
    let result = text(&service.result.name);
    let themes = service.themes.iter().map(|t| theme_name(t, language).to_owned()).collect();
    GuideView {
        code: service.code.to_string(),
        name,
        department,
        item_type: service.code.basic().item_type().code().to_owned(),
        themes,
        suspended: service.status == ServiceStatus::Suspended,
        flags: GuideFlagsView {
            appointment: service.flags.appointment,
            fully_online: service.flags.fully_online,
            postal_delivery: service.flags.postal_delivery,
            online_payment: service.flags.online_payment,
            immediate: service.case_kind == CaseKind::Immediate,
            visits: service.flags.visits,
        },
        materials,
        conditions,
        steps,
        statutory: limit_view(service.statutory_limit),
        promised: limit_view(service.promised_limit),
        fees,
        places,
        consult_phone: service.phones.consult.clone(),
        supervise_phone: service.phones.supervise.clone(),
        legal_basis: service
            .legal_basis
            .iter()
            .map(|b| match &b.article {
                Some(article) => format!("{} {article}", b.title),
                None => b.title.clone(),
            })
            .collect(),
        faq,
        result,
        result_certificate: service.result.e_certificate.map(|t| t.slug().to_owned()),
        untranslated,
        favourite,
        online: service.form.is_some() && service.is_active(),
    }
}

#[cfg(test)]
mod tests {
    use shimin_wire::catalogue::ServiceDocument;

    use super::*;

    fn service() -> Service {
        let json = include_str!("../../tests/vectors/catalogue/driving-licence-renewal.json");
        let document: ServiceDocument = serde_json::from_str(json).expect("the test vector");
        Service::parse(document).expect("a service")
    }

    #[test]
    fn the_wallet_badge_needs_a_current_certificate_of_the_type_and_a_reusable_material() {
        let s = service();
        let badges = |current: &[CertificateType]| {
            guide_view(&s, Language::ZhHans, current, false)
                .materials
                .iter()
                .map(|m| m.in_wallet)
                .collect::<Vec<_>>()
        };
        assert_eq!(badges(&[]), [false, false, false, false], "a locked wallet holds nothing");
        assert_eq!(badges(&[CertificateType::ResidentIdCard]), [true, false, false, false]);
        assert_eq!(
            badges(&[CertificateType::ResidentIdCard, CertificateType::DrivingLicence]),
            [true, true, false, false]
        );
        // A class-4 material never shows the badge, even when it names a held type.
        let mut form = s.materials[3].clone();
        form.satisfied_by = Some(CertificateType::ResidentIdCard);
        assert!(!satisfied_by_wallet(&form, &[CertificateType::ResidentIdCard]));
    }

    #[test]
    fn texts_follow_the_language_and_say_when_english_is_missing() {
        let s = service();
        let en = guide_view(&s, Language::En, &[], true);
        assert_eq!(en.name, "Driving licence renewal");
        assert_eq!(en.materials[0].name, "Resident identity card");
        assert!(en.untranslated, "the conditions have no English text and are shown in Chinese");
        assert!(en.favourite);
        let hant = guide_view(&s, Language::ZhHant, &[], false);
        assert_eq!(hant.name, "機動車駕駛證換證");
        assert_eq!(hant.department, "北京市公安局朝阳分局", "no Traditional text given: the simplified one");
        assert!(!hant.untranslated);
        assert_eq!(hant.themes, ["交通出行"]);
        assert_eq!(guide_view(&s, Language::En, &[], false).themes, ["Transport and driving"]);
    }

    #[test]
    fn the_guide_keeps_its_sections_limits_and_flags() {
        let g = guide_view(&service(), Language::ZhHans, &[], false);
        assert_eq!(g.item_type, "01");
        assert_eq!((g.statutory, g.promised), (LimitView::WorkingDays { amount: 20 }, LimitView::Immediate));
        assert!(g.flags.immediate && g.flags.fully_online && g.flags.appointment);
        assert_eq!(g.steps.len(), 3);
        assert_eq!(g.steps[2].limit, None);
        assert_eq!(g.fees[0].amount_fen, 1_000);
        assert_eq!(g.materials[2].condition.as_deref(), Some("年满70周岁或申请大型客货车准驾车型的"));
        assert_eq!(g.materials[3].reuse, ReuseView::Never);
        assert_eq!(g.materials[0].certificate.as_deref(), Some("resident-id-card"));
        assert_eq!(g.result_certificate.as_deref(), Some("driving-licence"));
        assert_eq!(g.legal_basis[0], "中华人民共和国道路交通安全法 第二十三条");
        let row = row_view(&service(), Language::En);
        assert_eq!(
            (row.name.as_str(), row.online, row.promised),
            ("Driving licence renewal", true, LimitView::Immediate)
        );
    }
}

//! A complete guide written by hand (`data/services/*.toml`) into its document. The organ's hall
//! and phone are the guide's unless it names its own.

use std::collections::BTreeMap;

use shimin_wire::catalogue::{
    FaqDto, FeeDto, FieldKindDto, FlagsDto, FormDto, Localized, ResultDto, ServiceDocument, ServiceStatusDto,
    StepDto, TimeUnitDto,
};
use shimin_wire::workflow::{BranchDto, ProcessDto, ProcessStepDto, StageDto};

use crate::SeedError;
use crate::hant::to_hant;
use crate::spec::{GuideSpec, MaterialsFile, OrganSpec, ProcessSpec, legal_basis, limit, step_en, text};

pub(crate) fn document(
    guide: &GuideSpec,
    organs: &BTreeMap<String, OrganSpec>,
    materials: &MaterialsFile,
) -> Result<ServiceDocument, SeedError> {
    let name = guide.name.as_str();
    let organ = organs
        .get(&guide.organ)
        .ok_or_else(|| SeedError::UnknownOrgan { service: name.to_owned(), key: guide.organ.clone() })?;
    let code = crate::service_code(&guide.basic, &organ.code, guide.handling.as_deref(), name)?;
    if let Some(slug) = &guide.e_certificate {
        crate::certificate_slug(slug, name)?;
    }
    let promised_limit = limit(&guide.promised, name)?;
    let steps = guide
        .steps
        .iter()
        .map(|s| {
            Ok(StepDto {
                name: text(&s.n, s.en.as_deref().or_else(|| step_en(&s.n))),
                detail: text(&s.d, s.d_en.as_deref()),
                limit: s.t.as_deref().map(|t| limit(t, name)).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, SeedError>>()?;
    let conditions = guide
        .conditions
        .iter()
        .enumerate()
        .map(|(i, c)| text(c, guide.conditions_en.get(i).map(String::as_str)))
        .collect();
    let place = match &guide.place {
        Some(place) => place.place(&guide.windows),
        None => organ.place(&guide.windows),
    };
    let mut phones = organ.phones();
    if let Some(consult) = &guide.consult {
        phones.consult.clone_from(consult);
    }
    Ok(ServiceDocument {
        code,
        name: text(name, Some(&guide.en)),
        aliases: guide.aliases.clone(),
        level: guide.level,
        organ: crate::generate::organ_dto(organ),
        objects: guide.objects.clone(),
        themes: guide.themes.clone(),
        forms: guide.forms.clone(),
        case_kind: if promised_limit.unit == TimeUnitDto::Immediate { 1 } else { 2 },
        cross_region: guide.cross_region,
        legal_basis: guide.legal.iter().map(|l| legal_basis(l)).collect(),
        conditions,
        steps,
        statutory_limit: limit(&guide.statutory, name)?,
        promised_limit,
        fees: guide
            .fees
            .iter()
            .map(|f| FeeDto { item: text(&f.item, Some(&f.en)), amount_fen: f.fen, basis: f.basis.clone() })
            .collect(),
        places: vec![place],
        phones,
        faq: guide
            .faq
            .iter()
            .map(|f| FaqDto { q: text(&f.q, f.q_en.as_deref()), a: text(&f.a, f.a_en.as_deref()) })
            .collect(),
        flags: FlagsDto {
            appointment: guide.flags.appointment,
            fully_online: guide.flags.online,
            postal_delivery: guide.flags.post,
            online_payment: guide.flags.pay,
            visits: guide.flags.visits,
        },
        online_url: guide.online_url.clone(),
        result: ResultDto {
            name: text(&guide.result, Some(&guide.result_en)),
            e_certificate: guide.e_certificate.clone(),
        },
        materials: guide.materials.iter().map(|m| m.resolve(materials, name)).collect::<Result<_, _>>()?,
        special_procedures: guide
            .special
            .iter()
            .enumerate()
            .map(|(i, s)| text(s, guide.special_en.get(i).map(String::as_str)))
            .collect(),
        popularity: guide.popularity,
        status: ServiceStatusDto::Active,
        replaced_by: Vec::new(),
        version: 0,
        form: guide.form.as_ref().map(with_hant),
        process: guide.process.as_ref().map(|p| process(p, organs, name)).transpose()?,
    })
}

/// The form with Traditional Chinese derived for every text that leaves it out.
fn with_hant(form: &FormDto) -> FormDto {
    fn fill(text: &mut Localized) {
        if text.hant.is_none() {
            text.hant = Some(to_hant(&text.hans));
        }
    }
    let mut form = form.clone();
    for field in &mut form.fields {
        fill(&mut field.label);
        if let Some(help) = &mut field.help {
            fill(help);
        }
        if let FieldKindDto::Choice { options } | FieldKindDto::MultiChoice { options, .. } = &mut field.kind
        {
            options.iter_mut().for_each(|o| fill(&mut o.label));
        }
    }
    form
}

/// The process with each branch's organ key turned into its credit code.
fn process(
    spec: &ProcessSpec,
    organs: &BTreeMap<String, OrganSpec>,
    service: &str,
) -> Result<ProcessDto, SeedError> {
    let stages = spec
        .stages
        .iter()
        .map(|stage| {
            let branches = stage
                .branches
                .iter()
                .map(|b| {
                    let organ = organs.get(&b.organ).ok_or_else(|| SeedError::UnknownOrgan {
                        service: service.to_owned(),
                        key: b.organ.clone(),
                    })?;
                    Ok(BranchDto {
                        department: organ.code.clone(),
                        title: b.title.as_deref().map(|t| text(t, b.title_en.as_deref())),
                        steps: b
                            .steps
                            .iter()
                            .map(|s| ProcessStepDto {
                                name: text(&s.n, Some(&s.en)),
                                limit_working_days: s.days,
                            })
                            .collect(),
                    })
                })
                .collect::<Result<Vec<_>, SeedError>>()?;
            Ok(StageDto { branches })
        })
        .collect::<Result<Vec<_>, SeedError>>()?;
    Ok(ProcessDto { stages })
}

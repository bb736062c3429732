//! The seed files' shapes (`data/organs.toml`, `data/materials.toml`, `data/services/*.toml`) and
//! the small conversions every document shares: three-language texts, time limits, legal bases.
//! Unknown keys are refused, so a misspelt field fails the load instead of vanishing.

use serde::Deserialize;
use shimin_wire::catalogue::{
    FormDto, LegalBasisDto, Localized, MaterialDto, MaterialFormDto, PhonesDto, PlaceDto, RequirementDto,
    ReuseClassDto, TimeLimitDto, TimeUnitDto,
};

use crate::SeedError;
use crate::hant::to_hant;

/// A text in three languages: Traditional derived from Simplified, English where written.
pub(crate) fn text(hans: &str, en: Option<&str>) -> Localized {
    Localized { hans: hans.to_owned(), hant: Some(to_hant(hans)), en: en.map(str::to_owned) }
}

/// `now` (即办), or an amount and a unit: `5wd` working days, `30cd` calendar days, `24h` hours,
/// `3mo` months.
pub(crate) fn limit(spec: &str, service: &str) -> Result<TimeLimitDto, SeedError> {
    let bad = || SeedError::Limit { service: service.to_owned(), text: spec.to_owned() };
    if spec == "now" {
        return Ok(TimeLimitDto { amount: None, unit: TimeUnitDto::Immediate });
    }
    let digits = spec.bytes().take_while(u8::is_ascii_digit).count();
    let (amount, unit) = spec.split_at(digits);
    let amount: u16 = amount.parse().map_err(|_| bad())?;
    let unit = match unit {
        "wd" => TimeUnitDto::WorkingDays,
        "cd" => TimeUnitDto::CalendarDays,
        "h" => TimeUnitDto::Hours,
        "mo" => TimeUnitDto::Months,
        _ => return Err(bad()),
    };
    if amount == 0 {
        return Err(bad());
    }
    Ok(TimeLimitDto { amount: Some(amount), unit })
}

/// `《title》第N条` → title and article; `《title》（公安部令第162号）` → the title with its
/// number, no article; anything else is a title.
pub(crate) fn legal_basis(spec: &str) -> LegalBasisDto {
    let inner = spec.strip_prefix('《').and_then(|rest| rest.split_once('》'));
    match inner {
        Some((title, rest)) => {
            let rest = rest.trim();
            if rest.starts_with('第') {
                LegalBasisDto { title: title.to_owned(), article: Some(rest.to_owned()) }
            } else {
                LegalBasisDto { title: format!("{title}{rest}"), article: None }
            }
        }
        None => LegalBasisDto { title: spec.to_owned(), article: None },
    }
}

/// `data/organs.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrgansFile {
    pub organ: Vec<OrganSpec>,
}

/// One implementing organ and its hall.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganSpec {
    pub key: String,
    pub code: String,
    pub name: String,
    pub en: String,
    pub nature: u8,
    pub hall: String,
    pub hall_en: String,
    pub address: String,
    pub address_en: String,
    pub hours: String,
    pub hours_en: String,
    pub consult: String,
    /// Where complaints go (监督电话).
    pub supervise: String,
    /// The law most of its items rest on (the generated guides' legal basis when the item list
    /// names none).
    pub law: String,
}

impl OrganSpec {
    pub(crate) fn place(&self, windows: &str) -> PlaceDto {
        PlaceDto {
            name: text(&self.hall, Some(&self.hall_en)),
            address: text(&self.address, Some(&self.address_en)),
            windows: windows.to_owned(),
            hours: text(&self.hours, Some(&self.hours_en)),
        }
    }

    pub(crate) fn phones(&self) -> PhonesDto {
        PhonesDto { consult: self.consult.clone(), supervise: self.supervise.clone() }
    }
}

/// `data/materials.toml`: the materials many services ask for, by key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MaterialsFile {
    pub material: std::collections::BTreeMap<String, MaterialSpec>,
}

/// A material: written in full, or `use = "key"` of `materials.toml` with some fields changed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MaterialSpec {
    #[serde(rename = "use")]
    pub base: Option<String>,
    pub name: Option<String>,
    pub en: Option<String>,
    pub issuer: Option<String>,
    pub issuer_en: Option<String>,
    pub originals: Option<u8>,
    pub copies: Option<u8>,
    /// Present: the material is conditional, needed in this case.
    pub condition: Option<String>,
    pub condition_en: Option<String>,
    pub form: Option<MaterialFormDto>,
    pub reuse: Option<ReuseClassDto>,
    pub satisfied_by: Option<String>,
    pub notes: Option<String>,
    pub notes_en: Option<String>,
    pub blank_form: Option<String>,
}

impl MaterialSpec {
    /// This material over its base's fields.
    fn over(&self, base: &MaterialSpec) -> MaterialSpec {
        MaterialSpec {
            base: None,
            name: self.name.clone().or_else(|| base.name.clone()),
            en: self.en.clone().or_else(|| base.en.clone()),
            issuer: self.issuer.clone().or_else(|| base.issuer.clone()),
            issuer_en: self.issuer_en.clone().or_else(|| base.issuer_en.clone()),
            originals: self.originals.or(base.originals),
            copies: self.copies.or(base.copies),
            condition: self.condition.clone().or_else(|| base.condition.clone()),
            condition_en: self.condition_en.clone().or_else(|| base.condition_en.clone()),
            form: self.form.or(base.form),
            reuse: self.reuse.or(base.reuse),
            satisfied_by: self.satisfied_by.clone().or_else(|| base.satisfied_by.clone()),
            notes: self.notes.clone().or_else(|| base.notes.clone()),
            notes_en: self.notes_en.clone().or_else(|| base.notes_en.clone()),
            blank_form: self.blank_form.clone().or_else(|| base.blank_form.clone()),
        }
    }

    /// The material's document, its base looked up in `library`.
    pub(crate) fn resolve(&self, library: &MaterialsFile, service: &str) -> Result<MaterialDto, SeedError> {
        let spec = match &self.base {
            Some(key) => {
                let base = library.material.get(key).ok_or_else(|| SeedError::Material {
                    service: service.to_owned(),
                    reason: format!("no material {key:?} in materials.toml"),
                })?;
                self.over(base)
            }
            None => self.clone(),
        };
        let missing = |field: &str| SeedError::Material {
            service: service.to_owned(),
            reason: format!("a material without {field}"),
        };
        let name = spec.name.as_deref().ok_or_else(|| missing("name"))?;
        let issuer = spec.issuer.as_deref().ok_or_else(|| missing("issuer"))?;
        if let Some(slug) = &spec.satisfied_by {
            crate::certificate_slug(slug, service)?;
        }
        Ok(MaterialDto {
            name: text(name, spec.en.as_deref()),
            issuer: text(issuer, spec.issuer_en.as_deref()),
            originals: spec.originals.unwrap_or(1),
            copies: spec.copies.unwrap_or(0),
            requirement: if spec.condition.is_some() {
                RequirementDto::Conditional
            } else {
                RequirementDto::Required
            },
            condition: spec.condition.as_deref().map(|c| text(c, spec.condition_en.as_deref())),
            form: spec.form.unwrap_or(MaterialFormDto::Either),
            blank_form: spec.blank_form.clone(),
            sample: None,
            reuse: spec.reuse.unwrap_or(ReuseClassDto::Never),
            satisfied_by: spec.satisfied_by.clone(),
            notes: spec.notes.as_deref().map(|n| text(n, spec.notes_en.as_deref())),
        })
    }
}

/// `data/services/*.toml`: complete guides.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GuidesFile {
    pub service: Vec<GuideSpec>,
}

/// One complete guide, as written by hand.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GuideSpec {
    /// Basic code: item type (2) + main item (5) + sub item (3).
    pub basic: String,
    /// The handling item `01`–`05`, where the item splits.
    pub handling: Option<String>,
    pub organ: String,
    pub name: String,
    pub en: String,
    pub aliases: Vec<String>,
    pub themes: Vec<String>,
    #[serde(default = "person")]
    pub objects: Vec<u8>,
    #[serde(default = "district")]
    pub level: u8,
    #[serde(default = "all_forms")]
    pub forms: Vec<u8>,
    #[serde(default)]
    pub cross_region: u8,
    pub legal: Vec<String>,
    pub conditions: Vec<String>,
    #[serde(default)]
    pub conditions_en: Vec<String>,
    pub steps: Vec<StepSpec>,
    pub statutory: String,
    pub promised: String,
    #[serde(default)]
    pub fees: Vec<FeeSpec>,
    pub place: Option<PlaceSpec>,
    #[serde(default)]
    pub windows: String,
    pub consult: Option<String>,
    pub faq: Vec<FaqSpec>,
    pub flags: FlagsSpec,
    pub online_url: Option<String>,
    pub result: String,
    pub result_en: String,
    pub e_certificate: Option<String>,
    pub materials: Vec<MaterialSpec>,
    #[serde(default)]
    pub special: Vec<String>,
    #[serde(default)]
    pub special_en: Vec<String>,
    pub popularity: u64,
    /// The online application's form (issue 17), in the wire's own shape; Traditional Chinese is
    /// derived where a text leaves it out.
    pub form: Option<FormDto>,
    /// The approval process, where it is not one branch at the organ.
    pub process: Option<ProcessSpec>,
}

/// An approval process: stages in order, each of branches decided in parallel.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProcessSpec {
    pub stages: Vec<StageSpec>,
}

/// One stage's branches.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StageSpec {
    pub branches: Vec<BranchSpec>,
}

/// One branch: the organ (by its key in `organs.toml`), what it decides, its steps.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BranchSpec {
    pub organ: String,
    pub title: Option<String>,
    pub title_en: Option<String>,
    pub steps: Vec<ProcessStepSpec>,
}

/// One step of a branch and its limit in working days.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProcessStepSpec {
    pub n: String,
    pub en: String,
    pub days: u16,
}

fn person() -> Vec<u8> {
    vec![1]
}

fn district() -> u8 {
    4
}

fn all_forms() -> Vec<u8> {
    vec![1, 2, 3]
}

/// A step: its name (English from the common step names unless given), what happens, its limit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepSpec {
    pub n: String,
    pub en: Option<String>,
    pub d: String,
    pub d_en: Option<String>,
    pub t: Option<String>,
}

/// A fee item, amount in fen.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FeeSpec {
    pub item: String,
    pub en: String,
    pub fen: u64,
    pub basis: String,
}

/// A hall other than the organ's own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaceSpec {
    pub name: String,
    pub en: String,
    pub address: String,
    pub address_en: String,
    pub hours: String,
    pub hours_en: String,
}

impl PlaceSpec {
    pub(crate) fn place(&self, windows: &str) -> PlaceDto {
        PlaceDto {
            name: text(&self.name, Some(&self.en)),
            address: text(&self.address, Some(&self.address_en)),
            windows: windows.to_owned(),
            hours: text(&self.hours, Some(&self.hours_en)),
        }
    }
}

/// A question and its answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaqSpec {
    pub q: String,
    pub a: String,
    pub q_en: Option<String>,
    pub a_en: Option<String>,
}

/// The flags, short.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FlagsSpec {
    pub appointment: bool,
    pub online: bool,
    pub post: bool,
    pub pay: bool,
    pub visits: u8,
}

/// The English name of a common step name.
pub(crate) fn step_en(name: &str) -> Option<&'static str> {
    Some(match name {
        "申请" => "Apply",
        "网上申请" => "Apply online",
        "预约" => "Book an appointment",
        "受理" => "Acceptance",
        "审查" => "Review",
        "审核" => "Examination",
        "核查" => "Verification",
        "调查" => "Investigation",
        "公示" => "Public notice",
        "决定" => "Decision",
        "审批" => "Approval",
        "登记" => "Registration",
        "制证" => "Production",
        "发证" => "Issue",
        "送达" => "Delivery",
        "领取" => "Collection",
        "办结" => "Completion",
        "缴费" => "Payment",
        "发放" => "Payment of the benefit",
        "立案" => "Opening the case",
        "调查取证" => "Investigation and evidence",
        "告知" => "Notice of rights",
        "陈述申辩" => "Statement and defence",
        "执行" => "Enforcement",
        "审批报告" => "Approval of the measure",
        "通知当事人" => "Notifying the party",
        "实施" => "Carrying out",
        "现场笔录" => "On-site record",
        "申报" => "Declaration",
        "核定" => "Assessment",
        "缴纳" => "Payment",
        "检查" => "Inspection",
        "整改" => "Rectification",
        "推荐申报" => "Nomination",
        "颁发" => "Award",
        "裁决" => "Ruling",
        "拍照采集" => "Photo and fingerprints",
        "考试" => "Examination",
        "现场勘验" => "On-site inspection",
        "现场核查" => "On-site check",
        "签字确认" => "Signing",
        "面谈" => "Interview",
        "结算" => "Settlement",
        "备案" => "Filing",
        "体检" => "Medical check",
        "核实" => "Verification",
        "评估" => "Assessment",
        "出具证明" => "Certificate issued",
        "公证" => "Notarisation",
        "指派" => "Assignment of a lawyer",
        "分配学位" => "School place allocated",
        "报到" => "Registration at school",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_now_or_an_amount_with_a_unit() {
        assert_eq!(limit("now", "s").ok(), Some(TimeLimitDto { amount: None, unit: TimeUnitDto::Immediate }));
        assert_eq!(
            limit("20wd", "s").ok(),
            Some(TimeLimitDto { amount: Some(20), unit: TimeUnitDto::WorkingDays })
        );
        assert_eq!(limit("3mo", "s").ok().map(|l| l.unit), Some(TimeUnitDto::Months));
        for bad in ["0wd", "wd", "5", "5 wd", "5days", "", "-1cd", "99999cd"] {
            assert!(limit(bad, "s").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_legal_basis_keeps_an_order_number_in_its_title_and_an_article_apart() {
        let article = legal_basis("《中华人民共和国护照法》第六条");
        assert_eq!(
            (article.title.as_str(), article.article.as_deref()),
            ("中华人民共和国护照法", Some("第六条"))
        );
        let order = legal_basis("《机动车登记规定》（公安部令第164号）");
        assert_eq!((order.title.as_str(), order.article), ("机动车登记规定（公安部令第164号）", None));
        let plain = legal_basis("国家发展改革委、财政部核定的收费标准");
        assert_eq!(plain.title, "国家发展改革委、财政部核定的收费标准");
    }
}

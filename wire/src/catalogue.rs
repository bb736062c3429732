//! HTTP types of the service catalogue (issue 16): a service's full guide as the backend stores
//! and serves it, the search listing, and the versioned changes feed. Public data, no personal
//! data anywhere. The JSON is documented field by field in `docs/formats/catalogue.md`.
//!
//! The core parses a [`ServiceDocument`] into its typed `core::catalogue::Service` before anything
//! stores or shows it: codes, enumerations and sizes are checked there, not here.

use serde::{Deserialize, Serialize};

/// A text in the app's three languages. `hant` is derived from `hans` when the source gives none;
/// `en` is missing where no English text was written (a reader falls back to `hans`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// Simplified Chinese: always present.
    pub hans: String,
    /// Traditional Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hant: Option<String>,
    /// English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

/// A time limit: `{"unit": "immediate"}` (即办) or `{"amount": 20, "unit": "working_days"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimitDto {
    /// How many units; absent for `immediate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u16>,
    /// `immediate`, `working_days`, `calendar_days`, `hours` or `months`.
    pub unit: TimeUnitDto,
}

/// The unit of a [`TimeLimitDto`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnitDto {
    /// 即办: on the spot (no amount).
    Immediate,
    /// 工作日.
    WorkingDays,
    /// 自然日.
    CalendarDays,
    /// 小时.
    Hours,
    /// 月.
    Months,
}

/// The implementing organ (实施主体).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganDto {
    /// Its GB 32100 credit code (实施主体代码).
    pub code: String,
    /// A short stable key, the department facet (`police`, `civil-affairs` …).
    pub key: String,
    /// Its name.
    pub name: Localized,
    /// 实施主体性质, GB/T 39046 A.3: 1 法定机关, 2 授权组织, 3 受委托组织, 9 其他.
    pub nature: u8,
}

/// One legal basis (设定依据).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasisDto {
    /// The law, regulation or rule.
    pub title: String,
    /// The article, where one is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
}

/// One step of the procedure (办理流程).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDto {
    /// The step's name: 申请, 受理, 审查, 决定, 送达 …
    pub name: Localized,
    /// What happens in it.
    pub detail: Localized,
    /// Its own time limit, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<TimeLimitDto>,
}

/// One fee item (收费项目). A service with no fee items is free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeDto {
    /// The item: 工本费 …
    pub item: Localized,
    /// The amount in fen (分).
    pub amount_fen: u64,
    /// Its basis (收费依据).
    pub basis: String,
}

/// Where and when (办理地点, 办理时间).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceDto {
    /// The hall.
    pub name: Localized,
    /// Its address.
    pub address: Localized,
    /// The windows that serve this service.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub windows: String,
    /// Opening hours.
    pub hours: Localized,
}

/// Phone numbers (咨询电话, 监督电话).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhonesDto {
    /// For questions.
    pub consult: String,
    /// For complaints.
    pub supervise: String,
}

/// A frequent question and its answer (常见问题).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqDto {
    /// The question.
    pub q: Localized,
    /// The answer.
    pub a: Localized,
}

/// The service's flags (GB/T 39046 Table 4 #44–#47, and 到现场次数).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagsDto {
    /// 是否支持预约办理.
    pub appointment: bool,
    /// 是否网办: the whole service can be done online.
    pub fully_online: bool,
    /// 是否支持物流快递: the result is sent by post.
    pub postal_delivery: bool,
    /// 是否支持网上支付.
    pub online_payment: bool,
    /// How many times the citizen must come in person (到办事现场次数).
    pub visits: u8,
}

/// The result (结果名称) and the wallet certificate it becomes, if it is an e-certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultDto {
    /// What the citizen receives.
    pub name: Localized,
    /// The wallet certificate type (`driving-licence` …) when the result lands in the wallet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_certificate: Option<String>,
}

/// Whether a material must always be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementDto {
    /// 必备.
    Required,
    /// Only in a case the material's `condition` states.
    Conditional,
}

/// The form a material is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialFormDto {
    /// On paper.
    Paper,
    /// Electronically.
    Electronic,
    /// Either.
    Either,
}

/// The reuse class of seed 002.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReuseClassDto {
    /// (1) 无条件复用.
    Unconditional,
    /// (2) 限期内选择性复用.
    WithinValidity,
    /// (3) 无限期选择性复用.
    WithoutLimit,
    /// (4) 不可复用.
    Never,
}

/// One material the service asks for (申请材料).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialDto {
    /// 材料名称.
    pub name: Localized,
    /// 出具机构: who issues it (or 申请人 for the citizen's own papers).
    pub issuer: Localized,
    /// 原件份数.
    pub originals: u8,
    /// 复印件份数.
    pub copies: u8,
    /// 是否必备材料.
    pub requirement: RequirementDto,
    /// When a conditional material is needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Localized>,
    /// Paper, electronic or either.
    pub form: MaterialFormDto,
    /// Where the blank form can be had (空白表格), a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blank_form: Option<String>,
    /// Where a filled sample can be had (示例样表), a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    /// The reuse class.
    pub reuse: ReuseClassDto,
    /// The wallet certificate type that satisfies it, where one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied_by: Option<String>,
    /// Notes (材料使用说明).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<Localized>,
}

/// A service's state in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatusDto {
    /// In force.
    Active,
    /// Suspended for now (shown, not applied for).
    Suspended,
    /// Cancelled, or replaced by the services in `replaced_by` (split, merged).
    Cancelled,
}

/// A service and its complete guide (办事指南), GB/T 39046 Table 4 with Shimin's additions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDocument {
    /// The service code (实施编码, with the handling item where the item splits).
    pub code: String,
    /// 事项名称.
    pub name: Localized,
    /// 日常用语: what citizens call it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// 行使层级, A.2 (1 国家级 … 7 分级管理).
    pub level: u8,
    /// The implementing organ.
    pub organ: OrganDto,
    /// 服务对象, A.4 codes (1 自然人, 2 企业法人 …).
    pub objects: Vec<u8>,
    /// 服务主题: `person:NNN` or `legal:NNN`.
    pub themes: Vec<String>,
    /// 办理形式, A.5 codes.
    pub forms: Vec<u8>,
    /// 办件类型, A.6: 1 即办件, 2 承诺件.
    pub case_kind: u8,
    /// 通办范围: 0 none, 1 全国, 2 跨省, 3 跨市, 4 跨县.
    pub cross_region: u8,
    /// 设定依据.
    pub legal_basis: Vec<LegalBasisDto>,
    /// 受理条件, one line each.
    pub conditions: Vec<Localized>,
    /// 办理流程.
    pub steps: Vec<StepDto>,
    /// 法定办结时限.
    pub statutory_limit: TimeLimitDto,
    /// 承诺办结时限.
    pub promised_limit: TimeLimitDto,
    /// 收费: empty when free.
    #[serde(default)]
    pub fees: Vec<FeeDto>,
    /// 办理地点与时间.
    pub places: Vec<PlaceDto>,
    /// 咨询电话, 监督电话.
    pub phones: PhonesDto,
    /// 常见问题.
    #[serde(default)]
    pub faq: Vec<FaqDto>,
    /// Flags.
    pub flags: FlagsDto,
    /// 网办地址.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
    /// The result.
    pub result: ResultDto,
    /// The materials.
    pub materials: Vec<MaterialDto>,
    /// 特别程序 (hearings, inspections, expert review), where the service has them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub special_procedures: Vec<Localized>,
    /// Annual case volume: the search's prior.
    pub popularity: u64,
    /// Its state.
    pub status: ServiceStatusDto,
    /// The codes that replace it (split, merge), when cancelled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaced_by: Vec<String>,
    /// The catalogue version that last changed it (0 before the catalogue stores it).
    #[serde(default)]
    pub version: u64,
    /// The approval process (stages of parallel branches, [`ProcessDto`]); absent: one stage,
    /// one branch at the implementing organ, limited by the promised time limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<ProcessDto>,
    /// The online application's form (issue 17); absent: the service takes no online
    /// application through Shimin's form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<FormDto>,
}

/// A service's application form (申请表): its fields, the rules between them, and which
/// conditional materials the answers call for. `core::catalogue::form` parses it whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDto {
    /// The fields, in the order shown.
    pub fields: Vec<FieldDto>,
    /// Rules between two fields (an end date not before a start date …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<FormRuleDto>,
    /// When a conditional material of the guide is needed, by the form's answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub material_conditions: Vec<MaterialConditionDto>,
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDto {
    /// Its key: `a`–`z`, `0`–`9` and `_`, at most 40 characters, unique in the form.
    pub key: String,
    /// Its label.
    pub label: Localized,
    /// A line of help under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Localized>,
    /// What it holds.
    pub kind: FieldKindDto,
    /// Whether it must be answered (when it is shown at all).
    #[serde(default)]
    pub required: bool,
    /// Shown (and asked) only when another field's answer is one of some values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ConditionDto>,
    /// Filled in from a wallet certificate's attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<PrefillDto>,
}

/// What a field holds, with its limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKindDto {
    /// Free text of `min_len`..=`max_len` characters.
    Text {
        /// The fewest characters.
        #[serde(default)]
        min_len: u16,
        /// The most characters.
        max_len: u16,
    },
    /// A whole number in a range.
    Integer {
        /// The least value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// The greatest value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// A decimal number with at most `places` digits after the point, in a range (written as
    /// decimal text, `"0.5"`).
    Decimal {
        /// The most digits after the point.
        places: u8,
        /// The least value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<String>,
        /// The greatest value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<String>,
    },
    /// A date `YYYY-MM-DD` in a range.
    Date {
        /// The earliest day.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        earliest: Option<DateBoundDto>,
        /// The latest day.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latest: Option<DateBoundDto>,
    },
    /// One code of a code list.
    Choice {
        /// The code list.
        options: Vec<ChoiceOptionDto>,
    },
    /// Several codes of a code list.
    MultiChoice {
        /// The code list.
        options: Vec<ChoiceOptionDto>,
        /// The fewest codes when answered.
        #[serde(default)]
        min: u8,
        /// The most codes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u8>,
    },
    /// A resident ID number (GB 11643).
    IdNumber,
    /// A unified social credit code (GB 32100).
    CreditCode,
    /// A mainland phone number: a mobile number, and a landline unless `mobile_only`.
    Phone {
        /// Only a mobile number.
        #[serde(default)]
        mobile_only: bool,
    },
    /// A postal address of at most `max_len` characters.
    Address {
        /// The most characters.
        max_len: u16,
    },
    /// Yes or no.
    YesNo,
}

/// A bound of a date field: a fixed day, or a number of days from the day of checking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DateBoundDto {
    /// `YYYY-MM-DD`.
    Date(String),
    /// Days from today (negative: in the past; 0: today).
    DaysFromToday(i32),
}

/// One code of a choice field's code list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOptionDto {
    /// The code sent: `a`–`z`, `0`–`9`, `_` and `-`, at most 40 characters.
    pub code: String,
    /// What the citizen reads.
    pub label: Localized,
}

/// "When field `field`'s answer is one of `one_of`": choice codes, or `yes` / `no`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionDto {
    /// The key of a choice, multiple-choice or yes/no field.
    pub field: String,
    /// The answers that make the condition hold.
    pub one_of: Vec<String>,
}

/// Where a field's first value comes from: an attribute of a wallet certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefillDto {
    /// The certificate type's slug (`resident-id-card` …), as a material's `satisfied_by`.
    pub certificate: String,
    /// The attribute's name in the registry (`name`, `id_number`, `address` …).
    pub attribute: String,
}

/// A rule between two fields of the same kind (dates, integers or decimals): `later` is not
/// before `earlier` (or strictly after it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormRuleDto {
    /// The key of the field that comes first.
    pub earlier: String,
    /// The key of the field that may not come before it.
    pub later: String,
    /// Whether equal answers break the rule.
    #[serde(default)]
    pub strict: bool,
}

/// A conditional material of the guide (by its index in `materials`) is needed when `when` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialConditionDto {
    /// The material's index in the guide's `materials`.
    pub material: u8,
    /// When it is needed.
    pub when: ConditionDto,
}

/// What a change did to the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOpDto {
    /// A new service.
    Add,
    /// A service's guide changed.
    Change,
    /// The service was split into the services in `replaced_by`.
    Split,
    /// The service was merged into the services in `replaced_by`.
    Merge,
    /// The service is suspended.
    Suspend,
    /// The service is cancelled.
    Cancel,
}

/// One change: the service as it stands after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueChangeDto {
    /// The catalogue version this change made.
    pub version: u64,
    /// What it did.
    pub op: ChangeOpDto,
    /// The service after the change (its `version` equals the change's).
    pub service: ServiceDocument,
}

/// `GET /v1/catalogue/changes?since=V`: the changes after version `since`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueChangesResponse {
    /// The version asked from.
    pub since: u64,
    /// The version the client holds after applying this page.
    pub to: u64,
    /// The catalogue's newest version.
    pub head: u64,
    /// Whether more pages follow (ask again with `since = to`).
    pub more: bool,
    /// Whether this is a whole snapshot that replaces what the client holds (`since` was 0).
    pub reset: bool,
    /// The changes.
    pub changes: Vec<CatalogueChangeDto>,
}

/// One service in a listing, in the language asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The implementing department's name.
    pub department: String,
    /// The department's key (the `department` facet).
    pub department_key: String,
    /// Its first theme's name.
    pub theme: String,
    /// Its theme keys (the `theme` facet).
    pub themes: Vec<String>,
    /// 事项类型, A.1 code.
    pub item_type: String,
    /// Whether it can be done wholly online.
    pub online: bool,
    /// The promised time limit.
    pub promised_limit: TimeLimitDto,
}

/// A facet value and how many of the matching services have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value (a department key, a theme key, `person`/`legal`, `true`/`false`).
    pub key: String,
    /// Its name in the language asked for.
    pub name: String,
    /// How many matching services.
    pub count: u64,
}

/// The facet counts of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Facets {
    /// By department.
    pub department: Vec<FacetCount>,
    /// By theme.
    pub theme: Vec<FacetCount>,
    /// By service object.
    pub object: Vec<FacetCount>,
    /// By whether the service is fully online.
    pub online: Vec<FacetCount>,
}

/// `GET /v1/services`: the matching services, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceListResponse {
    /// How many services match.
    pub total: u64,
    /// The catalogue version searched.
    pub catalogue_version: u64,
    /// The page asked for.
    pub items: Vec<ServiceSummary>,
    /// Facet counts over all matches.
    pub facets: Facets,
}

/// A service's process (办理流程 of approval): stages in order; every branch of a stage is
/// approved in parallel (并联审批) and the stage is decided when all its branches are. A service
/// whose guide has no process is one stage with one branch at the implementing organ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessDto {
    /// The stages, in order (at least one).
    pub stages: Vec<StageDto>,
}

/// One stage: the branches decided in parallel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageDto {
    /// The branches, one per department (at least one).
    pub branches: Vec<BranchDto>,
}

/// One department's branch of a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchDto {
    /// The department's credit code.
    pub department: String,
    /// What the branch decides, where a stage has several (出生医学证明 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Localized>,
    /// Its steps, in order (at least one).
    pub steps: Vec<ProcessStepDto>,
}

/// One step of a branch: 审查, 决定 …
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessStepDto {
    /// Its name.
    pub name: Localized,
    /// Its time limit in working days (at least one).
    pub limit_working_days: u16,
}

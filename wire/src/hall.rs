//! IPC types of the service hall's 办事 tab (issue 16): the hall's home, search results, a
//! service's guide, favourites and the catalogue's sync line. Texts arrive in the language the
//! request names (falling back to simplified Chinese where a text has no translation); what the
//! UI words itself (time units, reuse classes, flags) arrives as enums.

use serde::{Deserialize, Serialize};

use crate::sync::SyncProblemView;
use crate::wallet::Language;

/// Whom the hall is browsed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceView {
    /// 个人办事.
    Person,
    /// 法人办事.
    Legal,
}

/// The hall's home: [`crate::ipc::command::HALL_HOME`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HallHomeRequest {
    /// The language of the texts.
    pub language: Language,
    /// Whose themes to list.
    pub audience: AudienceView,
}

/// The offline catalogue's state line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueStatusView {
    /// The catalogue version held (0: none yet).
    pub version: u64,
    /// How many services are held.
    pub services: u64,
    /// When the last round finished (Unix seconds), if one has.
    pub synced_at: Option<i64>,
    /// Whether a round is running.
    pub syncing: bool,
    /// Why the last round failed, if it did.
    pub problem: Option<SyncProblemView>,
    /// Whether a backend is configured.
    pub configured: bool,
}

/// A theme or a department with its number of services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetView {
    /// The facet's key (`person:095`, `traffic`, `true`).
    pub key: String,
    /// Its name.
    pub name: String,
    /// How many services.
    pub count: u64,
}

/// A time limit, for the UI to word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LimitView {
    /// 即办.
    Immediate,
    /// Within so many working days.
    WorkingDays {
        /// How many.
        amount: u16,
    },
    /// Within so many calendar days.
    CalendarDays {
        /// How many.
        amount: u16,
    },
    /// Within so many hours.
    Hours {
        /// How many.
        amount: u16,
    },
    /// Within so many months.
    Months {
        /// How many.
        amount: u16,
    },
}

/// One service in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRowView {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The implementing department.
    pub department: String,
    /// Whether it can be done wholly online.
    pub online: bool,
    /// The promised limit.
    pub promised: LimitView,
}

/// The hall's home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HallHomeView {
    /// The catalogue line.
    pub catalogue: CatalogueStatusView,
    /// The audience's themes that have services, in table order.
    pub themes: Vec<FacetView>,
    /// The departments, most services first.
    pub departments: Vec<FacetView>,
    /// The citizen's favourites (empty while the wallet is locked).
    pub favourites: Vec<ServiceRowView>,
    /// Recently viewed, newest first (empty while the wallet is locked).
    pub recent: Vec<ServiceRowView>,
}

/// A search or a browse: [`crate::ipc::command::SEARCH_SERVICES`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchServicesRequest {
    /// What the citizen typed (empty: browse).
    pub q: String,
    /// Only this theme.
    pub theme: Option<String>,
    /// Only this department.
    pub department: Option<String>,
    /// Only for this audience.
    pub audience: Option<AudienceView>,
    /// Only services that can (or cannot) be done wholly online.
    pub online: Option<bool>,
    /// How many rows.
    pub limit: u32,
    /// From which row.
    pub offset: u32,
    /// The language of the texts.
    pub language: Language,
}

/// Search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceListView {
    /// How many services match.
    pub total: u64,
    /// The rows asked for, best first.
    pub items: Vec<ServiceRowView>,
    /// The matches by department.
    pub departments: Vec<FacetView>,
    /// The matches by theme.
    pub themes: Vec<FacetView>,
    /// How many matches can be done wholly online.
    pub online: u64,
}

/// A guide: [`crate::ipc::command::SERVICE_GUIDE`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideRequest {
    /// The service's code.
    pub code: String,
    /// The language of the texts.
    pub language: Language,
}

/// How a material given before may be reused (seed 002), for the UI to word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReuseView {
    /// 一次提交、长期复用.
    Unconditional,
    /// 有效期内可复用.
    WithinValidity,
    /// 可复用.
    WithoutLimit,
    /// 每次需提交.
    Never,
}

/// The form a material is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialFormView {
    /// 纸质.
    Paper,
    /// 电子.
    Electronic,
    /// 纸质或电子.
    Either,
}

/// One material in a guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialView {
    /// Its name.
    pub name: String,
    /// Who issues it.
    pub issuer: String,
    /// 原件份数.
    pub originals: u8,
    /// 复印件份数.
    pub copies: u8,
    /// `None`: always needed; otherwise the case it is needed in.
    pub condition: Option<String>,
    /// Paper, electronic or either.
    pub form: MaterialFormView,
    /// The reuse class.
    pub reuse: ReuseView,
    /// The wallet holds a current certificate that satisfies it (已在卡包).
    pub in_wallet: bool,
    /// The wallet certificate type that would satisfy it, as its slug (`resident-id-card`; the UI
    /// names it), if one does.
    pub certificate: Option<String>,
    /// A blank form's address.
    pub blank_form: Option<String>,
    /// A sample's address.
    pub sample: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// One step of the procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    /// Its name.
    pub name: String,
    /// What happens.
    pub detail: String,
    /// Its limit.
    pub limit: Option<LimitView>,
}

/// One fee item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeView {
    /// The item.
    pub item: String,
    /// The amount in fen.
    pub amount_fen: u64,
    /// Its basis.
    pub basis: String,
}

/// Where and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceView {
    /// The hall.
    pub name: String,
    /// Its address.
    pub address: String,
    /// The windows.
    pub windows: String,
    /// Hours.
    pub hours: String,
}

/// A question and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqView {
    /// The question.
    pub q: String,
    /// The answer.
    pub a: String,
}

/// The flags of a guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideFlagsView {
    /// 可预约.
    pub appointment: bool,
    /// 全程网办.
    pub fully_online: bool,
    /// 快递送达.
    pub postal_delivery: bool,
    /// 网上支付.
    pub online_payment: bool,
    /// 即办件.
    pub immediate: bool,
    /// 到现场次数.
    pub visits: u8,
}

/// A service's guide, sections in the order shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideView {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The implementing department.
    pub department: String,
    /// 事项类型, A.1 code (the UI words it).
    pub item_type: String,
    /// Its themes' names.
    pub themes: Vec<String>,
    /// Whether it is suspended (shown, not applied for).
    pub suspended: bool,
    /// Flags.
    pub flags: GuideFlagsView,
    /// The materials.
    pub materials: Vec<MaterialView>,
    /// 受理条件.
    pub conditions: Vec<String>,
    /// 办理流程.
    pub steps: Vec<StepView>,
    /// 法定办结时限.
    pub statutory: LimitView,
    /// 承诺办结时限.
    pub promised: LimitView,
    /// Fees (none: free).
    pub fees: Vec<FeeView>,
    /// Where and when.
    pub places: Vec<PlaceView>,
    /// 咨询电话.
    pub consult_phone: String,
    /// 监督电话.
    pub supervise_phone: String,
    /// 设定依据, one line each.
    pub legal_basis: Vec<String>,
    /// 常见问题.
    pub faq: Vec<FaqView>,
    /// The result's name.
    pub result: String,
    /// The wallet certificate type the result becomes, as its slug (`driving-licence`; the UI
    /// names it), if it is an e-certificate.
    pub result_certificate: Option<String>,
    /// Whether some texts are shown in Chinese for want of a translation.
    pub untranslated: bool,
    /// Whether the citizen marked it a favourite.
    pub favourite: bool,
    /// Whether it can be applied for online now (it has a form and is not suspended).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub online: bool,
}

/// Marks or unmarks a favourite: [`crate::ipc::command::SET_FAVOURITE`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FavouriteRequest {
    /// The service's code.
    pub code: String,
    /// Marked or not.
    pub favourite: bool,
}

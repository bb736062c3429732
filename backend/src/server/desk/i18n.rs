//! The workbench's words in its three languages: 简体中文 by default, 繁體中文 and English as the
//! app offers them. One table per language, every field filled (the compiler checks it).

use shimin_core::catalogue::guide::ServiceStatus;
use shimin_core::catalogue::time_limit::{TimeLimit, TimeUnit};
use shimin_wire::catalogue::Localized;

use crate::service::desk::{DeskError, DeskRole, ServiceAction};

/// A language of the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeskLang {
    /// 简体中文 (the default).
    #[default]
    Hans,
    /// 繁體中文.
    Hant,
    /// English.
    En,
}

impl DeskLang {
    /// Every language, in the order the switch offers them.
    pub const ALL: [Self; 3] = [Self::Hans, Self::Hant, Self::En];

    /// The BCP 47 tag (the document's `lang`, the cookie's value).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Hans => "zh-Hans",
            Self::Hant => "zh-Hant",
            Self::En => "en",
        }
    }

    /// The language of a tag; `None` for any other text.
    pub fn parse(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// The language's name in itself, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Self::Hans => "简体",
            Self::Hant => "繁體",
            Self::En => "English",
        }
    }

    /// `text` in this language, falling back to zh-Hans where it has none.
    pub fn pick(self, text: &Localized) -> &str {
        match self {
            Self::Hans => &text.hans,
            Self::Hant => text.hant.as_deref().unwrap_or(&text.hans),
            Self::En => text.en.as_deref().unwrap_or(&text.hans),
        }
    }

    /// The words of the workbench.
    pub fn t(self) -> &'static Texts {
        match self {
            Self::Hans => &HANS,
            Self::Hant => &HANT,
            Self::En => &EN,
        }
    }

    /// A time limit as a guide states it.
    pub fn limit(self, limit: TimeLimit) -> String {
        match (self, limit) {
            (Self::En, TimeLimit::Immediate) => "on the spot".into(),
            (_, TimeLimit::Immediate) => "即办".into(),
            (Self::En, TimeLimit::Within { amount, unit }) => {
                let unit = match unit {
                    TimeUnit::WorkingDays => "working days",
                    TimeUnit::CalendarDays => "days",
                    TimeUnit::Hours => "hours",
                    TimeUnit::Months => "months",
                };
                format!("{amount} {unit}")
            }
            (lang, TimeLimit::Within { amount, unit }) => {
                let unit = match (unit, lang) {
                    (TimeUnit::WorkingDays, Self::Hant) => "個工作日",
                    (TimeUnit::WorkingDays, _) => "个工作日",
                    (TimeUnit::CalendarDays, _) => "日",
                    (TimeUnit::Hours, Self::Hant) => "小時",
                    (TimeUnit::Hours, _) => "小时",
                    (TimeUnit::Months, Self::Hant) => "個月",
                    (TimeUnit::Months, _) => "个月",
                };
                format!("{amount} {unit}")
            }
        }
    }
}

/// Every text the workbench shows.
#[derive(Debug)]
pub struct Texts {
    /// The product's name in the header.
    pub product: &'static str,
    /// The sign-in page's title.
    pub sign_in_title: &'static str,
    /// The login field's label.
    pub login: &'static str,
    /// The password field's label.
    pub password: &'static str,
    /// The sign-in button.
    pub sign_in: &'static str,
    /// A refused sign-in (the same for every reason).
    pub sign_in_refused: &'static str,
    /// Too many sign-ins from here.
    pub too_many: &'static str,
    /// The session ended by itself.
    pub session_ended: &'static str,
    /// The navigation's label.
    pub navigation: &'static str,
    /// 办件队列.
    pub queue: &'static str,
    /// 事项目录.
    pub catalogue: &'static str,
    /// The catalogue page's line under its title.
    pub catalogue_intro: &'static str,
    /// No services.
    pub catalogue_empty: &'static str,
    /// 退出.
    pub sign_out: &'static str,
    /// The officer's label in the header.
    pub officer: &'static str,
    /// The colon after a label (full-width in Chinese).
    pub colon: &'static str,
    /// The language switch's label.
    pub language: &'static str,
    /// Column and section heads.
    pub name: &'static str,
    /// The service code.
    pub code: &'static str,
    /// The service's state.
    pub state: &'static str,
    /// The promised time limit.
    pub promised: &'static str,
    /// The statutory time limit.
    pub statutory: &'static str,
    /// The catalogue version.
    pub version: &'static str,
    /// 受理条件.
    pub conditions: &'static str,
    /// 申请材料.
    pub materials: &'static str,
    /// 办理流程.
    pub steps: &'static str,
    /// 收费.
    pub fees: &'static str,
    /// Free of charge.
    pub free: &'static str,
    /// The result.
    pub result: &'static str,
    /// The organ.
    pub organ: &'static str,
    /// A conditional material's prefix.
    pub only_if: &'static str,
    /// The actions section.
    pub actions: &'static str,
    /// What a non-administrator sees in place of the actions.
    pub actions_admin_only: &'static str,
    /// Back to the list.
    pub back_to_list: &'static str,
    /// The confirmation page's title.
    pub confirm_title: &'static str,
    /// Confirm.
    pub confirm: &'static str,
    /// Cancel the confirmation (go back without acting).
    pub keep: &'static str,
    /// What suspending does.
    pub suspend_means: &'static str,
    /// What resuming does.
    pub resume_means: &'static str,
    /// What cancelling does.
    pub cancel_means: &'static str,
    /// After an action.
    pub done: &'static str,
    /// Refusals.
    pub other_department: &'static str,
    /// An unknown service.
    pub unknown_service: &'static str,
    /// Only administrators.
    pub not_administrator: &'static str,
    /// The action does not apply.
    pub wrong_state: &'static str,
    /// A form without a valid CSRF token.
    pub forged: &'static str,
    /// Something failed on our side.
    pub failed: &'static str,
    /// The error page's title.
    pub refused_title: &'static str,
    /// Skip to the content.
    pub skip: &'static str,
    /// Suspend, resume, cancel (buttons).
    pub suspend: &'static str,
    /// Resume.
    pub resume: &'static str,
    /// Cancel the service.
    pub cancel: &'static str,
    /// Active, suspended, cancelled.
    pub active: &'static str,
    /// Suspended.
    pub suspended: &'static str,
    /// Cancelled.
    pub cancelled: &'static str,
    /// Roles.
    pub administrator: &'static str,
    /// Reviewer.
    pub reviewer: &'static str,
    /// Issuer.
    pub issuer: &'static str,
}

impl Texts {
    /// A service state's word.
    pub fn status(&self, status: ServiceStatus) -> &'static str {
        match status {
            ServiceStatus::Active => self.active,
            ServiceStatus::Suspended => self.suspended,
            ServiceStatus::Cancelled => self.cancelled,
        }
    }

    /// A role's word.
    pub fn role(&self, role: DeskRole) -> &'static str {
        match role {
            DeskRole::Administrator => self.administrator,
            DeskRole::Reviewer => self.reviewer,
            DeskRole::Issuer => self.issuer,
        }
    }

    /// An action's button.
    pub fn action(&self, action: ServiceAction) -> &'static str {
        match action {
            ServiceAction::Suspend => self.suspend,
            ServiceAction::Resume => self.resume,
            ServiceAction::Cancel => self.cancel,
        }
    }

    /// What an action does, for its confirmation.
    pub fn action_means(&self, action: ServiceAction) -> &'static str {
        match action {
            ServiceAction::Suspend => self.suspend_means,
            ServiceAction::Resume => self.resume_means,
            ServiceAction::Cancel => self.cancel_means,
        }
    }

    /// A refusal's text.
    pub fn refusal(&self, error: &DeskError) -> &'static str {
        match error {
            DeskError::OtherDepartment => self.other_department,
            DeskError::UnknownService => self.unknown_service,
            DeskError::NotAdministrator => self.not_administrator,
            DeskError::WrongState => self.wrong_state,
            DeskError::Service(_) => self.failed,
        }
    }
}

const HANS: Texts = Texts {
    product: "市民通 · 部门工作台",
    sign_in_title: "工作人员登录",
    login: "账号",
    password: "密码",
    sign_in: "登录",
    sign_in_refused: "账号或密码不正确，或账号已被暂时锁定。请核对后重试。",
    too_many: "登录尝试过于频繁，请稍后再试。",
    session_ended: "您已较长时间未操作，登录已失效，请重新登录。",
    navigation: "主导航",
    queue: "办件队列",
    catalogue: "事项目录",
    catalogue_intro: "本部门作为实施主体的政务服务事项。",
    catalogue_empty: "本部门在事项目录中没有事项。",
    sign_out: "退出",
    officer: "工作人员",
    colon: "：",
    language: "语言",
    name: "事项名称",
    code: "事项编码",
    state: "状态",
    promised: "承诺办结时限",
    statutory: "法定办结时限",
    version: "目录版本",
    conditions: "受理条件",
    materials: "申请材料",
    steps: "办理流程",
    fees: "收费",
    free: "不收费",
    result: "办理结果",
    organ: "实施主体",
    only_if: "以下情形需要：",
    actions: "事项管理",
    actions_admin_only: "只有本部门的管理员可以暂停、恢复或取消事项。",
    back_to_list: "返回事项目录",
    confirm_title: "请确认",
    confirm: "确认",
    keep: "返回，不作更改",
    suspend_means: "暂停后，群众端将不再列出该事项，直至恢复。",
    resume_means: "恢复后，该事项重新在群众端列出。",
    cancel_means: "取消后该事项不可恢复，群众端将不再列出。",
    done: "已完成，事项目录已更新。",
    other_department: "该事项不属于本部门，无法查看或操作。",
    unknown_service: "没有找到该事项。",
    not_administrator: "只有本部门的管理员可以暂停、恢复或取消事项。",
    wrong_state: "该事项当前的状态不允许此操作（可能已被他人更改）。请刷新后再试。",
    forged: "该请求未通过安全校验（表单已过期或来源不明），未作任何更改。请返回页面后重试。",
    failed: "系统暂时无法完成该操作，请稍后再试。",
    refused_title: "无法完成",
    skip: "跳到正文",
    suspend: "暂停事项",
    resume: "恢复事项",
    cancel: "取消事项",
    active: "在用",
    suspended: "已暂停",
    cancelled: "已取消",
    administrator: "管理员",
    reviewer: "审核人员",
    issuer: "发证人员",
};

const HANT: Texts = Texts {
    product: "市民通 · 部門工作台",
    sign_in_title: "工作人員登入",
    login: "帳號",
    password: "密碼",
    sign_in: "登入",
    sign_in_refused: "帳號或密碼不正確，或帳號已被暫時鎖定。請核對後重試。",
    too_many: "登入嘗試過於頻繁，請稍後再試。",
    session_ended: "您已較長時間未操作，登入已失效，請重新登入。",
    navigation: "主導覽",
    queue: "辦件佇列",
    catalogue: "事項目錄",
    catalogue_intro: "本部門作為實施主體的政務服務事項。",
    catalogue_empty: "本部門在事項目錄中沒有事項。",
    sign_out: "退出",
    officer: "工作人員",
    colon: "：",
    language: "語言",
    name: "事項名稱",
    code: "事項編碼",
    state: "狀態",
    promised: "承諾辦結時限",
    statutory: "法定辦結時限",
    version: "目錄版本",
    conditions: "受理條件",
    materials: "申請材料",
    steps: "辦理流程",
    fees: "收費",
    free: "不收費",
    result: "辦理結果",
    organ: "實施主體",
    only_if: "以下情形需要：",
    actions: "事項管理",
    actions_admin_only: "只有本部門的管理員可以暫停、恢復或取消事項。",
    back_to_list: "返回事項目錄",
    confirm_title: "請確認",
    confirm: "確認",
    keep: "返回，不作更改",
    suspend_means: "暫停後，民眾端將不再列出該事項，直至恢復。",
    resume_means: "恢復後，該事項重新在民眾端列出。",
    cancel_means: "取消後該事項不可恢復，民眾端將不再列出。",
    done: "已完成，事項目錄已更新。",
    other_department: "該事項不屬於本部門，無法檢視或操作。",
    unknown_service: "沒有找到該事項。",
    not_administrator: "只有本部門的管理員可以暫停、恢復或取消事項。",
    wrong_state: "該事項目前的狀態不允許此操作（可能已被他人更改）。請重新整理後再試。",
    forged: "該請求未通過安全校驗（表單已過期或來源不明），未作任何更改。請返回頁面後重試。",
    failed: "系統暫時無法完成該操作，請稍後再試。",
    refused_title: "無法完成",
    skip: "跳到正文",
    suspend: "暫停事項",
    resume: "恢復事項",
    cancel: "取消事項",
    active: "在用",
    suspended: "已暫停",
    cancelled: "已取消",
    administrator: "管理員",
    reviewer: "審核人員",
    issuer: "發證人員",
};

const EN: Texts = Texts {
    product: "Shimin · Department workbench",
    sign_in_title: "Staff sign-in",
    login: "Account",
    password: "Password",
    sign_in: "Sign in",
    sign_in_refused: "The account or password is not right, or the account is locked for a while. Check them and try again.",
    too_many: "Too many sign-in attempts. Please try again later.",
    session_ended: "You were away for a while, so you were signed out. Please sign in again.",
    navigation: "Main navigation",
    queue: "Applications",
    catalogue: "Service catalogue",
    catalogue_intro: "The government services your department implements.",
    catalogue_empty: "Your department has no services in the catalogue.",
    sign_out: "Sign out",
    officer: "Officer",
    colon: ": ",
    language: "Language",
    name: "Service",
    code: "Service code",
    state: "State",
    promised: "Promised time limit",
    statutory: "Statutory time limit",
    version: "Catalogue version",
    conditions: "Conditions",
    materials: "Materials",
    steps: "Procedure",
    fees: "Fees",
    free: "Free of charge",
    result: "Result",
    organ: "Implementing organ",
    only_if: "Needed when: ",
    actions: "Manage this service",
    actions_admin_only: "Only your department's administrators may suspend, resume or cancel a service.",
    back_to_list: "Back to the catalogue",
    confirm_title: "Please confirm",
    confirm: "Confirm",
    keep: "Go back without changes",
    suspend_means: "Once suspended, citizens no longer see the service listed until it is resumed.",
    resume_means: "Once resumed, the service is listed for citizens again.",
    cancel_means: "A cancelled service cannot be resumed; citizens no longer see it listed.",
    done: "Done: the catalogue is updated.",
    other_department: "This service belongs to another department: you cannot view or change it.",
    unknown_service: "No such service.",
    not_administrator: "Only your department's administrators may suspend, resume or cancel a service.",
    wrong_state: "The service's current state does not allow this (someone may have changed it). Reload and try again.",
    forged: "The request failed the security check (the form expired or came from elsewhere); nothing was changed. Go back and try again.",
    failed: "The system could not do this just now. Please try again later.",
    refused_title: "Not done",
    skip: "Skip to content",
    suspend: "Suspend",
    resume: "Resume",
    cancel: "Cancel service",
    active: "In force",
    suspended: "Suspended",
    cancelled: "Cancelled",
    administrator: "Administrator",
    reviewer: "Reviewer",
    issuer: "Issuer",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_unknown_tags_are_refused() {
        for lang in DeskLang::ALL {
            assert_eq!(DeskLang::parse(lang.tag()), Some(lang));
        }
        assert_eq!(DeskLang::parse("fr"), None);
        assert_eq!(DeskLang::default(), DeskLang::Hans);
    }

    #[test]
    fn limits_read_in_each_language() {
        let limit = TimeLimit::Within { amount: 20, unit: TimeUnit::WorkingDays };
        assert_eq!(DeskLang::Hans.limit(limit), "20 个工作日");
        assert_eq!(DeskLang::Hant.limit(limit), "20 個工作日");
        assert_eq!(DeskLang::En.limit(limit), "20 working days");
        assert_eq!(DeskLang::En.limit(TimeLimit::Immediate), "on the spot");
    }
}

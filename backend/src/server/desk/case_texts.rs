//! The words of the workbench's application pages (办件队列, an application, 整改工单, the hall
//! window) in its three languages; one line per text, every language filled (the macro makes a
//! missing one a compile error).

use shimin_wire::workflow::{
    ApplicationPhaseDto, EventActionDto, QueueTabDto, SpecialProcedureDto, StepStateDto,
};

use super::i18n::DeskLang;
use crate::store::MaterialSource;

macro_rules! texts {
    ($($(#[$doc:meta])* $field:ident: $hans:expr, $hant:expr, $en:expr;)*) => {
        /// Every text of the application pages.
        #[derive(Debug)]
        pub struct CaseTexts { $($(#[$doc])* pub $field: &'static str,)* }
        static HANS: CaseTexts = CaseTexts { $($field: $hans,)* };
        static HANT: CaseTexts = CaseTexts { $($field: $hant,)* };
        static EN: CaseTexts = CaseTexts { $($field: $en,)* };
    };
}

texts! {
    /// The tabs' label.
    tabs: "办件分类", "辦件分類", "Queues";
    /// The pre-review tab.
    tab_pre_review: "待预审", "待預審", "Pre-review";
    /// The in-approval tab.
    tab_in_approval: "审批中", "審批中", "In approval";
    /// The overdue tab.
    tab_overdue: "已逾期", "已逾期", "Overdue";
    /// The closed tab.
    tab_closed: "已办结", "已辦結", "Closed";
    /// The case number column.
    col_case: "办件编号", "辦件編號", "Case number";
    /// The service column.
    col_service: "事项", "事項", "Service";
    /// The arrival column.
    col_arrived: "收件时间", "收件時間", "Arrived";
    /// The due column.
    col_due: "办理期限", "辦理期限", "Due";
    /// The due column of the pre-review tab (the art. 32 day).
    col_due_pre: "受理期限（第三十二条）", "受理期限（第三十二條）", "Accept by (art. 32)";
    /// The step column.
    col_step: "当前环节", "當前環節", "Step";
    /// The state column.
    col_state: "状态", "狀態", "State";
    /// An overdue row's flag.
    overdue: "已逾期", "已逾期", "Overdue";
    /// A stopped clock in the due column.
    clock_stopped: "计时中止", "計時中止", "Clock stopped";
    /// A tab with no rows.
    tab_empty: "此分类下没有办件。", "此分類下沒有辦件。", "No applications here.";
    /// An application without a case number yet.
    not_yet_accepted: "申请", "申請", "Application";
    /// The previous page.
    prev_page: "上一页", "上一頁", "Previous page";
    /// The next page.
    next_page: "下一页", "下一頁", "Next page";
    /// The page's label before its number.
    page: "页码", "頁碼", "Page";
    /// The back link to the queue.
    back_to_queue: "返回办件队列", "返回辦件佇列", "Back to the queue";
    /// An application's page title.
    application: "办件", "辦件", "Application";
    /// The applicant section.
    applicant: "申请人", "申請人", "Applicant";
    /// The name.
    name: "姓名", "姓名", "Name";
    /// The identity number.
    id_number: "身份号码", "身分號碼", "ID number";
    /// Shows the whole identity number.
    show: "显示", "顯示", "Show";
    /// Hides it again.
    hide: "隐藏", "隱藏", "Hide";
    /// Not in the registry.
    unknown: "（无记录）", "（無記錄）", "(no record)";
    /// The service.
    service: "事项", "事項", "Service";
    /// The phase.
    phase: "状态", "狀態", "State";
    /// The whole application's due date.
    due: "办理期限", "辦理期限", "Due";
    /// The form's answers.
    answers: "申请表内容", "申請表內容", "Form answers";
    /// No answers.
    no_answers: "没有表单内容。", "沒有表單內容。", "No form answers.";
    /// Yes.
    yes: "是", "是", "Yes";
    /// No.
    no: "否", "否", "No";
    /// The materials section.
    materials: "申请材料", "申請材料", "Materials";
    /// No materials.
    no_materials: "没有材料。", "沒有材料。", "No materials.";
    /// The source column.
    source: "来源", "來源", "Source";
    /// The reference column.
    reference: "凭据", "憑據", "Reference";
    /// The link to an upload.
    view_file: "查看文件", "查看檔案", "View file";
    /// An upload whose bytes have not arrived.
    not_arrived: "文件尚未收到", "檔案尚未收到", "File not received yet";
    /// The wallet presentations' section.
    presentations: "电子证照核验", "電子證照核驗", "E-certificate checks";
    /// What the section says.
    presentations_note: "卡包出示的电子证照，打开本页时用信任列表和状态列表重新核验：", "卡包出示的電子證照，開啟本頁時用信任列表和狀態列表重新核驗：", "Each wallet presentation, verified again against the trust and status lists as this page opened:";
    /// A valid presentation.
    verdict_valid: "有效", "有效", "Valid";
    /// A presentation with warnings.
    verdict_warning: "需注意", "需注意", "Check";
    /// An invalid presentation.
    verdict_invalid: "无效", "無效", "Invalid";
    /// The timeline section.
    timeline: "办理过程", "辦理過程", "Timeline";
    /// The steps section.
    steps: "审批环节", "審批環節", "Approval steps";
    /// No step yet.
    no_steps: "受理后开始审批环节。", "受理後開始審批環節。", "Approval starts once accepted.";
    /// The step column of the steps and the timeline.
    col_step_name: "环节", "環節", "Step";
    /// The department column.
    col_department: "部门", "部門", "Department";
    /// The holder column.
    col_holder: "承办人", "承辦人", "Held by";
    /// The action column.
    col_action: "动作", "動作", "Action";
    /// The officer column.
    col_officer: "经办人", "經辦人", "Officer";
    /// The unit column.
    col_unit: "单位", "單位", "Unit";
    /// The start column.
    col_start: "开始", "開始", "Start";
    /// The end column.
    col_end: "结束", "結束", "End";
    /// The note column.
    col_note: "说明", "說明", "Note";
    /// The department's queue as holder.
    department_queue: "本部门", "本部門", "The department";
    /// The actions section.
    actions: "办理", "辦理", "Act";
    /// No action is the department's now.
    no_actions: "本部门当前没有可办理的操作。", "本部門當前沒有可辦理的操作。", "Nothing for this department to do now.";
    /// 受理.
    accept: "受理", "受理", "Accept";
    /// 补正.
    correction: "补正", "補正", "Request correction";
    /// What the correction form asks.
    correction_hint: "勾选需要补正的每项材料或字段，逐项写明原因，一次提交。", "勾選需要補正的每項材料或欄位，逐項寫明原因，一次提交。", "Tick every material or field to fix, give each its reason, and send them all at once.";
    /// A material or field's reason box.
    reason_for: "原因：", "原因：", "Reason: ";
    /// 不予受理.
    not_accept: "不予受理", "不予受理", "Refuse to accept";
    /// The reason field.
    reason: "原因（必填）", "原因（必填）", "Reason (required)";
    /// 通过.
    approve: "通过", "通過", "Approve";
    /// 不予许可.
    refuse: "不予许可", "不予許可", "Refuse";
    /// 转办.
    forward: "转办", "轉辦", "Forward";
    /// The officer field of a forward.
    forward_officer: "承办人账号", "承辦人帳號", "Officer's login";
    /// The unit field of a forward.
    forward_unit: "单位统一社会信用代码", "單位統一社會信用代碼", "Unit's credit code";
    /// 中止计时.
    stop_clock: "中止计时", "中止計時", "Stop the clock";
    /// The procedure field.
    procedure: "特别程序", "特別程序", "Special procedure";
    /// 恢复计时.
    restart_clock: "恢复计时", "恢復計時", "Restart the clock";
    /// The step an action form acts on.
    on_step: "环节：", "環節：", "Step: ";
    /// An action taken.
    done: "已办理。", "已辦理。", "Done.";
    /// A double submit.
    already_done: "已处理：这项操作已经完成，没有重复办理。", "已處理：這項操作已經完成，沒有重複辦理。", "Already done: this action was taken; nothing was done twice.";
    /// A stale version.
    stale: "该办件已被他人处理，请刷新。", "該辦件已被他人處理，請重新整理。", "Someone else has acted on this application; please reload.";
    /// The refresh link.
    refresh: "刷新", "重新整理", "Reload";
    /// An action the workflow refused.
    action_refused: "操作未被接受：", "操作未被接受：", "The action was not accepted: ";
    /// A form that does not make an action.
    bad_form: "表单不完整：请填写所需内容后再提交。", "表單不完整：請填寫所需內容後再提交。", "The form is incomplete: fill in what it needs and send it again.";
    /// No such application for this department.
    not_found: "没有这个办件，或本部门不参与此办件。", "沒有這個辦件，或本部門不參與此辦件。", "No such application, or this department takes no part in it.";
    /// 整改工单.
    rectifications: "整改工单", "整改工單", "Rectification tickets";
    /// What the rectification page says.
    rectifications_intro: "差评开启的整改工单。回访与整改报告的办理表单将在评价功能接入后开放。", "差評開啟的整改工單。回訪與整改報告的辦理表單將在評價功能接入後開放。", "Tickets opened by bad ratings. The call-back and report forms open once ratings are connected.";
    /// No tickets.
    no_rectifications: "没有整改工单。", "沒有整改工單。", "No rectification tickets.";
    /// Opened column.
    col_opened: "开启时间", "開啟時間", "Opened";
    /// Call-back due column.
    col_call_back_due: "回访期限", "回訪期限", "Call back by";
    /// Report due column.
    col_report_due: "整改期限", "整改期限", "Report by";
    /// Called back column.
    col_called_back: "回访", "回訪", "Call-back";
    /// Report column.
    col_report: "整改报告", "整改報告", "Report";
    /// The citizen's verdict column.
    col_verdict: "群众评价", "群眾評價", "Citizen's verdict";
    /// Not yet.
    not_yet: "未完成", "未完成", "Not yet";
    /// Satisfied.
    satisfied: "满意", "滿意", "Satisfied";
    /// Not satisfied.
    unsatisfied: "不满意", "不滿意", "Not satisfied";
    /// 窗口扫码.
    hall: "窗口扫码", "窗口掃碼", "Hall window";
    /// What the hall page says.
    hall_intro: "用扫码枪扫描群众出示的办件二维码（或粘贴其内容），然后按“查询”。只显示办理进度，不显示材料。", "用掃碼槍掃描群眾出示的辦件二維碼（或貼上其內容），然後按「查詢」。只顯示辦理進度，不顯示材料。", "Scan the citizen's case QR with the scanner (or paste its text), then press Look up. Only progress is shown, never the materials.";
    /// The code field.
    hall_code: "办件二维码内容", "辦件二維碼內容", "Case QR text";
    /// The look-up button.
    hall_lookup: "查询", "查詢", "Look up";
    /// A forged or altered code.
    hall_bad_code: "二维码无效：不是政务系统签发的办件二维码，或内容已被改动。请勿办理。", "二維碼無效：不是政務系統簽發的辦件二維碼，或內容已被改動。請勿辦理。", "Invalid code: not a case QR signed by a government department, or it was altered. Do not proceed.";
    /// A genuine code whose case is not here.
    hall_not_here: "二维码真实，但本系统中没有这个办件。", "二維碼真實，但本系統中沒有這個辦件。", "The code is genuine, but this system has no such case.";
    /// The verified code's heading.
    hall_verified: "二维码验证通过", "二維碼驗證通過", "Code verified";
    /// The accepting department.
    accepting_department: "受理部门", "受理部門", "Accepting department";
}

impl DeskLang {
    /// The application pages' words.
    pub fn c(self) -> &'static CaseTexts {
        match self {
            Self::Hans => &HANS,
            Self::Hant => &HANT,
            Self::En => &EN,
        }
    }
}

impl CaseTexts {
    /// A tab's name.
    pub fn tab(&self, tab: QueueTabDto) -> &'static str {
        match tab {
            QueueTabDto::PreReview => self.tab_pre_review,
            QueueTabDto::InApproval => self.tab_in_approval,
            QueueTabDto::Overdue => self.tab_overdue,
            QueueTabDto::Closed => self.tab_closed,
        }
    }

    /// A material's source.
    pub fn source_name(&self, lang: DeskLang, source: MaterialSource) -> &'static str {
        match (source, lang) {
            (MaterialSource::Wallet, DeskLang::Hans) => "电子证照（卡包出示）",
            (MaterialSource::Wallet, DeskLang::Hant) => "電子證照（卡包出示）",
            (MaterialSource::Wallet, DeskLang::En) => "E-certificate (wallet presentation)",
            (MaterialSource::Library, DeskLang::Hans) => "材料库",
            (MaterialSource::Library, DeskLang::Hant) => "材料庫",
            (MaterialSource::Library, DeskLang::En) => "Material library",
            (MaterialSource::Upload, DeskLang::Hans) => "上传文件",
            (MaterialSource::Upload, DeskLang::Hant) => "上傳檔案",
            (MaterialSource::Upload, DeskLang::En) => "Upload",
        }
    }
}

impl DeskLang {
    /// Where an application stands.
    pub fn phase(self, phase: ApplicationPhaseDto) -> &'static str {
        use ApplicationPhaseDto as P;
        let [hans, hant, en] = match phase {
            P::Submitted => ["已提交", "已提交", "Submitted"],
            P::ChecksFailed => ["自动核验未通过", "自動核驗未通過", "Automatic checks failed"],
            P::PreReview => ["待预审", "待預審", "Waiting for pre-review"],
            P::CorrectionRequested => ["待补正", "待補正", "Correction requested"],
            P::NotAccepted => ["不予受理", "不予受理", "Not accepted"],
            P::InApproval => ["审批中", "審批中", "In approval"],
            P::Approved => ["审批通过", "審批通過", "Approved"],
            P::Refused => ["不予许可", "不予許可", "Refused"],
            P::ResultIssued => ["结果已出", "結果已出", "Result issued"],
            P::Closed => ["已办结", "已辦結", "Closed"],
        };
        self.of3(hans, hant, en)
    }

    /// What an event recorded.
    pub fn event(self, action: EventActionDto) -> &'static str {
        use EventActionDto as E;
        let [hans, hant, en] = match action {
            E::Submitted => ["提交", "提交", "Submitted"],
            E::ChecksPassed => ["自动核验通过", "自動核驗通過", "Checks passed"],
            E::ChecksFailed => ["自动核验未通过", "自動核驗未通過", "Checks failed"],
            E::Accepted => ["受理", "受理", "Accepted"],
            E::DeemedAccepted => ["依法视为受理", "依法視為受理", "Deemed accepted"],
            E::CorrectionRequested => ["要求补正", "要求補正", "Correction requested"],
            E::Resubmitted => ["补正后重新提交", "補正後重新提交", "Resubmitted"],
            E::NotAccepted => ["不予受理", "不予受理", "Not accepted"],
            E::StepApproved => ["通过", "通過", "Approved"],
            E::StepRefused => ["不予许可", "不予許可", "Refused"],
            E::Forwarded => ["转办", "轉辦", "Forwarded"],
            E::ClockStopped => ["中止计时", "中止計時", "Clock stopped"],
            E::ClockRestarted => ["恢复计时", "恢復計時", "Clock restarted"],
            E::ClosedNotNeeded => ["无需办理", "無需辦理", "Not needed"],
            E::StageDecided => ["阶段办结", "階段辦結", "Stage decided"],
            E::ResultIssued => ["出具结果", "出具結果", "Result issued"],
            E::Closed => ["办结", "辦結", "Closed"],
            E::Escalated => ["督办", "督辦", "Escalated"],
        };
        self.of3(hans, hant, en)
    }

    /// Where a step stands.
    pub fn step_state(self, state: StepStateDto) -> &'static str {
        use StepStateDto as S;
        let [hans, hant, en] = match state {
            S::Waiting => ["未开始", "未開始", "Waiting"],
            S::Active => ["办理中", "辦理中", "In progress"],
            S::Stopped => ["计时中止", "計時中止", "Clock stopped"],
            S::Approved => ["已通过", "已通過", "Approved"],
            S::Refused => ["不予许可", "不予許可", "Refused"],
            S::NotNeeded => ["无需办理", "無需辦理", "Not needed"],
        };
        self.of3(hans, hant, en)
    }

    /// A special procedure's name.
    pub fn procedure(self, procedure: SpecialProcedureDto) -> &'static str {
        use SpecialProcedureDto as S;
        let [hans, hant, en] = match procedure {
            S::Hearing => ["听证", "聽證", "Hearing"],
            S::Inspection => ["现场勘查、检验检测", "現場勘查、檢驗檢測", "Inspection or testing"],
            S::ExpertReview => ["专家评审", "專家評審", "Expert review"],
            S::PublicNotice => ["公示、公告", "公示、公告", "Public notice"],
        };
        self.of3(hans, hant, en)
    }

    /// A due date that waits for its year's holiday notice (never guessed).
    pub fn awaits_notice(self, year: i32) -> String {
        match self {
            Self::Hans => format!("待{year}年节假日安排公布后计算"),
            Self::Hant => format!("待{year}年節假日安排公布後計算"),
            Self::En => format!("counted once the {year} holiday notice is published"),
        }
    }

    fn of3(self, hans: &'static str, hant: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::Hans => hans,
            Self::Hant => hant,
            Self::En => en,
        }
    }
}

//! The words of the service hall (办事): time limits, fees, reuse classes, flags, counts and the
//! offline catalogue's line, from the enums the app sends. Pure, so they are tested on the host
//! (the pages that show them are `pages::hall`).

use shimin_wire::hall::{
    CatalogueStatusView, GuideFlagsView, LimitView, MaterialFormView, ReuseView, ServiceRowView,
};
use shimin_wire::sync::SyncProblemView;

use crate::clock::china_date;
use crate::i18n::{Key, Language, t, tf};

/// `n` with a comma every three digits: "1,024".
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A time limit: "即办", "5 个工作日", "1 working day".
pub fn limit_text(lang: Language, limit: LimitView) -> String {
    let (amount, one, many) = match limit {
        LimitView::Immediate => return t(lang, Key::LimitImmediate).to_owned(),
        LimitView::WorkingDays { amount } => (amount, Key::LimitWorkingDay, Key::LimitWorkingDays),
        LimitView::CalendarDays { amount } => (amount, Key::LimitCalendarDay, Key::LimitCalendarDays),
        LimitView::Hours { amount } => (amount, Key::LimitHour, Key::LimitHours),
        LimitView::Months { amount } => (amount, Key::LimitMonth, Key::LimitMonths),
    };
    tf(lang, if amount == 1 { one } else { many }, &[&amount.to_string()])
}

/// How a service's promised limit reads on a list row and in the flags: "即办件", "承诺 5 个工作日".
pub fn promise_text(lang: Language, promised: LimitView) -> String {
    match promised {
        LimitView::Immediate => t(lang, Key::FlagImmediate).to_owned(),
        other => tf(lang, Key::FlagPromised, &[&limit_text(lang, other)]),
    }
}

/// An amount in fen as yuan: "10 元", "12.50 元", "CNY 10".
pub fn yuan_text(lang: Language, amount_fen: u64) -> String {
    let (yuan, fen) = (amount_fen / 100, amount_fen % 100);
    let amount = if fen == 0 { count(yuan) } else { format!("{}.{fen:02}", count(yuan)) };
    tf(lang, Key::FeeYuan, &[&amount])
}

/// The words of a reuse class (seed 002).
pub fn reuse_key(reuse: ReuseView) -> Key {
    match reuse {
        ReuseView::Unconditional => Key::ReuseUnconditional,
        ReuseView::WithinValidity => Key::ReuseWithinValidity,
        ReuseView::WithoutLimit => Key::ReuseWithoutLimit,
        ReuseView::Never => Key::ReuseNever,
    }
}

/// The words of a material's form.
pub fn form_key(form: MaterialFormView) -> Key {
    match form {
        MaterialFormView::Paper => Key::MaterialFormPaper,
        MaterialFormView::Electronic => Key::MaterialFormElectronic,
        MaterialFormView::Either => Key::MaterialFormEither,
    }
}

/// The name of a GB/T 39046 A.1 item type code ("01" 行政许可), if it is one.
pub fn item_type_key(code: &str) -> Option<Key> {
    Some(match code {
        "00" => Key::ItemType00,
        "01" => Key::ItemType01,
        "02" => Key::ItemType02,
        "03" => Key::ItemType03,
        "04" => Key::ItemType04,
        "05" => Key::ItemType05,
        "06" => Key::ItemType06,
        "07" => Key::ItemType07,
        "08" => Key::ItemType08,
        "09" => Key::ItemType09,
        "10" => Key::ItemType10,
        "20" => Key::ItemType20,
        _ => return None,
    })
}

/// "原件 1 份 · 复印件 2 份"; nothing when neither is asked for.
pub fn copies_text(lang: Language, originals: u8, copies: u8) -> Option<String> {
    let parts: Vec<String> = [(originals, Key::MaterialOriginals), (copies, Key::MaterialCopies)]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, key)| tf(lang, key, &[&n.to_string()]))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The flags row of a guide, in the plan's order: 可预约, 全程网办, 快递送达, 网上支付, 即办件 or
/// 承诺 N 个工作日, 到现场 N 次.
pub fn flag_texts(lang: Language, flags: &GuideFlagsView, promised: LimitView) -> Vec<String> {
    let mut out: Vec<String> = [
        (flags.appointment, Key::FlagAppointment),
        (flags.fully_online, Key::FlagOnline),
        (flags.postal_delivery, Key::FlagDelivery),
        (flags.online_payment, Key::FlagPayment),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, key)| t(lang, key).to_owned())
    .collect();
    out.push(if flags.immediate {
        t(lang, Key::FlagImmediate).to_owned()
    } else {
        promise_text(lang, promised)
    });
    out.push(match flags.visits {
        0 => t(lang, Key::FlagNoVisit).to_owned(),
        1 => t(lang, Key::FlagVisitOnce).to_owned(),
        n => tf(lang, Key::FlagVisits, &[&n.to_string()]),
    });
    out
}

/// The flags of a list row: 全程网办 when it is, and its promise.
pub fn row_flags(lang: Language, row: &ServiceRowView) -> Vec<String> {
    let mut out = Vec::new();
    if row.online {
        out.push(t(lang, Key::FlagOnline).to_owned());
    }
    out.push(promise_text(lang, row.promised));
    out
}

/// The offline catalogue's line: its sentence, and whether 刷新 is offered.
pub fn catalogue_line(lang: Language, s: &CatalogueStatusView) -> (String, bool) {
    let held = s.services > 0;
    if !held {
        let key = match (s.configured, s.syncing) {
            (false, _) => Key::HallEmptyNoBackend,
            (true, true) => Key::CatalogueDownloading,
            (true, false) => Key::CatalogueNever,
        };
        return (t(lang, key).to_owned(), s.configured && !s.syncing);
    }
    let mut text = tf(lang, Key::CatalogueServices, &[&count(s.services)]);
    let state = if s.syncing {
        Some(t(lang, Key::CatalogueSyncing).to_owned())
    } else {
        match s.problem {
            Some(SyncProblemView::Offline | SyncProblemView::ServerUnavailable) => {
                Some(t(lang, Key::CatalogueOffline).to_owned())
            }
            Some(_) => Some(t(lang, Key::CatalogueFailed).to_owned()),
            None => s.synced_at.map(|at| tf(lang, Key::CatalogueUpdated, &[&china_date(at)])),
        }
    };
    if let Some(state) = state {
        text.push_str(" · ");
        text.push_str(&state);
    }
    (text, s.configured && !s.syncing)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZH: Language = Language::ZhHans;
    const HANT: Language = Language::ZhHant;
    const EN: Language = Language::En;

    fn status(services: u64, syncing: bool, problem: Option<SyncProblemView>) -> CatalogueStatusView {
        CatalogueStatusView {
            version: if services > 0 { 7 } else { 0 },
            services,
            // 2026-12-07 08:00 in China.
            synced_at: (services > 0).then_some(1_796_601_600),
            syncing,
            problem,
            configured: true,
        }
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_024), "1,024");
        assert_eq!(count(10_000), "10,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn limits_in_three_languages_with_the_english_singular() {
        let five = LimitView::WorkingDays { amount: 5 };
        assert_eq!(limit_text(ZH, five), "5 个工作日");
        assert_eq!(limit_text(HANT, five), "5 個工作日");
        assert_eq!(limit_text(EN, five), "5 working days");
        assert_eq!(limit_text(EN, LimitView::WorkingDays { amount: 1 }), "1 working day");
        assert_eq!(limit_text(ZH, LimitView::Immediate), "即办");
        assert_eq!(limit_text(HANT, LimitView::Immediate), "即辦");
        assert_eq!(limit_text(EN, LimitView::Immediate), "on the spot");
        assert_eq!(limit_text(ZH, LimitView::CalendarDays { amount: 30 }), "30 个自然日");
        assert_eq!(limit_text(EN, LimitView::Hours { amount: 2 }), "2 hours");
        assert_eq!(limit_text(ZH, LimitView::Months { amount: 3 }), "3 个月");
        assert_eq!(promise_text(ZH, five), "承诺 5 个工作日");
        assert_eq!(promise_text(ZH, LimitView::Immediate), "即办件");
        assert_eq!(promise_text(EN, five), "Promised in 5 working days");
    }

    #[test]
    fn fees_in_yuan_from_fen() {
        assert_eq!(yuan_text(ZH, 1_000), "10 元");
        assert_eq!(yuan_text(ZH, 1_250), "12.50 元");
        assert_eq!(yuan_text(ZH, 5), "0.05 元");
        assert_eq!(yuan_text(EN, 150_000), "CNY 1,500");
        assert_eq!(t(HANT, Key::FeeFree), "不收費");
    }

    #[test]
    fn each_reuse_class_has_its_own_words() {
        let classes =
            [ReuseView::Unconditional, ReuseView::WithinValidity, ReuseView::WithoutLimit, ReuseView::Never];
        let words: Vec<&str> = classes.iter().map(|c| t(ZH, reuse_key(*c))).collect();
        assert_eq!(words, ["一次提交、长期复用", "有效期内可复用", "可复用", "每次需提交"]);
        assert_eq!(t(HANT, reuse_key(ReuseView::WithinValidity)), "有效期內可復用");
    }

    #[test]
    fn item_types_are_named_and_unknown_codes_are_not() {
        assert_eq!(item_type_key("01").map(|k| t(ZH, k)), Some("行政许可"));
        assert_eq!(item_type_key("20").map(|k| t(EN, k)), Some("Public service"));
        assert_eq!(item_type_key("11"), None);
        assert_eq!(item_type_key("1"), None);
    }

    #[test]
    fn copies_name_only_what_is_asked_for() {
        assert_eq!(copies_text(ZH, 1, 1).as_deref(), Some("原件 1 份 · 复印件 1 份"));
        assert_eq!(copies_text(HANT, 0, 2).as_deref(), Some("影本 2 份"));
        assert_eq!(copies_text(EN, 1, 0).as_deref(), Some("Originals: 1"));
        assert_eq!(copies_text(ZH, 0, 0), None);
    }

    #[test]
    fn flags_in_order_with_the_promise_and_visits() {
        let flags = GuideFlagsView {
            appointment: true,
            fully_online: true,
            postal_delivery: true,
            online_payment: false,
            immediate: false,
            visits: 0,
        };
        let promised = LimitView::WorkingDays { amount: 10 };
        assert_eq!(
            flag_texts(ZH, &flags, promised),
            ["可预约", "全程网办", "快递送达", "承诺 10 个工作日", "不用跑"]
        );
        let on_the_spot = GuideFlagsView { immediate: true, visits: 1, appointment: false, ..flags };
        assert_eq!(
            flag_texts(HANT, &on_the_spot, promised),
            ["全程網辦", "快遞送達", "即辦件", "到現場 1 次"]
        );
        let twice = GuideFlagsView { visits: 2, ..on_the_spot };
        assert_eq!(flag_texts(EN, &twice, promised).last().map(String::as_str), Some("In person: 2 visits"));
    }

    #[test]
    fn a_row_shows_online_and_its_promise() {
        let row = ServiceRowView {
            code: "x".into(),
            name: "机动车驾驶证换证".into(),
            department: "公安局交通管理局".into(),
            online: true,
            promised: LimitView::Immediate,
        };
        assert_eq!(row_flags(ZH, &row), ["全程网办", "即办件"]);
        let offline =
            ServiceRowView { online: false, promised: LimitView::WorkingDays { amount: 20 }, ..row };
        assert_eq!(row_flags(EN, &offline), ["Promised in 20 working days"]);
    }

    #[test]
    fn the_catalogue_line_for_each_state() {
        let fresh = status(1_024, false, None);
        assert_eq!(catalogue_line(ZH, &fresh), ("离线目录 · 1,024 项 · 已更新 2026-12-07".to_owned(), true));
        assert_eq!(
            catalogue_line(ZH, &status(1_024, true, None)),
            ("离线目录 · 1,024 项 · 正在更新…".to_owned(), false)
        );
        assert_eq!(
            catalogue_line(EN, &status(1_024, false, Some(SyncProblemView::Offline))).0,
            "Offline catalogue · 1,024 services · offline, showing the copy on this device"
        );
        assert_eq!(
            catalogue_line(HANT, &status(1_024, false, Some(SyncProblemView::BadData))).0,
            "離線目錄 · 1,024 項 · 更新未完成，顯示本機目錄"
        );
        assert_eq!(catalogue_line(ZH, &status(0, false, None)), ("离线目录尚未下载".to_owned(), true));
        assert_eq!(catalogue_line(ZH, &status(0, true, None)), ("正在下载离线目录…".to_owned(), false));
        let unconfigured = CatalogueStatusView { configured: false, ..status(0, false, None) };
        let (text, refresh) = catalogue_line(ZH, &unconfigured);
        assert!(text.contains("未配置") && !refresh, "{text}");
    }
}

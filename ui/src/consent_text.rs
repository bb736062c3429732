//! The words of an identity request and of the consent page, from the request the backend
//! described: pure, so they are tested on the host (the pages that show them are
//! `pages::requests` and `pages::consent`).

use shimin_wire::liveness::{
    DeclineReasonView, IdentityRequestView, MatterView, PartyRoleView, RequestStateView, SharedDataView,
};

use crate::clock::china_date;
use crate::i18n::{Key, Language, t, tf};
use crate::tone::Tone;

/// A role's name.
pub fn role_key(role: PartyRoleView) -> Key {
    match role {
        PartyRoleView::LegalRepresentative => Key::RoleLegalRepresentative,
        PartyRoleView::Shareholder => Key::RoleShareholder,
        PartyRoleView::Supervisor => Key::RoleSupervisor,
    }
}

/// The citizen's roles, in the order given: "法定代表人 · 股东".
pub fn roles_text(l: Language, roles: &[PartyRoleView]) -> String {
    roles.iter().map(|r| t(l, role_key(*r))).collect::<Vec<_>>().join(" · ")
}

/// The pill of a request in the list.
pub fn state_key(state: RequestStateView) -> Key {
    match state {
        RequestStateView::Pending => Key::RequestPending,
        RequestStateView::Confirmed => Key::RequestConfirmed,
        RequestStateView::Declined => Key::RequestDeclined,
        RequestStateView::Expired => Key::RequestExpired,
    }
}

/// The pill's tone.
pub fn state_tone(state: RequestStateView) -> Tone {
    match state {
        RequestStateView::Pending => Tone::Warn,
        RequestStateView::Confirmed => Tone::Ok,
        RequestStateView::Declined => Tone::Bad,
        RequestStateView::Expired => Tone::Neutral,
    }
}

/// What the case is, with the company: "公司设立登记：福州闽江软件有限公司".
pub fn matter_text(l: Language, r: &IdentityRequestView) -> String {
    let key = match r.matter {
        MatterView::CompanyEstablishment => Key::MatterCompanyEstablishment,
        MatterView::CompanyChange => Key::MatterCompanyChange,
    };
    tf(l, key, &[&r.company_name])
}

/// A datum the department receives.
pub fn shared_key(shared: SharedDataView) -> Key {
    match shared {
        SharedDataView::Name => Key::SharedName,
        SharedDataView::IdNumber => Key::SharedIdNumber,
        SharedDataView::FaceCheckResult => Key::SharedFaceResult,
    }
}

/// A reason to decline, as the citizen chooses it and the department is told it.
pub fn reason_key(reason: DeclineReasonView) -> Key {
    match reason {
        DeclineReasonView::Refused => Key::DeclineRefused,
        DeclineReasonView::NotMe => Key::DeclineNotMe,
    }
}

/// "请在 2024-07-07 前确认".
pub fn respond_by_text(l: Language, r: &IdentityRequestView) -> String {
    tf(l, Key::IdConsentRespondBy, &[&china_date(r.respond_by)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::china_date_time;

    fn request(matter: MatterView) -> IdentityRequestView {
        IdentityRequestView {
            case_id: 9,
            company_name: "福州闽江软件有限公司".into(),
            department_name: "福州市市场监督管理局".into(),
            roles: vec![PartyRoleView::LegalRepresentative, PartyRoleView::Shareholder],
            created_at: 1_719_720_000,
            matter,
            shared: vec![SharedDataView::Name],
            respond_by: 1_719_720_000 + 7 * 86_400,
            state: RequestStateView::Pending,
            confirmed_at: None,
            declined_at: None,
            decline_reason: None,
        }
    }

    #[test]
    fn dates_are_china_standard_time() {
        assert_eq!(china_date(0), "1970-01-01");
        // 2024-06-30T04:00Z is noon in Beijing; 16:00Z is already the next day there.
        assert_eq!(china_date_time(1_719_720_000), "2024-06-30 12:00");
        assert_eq!(china_date_time(1_719_763_200), "2024-07-01 00:00");
        assert_eq!(china_date(1_719_763_199), "2024-06-30");
        assert_eq!(china_date(951_782_400), "2000-02-29", "a leap day");
    }

    #[test]
    fn a_request_says_what_when_and_in_which_role() {
        let r = request(MatterView::CompanyEstablishment);
        assert_eq!(matter_text(Language::ZhHans, &r), "公司设立登记：福州闽江软件有限公司");
        assert_eq!(
            matter_text(Language::ZhHans, &request(MatterView::CompanyChange)),
            "公司变更登记：福州闽江软件有限公司"
        );
        assert_eq!(respond_by_text(Language::ZhHans, &r), "请在 2024-07-07 前确认");
        assert_eq!(respond_by_text(Language::En, &r), "Please answer before 2024-07-07");
        assert_eq!(roles_text(Language::ZhHans, &r.roles), "法定代表人 · 股东");
    }

    #[test]
    fn each_state_reason_and_datum_has_its_own_words() {
        let states = [
            RequestStateView::Pending,
            RequestStateView::Confirmed,
            RequestStateView::Declined,
            RequestStateView::Expired,
        ];
        let words: Vec<&str> = states.iter().map(|s| t(Language::ZhHans, state_key(*s))).collect();
        assert_eq!(words, ["待确认", "已确认", "已拒绝", "已过期"]);
        assert_ne!(reason_key(DeclineReasonView::Refused), reason_key(DeclineReasonView::NotMe));
        let shared = [SharedDataView::Name, SharedDataView::IdNumber, SharedDataView::FaceCheckResult];
        let keys: Vec<Key> = shared.iter().map(|s| shared_key(*s)).collect();
        assert!(keys[0] != keys[1] && keys[1] != keys[2] && keys[0] != keys[2]);
    }
}

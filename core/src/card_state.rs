//! The state a card in the wallet is shown in, and the order of the cards.
//!
//! A citizen opening the wallet must see at once which certificate to show: the valid ones come
//! first, soonest expiry first, and every card that can no longer be shown (expired, withdrawn,
//! replaced, suspended, failing its check) comes after them, greyed and grouped, with what
//! happened to it. Nothing here reads a clock or a database: the badges come from the wallet's
//! own check ([`crate::views::badge`]) and the certificates held are passed in.
//!
//! | badge | shown as | when |
//! |---|---|---|
//! | `Valid`, `ExpiringSoon`, `UnverifiedOffline` | active | can be shown (offline: not checked against fresh lists) |
//! | `Cancelled` | inactive, 已注销 | an identity document (ID card, household register, residence permit, travel permit) the issuer withdrew |
//! | `Revoked` | inactive, 已吊销 | any other certificate the issuer withdrew (a licence) |
//! | `Replaced` | inactive, 已换发 | withdrawn, and a later certificate of the same type for the same holder is held and active |
//! | `Expired`, `Suspended`, `Invalid` | inactive | past its end, suspended by the issuer, or a failed check |

use std::cmp::Reverse;

use shimin_wire::wallet::{CertificateCardView, StatusBadge};

use crate::cert::types::names;
use crate::cert::{AttributeValue, CertificateType};
use crate::records::StoredCertificate;

/// The attributes that name a certificate's holder: a person's ID number, a company's credit code.
const HOLDER_ATTRIBUTES: [&str; 2] = [names::ID_NUMBER, "credit_code"];

/// A withdrawn certificate's badge, in the words of what happened: an identity document is
/// cancelled (注销); a licence, or anything else, revoked (吊销). Other badges stay as they are.
pub fn as_said_for(badge: StatusBadge, certificate_type: CertificateType) -> StatusBadge {
    let identity_document = matches!(
        certificate_type,
        CertificateType::ResidentIdCard
            | CertificateType::HouseholdRegister
            | CertificateType::ResidencePermit
            | CertificateType::HkMacauTravelPermit
    );
    match badge {
        StatusBadge::Revoked if identity_document => StatusBadge::Cancelled,
        other => other,
    }
}

/// Whether a card with `badge` can be shown: valid, expiring soon, or not checkable offline.
pub fn is_active(badge: StatusBadge) -> bool {
    matches!(badge, StatusBadge::Valid | StatusBadge::ExpiringSoon | StatusBadge::UnverifiedOffline)
}

fn withdrawn(badge: StatusBadge) -> bool {
    matches!(badge, StatusBadge::Revoked | StatusBadge::Cancelled)
}

/// Who the certificate belongs to: the holder's ID number or the company's credit code.
fn holder(c: &StoredCertificate) -> Option<&str> {
    HOLDER_ATTRIBUTES.iter().find_map(|name| match c.attribute(name) {
        Some(AttributeValue::Text(text)) if !text.is_empty() => Some(text.as_str()),
        _ => None,
    })
}

/// Marks as replaced every withdrawn card for which the wallet holds a later, active certificate
/// of the same type for the same holder, with the first valid day of that certificate.
/// `cards[i]` is the card of `held[i]`; cards beyond `held` are left alone.
pub fn mark_replaced(held: &[StoredCertificate], cards: &mut [CertificateCardView]) {
    let newer = |i: usize| {
        let old = &held[i];
        let who = holder(old)?;
        held.iter()
            .zip(cards.iter())
            .filter(|(c, card)| {
                card.id != cards[i].id
                    && is_active(card.badge)
                    && c.certificate_type == old.certificate_type
                    && holder(c) == Some(who)
                    && (c.valid_from, c.imported_at) > (old.valid_from, old.imported_at)
            })
            .map(|(_, card)| card.valid_from.clone())
            .min()
    };
    let replaced: Vec<(usize, String)> = (0..held.len().min(cards.len()))
        .filter(|&i| withdrawn(cards[i].badge))
        .filter_map(|i| newer(i).map(|day| (i, day)))
        .collect();
    for (i, day) in replaced {
        cards[i].badge = StatusBadge::Replaced;
        cards[i].inactive = true;
        cards[i].replaced_on = Some(day);
    }
}

/// Puts the cards in the wallet's order: the active ones first, soonest last day first (those
/// without an end last); then the inactive ones, the newest (latest first valid day) first. Ties
/// keep a fixed order (type, then identifier), so the list never shuffles between reads.
pub fn arrange(cards: &mut [CertificateCardView]) {
    cards.sort_by(|a, b| {
        let key = |c: &CertificateCardView| (c.inactive, c.type_slug.clone(), c.id.clone());
        match (a.inactive, b.inactive) {
            (false, false) => (a.days_left.is_none(), a.days_left)
                .cmp(&(b.days_left.is_none(), b.days_left))
                .then_with(|| key(a).cmp(&key(b))),
            (true, true) => {
                Reverse(&a.valid_from).cmp(&Reverse(&b.valid_from)).then_with(|| key(a).cmp(&key(b)))
            }
            (inactive_a, inactive_b) => inactive_a.cmp(&inactive_b),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, badge: StatusBadge, days_left: Option<i64>, valid_from: &str) -> CertificateCardView {
        CertificateCardView {
            id: id.into(),
            type_slug: "resident-id-card".into(),
            type_name: "居民身份证".into(),
            holder_name: None,
            valid_from: valid_from.into(),
            valid_until: None,
            days_left,
            badge,
            inactive: !is_active(badge),
            replaced_on: None,
        }
    }

    fn ids(cards: &[CertificateCardView]) -> Vec<&str> {
        cards.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn identity_documents_are_cancelled_and_licences_revoked() {
        assert_eq!(
            as_said_for(StatusBadge::Revoked, CertificateType::ResidentIdCard),
            StatusBadge::Cancelled
        );
        assert_eq!(
            as_said_for(StatusBadge::Revoked, CertificateType::HouseholdRegister),
            StatusBadge::Cancelled
        );
        assert_eq!(as_said_for(StatusBadge::Revoked, CertificateType::DrivingLicence), StatusBadge::Revoked);
        assert_eq!(as_said_for(StatusBadge::Revoked, CertificateType::BusinessLicence), StatusBadge::Revoked);
        assert_eq!(as_said_for(StatusBadge::Valid, CertificateType::ResidentIdCard), StatusBadge::Valid);
        assert_eq!(as_said_for(StatusBadge::Expired, CertificateType::ResidentIdCard), StatusBadge::Expired);
    }

    #[test]
    fn only_valid_expiring_and_offline_cards_are_active() {
        let active: Vec<StatusBadge> = [
            StatusBadge::Valid,
            StatusBadge::ExpiringSoon,
            StatusBadge::Expired,
            StatusBadge::Revoked,
            StatusBadge::Suspended,
            StatusBadge::UnverifiedOffline,
            StatusBadge::Invalid,
            StatusBadge::Cancelled,
            StatusBadge::Replaced,
        ]
        .into_iter()
        .filter(|b| is_active(*b))
        .collect();
        assert_eq!(active, [StatusBadge::Valid, StatusBadge::ExpiringSoon, StatusBadge::UnverifiedOffline]);
    }

    #[test]
    fn active_cards_come_first_soonest_expiry_first_then_the_inactive_newest_first() {
        let mut cards = vec![
            card("revoked-old", StatusBadge::Revoked, Some(400), "2019-01-01"),
            card("long-term", StatusBadge::Valid, None, "2020-01-01"),
            card("expired", StatusBadge::Expired, Some(-3), "2021-01-01"),
            card("valid", StatusBadge::Valid, Some(3_000), "2024-01-01"),
            card("soon", StatusBadge::ExpiringSoon, Some(12), "2016-01-01"),
            card("offline", StatusBadge::UnverifiedOffline, Some(200), "2023-01-01"),
        ];
        arrange(&mut cards);
        assert_eq!(ids(&cards), ["soon", "offline", "valid", "long-term", "expired", "revoked-old"]);
        // A revoked card never sits above a valid one, however soon it would have expired.
        let mut cards = vec![
            card("revoked-soon", StatusBadge::Revoked, Some(1), "2024-01-01"),
            card("valid", StatusBadge::Valid, Some(3_000), "2020-01-01"),
        ];
        arrange(&mut cards);
        assert_eq!(ids(&cards), ["valid", "revoked-soon"]);
    }

    #[test]
    fn equal_cards_keep_a_fixed_order() {
        let mut one =
            vec![card("b", StatusBadge::Valid, Some(9), "x"), card("a", StatusBadge::Valid, Some(9), "x")];
        let mut two =
            vec![card("a", StatusBadge::Valid, Some(9), "x"), card("b", StatusBadge::Valid, Some(9), "x")];
        arrange(&mut one);
        arrange(&mut two);
        assert_eq!(ids(&one), ["a", "b"]);
        assert_eq!(one, two);
    }
}

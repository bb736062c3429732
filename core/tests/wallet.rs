//! The wallet's use cases over a store in memory: the cards and their badges, the direct check
//! of a held certificate (the same verdict a verifier gives a fresh presentation, without making
//! one), the detail, presenting and its log, the export, the lists loaded once, reminders.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod present_common;
mod wallet_common;

use present_common::*;
use shimin_core::cert::{
    CertificateId, CertificateType, IssuedCertificate, Serial, StatusReference, verify_certificate,
};
use shimin_core::present::Preset;
use shimin_core::verifier::Reason;
use shimin_core::wallet::{
    Enrolment, ListProblem, Lists, ReminderRecord, StorageError, WalletError, certificates, history,
    reminders,
};
use shimin_wire::wallet::{OutcomeView, PresentRequest, PresetView, ReasonView, StatusBadge, ValueView};
use time::Month;
use wallet_common::{MemoryStore, copy_of};

/// A wallet holding `issued` (each verified against the world's trust list at issuance).
fn wallet(world: &World, issued: &[IssuedCertificate]) -> MemoryStore {
    let mut store = MemoryStore::new(copy_of(&world.device_key));
    for i in issued {
        let verified =
            verify_certificate(&i.signed, &i.disclosures, |kid| world.trust.list().key_info(kid), ISSUED_AT)
                .expect("a genuine certificate");
        store.put(i, verified, ISSUED_AT);
    }
    store
}

fn lists(world: &World) -> Lists {
    Lists::from_verified(world.trust.clone(), world.status_lists.clone())
}

#[test]
fn the_direct_check_gives_the_verdict_a_verifier_gives_a_fresh_presentation() {
    let world = World::new();
    let lists = lists(&world);
    let device = world.device_key.verifying_key();
    let cases = [
        ("valid", world.issue(CertificateType::ResidentIdCard), NOW),
        (
            "revoked",
            world.issue_at_index(&certificate_of(CertificateType::DrivingLicence), REVOKED_INDEX),
            NOW,
        ),
        (
            "suspended",
            world.issue_at_index(&certificate_of(CertificateType::ResidencePermit), SUSPENDED_INDEX),
            NOW,
        ),
        (
            "expired",
            world.issue_at_index(
                &certificate_until(CertificateType::DegreeCertificate, date(2024, Month::June, 20)),
                GOOD_INDEX,
            ),
            NOW,
        ),
        ("status list stale", world.issue(CertificateType::MarriageCertificate), NOW + 2 * DAY),
    ];
    for (what, issued, at) in cases {
        let direct = lists.check(&issued, &device, at).expect("a trust list is held");
        let presented = world.verify(&world.present(&issued, &Preset::Full, at), at);
        assert_eq!(direct.outcome, presented.outcome, "{what}");
        assert_eq!(direct.reasons, presented.reasons, "{what}");
        assert_eq!(direct.certificate, presented.certificate, "{what}");
        assert_eq!(direct.attributes, presented.attributes, "{what}");
        assert_eq!(direct.status_list, presented.status_list, "{what}");
        assert!(direct.device_signed_at.is_none(), "{what}: the direct check signs nothing");
    }
}

#[test]
fn a_certificate_bound_to_another_device_or_with_a_tampered_attribute_is_invalid() {
    let world = World::new();
    let lists = lists(&world);
    let issued = world.issue(CertificateType::ResidentIdCard);
    let other_device = key().verifying_key();
    let verdict = lists.check(&issued, &other_device, NOW).expect("checked");
    assert!(verdict.reasons.contains(&Reason::DeviceSignatureBad), "{:?}", verdict.reasons);

    let mut tampered = issued.clone();
    let name = tampered.disclosures.iter_mut().find(|d| d.name == "name").expect("a name");
    name.value = shimin_core::cert::AttributeValue::Text("李四".into());
    let verdict = lists.check(&tampered, &world.device_key.verifying_key(), NOW).expect("checked");
    assert_eq!(verdict.reasons, vec![Reason::DigestMismatch { attribute: "name".into() }]);
}

#[test]
fn cards_carry_their_badges_soonest_expiry_first_and_search_finds_by_text() {
    let world = World::new();
    let soon = world.issue_at_index(
        &certificate_until(CertificateType::HkMacauTravelPermit, date(2024, Month::July, 20)),
        GOOD_INDEX,
    );
    let revoked = world.issue_at_index(
        &certificate_until(CertificateType::DrivingLicence, date(2030, Month::May, 31)),
        REVOKED_INDEX,
    );
    let id_card = world.issue(CertificateType::ResidentIdCard);
    let store = wallet(&world, &[id_card, revoked, soon]);
    let lists = lists(&world);

    let cards = certificates::cards(&store, &lists, "  ", NOW).expect("cards");
    let badges: Vec<(&str, StatusBadge, bool)> =
        cards.iter().map(|c| (c.type_slug.as_str(), c.badge, c.inactive)).collect();
    assert_eq!(
        badges,
        [
            ("hk-macau-travel-permit", StatusBadge::ExpiringSoon, false),
            ("resident-id-card", StatusBadge::Valid, false),
            ("driving-licence", StatusBadge::Revoked, true),
        ],
        "the valid ones first, soonest expiry first, each with its own badge; the revoked one after"
    );
    assert_eq!(cards[1].days_left, Some(3_621));
    assert_eq!(cards[1].holder_name.as_deref(), Some("张三"));

    let found = certificates::cards(&store, &lists, "驾驶", NOW).expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].type_slug, "driving-licence");
    assert!(certificates::cards(&store, &lists, "no such text", NOW).expect("search").is_empty());

    // Without a trust list nothing can be checked: the dates decide.
    let none = certificates::cards(&store, &Lists::default(), "", NOW).expect("cards");
    assert!(none.iter().all(|c| c.badge == StatusBadge::UnverifiedOffline), "{none:?}");
}

/// An ID card with serial `serial`, status at `index`, imported into `store` at `imported_at`.
fn put_id_card(world: &World, store: &mut MemoryStore, serial: &str, index: u64, imported_at: i64) -> String {
    let t = CertificateType::ResidentIdCard;
    let id = CertificateId::new(t.type_code(), issuer_code(), Serial::parse(serial).expect("serial"), 0)
        .expect("id");
    let status = StatusReference { uri: STATUS_URI.into(), index };
    let issued = world
        .issuer()
        .issue(&certificate_of(t), &id, &world.device_key.verifying_key(), &status, ISSUED_AT)
        .expect("issue");
    let verified = verify_certificate(
        &issued.signed,
        &issued.disclosures,
        |kid| world.trust.list().key_info(kid),
        ISSUED_AT,
    )
    .expect("a genuine certificate");
    store.put(&issued, verified, imported_at);
    id.to_string()
}

#[test]
fn a_withdrawn_id_card_is_cancelled_and_once_a_new_one_is_held_replaced() {
    let world = World::new();
    let lists = lists(&world);
    let mut store = MemoryStore::new(copy_of(&world.device_key));
    let old = put_id_card(&world, &mut store, "20240601001", REVOKED_INDEX, ISSUED_AT);

    // Withdrawn, and nothing newer held: an identity document is cancelled (注销), not revoked.
    let cards = certificates::cards(&store, &lists, "", NOW).expect("cards");
    assert_eq!(
        (cards[0].badge, cards[0].inactive, cards[0].replaced_on.as_deref()),
        (StatusBadge::Cancelled, true, None)
    );

    // The new card arrives: the old one is replaced, on the new one's first day, and comes last.
    let new = put_id_card(&world, &mut store, "20240602001", GOOD_INDEX, ISSUED_AT + DAY);
    let cards = certificates::cards(&store, &lists, "", NOW).expect("cards");
    let shown: Vec<(&str, StatusBadge, bool)> =
        cards.iter().map(|c| (c.id.as_str(), c.badge, c.inactive)).collect();
    assert_eq!(
        shown,
        [(new.as_str(), StatusBadge::Valid, false), (old.as_str(), StatusBadge::Replaced, true)]
    );
    assert_eq!(cards[1].replaced_on.as_deref(), Some("2024-06-01"));
    // Its detail says so too.
    let detail = certificates::detail(&store, &lists, &old, NOW).expect("detail");
    assert_eq!(detail.card.badge, StatusBadge::Replaced);

    // A valid card is never "replaced": two valid cards both stay active.
    let mut store = MemoryStore::new(copy_of(&world.device_key));
    put_id_card(&world, &mut store, "20240601001", GOOD_INDEX, ISSUED_AT);
    put_id_card(&world, &mut store, "20240602001", GOOD_INDEX, ISSUED_AT + DAY);
    let cards = certificates::cards(&store, &lists, "", NOW).expect("cards");
    assert!(cards.iter().all(|c| c.badge == StatusBadge::Valid && !c.inactive), "{cards:?}");
}

#[test]
fn the_detail_names_the_issuer_from_the_trust_list_and_lists_every_version() {
    let world = World::new();
    let issued = world.issue(CertificateType::ResidentIdCard);
    let store = wallet(&world, std::slice::from_ref(&issued));
    let id = store.certificates[0].id.to_string();

    let detail = certificates::detail(&store, &lists(&world), &id, NOW).expect("detail");
    assert_eq!(detail.check.outcome, OutcomeView::Valid);
    assert_eq!(detail.issuer_name.as_deref(), Some("北京市公安局西城分局"));
    assert_eq!(detail.issuer_code, ISSUER_CODE);
    assert_eq!(detail.attributes.len(), issued.disclosures.len() - 2, "the two derived rows are left out");
    let shown: Vec<&str> = detail.attributes.iter().map(|a| a.name.as_str()).collect();
    assert!(!shown.contains(&"age_over_18") && !shown.contains(&"id_number_masked"), "{shown:?}");
    let number = detail.attributes.iter().find(|a| a.name == "id_number").expect("the number");
    let ValueView::Masked { masked, full } = &number.value else { panic!("the number is masked") };
    assert_eq!(masked.matches('*').count(), 10);
    assert_eq!((&masked[..4], &masked[14..]), (&full[..4], &full[14..]));
    assert_eq!(full.len(), 18);
    let ethnicity = detail.attributes.iter().find(|a| a.name == "ethnicity").expect("民族");
    assert!(matches!(&ethnicity.value, ValueView::Coded { zh_hans, .. } if zh_hans.ends_with('族')));
    assert_eq!(detail.versions.len(), 1);
    assert!(detail.versions[0].current);

    let unchecked = certificates::detail(&store, &Lists::default(), &id, NOW).expect("detail");
    assert_eq!(unchecked.check.reasons, vec![ReasonView::NoTrustList]);
    assert_eq!(unchecked.issuer_name.as_deref(), Some("北京市公安局西城分局"), "the printed issuer");

    assert!(matches!(
        certificates::detail(&store, &lists(&world), "not an id", NOW),
        Err(WalletError::BadRequest)
    ));
    let other = id_for(CertificateType::DrivingLicence).to_string();
    assert!(matches!(certificates::detail(&store, &lists(&world), &other, NOW), Err(WalletError::NotFound)));
}

#[test]
fn the_detail_lists_each_applicable_preset_with_what_it_discloses() {
    let world = World::new();
    let names = |store: &MemoryStore| {
        let id = store.certificates[0].id.to_string();
        let detail = certificates::detail(store, &lists(&world), &id, NOW).expect("detail");
        detail.presets.into_iter().map(|p| (p.preset, p.disclosed)).collect::<Vec<_>>()
    };

    // An ID card: the three presets, the photo in the two short ones (the chip that promises a
    // photo is the one whose code carries it).
    let id_card = world.issue(CertificateType::ResidentIdCard);
    let all: Vec<String> = id_card.disclosures.iter().map(|d| d.name.clone()).collect();
    let presets = names(&wallet(&world, &[id_card]));
    assert_eq!(presets.len(), 3, "{presets:?}");
    assert_eq!(
        presets[0],
        (PresetView::Identity, vec!["name".into(), "id_number_masked".into(), "photo".into()])
    );
    assert_eq!(presets[1], (PresetView::AgeOver18, vec!["age_over_18".into(), "photo".into()]));
    assert_eq!(presets[2], (PresetView::Full, all));

    // A marriage certificate has no photo: its identity preset promises none.
    let presets = names(&wallet(&world, &[world.issue(CertificateType::MarriageCertificate)]));
    let identity = presets.iter().find(|(p, _)| *p == PresetView::Identity).expect("identity");
    assert_eq!(identity.1, ["name", "id_number_masked"]);

    // A business licence names no person: only every attribute can be shown.
    let presets = names(&wallet(&world, &[world.issue(CertificateType::BusinessLicence)]));
    assert_eq!(presets.iter().map(|(p, _)| *p).collect::<Vec<_>>(), [PresetView::Full]);
}

#[test]
fn the_verification_data_is_as_fresh_as_its_oldest_list() {
    let world = World::new();
    let lists = lists(&world);
    let oldest = std::iter::once(world.trust.freshness(NOW))
        .chain(world.status_lists.iter().map(|s| s.freshness(NOW)))
        .map(|f| f.age_seconds)
        .max();
    let fresh = lists.freshness(NOW).expect("a trust list is held");
    assert_eq!(Some(fresh.age_seconds), oldest);
    assert!(!fresh.stale);
    // Years later every list is out of date, and the line says so.
    assert!(lists.freshness(NOW + 3_650 * DAY).expect("held").stale);
    // Without a trust list there is nothing to say.
    assert_eq!(Lists::default().freshness(NOW), None);
}

#[test]
fn an_identity_code_with_its_photo_stays_a_mid_size_qr_code() {
    // 亮证 draws the code with whole pixels per module, so every version costs pixels. Measured:
    // version 25 (117 modules) at level M, 22 (105) at level L, which presentations use (ADR
    // 0002): 3 px a module in a 400 px wide code with its quiet zone.
    let world = World::new();
    let mut store = wallet(&world, &[world.issue(CertificateType::ResidentIdCard)]);
    let id = store.certificates[0].id.to_string();
    let request = PresentRequest { id, preset: PresetView::Identity, refresh: false };
    let shown = certificates::present(&mut store, &request, NOW).expect("present");
    assert!(shown.qr_version <= 22, "version {} at level L", shown.qr_version);
}

#[test]
fn presenting_logs_the_names_shown_but_not_a_redraw_and_the_export_is_json_lines() {
    let world = World::new();
    let mut store = wallet(&world, &[world.issue(CertificateType::ResidentIdCard)]);
    let id = store.certificates[0].id.to_string();
    let request = PresentRequest { id: id.clone(), preset: PresetView::Identity, refresh: false };

    let shown = certificates::present(&mut store, &request, NOW).expect("present");
    assert!(shown.qr_svg.starts_with("<svg"), "an SVG QR code");
    assert_eq!(shown.disclosed, ["name", "id_number_masked", "photo"]);
    assert_eq!(shown.refresh_in_secs, 30);
    certificates::present(&mut store, &PresentRequest { refresh: true, ..request.clone() }, NOW + 30)
        .expect("redraw");
    certificates::present(
        &mut store,
        &PresentRequest { id: id.clone(), preset: PresetView::AgeOver18, refresh: false },
        NOW + 60,
    )
    .expect("present");
    assert_eq!(store.log.len(), 2, "a redraw of a code already shown is not logged again");

    let days = history::entries(&store, NOW + 120).expect("history");
    assert_eq!(days.len(), 1, "one day");
    let entries = &days[0].entries;
    assert_eq!(entries.iter().map(|e| e.preset.as_str()).collect::<Vec<_>>(), ["age_over_18", "identity"]);
    assert_eq!(entries[1].type_slug.as_deref(), Some("resident-id-card"));
    assert!(
        entries.iter().all(|e| e.times == 1 && e.recipient == shimin_wire::wallet::RecipientView::Scanned)
    );

    let mut out = Vec::new();
    assert_eq!(history::export(&store, &mut out).expect("export"), 2);
    let text = String::from_utf8(out).expect("UTF-8");
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines[0]["presented_at"], NOW);
    assert_eq!(lines[0]["presented_at_utc"], "2024-07-01T04:00:00Z");
    assert_eq!(lines[0]["certificate_id"], id);
    assert_eq!(lines[0]["disclosed"], serde_json::json!(["name", "id_number_masked", "photo"]));
    assert!(!text.contains("张三") && !text.contains(holder_id().as_str()), "names only, no values");
    assert_eq!(lines[0]["recipient"], serde_json::json!({"kind": "scanned"}));
    assert_eq!(history::export_file_name(NOW), "市民通出示记录-2024-07-01.jsonl");

    // A preset the certificate cannot satisfy, a missing certificate: refused, nothing logged.
    let mut licence = wallet(&world, &[world.issue(CertificateType::BusinessLicence)]);
    let business = licence.certificates[0].id.to_string();
    let identity = PresentRequest { id: business, preset: PresetView::Identity, refresh: false };
    assert!(matches!(
        certificates::present(&mut licence, &identity, NOW),
        Err(WalletError::PresetNotApplicable)
    ));
    assert!(licence.log.is_empty());
    let missing = PresentRequest { id: id_for(CertificateType::DrivingLicence).to_string(), ..request };
    assert!(matches!(certificates::present(&mut store, &missing, NOW), Err(WalletError::NotFound)));
}

#[test]
fn a_store_that_cannot_write_loses_the_log_line_not_the_wallet() {
    let world = World::new();
    let mut store = wallet(&world, &[world.issue(CertificateType::ResidentIdCard)]);
    store.broken = true;
    let request =
        PresentRequest { id: store.certificates[0].id.to_string(), preset: PresetView::Full, refresh: false };
    let failed = certificates::present(&mut store, &request, NOW).expect_err("the log cannot be written");
    assert!(matches!(failed, WalletError::Store(StorageError::Failed(_))), "{failed:?}");
    assert!(failed.log_line().is_some(), "a storage failure is worth a log line");
    assert_eq!(store.certificates.len(), 1);
}

#[test]
fn lists_are_verified_when_loaded_and_a_tampered_or_foreign_list_is_left_out() {
    let world = World::new();
    let mut store = wallet(&world, &[]);
    // Nothing pinned, nothing cached: no lists, and the reason.
    let empty = Lists::load(&store, None).expect("load");
    assert!(!empty.has_trust_list());
    assert_eq!(empty.problems(), [ListProblem::NoRootKey]);

    use shimin_core::wallet::WalletStore as _;
    store.save_trust_list(&world.trust).expect("save");
    store.save_status_list(&world.status_lists[0]).expect("save");
    let forged = forged_status_list(&key(), b"forger");
    store.status_lists.push(("https://elsewhere.invalid/1".into(), forged.to_bytes().expect("bytes"), 0));

    // A verifier-only device pins the root key from a file: the fallback.
    let loaded = Lists::load(&store, Some(&world.root.verifying_key())).expect("load");
    assert!(loaded.has_trust_list());
    assert_eq!(loaded.status_list_count(), 1, "the forger's list is not on the trust list");
    assert_eq!(loaded.problems(), [ListProblem::StatusListInvalid]);

    // The pinned key wins over a fallback; a trust list that does not verify under it is refused.
    store.enrolment = Some(Enrolment {
        backend_url: "https://x.invalid".into(),
        device_id: 1,
        root_key: key().verifying_key(),
    });
    let impostor = Lists::load(&store, Some(&world.root.verifying_key())).expect("load");
    assert!(!impostor.has_trust_list());
    assert_eq!(impostor.problems(), [ListProblem::TrustListInvalid]);
}

#[test]
fn reminders_leave_out_what_has_expired_and_come_soonest_first() {
    let world = World::new();
    let mut store = wallet(&world, &[]);
    let reminder = |id: &str, expires_at| ReminderRecord {
        certificate_id: id.into(),
        certificate_type: "residence-permit".into(),
        expires_at,
    };
    store.reminders =
        vec![reminder("b", NOW + 12 * DAY), reminder("gone", NOW - 1), reminder("a", NOW + 3 * DAY)];
    let shown = reminders(&store, NOW).expect("reminders");
    assert_eq!(
        shown.iter().map(|r| (r.certificate_id.as_str(), r.days_left)).collect::<Vec<_>>(),
        [("a", 3), ("b", 12)]
    );
}

//! The two-way mode's use cases over a store in memory, played as the verifier and the holder
//! would, with an attacker's codes between them: the holder sees who asks and exactly what each
//! certificate would show before anything is signed, the answer shows what was asked and no
//! more, and the verifier takes only an answer to its own request.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod present_common;
mod wallet_common;

use present_common::*;
use shimin_core::cert::{CertificateType, IssuedCertificate, verify_certificate};
use shimin_core::present::{PresentationRequest, Preset};
use shimin_core::qr;
use shimin_core::verifier::{Outcome, Reason, Verifier, VerifierPolicy};
use shimin_core::wallet::{Lists, WalletError, two_way};
use shimin_wire::wallet::{AnswerRequest, PresetView};
use wallet_common::{MemoryStore, copy_of};

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

/// The text in an SVG QR code as the app draws it (`M x y h run v1 h-run z` per run of dark
/// modules), read back from its pixels as a scanner would.
fn text_of_svg(svg: &str) -> String {
    const PX: usize = 4;
    let side: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("viewBox");
    let path = svg.split(" d=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("path");
    let mut luma = vec![255u8; side * side * PX * PX];
    for run in path.split('M').filter(|r| !r.is_empty()) {
        let (x, rest) = run.split_once(' ').expect("x");
        let (y, rest) = rest.split_once('h').expect("y");
        let len = rest.split('v').next().expect("run");
        let (x, y, len): (usize, usize, usize) =
            (x.parse().expect("x"), y.parse().expect("y"), len.parse().expect("run"));
        for row in y * PX..(y + 1) * PX {
            for col in x * PX..(x + len) * PX {
                luma[row * side * PX + col] = 0;
            }
        }
    }
    let width = u32::try_from(side * PX).expect("side");
    qr::decode_luma(width, width, &luma).expect("the code reads back")
}

/// The request on the verifier's screen, read back by the holder's scanner.
fn request_text_of(ask: &shimin_wire::wallet::AskView, request: &PresentationRequest) -> String {
    let text = text_of_svg(&ask.qr_svg);
    assert_eq!(PresentationRequest::from_text(&text).expect("a request"), *request);
    text
}

#[test]
fn the_holder_sees_what_is_asked_before_agreeing_and_only_the_answer_to_this_request_passes() {
    let world = World::new();
    let lists = Lists::from_verified(world.trust.clone(), world.status_lists.clone());
    let verifier = Verifier::new(&world.trust, &world.status_lists, VerifierPolicy::default());
    let revoked = world.issue_at_index(&certificate_of(CertificateType::DrivingLicence), REVOKED_INDEX);
    let mut holder = wallet(
        &world,
        &[
            world.issue(CertificateType::ResidentIdCard),
            world.issue(CertificateType::BusinessLicence),
            revoked,
        ],
    );

    // The verifier asks for "over 18"; the request names it and carries a fresh nonce.
    let (request, ask) = two_way::ask(PresetView::AgeOver18, NOW).expect("ask");
    assert_eq!(ask.preset, PresetView::AgeOver18);
    assert_eq!(ask.code, request.code());
    let (other, _) = two_way::ask(PresetView::AgeOver18, NOW).expect("ask");
    assert_ne!(request.nonce, other.nonce, "every request has its own nonce");
    let text = request_text_of(&ask, &request);
    assert!(two_way::is_request(&text));

    // The holder reads it: the same code, what is asked, and exactly what each certificate
    // that can answer would show — the business licence has no age, the revoked licence is
    // left out. Reading signs and logs nothing.
    let seen = two_way::read_request(&holder, &lists, &text, NOW + 2).expect("read");
    assert_eq!((seen.code.as_str(), seen.preset), (ask.code.as_str(), PresetView::AgeOver18));
    assert_eq!(seen.choices.len(), 1, "{:?}", seen.choices);
    assert_eq!(seen.choices[0].type_slug, "resident-id-card");
    assert_eq!(seen.choices[0].disclosed, ["age_over_18", "photo"]);
    assert!(holder.log.is_empty(), "nothing is shown or logged before the holder agrees");

    // Agreed: the answer discloses what was asked and passes at this verifier's request only.
    let id = seen.choices[0].id.clone();
    let answered =
        two_way::answer(&mut holder, &AnswerRequest { request: text.clone(), id: id.clone() }, NOW + 5)
            .expect("answer");
    assert_eq!(answered.disclosed, ["age_over_18", "photo"]);
    assert_eq!(holder.log.len(), 1, "the answer is logged");
    assert_eq!(
        holder.log[0].recipient,
        shimin_core::wallet::Recipient::Request { code: request.code() },
        "with the request it answered"
    );
    let answer_text = text_of_svg(&answered.qr_svg);
    let verdict = verifier.verify_answer(&answer_text, &request, NOW + 8);
    assert_eq!(verdict.outcome, Outcome::Valid, "{:?}", verdict.reasons);
    assert!(verdict.attribute("name").is_none(), "no more than was asked");

    // The attacker's codes: the answer to another request, and a one-way code of the same
    // certificate, each refused as not answering this request.
    assert!(verifier.verify_answer(&answer_text, &other, NOW + 8).has(&Reason::NotThisRequest));
    let one_way = world.present(&world.issue(CertificateType::ResidentIdCard), &Preset::AgeOver18, NOW + 5);
    let refused = verifier.verify_answer(&one_way, &request, NOW + 8);
    assert_eq!(refused.outcome, Outcome::Invalid);
    assert!(refused.has(&Reason::NotThisRequest), "{:?}", refused.reasons);

    // A request that does not parse is not read, and answers nothing.
    let broken = format!("{}X", &text[..text.len() - 2]);
    assert!(matches!(two_way::read_request(&holder, &lists, &broken, NOW), Err(WalletError::BadRequest)));
    assert!(matches!(
        two_way::answer(&mut holder, &AnswerRequest { request: broken, id }, NOW),
        Err(WalletError::BadRequest)
    ));
    assert_eq!(holder.log.len(), 1);
}

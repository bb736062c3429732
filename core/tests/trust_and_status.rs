//! Trust lists, status lists and cached copies, used the way a verifier uses them.
//!
//! The national root signs a trust list of issuer keys; each issuer publishes a status list; a
//! verifier keeps both for offline use and says how old they are.

#![allow(clippy::expect_used)] // Test code: a failed expectation is the test failing.

use shimin_core::cose::{self, Value};
use shimin_core::crypto::{SigningKey, SigningPurpose, VerifyingKey};
use shimin_core::status_list::{
    Bits, MAX_DECOMPRESSED_LEN, Status, StatusList, StatusListClaims, StatusListError, VerifiedStatusList,
};
use shimin_core::trust::{
    CachedCopy, Department, Freshness, IssuerEntry, IssuerRejection, KeyValidity, TrustError, TrustList,
    TrustListInfo, VerifiedTrustList,
};

const HOUR: i64 = 3_600;
const DAY: i64 = 24 * HOUR;
/// 2025-01-01T00:00:00Z.
const T0: i64 = 1_735_689_600;

const RESIDENT_ID: &str = "111000000000131270001";
const DRIVING_LICENCE: &str = "111000000000131270005";
const PSB_CODE: &str = "11310000002421333X";

fn key() -> SigningKey {
    SigningKey::generate_p256().expect("key generation")
}

fn psb() -> Department {
    Department::new("上海市公安局", PSB_CODE).expect("department")
}

/// The Shanghai police rotated their key on day 100: the old key is retired, the new one signs.
struct Rotation {
    root: SigningKey,
    old: SigningKey,
    new: SigningKey,
    bytes: Vec<u8>,
}

const ROTATED_AT: i64 = T0 + 100 * DAY;

fn rotation() -> Rotation {
    let (root, old, new) = (key(), key(), key());
    let old_entry = IssuerEntry::new(
        b"psb-2025-a".to_vec(),
        psb(),
        old.verifying_key(),
        KeyValidity { from: T0, to: T0 + 365 * DAY },
        [RESIDENT_ID],
    )
    .expect("old entry")
    .retired_at(ROTATED_AT);
    let new_entry = IssuerEntry::new(
        b"psb-2025-b".to_vec(),
        psb(),
        new.verifying_key(),
        KeyValidity { from: ROTATED_AT, to: T0 + 3 * 365 * DAY },
        [RESIDENT_ID],
    )
    .expect("new entry");
    let info = TrustListInfo {
        sequence: 42,
        issued_at: ROTATED_AT,
        next_update: ROTATED_AT + DAY,
        expires_at: ROTATED_AT + 30 * DAY,
    };
    let bytes = TrustList::sign(&[old_entry, new_entry], &root, info).expect("sign trust list");
    Rotation { root, old, new, bytes }
}

#[test]
fn a_signed_trust_list_verifies_and_names_its_issuers() {
    let r = rotation();
    let list = TrustList::verify(&r.bytes, &r.root.verifying_key(), ROTATED_AT + HOUR).expect("verifies");
    assert_eq!(list.info().sequence, 42);
    assert_eq!(list.entries().len(), 2);

    let issuer = list.issuer_for(b"psb-2025-b", RESIDENT_ID, ROTATED_AT + HOUR).expect("new key");
    assert_eq!(issuer.department().name(), "上海市公安局");
    assert_eq!(issuer.department().code(), PSB_CODE);
    assert_eq!(issuer.public_key(), &r.new.verifying_key());
    assert_eq!(list.entry(b"psb-2025-a").map(|e| e.public_key()), Some(&r.old.verifying_key()));
}

#[test]
fn a_tampered_trust_list_has_a_bad_signature() {
    let r = rotation();
    // Change one character of the department code inside the signed payload.
    let at = r.bytes.windows(PSB_CODE.len()).position(|w| w == PSB_CODE.as_bytes()).expect("code in payload");
    let mut tampered = r.bytes.clone();
    tampered[at] ^= 0x01;
    let result = TrustList::verify(&tampered, &r.root.verifying_key(), ROTATED_AT);
    assert_eq!(result.err(), Some(TrustError::BadSignature));
}

#[test]
fn a_trust_list_signed_by_another_root_is_refused() {
    let r = rotation();
    let impostor = key();
    assert_eq!(
        TrustList::verify(&r.bytes, &impostor.verifying_key(), ROTATED_AT).err(),
        Some(TrustError::BadSignature)
    );
    // Nor does a list the impostor signs itself verify under the real root.
    let forged = TrustList::sign(
        &[],
        &impostor,
        TrustListInfo { sequence: 43, issued_at: T0, next_update: T0, expires_at: T0 + DAY },
    )
    .expect("sign");
    assert_eq!(TrustList::verify(&forged, &r.root.verifying_key(), T0).err(), Some(TrustError::BadSignature));
}

#[test]
fn rotated_keys_keep_their_old_certificates_but_sign_nothing_new() {
    let r = rotation();
    // Verified long after the rotation: it is the certificate's iat that counts.
    let list = TrustList::verify(&r.bytes, &r.root.verifying_key(), ROTATED_AT + 20 * DAY).expect("list");

    let issued_before_rotation = ROTATED_AT - 10 * DAY;
    let old = list.issuer_for(b"psb-2025-a", RESIDENT_ID, issued_before_rotation).expect("old cert");
    assert_eq!(old.retirement(), Some(ROTATED_AT));
    assert!(list.issuer_for(b"psb-2025-b", RESIDENT_ID, ROTATED_AT + DAY).is_ok(), "new cert");

    // The old key signing after its retirement (e.g. a stolen key) fails, as does the new key
    // before its window opens.
    assert_eq!(
        list.issuer_for(b"psb-2025-a", RESIDENT_ID, ROTATED_AT + DAY).err(),
        Some(IssuerRejection::IssuedAfterKeyRetirement)
    );
    assert_eq!(
        list.issuer_for(b"psb-2025-a", RESIDENT_ID, ROTATED_AT).err(),
        Some(IssuerRejection::IssuedAfterKeyRetirement),
        "retirement is exclusive"
    );
    assert_eq!(
        list.issuer_for(b"psb-2025-b", RESIDENT_ID, issued_before_rotation).err(),
        Some(IssuerRejection::IssuedBeforeKeyValidity)
    );
    assert_eq!(
        list.issuer_for(b"psb-2025-b", RESIDENT_ID, T0 + 3 * 365 * DAY).err(),
        Some(IssuerRejection::IssuedAfterKeyValidity)
    );
    assert_eq!(
        list.issuer_for(b"psb-2024-z", RESIDENT_ID, ROTATED_AT).err(),
        Some(IssuerRejection::UnknownKeyId)
    );
}

#[test]
fn an_issuer_cannot_sign_types_it_is_not_allowed() {
    let r = rotation();
    let list = TrustList::verify(&r.bytes, &r.root.verifying_key(), ROTATED_AT).expect("list");
    let rejection = list.issuer_for(b"psb-2025-b", DRIVING_LICENCE, ROTATED_AT + DAY).err();
    assert_eq!(rejection, Some(IssuerRejection::TypeNotAllowed));
    assert!(!IssuerRejection::TypeNotAllowed.is_outside_validity());
}

#[test]
fn an_expired_trust_list_is_refused_fresh_but_usable_from_the_cache_as_stale() {
    let r = rotation();
    let root = r.root.verifying_key();
    let fetched_at = ROTATED_AT + HOUR;
    let list = TrustList::verify(&r.bytes, &root, fetched_at).expect("fresh");
    let expires_at = list.info().expires_at;
    assert_eq!(
        TrustList::verify(&r.bytes, &root, expires_at).err(),
        Some(TrustError::Expired { expires_at: ROTATED_AT + 30 * DAY })
    );

    let stored = CachedCopy::new(list, fetched_at).to_bytes().expect("persist");
    let cached = CachedCopy::<VerifiedTrustList>::from_bytes(&stored, &root).expect("read back");
    assert_eq!(cached.fetched_at(), fetched_at);
    // next_update is a day after issue, i.e. 23 h after this fetch; ages count from the issue.
    assert_eq!(
        cached.freshness(fetched_at + 22 * HOUR),
        Freshness { age_seconds: 23 * 3_600, refresh_due: false, stale: false }
    );
    assert_eq!(
        cached.freshness(fetched_at + 23 * HOUR),
        Freshness { age_seconds: 24 * 3_600, refresh_due: true, stale: false }
    );
    let late = cached.freshness(expires_at + 5);
    assert!(late.stale && late.refresh_due);
    assert_eq!(late.to_string(), "30 d old, stale (past its expiry)");
    // The cached list still answers, so a verdict can say "trust list is 29 d old (stale)".
    assert!(cached.list().issuer_for(b"psb-2025-b", RESIDENT_ID, ROTATED_AT).is_ok());

    // A cached copy is checked again when read back.
    assert!(CachedCopy::<VerifiedTrustList>::from_bytes(&stored, &key().verifying_key()).is_err());
}

#[test]
fn a_newer_trust_list_supersedes_an_older_one() {
    let r = rotation();
    let root = r.root.verifying_key();
    let older = TrustList::verify(&r.bytes, &root, ROTATED_AT).expect("older");
    let info = TrustListInfo { sequence: 43, ..older.info() };
    let newer = TrustList::sign(older.entries(), &r.root, info).expect("sign");
    let newer = TrustList::verify(&newer, &root, ROTATED_AT).expect("newer");
    assert!(newer.supersedes(&older));
    assert!(!older.supersedes(&newer));
}

// ---------------------------------------------------------------------------------------------
// Status lists

/// The statuses encoded by `packed`, read bit by bit: each byte contributes its bits from the
/// least significant up, and each status is `bits` consecutive bits, lowest first.
fn unpack_by_hand(packed: &[u8], bits: usize) -> Vec<u8> {
    let stream: Vec<u8> = packed.iter().flat_map(|byte| (0..8).map(move |b| (byte >> b) & 1)).collect();
    stream.chunks(bits).map(|chunk| chunk.iter().enumerate().map(|(j, bit)| bit << j).sum()).collect()
}

fn statuses(values: &[u8]) -> Vec<Status> {
    values.iter().map(|v| Status::from_value(*v)).collect()
}

#[test]
fn the_drafts_packing_examples() {
    // 1 bit: statuses 1,0,0,1,1,1,0,1 fill byte 0 from bit 0 up: bits 0,3,4,5,7 are set,
    // 1 + 8 + 16 + 32 + 128 = 0xB9; then 1,1,0,0,0,1,0,1 set bits 0,1,5,7: 1 + 2 + 32 + 128 = 0xA3.
    let one = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    let list = StatusList::from_statuses(Bits::One, &statuses(&one)).expect("1-bit list");
    assert_eq!(list.as_packed(), [0xB9, 0xA3]);
    assert_eq!(unpack_by_hand(list.as_packed(), 1), one);

    // 2 bits: 1,2,0,3 -> 1 + (2 << 2) + (0 << 4) + (3 << 6) = 0xC9; 0,1,0,1 -> 4 + 64 = 0x44;
    // 1,2,3,3 -> 1 + 8 + 48 + 192 = 0xF9.
    let two = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
    let list = StatusList::from_statuses(Bits::Two, &statuses(&two)).expect("2-bit list");
    assert_eq!(list.as_packed(), [0xC9, 0x44, 0xF9]);
    assert_eq!(unpack_by_hand(list.as_packed(), 2), two);
    let read = StatusList::from_packed(Bits::Two, vec![0xC9, 0x44, 0xF9]);
    assert_eq!(read.get(1), Ok(Status::Suspended));
    assert_eq!(read.get(3), Ok(Status::Other(3)));
}

/// A deterministic spread of status values below `modulus` (a small linear congruential
/// generator, so the test needs no random source).
fn pattern(len: usize, modulus: u32) -> Vec<u8> {
    let mut state: u32 = 0x2545_f491;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((state >> 16) % modulus) as u8
        })
        .collect()
}

fn claims(uri: &str) -> StatusListClaims {
    StatusListClaims {
        uri: uri.to_owned(),
        issued_at: T0,
        expires_at: Some(T0 + 7 * DAY),
        ttl_seconds: Some(12 * 3_600),
    }
}

#[test]
fn signed_status_lists_round_trip_over_many_indices() {
    let issuer = key();
    for (bits, width, modulus) in [(Bits::One, 1, 2), (Bits::Two, 2, 4)] {
        let values = pattern(10_000, modulus);
        let mut list = StatusList::new(bits, values.len());
        for (index, value) in values.iter().enumerate() {
            list.set(index, Status::from_value(*value)).expect("set");
        }
        assert_eq!(unpack_by_hand(list.as_packed(), width)[..values.len()], values[..]);

        let uri = "https://status.gov.example.cn/psb/1";
        let token = list.sign(&claims(uri), b"psb-2025-b", &issuer).expect("sign");
        let verified =
            VerifiedStatusList::verify(&token, &issuer.verifying_key(), T0 + HOUR).expect("verify");
        assert_eq!(verified.claims(), &claims(uri));
        assert_eq!(verified.list().bits(), bits);
        for (index, value) in values.iter().enumerate() {
            assert_eq!(verified.status_at(index).map(Status::value), Ok(*value), "{bits:?} index {index}");
        }
        assert!(token.len() < 10_000 * width / 8 + 200, "the token stays close to the packed size");
    }
}

#[test]
fn revoked_and_suspended_read_back_and_out_of_range_is_an_error() {
    let issuer = key();
    let uri = "https://status.gov.example.cn/psb/2";
    let mut list = StatusList::new(Bits::Two, 1_000);
    list.set(17, Status::Invalid).expect("revoke");
    list.set(18, Status::Suspended).expect("suspend");
    list.set(999, Status::Invalid).expect("revoke last");
    let token = list.sign(&claims(uri), b"kid", &issuer).expect("sign");
    let verified = VerifiedStatusList::verify(&token, &issuer.verifying_key(), T0).expect("verify");
    assert_eq!(verified.status_for(uri, 16), Ok(Status::Valid));
    assert_eq!(verified.status_for(uri, 17), Ok(Status::Invalid));
    assert_eq!(verified.status_for(uri, 18), Ok(Status::Suspended));
    assert_eq!(verified.status_for(uri, 999), Ok(Status::Invalid));
    assert_eq!(verified.status_at(1_000), Err(StatusListError::IndexOutOfRange { index: 1_000, len: 1_000 }));
    assert_eq!(verified.status_for("https://elsewhere.example/1", 17), Err(StatusListError::UriMismatch));
}

#[test]
fn status_lists_check_key_purpose_and_expiry() {
    let issuer = key();
    let national = key();
    let list = StatusList::new(Bits::One, 64);
    let token = list.sign(&claims("https://s.example/1"), b"kid", &issuer).expect("sign");
    assert_eq!(
        VerifiedStatusList::verify(&token, &national.verifying_key(), T0),
        Err(StatusListError::BadSignature)
    );
    // The national status key may sign lists too; the verifier is told which key to use.
    let national_token = list.sign(&claims("https://s.example/1"), b"national", &national).expect("sign");
    assert!(VerifiedStatusList::verify(&national_token, &national.verifying_key(), T0).is_ok());

    assert_eq!(
        VerifiedStatusList::verify(&token, &issuer.verifying_key(), T0 + 7 * DAY),
        Err(StatusListError::Expired { expires_at: T0 + 7 * DAY })
    );
    // The same claims signed for another purpose are no status list.
    let payload = claims_payload(1, &list.compress().expect("zlib"));
    let as_certificate = cose::sign(SigningPurpose::Certificate, &payload, b"kid", &issuer).expect("sign");
    assert_eq!(
        VerifiedStatusList::verify(&as_certificate, &issuer.verifying_key(), T0),
        Err(StatusListError::BadSignature)
    );
}

/// A status list token payload built by hand from the documented claim keys.
fn claims_payload(bits: u64, lst: &[u8]) -> Vec<u8> {
    let status_list = Value::Map(vec![
        (Value::Text("bits".into()), Value::Integer(bits.into())),
        (Value::Text("lst".into()), Value::Bytes(lst.to_vec())),
    ]);
    let claims = Value::Map(vec![
        (Value::Integer(2.into()), Value::Text("https://s.example/hand".into())),
        (Value::Integer(6.into()), Value::Integer(T0.into())),
        (Value::Integer(4.into()), Value::Integer((T0 + DAY).into())),
        (Value::Integer(65534.into()), Value::Integer(600.into())),
        (Value::Integer(65533.into()), status_list),
    ]);
    let mut out = Vec::new();
    ciborium::ser::into_writer(&claims, &mut out).expect("cbor");
    out
}

fn hand_signed(bits: u64, lst: &[u8], key: &SigningKey) -> Vec<u8> {
    cose::sign(SigningPurpose::Revocation, &claims_payload(bits, lst), b"kid", key).expect("sign")
}

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("write");
    encoder.finish().expect("finish")
}

#[test]
fn hand_built_tokens_follow_the_documented_layout() {
    let issuer = key();
    let public = issuer.verifying_key();
    let token = hand_signed(2, &zlib(&[0b1001_0010]), &issuer);
    let verified = VerifiedStatusList::verify(&token, &public, T0).expect("hand-built token");
    assert_eq!(verified.claims().uri, "https://s.example/hand");
    assert_eq!(verified.claims().ttl_seconds, Some(600));
    assert_eq!(verified.claims().expires_at, Some(T0 + DAY));
    // 0b10_01_00_10 holds, lowest pair first: 2, 0, 1, 2.
    let read: Vec<Status> = (0..4).map(|i| verified.status_at(i).expect("in range")).collect();
    assert_eq!(read, [Status::Suspended, Status::Valid, Status::Invalid, Status::Suspended]);

    assert_eq!(
        VerifiedStatusList::verify(&hand_signed(3, &zlib(&[0]), &issuer), &public, T0),
        Err(StatusListError::BadBits(3))
    );
    assert_eq!(
        VerifiedStatusList::verify(&hand_signed(0, &zlib(&[0]), &issuer), &public, T0),
        Err(StatusListError::BadBits(0))
    );
    let mut corrupt = zlib(&[0xff; 64]);
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0xff; // breaks the Adler-32 checksum
    assert_eq!(
        VerifiedStatusList::verify(&hand_signed(1, &corrupt, &issuer), &public, T0),
        Err(StatusListError::CorruptCompression)
    );
    assert_eq!(
        VerifiedStatusList::verify(&hand_signed(1, b"not zlib at all", &issuer), &public, T0),
        Err(StatusListError::CorruptCompression)
    );
}

#[test]
fn a_zlib_bomb_is_refused() {
    let issuer = key();
    // 64 MiB of zeros compress to about 64 KiB.
    let bomb = zlib(&vec![0; 4 * MAX_DECOMPRESSED_LEN]);
    assert!(bomb.len() < 128 * 1024);
    let token = hand_signed(1, &bomb, &issuer);
    assert_eq!(
        VerifiedStatusList::verify(&token, &issuer.verifying_key(), T0),
        Err(StatusListError::TooLarge { limit: MAX_DECOMPRESSED_LEN })
    );
}

#[test]
fn cached_status_lists_say_how_old_they_are() {
    let issuer = key();
    let public = issuer.verifying_key();
    let mut list = StatusList::new(Bits::One, 128);
    list.set(5, Status::Invalid).expect("revoke");
    let token = list.sign(&claims("https://s.example/3"), b"kid", &issuer).expect("sign");
    let fetched_at = T0 + HOUR;
    let verified = VerifiedStatusList::verify(&token, &public, fetched_at).expect("verify");
    let stored = CachedCopy::new(verified, fetched_at).to_bytes().expect("persist");

    // Offline three hours after the fetch, four after signing: within the 12 h ttl, so fresh.
    let cached = CachedCopy::<VerifiedStatusList>::from_bytes(&stored, &public).expect("read back");
    let three_hours = cached.freshness(fetched_at + 3 * HOUR);
    assert_eq!(three_hours, Freshness { age_seconds: 14_400, refresh_due: false, stale: false });
    assert_eq!(format!("status list is {three_hours}"), "status list is 4 h old");
    // Past the ttl (counted from signing, not fetching) the copy is still used, but due for
    // refresh.
    let eleven = cached.freshness(fetched_at + 11 * HOUR);
    assert_eq!((eleven.refresh_due, eleven.stale), (true, false));
    assert_eq!(cached.list().status_at(5), Ok(Status::Invalid));
    // Past exp (7 days after issue) it is stale, though still readable.
    let week = cached.freshness(T0 + 7 * DAY);
    assert_eq!(week, Freshness { age_seconds: (7 * DAY) as u64, refresh_due: true, stale: true });
    assert_eq!(week.to_string(), "7 d old, stale (past its expiry)");
    assert_eq!(cached.list().status_at(5), Ok(Status::Invalid));
}

#[test]
fn garbage_never_panics() {
    let issuer = key();
    let public = issuer.verifying_key();
    let mut list = StatusList::new(Bits::Two, 64);
    list.set(3, Status::Suspended).expect("set");
    let status_token = list.sign(&claims("https://s.example/4"), b"kid", &issuer).expect("sign");
    let r = rotation();
    let root = r.root.verifying_key();
    let cached = CachedCopy::new(VerifiedStatusList::verify(&status_token, &public, T0).expect("verify"), T0)
        .to_bytes()
        .expect("persist");

    // Whether each reader accepts the bytes; nothing may panic, and only the original passes.
    let accepts = |bytes: &[u8], root: &VerifyingKey| -> [bool; 4] {
        let _ = StatusList::decompress(Bits::One, bytes);
        [
            TrustList::verify(bytes, root, ROTATED_AT).is_ok(),
            VerifiedStatusList::verify(bytes, &public, T0).is_ok(),
            CachedCopy::<VerifiedStatusList>::from_bytes(bytes, &public).is_ok(),
            CachedCopy::<VerifiedTrustList>::from_bytes(bytes, root).is_ok(),
        ]
    };
    for (original, which) in [(&r.bytes, 0), (&status_token, 1), (&cached, 2)] {
        assert!(accepts(original, &root)[which], "original {which} is accepted");
        for len in 0..original.len() {
            assert_eq!(accepts(&original[..len], &root), [false; 4], "input {which} cut to {len}");
        }
        for bit in 0..original.len() * 8 {
            let mut flipped = original.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let accepted = accepts(&flipped, &root);
            if which == 2 && accepted == [false, false, true, false] {
                // `fetched_at` is the one unsigned field of a cached copy; the list is intact.
                let copy = CachedCopy::<VerifiedStatusList>::from_bytes(&flipped, &public).expect("accepted");
                assert_eq!(copy.list().signed_bytes(), status_token, "bit {bit}");
                assert_ne!(copy.fetched_at(), T0, "bit {bit}");
            } else {
                assert_eq!(accepted, [false; 4], "input {which} bit {bit}");
            }
        }
    }
    assert_eq!(accepts(&[0x81; 50_000], &root), [false; 4]);
    assert_eq!(accepts(&[], &root), [false; 4]);
}

//! The application form of a service (issue 17): a residence-permit form from the test vectors,
//! its definition refused where it is wrong, and answers checked all at once.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::collections::BTreeMap;

use shimin_core::catalogue::form::{Form, FormError, Problem};
use shimin_core::catalogue::guide::{GuideError, Service};
use shimin_core::cert::CertificateType;
use shimin_wire::application::FieldValueDto;
use shimin_wire::catalogue::{ConditionDto, FormDto, ServiceDocument};
use time::{Date, Month};

const VECTOR: &str = include_str!("vectors/application/residence-permit.json");

fn document() -> ServiceDocument {
    serde_json::from_str(VECTOR).expect("the vector is a document")
}

fn form() -> Form {
    Service::parse(document()).expect("the vector parses").form.expect("it has a form")
}

fn today() -> Date {
    Date::from_calendar_date(2026, Month::December, 7).expect("date")
}

fn text(s: &str) -> FieldValueDto {
    FieldValueDto::Text(s.into())
}

/// Answers that pass every rule.
fn good() -> BTreeMap<String, FieldValueDto> {
    [
        ("name", text("王秀兰")),
        ("id_number", text("11010519491231002X")),
        ("phone", text("138 0013 8000")),
        ("address", text("北京市朝阳区某街道1号楼2单元301")),
        ("arrived", text("2024-03-01")),
        ("lease_end", text("2027-02-28")),
        ("months", text("33")),
        ("income", text("8500.5")),
        ("basis", text("work")),
        ("with", FieldValueDto::Codes(vec!["child".into()])),
        ("employed", FieldValueDto::YesNo(true)),
        ("employer", text(&valid_credit_code())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn with(changes: &[(&str, Option<FieldValueDto>)]) -> BTreeMap<String, FieldValueDto> {
    let mut answers = good();
    for (key, value) in changes {
        match value {
            Some(v) => answers.insert((*key).to_owned(), v.clone()),
            None => answers.remove(*key),
        };
    }
    answers
}

fn problems(answers: &BTreeMap<String, FieldValueDto>) -> Vec<(String, Problem)> {
    form().check(answers, today()).expect_err("refused").into_iter().map(|p| (p.field, p.problem)).collect()
}

fn valid_credit_code() -> String {
    let first17 = "91110105MA01ABCD1";
    let check = shimin_core::cert::credit_code::check_character(first17).expect("17 characters");
    format!("{first17}{check}")
}

#[test]
fn good_answers_pass_and_come_back_typed_and_unchanged_in_meaning() {
    let answers = with(&[("employer", Some(text(&valid_credit_code())))]);
    let checked = form().check(&answers, today()).expect("every rule holds");
    let back = checked.to_dto();
    assert_eq!(back["phone"], text("13800138000"), "spaces dropped");
    assert_eq!(back["income"], text("8500.50"), "to the field's places");
    assert_eq!(back["arrived"], answers["arrived"]);
    assert_eq!(back["with"], answers["with"]);
    assert_eq!(back.len(), answers.len());
    assert!(form().check(&back, today()).is_ok(), "the checked answers check again");
    let debug = format!("{checked:?}");
    assert!(!debug.contains("王秀兰") && !debug.contains("11010519491231002X"), "{debug}");
}

#[test]
fn every_wrong_field_is_reported_at_once_in_the_forms_order() {
    let answers = with(&[
        ("name", Some(text("王"))),
        ("id_number", Some(text("110105194912310021"))),
        ("phone", Some(text("12345"))),
        ("address", None),
        ("arrived", Some(text("2026-12-08"))),
        ("lease_end", Some(text("2026-02-30"))),
        ("months", Some(text("5"))),
        ("income", Some(text("1.234"))),
        ("basis", Some(text("holiday"))),
        ("with", Some(FieldValueDto::Codes(vec!["child".into(), "child".into()]))),
        ("employed", Some(text("yes"))),
        ("pet", Some(text("cat"))),
    ]);
    let tomorrow_is_too_late = Problem::TooLate { latest: today() };
    assert_eq!(
        problems(&answers),
        [
            ("name".to_owned(), Problem::TooShort { min: 2 }),
            ("id_number".to_owned(), Problem::BadIdNumber),
            ("phone".to_owned(), Problem::BadPhone),
            ("address".to_owned(), Problem::Missing),
            ("arrived".to_owned(), tomorrow_is_too_late),
            ("lease_end".to_owned(), Problem::NotADate),
            ("months".to_owned(), Problem::BelowMinimum { min: "6".into() }),
            ("income".to_owned(), Problem::TooManyPlaces { places: 2 }),
            ("basis".to_owned(), Problem::NotAnOption),
            ("with".to_owned(), Problem::RepeatedChoice),
            ("employed".to_owned(), Problem::WrongType),
            ("pet".to_owned(), Problem::Unknown),
        ]
    );
}

#[test]
fn numbers_dates_and_choices_keep_to_their_limits() {
    let one =
        |key: &str, value: FieldValueDto| form().check_field(key, &with(&[(key, Some(value))]), today());
    assert_eq!(one("months", text("1201")), Some(Problem::AboveMaximum { max: "1200".into() }));
    assert_eq!(one("months", text("6")), None, "the bound itself is allowed");
    assert_eq!(one("months", text("6.0")), Some(Problem::NotANumber));
    assert_eq!(one("income", text("-0.01")), Some(Problem::BelowMinimum { min: "0.00".into() }));
    assert_eq!(one("income", text("1000000.01")), Some(Problem::AboveMaximum { max: "1000000.00".into() }));
    assert_eq!(one("income", text("12.")), Some(Problem::NotANumber));
    assert_eq!(one("income", text("")), None, "not required: blank is no answer");
    assert_eq!(one("arrived", text("1989-12-31")), Some(Problem::TooEarly { earliest: date(1990, 1, 1) }));
    assert_eq!(one("arrived", text("2026-12-07")), None, "today is the latest day");
    assert_eq!(one("lease_end", text("2026-12-06")), Some(Problem::TooEarly { earliest: today() }));
    assert_eq!(one("with", FieldValueDto::Codes(vec!["pet".into()])), Some(Problem::NotAnOption));
    assert_eq!(one("with", text("child")), Some(Problem::WrongType));
    assert_eq!(one("name", text("王\u{0}兰")), Some(Problem::BadCharacters));
    assert_eq!(one("name", text(&"王".repeat(31))), Some(Problem::TooLong { max: 30 }));
}

#[test]
fn phones_are_mainland_mobiles_or_landlines() {
    let phone = |t: &str| form().check_field("phone", &with(&[("phone", Some(text(t)))]), today());
    for good in
        ["13800138000", "+86 138 0013 8000", "010-62345678", "01062345678", "0755-2345678", "021-62345678"]
    {
        assert_eq!(phone(good), None, "{good}");
    }
    for bad in
        ["12800138000", "1380013800", "010-1234567", "0755-0234567", "62345678", "00755-2345678", "abc"]
    {
        assert_eq!(phone(bad), Some(Problem::BadPhone), "{bad}");
    }
    assert_eq!(shimin_core::catalogue::form::values::phone("010-62345678", true), None, "mobile only");
    assert_eq!(
        shimin_core::catalogue::form::values::phone("+8613800138000", true).as_deref(),
        Some("13800138000")
    );
}

#[test]
fn a_conditional_field_is_asked_only_while_its_condition_holds() {
    let form = form();
    // Employed: the employer's code is required and checked.
    let missing = with(&[("employer", None)]);
    assert_eq!(form.check_field("employer", &missing, today()), Some(Problem::Missing));
    let wrong = with(&[("employer", Some(text("91110105MA01ABCD10")))]);
    assert_eq!(form.check_field("employer", &wrong, today()), Some(Problem::BadCreditCode));
    // Not employed: not asked, and a stale answer is dropped, not refused.
    let not_employed =
        with(&[("employed", Some(FieldValueDto::YesNo(false))), ("employer", Some(text("x")))]);
    let checked = form.check(&not_employed, today()).expect("the employer is not asked");
    assert!(checked.get("employer").is_none());
    // The conditional materials follow the answers; one the form says nothing about is the
    // citizen's call.
    assert_eq!(form.material_needed(2, &checked), Some(false), "no employment contract");
    assert_eq!(form.material_needed(5, &checked), Some(true), "a child moves: the birth certificate");
    assert_eq!(form.material_needed(3, &checked), None, "the marriage certificate: the citizen says");
    let alone = with(&[("with", None), ("employer", Some(text(&valid_credit_code())))]);
    let checked = form.check(&alone, today()).expect("good");
    assert_eq!(
        (form.material_needed(2, &checked), form.material_needed(5, &checked)),
        (Some(true), Some(false))
    );
}

#[test]
fn a_rule_between_two_fields_is_reported_on_the_later_one() {
    assert!(form().check(&good(), today()).is_ok());
    let wrong = with(&[("arrived", Some(text("2026-12-07"))), ("lease_end", Some(text("2026-12-07")))]);
    assert_eq!(problems(&wrong), [("lease_end".to_owned(), Problem::OutOfOrder { after: "arrived".into() })]);
}

#[test]
fn prefill_takes_the_named_attributes_of_held_certificates() {
    let values = form().prefill(|certificate, attribute| {
        (certificate == CertificateType::ResidentIdCard).then(|| text(&format!("<{attribute}>")))
    });
    assert_eq!(values.keys().collect::<Vec<_>>(), ["id_number", "name"]);
    assert_eq!(values["name"], text("<name>"));
    // From the wallet's attribute values, as the app's lookup gives them.
    use shimin_core::catalogue::form::values::from_attribute;
    use shimin_core::cert::AttributeValue;
    assert_eq!(from_attribute(&AttributeValue::Date(date(1949, 12, 31))), Some(text("1949-12-31")));
    assert_eq!(from_attribute(&AttributeValue::Integer(500_000)), Some(text("500000")));
    assert_eq!(from_attribute(&AttributeValue::Bool(true)), Some(FieldValueDto::YesNo(true)));
    assert_eq!(from_attribute(&AttributeValue::Bytes(vec![1, 2])), None);
    let wallet = |_: CertificateType, attribute: &str| match attribute {
        "name" => from_attribute(&AttributeValue::Text("张三".into())),
        "id_number" => from_attribute(&AttributeValue::Text("11010519491231002X".into())),
        _ => None,
    };
    let prefilled = form().prefill(wallet);
    let mut answers = good();
    answers.extend(prefilled);
    assert!(form().check(&answers, today()).is_ok(), "prefilled answers pass the form's own checks");
}

fn refused(change: impl FnOnce(&mut FormDto)) -> GuideError {
    let mut d = document();
    change(d.form.as_mut().expect("a form"));
    Service::parse(d).expect_err("refused")
}

#[test]
fn a_wrong_definition_is_refused_naming_the_field() {
    use FormError as E;
    let form_err = |e: E| GuideError::Form(e);
    assert_eq!(refused(|f| f.fields.clear()), form_err(E::FieldCount));
    assert_eq!(refused(|f| f.fields[1].key = "ID Number".into()), form_err(E::Key { index: 1 }));
    assert_eq!(refused(|f| f.fields[1].key = "name".into()), form_err(E::Duplicate("name".into())));
    assert_eq!(refused(|f| f.fields[0].label.hans = " ".into()), form_err(E::Label("name".into())));
    assert_eq!(
        refused(|f| f.fields[6].kind =
            serde_json::from_str(r#"{"type":"integer","min":9,"max":1}"#).expect("kind")),
        form_err(E::Limits("months".into()))
    );
    assert_eq!(
        refused(|f| f.fields[7].kind =
            serde_json::from_str(r#"{"type":"decimal","places":2,"max":"1.001"}"#).expect("kind")),
        form_err(E::Limits("income".into()))
    );
    assert_eq!(
        refused(|f| f.fields[4].kind = serde_json::from_str(
            r#"{"type":"date","earliest":{"date":"2026-01-02"},"latest":{"date":"2026-01-01"}}"#
        )
        .expect("kind")),
        form_err(E::Limits("arrived".into()))
    );
    assert_eq!(
        refused(|f| {
            f.fields[8].kind = serde_json::from_str(
            r#"{"type":"choice","options":[{"code":"a","label":{"hans":"甲"}},{"code":"a","label":{"hans":"乙"}}]}"#
        )
        .expect("kind")
        }),
        form_err(E::Options("basis".into()))
    );
    let on =
        |field: &str, one_of: &str| Some(ConditionDto { field: field.into(), one_of: vec![one_of.into()] });
    assert_eq!(
        refused(|f| f.fields[11].when = on("nowhere", "yes")),
        form_err(E::Condition("employer".into()))
    );
    assert_eq!(refused(|f| f.fields[11].when = on("name", "yes")), form_err(E::Condition("employer".into())));
    assert_eq!(
        refused(|f| f.fields[11].when = on("employed", "maybe")),
        form_err(E::Condition("employer".into()))
    );
    assert_eq!(
        refused(|f| {
            f.fields[10].when = on("basis", "work");
            f.fields[8].when = on("employed", "yes");
        }),
        form_err(E::Cycle("basis".into()))
    );
    assert_eq!(
        refused(|f| f.fields[0].prefill.as_mut().expect("prefill").attribute = "shoe_size".into()),
        form_err(E::Prefill("name".into()))
    );
    assert_eq!(refused(|f| f.rules[0].later = "gone".into()), form_err(E::Rule("gone".into())));
    assert_eq!(refused(|f| f.rules[0].later = "months".into()), form_err(E::Rule("months".into())));
    assert_eq!(
        refused(|f| f.material_conditions[0].material = 0),
        form_err(E::MaterialCondition { index: 0 })
    );
    assert_eq!(
        refused(|f| f.material_conditions[1].material = 2),
        form_err(E::MaterialCondition { index: 1 })
    );
}

#[test]
fn an_unknown_field_kind_is_refused_by_shape_without_echoing_text() {
    let json = VECTOR.replace(r#""type": "yes_no""#, r#""type": "signature""#);
    assert_ne!(json, VECTOR);
    let err = Service::from_json(json.as_bytes()).expect_err("an unknown kind");
    assert!(matches!(err, GuideError::Shape(_)), "{err:?}");
    assert!(!err.to_string().contains("signature"));
    // A guide without a form still parses (the documents stored before issue 17).
    let mut plain = document();
    plain.form = None;
    assert!(Service::parse(plain).expect("parses").form.is_none());
}

fn date(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).expect("month"), d).expect("date")
}

//! The seed catalogue as the backend and the search will use it: big enough, every theme and the
//! fifty named services there and complete, codes unique and valid, deterministic, and small
//! enough to download.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::sync::OnceLock;

use shimin_catalogue_seed::{catalogue, generated, hant::to_hant};
use shimin_core::catalogue::code::ServiceCode;
use shimin_core::catalogue::guide::Service;
use shimin_core::cert::CreditCode;
use shimin_wire::catalogue::{ReuseClassDto, ServiceDocument, ServiceStatusDto};

/// A named service: name, item type, themes, organ key, wallet result.
type Named = (&'static str, &'static str, &'static [&'static str], &'static str, Option<&'static str>);

/// The fifty complete guides the other parts of issue 16 rely on (the E2E test, the search
/// evaluation): name, item type, themes, organ key, wallet result.
const NAMED: &[Named] = &[
    ("出生医学证明签发", "20", &["person:005"], "health", None),
    ("出生登记", "07", &["person:010", "person:005"], "police", Some("household-register")),
    ("居民身份证首次申领", "20", &["person:090"], "police", Some("resident-id-card")),
    ("居民身份证换领", "20", &["person:090"], "police", Some("resident-id-card")),
    ("居民身份证补领", "20", &["person:090"], "police", Some("resident-id-card")),
    ("户口迁移", "01", &["person:010"], "police", Some("household-register")),
    ("死亡登记", "07", &["person:155", "person:010"], "police", None),
    ("居住证签发", "20", &["person:090"], "police", Some("residence-permit")),
    ("普通护照签发", "01", &["person:105"], "exit-entry", None),
    ("往来港澳通行证及签注签发", "01", &["person:105"], "exit-entry", Some("hk-macau-travel-permit")),
    ("往来台湾通行证及签注签发", "01", &["person:105"], "exit-entry", None),
    ("机动车驾驶证换证", "01", &["person:095"], "traffic", Some("driving-licence")),
    ("机动车驾驶证补证", "01", &["person:095"], "traffic", Some("driving-licence")),
    ("机动车注册登记", "01", &["person:095"], "traffic", None),
    ("机动车转移登记", "01", &["person:095"], "traffic", None),
    ("机动车检验合格标志核发", "01", &["person:095"], "traffic", None),
    ("交通违法处理", "02", &["person:095"], "traffic", None),
    ("结婚登记", "07", &["person:060"], "civil-affairs", Some("marriage-certificate")),
    ("离婚登记", "07", &["person:060"], "civil-affairs", None),
    ("生育登记", "20", &["person:005"], "health", None),
    ("城乡居民基本医疗保险参保登记", "20", &["person:085", "person:145"], "medical-security", None),
    ("异地就医备案", "20", &["person:085", "person:145"], "medical-security", None),
    ("医疗费用报销", "20", &["person:085", "person:145"], "medical-security", None),
    ("社会保障卡申领", "20", &["person:085"], "hrss", None),
    ("社会保障卡补换", "20", &["person:085"], "hrss", None),
    ("职工基本养老保险待遇申领", "20", &["person:150", "person:085"], "hrss", None),
    ("城乡居民基本养老保险参保登记", "20", &["person:150", "person:085"], "hrss", None),
    ("失业保险金申领", "20", &["person:030", "person:085"], "hrss", None),
    ("就业登记", "20", &["person:030"], "hrss", None),
    ("住房公积金提取", "20", &["person:075"], "housing-fund", None),
    ("住房公积金贷款", "20", &["person:075"], "housing-fund", None),
    ("不动产首次登记", "07", &["person:075"], "natural-resources", None),
    ("不动产转移登记", "07", &["person:075"], "natural-resources", None),
    ("个人所得税完税证明开具", "20", &["person:055"], "tax", None),
    ("个体工商户设立登记", "01", &["person:030", "legal:005"], "market", Some("business-licence")),
    ("企业设立登记", "01", &["legal:005"], "market", Some("business-licence")),
    ("食品经营许可", "01", &["legal:010"], "market", None),
    ("公共场所卫生许可", "01", &["legal:010"], "health", None),
    ("最低生活保障", "05", &["person:085"], "civil-affairs", None),
    ("残疾人证核发", "20", &["person:065"], "disabled-persons", None),
    ("老年人优待证办理", "20", &["person:065", "person:150"], "civil-affairs", None),
    ("高龄津贴发放", "05", &["person:150", "person:065"], "civil-affairs", None),
    ("义务教育入学", "20", &["person:020"], "education", None),
    ("教师资格认定", "01", &["person:050", "person:020"], "education", None),
    ("无犯罪记录证明开具", "20", &["person:120"], "police", None),
    ("丧葬补助金领取", "05", &["person:155", "person:085"], "hrss", None),
    ("医师执业注册", "01", &["person:050", "legal:110"], "health", None),
    ("建筑工程施工许可", "01", &["legal:085"], "housing-construction", None),
    ("法律援助", "20", &["person:120"], "justice", None),
    ("公证", "20", &["person:120"], "notary", None),
];

/// The themes: 生育收养, 户籍办理, 出境入境, 婚姻登记, 社会保障, 就业创业, 住房, 交通出行,
/// 教育, 医疗卫生, 养老, 身后事; for companies 设立变更, 准营准办 (+ 税收财务, 法人注销).
const THEMES: &[&str] = &[
    "person:005",
    "person:010",
    "person:105",
    "person:060",
    "person:085",
    "person:030",
    "person:075",
    "person:095",
    "person:020",
    "person:145",
    "person:150",
    "person:155",
    "legal:005",
    "legal:010",
    "legal:025",
    "legal:165",
];

/// The catalogue, loaded once for the tests that only read it.
fn seed() -> &'static [ServiceDocument] {
    static SEED: OnceLock<Vec<ServiceDocument>> = OnceLock::new();
    SEED.get_or_init(|| catalogue().expect("the seed loads"))
}

/// The ten thousand generated services, made once.
fn ten_thousand() -> &'static [ServiceDocument] {
    static GENERATED: OnceLock<Vec<ServiceDocument>> = OnceLock::new();
    GENERATED.get_or_init(|| generated(10_000).expect("ten thousand"))
}

#[test]
fn the_catalogue_has_a_thousand_active_services_over_twenty_five_organs() {
    let services = seed();
    assert!(services.len() >= 1_000, "{} services", services.len());
    let organs: BTreeSet<&str> = services.iter().map(|s| s.organ.key.as_str()).collect();
    assert!(organs.len() >= 25, "{} organs: {organs:?}", organs.len());
    assert!(services.iter().all(|s| s.status == ServiceStatusDto::Active && s.version == 0));
    let mut per_theme: BTreeMap<&str, usize> = BTreeMap::new();
    for s in services {
        for t in &s.themes {
            *per_theme.entry(t.as_str()).or_default() += 1;
        }
    }
    println!("{} services, {} organs; per theme: {per_theme:?}", services.len(), organs.len());
    for theme in THEMES {
        assert!(per_theme.get(theme).copied().unwrap_or(0) >= 10, "theme {theme} has too few services");
    }
}

#[test]
fn every_document_parses_through_the_core_as_its_json() {
    for document in seed().iter().chain(ten_thousand().iter().step_by(7)) {
        let json = serde_json::to_vec(document).expect("json");
        let service = Service::from_json(&json).unwrap_or_else(|e| panic!("{}: {e}", document.name.hans));
        assert_eq!(service.document(), document);
        assert!(service.is_active());
    }
}

#[test]
fn every_code_is_unique_and_parses_and_every_organ_code_is_a_valid_credit_code() {
    let services = seed();
    let mut codes = HashSet::new();
    for s in services {
        let code = ServiceCode::parse(&s.code).unwrap_or_else(|e| panic!("{}: {e}", s.code));
        assert_eq!(code.to_string(), s.code);
        assert_eq!(code.division().as_str(), "110105");
        assert_eq!(code.organ().as_str(), s.organ.code);
        assert!(codes.insert(s.code.clone()), "{} twice", s.code);
        CreditCode::parse(&s.organ.code).unwrap_or_else(|e| panic!("{}: {e}", s.organ.key));
    }
    let police = services.iter().find(|s| s.organ.key == "police").expect("a police service");
    assert_eq!(police.organ.code, "111101050000000017", "the wallet's issuer of ID cards");
}

#[test]
fn the_fifty_named_services_are_there_once_each_with_every_section_of_the_guide() {
    let services = seed();
    for &(name, item_type, themes, organ, wallet) in NAMED {
        let found: Vec<&ServiceDocument> = services.iter().filter(|s| s.name.hans == name).collect();
        assert_eq!(found.len(), 1, "{name}");
        let s = found[0];
        let code = ServiceCode::parse(&s.code).expect("a code");
        assert_eq!(code.basic().item_type().code(), item_type, "{name}");
        assert_eq!(s.themes, themes, "{name}");
        assert_eq!(s.organ.key, organ, "{name}");
        assert_eq!(s.result.e_certificate.as_deref(), wallet, "{name}");
        assert!(s.name.en.as_deref().is_some_and(|e| !e.is_empty()), "{name}: English name");
        assert!(!s.aliases.is_empty(), "{name}: aliases");
        assert!(!s.legal_basis.is_empty(), "{name}: legal basis");
        assert!(!s.conditions.is_empty(), "{name}: conditions");
        assert!(s.steps.len() >= 2, "{name}: steps");
        assert!(s.steps.iter().all(|st| st.name.en.is_some()), "{name}: English step names");
        assert!(!s.places.is_empty() && !s.places[0].hours.hans.is_empty(), "{name}: place");
        assert!(!s.phones.consult.is_empty() && s.phones.supervise == "12345", "{name}: phones");
        assert!(s.faq.len() >= 2, "{name}: FAQ");
        assert!(s.faq.iter().all(|f| f.q.en.is_some() && f.a.en.is_some()), "{name}: English FAQ");
        assert!(!s.materials.is_empty(), "{name}: materials");
        assert!(s.materials.iter().all(|m| m.name.en.is_some()), "{name}: English material names");
        assert!(!s.result.name.hans.is_empty(), "{name}: result");
        // Every text has its Traditional form.
        assert!(s.name.hant.is_some() && s.conditions.iter().all(|c| c.hant.is_some()), "{name}");
    }
    // The renewal the E2E test opens: the ID card and the licence are in the wallet.
    let renewal = services.iter().find(|s| s.name.hans == "机动车驾驶证换证").expect("renewal");
    assert!(renewal.code.ends_with("-05"), "{}", renewal.code);
    for slug in ["resident-id-card", "driving-licence"] {
        assert!(renewal.materials.iter().any(|m| m.satisfied_by.as_deref() == Some(slug)), "{slug}");
    }
    let senior = services.iter().find(|s| s.name.hans == "老年人优待证办理").expect("senior card");
    assert_eq!(senior.case_kind, 1, "即办件 (seed 002)");
}

#[test]
fn listed_items_carry_what_citizens_call_them() {
    let services = seed();
    let lottery = services.iter().find(|s| s.name.hans == "小客车指标申请").expect("the car quota");
    assert!(lottery.aliases.iter().any(|a| a == "摇号"), "{:?}", lottery.aliases);
    let with_aliases = services.iter().filter(|s| !s.aliases.is_empty()).count();
    assert!(with_aliases >= 200, "{with_aliases} services with aliases");
}

/// Every three-language text inside a JSON value: (where, the text's object).
fn texts<'a>(value: &'a serde_json::Value, path: &str, out: &mut Vec<(String, &'a serde_json::Value)>) {
    match value {
        serde_json::Value::Object(map) => {
            if map.contains_key("hans") {
                out.push((path.to_owned(), value));
            }
            for (key, v) in map {
                texts(v, &format!("{path}.{key}"), out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| texts(v, path, out)),
        _ => {}
    }
}

#[test]
fn every_text_of_every_service_is_in_three_languages() {
    let mut count = 0;
    for document in seed() {
        let value = serde_json::to_value(document).expect("json");
        let mut found = Vec::new();
        texts(&value, "", &mut found);
        for (path, text) in found {
            let has = |k: &str| text.get(k).and_then(|v| v.as_str()).is_some_and(|t| !t.is_empty());
            assert!(has("hans") && has("hant") && has("en"), "{}: {path}: {text}", document.name.hans);
            count += 1;
        }
    }
    assert!(count > 25_000, "{count} texts");
}

#[test]
fn materials_carry_the_reuse_classes_of_seed_002() {
    let services = seed();
    let class = |name: &str| -> Vec<ReuseClassDto> {
        let mut classes: Vec<ReuseClassDto> = services
            .iter()
            .flat_map(|s| &s.materials)
            .filter(|m| m.name.hans == name)
            .map(|m| m.reuse)
            .collect();
        classes.dedup();
        classes
    };
    assert_eq!(class("出生医学证明"), [ReuseClassDto::Unconditional]);
    assert_eq!(class("居民身份证"), [ReuseClassDto::WithinValidity]);
    assert_eq!(class("结婚证"), [ReuseClassDto::WithoutLimit]);
    assert_eq!(class("营业执照"), [ReuseClassDto::WithinValidity]);
    let forms: Vec<_> =
        services.iter().flat_map(|s| &s.materials).filter(|m| m.name.hans.ends_with("申请表")).collect();
    assert!(forms.len() > 800, "{}", forms.len());
    assert!(forms.iter().all(|m| m.reuse == ReuseClassDto::Never && m.satisfied_by.is_none()));
}

#[test]
fn traditional_texts_come_from_opencc() {
    for (hans, hant) in [
        ("机动车驾驶证换证", "機動車駕駛證換證"),
        ("户口迁移", "戶口遷移"),
        ("普通护照签发", "普通護照簽發"),
        ("出生登记", "出生登記"),
        ("社会保障卡", "社會保障卡"),
        ("发放", "發放"),
        ("面积", "面積"),
        ("公里", "公里"),
    ] {
        assert_eq!(to_hant(hans), hant);
    }
    let services = seed();
    let renewal = services.iter().find(|s| s.name.hans == "机动车驾驶证换证").expect("renewal");
    assert_eq!(renewal.name.hant.as_deref(), Some("機動車駕駛證換證"));
}

#[test]
fn the_same_call_gives_the_same_documents() {
    assert_eq!(catalogue().expect("seed"), catalogue().expect("seed"));
    let copies = generated(1_500).expect("generated");
    assert_eq!(copies, generated(1_500).expect("generated"));
    assert_eq!(&copies[..1_000], &seed()[..1_000], "the demo district first");
}

#[test]
fn ten_thousand_generated_services_have_unique_valid_codes() {
    let services = ten_thousand();
    assert_eq!(services.len(), 10_000);
    let mut codes = HashSet::new();
    let mut divisions = BTreeSet::new();
    for s in services {
        let code = ServiceCode::parse(&s.code).unwrap_or_else(|e| panic!("{}: {e}", s.code));
        assert_eq!(code.organ().as_str(), s.organ.code);
        assert_eq!(code.organ().division_code(), code.division().as_str(), "{}", s.code);
        divisions.insert(code.division().as_str().to_owned());
        assert!(codes.insert(s.code.clone()), "{} twice", s.code);
    }
    assert!(divisions.len() >= 8, "{divisions:?}");
    let haidian = services.iter().find(|s| s.code.contains("-110108-")).expect("a Haidian copy");
    assert!(haidian.organ.name.hans.contains("海淀"), "{}", haidian.organ.name.hans);
    // 淀 alone is 澱, but OpenCC keeps the place name 海淀.
    assert!(haidian.organ.name.hant.as_deref().is_some_and(|n| n.contains("海淀") && !n.contains("澱")));
    let json = serde_json::to_string(haidian).expect("json");
    assert!(!json.contains("朝阳") && !json.contains("朝陽") && !json.contains("Chaoyang"), "{json}");
    assert!(generated(1_000_000).is_err());
}

#[test]
fn the_first_download_is_under_two_megabytes_compressed() {
    let json = serde_json::to_vec(seed()).expect("json");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&json).expect("gzip");
    let compressed = gz.finish().expect("gzip").len();
    println!("catalogue JSON: {} bytes, gzip: {compressed} bytes", json.len());
    assert!(compressed < 2_000_000, "{compressed} bytes");
}

/// The services the demo applies for online (issue 17) carry a form and a process that core
/// parses: the residence permit one branch at the police, the newborn's 一件事 four departments
/// in parallel, each branch at a catalogue organ.
#[test]
fn the_online_services_carry_a_form_and_a_process_core_accepts() {
    let services = seed();
    let organs: HashSet<String> = services.iter().map(|s| s.organ.code.clone()).collect();
    let parsed = |name: &str| {
        let document = services.iter().find(|s| s.name.hans == name).expect(name).clone();
        Service::parse(document).expect(name)
    };
    let permit = parsed("居住证签发");
    let form = permit.form.as_ref().expect("the permit's form");
    assert!(form.field("employer").is_some() && form.field("id_number").is_some());
    assert_eq!(permit.process.stages().len(), 1);
    assert_eq!(permit.process.stages()[0].branches.len(), 1);

    let newborn = parsed("新生儿出生一件事");
    assert!(newborn.form.as_ref().expect("the newborn's form").field("card_bank").is_some());
    let branches = &newborn.process.stages()[0].branches;
    assert_eq!(branches.len(), 4);
    for branch in branches {
        assert!(organs.contains(branch.department.as_str()), "{}", branch.department.as_str());
    }
}

//! The ranking's contract, on a handful of services: what wins, facets and their counts, paging,
//! refusals, and the same order whatever the input order.

use shimin_search::{Document, Hit, Index, MAX_QUERY_CHARS, ObjectFacet, Query, QueryError, Synonyms};

fn doc(
    code: &str,
    name: &str,
    en: &str,
    aliases: &[&str],
    dept: &str,
    themes: &[&str],
    popularity: u64,
) -> Document {
    Document {
        code: code.to_owned(),
        name_hans: name.to_owned(),
        name_en: en.to_owned(),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        department: dept.to_owned(),
        department_name: String::new(),
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        objects: vec![1],
        online: false,
        text: String::new(),
        popularity,
    }
}

fn docs() -> Vec<Document> {
    let mut licence = doc(
        "A01",
        "机动车驾驶证换证",
        "Driving licence renewal",
        &["换驾照"],
        "traffic",
        &["person:095"],
        1000,
    );
    licence.online = true;
    let mut company =
        doc("C01", "企业设立登记", "Company establishment registration", &[], "market", &["legal:005"], 600);
    company.objects = vec![2];
    company.online = true;
    let mut shop = doc(
        "C02",
        "个体工商户设立登记",
        "Individual business registration",
        &["开店"],
        "market",
        &["person:030", "legal:005"],
        800,
    );
    shop.objects = vec![1, 3];
    vec![
        licence,
        doc(
            "A02",
            "机动车驾驶证补证",
            "Driving licence replacement",
            &["驾照丢了"],
            "traffic",
            &["person:095"],
            500,
        ),
        doc("B01", "普通护照签发", "Ordinary passport", &["办护照"], "exit-entry", &["person:105"], 700),
        doc("B02", "普通护照补发", "Ordinary passport reissue", &[], "exit-entry", &["person:105"], 50),
        doc(
            "B03",
            "出入境证件遗失报失",
            "Reporting lost exit-entry documents",
            &[],
            "exit-entry",
            &["person:105"],
            10,
        ),
        company,
        shop,
    ]
}

fn index() -> Index {
    Index::build(docs(), &Synonyms::builtin())
}

fn search(index: &Index, text: &str) -> Vec<String> {
    let q = Query { text: text.to_owned(), limit: 10, ..Query::default() };
    index.search(&q).map(|p| p.hits.into_iter().map(|h| h.code).collect()).unwrap_or_default()
}

#[test]
fn index_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Index>();
}

#[test]
fn colloquial_traditional_english_pinyin_and_typos_find_the_licence() {
    let index = index();
    for q in [
        "驾照",
        "換駕照",
        "驾照到期了怎么办",
        "Driving Licence",
        "driver's licenses",
        "jiazhao",
        "jsz",
        "架照",
        "ＪＩＡＺＨＡＯ",
    ] {
        let got = search(&index, q);
        assert!(got.first().is_some_and(|c| c.starts_with("A0")), "{q}: {got:?}");
    }
}

#[test]
fn name_beats_alias_and_guide_text() {
    let mut docs = docs();
    // A service that mentions 护照 only in its guide, and one that has it only as an alias, both
    // far more popular: the one named 护照 still wins.
    let mut in_text = doc("Z01", "出境旅游备案", "", &[], "exit-entry", &["person:105"], 900_000);
    in_text.text = "材料：护照，身份证".to_owned();
    docs.push(in_text);
    docs.push(doc("Z02", "出境证件办理", "", &["护照"], "exit-entry", &["person:105"], 100));
    let index = Index::build(docs, &Synonyms::builtin());
    let got = search(&index, "普通护照");
    assert_eq!(got.first().map(String::as_str), Some("B01"), "{got:?}");
    let pos = |c: &str| got.iter().position(|x| x == c);
    // The alias match is a result; the guide-text match ranks after it, if it is one at all.
    assert!(pos("Z02").is_some(), "{got:?}");
    assert!(pos("Z01").is_none_or(|z01| pos("Z02") < Some(z01)), "alias before guide text: {got:?}");
}

#[test]
fn empty_query_lists_everything_by_popularity_then_code() {
    let page = index().search(&Query { limit: 100, ..Query::default() });
    let page = page.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.total, 7);
    let codes: Vec<&str> = page.hits.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(codes, ["A01", "C02", "B01", "C01", "A02", "B02", "B03"]);
    assert!(page.hits.iter().all(|h| h.score == 0.0));
}

#[test]
fn facets_filter_and_count_with_the_other_filters() {
    let index = index();
    let q = Query { department: Some("market".into()), limit: 10, ..Query::default() };
    let page = index.search(&q).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.total, 2);
    // The department facet counts as if no department were chosen; the others within market.
    let dept: Vec<(&str, usize)> =
        page.facets.departments.iter().map(|f| (f.value.as_str(), f.count)).collect();
    assert_eq!(dept, [("exit-entry", 3), ("market", 2), ("traffic", 2)]);
    assert_eq!((page.facets.person, page.facets.legal), (1, 2));
    assert_eq!((page.facets.online, page.facets.offline), (1, 1));
    let themes: Vec<(&str, usize)> = page.facets.themes.iter().map(|f| (f.value.as_str(), f.count)).collect();
    assert_eq!(themes, [("legal:005", 2), ("person:030", 1)]);

    let legal = Query { object: Some(ObjectFacet::Legal), limit: 10, ..Query::default() };
    let codes: Vec<String> =
        index.search(&legal).map(|p| p.hits.into_iter().map(|h| h.code).collect()).unwrap_or_default();
    assert_eq!(codes, ["C02", "C01"]);
    let online =
        Query { online: Some(true), theme: Some("person:095".into()), limit: 10, ..Query::default() };
    let page = index.search(&online).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.hits.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(), ["A01"]);
}

#[test]
fn paging() {
    let index = index();
    let all = index.search(&Query { limit: 100, ..Query::default() }).map(|p| p.hits).unwrap_or_default();
    let page =
        index.search(&Query { limit: 2, offset: 3, ..Query::default() }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.total, 7);
    assert_eq!(page.hits, all[3..5].to_vec());
}

#[test]
fn refusals() {
    let index = index();
    let long = "驾".repeat(MAX_QUERY_CHARS + 1);
    assert_eq!(index.search(&Query { text: long, ..Query::default() }), Err(QueryError::TooLong));
    let exactly = "驾".repeat(MAX_QUERY_CHARS);
    assert!(index.search(&Query { text: exactly, ..Query::default() }).is_ok());
    let q = Query { department: Some("nope".into()), ..Query::default() };
    assert_eq!(index.search(&q), Err(QueryError::UnknownDepartment));
    let q = Query { theme: Some("person:999".into()), ..Query::default() };
    assert_eq!(index.search(&q), Err(QueryError::UnknownTheme));
    // The error says what is wrong without repeating the query.
    assert_eq!(QueryError::TooLong.to_string(), "the query is longer than 100 characters");
}

#[test]
fn same_order_whatever_the_input_order_and_ties_by_popularity_then_code() {
    let forward = index();
    let mut reversed = docs();
    reversed.reverse();
    let reversed = Index::build(reversed, &Synonyms::builtin());
    for q in ["护照", "驾照", "登记", "passport", ""] {
        let a = forward.search(&Query { text: q.into(), limit: 10, ..Query::default() });
        let b = reversed.search(&Query { text: q.into(), limit: 10, ..Query::default() });
        assert_eq!(a, b, "{q}");
    }
    // Two services identical but for code and popularity: the popular one, then the lower code.
    let twins = vec![
        doc("T3", "普通护照签发", "", &[], "x", &[], 5),
        doc("T2", "普通护照签发", "", &[], "x", &[], 5),
        doc("T1", "普通护照签发", "", &[], "x", &[], 4),
    ];
    let index = Index::build(twins, &Synonyms::builtin());
    let hits = index.search(&Query { text: "护照".into(), limit: 10, ..Query::default() }).map(|p| p.hits);
    let hits: Vec<Hit> = hits.unwrap_or_default();
    assert_eq!(hits.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(), ["T2", "T3", "T1"]);
    // The less popular twin scores lower through the prior.
    assert!(hits[0].score > hits[2].score);
    assert_eq!(hits[0].score, hits[1].score);
}

#[test]
fn services_matching_more_of_the_query_come_first() {
    let mut docs = docs();
    docs.push(doc(
        "D01",
        "居民身份证补领",
        "Resident identity card replacement (lost)",
        &["身份证丢了"],
        "police",
        &["person:090"],
        5000,
    ));
    let index = Index::build(docs, &Synonyms::builtin());
    // The identity card matches `lost` twice over and is far more popular; the passport reissue
    // matches both words (`lost` → replacement ← reissue).
    let got = search(&index, "passport lost");
    assert_eq!(got.first().map(String::as_str), Some("B02"), "{got:?}");
}

#[test]
fn known_words_are_not_corrected_as_typos() {
    let mut docs = docs();
    docs.push(doc(
        "H01",
        "居民户口簿补领",
        "Household register booklet replacement",
        &[],
        "police",
        &["person:010"],
        100,
    ));
    let index = Index::build(docs, &Synonyms::builtin());
    // 户口本 and 遗失 are both catalogue words: 本遗 is no typo of 本本 (a word for 驾照).
    let got = search(&index, "戶口本遺失");
    assert_eq!(got.first().map(String::as_str), Some("H01"), "{got:?}");
    // The licence renewal matches nothing of it but through that false correction.
    assert!(!got.iter().any(|c| c == "A01"), "{got:?}");
}

#[test]
fn odd_input_is_answered_not_panicked_on() {
    let index = index();
    let long_latin = "a".repeat(MAX_QUERY_CHARS);
    let long_pinyin = "zhuang".repeat(16);
    let long_han = "驾照".repeat(50);
    let inputs = [
        "",
        " ",
        "　",
        "？？？",
        "🙂🙂",
        "\u{0}\u{7}",
        "'''",
        "ＡＢＣ",
        "ü",
        "𠀀𠀁𪚥",
        "abc驾照123",
        "12345",
        "hu4",
        "4hu",
        "s",
        "ss",
        "x'y",
        "驾\u{301}照",
        long_latin.as_str(),
        long_pinyin.as_str(),
        long_han.as_str(),
    ];
    for text in inputs {
        let q = Query { text: text.to_owned(), limit: 5, offset: 3, ..Query::default() };
        let page = index.search(&q);
        assert!(page.is_ok(), "{text:?}: {page:?}");
    }
}

//! A small catalogue for the tests, until the seed crate's lands: the driving-licence renewal
//! guide of core's test vectors, and variations of it under other codes, names, departments,
//! themes and flags (each a valid service: codes with correct check characters).

use shimin_core::catalogue::guide::Service;
use shimin_core::cert::credit_code::check_character;
use shimin_wire::catalogue::{Localized, ServiceDocument};

/// The licence renewal of core's test vectors, as it is.
pub fn licence_renewal() -> ServiceDocument {
    serde_json::from_str(include_str!("../../../core/tests/vectors/catalogue/driving-licence-renewal.json"))
        .expect("the test vector is a document")
}

/// Departments of the fixture: the first 17 characters of a credit code, key, names.
const DEPARTMENTS: [(&str, &str, &str, &str); 3] = [
    (
        "11110105000000001",
        "traffic",
        "北京市公安局朝阳分局",
        "Chaoyang Branch, Beijing Public Security Bureau",
    ),
    ("11110105MB0000001", "civil-affairs", "朝阳区民政局", "Chaoyang Civil Affairs Bureau"),
    ("11110105MB0000002", "market", "朝阳区市场监督管理局", "Chaoyang Market Regulation Bureau"),
];

/// Names the variations take, in turn.
const NAMES: [(&str, &str, &str); 6] = [
    ("结婚登记", "結婚登記", "Marriage registration"),
    ("个体工商户设立登记", "個體工商戶設立登記", "Registration of an individual business"),
    ("机动车检验合格标志核发", "機動車檢驗合格標誌核發", "Vehicle inspection sticker"),
    ("离婚登记", "離婚登記", "Divorce registration"),
    ("食品经营许可", "食品經營許可", "Food business licence"),
    ("居住证办理", "居住證辦理", "Residence permit"),
];

/// The `n`th service of the fixture (0: the licence renewal itself), at version 0, active.
pub fn service(n: usize) -> ServiceDocument {
    let mut d = licence_renewal();
    if n == 0 {
        return d;
    }
    let (first17, key, hans, en) = DEPARTMENTS[n % DEPARTMENTS.len()];
    let organ = format!("{first17}{}", check_character(first17).expect("a check character"));
    d.code = format!("01{:05}000-110105-{organ}", 100 + n);
    d.organ.code = organ;
    d.organ.key = key.to_owned();
    d.organ.name = Localized { hans: hans.to_owned(), hant: None, en: Some(en.to_owned()) };
    let (hans, hant, en) = NAMES[n % NAMES.len()];
    d.name = Localized {
        hans: format!("{hans}{n}"),
        hant: Some(format!("{hant}{n}")),
        en: Some(format!("{en} {n}")),
    };
    d.aliases = Vec::new();
    d.themes = vec![["person:060", "person:090", "legal:005"][n % 3].to_owned()];
    d.objects = if n % 3 == 2 { vec![2] } else { vec![1] };
    d.flags.fully_online = n.is_multiple_of(2);
    // Ties on purpose (every popularity comes twice): the order then goes by code.
    d.popularity = 1_000 + (n as u64 / 2) * 10;
    d
}

/// The first `n` services of the fixture.
pub fn services(n: usize) -> Vec<ServiceDocument> {
    (0..n).map(service).collect()
}

/// The `n`th service, parsed.
pub fn parsed(n: usize) -> Service {
    Service::parse(service(n)).expect("the fixture is valid")
}

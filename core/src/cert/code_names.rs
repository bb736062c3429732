//! The names of coded values: 民族 `01` is 汉族, 与户主关系 `20` is 子, a Hong Kong endorsement `G`
//! is 个人旅游.
//!
//! Some attributes hold a code of a national standard rather than text, as the paper certificate's
//! register does. The issuer signs the code, so the code is what travels and what a verifier
//! checks; the name is looked up only to show it, in 简体中文, 繁體中文 or English. (Not to be
//! confused with [`super::codes`], the small integers that attribute *names* travel as.)
//!
//! | attribute | code set | codes |
//! |---|---|---|
//! | `sex`, `spouse_sex` | GB/T 2261.1 | `0` `1` `2` `9` |
//! | `ethnicity` | GB/T 3304, with `97` and `98` of the ID card | `01`–`56`, `97`, `98` |
//! | `relation_to_head` | GB/T 4761-2008, the two-digit codes | `01`–`99` (84 of them) |
//! | `hk_endorsement_kind`, `macau_endorsement_kind` | the letter printed on the endorsement | `G` `L` `T` `S` `D` `Q` |
//! | `hk_endorsement_entries`, `macau_endorsement_entries` | how many entries | `1`–`255`, `M` (multiple) |
//! | `degree_level` | Shimin's own | `bachelor` `master` `doctor` |
//! | `nationality` | GB/T 2659 (ISO 3166-1 alpha-3) | `CHN` only: no issuer writes another |
//! | `vehicle_classes` | 准驾车型, 公安部令第162号 | `A1`–`C6`, `D` `E` `F` `M` `N` `P`, printed together (`C1E`) |
//!
//! Not coded: `company_kind`, `discipline` and the rest are names already.
//!
//! The classes a licence allows are printed together, as on the card (`C1E`); their name lists
//! each class with its code, since drivers know the codes: 小型汽车（C1）、普通二轮摩托车（E）.
//!
//! A code a set does not hold has no name ([`CodeSet::name_of`] is `None`): the caller shows the
//! code itself, marked as unknown, rather than guess.

use std::borrow::Cow;
use std::fmt;

use super::types::names;

/// The name of a code in each language the app speaks. `Debug` is redacted: the name of a
/// person's ethnic group or family relation is personal data as much as its code.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeName {
    /// 简体中文.
    pub zh_hans: Cow<'static, str>,
    /// 繁體中文.
    pub zh_hant: Cow<'static, str>,
    /// English.
    pub en: Cow<'static, str>,
}

impl fmt::Debug for CodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeName([redacted])")
    }
}

impl CodeName {
    fn from_table(&(_, zh_hans, zh_hant, en): &Entry) -> Self {
        Self { zh_hans: zh_hans.into(), zh_hant: zh_hant.into(), en: en.into() }
    }
}

/// The code sets of coded attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeSet {
    /// GB/T 2261.1 sex.
    Sex,
    /// GB/T 3304 ethnic groups, with `97` (other) and `98` (of foreign origin) as ID cards use them.
    Ethnicity,
    /// GB/T 4761 family relations.
    FamilyRelation,
    /// The kind of a Hong Kong or Macau endorsement (签注种类).
    EndorsementKind,
    /// How many entries an endorsement allows: a number, or `M` for multiple.
    EndorsementEntries,
    /// The level of a degree.
    DegreeLevel,
    /// GB/T 2659 countries, by their three-letter code.
    Nationality,
    /// The vehicle classes a driving licence allows (准驾车型), printed together: `C1E`.
    VehicleClasses,
}

impl CodeSet {
    /// Every set, for exhaustive tests.
    pub const ALL: [CodeSet; 8] = [
        CodeSet::Sex,
        CodeSet::Ethnicity,
        CodeSet::FamilyRelation,
        CodeSet::EndorsementKind,
        CodeSet::EndorsementEntries,
        CodeSet::DegreeLevel,
        CodeSet::Nationality,
        CodeSet::VehicleClasses,
    ];

    /// The set the values of attribute `name` are codes of, or `None` when they are not codes.
    pub fn of_attribute(name: &str) -> Option<CodeSet> {
        Some(match name {
            names::SEX | "spouse_sex" => CodeSet::Sex,
            names::ETHNICITY => CodeSet::Ethnicity,
            "relation_to_head" => CodeSet::FamilyRelation,
            "hk_endorsement_kind" | "macau_endorsement_kind" => CodeSet::EndorsementKind,
            "hk_endorsement_entries" | "macau_endorsement_entries" => CodeSet::EndorsementEntries,
            "degree_level" => CodeSet::DegreeLevel,
            "nationality" => CodeSet::Nationality,
            "vehicle_classes" => CodeSet::VehicleClasses,
            _ => return None,
        })
    }

    /// The name of `code` in this set, or `None` when the set has no such code.
    pub fn name_of(self, code: &str) -> Option<CodeName> {
        match self {
            CodeSet::EndorsementEntries => entries_name(code),
            CodeSet::VehicleClasses => vehicle_classes_name(code),
            table => table.table().iter().find(|(c, ..)| *c == code).map(CodeName::from_table),
        }
    }

    /// The set's table; empty for a set whose names are made, not listed.
    fn table(self) -> &'static [Entry] {
        match self {
            CodeSet::Sex => SEXES,
            CodeSet::Ethnicity => ETHNICITIES,
            CodeSet::FamilyRelation => FAMILY_RELATIONS,
            CodeSet::EndorsementKind => ENDORSEMENT_KINDS,
            CodeSet::EndorsementEntries => &[],
            CodeSet::DegreeLevel => DEGREE_LEVELS,
            CodeSet::Nationality => NATIONALITIES,
            CodeSet::VehicleClasses => VEHICLE_CLASSES,
        }
    }
}

/// A code and its names in 简体中文, 繁體中文 and English.
type Entry = (&'static str, &'static str, &'static str, &'static str);

/// GB/T 2261.1-2003. The standard names `1` and `2` 男性 and 女性; a certificate prints 男 and 女.
const SEXES: &[Entry] = &[
    ("0", "未知的性别", "未知的性別", "Unknown"),
    ("1", "男", "男", "Male"),
    ("2", "女", "女", "Female"),
    ("9", "未说明的性别", "未說明的性別", "Not stated"),
];

/// GB/T 3304-1991 in the order of its numeric codes, then the two codes an ID card adds. The
/// English is the standard's romanisation, with the name it prescribes for use abroad in
/// parentheses (Tibetan, Korean).
const ETHNICITIES: &[Entry] = &[
    ("01", "汉族", "漢族", "Han"),
    ("02", "蒙古族", "蒙古族", "Mongol"),
    ("03", "回族", "回族", "Hui"),
    ("04", "藏族", "藏族", "Zang (Tibetan)"),
    ("05", "维吾尔族", "維吾爾族", "Uygur"),
    ("06", "苗族", "苗族", "Miao"),
    ("07", "彝族", "彝族", "Yi"),
    ("08", "壮族", "壯族", "Zhuang"),
    ("09", "布依族", "布依族", "Buyei"),
    ("10", "朝鲜族", "朝鮮族", "Chosen (Korean)"),
    ("11", "满族", "滿族", "Man"),
    ("12", "侗族", "侗族", "Dong"),
    ("13", "瑶族", "瑤族", "Yao"),
    ("14", "白族", "白族", "Bai"),
    ("15", "土家族", "土家族", "Tujia"),
    ("16", "哈尼族", "哈尼族", "Hani"),
    ("17", "哈萨克族", "哈薩克族", "Kazak"),
    ("18", "傣族", "傣族", "Dai"),
    ("19", "黎族", "黎族", "Li"),
    ("20", "傈僳族", "傈僳族", "Lisu"),
    ("21", "佤族", "佤族", "Va"),
    ("22", "畲族", "畲族", "She"),
    ("23", "高山族", "高山族", "Gaoshan"),
    ("24", "拉祜族", "拉祜族", "Lahu"),
    ("25", "水族", "水族", "Sui"),
    ("26", "东乡族", "東鄉族", "Dongxiang"),
    ("27", "纳西族", "納西族", "Naxi"),
    ("28", "景颇族", "景頗族", "Jingpo"),
    ("29", "柯尔克孜族", "柯爾克孜族", "Kirgiz"),
    ("30", "土族", "土族", "Tu"),
    ("31", "达斡尔族", "達斡爾族", "Daur"),
    ("32", "仫佬族", "仫佬族", "Mulao"),
    ("33", "羌族", "羌族", "Qiang"),
    ("34", "布朗族", "布朗族", "Blang"),
    ("35", "撒拉族", "撒拉族", "Salar"),
    ("36", "毛南族", "毛南族", "Maonan"),
    ("37", "仡佬族", "仡佬族", "Gelao"),
    ("38", "锡伯族", "錫伯族", "Xibe"),
    ("39", "阿昌族", "阿昌族", "Achang"),
    ("40", "普米族", "普米族", "Pumi"),
    ("41", "塔吉克族", "塔吉克族", "Tajik"),
    ("42", "怒族", "怒族", "Nu"),
    ("43", "乌孜别克族", "烏孜別克族", "Uzbek"),
    ("44", "俄罗斯族", "俄羅斯族", "Russ"),
    ("45", "鄂温克族", "鄂溫克族", "Ewenki"),
    ("46", "德昂族", "德昂族", "Deang"),
    ("47", "保安族", "保安族", "Bonan"),
    ("48", "裕固族", "裕固族", "Yugur"),
    ("49", "京族", "京族", "Gin"),
    ("50", "塔塔尔族", "塔塔爾族", "Tatar"),
    ("51", "独龙族", "獨龍族", "Derung"),
    ("52", "鄂伦春族", "鄂倫春族", "Oroqen"),
    ("53", "赫哲族", "赫哲族", "Hezhen"),
    ("54", "门巴族", "門巴族", "Monba"),
    ("55", "珞巴族", "珞巴族", "Lhoba"),
    ("56", "基诺族", "基諾族", "Jino"),
    ("97", "其他", "其他", "Other"),
    ("98", "外国血统中国籍人士", "外國血統中國籍人士", "Chinese citizen of foreign origin"),
];

/// GB/T 4761-2008, every two-digit code. `01` is the person themself (on a household register,
/// the head's own page) and `02` the head; `80` is another relation and `99` no relation at all.
const FAMILY_RELATIONS: &[Entry] = &[
    ("01", "本人", "本人", "Self"),
    ("02", "户主", "戶主", "Head of household"),
    ("10", "配偶", "配偶", "Spouse"),
    ("11", "夫", "夫", "Husband"),
    ("12", "妻", "妻", "Wife"),
    ("20", "子", "子", "Son"),
    ("21", "独生子", "獨生子", "Only son"),
    ("22", "长子", "長子", "Eldest son"),
    ("23", "次子", "次子", "Second son"),
    ("24", "三子", "三子", "Third son"),
    ("25", "四子", "四子", "Fourth son"),
    ("26", "五子", "五子", "Fifth son"),
    ("27", "养子或继子", "養子或繼子", "Adopted son or stepson"),
    ("28", "女婿", "女婿", "Son-in-law"),
    ("29", "其他儿子", "其他兒子", "Other son"),
    ("30", "女", "女", "Daughter"),
    ("31", "独生女", "獨生女", "Only daughter"),
    ("32", "长女", "長女", "Eldest daughter"),
    ("33", "次女", "次女", "Second daughter"),
    ("34", "三女", "三女", "Third daughter"),
    ("35", "四女", "四女", "Fourth daughter"),
    ("36", "五女", "五女", "Fifth daughter"),
    ("37", "养女或继女", "養女或繼女", "Adopted daughter or stepdaughter"),
    ("38", "儿媳", "兒媳", "Daughter-in-law"),
    ("39", "其他女儿", "其他女兒", "Other daughter"),
    ("40", "孙子、孙女、外孙子、外孙女", "孫子、孫女、外孫子、外孫女", "Grandchild"),
    ("41", "孙子", "孫子", "Grandson (son's son)"),
    ("42", "孙女", "孫女", "Granddaughter (son's daughter)"),
    ("43", "外孙子", "外孫子", "Grandson (daughter's son)"),
    ("44", "外孙女", "外孫女", "Granddaughter (daughter's daughter)"),
    ("45", "孙媳妇或外孙媳妇", "孫媳婦或外孫媳婦", "Grandson's wife"),
    ("46", "孙女婿或外孙女婿", "孫女婿或外孫女婿", "Granddaughter's husband"),
    ("47", "曾孙子或外曾孙子", "曾孫子或外曾孫子", "Great-grandson"),
    ("48", "曾孙女或外曾孙女", "曾孫女或外曾孫女", "Great-granddaughter"),
    ("49", "其他孙子、孙女、外孙子、外孙女", "其他孫子、孫女、外孫子、外孫女", "Other grandchild"),
    ("50", "父母", "父母", "Parent"),
    ("51", "父亲", "父親", "Father"),
    ("52", "母亲", "母親", "Mother"),
    ("53", "公公", "公公", "Husband's father"),
    ("54", "婆婆", "婆婆", "Husband's mother"),
    ("55", "岳父", "岳父", "Wife's father"),
    ("56", "岳母", "岳母", "Wife's mother"),
    ("57", "继父或养父", "繼父或養父", "Stepfather or adoptive father"),
    ("58", "继母或养母", "繼母或養母", "Stepmother or adoptive mother"),
    ("59", "其他父母关系", "其他父母關係", "Other parent"),
    ("60", "祖父母或外祖父母", "祖父母或外祖父母", "Grandparent"),
    ("61", "祖父", "祖父", "Grandfather (father's father)"),
    ("62", "祖母", "祖母", "Grandmother (father's mother)"),
    ("63", "外祖父", "外祖父", "Grandfather (mother's father)"),
    ("64", "外祖母", "外祖母", "Grandmother (mother's mother)"),
    ("65", "配偶的祖父母或外祖父母", "配偶的祖父母或外祖父母", "Spouse's grandparent"),
    ("66", "曾祖父", "曾祖父", "Great-grandfather"),
    ("67", "曾祖母", "曾祖母", "Great-grandmother"),
    ("68", "配偶的曾祖父母或外曾祖父母", "配偶的曾祖父母或外曾祖父母", "Spouse's great-grandparent"),
    ("69", "其他祖父母或外祖父母关系", "其他祖父母或外祖父母關係", "Other grandparent"),
    ("70", "兄、弟、姐、妹", "兄、弟、姐、妹", "Brother or sister"),
    ("71", "兄", "兄", "Elder brother"),
    ("72", "嫂", "嫂", "Elder brother's wife"),
    ("73", "弟", "弟", "Younger brother"),
    ("74", "弟媳", "弟媳", "Younger brother's wife"),
    ("75", "姐姐", "姐姐", "Elder sister"),
    ("76", "姐夫", "姐夫", "Elder sister's husband"),
    ("77", "妹妹", "妹妹", "Younger sister"),
    ("78", "妹夫", "妹夫", "Younger sister's husband"),
    ("79", "其他兄弟姐妹", "其他兄弟姐妹", "Other brother or sister"),
    ("80", "其他", "其他", "Other"),
    ("81", "伯父", "伯父", "Father's elder brother"),
    ("82", "伯母", "伯母", "Wife of father's elder brother"),
    ("83", "叔父", "叔父", "Father's younger brother"),
    ("84", "婶母", "嬸母", "Wife of father's younger brother"),
    ("85", "舅父", "舅父", "Mother's brother"),
    ("86", "舅母", "舅母", "Wife of mother's brother"),
    ("87", "姨父", "姨父", "Husband of mother's sister"),
    ("88", "姨母", "姨母", "Mother's sister"),
    ("89", "姑父", "姑父", "Husband of father's sister"),
    ("90", "姑母", "姑母", "Father's sister"),
    ("91", "堂兄弟、堂姐妹", "堂兄弟、堂姐妹", "Cousin (child of father's brother)"),
    ("92", "表兄弟、表姐妹", "表兄弟、表姐妹", "Cousin (child of father's sister or mother's sibling)"),
    ("93", "侄子", "姪子", "Nephew (brother's son)"),
    ("94", "侄女", "姪女", "Niece (brother's daughter)"),
    ("95", "外甥", "外甥", "Nephew (sister's son)"),
    ("96", "外甥女", "外甥女", "Niece (sister's daughter)"),
    ("97", "其他亲属", "其他親屬", "Other relative"),
    ("99", "非亲属", "非親屬", "Not a relative"),
];

/// The endorsement kinds of the Exit-Entry Administration, by the letter printed on them.
const ENDORSEMENT_KINDS: &[Entry] = &[
    ("G", "个人旅游", "個人旅遊", "Individual tourism"),
    ("L", "团队旅游", "團隊旅遊", "Group tourism"),
    ("T", "探亲", "探親", "Visiting relatives"),
    ("S", "商务", "商務", "Business"),
    ("D", "逗留", "逗留", "Stay"),
    ("Q", "其他", "其他", "Other"),
];

/// The degree levels, by the words an issuer writes.
const DEGREE_LEVELS: &[Entry] = &[
    ("bachelor", "学士", "學士", "Bachelor's degree"),
    ("master", "硕士", "碩士", "Master's degree"),
    ("doctor", "博士", "博士", "Doctoral degree"),
];

/// GB/T 2659 countries. Issuers write only `CHN` (a driving licence's nationality); any other
/// code is shown as an unknown code until a certificate carries it.
const NATIONALITIES: &[Entry] = &[("CHN", "中国", "中國", "China")];

/// 准驾车型, as 公安部令第162号 (机动车驾驶证申领和使用规定) names them.
const VEHICLE_CLASSES: &[Entry] = &[
    ("A1", "大型客车", "大型客車", "Large bus"),
    ("A2", "重型牵引挂车", "重型牽引掛車", "Heavy tractor-trailer"),
    ("A3", "城市公交车", "城市公交車", "City bus"),
    ("B1", "中型客车", "中型客車", "Medium bus"),
    ("B2", "大型货车", "大型貨車", "Large truck"),
    ("C1", "小型汽车", "小型汽車", "Small car"),
    ("C2", "小型自动挡汽车", "小型自動擋汽車", "Small car, automatic"),
    ("C3", "低速载货汽车", "低速載貨汽車", "Low-speed truck"),
    ("C4", "三轮汽车", "三輪汽車", "Three-wheeled car"),
    (
        "C5",
        "残疾人专用小型自动挡载客汽车",
        "殘疾人專用小型自動擋載客汽車",
        "Small automatic car for disabled drivers",
    ),
    ("C6", "轻型牵引挂车", "輕型牽引掛車", "Light tractor-trailer"),
    ("D", "普通三轮摩托车", "普通三輪摩托車", "Three-wheeled motorcycle"),
    ("E", "普通二轮摩托车", "普通二輪摩托車", "Two-wheeled motorcycle"),
    ("F", "轻便摩托车", "輕便摩托車", "Moped"),
    ("M", "轮式专用机械车", "輪式專用機械車", "Wheeled special machinery"),
    ("N", "无轨电车", "無軌電車", "Trolleybus"),
    ("P", "有轨电车", "有軌電車", "Tram"),
];

/// The classes printed together (`C1E`), each a letter and, when the table has it so, a digit:
/// every class named with its code, 小型汽车（C1）、普通二轮摩托车（E）; `None` when any part is not
/// a class, or the text is empty.
fn vehicle_classes_name(code: &str) -> Option<CodeName> {
    let mut rest = code;
    let mut classes: Vec<&Entry> = Vec::new();
    while !rest.is_empty() {
        let with_digit = rest.get(..2).and_then(|two| VEHICLE_CLASSES.iter().find(|(c, ..)| *c == two));
        let entry = match with_digit {
            Some(entry) => entry,
            None => VEHICLE_CLASSES.iter().find(|(c, ..)| rest.get(..1) == Some(*c))?,
        };
        rest = &rest[entry.0.len()..];
        classes.push(entry);
    }
    if classes.is_empty() {
        return None;
    }
    let list = |name: fn(&Entry) -> &'static str, open: &str, close: &str, sep: &str| {
        classes.iter().map(|e| format!("{}{open}{}{close}", name(e), e.0)).collect::<Vec<_>>().join(sep)
    };
    Some(CodeName {
        zh_hans: list(|e| e.1, "（", "）", "、").into(),
        zh_hant: list(|e| e.2, "（", "）", "、").into(),
        en: list(|e| e.3, " (", ")", ", ").into(),
    })
}

/// `M` is multiple entries; a number from 1 to 255, written as [`std::num::NonZeroU8`] writes
/// it (no sign, no leading zero), is that many. The Chinese is the one printed on an
/// endorsement: 一次, 二次, 多次.
fn entries_name(code: &str) -> Option<CodeName> {
    if code == "M" {
        return Some(CodeName {
            zh_hans: "多次".into(),
            zh_hant: "多次".into(),
            en: "Multiple entries".into(),
        });
    }
    let n = code.parse::<u8>().ok().filter(|n| *n > 0 && n.to_string() == code)?;
    let chinese = format!("{}次", chinese_numeral(n));
    let en = if n == 1 { "Single entry".to_owned() } else { format!("{n} entries") };
    Some(CodeName { zh_hans: chinese.clone().into(), zh_hant: chinese.into(), en: en.into() })
}

/// A number written in Chinese numerals: 二, 十一, 一百零五, 二百五十五.
fn chinese_numeral(n: u8) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (hundreds, tens, ones) = (usize::from(n / 100), usize::from(n / 10 % 10), usize::from(n % 10));
    let mut out = String::new();
    if hundreds > 0 {
        out.push_str(DIGITS[hundreds]);
        out.push('百');
    }
    if tens > 0 {
        // 十一, not 一十一, when nothing comes before.
        if hundreds > 0 || tens > 1 {
            out.push_str(DIGITS[tens]);
        }
        out.push('十');
    } else if hundreds > 0 && ones > 0 {
        out.push('零');
    }
    if ones > 0 || n == 0 {
        out.push_str(DIGITS[ones]);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU8;

    use time::{Date, Month};

    use super::*;
    use crate::IdNumber;
    use crate::cert::kinds::{
        DegreeCertificate, DegreeLevel, DrivingLicence, Endorsement, EndorsementKind, Entries, Ethnicity,
        HkMacauTravelPermit, HouseholdRegister, MarriageCertificate, Relation, ResidentIdCard,
    };
    use crate::cert::{
        AttributeValue, Certificate, CertificateBody, CertificateStatus, CreditCode, DivisionCode, Metadata,
        Person, Validity,
    };
    use crate::sensitive::Sensitive;

    fn name(set: CodeSet, code: &str) -> CodeName {
        set.name_of(code).unwrap_or_else(|| panic!("{set:?} {code} has no name"))
    }

    fn date(year: i32, day: u8) -> Date {
        Date::from_calendar_date(year, Month::June, day).expect("date")
    }

    /// A person with an odd (male) or even (female) sequence digit.
    fn person(male: bool) -> Person {
        let first17 = if male { "11010519491231001" } else { "11010519491231002" };
        let check = crate::id_number::check_character(first17).expect("17 digits");
        Person::new("张三", IdNumber::parse(&format!("{first17}{check}")).expect("ID number"))
    }

    fn certificate(body: CertificateBody) -> Certificate {
        let metadata = Metadata {
            number: Sensitive::new("A0001".into()),
            issuer_name: "北京市公安局西城分局".into(),
            issuer_code: CreditCode::parse("111101050000000017").expect("credit code"),
            issue_date: date(2024, 1),
            validity: Validity::new(date(2024, 1), None).expect("validity"),
            jurisdiction: DivisionCode::parse("110102").expect("division"),
            status: CertificateStatus::Valid,
        };
        Certificate { metadata, body }
    }

    /// Certificates that together carry every coded value the domain types can produce.
    fn every_coded_value() -> Vec<Certificate> {
        let ethnicities = (0..=u8::MAX).filter_map(Ethnicity::from_code).collect::<Vec<_>>();
        assert_eq!(ethnicities.len(), 58);
        let mut out = Vec::new();
        for (i, &ethnicity) in ethnicities.iter().enumerate() {
            out.push(CertificateBody::ResidentIdCard(ResidentIdCard {
                person: person(i % 2 == 0),
                ethnicity,
                address: Sensitive::new("北京市西城区某街1号".into()),
                photo: None,
            }));
        }
        for relation in Relation::ALL {
            out.push(CertificateBody::HouseholdRegister(HouseholdRegister {
                household_number: Sensitive::new("110102001234".into()),
                head_of_household: Sensitive::new("张大山".into()),
                address: Sensitive::new("北京市西城区某街1号".into()),
                member: person(true),
                relation,
                ethnicity: ethnicities[0],
                birthplace: Sensitive::new("北京市".into()),
            }));
        }
        let entries = (1..=u8::MAX).filter_map(NonZeroU8::new).map(Entries::Limited);
        for (kind, entries) in
            EndorsementKind::ALL.into_iter().cycle().zip(entries.chain([Entries::Multiple]))
        {
            let endorsement = Endorsement { kind, entries, valid_until: date(2030, 1) };
            out.push(CertificateBody::HkMacauTravelPermit(HkMacauTravelPermit {
                person: person(false),
                name_pinyin: Sensitive::new("ZHANG, SAN".into()),
                hong_kong: Some(endorsement),
                macau: Some(endorsement),
                photo: None,
            }));
        }
        for level in DegreeLevel::ALL {
            out.push(CertificateBody::DegreeCertificate(DegreeCertificate {
                person: person(true),
                level,
                discipline: "工学".into(),
                major: "计算机科学与技术".into(),
                university: "福州大学".into(),
                conferral_date: date(2012, 30),
            }));
        }
        out.push(CertificateBody::DrivingLicence(DrivingLicence {
            person: person(true),
            nationality: "CHN".into(),
            address: Sensitive::new("北京市西城区某街1号".into()),
            classes: vec![crate::cert::kinds::VehicleClass::C1],
            first_issue_date: date(2012, 20),
            file_number: Sensitive::new("110001234567".into()),
            photo: None,
        }));
        out.push(CertificateBody::MarriageCertificate(MarriageCertificate {
            holder: person(true),
            spouse: person(false),
            registration_date: date(2024, 1),
        }));
        out.into_iter().map(certificate).collect()
    }

    /// Text attributes that hold names, numbers or addresses, not codes.
    const NOT_CODED: &[&str] = &[
        "certificate_number",
        "issuer_name",
        "name",
        "id_number",
        "id_number_masked",
        "address",
        "name_pinyin",
        "residence_address",
        "household_number",
        "head_of_household",
        "birthplace",
        "file_number",
        "spouse_name",
        "spouse_id_number",
        "credit_code",
        "company_kind",
        "legal_representative",
        "business_scope",
        "discipline",
        "major",
        "university",
    ];

    #[test]
    fn every_code_an_issuer_can_write_has_a_name_in_every_language() {
        let mut seen = std::collections::HashSet::new();
        for certificate in every_coded_value() {
            let attributes = certificate.attributes(date(2024, 1)).expect("attributes");
            for (attribute, value) in attributes.iter() {
                let AttributeValue::Text(code) = value else { continue };
                let Some(set) = CodeSet::of_attribute(attribute) else {
                    assert!(NOT_CODED.contains(&attribute), "is {attribute} coded? Say so in CodeSet");
                    continue;
                };
                let names = name(set, code);
                for text in [&names.zh_hans, &names.zh_hant, &names.en] {
                    assert!(!text.trim().is_empty(), "{attribute} {code}");
                }
                assert!(names.en.is_ascii(), "{attribute} {code} in English is not English");
                seen.insert(set);
            }
        }
        assert_eq!(seen.len(), CodeSet::ALL.len(), "every set is in use");
        for code in ["0", "9"] {
            assert!(CodeSet::Sex.name_of(code).is_some(), "GB/T 2261.1 {code}");
        }
    }

    #[test]
    fn the_ethnic_groups_are_the_56_of_gb_3304_and_the_id_cards_two() {
        let codes: Vec<&str> = ETHNICITIES.iter().map(|(c, ..)| *c).collect();
        let expected: Vec<String> = (1..=56).chain([97, 98]).map(|n| format!("{n:02}")).collect();
        assert_eq!(codes, expected);
        for (code, hans, hant, _) in &ETHNICITIES[..56] {
            assert!(hans.ends_with('族') && hant.ends_with('族'), "{code}");
        }
        let han = name(CodeSet::Ethnicity, "01");
        assert_eq!((han.zh_hans.as_ref(), han.zh_hant.as_ref(), han.en.as_ref()), ("汉族", "漢族", "Han"));
        assert_eq!(name(CodeSet::Ethnicity, "04").en, "Zang (Tibetan)");
        assert_eq!(name(CodeSet::Ethnicity, "56").zh_hans, "基诺族");
        assert_eq!(name(CodeSet::Ethnicity, "98").zh_hant, "外國血統中國籍人士");
    }

    #[test]
    fn the_family_relations_are_every_two_digit_code_of_gb_4761() {
        let codes: Vec<&str> = FAMILY_RELATIONS.iter().map(|(c, ..)| *c).collect();
        let mut expected = vec!["01", "02", "10", "11", "12"];
        let two_digits: Vec<String> = (20..=97).map(|n: u8| n.to_string()).collect();
        expected.extend(two_digits.iter().map(String::as_str));
        expected.push("99");
        assert_eq!(codes, expected);
        let shown = |code| name(CodeSet::FamilyRelation, code).zh_hans;
        let issued: Vec<_> = Relation::ALL.iter().map(|r| shown(r.code())).collect();
        assert_eq!(issued, ["本人", "配偶", "子", "女", "父母", "非亲属"]);
    }

    #[test]
    fn no_table_repeats_a_code_and_every_name_is_written_in_its_language() {
        for set in CodeSet::ALL {
            let table = set.table();
            for (i, (code, hans, hant, en)) in table.iter().enumerate() {
                assert!(table[i + 1..].iter().all(|(c, ..)| c != code), "{set:?} {code} twice");
                assert!(!hans.is_empty() && !hant.is_empty() && en.is_ascii() && !en.is_empty(), "{code}");
                assert!(!hans.is_ascii() && !hant.is_ascii(), "{set:?} {code} is not in Chinese");
            }
        }
    }

    #[test]
    fn entries_are_counted_in_chinese_numerals() {
        let cases = [
            ("1", "一次", "Single entry"),
            ("2", "二次", "2 entries"),
            ("10", "十次", "10 entries"),
            ("11", "十一次", "11 entries"),
            ("20", "二十次", "20 entries"),
            ("100", "一百次", "100 entries"),
            ("105", "一百零五次", "105 entries"),
            ("110", "一百一十次", "110 entries"),
            ("255", "二百五十五次", "255 entries"),
            ("M", "多次", "Multiple entries"),
        ];
        for (code, chinese, english) in cases {
            let names = name(CodeSet::EndorsementEntries, code);
            assert_eq!((names.zh_hans.as_ref(), names.zh_hant.as_ref()), (chinese, chinese), "{code}");
            assert_eq!(names.en, english, "{code}");
        }
    }

    #[test]
    fn vehicle_classes_are_named_one_by_one_with_their_codes() {
        let c1 = name(CodeSet::VehicleClasses, "C1");
        assert_eq!(
            (c1.zh_hans.as_ref(), c1.zh_hant.as_ref(), c1.en.as_ref()),
            ("小型汽车（C1）", "小型汽車（C1）", "Small car (C1)")
        );
        let c1e = name(CodeSet::VehicleClasses, "C1E");
        assert_eq!(c1e.zh_hans, "小型汽车（C1）、普通二轮摩托车（E）");
        assert_eq!(c1e.en, "Small car (C1), Two-wheeled motorcycle (E)");
        assert_eq!(name(CodeSet::VehicleClasses, "A2D").zh_hans, "重型牵引挂车（A2）、普通三轮摩托车（D）");
        assert_eq!(name(CodeSet::VehicleClasses, "P").zh_hans, "有轨电车（P）");
        // Every class the licence can carry, in the order a licence prints them, has a name.
        let all: String = VEHICLE_CLASSES.iter().map(|(c, ..)| *c).collect();
        assert_eq!(all, "A1A2A3B1B2C1C2C3C4C5C6DEFMNP");
        assert_eq!(name(CodeSet::VehicleClasses, &all).zh_hans.matches('、').count(), 16);
        for odd in ["C", "C7", "C1X", "c1", "C1 ", "Ｃ1", "A", "B", "1"] {
            assert!(CodeSet::VehicleClasses.name_of(odd).is_none(), "{odd:?}");
        }
    }

    #[test]
    fn an_unknown_code_has_no_name_and_nothing_panics() {
        let odd =
            ["", " ", "0", "00", "01 ", "+1", "-1", "256", "m", "x", "汉族", "\u{0}", "99999999999999999999"];
        for set in CodeSet::ALL {
            for code in odd {
                let known = set.table().iter().any(|(c, ..)| *c == code);
                assert_eq!(set.name_of(code).is_some(), known, "{set:?} {code:?}");
            }
        }
        assert!(CodeSet::Ethnicity.name_of("57").is_none());
        assert!(CodeSet::Ethnicity.name_of("1").is_none(), "the code is two digits");
        assert!(CodeSet::FamilyRelation.name_of("98").is_none());
        assert!(CodeSet::EndorsementEntries.name_of("01").is_none());
        assert!(CodeSet::Nationality.name_of("chn").is_none());
    }

    #[test]
    fn only_coded_attributes_have_a_code_set() {
        assert_eq!(CodeSet::of_attribute("ethnicity"), Some(CodeSet::Ethnicity));
        assert_eq!(CodeSet::of_attribute("spouse_sex"), Some(CodeSet::Sex));
        assert_eq!(CodeSet::of_attribute("macau_endorsement_entries"), Some(CodeSet::EndorsementEntries));
        for name in NOT_CODED {
            assert_eq!(CodeSet::of_attribute(name), None, "{name}");
        }
    }

    #[test]
    fn debug_hides_the_name() {
        let printed = format!("{:?}", name(CodeSet::Ethnicity, "01"));
        assert!(!printed.contains("汉") && !printed.contains("Han"), "{printed}");
    }
}

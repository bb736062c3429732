//! The code sets of a service item besides its codes: GB/T 39046-2020 annex A.2 (exercise
//! level), A.3 (nature of the implementing organ), A.4 (service object), A.5 (handling form),
//! A.6 (case kind), the cross-region scope (Table 4 #33, which lists values without digits: ours
//! are numbered as one provincial platform numbers them), and the service themes (Table 4
//! #36–#38, which the standard leaves without a code table: the codes here are the convention of
//! the provincial platforms, each with its name in the app's three languages).

/// Defines a code set: a `u8` code per variant, `code()`, `from_code()` and `ALL`.
macro_rules! code_set {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code.
            pub fn code(self) -> u8 {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The value with this code, if it is one.
            pub fn from_code(code: u8) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}

code_set! {
    /// 行使层级 (A.2).
    ExerciseLevel {
        /// 1 国家级.
        National = 1,
        /// 2 省级.
        Provincial = 2,
        /// 3 市级.
        Municipal = 3,
        /// 4 县级.
        County = 4,
        /// 5 镇（乡、街道）级.
        Township = 5,
        /// 6 村（社区）级.
        Village = 6,
        /// 7 分级管理.
        Tiered = 7,
    }
}

code_set! {
    /// 实施主体性质 (A.3).
    OrganNature {
        /// 1 法定机关.
        Statutory = 1,
        /// 2 授权组织.
        Authorised = 2,
        /// 3 受委托组织.
        Entrusted = 3,
        /// 9 其他.
        Other = 9,
    }
}

code_set! {
    /// 服务对象 (A.4).
    ServiceObject {
        /// 1 自然人.
        NaturalPerson = 1,
        /// 2 企业法人.
        Enterprise = 2,
        /// 3 事业法人.
        PublicInstitution = 3,
        /// 4 社会组织法人.
        SocialOrganisation = 4,
        /// 5 行政机关.
        AdministrativeOrgan = 5,
        /// 6 其他组织.
        OtherOrganisation = 6,
    }
}

code_set! {
    /// 办理形式 (A.5).
    HandlingForm {
        /// 1 窗口办理.
        Window = 1,
        /// 2 电脑端网上办理.
        Web = 2,
        /// 3 移动端网上申请.
        Mobile = 3,
        /// 4 快递申请.
        Post = 4,
        /// 9 其他.
        Other = 9,
    }
}

code_set! {
    /// 办件类型 (A.6).
    CaseKind {
        /// 1 即办件: decided on the spot.
        Immediate = 1,
        /// 2 承诺件: decided within the promised limit.
        Promised = 2,
        /// 9 其他.
        Other = 9,
    }
}

code_set! {
    /// 通办范围: where else the service can be applied for.
    CrossRegion {
        /// 0 only where it is implemented.
        None = 0,
        /// 1 全国通办.
        Nationwide = 1,
        /// 2 跨省通办.
        CrossProvince = 2,
        /// 3 跨市通办.
        CrossCity = 3,
        /// 4 跨县通办.
        CrossCounty = 4,
    }
}

/// Whom a theme serves: a person (自然人) or a legal person (法人).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThemeAudience {
    /// 自然人服务主题 (`person:NNN`).
    Person,
    /// 法人服务主题 (`legal:NNN`).
    Legal,
}

/// A service theme (服务主题): a life event for persons, a business stage for legal persons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Theme {
    audience: ThemeAudience,
    code: u16,
}

/// One row of the theme tables: code, zh-Hans, zh-Hant, English.
type ThemeRow = (u16, &'static str, &'static str, &'static str);

/// 自然人服务主题.
const PERSON_THEMES: &[ThemeRow] = &[
    (5, "生育收养", "生育收養", "Birth and adoption"),
    (10, "户籍办理", "戶籍辦理", "Household registration"),
    (15, "民族宗教", "民族宗教", "Ethnic and religious affairs"),
    (20, "教育科研", "教育科研", "Education"),
    (25, "入伍服役", "入伍服役", "Military service"),
    (30, "就业创业", "就業創業", "Jobs and starting a business"),
    (35, "设立变更", "設立變更", "Setting up a business"),
    (40, "准营准办", "准營准辦", "Business permits"),
    (45, "抵押质押", "抵押質押", "Mortgages and pledges"),
    (50, "职业资格", "職業資格", "Professional qualifications"),
    (55, "行政缴费", "行政繳費", "Fees and taxes"),
    (60, "婚姻登记", "婚姻登記", "Marriage"),
    (65, "优待抚恤", "優待撫卹", "Preferential care"),
    (70, "规划建设", "規劃建設", "Planning and building"),
    (75, "住房保障", "住房保障", "Housing"),
    (85, "社会保障", "社會保障", "Social security"),
    (90, "证件办理", "證件辦理", "Identity documents"),
    (95, "交通出行", "交通出行", "Transport and driving"),
    (100, "旅游观光", "旅遊觀光", "Tourism"),
    (105, "出境入境", "出境入境", "Travel abroad"),
    (110, "消费维权", "消費維權", "Consumer rights"),
    (115, "公共安全", "公共安全", "Public safety"),
    (120, "司法公证", "司法公證", "Justice and notarisation"),
    (125, "知识产权", "知識產權", "Intellectual property"),
    (130, "环保绿化", "環保綠化", "Environment"),
    (135, "文化体育", "文化體育", "Culture and sport"),
    (140, "公用事业", "公用事業", "Utilities"),
    (145, "医疗卫生", "醫療衛生", "Health care"),
    (150, "离职退休", "離職退休", "Retirement and old age"),
    (155, "死亡殡葬", "死亡殯葬", "Death and funerals"),
    (998, "地方特色", "地方特色", "Local services"),
    (999, "其他", "其他", "Other"),
];

/// 法人服务主题.
const LEGAL_THEMES: &[ThemeRow] = &[
    (5, "设立变更", "設立變更", "Setting up and changes"),
    (10, "准营准办", "准營准辦", "Operating permits"),
    (15, "资质认证", "資質認證", "Qualifications"),
    (20, "年检年审", "年檢年審", "Annual inspections"),
    (25, "税收财务", "稅收財務", "Tax and finance"),
    (30, "人力资源", "人力資源", "Human resources"),
    (35, "社会保障", "社會保障", "Social security"),
    (40, "投资审批", "投資審批", "Investment approval"),
    (45, "融资信贷", "融資信貸", "Financing"),
    (50, "抵押质押", "抵押質押", "Mortgages and pledges"),
    (55, "商务贸易", "商務貿易", "Trade"),
    (60, "招标拍卖", "招標拍賣", "Tenders and auctions"),
    (65, "海关口岸", "海關口岸", "Customs"),
    (70, "涉外服务", "涉外服務", "Foreign affairs"),
    (75, "农林牧渔", "農林牧漁", "Agriculture and fishery"),
    (85, "国土和规划建设", "國土和規劃建設", "Land, planning and construction"),
    (90, "交通运输", "交通運輸", "Transport"),
    (95, "环保绿化", "環保綠化", "Environment"),
    (100, "应对气候变化", "應對氣候變化", "Climate change"),
    (105, "水务气象", "水務氣象", "Water and weather"),
    (110, "医疗卫生", "醫療衛生", "Health care"),
    (115, "科技创新", "科技創新", "Science and innovation"),
    (120, "文体教育", "文體教育", "Culture, sport and education"),
    (125, "知识产权", "知識產權", "Intellectual property"),
    (130, "民族宗教", "民族宗教", "Ethnic and religious affairs"),
    (135, "质量技术", "質量技術", "Quality and standards"),
    (140, "检验检疫", "檢驗檢疫", "Inspection and quarantine"),
    (145, "安全生产", "安全生產", "Work safety"),
    (150, "公安消防", "公安消防", "Police and fire safety"),
    (155, "司法公证", "司法公證", "Justice and notarisation"),
    (160, "公用事业", "公用事業", "Utilities"),
    (165, "法人注销", "法人註銷", "Closing down"),
    (170, "档案文物", "檔案文物", "Archives and heritage"),
    (998, "地方特色", "地方特色", "Local services"),
    (999, "其他", "其他", "Other"),
];

impl Theme {
    /// Every theme: the persons' table, then the legal persons'.
    pub fn all() -> impl Iterator<Item = Theme> {
        PERSON_THEMES
            .iter()
            .map(|row| Theme { audience: ThemeAudience::Person, code: row.0 })
            .chain(LEGAL_THEMES.iter().map(|row| Theme { audience: ThemeAudience::Legal, code: row.0 }))
    }

    /// Parses a key, `person:095` or `legal:005`.
    pub fn parse(key: &str) -> Option<Theme> {
        let (audience, digits) = match key.split_once(':')? {
            ("person", d) => (ThemeAudience::Person, d),
            ("legal", d) => (ThemeAudience::Legal, d),
            _ => return None,
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let code: u16 = digits.parse().ok()?;
        let theme = Theme { audience, code };
        theme.row().map(|_| theme)
    }

    fn row(self) -> Option<&'static ThemeRow> {
        let table = match self.audience {
            ThemeAudience::Person => PERSON_THEMES,
            ThemeAudience::Legal => LEGAL_THEMES,
        };
        table.iter().find(|row| row.0 == self.code)
    }

    /// Whom it serves.
    pub fn audience(self) -> ThemeAudience {
        self.audience
    }

    /// Its three-digit code.
    pub fn code(self) -> u16 {
        self.code
    }

    /// Its key, `person:095`.
    pub fn key(self) -> String {
        let prefix = match self.audience {
            ThemeAudience::Person => "person",
            ThemeAudience::Legal => "legal",
        };
        format!("{prefix}:{:03}", self.code)
    }

    /// Its name: (zh-Hans, zh-Hant, English).
    pub fn names(self) -> (&'static str, &'static str, &'static str) {
        self.row().map_or(("其他", "其他", "Other"), |row| (row.1, row.2, row.3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_annex_a_code_sets_round_trip_and_refuse_other_codes() {
        assert_eq!(ExerciseLevel::ALL.iter().map(|l| l.code()).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(OrganNature::ALL.iter().map(|n| n.code()).collect::<Vec<_>>(), [1, 2, 3, 9]);
        assert_eq!(ServiceObject::ALL.iter().map(|o| o.code()).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
        assert_eq!(HandlingForm::ALL.iter().map(|f| f.code()).collect::<Vec<_>>(), [1, 2, 3, 4, 9]);
        assert_eq!(CaseKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>(), [1, 2, 9]);
        assert_eq!(CrossRegion::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        for level in ExerciseLevel::ALL {
            assert_eq!(ExerciseLevel::from_code(level.code()), Some(*level));
        }
        assert_eq!(ExerciseLevel::from_code(0), None);
        assert_eq!(ExerciseLevel::from_code(8), None);
        assert_eq!(OrganNature::from_code(4), None);
        assert_eq!(ServiceObject::from_code(7), None);
        assert_eq!(HandlingForm::from_code(5), None);
        assert_eq!(CaseKind::from_code(3), None);
        assert_eq!(CrossRegion::from_code(5), None);
    }

    #[test]
    fn theme_keys_parse_into_their_table_and_nothing_else_does() {
        let traffic = Theme::parse("person:095").expect("交通出行");
        assert_eq!(traffic.names(), ("交通出行", "交通出行", "Transport and driving"));
        assert_eq!(traffic.key(), "person:095");
        assert_eq!(Theme::parse("legal:005").map(|t| t.names().0), Some("设立变更"));
        assert_eq!(Theme::parse("person:005").map(|t| t.names().0), Some("生育收养"));
        for bad in
            ["person:080", "legal:080", "person:95", "person:0095", "company:005", "person:", "095", ""]
        {
            assert_eq!(Theme::parse(bad), None, "{bad:?}");
        }
        let keys: Vec<String> = Theme::all().map(Theme::key).collect();
        for key in &keys {
            assert_eq!(Theme::parse(key).map(Theme::key).as_ref(), Some(key));
        }
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "no theme twice");
    }

    #[test]
    fn every_life_event_of_the_issue_has_a_theme() {
        let names: Vec<&str> = Theme::all().map(|t| t.names().0).collect();
        for event in [
            "生育收养",
            "户籍办理",
            "出境入境",
            "婚姻登记",
            "社会保障",
            "就业创业",
            "住房保障",
            "交通出行",
            "教育科研",
            "医疗卫生",
            "离职退休",
            "死亡殡葬",
            "设立变更",
            "准营准办",
        ] {
            assert!(names.contains(&event), "{event}");
        }
    }
}

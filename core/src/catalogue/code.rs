//! The codes of a service item.
//!
//! - [`ItemType`]: the item type of GB/T 39046-2020 annex A.1 (行政许可 `01`, 行政给付 `05`, 行政确认
//!   `07`, 公共服务 `20`, …), two digits.
//! - [`BasicCode`] (基本编码): the item in the national basic catalogue, ten digits — the two-digit
//!   item type, a five-digit main item and a three-digit sub item (`000` when the item has none),
//!   as DB52/T 1264-2018 lays out the ten characters GB/T 39046 allows. No published rule gives the
//!   basic code a check character, so none is invented.
//! - [`ServiceCode`] (实施编码, with the 业务办理项 where the item splits): the basic code, the
//!   six-digit GB/T 2260 division where it is carried out, and the implementing organ's GB 32100
//!   credit code (whose check character is verified), joined by hyphens —
//!   `0100461000-420106-11420106MB1234567P` — and, for an item that splits into handling items,
//!   a two-digit suffix: `-01` 新办, `-02` 变更, `-03` 延续, `-04` 注销, `-05` 补换证.
//!
//! GB/T 39046 caps 实施编码 at 24 characters, which cannot hold a credit code and a division
//! besides the basic code; the national platform carries the long form as a separate 业务办理项
//! 编码, and so does Shimin, as the one key of a service. Only this canonical form parses (no
//! spaces, upper-case letters); every error names the part that is wrong. Codes are public, so
//! they may appear in errors and logs.

use std::fmt;
use std::str::FromStr;

use crate::cert::credit_code::{CreditCode, CreditCodeError};
use crate::cert::types::DivisionCode;

/// The item type (事项类型, GB/T 39046-2020 annex A.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemType {
    /// 00 行政权力事项 (an administrative power not typed further).
    AdministrativePower,
    /// 01 行政许可.
    Licensing,
    /// 02 行政处罚.
    Penalty,
    /// 03 行政强制.
    Enforcement,
    /// 04 行政征收.
    Levy,
    /// 05 行政给付.
    Benefit,
    /// 06 行政检查.
    Inspection,
    /// 07 行政确认.
    Confirmation,
    /// 08 行政奖励.
    Reward,
    /// 09 行政裁决.
    Adjudication,
    /// 10 其他行政权力.
    OtherPower,
    /// 20 公共服务.
    PublicService,
}

impl ItemType {
    /// Every type, in code order.
    pub const ALL: [ItemType; 12] = [
        ItemType::AdministrativePower,
        ItemType::Licensing,
        ItemType::Penalty,
        ItemType::Enforcement,
        ItemType::Levy,
        ItemType::Benefit,
        ItemType::Inspection,
        ItemType::Confirmation,
        ItemType::Reward,
        ItemType::Adjudication,
        ItemType::OtherPower,
        ItemType::PublicService,
    ];

    /// The two-digit code.
    pub fn code(self) -> &'static str {
        match self {
            ItemType::AdministrativePower => "00",
            ItemType::Licensing => "01",
            ItemType::Penalty => "02",
            ItemType::Enforcement => "03",
            ItemType::Levy => "04",
            ItemType::Benefit => "05",
            ItemType::Inspection => "06",
            ItemType::Confirmation => "07",
            ItemType::Reward => "08",
            ItemType::Adjudication => "09",
            ItemType::OtherPower => "10",
            ItemType::PublicService => "20",
        }
    }

    /// The type of a two-digit code, if it is one.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// The handling item (业务办理项) an item splits into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HandlingItem {
    /// 01 新办 (设立).
    New,
    /// 02 变更.
    Change,
    /// 03 延续.
    Renewal,
    /// 04 注销.
    Cancellation,
    /// 05 补证、换证 (Shimin's addition: a lost or worn document).
    Replacement,
}

impl HandlingItem {
    /// Every handling item, in code order.
    pub const ALL: [HandlingItem; 5] = [
        HandlingItem::New,
        HandlingItem::Change,
        HandlingItem::Renewal,
        HandlingItem::Cancellation,
        HandlingItem::Replacement,
    ];

    /// The two-digit suffix.
    pub fn code(self) -> &'static str {
        match self {
            HandlingItem::New => "01",
            HandlingItem::Change => "02",
            HandlingItem::Renewal => "03",
            HandlingItem::Cancellation => "04",
            HandlingItem::Replacement => "05",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.code() == code)
    }
}

/// Why a string is not a service code: the part that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not ten digits.
    #[error("a basic code is ten digits")]
    BasicCodeShape,
    /// The first two digits are not an item type of GB/T 39046 annex A.1.
    #[error("the basic code's first two digits are not an item type")]
    UnknownItemType,
    /// Not three or four hyphen-separated parts.
    #[error(
        "a service code is basic code, division and credit code, and perhaps a handling item, joined by hyphens"
    )]
    Parts,
    /// The division is not a six-digit GB/T 2260 code.
    #[error("the division is not a six-digit administrative division code")]
    Division,
    /// The implementing organ's credit code does not parse.
    #[error("the implementing organ's credit code: {0}")]
    Organ(CreditCodeError),
    /// The suffix is not a handling item (01 to 05).
    #[error("the handling item is not one of 01 to 05")]
    HandlingItem,
}

/// A basic code (基本编码): the item in the national basic catalogue.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BasicCode(String);

impl BasicCode {
    /// Parses ten digits whose first two are an item type.
    ///
    /// # Errors
    /// [`CodeError::BasicCodeShape`] or [`CodeError::UnknownItemType`].
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        if input.len() != 10 || !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::BasicCodeShape);
        }
        ItemType::from_code(&input[..2]).ok_or(CodeError::UnknownItemType)?;
        Ok(Self(input.to_owned()))
    }

    /// The item type the code starts with.
    pub fn item_type(&self) -> ItemType {
        // Checked by `parse`; the fallback is never taken.
        ItemType::from_code(&self.0[..2]).unwrap_or(ItemType::AdministrativePower)
    }

    /// The five-digit main item.
    pub fn main_item(&self) -> &str {
        &self.0[2..7]
    }

    /// The three-digit sub item (`000`: none).
    pub fn sub_item(&self) -> &str {
        &self.0[7..]
    }

    /// The ten digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BasicCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BasicCode({})", self.0)
    }
}

/// A service's code: the implementation code (basic code, division, implementing organ) and, for
/// an item that splits, its handling item. The one key of a service in the catalogue.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ServiceCode {
    basic: BasicCode,
    division: DivisionCode,
    organ: CreditCode,
    handling: Option<HandlingItem>,
}

impl ServiceCode {
    /// Parses the canonical form `BASIC-DIVISION-CREDITCODE[-NN]`.
    ///
    /// # Errors
    /// A [`CodeError`] naming the part that is wrong.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let parts: Vec<&str> = input.split('-').collect();
        let (basic, division, organ, handling) = match parts.as_slice() {
            [b, d, o] => (b, d, o, None),
            [b, d, o, h] => (b, d, o, Some(h)),
            _ => return Err(CodeError::Parts),
        };
        Ok(Self {
            basic: BasicCode::parse(basic)?,
            division: DivisionCode::parse(division).map_err(|_| CodeError::Division)?,
            organ: CreditCode::parse(organ).map_err(CodeError::Organ)?,
            handling: handling
                .map(|h| HandlingItem::from_code(h).ok_or(CodeError::HandlingItem))
                .transpose()?,
        })
    }

    /// The basic code.
    pub fn basic(&self) -> &BasicCode {
        &self.basic
    }

    /// Where the item is carried out.
    pub fn division(&self) -> &DivisionCode {
        &self.division
    }

    /// The implementing organ.
    pub fn organ(&self) -> &CreditCode {
        &self.organ
    }

    /// The handling item, for an item that splits.
    pub fn handling(&self) -> Option<HandlingItem> {
        self.handling
    }

    /// The implementation code (实施编码): this code without its handling item.
    pub fn implementation(&self) -> ServiceCode {
        Self { handling: None, ..self.clone() }
    }
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.basic.as_str(), self.division.as_str(), self.organ.as_str())?;
        match self.handling {
            Some(h) => write!(f, "-{}", h.code()),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServiceCode({self})")
    }
}

impl FromStr for ServiceCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::credit_code::check_character;

    /// A credit code for an organ in 武汉市江汉区 with its check character computed by GB 32100.
    fn organ() -> String {
        let first17 = "11420103MB1234567";
        let check = check_character(first17).expect("seventeen characters of the alphabet");
        format!("{first17}{check}")
    }

    #[test]
    fn every_item_type_of_annex_a1_round_trips_and_nothing_else_is_one() {
        let codes: Vec<&str> = ItemType::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(codes, ["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"]);
        for t in ItemType::ALL {
            assert_eq!(ItemType::from_code(t.code()), Some(t));
        }
        for not_a_type in ["11", "19", "21", "99", "1", "001", ""] {
            assert_eq!(ItemType::from_code(not_a_type), None, "{not_a_type:?}");
        }
    }

    #[test]
    fn a_basic_code_is_a_type_a_main_item_and_a_sub_item() {
        let code = BasicCode::parse("0100461002").expect("a licensing item");
        assert_eq!(code.item_type(), ItemType::Licensing);
        assert_eq!((code.main_item(), code.sub_item()), ("00461", "002"));
        assert_eq!(BasicCode::parse("2000012000").map(|c| c.item_type()), Ok(ItemType::PublicService));
        for bad in ["010046100", "01004610000", "01004610O0", "０１００４６１０００", ""] {
            assert_eq!(BasicCode::parse(bad), Err(CodeError::BasicCodeShape), "{bad:?}");
        }
        assert_eq!(BasicCode::parse("1500461000"), Err(CodeError::UnknownItemType));
    }

    #[test]
    fn a_service_code_parses_into_its_parts_and_prints_as_it_came() {
        let organ = organ();
        let text = format!("0700123000-420103-{organ}");
        let code = ServiceCode::parse(&text).expect("an implementation code");
        assert_eq!(code.basic().item_type(), ItemType::Confirmation);
        assert_eq!(code.division().as_str(), "420103");
        assert_eq!(code.organ().as_str(), organ);
        assert_eq!(code.handling(), None);
        assert_eq!(code.to_string(), text);

        for h in HandlingItem::ALL {
            let split = format!("{text}-{}", h.code());
            let code: ServiceCode = split.parse().expect("a handling item");
            assert_eq!(code.handling(), Some(h));
            assert_eq!(code.to_string(), split);
            assert_eq!(code.implementation().to_string(), text, "the implementation code drops the suffix");
        }
    }

    #[test]
    fn each_wrong_part_is_named() {
        let organ = organ();
        let cases = [
            ("0700123000-420103".to_owned(), CodeError::Parts),
            (format!("0700123000-420103-{organ}-01-01"), CodeError::Parts),
            (format!("0700123000 -420103-{organ}"), CodeError::BasicCodeShape),
            (format!("3000123000-420103-{organ}"), CodeError::UnknownItemType),
            (format!("0700123000-42010-{organ}"), CodeError::Division),
            (format!("0700123000-000103-{organ}"), CodeError::Division),
            (format!("0700123000-420103-{organ}-00"), CodeError::HandlingItem),
            (format!("0700123000-420103-{organ}-06"), CodeError::HandlingItem),
            (
                format!("0700123000-420103-{}", organ.to_lowercase()),
                CodeError::Organ(CreditCodeError::InvalidCharacter { position: 9 }),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(ServiceCode::parse(&text).map(|c| c.to_string()), Err(expected), "{text}");
        }
        // The organ's check character is verified: every other character in its place is refused.
        let (first17, check) = organ.split_at(17);
        for c in "0123456789ABCDEFGHJKLMNPQRTUWXY".chars().filter(|c| c.to_string() != check) {
            let wrong = format!("0700123000-420103-{first17}{c}");
            assert_eq!(
                ServiceCode::parse(&wrong).map(|c| c.to_string()),
                Err(CodeError::Organ(CreditCodeError::ChecksumMismatch)),
                "{wrong}"
            );
        }
    }
}

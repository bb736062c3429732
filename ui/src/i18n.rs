//! Every string the user reads, in 简体中文 (default), 繁體中文 and English.
//!
//! Components never hold text of their own: they ask [`t`] for a [`Key`] in the current [`Lang`].

/// The languages the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文, the default.
    #[default]
    ZhHans,
    /// 繁體中文.
    ZhHant,
    /// English.
    En,
}

impl Lang {
    /// All languages, in the order the language picker shows them.
    #[allow(dead_code)]
    pub const ALL: [Lang; 3] = [Lang::ZhHans, Lang::ZhHant, Lang::En];

    /// The BCP 47 tag, for the `lang` attribute of the page.
    #[allow(dead_code)]
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, for the picker.
    #[allow(dead_code)]
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhHans => "简体中文",
            Lang::ZhHant => "繁體中文",
            Lang::En => "English",
        }
    }
}

/// A string the UI shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Key {
    AppName,
    Tagline,
    IdCheckTitle,
    IdCheckLabel,
    IdCheckPlaceholder,
    IdCheckButton,
    IdValid,
    IdBirthDate,
    IdWrongLength,
    IdInvalidCharacter,
    IdUnknownProvince,
    IdInvalidBirthDate,
    IdChecksumMismatch,
    ErrorInternal,
    AboutCore,
    Language,
}

impl Key {
    /// Every key, so a test can prove each one is translated.
    #[allow(dead_code)]
    pub const ALL: [Key; 16] = [
        Key::AppName,
        Key::Tagline,
        Key::IdCheckTitle,
        Key::IdCheckLabel,
        Key::IdCheckPlaceholder,
        Key::IdCheckButton,
        Key::IdValid,
        Key::IdBirthDate,
        Key::IdWrongLength,
        Key::IdInvalidCharacter,
        Key::IdUnknownProvince,
        Key::IdInvalidBirthDate,
        Key::IdChecksumMismatch,
        Key::ErrorInternal,
        Key::AboutCore,
        Key::Language,
    ];
}

/// The text of `key` in `lang`. `{}` in a text is filled in by [`tf`].
pub fn t(lang: Lang, key: Key) -> &'static str {
    use Key::*;
    use Lang::*;
    match (key, lang) {
        (AppName, ZhHans) => "市民通",
        (AppName, ZhHant) => "市民通",
        (AppName, En) => "Shimin",
        (Tagline, ZhHans) => "让数据多跑路，群众少跑腿",
        (Tagline, ZhHant) => "讓數據多跑路，群眾少跑腿",
        (Tagline, En) => "Let the data run, not the people",
        (IdCheckTitle, ZhHans) => "核验身份证号",
        (IdCheckTitle, ZhHant) => "核驗身分證號",
        (IdCheckTitle, En) => "Check an ID number",
        (IdCheckLabel, ZhHans) => "公民身份号码",
        (IdCheckLabel, ZhHant) => "公民身分號碼",
        (IdCheckLabel, En) => "Citizen ID number",
        (IdCheckPlaceholder, ZhHans) => "18 位号码",
        (IdCheckPlaceholder, ZhHant) => "18 位號碼",
        (IdCheckPlaceholder, En) => "18 characters",
        (IdCheckButton, ZhHans) => "核验",
        (IdCheckButton, ZhHant) => "核驗",
        (IdCheckButton, En) => "Check",
        (IdValid, ZhHans) => "号码有效",
        (IdValid, ZhHant) => "號碼有效",
        (IdValid, En) => "Valid number",
        (IdBirthDate, ZhHans) => "出生日期",
        (IdBirthDate, ZhHant) => "出生日期",
        (IdBirthDate, En) => "Date of birth",
        (IdWrongLength, ZhHans) => "号码应为 18 位，当前为 {} 位",
        (IdWrongLength, ZhHant) => "號碼應為 18 位，目前為 {} 位",
        (IdWrongLength, En) => "The number has 18 characters; this one has {}",
        (IdInvalidCharacter, ZhHans) => "第 {} 位字符无效",
        (IdInvalidCharacter, ZhHant) => "第 {} 位字元無效",
        (IdInvalidCharacter, En) => "Character {} is not allowed there",
        (IdUnknownProvince, ZhHans) => "前两位不是有效的省级行政区划代码",
        (IdUnknownProvince, ZhHant) => "前兩位不是有效的省級行政區劃代碼",
        (IdUnknownProvince, En) => "The first two digits are not a province code",
        (IdInvalidBirthDate, ZhHans) => "号码中的出生日期不存在",
        (IdInvalidBirthDate, ZhHant) => "號碼中的出生日期不存在",
        (IdInvalidBirthDate, En) => "The birth date inside the number does not exist",
        (IdChecksumMismatch, ZhHans) => "校验码不正确，请检查是否输错",
        (IdChecksumMismatch, ZhHant) => "校驗碼不正確，請檢查是否輸錯",
        (IdChecksumMismatch, En) => "The check character is wrong; please check for a typo",
        (ErrorInternal, ZhHans) => "出现内部错误，请重试",
        (ErrorInternal, ZhHant) => "發生內部錯誤，請重試",
        (ErrorInternal, En) => "Something went wrong inside the app; please try again",
        (AboutCore, ZhHans) => "核心版本",
        (AboutCore, ZhHant) => "核心版本",
        (AboutCore, En) => "Core version",
        (Language, ZhHans) => "语言",
        (Language, ZhHant) => "語言",
        (Language, En) => "Language",
    }
}

/// [`t`] with each `{}` replaced, in order, by one of `args`.
#[allow(dead_code)]
pub fn tf(lang: Lang, key: Key, args: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = t(lang, key);
    let mut args = args.iter();
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        out.push_str(args.next().copied().unwrap_or(""));
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_translated_into_every_language() {
        for key in Key::ALL {
            for lang in Lang::ALL {
                assert!(!t(lang, key).trim().is_empty(), "{key:?} in {lang:?}");
            }
            // English must not fall back to Chinese by copy-paste.
            assert!(t(Lang::En, key).is_ascii(), "{key:?} in English is not English");
        }
    }

    #[test]
    fn placeholders_agree_across_languages() {
        for key in Key::ALL {
            let n = t(Lang::ZhHans, key).matches("{}").count();
            for lang in Lang::ALL {
                assert_eq!(t(lang, key).matches("{}").count(), n, "{key:?} in {lang:?}");
            }
        }
    }

    #[test]
    fn tf_fills_placeholders_in_order() {
        assert_eq!(tf(Lang::En, Key::IdWrongLength, &["3"]), "The number has 18 characters; this one has 3");
    }
}

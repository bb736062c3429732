//! Simplified → Traditional Chinese with OpenCC's `s2tw` data (Apache-2.0, vendored under
//! `data/opencc/` with its licence): at each position the longest phrase of `STPhrases.txt` (or
//! of our few corrections in `data/hant-overrides.txt`) that matches, else the first candidate
//! of the character in `STCharacters.txt`, else the character itself; then each character's
//! Taiwan form from `TWVariants.txt` (為, 裡, 核 — the forms the app's own zh-Hant texts use).
//! The tables are read once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

const CHARACTERS: &str = include_str!("../data/opencc/STCharacters.txt");
const PHRASES: &str = include_str!("../data/opencc/STPhrases.txt");
const VARIANTS: &str = include_str!("../data/opencc/TWVariants.txt");
const OVERRIDES: &str = include_str!("../data/hant-overrides.txt");

struct Tables {
    characters: HashMap<char, &'static str>,
    variants: HashMap<char, char>,
    phrases: HashMap<&'static str, &'static str>,
    /// The longest phrase, in characters.
    longest: usize,
}

/// `key<TAB>first candidate[ more candidates]` lines, `#` comments.
fn entries(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).filter_map(|line| {
        let (key, values) = line.split_once('\t')?;
        let first = values.split(' ').next()?;
        Some((key, first))
    })
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut characters = HashMap::new();
        for (key, value) in entries(CHARACTERS) {
            let mut chars = key.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                characters.insert(c, value);
            }
        }
        let mut variants = HashMap::new();
        for (key, value) in entries(VARIANTS) {
            let (mut k, mut v) = (key.chars(), value.chars());
            if let (Some(k), None, Some(v), None) = (k.next(), k.next(), v.next(), v.next()) {
                variants.insert(k, v);
            }
        }
        let phrases: HashMap<_, _> = entries(PHRASES).chain(entries(OVERRIDES)).collect();
        let longest = phrases.keys().map(|k| k.chars().count()).max().unwrap_or(1);
        Tables { characters, variants, phrases, longest }
    })
}

/// The Traditional form of a Simplified text.
pub fn to_hant(hans: &str) -> String {
    let tables = tables();
    let chars: Vec<(usize, char)> = hans.char_indices().collect();
    let mut out = String::with_capacity(hans.len());
    let mut i = 0;
    'outer: while i < chars.len() {
        let most = tables.longest.min(chars.len() - i);
        for len in (2..=most).rev() {
            let start = chars[i].0;
            let end = chars.get(i + len).map_or(hans.len(), |(at, _)| *at);
            if let Some(value) = hans.get(start..end).and_then(|k| tables.phrases.get(k)) {
                out.push_str(value);
                i += len;
                continue 'outer;
            }
        }
        let c = chars[i].1;
        match tables.characters.get(&c) {
            Some(value) => out.push_str(value),
            None => out.push(c),
        }
        i += 1;
    }
    out.chars().map(|c| tables.variants.get(&c).copied().unwrap_or(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::to_hant;

    #[test]
    fn service_words_convert_character_by_character_and_phrase_aware() {
        for (hans, hant) in [
            ("机动车驾驶证换证", "機動車駕駛證換證"),
            ("户口迁移", "戶口遷移"),
            ("普通护照签发", "普通護照簽發"),
            ("出生登记", "出生登記"),
            ("社会保障卡", "社會保障卡"),
            ("高龄津贴发放", "高齡津貼發放"),
            ("房屋面积", "房屋面積"),
            ("距离三公里以内", "距離三公里以內"),
            ("头发", "頭髮"),
            ("审核", "審核"),
            ("制证", "製證"),
            ("以本市现行规定为准", "以本市現行規定為準"),
            ("普通护照换发", "普通護照換發"),
            ("定期抚恤金发放", "定期撫卹金發放"),
            ("当场颁发结婚证", "當場頒發結婚證"),
            ("经营范围不属于禁止类", "經營範圍不屬於禁止類"),
            ("ABC 123，里程", "ABC 123，里程"),
        ] {
            assert_eq!(to_hant(hans), hant, "{hans}");
        }
    }
}

//! Normalisation shared by the index and the query, so both sides compare the same strings.
//!
//! | step | example |
//! |---|---|
//! | full-width ASCII → half-width, ideographic space → space | `ＰＡＳＳ　ｐｏｒｔ` → `pass port` |
//! | ASCII lowercase | `Passport` → `passport` |
//! | Traditional (and Taiwan/Hong Kong variant) → Simplified, per character (OpenCC) | `護照` → `护照` |
//! | pinyin tone marks dropped, ü → v | `hùzhào` → `huzhao`, `lǜshī` → `lvshi` |
//! | apostrophes dropped, other punctuation → one space | `driver's` → `drivers`, `驾照？` → `驾照` |
//! | runs of spaces collapsed, ends trimmed | |

use crate::ts_chars::TS_CHARS;

/// Whether `c` is a Han character (CJK unified ideographs and extension A, compatibility ideographs).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// The Simplified form of one character (itself when it has none).
pub(crate) fn to_simplified(c: char) -> char {
    match TS_CHARS.binary_search_by(|(k, _)| k.cmp(&c)) {
        Ok(i) => TS_CHARS.get(i).map_or(c, |(_, s)| *s),
        Err(_) => c,
    }
}

/// The letter under a pinyin tone mark (and ü as pinyin input methods type it, v).
fn untoned(c: char) -> Option<char> {
    Some(match c {
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'ü' | 'Ü' => 'v',
        _ => return None,
    })
}

/// Normalises text for indexing and for queries (see the module's table).
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for raw in text.chars() {
        let c = match raw {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(raw as u32 - 0xFEE0).unwrap_or(raw),
            '\u{3000}' => ' ',
            _ => raw,
        };
        let c = untoned(c).unwrap_or(c).to_ascii_lowercase();
        if c == '\'' || c == '’' || c == '‘' || c == '`' {
            continue;
        }
        if c.is_ascii_alphanumeric() || is_han(c) {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(to_simplified(c));
        } else {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_becomes_half_width_and_lowercase() {
        assert_eq!(normalise("ＰＡＳＳ　ｐｏｒｔ"), "pass port");
        assert_eq!(normalise("Driving LICENCE"), "driving licence");
        assert_eq!(normalise("１２３"), "123");
    }

    #[test]
    fn traditional_becomes_simplified() {
        assert_eq!(normalise("護照"), "护照");
        assert_eq!(normalise("駕照"), "驾照");
        assert_eq!(normalise("戶口遷移"), "户口迁移");
        assert_eq!(normalise("身份證補領"), "身份证补领");
        assert_eq!(normalise("臺灣通行證"), "台湾通行证");
    }

    #[test]
    fn simplified_text_is_left_alone() {
        // 么, 干, 后, 里 are keys of OpenCC's table too (么 → 幺 in its Taiwan table) but are
        // ordinary Simplified characters: the generated table leaves them.
        for s in ["怎么办", "干部", "以后", "哪里", "驾驶证到期了怎么办"] {
            assert_eq!(normalise(s), s);
        }
    }

    #[test]
    fn pinyin_tone_marks() {
        assert_eq!(normalise("Hùzhào"), "huzhao");
        assert_eq!(normalise("lǜshī"), "lvshi");
        assert_eq!(normalise("nü"), "nv");
    }

    #[test]
    fn punctuation_and_apostrophes() {
        assert_eq!(normalise("driver's license"), "drivers license");
        assert_eq!(normalise("  驾照？怎么办！ "), "驾照 怎么办");
        assert_eq!(normalise("e-mail"), "e mail");
    }
}

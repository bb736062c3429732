//! Benchmark data: the demo catalogue copied over Beijing's other districts. Each copy has the
//! district's division in its codes and in its organs' credit codes (whose check character is
//! computed anew), and the district's name in its organs' and halls' names. The data of the
//! copies is generated, not a real catalogue of those districts.

use shimin_core::cert::credit_code::check_character;
use shimin_wire::catalogue::ServiceDocument;

use crate::hant::to_hant;
use crate::{DIVISION, SeedError, catalogue};

/// The demo district first, then Beijing's other districts (GB/T 2260): division, and the short
/// name (朝阳 in 朝阳区 and in 朝阳分局) in Chinese and English.
const DISTRICTS: &[(&str, &str, &str)] = &[
    ("110105", "朝阳", "Chaoyang"),
    ("110101", "东城", "Dongcheng"),
    ("110102", "西城", "Xicheng"),
    ("110106", "丰台", "Fengtai"),
    ("110107", "石景山", "Shijingshan"),
    ("110108", "海淀", "Haidian"),
    ("110109", "门头沟", "Mentougou"),
    ("110111", "房山", "Fangshan"),
    ("110112", "通州", "Tongzhou"),
    ("110113", "顺义", "Shunyi"),
    ("110114", "昌平", "Changping"),
    ("110115", "大兴", "Daxing"),
    ("110116", "怀柔", "Huairou"),
    ("110117", "平谷", "Pinggu"),
    ("110118", "密云", "Miyun"),
    ("110119", "延庆", "Yanqing"),
];

/// The organ's credit code moved to another division, with its check character recomputed.
fn organ_code(code: &str, division: &str) -> Result<String, SeedError> {
    let bad = |reason: String| SeedError::Organ { key: code.to_owned(), reason };
    let (head, rest) = (code.get(..2), code.get(8..17));
    let (Some(head), Some(rest)) = (head, rest) else {
        return Err(bad("not 18 characters".to_owned()));
    };
    let first17 = format!("{head}{division}{rest}");
    let check = check_character(&first17).map_err(|e| bad(e.to_string()))?;
    Ok(format!("{first17}{check}"))
}

/// The document as it would read in another district: every text that names the demo district
/// (organ, hall, address, answers) names this one, in all three languages.
fn moved(document: &ServiceDocument, name: &str, en: &str) -> Result<ServiceDocument, SeedError> {
    let (_, from, from_en) = DISTRICTS[0];
    let json = serde_json::to_string(document).map_err(|e| SeedError::Copy(e.to_string()))?;
    let json = json.replace(from, name).replace(&to_hant(from), &to_hant(name)).replace(from_en, en);
    serde_json::from_str(&json).map_err(|e| SeedError::Copy(e.to_string()))
}

/// `n` services for benchmarks: the demo catalogue, then its copies in the other districts, in
/// that order, cut at `n`. Codes are unique; names repeat across districts (as they do in a
/// real province), each with its district's organ.
pub fn generated(n: usize) -> Result<Vec<ServiceDocument>, SeedError> {
    let base = catalogue()?;
    let most = base.len() * DISTRICTS.len();
    if n > most {
        return Err(SeedError::TooMany { asked: n, most });
    }
    let mut out = Vec::with_capacity(n);
    for &(division, name, en) in DISTRICTS {
        for document in &base {
            if out.len() == n {
                return Ok(out);
            }
            if division == DIVISION {
                out.push(document.clone());
                continue;
            }
            let mut copy = moved(document, name, en)?;
            let organ = organ_code(&document.organ.code, division)?;
            copy.code = document.code.replacen(
                &format!("-{DIVISION}-{}", document.organ.code),
                &format!("-{division}-{organ}"),
                1,
            );
            copy.organ.code = organ;
            out.push(copy);
        }
    }
    Ok(out)
}

//! The synonym dictionary: the words citizens type, mapped to the words the catalogue uses.
//!
//! `data/synonyms.toml` has one table, `[synonyms]`, one line per entry: the key (quoted) is what people
//! say (驾照, 上户口, 退休金, `license`), the value the official terms it stands for
//! (`["机动车驾驶证"]`). Keys and terms are normalised when loaded (Traditional keys work, case does
//! not matter). A key may be Chinese (matched anywhere in the query) or one English word.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::normalise::normalise;

/// Why a synonym file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SynonymsError {
    /// The file is not the TOML this module expects.
    #[error("synonym file: {0}")]
    Toml(#[from] toml::de::Error),
    /// A key or a term is empty after normalisation.
    #[error("synonym file: an empty key or term (entry {0})")]
    Empty(usize),
}

#[derive(Deserialize)]
struct File {
    synonyms: BTreeMap<String, Vec<String>>,
}

/// The synonym dictionary: normalised key → official terms (ordered, so iteration is stable).
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    entries: BTreeMap<String, Vec<String>>,
}

impl Synonyms {
    /// The dictionary that ships with the crate (`data/synonyms.toml`).
    pub fn builtin() -> Synonyms {
        // The file is part of the crate and checked by a test; an error here is a build defect,
        // and an empty dictionary still searches (names, aliases, pinyin, typos).
        Synonyms::parse(include_str!("../data/synonyms.toml")).unwrap_or_default()
    }

    /// Parses a synonym file (the format of `data/synonyms.toml`).
    pub fn parse(text: &str) -> Result<Synonyms, SynonymsError> {
        let file: File = toml::from_str(text)?;
        let mut entries: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, (key, terms)) in file.synonyms.into_iter().enumerate() {
            let key = normalise(&key);
            if key.is_empty() {
                return Err(SynonymsError::Empty(i));
            }
            let slot = entries.entry(key).or_default();
            for term in terms {
                let term = normalise(&term);
                if term.is_empty() {
                    return Err(SynonymsError::Empty(i));
                }
                if !slot.contains(&term) {
                    slot.push(term);
                }
            }
        }
        Ok(Synonyms { entries })
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The official terms a normalised key stands for.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.entries.get(key).map(Vec::as_slice)
    }

    /// Every (key, terms) pair, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_file_parses_and_is_broad() {
        let parsed = Synonyms::parse(include_str!("../data/synonyms.toml"));
        assert!(parsed.is_ok(), "{:?}", parsed.err());
        let s = Synonyms::builtin();
        assert!(s.len() >= 300, "only {} entries", s.len());
        assert_eq!(s.get("驾照"), Some(&["机动车驾驶证".to_owned()][..]));
    }

    #[test]
    fn keys_are_normalised() {
        let s = Synonyms::parse("[synonyms]\n\"駕照\" = [\"機動車駕駛證\"]\nLicense = [\"licence\"]\n");
        let s = s.unwrap_or_default();
        assert_eq!(s.get("驾照"), Some(&["机动车驾驶证".to_owned()][..]));
        assert_eq!(s.get("license"), Some(&["licence".to_owned()][..]));
    }

    #[test]
    fn empty_term_is_refused() {
        assert!(matches!(Synonyms::parse("[synonyms]\n\"驾照\" = [\"？\"]\n"), Err(SynonymsError::Empty(0))));
    }
}

//! Building the index: documents sorted by code, each field cut into terms, postings per term.
//!
//! | field | what | weight |
//! |---|---|---|
//! | name | jieba words of the zh-Hans name | 5.0 |
//! | name bigrams | every two-character window of the name (`#驾驶`) | 2.0 |
//! | aliases | jieba words of the colloquial names | 3.0 |
//! | alias bigrams | their two-character windows | 1.0 |
//! | english | stemmed words of the English name | 4.0 |
//! | department | the department's name | 1.5 |
//! | text | the guide: conditions, materials, result, FAQ questions | 1.0 |

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::Document;
use crate::analyse::Analyzer;
use crate::normalise::normalise;
use crate::synonyms::Synonyms;

/// The number of fields.
pub(crate) const FIELDS: usize = 7;
pub(crate) const NAME: usize = 0;
pub(crate) const NAME_BIGRAMS: usize = 1;
pub(crate) const ALIASES: usize = 2;
pub(crate) const ALIAS_BIGRAMS: usize = 3;
pub(crate) const ENGLISH: usize = 4;
pub(crate) const DEPARTMENT: usize = 5;
pub(crate) const TEXT: usize = 6;

/// BM25F weight of each field (the table above).
pub(crate) const WEIGHTS: [f32; FIELDS] = [5.0, 2.0, 3.0, 1.0, 4.0, 1.5, 1.0];
/// BM25 length normalisation of each field: names are short and alike, guide texts vary.
pub(crate) const B: [f32; FIELDS] = [0.5, 0.5, 0.5, 0.5, 0.5, 0.3, 0.75];

/// What ranking and facets need of a document besides its terms.
#[derive(Debug, Clone)]
pub(crate) struct DocMeta {
    pub(crate) code: String,
    /// The department, as its number in [`Index::departments`].
    pub(crate) department: u16,
    /// The themes, as their numbers in [`Index::themes`].
    pub(crate) themes: Vec<u16>,
    pub(crate) objects: Vec<u8>,
    pub(crate) online: bool,
    pub(crate) popularity: u64,
    /// The normalised name without spaces, for the exact-name and name-contains bonuses.
    pub(crate) name: String,
    /// The normalised aliases without spaces.
    pub(crate) aliases: Vec<String>,
    /// The prior: `1 + 0.08·ln(1 + popularity)`.
    pub(crate) prior: f32,
}

/// One term in one field of one document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Posting {
    pub(crate) doc: u32,
    pub(crate) field: u8,
    pub(crate) tf: u16,
}

/// The search index over one catalogue version: immutable once built, `Send + Sync`, so the
/// backend and the app share one behind an `Arc` and swap it when the catalogue changes.
#[derive(Debug)]
pub struct Index {
    pub(crate) analyzer: Analyzer,
    pub(crate) docs: Vec<DocMeta>,
    /// Term → postings, ordered by document then field.
    pub(crate) postings: HashMap<String, Vec<Posting>>,
    /// Each document's length of each field, in terms.
    pub(crate) lengths: Vec<[u16; FIELDS]>,
    /// The average length of each field.
    pub(crate) average: [f32; FIELDS],
    /// The department keys, sorted (a document holds its department's number).
    pub(crate) departments: Vec<String>,
    /// The theme keys, sorted.
    pub(crate) themes: Vec<String>,
    /// Document numbers by popularity (descending), then code: the order of an empty query.
    pub(crate) by_popularity: Vec<u32>,
}

fn compact(s: &str) -> String {
    normalise(s).chars().filter(|c| *c != ' ').collect()
}

impl Index {
    /// Builds the index. The order of `docs` does not matter (they are sorted by code); of two
    /// documents with one code, the first is kept.
    pub fn build(mut docs: Vec<Document>, synonyms: &Synonyms) -> Index {
        docs.sort_by(|a, b| a.code.cmp(&b.code));
        docs.dedup_by(|later, earlier| later.code == earlier.code);
        let analyzer = Analyzer::new(&docs, synonyms);
        let departments: Vec<String> =
            docs.iter().map(|d| d.department.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let themes: Vec<String> =
            docs.iter().flat_map(|d| d.themes.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
        let number = |keys: &[String], key: &str| {
            keys.binary_search_by(|k| k.as_str().cmp(key))
                .ok()
                .and_then(|i| u16::try_from(i).ok())
                .unwrap_or(u16::MAX)
        };
        let mut postings: HashMap<String, Vec<Posting>> = HashMap::new();
        let mut lengths = Vec::with_capacity(docs.len());
        let mut metas = Vec::with_capacity(docs.len());
        let mut totals = [0f64; FIELDS];
        for (i, doc) in docs.iter().enumerate() {
            let doc_no = u32::try_from(i).unwrap_or(u32::MAX);
            let mut fields: [Vec<String>; FIELDS] = Default::default();
            fields[NAME] = analyzer.tokens(&doc.name_hans);
            fields[NAME_BIGRAMS] = Analyzer::bigram_terms(&doc.name_hans);
            fields[ALIASES] = doc.aliases.iter().flat_map(|a| analyzer.tokens(a)).collect();
            fields[ALIAS_BIGRAMS] = doc.aliases.iter().flat_map(|a| Analyzer::bigram_terms(a)).collect();
            fields[ENGLISH] = analyzer.tokens(&doc.name_en);
            fields[DEPARTMENT] = analyzer.tokens(&doc.department_name);
            fields[TEXT] = analyzer.tokens(&doc.text);
            let mut lens = [0u16; FIELDS];
            for (f, terms) in fields.iter().enumerate() {
                lens[f] = u16::try_from(terms.len()).unwrap_or(u16::MAX);
                totals[f] += terms.len() as f64;
                let mut tf: BTreeMap<&str, u16> = BTreeMap::new();
                for t in terms {
                    let slot = tf.entry(t.as_str()).or_default();
                    *slot = slot.saturating_add(1);
                }
                for (term, tf) in tf {
                    let field = u8::try_from(f).unwrap_or(u8::MAX);
                    postings.entry(term.to_owned()).or_default().push(Posting { doc: doc_no, field, tf });
                }
            }
            lengths.push(lens);
            metas.push(DocMeta {
                code: doc.code.clone(),
                department: number(&departments, &doc.department),
                themes: doc.themes.iter().map(|t| number(&themes, t)).collect(),
                objects: doc.objects.clone(),
                online: doc.online,
                popularity: doc.popularity,
                name: compact(&doc.name_hans),
                aliases: doc.aliases.iter().map(|a| compact(a)).collect(),
                prior: 1.0 + 0.08 * (1.0 + doc.popularity as f32).ln(),
            });
        }
        // Postings were pushed document by document, field by field: already in order.
        let n = docs.len().max(1) as f64;
        let average = totals.map(|t| ((t / n) as f32).max(1.0));
        let mut by_popularity: Vec<u32> = (0..metas.len()).filter_map(|i| u32::try_from(i).ok()).collect();
        by_popularity.sort_by(|a, b| {
            let (da, db) = (&metas[*a as usize], &metas[*b as usize]);
            db.popularity.cmp(&da.popularity).then_with(|| da.code.cmp(&db.code))
        });
        Index { analyzer, departments, themes, docs: metas, postings, lengths, average, by_popularity }
    }

    /// The number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The department keys of the catalogue, sorted.
    pub fn departments(&self) -> impl Iterator<Item = &str> {
        self.departments.iter().map(String::as_str)
    }

    /// The theme keys of the catalogue, sorted.
    pub fn themes(&self) -> impl Iterator<Item = &str> {
        self.themes.iter().map(String::as_str)
    }
}

//! Ranking: BM25F over the fields of `index.rs`; × (0.5 + 0.5 × the share of the query's parts a
//! service matches); a bonus when the query is the name (or an alias), when it was expanded into
//! the name, or when the name contains it; the popularity prior; ties by popularity, then code.
//!
//! Scores are rounded to 1/1000 before sorting: the backend and a phone compute `ln` with
//! different maths libraries, and a last-bit difference must not reorder two services — rounded
//! equal scores fall through to the popularity and code tie-break, which is exact everywhere.

use std::cmp::Ordering;

use crate::facets::{self, Except, Filters};
use crate::index::{B, DocMeta, FIELDS, Index, WEIGHTS};
use crate::normalise::{is_han, normalise};
use crate::{Hit, MAX_QUERY_CHARS, Page, Query, QueryError};

/// BM25 saturation.
const K1: f32 = 1.2;
/// The query is a document's whole name or one of its aliases.
const EXACT_BONUS: f32 = 2.0;
/// The query — every part of it that matched anything — was expanded (by a synonym, its pinyin or
/// a typo correction) into the document's name.
const NAMED_BONUS: f32 = 1.5;
/// The document's name contains the whole query (of two or more Han characters).
const CONTAINS_BONUS: f32 = 1.4;
/// A match scoring under this share of the best one is left out (a single character or a weak
/// typo guess shared with the best hit is not a result worth counting in `total`).
const MIN_SHARE_OF_BEST: f32 = 0.1;

impl Index {
    /// Searches the index (see [`Query`]); an empty text lists every service that passes the
    /// filters, most popular first.
    pub fn search(&self, q: &Query) -> Result<Page, QueryError> {
        if q.text.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let number = |keys: &[String], key: &str| {
            keys.binary_search_by(|k| k.as_str().cmp(key)).ok().and_then(|i| u16::try_from(i).ok())
        };
        let department = match &q.department {
            Some(d) => Some(number(&self.departments, d).ok_or(QueryError::UnknownDepartment)?),
            None => None,
        };
        let theme = match &q.theme {
            Some(t) => Some(number(&self.themes, t).ok_or(QueryError::UnknownTheme)?),
            None => None,
        };
        let filters = Filters { department, theme, object: q.object, online: q.online };
        let normalised = normalise(&q.text);
        let ranked: Vec<(u32, f32)> = if normalised.is_empty() {
            self.by_popularity.iter().map(|d| (*d, 0.0)).collect()
        } else {
            self.rank(&normalised)
        };
        let facets = facets::count(
            ranked.iter().filter_map(|(d, _)| self.docs.get(*d as usize)),
            &filters,
            &self.departments,
            &self.themes,
        );
        let matching: Vec<&(u32, f32)> = ranked
            .iter()
            .filter(|(d, _)| self.docs.get(*d as usize).is_some_and(|doc| filters.accepts(doc, Except::None)))
            .collect();
        let hits = matching
            .iter()
            .skip(q.offset)
            .take(q.limit)
            .filter_map(|(d, score)| {
                self.docs.get(*d as usize).map(|doc| Hit { code: doc.code.clone(), score: *score })
            })
            .collect();
        Ok(Page { total: matching.len(), hits, facets })
    }

    /// Every document the normalised text matches, best first.
    fn rank(&self, normalised: &str) -> Vec<(u32, f32)> {
        let n = self.docs.len();
        let mut scores = vec![0f32; n];
        // Which parts of the query each document matched, and which parts matched anything.
        let mut matched = vec![0u64; n];
        let mut live = 0u64;
        let (terms, named) = self.analyzer.query_terms(normalised);
        for term in &terms {
            let Some(postings) = self.postings.get(&term.key) else { continue };
            live |= term.groups;
            let mut df = 0usize;
            let mut last = None;
            for p in postings {
                if last != Some(p.doc) {
                    df += 1;
                    last = Some(p.doc);
                }
            }
            let idf = (1.0 + (n as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
            let mut i = 0;
            while i < postings.len() {
                let doc = postings[i].doc;
                let mut wtf = 0f32;
                while i < postings.len() && postings[i].doc == doc {
                    let p = postings[i];
                    let f = usize::from(p.field).min(FIELDS - 1);
                    let len = self.lengths.get(doc as usize).map_or(1.0, |l| f32::from(l[f]));
                    let norm = 1.0 - B[f] + B[f] * len / self.average[f];
                    wtf += WEIGHTS[f] * f32::from(p.tf) / norm;
                    i += 1;
                }
                if let Some(s) = scores.get_mut(doc as usize) {
                    *s += term.weight * idf * wtf / (K1 + wtf);
                }
                if let Some(m) = matched.get_mut(doc as usize) {
                    *m |= term.groups;
                }
            }
        }
        let whole: String = normalised.chars().filter(|c| *c != ' ').collect();
        let han_query = whole.chars().count() >= 2 && whole.chars().all(is_han);
        let mut ranked: Vec<(u32, f32)> = Vec::new();
        for (i, score) in scores.into_iter().enumerate() {
            let Some(doc) = self.docs.get(i) else { continue };
            if score <= 0.0 {
                continue;
            }
            // Services matching more parts of the query first: `passport lost` prefers the
            // passport reissue to an identity card's replacement.
            let coverage = (matched.get(i).copied().unwrap_or(0) & live).count_ones() as f32
                / live.count_ones().max(1) as f32;
            let mut s = score * (0.5 + 0.5 * coverage);
            if doc.name == whole || doc.aliases.contains(&whole) {
                s *= EXACT_BONUS;
            } else if named.iter().any(|(n, mask)| *n == doc.name && mask & live == live) {
                s *= NAMED_BONUS;
            } else if han_query && doc.name.contains(&whole) {
                s *= CONTAINS_BONUS;
            }
            s = (s * doc.prior * 1000.0).round() / 1000.0;
            if let Ok(d) = u32::try_from(i) {
                ranked.push((d, s));
            }
        }
        ranked.sort_by(|a, b| self.order(a, b));
        let best = ranked.first().map_or(0.0, |(_, s)| *s);
        ranked.retain(|(_, s)| *s >= best * MIN_SHARE_OF_BEST);
        ranked
    }

    fn order(&self, a: &(u32, f32), b: &(u32, f32)) -> Ordering {
        let (da, db): (Option<&DocMeta>, Option<&DocMeta>) =
            (self.docs.get(a.0 as usize), self.docs.get(b.0 as usize));
        b.1.total_cmp(&a.1).then_with(|| match (da, db) {
            (Some(da), Some(db)) => db.popularity.cmp(&da.popularity).then_with(|| da.code.cmp(&db.code)),
            _ => a.0.cmp(&b.0),
        })
    }
}

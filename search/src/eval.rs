//! The search evaluation: citizen queries with the services they mean, and top-1/top-3 rates per
//! category. Used by `tests/eval.rs` and the bench; reads text given to it (no I/O).
//!
//! Query file (`tests/eval/queries.tsv`, `heldout.tsv`): `query<TAB>category<TAB>name|name…`, the
//! expected services by exact zh-Hans name (any of them counts). Lines starting with `#` and
//! empty lines are skipped.
//!
//! Corpus file (`tests/eval/corpus.tsv`), one service a line: `name<TAB>English name<TAB>
//! aliases (|)<TAB>department key<TAB>department name<TAB>themes (|)<TAB>objects (,)<TAB>online
//! (1/0)<TAB>popularity<TAB>guide text`.

use std::collections::{BTreeMap, HashMap};

use crate::{Document, Index, Query};

/// A line of an evaluation or corpus file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {what}")]
pub struct EvalError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub what: &'static str,
}

/// One evaluation query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalQuery {
    /// What a citizen types.
    pub query: String,
    /// colloquial, traditional, english, pinyin, initials, typo, official …
    pub category: String,
    /// The zh-Hans names of the services that answer it.
    pub expected: Vec<String>,
}

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

/// Parses a query file.
pub fn parse_queries(text: &str) -> Result<Vec<EvalQuery>, EvalError> {
    lines(text)
        .map(|(line, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            let [query, category, expected] = cols[..] else {
                return Err(EvalError { line, what: "expected three tab-separated columns" });
            };
            let expected: Vec<String> =
                expected.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
            if query.is_empty() || expected.is_empty() {
                return Err(EvalError { line, what: "empty query or expected name" });
            }
            Ok(EvalQuery { query: query.to_owned(), category: category.to_owned(), expected })
        })
        .collect()
}

fn list(s: &str, sep: char) -> Vec<String> {
    s.split(sep).map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

/// Parses a corpus file; codes are `E` and the line number (`E00001`).
pub fn parse_corpus(text: &str) -> Result<Vec<Document>, EvalError> {
    lines(text)
        .map(|(line, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            let [name, en, aliases, department, department_name, themes, objects, online, popularity, guide] =
                cols[..]
            else {
                return Err(EvalError { line, what: "expected ten tab-separated columns" });
            };
            let objects = objects
                .split(',')
                .map(|o| o.trim().parse::<u8>())
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| EvalError { line, what: "objects: numbers separated by commas" })?;
            let online = match online {
                "1" => true,
                "0" => false,
                _ => return Err(EvalError { line, what: "online: 1 or 0" }),
            };
            let popularity =
                popularity.parse().map_err(|_| EvalError { line, what: "popularity: a number" })?;
            Ok(Document {
                code: format!("E{line:05}"),
                name_hans: name.to_owned(),
                name_en: en.to_owned(),
                aliases: list(aliases, '|'),
                department: department.to_owned(),
                department_name: department_name.to_owned(),
                themes: list(themes, '|'),
                objects,
                online,
                text: guide.to_owned(),
                popularity,
            })
        })
        .collect()
}

/// The rates of one category (or of all queries).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rate {
    /// Queries.
    pub queries: usize,
    /// Queries whose first hit is expected.
    pub top1: usize,
    /// Queries with an expected service among the first three hits.
    pub top3: usize,
}

impl Rate {
    /// top-1 as a fraction.
    pub fn top1_rate(&self) -> f64 {
        self.top1 as f64 / self.queries.max(1) as f64
    }

    /// top-3 as a fraction.
    pub fn top3_rate(&self) -> f64 {
        self.top3 as f64 / self.queries.max(1) as f64
    }
}

/// The result of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// All queries.
    pub overall: Rate,
    /// Per category, by name.
    pub categories: BTreeMap<String, Rate>,
    /// The queries that missed the top three: the query and the names it got.
    pub misses: Vec<(String, Vec<String>)>,
}

impl Report {
    /// A markdown table: category, queries, top-1, top-3.
    pub fn markdown(&self, title: &str) -> String {
        let mut out = format!("| {title} | queries | top-1 | top-3 |\n|---|---:|---:|---:|\n");
        let row = |name: &str, r: &Rate| {
            format!(
                "| {name} | {} | {:.1} % | {:.1} % |\n",
                r.queries,
                100.0 * r.top1_rate(),
                100.0 * r.top3_rate()
            )
        };
        for (name, r) in &self.categories {
            out.push_str(&row(name, r));
        }
        out.push_str(&row("**all**", &self.overall));
        out
    }
}

/// Runs every query against the index; `docs` gives the names of the codes.
pub fn evaluate(index: &Index, docs: &[Document], queries: &[EvalQuery]) -> Report {
    let names: HashMap<&str, &str> = docs.iter().map(|d| (d.code.as_str(), d.name_hans.as_str())).collect();
    let mut report = Report::default();
    for q in queries {
        let page = index.search(&Query { text: q.query.clone(), limit: 3, ..Query::default() });
        let got: Vec<String> = page
            .map(|p| {
                p.hits.iter().map(|h| names.get(h.code.as_str()).copied().unwrap_or("?").to_owned()).collect()
            })
            .unwrap_or_default();
        let top1 = got.first().is_some_and(|n| q.expected.contains(n));
        let top3 = got.iter().any(|n| q.expected.contains(n));
        for rate in [&mut report.overall, report.categories.entry(q.category.clone()).or_default()] {
            rate.queries += 1;
            rate.top1 += usize::from(top1);
            rate.top3 += usize::from(top3);
        }
        if !top3 {
            report.misses.push((q.query.clone(), got));
        }
    }
    report
}

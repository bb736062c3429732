#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod analyse;
pub mod eval;
mod facets;
mod index;
mod normalise;
mod pinyin_index;
mod rank;
mod synonyms;
mod ts_chars;

pub use facets::{FacetCount, Facets};
pub use index::Index;
pub use normalise::normalise;
pub use synonyms::{Synonyms, SynonymsError};

/// The longest query accepted, in characters (the HTTP layer refuses longer ones with a 400).
pub const MAX_QUERY_CHARS: usize = 100;

/// One service, as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The service code: the unique key, and the last tie-break (ascending).
    pub code: String,
    /// The zh-Hans name (searched with the highest weight).
    pub name_hans: String,
    /// The English name.
    pub name_en: String,
    /// 日常用语: colloquial names of this service.
    pub aliases: Vec<String>,
    /// The department key (a facet value), e.g. `police`.
    pub department: String,
    /// The department's Chinese name, searchable with a low weight.
    pub department_name: String,
    /// Theme keys, e.g. `person:095` (a facet).
    pub themes: Vec<String>,
    /// GB/T 39046 A.4 service object codes: 1 自然人, 2 企业法人 … (facet: person = 1, legal = any other).
    pub objects: Vec<u8>,
    /// 全程网办: fully online (a facet).
    pub online: bool,
    /// Guide text: conditions, material names, result name, FAQ questions (the lowest weight).
    pub text: String,
    /// Annual case volume: the ranking's prior, catalogue data.
    pub popularity: u64,
}

impl Document {
    /// The index's view of a parsed service: the one mapping the backend and the app share, so
    /// that both rank the same catalogue the same way. The guide text is the conditions, the
    /// materials' names, the result's name and the questions of the FAQ, in simplified Chinese
    /// and English.
    pub fn from_service(service: &shimin_core::catalogue::guide::Service) -> Document {
        let mut text = Vec::new();
        let mut push = |t: &shimin_wire::catalogue::Localized| {
            text.push(t.hans.clone());
            if let Some(en) = &t.en {
                text.push(en.clone());
            }
        };
        service.conditions.iter().for_each(&mut push);
        service.materials.iter().for_each(|m| push(&m.name));
        push(&service.result.name);
        service.faq.iter().for_each(|f| push(&f.q));
        Document {
            code: service.code.to_string(),
            name_hans: service.name.hans.clone(),
            name_en: service.name.en.clone().unwrap_or_default(),
            aliases: service.aliases.clone(),
            department: service.organ.key.clone(),
            department_name: service.organ.name.hans.clone(),
            themes: service.themes.iter().map(|t| t.key()).collect(),
            objects: service.objects.iter().map(|o| o.code()).collect(),
            online: service.flags.fully_online,
            text: text.join("\n"),
            popularity: service.popularity,
        }
    }
}

/// The service-object facet: citizens (自然人, code 1) or legal persons (any other code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectFacet {
    /// 自然人: object code 1.
    Person,
    /// 法人 and other organisations: any object code but 1.
    Legal,
}

/// A search: text (may be empty: the whole catalogue) and facet filters, paged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// What the citizen typed (at most [`MAX_QUERY_CHARS`] characters).
    pub text: String,
    /// Only this department (a key that exists in the index).
    pub department: Option<String>,
    /// Only this theme (a key that exists in the index).
    pub theme: Option<String>,
    /// Only services for this kind of applicant.
    pub object: Option<ObjectFacet>,
    /// Only services that are (or are not) fully online.
    pub online: Option<bool>,
    /// At most this many hits.
    pub limit: usize,
    /// Skip this many hits first.
    pub offset: usize,
}

/// Why a query is refused. Carries no query text (it may hold personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The text is longer than [`MAX_QUERY_CHARS`] characters.
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    /// The department filter names no department of the catalogue.
    #[error("no such department in the catalogue")]
    UnknownDepartment,
    /// The theme filter names no theme of the catalogue.
    #[error("no such theme in the catalogue")]
    UnknownTheme,
}

/// One page of results: how many match, the page's hits best first, and the facet counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// How many services match (all pages).
    pub total: usize,
    /// This page's hits, best first.
    pub hits: Vec<Hit>,
    /// The counts of each facet value among the matches.
    pub facets: Facets,
}

/// A matching service and its score (0 for an empty query, which ranks by popularity).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The service code.
    pub code: String,
    /// The relevance score, rounded to 1/1000 (see `rank.rs` on why).
    pub score: f32,
}

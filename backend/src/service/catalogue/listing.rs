//! `GET /v1/services`: the query parsed (every parameter known, every value one of its set),
//! the catalogue of one version held in memory, and a page of it with facet counts.
//!
//! Every listing goes through `shimin-search`, the one ranking the app runs offline too: a query
//! text ranked, or without one every active service, most popular first, then by code, with the
//! facet counts the search gives (each facet counted with the query's other filters applied).
//! A service becomes what the search indexes through `shimin_search::Document::from_service`, the
//! one mapping the app uses too, so that its offline results equal these.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use shimin_core::catalogue::codes::Theme;
use shimin_core::catalogue::guide::Service;
use shimin_search::{Document, Index, Synonyms};
use shimin_wire::catalogue::{FacetCount, Facets, Localized, ServiceListResponse, ServiceSummary};

use crate::service::ServiceError;

/// The longest query text, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Services per page when the client does not say.
pub const DEFAULT_LIMIT: usize = 20;
/// The most services per page.
pub const MAX_LIMIT: usize = 100;

/// The language names are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// zh-Hans (the default).
    #[default]
    Hans,
    /// zh-Hant.
    Hant,
    /// English.
    En,
}

impl Lang {
    /// `text` in this language, falling back to zh-Hans where it has none.
    pub fn pick(self, text: &Localized) -> String {
        match self {
            Lang::Hans => text.hans.clone(),
            Lang::Hant => text.hant.clone().unwrap_or_else(|| text.hans.clone()),
            Lang::En => text.en.clone().unwrap_or_else(|| text.hans.clone()),
        }
    }

    fn theme_name(self, theme: Theme) -> String {
        let (hans, hant, en) = theme.names();
        match self {
            Lang::Hans => hans,
            Lang::Hant => hant,
            Lang::En => en,
        }
        .to_owned()
    }
}

/// The `object` facet: persons (A.4 code 1) or legal persons (every other code).
pub use shimin_search::ObjectFacet;

/// A listing query, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceQuery {
    /// The text searched for (`None`: the whole catalogue).
    pub q: Option<String>,
    /// Services per page.
    pub limit: usize,
    /// Services skipped.
    pub offset: usize,
    /// The names' language.
    pub lang: Lang,
    /// Only this department's (a department key).
    pub department: Option<String>,
    /// Only services of this theme.
    pub theme: Option<Theme>,
    /// Only services for persons, or for legal persons.
    pub object: Option<ObjectFacet>,
    /// Only services that can (or cannot) be done wholly online.
    pub online: Option<bool>,
}

impl ServiceQuery {
    /// Parses the query string's pairs: each parameter at most once, none unknown. Whether a
    /// department key exists is the catalogue's to say ([`CatalogueIndex::list`]).
    ///
    /// # Errors
    /// [`ServiceError::BadInput`] with a message naming the parameter.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ServiceError> {
        let mut query = ServiceQuery { limit: DEFAULT_LIMIT, ..ServiceQuery::default() };
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            if seen.contains(&name.as_str()) {
                return Err(ServiceError::BadInput("a query parameter is given twice"));
            }
            seen.push(name);
            match name.as_str() {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(ServiceError::BadInput("q is longer than 100 characters"));
                    }
                    let text = value.trim();
                    query.q = (!text.is_empty()).then(|| text.to_owned());
                }
                "limit" => {
                    query.limit = number(value)
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or(ServiceError::BadInput("limit must be a whole number from 1 to 100"))?;
                }
                "offset" => {
                    query.offset =
                        number(value).ok_or(ServiceError::BadInput("offset must be a whole number"))?;
                }
                "lang" => {
                    query.lang = match value.as_str() {
                        "zh-Hans" => Lang::Hans,
                        "zh-Hant" => Lang::Hant,
                        "en" => Lang::En,
                        _ => return Err(ServiceError::BadInput("lang must be zh-Hans, zh-Hant or en")),
                    };
                }
                "department" => query.department = Some(value.clone()),
                "theme" => {
                    query.theme = Some(Theme::parse(value).ok_or(ServiceError::BadInput(
                        "unknown theme: a theme is person:NNN or legal:NNN of the theme tables",
                    ))?);
                }
                "object" => {
                    query.object = Some(match value.as_str() {
                        "person" => ObjectFacet::Person,
                        "legal" => ObjectFacet::Legal,
                        _ => return Err(ServiceError::BadInput("object must be person or legal")),
                    });
                }
                "online" => {
                    query.online = Some(match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(ServiceError::BadInput("online must be true or false")),
                    });
                }
                _ => {
                    return Err(ServiceError::BadInput(
                        "unknown query parameter (known: q, limit, offset, lang, department, theme, object, online)",
                    ));
                }
            }
        }
        Ok(query)
    }
}

/// A plain decimal (digits only, at most 9 of them).
fn number(text: &str) -> Option<usize> {
    (!text.is_empty() && text.len() <= 9 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// The catalogue of one version, as the listing needs it.
#[derive(Debug)]
pub struct CatalogueIndex {
    version: u64,
    /// The active services by code.
    services: HashMap<String, Arc<Service>>,
    /// The departments of the active services: key → name.
    departments: BTreeMap<String, Localized>,
    /// The search over the active services.
    search: Index,
}

impl Default for CatalogueIndex {
    fn default() -> Self {
        Self::build(0, Vec::new())
    }
}

/// The synonym dictionary, parsed once.
fn synonyms() -> &'static Synonyms {
    static SYNONYMS: OnceLock<Synonyms> = OnceLock::new();
    SYNONYMS.get_or_init(Synonyms::builtin)
}

impl CatalogueIndex {
    /// The listing of `services` (any state; only the active are listed) at `version`. Builds
    /// the search index: a CPU-bound step, to be run off the async workers.
    pub fn build(version: u64, services: Vec<Service>) -> Self {
        let listed: Vec<Arc<Service>> =
            services.into_iter().filter(Service::is_active).map(Arc::new).collect();
        let search = Index::build(listed.iter().map(|s| Document::from_service(s)).collect(), synonyms());
        let departments = listed.iter().map(|s| (s.organ.key.clone(), s.organ.name.clone())).collect();
        let services = listed.into_iter().map(|s| (s.code.to_string(), s)).collect();
        Self { version, services, departments, search }
    }

    /// The catalogue version it holds.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// An active service's current guide, by its code.
    pub fn service(&self, code: &str) -> Option<Arc<Service>> {
        self.services.get(code).cloned()
    }

    /// How many services are listed (the active ones).
    pub fn len(&self) -> usize {
        self.services.len()
    }

    /// Whether no service is listed.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    /// A page of the services `query` selects, best first, with the facet counts.
    ///
    /// # Errors
    /// 400 for a query text over 100 characters or a department no listed service has.
    pub fn list(&self, query: &ServiceQuery) -> Result<ServiceListResponse, ServiceError> {
        if let Some(department) = &query.department
            && !self.departments.contains_key(department)
        {
            return Err(ServiceError::BadInput("unknown department"));
        }
        let theme = query.theme.map(Theme::key);
        if let Some(key) = &theme
            && !self.search.themes().any(|t| t == key)
        {
            // A theme of the tables that no listed service has: nothing matches.
            return Ok(ServiceListResponse {
                total: 0,
                catalogue_version: self.version,
                items: Vec::new(),
                facets: Facets::default(),
            });
        }
        let page = self
            .search
            .search(&shimin_search::Query {
                text: query.q.clone().unwrap_or_default(),
                department: query.department.clone(),
                theme,
                object: query.object,
                online: query.online,
                limit: query.limit,
                offset: query.offset,
            })
            .map_err(|e| match e {
                shimin_search::QueryError::TooLong => {
                    ServiceError::BadInput("q is longer than 100 characters")
                }
                shimin_search::QueryError::UnknownDepartment => ServiceError::BadInput("unknown department"),
                shimin_search::QueryError::UnknownTheme => ServiceError::BadInput("unknown theme"),
            })?;
        let items = page
            .hits
            .iter()
            .filter_map(|hit| self.services.get(&hit.code))
            .map(|s| summary(s, query.lang))
            .collect();
        Ok(ServiceListResponse {
            total: page.total as u64,
            catalogue_version: self.version,
            items,
            facets: self.facets(&page.facets, query.lang),
        })
    }

    fn facets(&self, counts: &shimin_search::Facets, lang: Lang) -> Facets {
        let department = counts
            .departments
            .iter()
            .map(|f| FacetCount {
                key: f.value.clone(),
                name: self.departments.get(&f.value).map_or_else(|| f.value.clone(), |n| lang.pick(n)),
                count: f.count as u64,
            })
            .collect();
        let theme = counts
            .themes
            .iter()
            .map(|f| FacetCount {
                key: f.value.clone(),
                name: Theme::parse(&f.value).map_or_else(|| f.value.clone(), |t| lang.theme_name(t)),
                count: f.count as u64,
            })
            .collect();
        let named = |key: &str, hans: &str, hant: &str, en: &str, count: usize| FacetCount {
            key: key.to_owned(),
            name: match lang {
                Lang::Hans => hans,
                Lang::Hant => hant,
                Lang::En => en,
            }
            .to_owned(),
            count: count as u64,
        };
        let object = vec![
            named("person", "个人", "個人", "Individuals", counts.person),
            named("legal", "法人", "法人", "Organisations", counts.legal),
        ];
        let online = vec![
            named("true", "全程网办", "全程網辦", "Fully online", counts.online),
            named("false", "需到现场", "需到現場", "In person", counts.offline),
        ];
        Facets { department, theme, object, online }
    }
}

/// One service as a listing shows it.
pub fn summary(service: &Service, lang: Lang) -> ServiceSummary {
    ServiceSummary {
        code: service.code.to_string(),
        name: lang.pick(&service.name),
        department: lang.pick(&service.organ.name),
        department_key: service.organ.key.clone(),
        theme: service.themes.first().map(|t| lang.theme_name(*t)).unwrap_or_default(),
        themes: service.themes.iter().map(|t| t.key()).collect(),
        item_type: service.code.basic().item_type().code().to_owned(),
        online: service.flags.fully_online,
        promised_limit: service.document().promised_limit,
    }
}

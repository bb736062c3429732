//! `GET /v1/services`: the query parsed (every parameter known, every value one of its set),
//! the catalogue of one version held in memory, and a page of it with facet counts.
//!
//! Without `q` the listing is every active service, most popular first, then by code. A query
//! text is ranked by the search crate (`shimin-search`), which is not wired yet: until it is, a
//! `q` answers 503 rather than a ranking that is not the app's.

use std::collections::BTreeMap;
use std::sync::Arc;

use shimin_core::catalogue::codes::ServiceObject;
use shimin_core::catalogue::codes::Theme;
use shimin_core::catalogue::guide::Service;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectFacet {
    /// 自然人.
    Person,
    /// 法人 and other organisations.
    Legal,
}

impl ObjectFacet {
    fn matches(self, service: &Service) -> bool {
        match self {
            ObjectFacet::Person => service.objects.contains(&ServiceObject::NaturalPerson),
            ObjectFacet::Legal => service.objects.iter().any(|o| *o != ServiceObject::NaturalPerson),
        }
    }
}

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
#[derive(Debug, Default)]
pub struct CatalogueIndex {
    version: u64,
    /// The active services, most popular first, then by code.
    listed: Vec<Arc<Service>>,
    /// The departments of the active services: key → name.
    departments: BTreeMap<String, Localized>,
    /// The facet counts of all listed services.
    all: Tally,
}

impl CatalogueIndex {
    /// The listing of `services` (any state; only the active are listed) at `version`.
    pub fn build(version: u64, services: Vec<Service>) -> Self {
        let mut listed: Vec<Arc<Service>> =
            services.into_iter().filter(Service::is_active).map(Arc::new).collect();
        listed.sort_by(|a, b| {
            b.popularity.cmp(&a.popularity).then_with(|| a.code.to_string().cmp(&b.code.to_string()))
        });
        let departments = listed.iter().map(|s| (s.organ.key.clone(), s.organ.name.clone())).collect();
        let all = Tally::of(listed.iter());
        Self { version, listed, departments, all }
    }

    /// The catalogue version it holds.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// How many services are listed (the active ones).
    pub fn len(&self) -> usize {
        self.listed.len()
    }

    /// Whether no service is listed.
    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// A page of the services `query` selects, best first, with the facet counts of all of them.
    ///
    /// # Errors
    /// 400 for a department no listed service has; 503 for a query text while search is not
    /// built.
    pub fn list(&self, query: &ServiceQuery) -> Result<ServiceListResponse, ServiceError> {
        if query.q.is_some() {
            return Err(ServiceError::Unavailable("search (not built yet)"));
        }
        if let Some(department) = &query.department
            && !self.departments.contains_key(department)
        {
            return Err(ServiceError::BadInput("unknown department"));
        }
        let unfiltered = query.department.is_none()
            && query.theme.is_none()
            && query.object.is_none()
            && query.online.is_none();
        if unfiltered {
            // Browsing the whole catalogue, the commonest request: its counts are kept.
            let items = self
                .listed
                .iter()
                .skip(query.offset)
                .take(query.limit)
                .map(|s| summary(s, query.lang))
                .collect();
            return Ok(ServiceListResponse {
                total: self.listed.len() as u64,
                catalogue_version: self.version,
                items,
                facets: self.facets(&self.all, query.lang),
            });
        }
        let matches: Vec<&Arc<Service>> = self.listed.iter().filter(|s| selected(s, query)).collect();
        let items =
            matches.iter().skip(query.offset).take(query.limit).map(|s| summary(s, query.lang)).collect();
        Ok(ServiceListResponse {
            total: matches.len() as u64,
            catalogue_version: self.version,
            items,
            facets: self.facets(&Tally::of(matches.iter().copied()), query.lang),
        })
    }

    fn facets(&self, tally: &Tally, lang: Lang) -> Facets {
        let department = tally
            .department
            .iter()
            .map(|(key, count)| FacetCount {
                key: key.clone(),
                name: self.departments.get(key).map_or_else(|| key.clone(), |n| lang.pick(n)),
                count: *count,
            })
            .collect();
        let theme = tally
            .theme
            .iter()
            .map(|(t, count)| FacetCount { key: t.key(), name: lang.theme_name(*t), count: *count })
            .collect();
        let named = |key: &str, hans: &str, hant: &str, en: &str, count: u64| FacetCount {
            key: key.to_owned(),
            name: match lang {
                Lang::Hans => hans,
                Lang::Hant => hant,
                Lang::En => en,
            }
            .to_owned(),
            count,
        };
        let object = vec![
            named("person", "个人", "個人", "Individuals", tally.person),
            named("legal", "法人", "法人", "Organisations", tally.legal),
        ];
        let online = vec![
            named("true", "全程网办", "全程網辦", "Fully online", tally.online),
            named("false", "需到现场", "需到現場", "In person", tally.offline),
        ];
        Facets { department: by_count(department), theme: by_count(theme), object, online }
    }
}

/// The facet counts of some services.
#[derive(Debug, Default)]
struct Tally {
    department: BTreeMap<String, u64>,
    theme: BTreeMap<Theme, u64>,
    person: u64,
    legal: u64,
    online: u64,
    offline: u64,
}

impl Tally {
    fn of<'a>(services: impl Iterator<Item = &'a Arc<Service>>) -> Self {
        let mut tally = Tally::default();
        for service in services {
            match tally.department.get_mut(&service.organ.key) {
                Some(count) => *count += 1,
                None => {
                    tally.department.insert(service.organ.key.clone(), 1);
                }
            }
            for t in &service.themes {
                *tally.theme.entry(*t).or_default() += 1;
            }
            tally.person += u64::from(ObjectFacet::Person.matches(service));
            tally.legal += u64::from(ObjectFacet::Legal.matches(service));
            if service.flags.fully_online {
                tally.online += 1;
            } else {
                tally.offline += 1;
            }
        }
        tally
    }
}

/// Facet values, the most frequent first, then by key.
fn by_count(mut values: Vec<FacetCount>) -> Vec<FacetCount> {
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    values
}

fn selected(service: &Service, query: &ServiceQuery) -> bool {
    query.department.as_ref().is_none_or(|d| &service.organ.key == d)
        && query.theme.is_none_or(|t| service.themes.contains(&t))
        && query.object.is_none_or(|o| o.matches(service))
        && query.online.is_none_or(|online| service.flags.fully_online == online)
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

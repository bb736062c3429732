//! Facet counts: for each facet, how many matches each value has with the query's other filters
//! applied (so choosing 公安 still shows how many 交通 would have).

use crate::ObjectFacet;
use crate::index::DocMeta;

/// One facet value and how many matches have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// The department or theme key.
    pub value: String,
    /// How many matches.
    pub count: usize,
}

/// The counts of every facet among the matches, values by count (descending) then key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// Per department key.
    pub departments: Vec<FacetCount>,
    /// Per theme key.
    pub themes: Vec<FacetCount>,
    /// Services for citizens (自然人).
    pub person: usize,
    /// Services for legal persons and other organisations.
    pub legal: usize,
    /// Fully online services.
    pub online: usize,
    /// Services not fully online.
    pub offline: usize,
}

/// The facet filters of a query, resolved.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Filters<'a> {
    pub(crate) department: Option<&'a str>,
    pub(crate) theme: Option<&'a str>,
    pub(crate) object: Option<ObjectFacet>,
    pub(crate) online: Option<bool>,
}

/// Which facet a check leaves out (to count that facet's values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Except {
    None,
    Department,
    Theme,
    Object,
    Online,
}

pub(crate) fn has_object(doc: &DocMeta, object: ObjectFacet) -> bool {
    match object {
        ObjectFacet::Person => doc.objects.contains(&1),
        ObjectFacet::Legal => doc.objects.iter().any(|o| *o != 1),
    }
}

impl Filters<'_> {
    pub(crate) fn accepts(&self, doc: &DocMeta, except: Except) -> bool {
        (except == Except::Department || self.department.is_none_or(|d| doc.department == d))
            && (except == Except::Theme || self.theme.is_none_or(|t| doc.themes.iter().any(|x| x == t)))
            && (except == Except::Object || self.object.is_none_or(|o| has_object(doc, o)))
            && (except == Except::Online || self.online.is_none_or(|o| doc.online == o))
    }
}

/// Counts the facets over the documents that match the text (`matching`).
pub(crate) fn count<'d>(matching: impl Iterator<Item = &'d DocMeta>, filters: &Filters<'_>) -> Facets {
    use std::collections::BTreeMap;
    let mut departments: BTreeMap<&str, usize> = BTreeMap::new();
    let mut themes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut facets = Facets::default();
    for doc in matching {
        if filters.accepts(doc, Except::Department) {
            *departments.entry(doc.department.as_str()).or_default() += 1;
        }
        if filters.accepts(doc, Except::Theme) {
            for t in &doc.themes {
                *themes.entry(t.as_str()).or_default() += 1;
            }
        }
        if filters.accepts(doc, Except::Object) {
            facets.person += usize::from(has_object(doc, ObjectFacet::Person));
            facets.legal += usize::from(has_object(doc, ObjectFacet::Legal));
        }
        if filters.accepts(doc, Except::Online) {
            if doc.online {
                facets.online += 1;
            } else {
                facets.offline += 1;
            }
        }
    }
    facets.departments = sorted(departments);
    facets.themes = sorted(themes);
    facets
}

fn sorted(counts: std::collections::BTreeMap<&str, usize>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> =
        counts.into_iter().map(|(value, count)| FacetCount { value: value.to_owned(), count }).collect();
    // A stable sort over key order: equal counts stay in key order.
    out.sort_by_key(|c| std::cmp::Reverse(c.count));
    out
}

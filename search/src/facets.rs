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
pub(crate) struct Filters {
    /// A department's number in the index.
    pub(crate) department: Option<u16>,
    /// A theme's number in the index.
    pub(crate) theme: Option<u16>,
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

impl Filters {
    pub(crate) fn accepts(&self, doc: &DocMeta, except: Except) -> bool {
        (except == Except::Department || self.department.is_none_or(|d| doc.department == d))
            && (except == Except::Theme || self.theme.is_none_or(|t| doc.themes.contains(&t)))
            && (except == Except::Object || self.object.is_none_or(|o| has_object(doc, o)))
            && (except == Except::Online || self.online.is_none_or(|o| doc.online == o))
    }
}

/// Counts the facets over the documents that match the text (`matching`); `departments` and
/// `themes` are the index's keys, by number.
pub(crate) fn count<'d>(
    matching: impl Iterator<Item = &'d DocMeta>,
    filters: &Filters,
    departments: &[String],
    themes: &[String],
) -> Facets {
    let mut per_department = vec![0usize; departments.len()];
    let mut per_theme = vec![0usize; themes.len()];
    let mut facets = Facets::default();
    for doc in matching {
        if filters.accepts(doc, Except::Department)
            && let Some(c) = per_department.get_mut(usize::from(doc.department))
        {
            *c += 1;
        }
        if filters.accepts(doc, Except::Theme) {
            for t in &doc.themes {
                if let Some(c) = per_theme.get_mut(usize::from(*t)) {
                    *c += 1;
                }
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
    facets.departments = sorted(departments, &per_department);
    facets.themes = sorted(themes, &per_theme);
    facets
}

/// The values with a count, by count (descending), then key (the keys are sorted already, and the
/// sort is stable).
fn sorted(keys: &[String], counts: &[usize]) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = keys
        .iter()
        .zip(counts)
        .filter(|(_, c)| **c > 0)
        .map(|(value, count)| FacetCount { value: value.clone(), count: *count })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.count));
    out
}

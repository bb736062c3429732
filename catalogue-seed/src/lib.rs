//! The service catalogue's seed data (issue 16): the implementing organs of one district
//! (北京市朝阳区, division 110105, where the demo citizens live), fifty complete guides written by
//! hand (`data/services/*.toml`), and a list of further real item names (`data/names.tsv`) that
//! are expanded into plausible guides by a template per item type. Every text carries its
//! Traditional form, converted at load with OpenCC's tables ([`hant`]).
//!
//! [`catalogue`] is the demo catalogue; [`generated`] copies it over other districts, with their
//! own division and organ codes, for the search benchmarks. Both are deterministic. The backend
//! stores and serves these documents; the core parses each before anything trusts it.

#![forbid(unsafe_code)]

pub mod hant;

mod districts;
mod generate;
mod guides;
mod spec;

use std::collections::{BTreeMap, HashSet};

use shimin_core::catalogue::code::{CodeError, ServiceCode};
use shimin_wire::catalogue::ServiceDocument;

use crate::spec::{GuidesFile, MaterialsFile, OrganSpec, OrgansFile};

pub use districts::generated;

/// The division of the demo district, 北京市朝阳区.
pub const DIVISION: &str = "110105";

const ORGANS: &str = include_str!("../data/organs.toml");
const MATERIALS: &str = include_str!("../data/materials.toml");
const NAMES: &str = include_str!("../data/names.tsv");
/// The complete guides, by file (the order is the catalogue's).
const GUIDES: &[(&str, &str)] = &[
    ("births.toml", include_str!("../data/services/births.toml")),
    ("identity.toml", include_str!("../data/services/identity.toml")),
    ("travel.toml", include_str!("../data/services/travel.toml")),
    ("traffic.toml", include_str!("../data/services/traffic.toml")),
    ("family.toml", include_str!("../data/services/family.toml")),
    ("insurance.toml", include_str!("../data/services/insurance.toml")),
    ("housing.toml", include_str!("../data/services/housing.toml")),
    ("business.toml", include_str!("../data/services/business.toml")),
    ("welfare.toml", include_str!("../data/services/welfare.toml")),
    ("justice.toml", include_str!("../data/services/justice.toml")),
];

/// Why the seed does not load: which file or service, and what is wrong in it.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A TOML file does not have the expected shape.
    #[error("{file}: {source}")]
    Toml {
        /// The file.
        file: &'static str,
        /// What the parser said.
        source: Box<toml::de::Error>,
    },
    /// A line of `names.tsv` is malformed.
    #[error("names.tsv line {line}: {reason}")]
    Names {
        /// One-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A service names an organ key that `organs.toml` lacks.
    #[error("service {service:?}: no organ {key:?}")]
    UnknownOrgan {
        /// The service's name.
        service: String,
        /// The key.
        key: String,
    },
    /// A time limit is not `now` or an amount with `wd`, `cd`, `h` or `mo`.
    #[error("service {service:?}: time limit {text:?}")]
    Limit {
        /// The service's name.
        service: String,
        /// The limit as written.
        text: String,
    },
    /// A material is incomplete or names an unknown base.
    #[error("service {service:?}: {reason}")]
    Material {
        /// The service's name.
        service: String,
        /// What is wrong.
        reason: String,
    },
    /// A wallet certificate slug that the core does not know.
    #[error("service {service:?}: no certificate type {slug:?}")]
    Certificate {
        /// The service's name.
        service: String,
        /// The slug.
        slug: String,
    },
    /// A service's code does not parse.
    #[error("service {service:?}: code: {source}")]
    Code {
        /// The service's name.
        service: String,
        /// The part that is wrong.
        source: CodeError,
    },
    /// An organ's code is not a valid credit code.
    #[error("organ {key:?}: {reason}")]
    Organ {
        /// The organ's key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// Two services share a name.
    #[error("two services are named {0:?}")]
    DuplicateName(String),
    /// Two services share a code.
    #[error("two services have the code {0}")]
    DuplicateCode(String),
    /// A generated copy could not be made (its JSON did not round-trip).
    #[error("a generated copy: {0}")]
    Copy(String),
    /// More generated services asked for than the districts can hold.
    #[error("{asked} services asked for, at most {most} can be generated")]
    TooMany {
        /// How many were asked for.
        asked: usize,
        /// How many can be.
        most: usize,
    },
}

fn parse_toml<T: serde::de::DeserializeOwned>(file: &'static str, text: &str) -> Result<T, SeedError> {
    toml::from_str(text).map_err(|e| SeedError::Toml { file, source: Box::new(e) })
}

/// Checks that `slug` names a wallet certificate type.
pub(crate) fn certificate_slug(slug: &str, service: &str) -> Result<(), SeedError> {
    match shimin_core::cert::types::CertificateType::from_slug(slug) {
        Some(_) => Ok(()),
        None => Err(SeedError::Certificate { service: service.to_owned(), slug: slug.to_owned() }),
    }
}

/// The organs by key, each code checked.
pub(crate) fn organs() -> Result<BTreeMap<String, OrganSpec>, SeedError> {
    let file: OrgansFile = parse_toml("organs.toml", ORGANS)?;
    let mut organs = BTreeMap::new();
    for organ in file.organ {
        shimin_core::cert::CreditCode::parse(&organ.code)
            .map_err(|e| SeedError::Organ { key: organ.key.clone(), reason: e.to_string() })?;
        if organ.code.get(2..8) != Some(DIVISION) {
            return Err(SeedError::Organ {
                key: organ.key.clone(),
                reason: "not an organ of the district".to_owned(),
            });
        }
        let key = organ.key.clone();
        if organs.insert(key.clone(), organ).is_some() {
            return Err(SeedError::Organ { key, reason: "listed twice".to_owned() });
        }
    }
    Ok(organs)
}

/// A service's code from its basic code, organ and handling item, parsed by the core.
pub(crate) fn service_code(
    basic: &str,
    organ: &str,
    handling: Option<&str>,
    service: &str,
) -> Result<String, SeedError> {
    let text = match handling {
        Some(h) => format!("{basic}-{DIVISION}-{organ}-{h}"),
        None => format!("{basic}-{DIVISION}-{organ}"),
    };
    ServiceCode::parse(&text)
        .map(|code| code.to_string())
        .map_err(|source| SeedError::Code { service: service.to_owned(), source })
}

/// The demo catalogue: the complete guides, then the generated ones, every one active at
/// version 0. Names and codes are unique.
pub fn catalogue() -> Result<Vec<ServiceDocument>, SeedError> {
    let organs = organs()?;
    let materials: MaterialsFile = parse_toml("materials.toml", MATERIALS)?;
    let mut documents = Vec::new();
    for (file, text) in GUIDES {
        let guides: GuidesFile = parse_toml(file, text)?;
        for guide in &guides.service {
            documents.push(guides::document(guide, &organs, &materials)?);
        }
    }
    documents.extend(generate::documents(NAMES, &organs, &materials)?);
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    for document in &documents {
        if !names.insert(document.name.hans.as_str()) {
            return Err(SeedError::DuplicateName(document.name.hans.clone()));
        }
        if !codes.insert(document.code.as_str()) {
            return Err(SeedError::DuplicateCode(document.code.clone()));
        }
    }
    Ok(documents)
}

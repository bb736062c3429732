//! The attribute registry: the small integer each attribute name travels as.
//!
//! The signed payload and the presentation QR code name attributes by these codes, not by their
//! text names: a code below 24 is one CBOR byte where `"id_number_masked"` is seventeen, and a
//! QR code has under a kilobyte to spend (`docs/adr/0002-compact-presentation.md`). The digest an
//! issuer signs still covers the text name ([`crate::cert::attributes`]), so a code maps to
//! exactly one name and the two can never disagree unnoticed.
//!
//! Codes are part of the wire format: never reuse or renumber one; add new names at the end. The
//! most-used attributes (those of the "identity" and "age ≥ 18" presets first) have codes below 24.

use super::types::names;

/// Every attribute name Shimin issues, with its code. Codes are unique and never reused.
const REGISTRY: &[(u16, &str)] = &[
    (1, names::NAME),
    (2, names::ID_NUMBER_MASKED),
    (3, names::PHOTO),
    (4, names::AGE_OVER_18),
    (5, names::ID_NUMBER),
    (6, names::SEX),
    (7, names::BIRTH_DATE),
    (8, names::CERTIFICATE_NUMBER),
    (9, names::ISSUER_NAME),
    (10, names::ETHNICITY),
    (11, names::ADDRESS),
    (12, "name_pinyin"),
    (13, "residence_address"),
    (14, "household_number"),
    (15, "head_of_household"),
    (16, "relation_to_head"),
    (17, "birthplace"),
    (18, "nationality"),
    (19, "vehicle_classes"),
    (20, "first_issue_date"),
    (21, "file_number"),
    (22, "hk_endorsement_kind"),
    (23, "hk_endorsement_entries"),
    (24, "hk_endorsement_valid_until"),
    (25, "macau_endorsement_kind"),
    (26, "macau_endorsement_entries"),
    (27, "macau_endorsement_valid_until"),
    (28, "spouse_name"),
    (29, "spouse_id_number"),
    (30, "spouse_sex"),
    (31, "spouse_birth_date"),
    (32, "registration_date"),
    (33, "credit_code"),
    (34, "company_kind"),
    (35, "legal_representative"),
    (36, "registered_capital_yuan"),
    (37, "established"),
    (38, "business_term_until"),
    (39, "business_scope"),
    (40, "degree_level"),
    (41, "discipline"),
    (42, "major"),
    (43, "university"),
    (44, "conferral_date"),
    (45, names::ISSUE_DATE),
];

/// The code of attribute `name`, if it is registered.
pub fn code_of(name: &str) -> Option<u16> {
    REGISTRY.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
}

/// The name registered under `code`.
pub fn name_of(code: u16) -> Option<&'static str> {
    REGISTRY.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_each_unique_and_map_both_ways() {
        for (i, (code, name)) in REGISTRY.iter().enumerate() {
            assert!(REGISTRY[i + 1..].iter().all(|(c, n)| c != code && n != name), "{code} {name}");
            assert_eq!(code_of(name), Some(*code));
            assert_eq!(name_of(*code), Some(*name));
        }
        assert_eq!(code_of("nickname"), None);
        assert_eq!(name_of(0), None);
    }

    #[test]
    fn the_identity_and_age_presets_cost_one_byte_per_name() {
        for name in [names::NAME, names::ID_NUMBER_MASKED, names::PHOTO, names::AGE_OVER_18] {
            assert!(code_of(name).is_some_and(|c| c < 24), "{name}");
        }
    }
}

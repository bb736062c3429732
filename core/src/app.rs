//! The operations the app shell exposes, taking and returning wire types. The Tauri commands are
//! one-line calls into this module; the conversion from domain types to views happens here.

use shimin_wire::ipc::{AppInfoView, CheckIdNumberRequest, IdNumberCheckView, IdNumberProblem};

use crate::id_number::{IdNumber, IdNumberError};

/// Versions of the running app; `app_version` is the shell's own.
pub fn app_info(app_version: &str) -> AppInfoView {
    AppInfoView { core_version: crate::VERSION.to_owned(), app_version: app_version.to_owned() }
}

/// Checks an identity number. Only the masked number and the birth date come back.
pub fn check_id_number(request: &CheckIdNumberRequest) -> IdNumberCheckView {
    match IdNumber::parse(&request.input) {
        Ok(id) => IdNumberCheckView::Valid { masked: id.masked(), birth_date: id.birth_date().to_string() },
        Err(e) => IdNumberCheckView::Invalid { reason: e.into() },
    }
}

impl From<IdNumberError> for IdNumberProblem {
    fn from(e: IdNumberError) -> Self {
        match e {
            IdNumberError::WrongLength(length) => IdNumberProblem::WrongLength { length },
            IdNumberError::InvalidCharacter { position } => IdNumberProblem::InvalidCharacter { position },
            IdNumberError::UnknownProvince => IdNumberProblem::UnknownProvince,
            IdNumberError::InvalidBirthDate => IdNumberProblem::InvalidBirthDate,
            IdNumberError::ChecksumMismatch => IdNumberProblem::ChecksumMismatch,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_number_comes_back_masked_with_its_birth_date() {
        let view = check_id_number(&CheckIdNumberRequest { input: "11010519491231002X".into() });
        assert_eq!(
            view,
            IdNumberCheckView::Valid { masked: "1101**********002X".into(), birth_date: "1949-12-31".into() }
        );
    }

    #[test]
    fn an_invalid_number_comes_back_with_its_reason() {
        let view = check_id_number(&CheckIdNumberRequest { input: "1234".into() });
        assert_eq!(view, IdNumberCheckView::Invalid { reason: IdNumberProblem::WrongLength { length: 4 } });
    }
}

//! The department's workbench (工作台) as the domain sees it, independent of HTML: whom a desk
//! session stands for, the department's services in the catalogue, and the catalogue actions an
//! administrator may take on them. Every call is scoped to the staff member's department: a
//! service of another department is refused, never shown.

pub mod cases;

use shimin_core::catalogue::guide::{Service, ServiceStatus};
use shimin_wire::catalogue::ServiceStatusDto;

use super::catalogue::CatalogueEdit;
use super::{Backend, ServiceError};
use crate::store::StaffRecord;

/// A staff role, parsed from the stored text (an unknown text is the least privileged role).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskRole {
    /// Issues certificates.
    Issuer,
    /// Reviews; acts on nothing in the catalogue.
    Reviewer,
    /// Keeps the department's part of the catalogue (and the trust list).
    Administrator,
}

impl DeskRole {
    /// The role of a staff record.
    pub fn of(staff: &StaffRecord) -> Self {
        match staff.role.as_str() {
            "administrator" => Self::Administrator,
            "issuer" => Self::Issuer,
            _ => Self::Reviewer,
        }
    }
}

/// What an administrator may do to one of the department's services; each is one new version
/// through [`Backend::change_service`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceAction {
    /// 暂停: the service is not offered for now.
    Suspend,
    /// 恢复: a suspended service is offered again.
    Resume,
    /// 取消: the service is withdrawn for good, with no replacement.
    Cancel,
}

impl ServiceAction {
    /// Parses the action's path segment (`suspend`, `resume`, `cancel`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "suspend" => Some(Self::Suspend),
            "resume" => Some(Self::Resume),
            "cancel" => Some(Self::Cancel),
            _ => None,
        }
    }

    /// The path segment of the action.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::Cancel => "cancel",
        }
    }

    /// Whether the action can be taken on a service in `status`.
    pub fn applies_to(self, status: ServiceStatus) -> bool {
        matches!(
            (self, status),
            (Self::Suspend, ServiceStatus::Active)
                | (Self::Resume, ServiceStatus::Suspended)
                | (Self::Cancel, ServiceStatus::Active | ServiceStatus::Suspended)
        )
    }
}

/// Why the workbench refused something. Each has a text of its own in the workbench's three
/// languages; none carries personal data.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The service is another department's.
    #[error("the service is another department's")]
    OtherDepartment,
    /// No service has this code.
    #[error("no such service")]
    UnknownService,
    /// Only an administrator changes the catalogue.
    #[error("only an administrator may change the catalogue")]
    NotAdministrator,
    /// The action does not apply to the service's state (suspending a suspended one, resuming an
    /// active one, anything on a cancelled one).
    #[error("the action does not apply to the service's state")]
    WrongState,
    /// Anything else (the store, the catalogue busy).
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl Backend {
    /// The name of the staff member's department (its code when the registry has no name).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn department_name(&self, staff: &StaffRecord) -> Result<String, ServiceError> {
        Ok(self
            .store
            .department(&staff.department_code)
            .await?
            .map_or_else(|| staff.department_code.clone(), |d| d.name))
    }

    /// The services of the catalogue whose implementing organ is the staff member's
    /// department, in every state (a suspended one is there to be resumed), by name.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn department_services(&self, staff: &StaffRecord) -> Result<Vec<Service>, ServiceError> {
        // The whole catalogue is a few thousand rows at most for a district; a store query by
        // organ is the next step when the applications queue makes this page a hot path.
        let mut services: Vec<Service> = self
            .store
            .catalogue_services()
            .await?
            .into_iter()
            .filter(|s| s.organ.code.as_str() == staff.department_code)
            .collect();
        services.sort_by(|a, b| (a.status_rank(), &a.name.hans).cmp(&(b.status_rank(), &b.name.hans)));
        Ok(services)
    }

    /// One of the department's services, in whatever state.
    ///
    /// # Errors
    /// [`DeskError::UnknownService`] for a malformed or unknown code, [`DeskError::OtherDepartment`]
    /// for another department's service.
    pub async fn department_service(&self, staff: &StaffRecord, code: &str) -> Result<Service, DeskError> {
        let service = match self.service_guide(code).await {
            Ok(service) => service,
            Err(ServiceError::BadInput(_) | ServiceError::NotFound(_)) => {
                return Err(DeskError::UnknownService);
            }
            Err(e) => return Err(e.into()),
        };
        if service.organ.code.as_str() != staff.department_code {
            return Err(DeskError::OtherDepartment);
        }
        Ok(service)
    }

    /// Suspends, resumes or cancels one of the department's services as an administrator: one
    /// new catalogue version. Returns the service as it is afterwards.
    ///
    /// # Errors
    /// [`DeskError::NotAdministrator`] for any other role (checked first),
    /// [`DeskError::UnknownService`], [`DeskError::OtherDepartment`], [`DeskError::WrongState`],
    /// or the catalogue's own refusal.
    pub async fn act_on_service(
        &self,
        staff: &StaffRecord,
        code: &str,
        action: ServiceAction,
        now: i64,
    ) -> Result<Service, DeskError> {
        if DeskRole::of(staff) != DeskRole::Administrator {
            return Err(DeskError::NotAdministrator);
        }
        let service = self.department_service(staff, code).await?;
        if !action.applies_to(service.status) {
            return Err(DeskError::WrongState);
        }
        let code = service.code.to_string();
        let edit = match action {
            ServiceAction::Suspend => CatalogueEdit::Suspend(code.clone()),
            ServiceAction::Cancel => CatalogueEdit::Cancel(code.clone()),
            ServiceAction::Resume => {
                let mut document = service.into_document();
                document.status = ServiceStatusDto::Active;
                document.replaced_by = Vec::new();
                CatalogueEdit::Change(document)
            }
        };
        match self.change_service(edit, now).await {
            Ok(_) => {}
            // Another administrator got there first.
            Err(ServiceError::Conflict(_)) => return Err(DeskError::WrongState),
            Err(e) => return Err(e.into()),
        }
        self.department_service(staff, &code).await
    }
}

/// The order of states in the department's list: active first, cancelled last.
trait StatusRank {
    fn status_rank(&self) -> u8;
}

impl StatusRank for Service {
    fn status_rank(&self) -> u8 {
        match self.status {
            ServiceStatus::Active => 0,
            ServiceStatus::Suspended => 1,
            ServiceStatus::Cancelled => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_apply_to_the_states_they_change() {
        use ServiceStatus::{Active, Cancelled, Suspended};
        assert!(ServiceAction::Suspend.applies_to(Active));
        assert!(!ServiceAction::Suspend.applies_to(Suspended));
        assert!(ServiceAction::Resume.applies_to(Suspended));
        assert!(!ServiceAction::Resume.applies_to(Active));
        assert!(ServiceAction::Cancel.applies_to(Active) && ServiceAction::Cancel.applies_to(Suspended));
        for action in [ServiceAction::Suspend, ServiceAction::Resume, ServiceAction::Cancel] {
            assert!(!action.applies_to(Cancelled));
            assert_eq!(ServiceAction::parse(action.slug()), Some(action));
        }
        assert_eq!(ServiceAction::parse("delete"), None);
    }
}

//! The registry area: citizens (一号) with their households and registry photos, companies,
//! the departments, and the staff who act for them.

use std::fmt;

use async_trait::async_trait;

use super::StoreError;

/// A citizen of the registry (一号). `Debug` is redacted: everything here is personal.
#[derive(Clone, PartialEq, Eq)]
pub struct CitizenRecord {
    /// GB 11643 ID number (already validated).
    pub id_number: String,
    /// Name.
    pub name: String,
    /// Ethnic group, GB 3304 code.
    pub ethnicity: u8,
    /// Registered address.
    pub address: String,
    /// The household the citizen is registered in, if any.
    pub household_number: Option<String>,
    /// Relation to the head of household, GB/T 4761 code (`01` head …).
    pub relation: String,
    /// Registry photo (for the liveness face match), if any.
    pub photo: Option<Vec<u8>>,
}

impl fmt::Debug for CitizenRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CitizenRecord([redacted])")
    }
}

/// A registered household (户).
#[derive(Clone, PartialEq, Eq)]
pub struct HouseholdRecord {
    /// Household number (户号).
    pub number: String,
    /// Address.
    pub address: String,
    /// The head of household's ID number.
    pub head_id_number: String,
}

impl fmt::Debug for HouseholdRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HouseholdRecord([redacted])")
    }
}

/// A company keyed by its unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRecord {
    /// GB 32100 credit code (already validated).
    pub credit_code: String,
    /// Registered name.
    pub name: String,
    /// The legal representative's ID number.
    pub legal_representative: String,
    /// The supervisor's ID number.
    pub supervisor: Option<String>,
    /// The shareholders' ID numbers.
    pub shareholders: Vec<String>,
}

/// A department that issues certificates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentRecord {
    /// Credit code (the key).
    pub code: String,
    /// Name, e.g. "北京市公安局西城分局".
    pub name: String,
    /// The certificate types (slugs) it may issue.
    pub allowed_types: Vec<String>,
}

/// A staff account. `Debug` hides the password hash.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffRecord {
    /// Row id (0 before insertion).
    pub id: i64,
    /// Login.
    pub login: String,
    /// The department.
    pub department_code: String,
    /// `issuer` or `reviewer`.
    pub role: String,
    /// PBKDF2 salt.
    pub password_salt: Vec<u8>,
    /// PBKDF2 output.
    pub password_hash: Vec<u8>,
}

impl fmt::Debug for StaffRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaffRecord").field("id", &self.id).field("role", &self.role).finish_non_exhaustive()
    }
}

/// The registry: who exists, where they live, which departments and staff act for the state.
#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Inserts citizens, skipping ID numbers already present; returns how many were new.
    async fn insert_citizens(&self, citizens: Vec<CitizenRecord>) -> Result<u64, StoreError>;
    /// The citizen with this ID number.
    async fn citizen(&self, id_number: &str) -> Result<Option<CitizenRecord>, StoreError>;
    /// Number of citizens.
    async fn count_citizens(&self) -> Result<u64, StoreError>;
    /// Replaces a citizen's registry photo; `false` for an unknown citizen.
    async fn set_citizen_photo(&self, id_number: &str, photo: Option<Vec<u8>>) -> Result<bool, StoreError>;
    /// Inserts or replaces a household.
    async fn put_household(&self, household: HouseholdRecord) -> Result<(), StoreError>;
    /// The household with this number.
    async fn household(&self, number: &str) -> Result<Option<HouseholdRecord>, StoreError>;
    /// Registers a new company with its shareholders; [`StoreError::Conflict`], storing
    /// nothing, when its credit code is registered already: a registration never overwrites a
    /// company (that is [`RegistryStore::change_company`]'s, with the current representatives).
    async fn insert_company(&self, company: CompanyRecord) -> Result<(), StoreError>;
    /// Replaces a registered company's name, representatives and shareholders with `company`'s,
    /// atomically, only if its legal representative and supervisor are still `current`'s (the
    /// people who consented to the change); `false`, storing nothing, otherwise.
    async fn change_company(
        &self,
        current: &CompanyRecord,
        company: CompanyRecord,
    ) -> Result<bool, StoreError>;
    /// The company with this credit code.
    async fn company(&self, credit_code: &str) -> Result<Option<CompanyRecord>, StoreError>;
    /// Inserts or replaces a department.
    async fn put_department(&self, department: DepartmentRecord) -> Result<(), StoreError>;
    /// The department with this code.
    async fn department(&self, code: &str) -> Result<Option<DepartmentRecord>, StoreError>;
    /// Every department.
    async fn departments(&self) -> Result<Vec<DepartmentRecord>, StoreError>;
    /// Adds a staff account; [`StoreError::Conflict`] when the login is taken.
    async fn insert_staff(&self, staff: StaffRecord) -> Result<i64, StoreError>;
    /// The staff account with this login.
    async fn staff_by_login(&self, login: &str) -> Result<Option<StaffRecord>, StoreError>;
    /// The staff account with this id.
    async fn staff(&self, id: i64) -> Result<Option<StaffRecord>, StoreError>;
    /// Replaces a staff account's password salt and hash (a hash made at a newer cost).
    async fn set_staff_password(&self, id: i64, salt: Vec<u8>, hash: Vec<u8>) -> Result<(), StoreError>;
    /// Until when the staff account is locked by failed logins, if it is locked at `now`.
    async fn staff_locked_until(&self, id: i64, now: i64) -> Result<Option<i64>, StoreError>;
    /// Counts a failed login of the staff account, atomically: the `max_failures`-th in a row
    /// locks it until `now + lock_for` and starts the count again.
    async fn count_failed_login(
        &self,
        id: i64,
        now: i64,
        max_failures: i64,
        lock_for: i64,
    ) -> Result<(), StoreError>;
    /// Forgets the failed logins of the staff account (it logged in).
    async fn clear_failed_logins(&self, id: i64) -> Result<(), StoreError>;
}

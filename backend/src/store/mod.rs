//! Storage: one async trait, [`Store`], with an SQLite and a PostgreSQL implementation.
//!
//! The trait speaks in records of the backend's domain, not in SQL, so the service layer never
//! knows which database it runs on. It is `async` (through `async_trait`, so that it can be used
//! as `Arc<dyn Store>`): PostgreSQL is natively async (tokio-postgres), and the SQLite
//! implementation runs its synchronous rusqlite calls on threads of its own, never on the async
//! workers: writes on one writer connection, pure reads on a few read-only connections (WAL), so
//! a slow statement never stalls the async workers and readers never queue behind the writer.
//!
//! Operations that must be atomic (consume an enrolment code and add a device, allocate a status
//! index, record an outbox item once) are single trait methods, each one transaction inside.

pub mod postgres;
pub mod sqlite;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;

/// Why the storage failed. Never carries personal data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is neither `sqlite://PATH` nor `postgres://…`.
    #[error("unsupported database URL (expected sqlite://PATH or postgres://…)")]
    UnsupportedUrl,
    /// SQLite refused.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused.
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool.
    #[error("postgres pool: {0}")]
    Pool(String),
    /// A file or directory could not be created.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A unique key is taken (a login, a device key…).
    #[error("already exists")]
    Conflict,
    /// A row holds something the backend never writes.
    #[error("corrupt row: {0}")]
    Corrupt(&'static str),
    /// The blocking task running an SQLite call failed.
    #[error("storage task failed")]
    Task,
}

/// A parsed database URL.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            // The URL may hold a password.
            DatabaseUrl::Postgres(_) => f.write_str("Postgres([redacted])"),
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(path) = s.strip_prefix("sqlite://") {
            return if path.is_empty() {
                Err(StoreError::UnsupportedUrl)
            } else {
                Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
            };
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(s.to_owned()));
        }
        Err(StoreError::UnsupportedUrl)
    }
}

impl DatabaseUrl {
    /// Opens (creating if needed) and migrates the database.
    ///
    /// # Errors
    /// When it cannot be reached, created or migrated.
    pub async fn open(&self) -> Result<Arc<dyn Store>, StoreError> {
        self.open_with(sqlite::SqliteOptions::default()).await
    }

    /// As [`DatabaseUrl::open`], with these options for an SQLite database (PostgreSQL ignores
    /// them).
    ///
    /// # Errors
    /// When it cannot be reached, created or migrated.
    pub async fn open_with(&self, sqlite: sqlite::SqliteOptions) -> Result<Arc<dyn Store>, StoreError> {
        match self {
            DatabaseUrl::Sqlite(path) => Ok(Arc::new(sqlite::SqliteStore::open_with(path, sqlite)?)),
            DatabaseUrl::Postgres(url) => Ok(Arc::new(postgres::PgStore::connect(url).await?)),
        }
    }
}

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

/// An issuer key of a department. `Debug` hides the private key.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuerKeyRecord {
    /// Key id on the trust list.
    pub key_id: String,
    /// The department.
    pub department_code: String,
    /// PKCS #8 of the private key. Secret.
    pub pkcs8: Vec<u8>,
    /// SEC1 public key.
    pub public_key: Vec<u8>,
    /// Window in which it may sign.
    pub valid_from: i64,
    /// End of that window.
    pub valid_to: i64,
    /// When it was retired, if it was.
    pub retired_at: Option<i64>,
}

impl fmt::Debug for IssuerKeyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerKeyRecord")
            .field("key_id", &self.key_id)
            .field("department_code", &self.department_code)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// A signed document the server publishes (the trust list, each status list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedDoc {
    /// `trust-list` or `status-list/{id}`.
    pub name: String,
    /// The signed bytes.
    pub bytes: Vec<u8>,
    /// Strong ETag, quoted.
    pub etag: String,
    /// Sequence number of the document (trust list) or 0.
    pub sequence: i64,
    /// When it was signed.
    pub published_at: i64,
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

/// Who a bearer token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSubject {
    /// A staff account by id.
    Staff(i64),
    /// A device by id.
    Device(i64),
}

/// A bearer token, stored by the SHA-256 of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// SHA-256 of the token.
    pub hash: Vec<u8>,
    /// Whom it stands for.
    pub subject: TokenSubject,
    /// Expiry.
    pub expires_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
}

/// A certificate's status in the store (the values of the status list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredStatus {
    /// 0.
    Valid,
    /// 1.
    Revoked,
    /// 2.
    Suspended,
}

impl StoredStatus {
    /// The status-list value.
    pub fn value(self) -> i64 {
        match self {
            StoredStatus::Valid => 0,
            StoredStatus::Revoked => 1,
            StoredStatus::Suspended => 2,
        }
    }

    /// From a status-list value.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] for anything else.
    pub fn from_value(v: i64) -> Result<Self, StoreError> {
        match v {
            0 => Ok(StoredStatus::Valid),
            1 => Ok(StoredStatus::Revoked),
            2 => Ok(StoredStatus::Suspended),
            _ => Err(StoreError::Corrupt("certificate status")),
        }
    }
}

/// A certificate to insert: the store gives it a row id, a serial and a status index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCertificate {
    /// The holder.
    pub citizen_id_number: String,
    /// The issuing department.
    pub department_code: String,
    /// Type slug.
    pub type_slug: String,
    /// For a renewal: the serial number of the certificate renewed; `None` takes the new row id.
    pub serial: Option<i64>,
    /// Version.
    pub version: u16,
    /// First valid day `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last valid day.
    pub valid_until: Option<String>,
    /// End of validity, Unix seconds.
    pub expires_at: Option<i64>,
    /// The type-specific fields as JSON (wire `CertificateFields`), to re-sign for new devices.
    pub fields_json: String,
    /// Issue time.
    pub issued_at: i64,
    /// For a renewal: the row replaced, which is revoked in the same transaction.
    pub replaces: Option<i64>,
    /// How many entries a department's status list holds before a new one is started.
    pub status_list_capacity: i64,
}

/// A stored certificate (its record, not its signed copies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRecord {
    /// Row id.
    pub id: i64,
    /// The holder.
    pub citizen_id_number: String,
    /// The issuing department.
    pub department_code: String,
    /// Type slug.
    pub type_slug: String,
    /// Serial number.
    pub serial: i64,
    /// Version.
    pub version: u16,
    /// Status list.
    pub status_list_id: i64,
    /// Index in it.
    pub status_index: i64,
    /// Status.
    pub status: StoredStatus,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day.
    pub valid_until: Option<String>,
    /// End of validity.
    pub expires_at: Option<i64>,
    /// Type-specific fields (JSON).
    pub fields_json: String,
    /// Issue time.
    pub issued_at: i64,
    /// The renewal that replaced it, if any.
    pub replaced_by: Option<i64>,
}

/// A status list's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListRecord {
    /// Id (in the URL).
    pub id: i64,
    /// The department whose key signs it.
    pub department_code: String,
    /// Number of entries.
    pub capacity: i64,
}

/// A registered device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// Row id.
    pub id: i64,
    /// The owner.
    pub citizen_id_number: String,
    /// SEC1 P-256 public key.
    pub public_key: Vec<u8>,
    /// Label.
    pub label: String,
    /// When it was registered.
    pub created_at: i64,
    /// When it was removed, if it was.
    pub removed_at: Option<i64>,
}

/// What a device sees in its feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A (new or renewed) certificate copy for one device.
    CertificateCopy,
    /// A status change of a certificate.
    StatusChange,
    /// A message.
    Notification,
}

impl EventKind {
    fn as_str(&self) -> &'static str {
        match self {
            EventKind::CertificateCopy => "certificate-copy",
            EventKind::StatusChange => "status-change",
            EventKind::Notification => "notification",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "certificate-copy" => Ok(EventKind::CertificateCopy),
            "status-change" => Ok(EventKind::StatusChange),
            "notification" => Ok(EventKind::Notification),
            _ => Err(StoreError::Corrupt("event kind")),
        }
    }
}

/// An event of a citizen's feed, in `seq` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Increasing number: the cursor.
    pub seq: i64,
    /// Kind.
    pub kind: EventKind,
    /// The certificate concerned.
    pub certificate_id: Option<i64>,
    /// For a copy: the signed holder copy for this device.
    pub holder_copy: Option<Vec<u8>>,
    /// For a status change: the new status value.
    pub status: Option<i64>,
    /// For a notification: the text.
    pub message: Option<String>,
    /// When.
    pub created_at: i64,
}

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The citizen whose feed it goes to.
    pub citizen_id_number: String,
    /// Only this device sees it (certificate copies); `None`: all the citizen's devices.
    pub device_id: Option<i64>,
    /// Kind.
    pub kind: EventKind,
    /// The certificate concerned.
    pub certificate_id: Option<i64>,
    /// Status value for status changes.
    pub status: Option<i64>,
    /// Text for notifications.
    pub message: Option<String>,
    /// When.
    pub created_at: i64,
}

/// A stored outbox item's receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// Row id.
    pub id: i64,
    /// The device that pushed it.
    pub device_id: i64,
    /// Its idempotency key.
    pub idempotency_key: String,
    /// Kind.
    pub kind: String,
    /// Payload.
    pub payload: String,
    /// First reception.
    pub received_at: i64,
}

/// Why a liveness check was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LivenessPurpose {
    /// A new device proves that its holder is the citizen it enrols for.
    Enrolment,
    /// A party confirms a registration case (the case's id).
    Case(i64),
}

/// A liveness check: the challenge issued, and whether it was answered and passed. Key frames
/// and traces are never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivenessCheckRecord {
    /// Row id.
    pub id: i64,
    /// The citizen to be checked.
    pub citizen_id_number: String,
    /// Why.
    pub purpose: LivenessPurpose,
    /// The enrolled device answering a case check; `None` for an enrolment.
    pub device_id: Option<i64>,
    /// The SEC1 P-256 key the evidence must be signed with.
    pub device_key: Vec<u8>,
    /// The label the device gives itself (enrolment).
    pub device_label: String,
    /// The one-time nonce.
    pub nonce: Vec<u8>,
    /// Action names in order, comma-separated.
    pub actions: String,
    /// Time limit of the session, ms.
    pub time_limit_ms: i64,
    /// When it was issued, ms since the epoch.
    pub issued_at_ms: i64,
    /// When it was answered, seconds since the epoch.
    pub answered_at: Option<i64>,
    /// Whether the answer passed, once judged.
    pub passed: Option<bool>,
}

/// What a judged liveness answer does, stored atomically with the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LivenessOutcome {
    /// Failed: nothing else changes.
    Failed,
    /// Passed an enrolment: the device is registered.
    Enrolled(DeviceRecord),
    /// Passed a case check: the citizen's roles in the case are confirmed at `at`.
    Confirmed {
        /// The case.
        case_id: i64,
        /// The party.
        id_number: String,
        /// When.
        at: i64,
    },
}

/// A party's role in a registration case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartyRole {
    /// 法定代表人.
    LegalRepresentative,
    /// 股东.
    Shareholder,
    /// 监事.
    Supervisor,
}

impl PartyRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::LegalRepresentative => "legal_representative",
            PartyRole::Shareholder => "shareholder",
            PartyRole::Supervisor => "supervisor",
        }
    }

    /// The role with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "legal_representative" => Some(PartyRole::LegalRepresentative),
            "shareholder" => Some(PartyRole::Shareholder),
            "supervisor" => Some(PartyRole::Supervisor),
            _ => None,
        }
    }
}

/// A party of a registration case in one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyRecord {
    /// The party's ID number.
    pub id_number: String,
    /// The role.
    pub role: PartyRole,
    /// When the party confirmed, if it has.
    pub confirmed_at: Option<i64>,
}

/// A company registration case: the parties named must each confirm their identity by a
/// liveness check before the registrar proceeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// Row id.
    pub id: i64,
    /// The registering department.
    pub department_code: String,
    /// The company's name.
    pub company_name: String,
    /// The company's credit code, when assigned.
    pub credit_code: Option<String>,
    /// The staff member who opened it.
    pub created_by: i64,
    /// When.
    pub created_at: i64,
    /// When the registrar proceeded, if it has.
    pub proceeded_at: Option<i64>,
    /// The parties, by role then ID number.
    pub parties: Vec<PartyRecord>,
}

impl CaseRecord {
    /// Whether every party has confirmed.
    pub fn all_confirmed(&self) -> bool {
        self.parties.iter().all(|p| p.confirmed_at.is_some())
    }
}

/// The purpose of a stored check from its `purpose` and `case_id` columns.
fn parse_purpose(purpose: &str, case_id: Option<i64>) -> Result<LivenessPurpose, StoreError> {
    match (purpose, case_id) {
        ("enrolment", None) => Ok(LivenessPurpose::Enrolment),
        ("case", Some(id)) => Ok(LivenessPurpose::Case(id)),
        _ => Err(StoreError::Corrupt("liveness check purpose")),
    }
}

/// The `purpose` and `case_id` columns of a check.
fn purpose_columns(purpose: LivenessPurpose) -> (&'static str, Option<i64>) {
    match purpose {
        LivenessPurpose::Enrolment => ("enrolment", None),
        LivenessPurpose::Case(id) => ("case", Some(id)),
    }
}

/// Everything the backend stores. See the module documentation.
#[async_trait]
pub trait Store: Send + Sync + fmt::Debug + 'static {
    // --- registry ---
    /// Inserts citizens, skipping ID numbers already present; returns how many were new.
    async fn insert_citizens(&self, citizens: Vec<CitizenRecord>) -> Result<u64, StoreError>;
    /// The citizen with this ID number.
    async fn citizen(&self, id_number: &str) -> Result<Option<CitizenRecord>, StoreError>;
    /// Number of citizens.
    async fn count_citizens(&self) -> Result<u64, StoreError>;
    /// Inserts or replaces a household.
    async fn put_household(&self, household: HouseholdRecord) -> Result<(), StoreError>;
    /// The household with this number.
    async fn household(&self, number: &str) -> Result<Option<HouseholdRecord>, StoreError>;
    /// Inserts or replaces a company with its shareholders.
    async fn put_company(&self, company: CompanyRecord) -> Result<(), StoreError>;
    /// The company with this credit code.
    async fn company(&self, credit_code: &str) -> Result<Option<CompanyRecord>, StoreError>;

    // --- departments, keys, settings, published documents ---
    /// Inserts or replaces a department.
    async fn put_department(&self, department: DepartmentRecord) -> Result<(), StoreError>;
    /// The department with this code.
    async fn department(&self, code: &str) -> Result<Option<DepartmentRecord>, StoreError>;
    /// Every department.
    async fn departments(&self) -> Result<Vec<DepartmentRecord>, StoreError>;
    /// Adds an issuer key.
    async fn add_issuer_key(&self, key: IssuerKeyRecord) -> Result<(), StoreError>;
    /// Retires every unretired key of `department_code` at `at`; returns how many.
    async fn retire_issuer_keys(&self, department_code: &str, at: i64) -> Result<u64, StoreError>;
    /// Every issuer key, oldest first.
    async fn issuer_keys(&self) -> Result<Vec<IssuerKeyRecord>, StoreError>;
    /// Stores `value` under `name` unless something is there; returns what is stored.
    async fn setting_or_insert(&self, name: &str, value: Vec<u8>) -> Result<Vec<u8>, StoreError>;
    /// Publishes (replaces) a signed document.
    async fn publish(&self, doc: PublishedDoc) -> Result<(), StoreError>;
    /// A published document.
    async fn published(&self, name: &str) -> Result<Option<PublishedDoc>, StoreError>;

    // --- staff and tokens ---
    /// Adds a staff account; [`StoreError::Conflict`] when the login is taken.
    async fn insert_staff(&self, staff: StaffRecord) -> Result<i64, StoreError>;
    /// The staff account with this login.
    async fn staff_by_login(&self, login: &str) -> Result<Option<StaffRecord>, StoreError>;
    /// The staff account with this id.
    async fn staff(&self, id: i64) -> Result<Option<StaffRecord>, StoreError>;
    /// Stores a token.
    async fn insert_token(&self, token: TokenRecord) -> Result<(), StoreError>;
    /// The token with this hash.
    async fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError>;
    /// Revokes one token; returns whether it existed unrevoked.
    async fn revoke_token(&self, hash: &[u8], at: i64) -> Result<bool, StoreError>;

    // --- certificates and status lists ---
    /// Inserts a certificate, allocating a status index in the department's current list
    /// (starting a new list when it is full); revokes `replaces` in the same transaction.
    async fn insert_certificate(&self, certificate: NewCertificate) -> Result<CertificateRecord, StoreError>;
    /// The certificate with this row id.
    async fn certificate(&self, id: i64) -> Result<Option<CertificateRecord>, StoreError>;
    /// The citizen's certificates, newest first.
    async fn certificates_of(&self, citizen_id_number: &str) -> Result<Vec<CertificateRecord>, StoreError>;
    /// Sets a certificate's status and appends `events`, atomically.
    async fn set_status(
        &self,
        id: i64,
        status: StoredStatus,
        events: Vec<NewEvent>,
    ) -> Result<(), StoreError>;
    /// A status list's shape.
    async fn status_list(&self, id: i64) -> Result<Option<StatusListRecord>, StoreError>;
    /// The `(index, status value)` of every entry of a list that is not valid.
    async fn status_entries(&self, list_id: i64) -> Result<Vec<(i64, i64)>, StoreError>;
    /// Stores the signed copy of a certificate for a device and its feed event, atomically.
    async fn put_copy(
        &self,
        certificate_id: i64,
        device_id: i64,
        holder_copy: Vec<u8>,
        event: NewEvent,
    ) -> Result<(), StoreError>;

    // --- devices ---
    /// Stores a one-time enrolment code (by hash) for a citizen.
    async fn insert_enrolment_code(
        &self,
        hash: Vec<u8>,
        citizen_id_number: &str,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Consumes an unexpired, unused code of this citizen and registers the device, atomically;
    /// `None` when the code is unknown, used, expired or another citizen's.
    async fn enrol_device(
        &self,
        code_hash: Vec<u8>,
        device: DeviceRecord,
        now: i64,
    ) -> Result<Option<DeviceRecord>, StoreError>;
    /// The device with this id.
    async fn device(&self, id: i64) -> Result<Option<DeviceRecord>, StoreError>;
    /// The citizen's devices that are not removed.
    async fn active_devices(&self, citizen_id_number: &str) -> Result<Vec<DeviceRecord>, StoreError>;
    /// Marks a device removed and revokes its tokens.
    async fn remove_device(&self, id: i64, at: i64) -> Result<(), StoreError>;
    /// Stores a challenge for a device.
    async fn insert_challenge(
        &self,
        device_id: i64,
        nonce: Vec<u8>,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Deletes the challenge and says whether it existed for this device and had not expired.
    async fn take_challenge(&self, device_id: i64, nonce: &[u8], now: i64) -> Result<bool, StoreError>;

    // --- sync ---
    /// Appends an event to a citizen's feed.
    async fn append_event(&self, event: NewEvent) -> Result<i64, StoreError>;
    /// The events after `after` that `device_id` of the citizen sees, at most `limit`.
    async fn events(
        &self,
        citizen_id_number: &str,
        device_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError>;
    /// Records an outbox item once: a second call with the same device and key returns the
    /// first record unchanged and stores nothing.
    async fn push_outbox(
        &self,
        device_id: i64,
        idempotency_key: &str,
        kind: &str,
        payload: &str,
        now: i64,
    ) -> Result<OutboxRecord, StoreError>;
    /// Number of outbox items of a device.
    async fn count_outbox(&self, device_id: i64) -> Result<u64, StoreError>;

    // --- liveness checks and registration cases ---
    /// Replaces a citizen's registry photo; `false` for an unknown citizen.
    async fn set_citizen_photo(&self, id_number: &str, photo: Option<Vec<u8>>) -> Result<bool, StoreError>;
    /// Stores a liveness check unless the citizen already has `max_attempts` checks issued at or
    /// after `since_ms` (the daily attempt limit), atomically; `None` when the limit is reached.
    async fn insert_liveness_check(
        &self,
        check: LivenessCheckRecord,
        since_ms: i64,
        max_attempts: i64,
    ) -> Result<Option<i64>, StoreError>;
    /// The check with this id.
    async fn liveness_check(&self, id: i64) -> Result<Option<LivenessCheckRecord>, StoreError>;
    /// Marks a check answered at `now` and returns it, unless it is unknown or was answered
    /// already (`None`): each nonce is answered once.
    async fn answer_liveness_check(
        &self,
        id: i64,
        now: i64,
    ) -> Result<Option<LivenessCheckRecord>, StoreError>;
    /// Records a judged check's outcome and what it does, atomically; the registered device for
    /// [`LivenessOutcome::Enrolled`]. [`StoreError::Conflict`] when the device key is taken.
    async fn record_liveness_outcome(
        &self,
        id: i64,
        outcome: LivenessOutcome,
    ) -> Result<Option<DeviceRecord>, StoreError>;
    /// Opens a registration case with its parties; returns its id.
    async fn insert_case(&self, case: CaseRecord) -> Result<i64, StoreError>;
    /// The case with this id.
    async fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError>;
    /// The cases naming this citizen as a party that the registrar has not proceeded with,
    /// newest first.
    async fn open_cases_of(&self, id_number: &str) -> Result<Vec<CaseRecord>, StoreError>;
    /// Marks the case proceeded at `at` if every party has confirmed and it was not proceeded;
    /// returns whether it did.
    async fn proceed_case(&self, id: i64, at: i64) -> Result<bool, StoreError>;
}

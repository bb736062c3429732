//! The real backend served on a loopback port inside the calling process, over an SQLite file,
//! with the demo population: what the sync client's, the app's and the end-to-end tests run
//! against. It can be stopped and started again on the same address and data (a server that
//! goes away mid-sync), and staff act through the same service calls the HTTP handlers make.

use std::net::SocketAddr;
use std::path::Path;

use shimin_wire::backend::{
    CaseView, CertificateView, IssueCertificateRequest, OpenCaseRequest, StatusAction,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::now;
use crate::seed::{self, SeedReport};
use crate::server::{self, Limits};
use crate::service::{Backend, Config, ServiceError};
use crate::store::DatabaseUrl;

/// Why the local backend could not start.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// The loopback port could not be bound.
    #[error("bind: {0}")]
    Bind(#[from] std::io::Error),
    /// The database or the service failed.
    #[error("backend: {0}")]
    Service(#[from] ServiceError),
    /// The database could not be opened.
    #[error("database: {0}")]
    Database(String),
}

/// A backend running in this process on `127.0.0.1`.
#[derive(Debug)]
pub struct LocalBackend {
    addr: SocketAddr,
    database: String,
    config: Config,
    backend: Backend,
    seed: SeedReport,
    running: Option<(oneshot::Sender<()>, JoinHandle<std::io::Result<()>>)>,
}

/// Every device syncs from 127.0.0.1 here: the per-address limits of a public server would
/// throttle the tests, so they are generous.
const LOCAL_LIMITS: Limits = Limits {
    auth_burst: 100_000,
    auth_per_minute: 100_000,
    public_burst: 100_000,
    public_per_minute: 100_000,
};

impl LocalBackend {
    /// Starts a backend over `dir/backend.db` (private keys in `dir/backend.keys`) on a free
    /// loopback port, seeded with `citizens`
    /// citizens (the named demo citizens first).
    ///
    /// # Errors
    /// [`LocalError`] when the port, the database or the seed fails.
    pub async fn start(dir: &Path, citizens: u32) -> Result<Self, LocalError> {
        Self::start_with(dir, citizens, Config::default()).await
    }

    /// [`LocalBackend::start`] with settings of the caller's (the public URL is the loopback
    /// address, whatever `config` says).
    ///
    /// # Errors
    /// As [`LocalBackend::start`].
    pub async fn start_with(dir: &Path, citizens: u32, config: Config) -> Result<Self, LocalError> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let database = format!("sqlite://{}", dir.join("backend.db").display());
        // Cheap staff password hashes: these are test logins.
        let config = Config {
            public_url: format!("http://{addr}"),
            password_cost: crate::service::password::PasswordCost::CHEAP,
            key_file: Some(dir.join("backend.keys")),
            ..config
        };
        let backend = Self::open(&database, &config).await?;
        let seed = seed::seed(&backend, citizens, now()).await?;
        let mut local = Self { addr, database, config, backend, seed, running: None };
        local.serve(listener);
        Ok(local)
    }

    async fn open(database: &str, config: &Config) -> Result<Backend, LocalError> {
        let url = database.parse::<DatabaseUrl>().map_err(|e| LocalError::Database(e.to_string()))?;
        let store = url.open().await.map_err(|e| LocalError::Database(e.to_string()))?;
        Ok(Backend::new(store, config.clone()).await?)
    }

    fn serve(&mut self, listener: TcpListener) {
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(listener, self.backend.clone(), LOCAL_LIMITS, async {
            let _ = stopped.await;
        }));
        self.running = Some((stop, task));
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The service, for checks a test makes behind the API's back.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// The demo citizens and staff the seed made, with the citizens' one-time enrolment codes.
    pub fn seed(&self) -> &SeedReport {
        &self.seed
    }

    /// Stops serving (requests in flight finish); the data stays.
    ///
    /// # Errors
    /// The server task's I/O error, if it ended with one.
    pub async fn stop(&mut self) -> std::io::Result<()> {
        if let Some((stop, task)) = self.running.take() {
            let _ = stop.send(());
            return task.await.map_err(std::io::Error::other)?;
        }
        Ok(())
    }

    /// Starts serving again on the same address and database.
    ///
    /// # Errors
    /// [`LocalError`] when the address or the database cannot be had again.
    pub async fn restart(&mut self) -> Result<(), LocalError> {
        self.stop().await?;
        let listener = TcpListener::bind(self.addr).await?;
        self.backend = Self::open(&self.database, &self.config).await?;
        self.serve(listener);
        Ok(())
    }

    /// Signs in as the seeded staff member `login` and issues `request`.
    ///
    /// # Errors
    /// As [`Backend::staff_login`] and [`Backend::issue`].
    pub async fn issue_as(
        &self,
        login: &str,
        request: IssueCertificateRequest,
    ) -> Result<CertificateView, ServiceError> {
        let staff = self.staff(login).await?;
        self.backend.issue(&staff, request, now()).await
    }

    /// Signs in as the seeded staff member `login` and changes certificate `id`'s status.
    ///
    /// # Errors
    /// As [`Backend::staff_login`] and [`Backend::change_status`].
    pub async fn change_status_as(
        &self,
        login: &str,
        id: i64,
        action: StatusAction,
    ) -> Result<CertificateView, ServiceError> {
        let staff = self.staff(login).await?;
        self.backend.change_status(&staff, id, action, now()).await
    }

    /// Signs in as the seeded staff member `login` and makes a one-time enrolment code for the
    /// citizen `holder` (a second device of theirs, or an intruder's).
    ///
    /// # Errors
    /// As [`Backend::staff_login`] and [`Backend::enrolment_code`].
    pub async fn enrolment_code_as(&self, login: &str, holder: &str) -> Result<String, ServiceError> {
        let staff = self.staff(login).await?;
        Ok(self.backend.enrolment_code(&staff, holder, now()).await?.code)
    }

    /// Puts `photo` (JPEG) in the registry as the citizen's photo, the face the liveness check
    /// compares with; `false` for an unknown citizen.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn set_registry_photo(&self, id_number: &str, photo: Vec<u8>) -> Result<bool, ServiceError> {
        Ok(self.backend.store.set_citizen_photo(id_number, Some(photo)).await?)
    }

    /// Signs in as the seeded staff member `login` and opens a registration case.
    ///
    /// # Errors
    /// As [`Backend::open_case`].
    pub async fn open_case_as(
        &self,
        login: &str,
        request: OpenCaseRequest,
    ) -> Result<CaseView, ServiceError> {
        let staff = self.staff(login).await?;
        self.backend.open_case(&staff, request, now()).await
    }

    /// Signs in as the seeded staff member `login` and reads case `id`.
    ///
    /// # Errors
    /// As [`Backend::case_for_staff`].
    pub async fn case_as(&self, login: &str, id: i64) -> Result<CaseView, ServiceError> {
        let staff = self.staff(login).await?;
        self.backend.case_for_staff(&staff, id).await
    }

    async fn staff(&self, login: &str) -> Result<crate::store::StaffRecord, ServiceError> {
        let (_, password, _, _) =
            self.seed.staff.iter().find(|s| s.0 == login).ok_or(ServiceError::Unauthorized)?;
        let session = self.backend.staff_login(login, password, now()).await?;
        self.backend.staff_for_token(&session.token, now()).await
    }
}

impl Drop for LocalBackend {
    fn drop(&mut self) {
        if let Some((stop, _)) = self.running.take() {
            let _ = stop.send(());
        }
    }
}

/// The smallest PNG (one white pixel): the demo application's uploaded material.
pub const DEMO_UPLOAD_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00,
    0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xff, 0xff, 0x3f, 0x00, 0x05, 0xfe,
    0x02, 0xfe, 0xa7, 0x35, 0x81, 0x84, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
    0x82,
];

/// Puts a demo application in pre-review straight into the store (as the submission route will):
/// for `citizen`, for the first active service of `department` in the catalogue, one step of five
/// working days at that department, its first material uploaded ([`DEMO_UPLOAD_PNG`]) and, when
/// the service has a form, its first field answered. The id is `n` repeated sixteen times (hex).
/// For the workbench's tests and demo: the citizen's submission route is what makes real ones.
///
/// # Errors
/// [`ServiceError`] when the department has no active service or the store refuses.
pub async fn demo_application(
    backend: &Backend,
    n: u8,
    citizen: &str,
    department: &str,
    at: i64,
) -> Result<shimin_core::application::submission::ApplicationId, ServiceError> {
    demo_application_with(backend, n, citizen, department, at, None).await
}

/// [`demo_application`] whose submission also gives the guide's first material as the wallet
/// presentation `presentation` (the workbench verifies it again when the page opens).
///
/// # Errors
/// As [`demo_application`].
pub async fn demo_application_with(
    backend: &Backend,
    n: u8,
    citizen: &str,
    department: &str,
    at: i64,
    presentation: Option<String>,
) -> Result<shimin_core::application::submission::ApplicationId, ServiceError> {
    use shimin_core::application::submission::ApplicationId;
    use shimin_core::application::workflow::{Action, Actor, Application, Event, Process, china_date};
    use shimin_core::catalogue::guide::ServiceStatus;
    use shimin_core::catalogue::time_limit::{TimeLimit, TimeUnit};
    use shimin_core::cert::CreditCode;
    use shimin_wire::application::{
        FieldValueDto, MaterialSourceDto, MaterialSubmissionDto, SubmissionRequest,
    };

    use crate::service::applications::columns;
    use crate::store::{MaterialRecord, MaterialSource, NewApplication, UploadDecl};

    let refused = || ServiceError::Unprocessable("demo application");
    let services = backend.store.catalogue_services().await?;
    let service = services
        .iter()
        .find(|s| s.organ.code.as_str() == department && s.status == ServiceStatus::Active)
        .ok_or(ServiceError::NotFound("an active service of the department"))?;
    let organ = CreditCode::parse(department).map_err(|_| refused())?;
    let limit = TimeLimit::Within { amount: 5, unit: TimeUnit::WorkingDays };
    let (mut state, first) = Application::submitted(organ.clone(), Process::single(organ, limit), at);
    let calendar = backend.calendar();
    let mut events: Vec<Event> = vec![first];
    events.extend(
        state
            .act(&Actor::System, Action::ChecksPassed, at, calendar)
            .map_err(|_| ServiceError::Unprocessable("demo application"))?,
    );
    let today = china_date(at).ok_or(ServiceError::Unprocessable("demo application"))?;
    let cols = columns(&state, today, calendar).map_err(|_| ServiceError::Unavailable("calendar"))?;
    let id = ApplicationId::parse(&format!("{n:02x}").repeat(16)).map_err(|_| refused())?;
    let sha256: [u8; 32] = shimin_core::crypto::sha256(DEMO_UPLOAD_PNG);
    let hex: String = sha256.iter().map(|b| format!("{b:02x}")).collect();
    let mut values = std::collections::BTreeMap::new();
    if let Some(field) = service.form.as_ref().and_then(|f| f.fields().first()) {
        values.insert(field.key.clone(), FieldValueDto::Text("演示".into()));
    }
    let submission = SubmissionRequest {
        application_id: id.to_string(),
        service_code: service.code.to_string(),
        catalogue_version: service.version,
        values,
        materials: presentation
            .map(|presentation| MaterialSubmissionDto {
                material: 0,
                source: MaterialSourceDto::Wallet { presentation },
            })
            .into_iter()
            .collect(),
    };
    let materials = service
        .materials
        .first()
        .map(|m| MaterialRecord {
            material: m.name.hans.clone(),
            source: MaterialSource::Upload,
            reference: hex,
        })
        .into_iter()
        .collect::<Vec<_>>();
    let new = NewApplication {
        id,
        region: department.get(2..8).unwrap_or("110105").to_owned(),
        arrival_month: i64::from(today.year()) * 100 + i64::from(u8::from(today.month())),
        citizen: citizen.to_owned(),
        service_code: service.code.to_string(),
        catalogue_version: service.version,
        department: department.to_owned(),
        arrived_at: at,
        body_sha256: [n; 32],
        submission: serde_json::to_string(&submission).unwrap_or_default(),
        state,
        next_deadline: cols.next_deadline,
        events: events.iter().map(Event::to_view).collect(),
        uploads: if materials.is_empty() {
            Vec::new()
        } else {
            vec![UploadDecl { sha256, media_type: "image/png".into(), size: DEMO_UPLOAD_PNG.len() as u64 }]
        },
        materials,
    };
    backend.store.submit_application(new).await?;
    backend.store.put_upload(id, sha256, "image/png", DEMO_UPLOAD_PNG.to_vec(), at).await?;
    Ok(id)
}

//! Applications (issue 17), the part that keeps the store's copies true and runs the sweeps.
//!
//! The workflow itself is core's [`Application`]; this module turns its state into the columns
//! the hot queries read (the next deadline, the overdue flag, one row per branch), draws case
//! numbers, and runs the two sweeps — art. 32 deemed acceptance and the overdue flag — each
//! starting from one indexed query over open applications ([`ApplicationStore::pre_review_past`],
//! [`ApplicationStore::branches_falling_overdue`]) and deciding with core's rule, never with SQL.
//!
//! **The case number** (办件编号): `{department's 18-character credit code}-{YYYYMMDD}-{serial}`,
//! the day in China Standard Time, the serial six digits or more, from 1 each day per
//! department (`application_case_counter`). A drawn serial whose action then loses its
//! compare-and-set is not reused: numbers may have gaps, never repeats.

use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::{
    Action, Actor, Application, BranchOutcome, CaseNo, DeskActionError, DueDate, Event, Holder,
    PRE_REVIEW_WORKING_DAYS, Phase, WorkflowError, china_date, needs_case_no,
};
use shimin_core::calendar::{CalendarError, WorkingDays};
use shimin_core::cert::CreditCode;
use shimin_core::clock::UnixSeconds;
use shimin_wire::workflow::DeskActionRequest;
use time::Date;

use super::Backend;
use crate::store::{
    ApplicationRecord, ApplicationStore, ApplicationUpdate, BranchRow, EventKind, NewEvent, StaffRecord,
    Store, StoreError,
};

/// How many rows one sweep round reads.
pub const SWEEP_BATCH: u64 = 500;

/// Why keeping an application's copies or sweeping failed.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// The storage failed.
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    /// The calendar does not cover the days to count.
    #[error("calendar: {0}")]
    Calendar(#[from] CalendarError),
    /// The workflow refused (a state the sweep did not expect).
    #[error("workflow refused: {0}")]
    Workflow(#[from] shimin_core::application::workflow::WorkflowError),
    /// A time outside the dates the calendar counts.
    #[error("time out of range")]
    Time,
    /// A case number could not be formed.
    #[error("case number")]
    CaseNo,
}

/// A date as the store's columns hold it (`YYYY-MM-DD`).
pub fn iso(day: Date) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), u8::from(day.month()), day.day())
}

/// The case number of `serial` drawn for `department` on `day`.
///
/// # Errors
/// [`ApplicationError::CaseNo`] when the parts do not make one.
pub fn case_no(department: &str, day: Date, serial: u64) -> Result<CaseNo, ApplicationError> {
    let text =
        format!("{department}-{:04}{:02}{:02}-{serial:06}", day.year(), u8::from(day.month()), day.day());
    CaseNo::parse(&text).map_err(|_| ApplicationError::CaseNo)
}

/// Draws the next case number of `department` for the day of `at`.
///
/// # Errors
/// [`ApplicationError`].
pub async fn draw_case_no(
    store: &dyn ApplicationStore,
    department: &str,
    at: UnixSeconds,
) -> Result<CaseNo, ApplicationError> {
    let day = china_date(at).ok_or(ApplicationError::Time)?;
    let serial = store.next_case_serial(department, &iso(day)).await?;
    case_no(department, day, serial)
}

/// What the store keeps beside the state: read by the queues and the sweeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The next date something falls due.
    pub next_deadline: Option<String>,
    /// Whether a step is past its due date on `today`.
    pub overdue: bool,
    /// One row per branch of every started stage.
    pub branches: Vec<BranchRow>,
}

/// The columns of `app` on `today`.
///
/// # Errors
/// [`ApplicationError`] when the calendar cannot count.
pub fn columns(
    app: &Application,
    today: Date,
    calendar: &dyn WorkingDays,
) -> Result<Columns, ApplicationError> {
    let mut branches = Vec::new();
    let mut earliest_due: Option<Date> = None;
    for (stage, stage_branches) in app.stages().iter().enumerate() {
        for branch in stage_branches {
            // A due date in a year whose notice is not loaded yet is left empty until it is
            // (`recount_awaiting`); the clerk's action is taken all the same.
            let due = DueDate::from_count(app.step_due(stage, &branch.department, calendar))?
                .and_then(DueDate::day);
            if let Some(d) = due {
                earliest_due = Some(earliest_due.map_or(d, |e| e.min(d)));
            }
            branches.push(BranchRow {
                stage: u32::try_from(stage).map_err(|_| ApplicationError::Time)?,
                department: branch.department.to_string(),
                step: u32::try_from(branch.step).map_err(|_| ApplicationError::Time)?,
                due: due.map(iso),
                overdue: due.is_some_and(|d| d < today),
                open: branch.outcome == BranchOutcome::Pending,
            });
        }
    }
    let next_deadline = match app.phase() {
        Phase::Submitted | Phase::PreReview => {
            let arrived = china_date(app.pending_since()).ok_or(ApplicationError::Time)?;
            DueDate::from_count(calendar.due(arrived, PRE_REVIEW_WORKING_DAYS).map(Some))?
                .and_then(DueDate::day)
        }
        // The branches' own due dates, counted once above.
        Phase::InApproval => earliest_due,
        _ => None,
    };
    let overdue = branches.iter().any(|b| b.open && b.overdue);
    Ok(Columns { next_deadline: next_deadline.map(iso), overdue, branches })
}

/// Writes `state` (reached from version `expect_version` by `events`) with its columns, as one
/// compare-and-set; `false` when the stored version moved (the action was taken already).
///
/// # Errors
/// [`ApplicationError`].
pub async fn write_state(
    store: &dyn ApplicationStore,
    id: ApplicationId,
    expect_version: u64,
    state: Application,
    events: &[Event],
    at: UnixSeconds,
    calendar: &(dyn WorkingDays + Sync),
) -> Result<bool, ApplicationError> {
    let today = china_date(at).ok_or(ApplicationError::Time)?;
    let Columns { next_deadline, overdue, branches } = columns(&state, today, calendar)?;
    let update = ApplicationUpdate {
        id,
        expect_version,
        state,
        next_deadline,
        overdue,
        branches,
        events: events.iter().map(Event::to_view).collect(),
        at,
    };
    Ok(store.update_application(update).await?)
}

/// The art. 32 sweep at `at`: every open application in pre-review past its fifth working day
/// with no correction request is accepted on the day its materials arrived, with a case number.
/// Returns the applications it accepted.
///
/// # Errors
/// [`ApplicationError`]; what was accepted before the error stays accepted.
pub async fn sweep_deemed_acceptance(
    store: &dyn ApplicationStore,
    at: UnixSeconds,
    calendar: &(dyn WorkingDays + Sync),
) -> Result<Vec<ApplicationId>, ApplicationError> {
    let today = china_date(at).ok_or(ApplicationError::Time)?;
    let mut accepted = Vec::new();
    for id in store.pre_review_past(&iso(today), SWEEP_BATCH).await? {
        let Some(record) = store.application(id).await? else { continue };
        // Core decides; the query only narrowed the rows to read.
        if record.state.deemed_acceptance(today, calendar)?.is_none() {
            continue;
        }
        let case_no = draw_case_no(store, &record.department, at).await?;
        let mut state = record.state.clone();
        let version = state.version();
        let events = state.act(&Actor::System, Action::DeemAccepted { case_no }, at, calendar)?;
        if write_state(store, id, version, state, &events, at, calendar).await? {
            accepted.push(id);
        }
    }
    Ok(accepted)
}

/// Counts again the due dates that waited for a year's holiday notice (see [`columns`]): every
/// open application with none, in id order; those now countable get their columns (the state is
/// unchanged, same version, still a compare-and-set). Returns the applications recounted.
///
/// # Errors
/// [`ApplicationError`].
pub async fn recount_awaiting(
    store: &dyn ApplicationStore,
    at: UnixSeconds,
    calendar: &(dyn WorkingDays + Sync),
) -> Result<Vec<ApplicationId>, ApplicationError> {
    let today = china_date(at).ok_or(ApplicationError::Time)?;
    let mut recounted = Vec::new();
    let mut after = None;
    loop {
        let page = store.awaiting_deadline(after, SWEEP_BATCH).await?;
        let Some(last) = page.last() else { break };
        after = Some(*last);
        for id in page {
            let Some(record) = store.application(id).await? else { continue };
            if columns(&record.state, today, calendar)?.next_deadline.is_none() {
                continue;
            }
            let version = record.state.version();
            if write_state(store, id, version, record.state, &[], at, calendar).await? {
                recounted.push(id);
            }
        }
    }
    Ok(recounted)
}

/// The overdue sweep at `at`: every open branch past its due date gets its flag (and its
/// application's), from one indexed query. Returns the applications flagged.
///
/// # Errors
/// [`ApplicationError`].
pub async fn sweep_overdue(
    store: &dyn ApplicationStore,
    at: UnixSeconds,
    calendar: &(dyn WorkingDays + Sync),
) -> Result<Vec<ApplicationId>, ApplicationError> {
    let today = china_date(at).ok_or(ApplicationError::Time)?;
    let mut flagged: Vec<ApplicationId> = Vec::new();
    for branch in store.branches_falling_overdue(&iso(today), SWEEP_BATCH).await? {
        if flagged.contains(&branch.id) {
            continue;
        }
        let Some(record) = store.application(branch.id).await? else { continue };
        let version = record.state.version();
        // The state is unchanged; only its copies move (same version, still a compare-and-set).
        if write_state(store, branch.id, version, record.state, &[], at, calendar).await? {
            flagged.push(branch.id);
        }
    }
    Ok(flagged)
}

/// Why a desk action was not taken. Nothing changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// No such application, or none the staff member's department takes part in (the same
    /// answer, so another department learns nothing).
    #[error("no such application for this department")]
    NotFound,
    /// The request does not parse into an action.
    #[error("the action does not parse: {0}")]
    Request(#[from] DeskActionError),
    /// The version acted on moved: the action was taken already (a double click).
    #[error("already done")]
    AlreadyDone,
    /// The workflow refused the action.
    #[error("refused: {0}")]
    Refused(WorkflowError),
    /// The storage, the calendar or the case number failed.
    #[error(transparent)]
    Application(#[from] ApplicationError),
}

/// Whether `unit` takes part in `app`: its organ (pre-review) or a branch's department.
pub fn takes_part(app: &Application, unit: &CreditCode) -> bool {
    app.organ() == unit
        || app.process().stages().iter().any(|s| s.branches.iter().any(|b| &b.department == unit))
}

/// The sync notice a change of `record` sends its citizen: the case number (or 申请) and where
/// it stands now. No personal data.
pub fn notice(record: &ApplicationRecord) -> String {
    notice_of(&record.state)
}

/// [`notice`] of an application's state.
pub fn notice_of(state: &Application) -> String {
    let phase = match state.phase() {
        Phase::Submitted => "已提交",
        Phase::ChecksFailed => "自动核验未通过",
        Phase::PreReview => "等待预审",
        Phase::CorrectionRequested => "需要补正",
        Phase::NotAccepted => "不予受理",
        Phase::InApproval => "已受理，审批中",
        Phase::Approved => "审批通过",
        Phase::Refused => "审批未通过",
        Phase::ResultIssued => "结果已出",
        Phase::Closed => "已办结",
    };
    match state.case_no() {
        Some(no) => format!("办件 {}：{phase}", no.as_str()),
        None => format!("您的申请：{phase}"),
    }
}

/// Pushes [`notice`] into the citizen's sync feed.
///
/// # Errors
/// [`StoreError`].
pub async fn notify(
    store: &dyn Store,
    record: &ApplicationRecord,
    at: UnixSeconds,
) -> Result<(), StoreError> {
    store
        .append_event(NewEvent {
            citizen_id_number: record.citizen.clone(),
            device_id: None,
            kind: EventKind::Notification,
            certificate_id: None,
            status: None,
            message: Some(notice(record)),
            created_at: at,
        })
        .await
        .map(|_| ())
}

/// A staff member's action on an application: department-scoped, parsed by core, decided by
/// [`Application::act`], written as one compare-and-set, the citizen notified.
///
/// # Errors
/// [`DeskError`]; on any error nothing changed (a case number drawn for an acceptance that was
/// then refused is a gap in the day's serials).
pub async fn desk_act(
    store: &dyn Store,
    staff: &Holder,
    id: ApplicationId,
    request: DeskActionRequest,
    at: UnixSeconds,
    calendar: &(dyn WorkingDays + Sync),
) -> Result<ApplicationRecord, DeskError> {
    let record = store.application(id).await.map_err(ApplicationError::from)?.ok_or(DeskError::NotFound)?;
    if !takes_part(&record.state, &staff.unit) {
        return Err(DeskError::NotFound);
    }
    let case_no = if needs_case_no(&request) && &staff.unit == record.state.organ() {
        Some(draw_case_no(store, &record.department, at).await?)
    } else {
        None
    };
    let action = Action::from_desk(request, case_no)?;
    let mut state = record.state.clone();
    let version = state.version();
    let events = match state.act(&Actor::Officer(staff.clone()), action, at, calendar) {
        Ok(events) => events,
        Err(WorkflowError::Stale) => return Err(DeskError::AlreadyDone),
        Err(e) => return Err(DeskError::Refused(e)),
    };
    if !write_state(store, id, version, state, &events, at, calendar).await? {
        return Err(DeskError::AlreadyDone);
    }
    let now = store.application(id).await.map_err(ApplicationError::from)?.ok_or(DeskError::NotFound)?;
    notify(store, &now, at).await.map_err(ApplicationError::from)?;
    Ok(now)
}

/// What one round of the sweeps did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Accepted under art. 32.
    pub deemed_accepted: Vec<ApplicationId>,
    /// Flagged overdue.
    pub flagged_overdue: Vec<ApplicationId>,
    /// Due dates counted now that their year's notice is loaded.
    pub recounted: Vec<ApplicationId>,
}

/// How often the periodic task sweeps.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

impl Backend {
    /// One round of both sweeps at `now`, with the backend's calendar; each citizen whose
    /// application was accepted is told. Callable from tests; [`spawn_sweeps`] runs it
    /// periodically.
    ///
    /// # Errors
    /// [`ApplicationError`].
    pub async fn sweep_applications(&self, now: UnixSeconds) -> Result<SweepReport, ApplicationError> {
        let store = self.store.as_ref();
        // First the dates that waited for a notice, so both sweeps below see them.
        let recounted = recount_awaiting(store, now, self.calendar()).await?;
        let deemed_accepted = sweep_deemed_acceptance(store, now, self.calendar()).await?;
        for id in &deemed_accepted {
            if let Some(record) = store.application(*id).await? {
                notify(store, &record, now).await?;
            }
            self.after_acceptance(*id, now).await;
        }
        let flagged_overdue = sweep_overdue(store, now, self.calendar()).await?;
        let escalated = self.sweep_escalations(now).await?;
        tracing::info!(escalated = escalated.len(), "escalation sweep");
        Ok(SweepReport { deemed_accepted, flagged_overdue, recounted })
    }

    /// A staff member's action on an application ([`desk_act`]), as the staff member's
    /// department.
    ///
    /// # Errors
    /// [`DeskError`].
    pub async fn desk_action(
        &self,
        staff: &StaffRecord,
        id: ApplicationId,
        request: DeskActionRequest,
        now: UnixSeconds,
    ) -> Result<ApplicationRecord, DeskError> {
        // A staff row's department is written only from a checked credit code.
        let unit = CreditCode::parse(&staff.department_code).map_err(|_| DeskError::NotFound)?;
        let holder = Holder { officer: staff.login.clone(), unit };
        let accepted = matches!(request, DeskActionRequest::Accept { .. });
        let record = desk_act(self.store.as_ref(), &holder, id, request, now, self.calendar()).await?;
        // The 材料库 entry on acceptance, the result on a decision (service::results).
        Ok(self.follow_up(record, accepted, now).await)
    }
}

/// Runs [`Backend::sweep_applications`] every `every` until the task is dropped; a failed round
/// is logged by kind and the next one runs.
pub fn spawn_sweeps(backend: Backend, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match backend.sweep_applications(crate::now()).await {
                Ok(report) => tracing::info!(
                    deemed_accepted = report.deemed_accepted.len(),
                    flagged_overdue = report.flagged_overdue.len(),
                    recounted = report.recounted.len(),
                    "application sweeps"
                ),
                Err(e) => tracing::warn!(error = %e, "application sweeps failed"),
            }
            // Uploads no submission claimed within their days.
            match backend.sweep_staged_uploads(crate::now()).await {
                Ok(forgotten) => tracing::info!(forgotten, "held uploads swept"),
                Err(e) => tracing::warn!(error = %e, "held uploads sweep failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::panic)]

    use shimin_core::application::workflow::Process;
    use shimin_core::calendar::Calendar;
    use shimin_core::catalogue::time_limit::{TimeLimit, TimeUnit};
    use shimin_core::cert::CreditCode;
    use time::macros::date;

    use super::*;
    use crate::store::sqlite::SqliteStore;
    use crate::store::{NewApplication, Submitted};

    const DEPT: &str = "111101050000000017";
    /// Monday 2025-12-08, 10:00 in China.
    const MONDAY: UnixSeconds = 1_765_159_200;
    const DAY: i64 = 86_400;

    fn calendar() -> &'static Calendar {
        Calendar::official().expect("the embedded calendar")
    }

    async fn submitted(store: &SqliteStore, n: u8) -> ApplicationId {
        submitted_at(store, n, MONDAY).await
    }

    async fn submitted_at(store: &SqliteStore, n: u8, arrived: UnixSeconds) -> ApplicationId {
        let organ = CreditCode::parse(DEPT).expect("a credit code");
        let limit = TimeLimit::Within { amount: 20, unit: TimeUnit::WorkingDays };
        let (mut state, first) =
            Application::submitted(organ.clone(), Process::single(organ, limit), arrived);
        let mut events = vec![first];
        events.extend(state.act(&Actor::System, Action::ChecksPassed, arrived, calendar()).expect("checks"));
        let today = china_date(arrived).expect("a day");
        let cols = columns(&state, today, calendar()).expect("columns");
        let id = ApplicationId::parse(&format!("{n:02x}").repeat(16)).expect("an id");
        let new = NewApplication {
            id,
            region: "110105".into(),
            arrival_month: 202_512,
            citizen: "11010519491231002X".into(),
            service_code: "s".into(),
            catalogue_version: 1,
            department: DEPT.into(),
            arrived_at: arrived,
            body_sha256: [n; 32],
            submission: "{}".into(),
            state,
            next_deadline: cols.next_deadline,
            events: events.iter().map(Event::to_view).collect(),
            materials: Vec::new(),
            uploads: Vec::new(),
        };
        assert!(matches!(store.submit_application(new).await.expect("submit"), Submitted::New(_)));
        id
    }

    #[test]
    fn a_case_number_names_the_department_the_day_and_the_serial() {
        let no = case_no(DEPT, date!(2025 - 12 - 08), 42).expect("a case number");
        assert_eq!(no.as_str(), "111101050000000017-20251208-000042");
        assert_eq!(iso(date!(2026 - 01 - 05)), "2026-01-05");
    }

    #[tokio::test]
    async fn the_art_32_sweep_accepts_once_after_the_fifth_working_day() {
        let store = SqliteStore::open_in_memory().expect("open");
        let id = submitted(&store, 1).await;
        let stored = store.application(id).await.expect("read").expect("there");
        // Monday + 5 working days is the next Monday: not yet on it, accepted the day after.
        assert_eq!(stored.next_deadline.as_deref(), Some("2025-12-15"));
        assert!(
            sweep_deemed_acceptance(&store, MONDAY + 7 * DAY, calendar()).await.expect("sweep").is_empty()
        );
        let accepted = sweep_deemed_acceptance(&store, MONDAY + 8 * DAY, calendar()).await.expect("sweep");
        assert_eq!(accepted, [id]);
        let now = store.application(id).await.expect("read").expect("there");
        assert_eq!(now.state.phase(), Phase::InApproval);
        assert_eq!(now.state.accepted_on(), Some(date!(2025 - 12 - 08)), "accepted on the day it arrived");
        assert_eq!(now.case_no.as_deref(), Some("111101050000000017-20251216-000001"));
        let queue = store.branch_queue(DEPT, 0, 10).await.expect("queue");
        assert_eq!(queue.len(), 1);
        assert!(queue[0].branch.open && !queue[0].branch.overdue);
        assert!(
            sweep_deemed_acceptance(&store, MONDAY + 9 * DAY, calendar()).await.expect("again").is_empty(),
            "accepted once"
        );
        let events = store.application_events(id).await.expect("events");
        assert_eq!(events.len(), 3, "submitted, checks passed, deemed accepted: {events:?}");
    }

    #[tokio::test]
    async fn the_overdue_sweep_flags_a_late_branch_once() {
        let store = SqliteStore::open_in_memory().expect("open");
        let id = submitted(&store, 2).await;
        sweep_deemed_acceptance(&store, MONDAY + 8 * DAY, calendar()).await.expect("accept");
        let due =
            store.branch_queue(DEPT, 0, 10).await.expect("queue")[0].branch.due.clone().expect("a due date");
        assert!(
            sweep_overdue(&store, MONDAY + 20 * DAY, calendar()).await.expect("sweep").is_empty(),
            "not late"
        );
        let late = MONDAY + 90 * DAY;
        assert_eq!(sweep_overdue(&store, late, calendar()).await.expect("sweep"), [id]);
        let row = &store.branch_queue(DEPT, 0, 10).await.expect("queue")[0];
        assert!(row.branch.overdue && row.application.overdue, "flagged, past {due}");
        assert!(
            sweep_overdue(&store, late + DAY, calendar()).await.expect("again").is_empty(),
            "flagged once"
        );
    }

    fn clerk(unit: &str) -> Holder {
        Holder { officer: "clerk-7".into(), unit: CreditCode::parse(unit).expect("a credit code") }
    }

    #[tokio::test]
    async fn a_desk_action_is_scoped_to_the_department_taken_once_and_told_to_the_citizen() {
        use crate::store::SyncStore;
        use shimin_wire::workflow::StepRefDto;

        let store = SqliteStore::open_in_memory().expect("open");
        let id = submitted(&store, 3).await;
        let before = store.application(id).await.expect("read").expect("there");
        let at = MONDAY + 3600;

        // Another department: the same answer as no application at all, and nothing changed.
        let stranger = clerk("91350100M000100Y43");
        let refused =
            desk_act(&store, &stranger, id, DeskActionRequest::Accept { version: 1 }, at, calendar()).await;
        assert!(matches!(refused, Err(DeskError::NotFound)), "{refused:?}");
        let absent = ApplicationId::parse(&"ee".repeat(16)).expect("an id");
        let none =
            desk_act(&store, &clerk(DEPT), absent, DeskActionRequest::Accept { version: 1 }, at, calendar())
                .await;
        assert!(matches!(none, Err(DeskError::NotFound)));
        assert_eq!(store.application(id).await.expect("read").as_ref(), Some(&before));

        // Accepted once; the double click is "already done" and changes nothing.
        let accepted =
            desk_act(&store, &clerk(DEPT), id, DeskActionRequest::Accept { version: 1 }, at, calendar())
                .await
                .expect("accept");
        assert_eq!(accepted.state.phase(), Phase::InApproval);
        assert_eq!(accepted.case_no.as_deref(), Some("111101050000000017-20251208-000001"));
        let twice =
            desk_act(&store, &clerk(DEPT), id, DeskActionRequest::Accept { version: 1 }, at, calendar())
                .await;
        assert!(matches!(twice, Err(DeskError::AlreadyDone)), "{twice:?}");
        assert_eq!(store.application(id).await.expect("read").as_ref(), Some(&accepted));

        // The citizen's feed has the notice.
        let feed = store.events("11010519491231002X", 1, 0, 10).await.expect("feed");
        let notices: Vec<_> = feed.iter().filter_map(|e| e.message.clone()).collect();
        assert_eq!(notices, ["办件 111101050000000017-20251208-000001：已受理，审批中"]);

        // Approving the one step decides the application; the same click again is refused.
        let step = StepRefDto { stage: 0, department: DEPT.into(), step: 0, version: 0 };
        let approve = || DeskActionRequest::Approve { at: step.clone() };
        let approved =
            desk_act(&store, &clerk(DEPT), id, approve(), at + 60, calendar()).await.expect("approve");
        assert_eq!(approved.state.phase(), Phase::Approved);
        assert!(store.branch_queue(DEPT, 0, 10).await.expect("queue").is_empty(), "decided leaves the queue");
        let again = desk_act(&store, &clerk(DEPT), id, approve(), at + 61, calendar()).await;
        assert!(matches!(again, Err(DeskError::AlreadyDone | DeskError::Refused(_))), "{again:?}");
        assert_eq!(store.application(id).await.expect("read").as_ref(), Some(&approved));
    }

    #[tokio::test]
    async fn the_backend_sweeps_with_its_calendar_and_tells_the_citizen() {
        use crate::store::SyncStore;

        let store = std::sync::Arc::new(SqliteStore::open_in_memory().expect("open"));
        let id = submitted(&store, 4).await;
        let backend = Backend::new(store.clone(), crate::service::Config::default()).await.expect("backend");
        let report = backend.sweep_applications(MONDAY + 8 * DAY).await.expect("sweep");
        assert_eq!(
            report,
            SweepReport { deemed_accepted: vec![id], flagged_overdue: Vec::new(), recounted: Vec::new() }
        );
        let feed = store.events("11010519491231002X", 1, 0, 10).await.expect("feed");
        let notices: Vec<_> = feed.iter().filter_map(|e| e.message.clone()).collect();
        assert_eq!(notices, ["办件 111101050000000017-20251216-000001：已受理，审批中"]);
        let late = backend.sweep_applications(MONDAY + 90 * DAY).await.expect("sweep");
        assert_eq!(
            late,
            SweepReport { deemed_accepted: Vec::new(), flagged_overdue: vec![id], recounted: Vec::new() }
        );
    }

    #[tokio::test]
    async fn a_due_date_in_a_year_not_loaded_waits_for_its_notice_and_the_clerk_still_acts() {
        // Monday 2026-12-28, 10:00 in China: art. 32's day and the step's limit fall in 2027,
        // whose notice the embedded calendar does not have.
        const DEC_28: UnixSeconds = 1_798_423_200;
        let store = SqliteStore::open_in_memory().expect("open");
        let id = submitted_at(&store, 5, DEC_28).await;
        let stored = store.application(id).await.expect("read").expect("there");
        assert_eq!(stored.next_deadline, None, "no date guessed");
        assert_eq!(
            recount_awaiting(&store, DEC_28, calendar()).await.expect("recount"),
            Vec::<ApplicationId>::new()
        );

        let accepted = desk_act(
            &store,
            &clerk(DEPT),
            id,
            DeskActionRequest::Accept { version: 1 },
            DEC_28 + 2 * DAY,
            calendar(),
        )
        .await
        .expect("the clerk's action is taken");
        assert_eq!(accepted.state.phase(), Phase::InApproval);
        let row = &store.branch_queue(DEPT, 0, 10).await.expect("queue")[0];
        assert_eq!((row.branch.due.as_deref(), row.branch.overdue), (None, false));
        assert!(sweep_overdue(&store, DEC_28 + 3 * DAY, calendar()).await.expect("sweep").is_empty());

        // The 2027 notice arrives (here the test file): the next sweep counts the date.
        let loaded = calendar()
            .with_file(include_str!("../../../core/tests/vectors/calendar/test-notice-2027.toml"))
            .expect("loads");
        assert_eq!(recount_awaiting(&store, DEC_28 + 3 * DAY, &loaded).await.expect("recount"), [id]);
        let now = store.application(id).await.expect("read").expect("there");
        assert!(
            now.next_deadline.as_deref().is_some_and(|d| d.starts_with("2027-")),
            "{:?}",
            now.next_deadline
        );
        assert_eq!(now.state, accepted.state, "only the copies moved");
        assert!(recount_awaiting(&store, DEC_28 + 3 * DAY, &loaded).await.expect("again").is_empty(), "once");
    }
}

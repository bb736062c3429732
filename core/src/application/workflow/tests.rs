//! The workflow played through: the join, the correction path, art. 32, stopped clocks, refusals
//! and the double click, on a weekends-only calendar (a test double: the official calendar with
//! the State Council's holidays is `core::calendar`'s, built elsewhere).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use shimin_wire::catalogue::Localized;
use shimin_wire::workflow::{BranchDto, ProcessDto, ProcessStepDto, StageDto, StepStateDto};
use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

use super::*;
use crate::calendar::Calendar;
use crate::cert::credit_code::CreditCode;
use crate::clock::UnixSeconds;

/// The official calendar: the State Council's notices. The tests' days lie in March 2026, a month
/// of no holiday, unless a test says otherwise.
fn official() -> &'static Calendar {
    Calendar::official().expect("the embedded notices")
}

const HEALTH: &str = "11110105MB0000010A";
const POLICE: &str = "111101050000000017";
const MEDICAL: &str = "11110105MB0000004M";
const HRSS: &str = "11110105MB0000003J";

fn code(c: &str) -> CreditCode {
    CreditCode::parse(c).expect("a credit code")
}

fn day(month: Month, d: u8) -> Date {
    Date::from_calendar_date(2026, month, d).expect("a date")
}

/// `hour`:00 China Standard Time on 2026-`month`-`d`.
fn at(month: Month, d: u8, hour: u8) -> UnixSeconds {
    let offset = UtcOffset::from_hms(8, 0, 0).expect("an offset");
    PrimitiveDateTime::new(day(month, d), Time::from_hms(hour, 0, 0).expect("a time"))
        .assume_offset(offset)
        .unix_timestamp()
}

fn officer(unit: &str, id: &str) -> Actor {
    Actor::Officer(Holder::new(id, code(unit)).expect("a staff member"))
}

fn zh(text: &str) -> Localized {
    Localized { hans: text.into(), hant: None, en: None }
}

/// One stage of the given departments, each 审查 (3 working days) then 决定 (2).
fn parallel(departments: &[&str]) -> Process {
    let branches = departments
        .iter()
        .map(|d| BranchDto {
            department: (*d).into(),
            title: None,
            steps: vec![
                ProcessStepDto { name: zh("审查"), limit_working_days: 3 },
                ProcessStepDto { name: zh("决定"), limit_working_days: 2 },
            ],
        })
        .collect();
    Process::parse(&ProcessDto { stages: vec![StageDto { branches }] }).expect("a process")
}

fn case_no() -> CaseNo {
    CaseNo::parse("110105-20260302-000042").expect("a case number")
}

/// Submitted, checked and accepted by the police (the organ) at `when`.
fn accepted(process: Process, when: UnixSeconds) -> (Application, Vec<Event>) {
    let (mut app, first) = Application::submitted(code(POLICE), process, when);
    let mut events = vec![first];
    events.extend(app.act(&Actor::System, Action::ChecksPassed, when, official()).expect("checks"));
    let version = app.version();
    events.extend(
        app.act(
            &officer(POLICE, "clerk-01"),
            Action::Accept { version, case_no: case_no() },
            when,
            official(),
        )
        .expect("accepted"),
    );
    (app, events)
}

fn step(app: &Application, stage: usize, department: &str) -> StepRef {
    let branch = app.stages()[stage].iter().find(|b| b.department == code(department)).expect("the branch");
    StepRef { stage, department: code(department), step: branch.step, version: branch.version }
}

fn approve(app: &mut Application, department: &str, when: UnixSeconds) -> Vec<Event> {
    let at_step = step(app, app.stages().len() - 1, department);
    app.act(&officer(department, "officer-1"), Action::Approve(at_step), when, official()).expect("approved")
}

fn actions(events: &[Event]) -> Vec<EventAction> {
    events.iter().map(|e| e.action).collect()
}

#[test]
fn three_departments_in_parallel_join_when_the_late_one_decides() {
    // Accepted Monday 2 March: 审查 is due Thursday 5, the whole application Monday 9.
    let (mut app, _) = accepted(parallel(&[HEALTH, POLICE, MEDICAL]), at(Month::March, 2, 9));
    assert_eq!(app.phase(), Phase::InApproval);
    assert_eq!(app.accepted_on(), Some(day(Month::March, 2)));
    assert_eq!(app.due(official()), Ok(Some(day(Month::March, 9))));
    assert_eq!(app.step_due(0, &code(MEDICAL), official()), Ok(Some(day(Month::March, 5))));

    // Health and police finish on time; each approval of a last step leaves the stage open.
    for department in [HEALTH, POLICE] {
        approve(&mut app, department, at(Month::March, 3, 10));
        let events = approve(&mut app, department, at(Month::March, 4, 10));
        assert_eq!(actions(&events), [EventAction::StepApproved]);
    }
    assert_eq!(app.phase(), Phase::InApproval, "the stage waits for its third branch");

    // Medical insurance is late: flagged two working days after Thursday 5, escalated at three.
    assert_eq!(app.overdue(day(Month::March, 5), 3, official()), Ok(vec![]));
    let flagged = app.overdue(day(Month::March, 9), 3, official()).expect("counted");
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0].department, code(MEDICAL));
    assert_eq!(
        (flagged[0].due, flagged[0].days_over, flagged[0].level),
        (day(Month::March, 5), 2, OverdueLevel::Flagged)
    );
    let escalated = app.overdue(day(Month::March, 10), 3, official()).expect("counted");
    assert_eq!((escalated[0].days_over, escalated[0].level), (3, OverdueLevel::Escalated));
    let open = [(1_u64, app.clone())];
    let swept = overdue_steps(open.iter().map(|(k, a)| (k, a)), day(Month::March, 10), 3, official());
    assert_eq!(
        swept.map(|v| v.into_iter().map(|(k, o)| (k, o.level)).collect::<Vec<_>>()),
        Ok(vec![(1, OverdueLevel::Escalated)])
    );
    let timeline = app.timeline(&[], official()).expect("a timeline");
    assert_eq!(timeline.due.as_deref(), Some("2026-03-09"));
    let medical: Vec<_> = timeline.steps.iter().filter(|s| s.department == MEDICAL).collect();
    assert_eq!(
        medical.iter().map(|s| (s.state, s.due.as_deref())).collect::<Vec<_>>(),
        [(StepStateDto::Active, Some("2026-03-05")), (StepStateDto::Waiting, None)]
    );

    approve(&mut app, MEDICAL, at(Month::March, 10, 11));
    // The second step started on the 10th: due two working days later.
    assert_eq!(app.step_due(0, &code(MEDICAL), official()), Ok(Some(day(Month::March, 12))));
    let events = approve(&mut app, MEDICAL, at(Month::March, 11, 16));
    assert_eq!(actions(&events), [EventAction::StepApproved, EventAction::StageDecided]);
    assert_eq!(app.phase(), Phase::Approved);
    assert_eq!(app.overdue(day(Month::March, 20), 3, official()), Ok(vec![]));

    let events =
        app.act(&Actor::System, Action::IssueResult, at(Month::March, 11, 17), official()).expect("issued");
    assert_eq!(actions(&events), [EventAction::ResultIssued]);
    app.act(&Actor::System, Action::Close, at(Month::March, 11, 18), official()).expect("closed");
    assert_eq!(app.phase(), Phase::Closed);
    assert_eq!(
        app.act(&Actor::System, Action::Close, at(Month::March, 12, 9), official()),
        Err(WorkflowError::Closed),
        "nothing acts on a closed application"
    );
}

#[test]
fn the_newborn_one_thing_approves_after_all_four_departments() {
    let dto: ProcessDto =
        serde_json::from_str(include_str!("../../../tests/vectors/workflow/newborn-process.json"))
            .expect("JSON");
    let (mut app, _) = accepted(Process::parse(&dto).expect("a process"), at(Month::March, 2, 9));
    for department in [HEALTH, POLICE, MEDICAL] {
        approve(&mut app, department, at(Month::March, 3, 9));
        approve(&mut app, department, at(Month::March, 3, 10));
        assert_eq!(app.phase(), Phase::InApproval);
    }
    approve(&mut app, HRSS, at(Month::March, 4, 9));
    approve(&mut app, HRSS, at(Month::March, 4, 10));
    assert_eq!(app.phase(), Phase::Approved);
}

#[test]
fn stages_run_in_order_and_the_next_starts_the_day_the_last_branch_decides() {
    let mut dto = parallel(&[HEALTH, POLICE]).to_dto();
    dto.stages.push(parallel(&[HRSS]).to_dto().stages[0].clone());
    let (mut app, _) = accepted(Process::parse(&dto).expect("two stages"), at(Month::March, 2, 9));
    assert_eq!(app.due(official()), Ok(Some(day(Month::March, 16))), "5 + 5 working days");
    let at_hrss = StepRef { stage: 1, department: code(HRSS), step: 0, version: 0 };
    assert_eq!(
        app.clone().act(&officer(HRSS, "h-1"), Action::Approve(at_hrss), at(Month::March, 2, 10), official()),
        Err(WorkflowError::NoSuchStep),
        "a later stage cannot act before it starts"
    );
    for d in [HEALTH, POLICE] {
        approve(&mut app, d, at(Month::March, 3, 9));
    }
    approve(&mut app, HEALTH, at(Month::March, 4, 9));
    let events = approve(&mut app, POLICE, at(Month::March, 5, 9));
    assert_eq!(actions(&events), [EventAction::StepApproved, EventAction::StageDecided]);
    assert_eq!(app.stages().len(), 2);
    assert_eq!(app.step_due(1, &code(HRSS), official()), Ok(Some(day(Month::March, 10))));
    approve(&mut app, HRSS, at(Month::March, 6, 9));
    approve(&mut app, HRSS, at(Month::March, 6, 10));
    assert_eq!(app.phase(), Phase::Approved);
}

#[test]
fn a_refusal_refuses_the_application_keeps_decided_branches_and_closes_pending_ones() {
    let (mut app, _) = accepted(parallel(&[HEALTH, POLICE, MEDICAL]), at(Month::March, 2, 9));
    approve(&mut app, HEALTH, at(Month::March, 3, 9));
    approve(&mut app, HEALTH, at(Month::March, 3, 10));
    let reason = Reason::parse("不符合法定条件").expect("a reason");
    let at_step = step(&app, 0, POLICE);
    let events = app
        .act(&officer(POLICE, "p-1"), Action::Refuse(at_step, reason), at(Month::March, 4, 9), official())
        .expect("refused");
    assert_eq!(
        actions(&events),
        [EventAction::StepRefused, EventAction::ClosedNotNeeded, EventAction::StageDecided]
    );
    assert_eq!(events[0].note.as_deref(), Some("不符合法定条件"));
    assert_eq!(events[1].unit, Some(code(MEDICAL)));
    let outcomes: Vec<BranchOutcome> = app.stages()[0].iter().map(|b| b.outcome).collect();
    assert_eq!(outcomes, [BranchOutcome::Approved, BranchOutcome::Refused, BranchOutcome::NotNeeded]);
    assert_eq!(app.phase(), Phase::Refused);

    let late = step(&app, 0, MEDICAL);
    assert_eq!(
        app.act(&officer(MEDICAL, "m-1"), Action::Approve(late), at(Month::March, 4, 10), official()),
        Err(WorkflowError::WrongPhase)
    );
    let timeline = app.timeline(&events, official()).expect("a timeline");
    let states: Vec<StepStateDto> = timeline.steps.iter().map(|s| s.state).collect();
    use StepStateDto::{Approved, NotNeeded, Refused};
    assert_eq!(states, [Approved, Approved, Refused, NotNeeded, NotNeeded, NotNeeded]);
    // A refusal's result is a decision document (不予许可决定书): issued, then closed.
    app.act(&Actor::System, Action::IssueResult, at(Month::March, 4, 11), official()).expect("issued");
    app.act(&Actor::System, Action::Close, at(Month::March, 4, 12), official()).expect("closed");
}

#[test]
fn the_correction_path_asks_once_for_everything_and_pre_reviews_again() {
    let when = at(Month::March, 2, 9);
    let (mut app, _) = Application::submitted(code(POLICE), parallel(&[POLICE]), when);
    app.act(&Actor::System, Action::ChecksPassed, when, official()).expect("checks");
    let clerk = officer(POLICE, "clerk-01");
    let item =
        |target, reason: &str| CorrectionItem { target, reason: Reason::parse(reason).expect("a reason") };
    let v = app.version();
    assert_eq!(
        app.act(&clerk, Action::RequestCorrection { version: v, items: vec![] }, when, official()),
        Err(WorkflowError::CorrectionItems)
    );
    let twice =
        vec![item(CorrectionTarget::Material(1), "模糊"), item(CorrectionTarget::Material(1), "缺页")];
    assert_eq!(
        app.act(&clerk, Action::RequestCorrection { version: v, items: twice }, when, official()),
        Err(WorkflowError::CorrectionItems)
    );
    assert_eq!(
        app.act(
            &officer(HEALTH, "h-1"),
            Action::RequestCorrection {
                version: v,
                items: vec![item(CorrectionTarget::Material(1), "模糊")]
            },
            when,
            official()
        ),
        Err(WorkflowError::NotYourDepartment),
        "only the organ pre-reviews"
    );
    let items = vec![
        item(CorrectionTarget::Material(1), "照片不清晰"),
        item(CorrectionTarget::Field("address".into()), "地址不完整"),
    ];
    let events = app
        .act(
            &clerk,
            Action::RequestCorrection { version: v, items: items.clone() },
            at(Month::March, 3, 9),
            official(),
        )
        .expect("requested");
    assert_eq!(actions(&events), [EventAction::CorrectionRequested]);
    assert_eq!(app.correction(), Some(items.as_slice()));
    assert_eq!(app.phase(), Phase::CorrectionRequested);

    let v = app.version();
    assert_eq!(
        app.act(&clerk, Action::Resubmit { version: v }, when, official()),
        Err(WorkflowError::NotAllowed)
    );
    assert_eq!(
        app.act(&Actor::Citizen, Action::Resubmit { version: v - 1 }, when, official()),
        Err(WorkflowError::Stale)
    );
    let resubmitted = at(Month::March, 9, 9);
    app.act(&Actor::Citizen, Action::Resubmit { version: v }, resubmitted, official()).expect("resubmitted");
    assert_eq!((app.phase(), app.pending_since()), (Phase::Submitted, resubmitted));
    app.act(&Actor::System, Action::ChecksPassed, resubmitted, official()).expect("checks");
    let v = app.version();
    assert_eq!(
        app.act(
            &clerk,
            Action::RequestCorrection {
                version: v,
                items: vec![item(CorrectionTarget::Material(2), "又错")]
            },
            resubmitted,
            official()
        ),
        Err(WorkflowError::CorrectionAlreadyRequested),
        "one request only"
    );
    app.act(&clerk, Action::Accept { version: v, case_no: case_no() }, at(Month::March, 10, 9), official())
        .expect("accepted");
    assert_eq!(app.accepted_on(), Some(day(Month::March, 10)));
}

#[test]
fn not_accepted_is_final_and_failed_checks_are_too() {
    let when = at(Month::March, 2, 9);
    let (mut app, _) = Application::submitted(code(POLICE), parallel(&[POLICE]), when);
    app.act(&Actor::System, Action::ChecksPassed, when, official()).expect("checks");
    let v = app.version();
    let reason = Reason::parse("不属于本机关职权范围").expect("a reason");
    let events = app
        .act(&officer(POLICE, "c"), Action::NotAccept { version: v, reason }, when, official())
        .expect("done");
    assert_eq!(actions(&events), [EventAction::NotAccepted]);
    assert_eq!(
        app.act(
            &officer(POLICE, "c"),
            Action::Accept { version: v + 1, case_no: case_no() },
            when,
            official()
        ),
        Err(WorkflowError::Closed)
    );

    let (mut failed, _) = Application::submitted(code(POLICE), parallel(&[POLICE]), when);
    assert_eq!(
        failed.act(&Actor::Citizen, Action::ChecksPassed, when, official()),
        Err(WorkflowError::NotAllowed),
        "only the system runs the checks"
    );
    let reasons = vec![Reason::parse("身份证已过期").expect("a reason")];
    failed.act(&Actor::System, Action::ChecksFailed(reasons), when, official()).expect("failed");
    assert!(failed.is_closed());
}

#[test]
fn art_32_no_correction_request_in_five_working_days_is_acceptance_on_the_day_of_arrival() {
    // Arrived Friday 6 March: the five working days end Friday 13.
    let arrived = at(Month::March, 6, 15);
    let waiting = |when| {
        let (mut app, _) = Application::submitted(code(POLICE), parallel(&[POLICE]), arrived);
        app.act(&Actor::System, Action::ChecksPassed, when, official()).expect("checks");
        app
    };
    let app = waiting(arrived);
    assert_eq!(app.deemed_acceptance(day(Month::March, 13), official()), Ok(None));
    assert_eq!(app.deemed_acceptance(day(Month::March, 14), official()), Ok(Some(day(Month::March, 6))));
    assert_eq!(app.deemed_acceptance(day(Month::March, 16), official()), Ok(Some(day(Month::March, 6))));

    // The sweep picks it, not one still in time, not one sent back for correction.
    let mut corrected = waiting(arrived);
    let v = corrected.version();
    let item =
        CorrectionItem { target: CorrectionTarget::Material(0), reason: Reason::parse("模糊").expect("r") };
    corrected
        .act(
            &officer(POLICE, "c"),
            Action::RequestCorrection { version: v, items: vec![item] },
            arrived,
            official(),
        )
        .expect("requested");
    let (fresh, _) = Application::submitted(code(POLICE), parallel(&[POLICE]), at(Month::March, 12, 9));
    let open = [("late", app.clone()), ("corrected", corrected), ("fresh", fresh)];
    let deemed = deemed_accepted(open.iter().map(|(k, a)| (k, a)), day(Month::March, 16), official());
    assert_eq!(deemed, Ok(vec![("late", day(Month::March, 6))]));

    // Too early, the system cannot; once due it can, and a correction is too late.
    let mut early = app.clone();
    assert_eq!(
        early.act(
            &Actor::System,
            Action::DeemAccepted { case_no: case_no() },
            at(Month::March, 13, 18),
            official()
        ),
        Err(WorkflowError::NotYetDeemed)
    );
    let mut late = app.clone();
    let v = late.version();
    let item =
        CorrectionItem { target: CorrectionTarget::Material(0), reason: Reason::parse("模糊").expect("r") };
    assert_eq!(
        late.act(
            &officer(POLICE, "c"),
            Action::RequestCorrection { version: v, items: vec![item] },
            at(Month::March, 16, 9),
            official()
        ),
        Err(WorkflowError::CorrectionTooLate)
    );
    let events = late
        .act(&Actor::System, Action::DeemAccepted { case_no: case_no() }, at(Month::March, 16, 0), official())
        .expect("deemed accepted");
    assert_eq!(actions(&events), [EventAction::DeemedAccepted]);
    assert_eq!(late.accepted_on(), Some(day(Month::March, 6)));
    // The approval's clock has run since the 6th: 审查 (3 days) was due Wednesday 11.
    assert_eq!(late.step_due(0, &code(POLICE), official()), Ok(Some(day(Month::March, 11))));

    // A clerk accepting after the five days accepts as of the arrival day too.
    let mut clerk = app;
    let v = clerk.version();
    clerk
        .act(
            &officer(POLICE, "c"),
            Action::Accept { version: v, case_no: case_no() },
            at(Month::March, 17, 9),
            official(),
        )
        .expect("accepted");
    assert_eq!(clerk.accepted_on(), Some(day(Month::March, 6)));
}

#[test]
fn a_stopped_clock_does_not_count_and_must_be_restarted_before_deciding() {
    // One step of five working days, accepted Monday 2 March: due Monday 9.
    let single = Process::single(
        code(POLICE),
        crate::catalogue::time_limit::TimeLimit::within(
            5,
            crate::catalogue::time_limit::TimeUnit::WorkingDays,
        )
        .expect("a limit"),
    );
    let (mut app, _) = accepted(single, at(Month::March, 2, 9));
    assert_eq!(app.step_due(0, &code(POLICE), official()), Ok(Some(day(Month::March, 9))));
    let p = officer(POLICE, "p-1");

    let s = step(&app, 0, POLICE);
    assert_eq!(
        app.act(&p, Action::RestartClock(s.clone()), at(Month::March, 3, 9), official()),
        Err(WorkflowError::ClockNotStopped)
    );
    let events = app
        .act(&p, Action::StopClock(s, SpecialProcedure::Inspection), at(Month::March, 3, 9), official())
        .expect("stopped");
    assert_eq!(actions(&events), [EventAction::ClockStopped]);
    assert_eq!(app.step_due(0, &code(POLICE), official()), Ok(None), "no due date while stopped");
    assert_eq!(
        app.overdue(day(Month::March, 20), 1, official()),
        Ok(vec![]),
        "a stopped clock is never late"
    );
    let s = step(&app, 0, POLICE);
    assert_eq!(
        app.act(
            &p,
            Action::StopClock(s.clone(), SpecialProcedure::Hearing),
            at(Month::March, 4, 9),
            official()
        ),
        Err(WorkflowError::ClockStopped)
    );
    assert_eq!(
        app.act(&p, Action::Approve(s.clone()), at(Month::March, 4, 9), official()),
        Err(WorkflowError::ClockStopped)
    );

    // Stopped Tuesday 3, restarted Tuesday 10: the 4th, 5th, 6th, 9th and 10th do not count.
    app.act(&p, Action::RestartClock(s), at(Month::March, 10, 9), official()).expect("restarted");
    assert_eq!(app.stages()[0][0].stopped_days, 5);
    assert_eq!(app.step_due(0, &code(POLICE), official()), Ok(Some(day(Month::March, 16))));
    assert_eq!(app.due(official()), Ok(Some(day(Month::March, 16))));
    assert_eq!(app.overdue(day(Month::March, 16), 1, official()), Ok(vec![]));
    assert_eq!(app.overdue(day(Month::March, 17), 1, official()).map(|o| o.len()), Ok(1));
    // Stopped and restarted on the same day: nothing is added.
    let s = step(&app, 0, POLICE);
    app.act(&p, Action::StopClock(s, SpecialProcedure::ExpertReview), at(Month::March, 11, 9), official())
        .expect("s");
    let s = step(&app, 0, POLICE);
    app.act(&p, Action::RestartClock(s), at(Month::March, 11, 17), official()).expect("r");
    assert_eq!(app.step_due(0, &code(POLICE), official()), Ok(Some(day(Month::March, 16))));
}

#[test]
fn a_double_click_approves_once_and_the_second_changes_nothing() {
    let (mut app, _) = accepted(parallel(&[HEALTH, POLICE]), at(Month::March, 2, 9));
    let seen = step(&app, 0, POLICE);
    let p = officer(POLICE, "p-1");
    app.act(&p, Action::Approve(seen.clone()), at(Month::March, 3, 9), official()).expect("the first click");
    let before = app.clone();
    assert_eq!(
        app.act(&p, Action::Approve(seen), at(Month::March, 3, 9), official()),
        Err(WorkflowError::Stale)
    );
    assert_eq!(app, before, "nothing changed");
    assert_eq!(app.stages()[0][1].step, 1, "one step approved, not two");

    // Health's branch has its own version: police's click did not make it stale.
    let health = step(&app, 0, HEALTH);
    assert_eq!(health.version, 0);
    // The pre-review version is stale too after acceptance.
    assert_eq!(
        app.act(
            &officer(POLICE, "c"),
            Action::Accept { version: 0, case_no: case_no() },
            at(Month::March, 3, 9),
            official()
        ),
        Err(WorkflowError::Stale)
    );
}

#[test]
fn another_department_the_citizen_and_a_wrong_step_are_refused_and_a_forward_is_recorded() {
    let (mut app, _) = accepted(parallel(&[HEALTH, POLICE]), at(Month::March, 2, 9));
    let police_step = step(&app, 0, POLICE);
    let before = app.clone();
    let when = at(Month::March, 3, 9);
    assert_eq!(
        app.act(&officer(HEALTH, "h-1"), Action::Approve(police_step.clone()), when, official()),
        Err(WorkflowError::NotYourDepartment)
    );
    assert_eq!(
        app.act(&Actor::Citizen, Action::Approve(police_step.clone()), when, official()),
        Err(WorkflowError::NotAllowed)
    );
    let wrong = StepRef { step: 1, ..police_step.clone() };
    assert_eq!(
        app.act(&officer(POLICE, "p"), Action::Approve(wrong), when, official()),
        Err(WorkflowError::NoSuchStep)
    );
    let nowhere = StepRef { department: code(HRSS), ..police_step.clone() };
    assert_eq!(
        app.act(&officer(HRSS, "x"), Action::Approve(nowhere), when, official()),
        Err(WorkflowError::NoSuchStep)
    );
    assert_eq!(app, before);

    // Forwarded to an officer of another unit (e.g. the lead's office): that unit may then act.
    let to = Holder::new("chief-02", code(HRSS)).expect("a holder");
    let events = app
        .act(&officer(POLICE, "p"), Action::Forward(police_step, to), when, official())
        .expect("forwarded");
    assert_eq!(actions(&events), [EventAction::Forwarded]);
    assert_eq!(events[0].note.as_deref(), Some("chief-02 11110105MB0000003J"));
    let timeline = app.timeline(&events, official()).expect("timeline");
    assert_eq!(timeline.steps[2].holder.as_deref(), Some("chief-02"));
    let s = step(&app, 0, POLICE);
    app.act(&officer(HRSS, "chief-02"), Action::Approve(s), when, official())
        .expect("approved by the holder");
}

#[test]
fn every_event_records_action_step_officer_unit_start_and_end() {
    let submitted = at(Month::March, 2, 9);
    let (mut app, events) = accepted(parallel(&[POLICE]), submitted);
    assert_eq!(actions(&events), [EventAction::Submitted, EventAction::ChecksPassed, EventAction::Accepted]);
    assert_eq!(events[2].officer.as_deref(), Some("clerk-01"));
    assert_eq!(events[2].unit, Some(code(POLICE)));
    let events = approve(&mut app, POLICE, at(Month::March, 4, 11));
    let e = &events[0];
    assert_eq!((e.step.hans.as_str(), e.officer.as_deref()), ("审查", Some("officer-1")));
    assert_eq!((e.start, e.end), (submitted, at(Month::March, 4, 11)), "from the step's start to the action");
}

#[test]
fn the_stored_state_reads_back_and_a_tampered_one_is_refused() {
    let (mut app, _) = accepted(parallel(&[HEALTH, POLICE]), at(Month::March, 2, 9));
    approve(&mut app, POLICE, at(Month::March, 3, 9));
    let s = step(&app, 0, HEALTH);
    app.act(
        &officer(HEALTH, "h"),
        Action::StopClock(s, SpecialProcedure::Hearing),
        at(Month::March, 3, 9),
        official(),
    )
    .expect("stopped");
    let json = app.to_json();
    assert_eq!(Application::from_json(&json), Ok(app.clone()));

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/workflow/state.json");
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&json).expect("JSON"))
            .expect("JSON")
            + "\n";
    if std::env::var_os("SHIMIN_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(path, &pretty).expect("write the vector");
    }
    let pinned = std::fs::read_to_string(path).expect("the pinned state (SHIMIN_BLESS=1 writes it)");
    assert_eq!(pinned, pretty, "the stored encoding changed: a new STATE_FORMAT_VERSION, or bless it");
    assert_eq!(Application::from_json(&pinned), Ok(app));

    // The branch's state names another department than the process has at its place.
    let last = json.rfind(HEALTH).expect("the branch's department");
    let tampered = format!("{}{MEDICAL}{}", &json[..last], &json[last + HEALTH.len()..]);
    assert_eq!(Application::from_json(&tampered), Err(StateError::Inconsistent("a branch")));
    let future = json.replace("\"format\":1", "\"format\":2");
    assert_eq!(Application::from_json(&future), Err(StateError::Version(2)));
    let bad_date = json.replace("2026-03-03", "2026-02-30");
    assert!(matches!(Application::from_json(&bad_date), Err(StateError::Shape(_))));
    let no_case = json.replace("\"110105-20260302-000042\"", "null");
    assert_eq!(Application::from_json(&no_case), Err(StateError::Inconsistent("the acceptance")));
}

#[test]
fn case_numbers_reasons_and_staff_ids_are_parsed() {
    assert!(CaseNo::parse("110105-20260302-000042").is_ok());
    for bad in ["", "abc", "110105 2026", &"1".repeat(65)] {
        assert!(CaseNo::parse(bad).is_err(), "{bad:?}");
    }
    assert!(Reason::parse("  ").is_err());
    assert!(Reason::parse(&"字".repeat(501)).is_err());
    assert_eq!(Reason::parse(" 缺页 ").map(|r| r.as_str().to_owned()), Ok("缺页".to_owned()));
    assert!(Holder::new("", code(POLICE)).is_err());
    assert!(Holder::new("a b", code(POLICE)).is_err());
}

/// `hour`:00 China Standard Time on `year`-`month`-`d`.
fn at_year(year: i32, month: Month, d: u8, hour: u8) -> UnixSeconds {
    let offset = UtcOffset::from_hms(8, 0, 0).expect("an offset");
    let date = Date::from_calendar_date(year, month, d).expect("a date");
    PrimitiveDateTime::new(date, Time::from_hms(hour, 0, 0).expect("a time"))
        .assume_offset(offset)
        .unix_timestamp()
}

#[test]
fn a_deadline_in_a_year_whose_notice_is_not_loaded_awaits_it_and_the_clerk_still_acts() {
    // Arrived Monday 28 December 2026: art. 32's fifth working day and the steps' limits fall in
    // 2027, whose notice is not loaded.
    let arrived = at_year(2026, Month::December, 28, 9);
    let (mut app, _) = Application::submitted(code(POLICE), parallel(&[POLICE]), arrived);
    app.act(&Actor::System, Action::ChecksPassed, arrived, official()).expect("checks");
    let on_30th = at_year(2026, Month::December, 30, 10);
    assert_eq!(app.deemed_acceptance(day(Month::December, 30), official()), Ok(None));
    let version = app.version();
    app.act(
        &officer(POLICE, "clerk-01"),
        Action::Accept { version, case_no: case_no() },
        on_30th,
        official(),
    )
    .expect("the clerk acts although the due dates are not countable yet");
    assert_eq!(app.phase(), Phase::InApproval);

    let timeline = app.timeline(&[], official()).expect("a timeline");
    assert_eq!(timeline.due, None);
    assert_eq!(timeline.due_awaits_notice, Some(2027));
    let active = timeline.steps.iter().find(|s| s.state == StepStateDto::Active).expect("the active step");
    assert_eq!((active.due.as_deref(), active.due_awaits_notice), (None, Some(2027)));
    assert_eq!(app.overdue(day(Month::December, 31), 3, official()), Ok(vec![]), "not overdue, not an error");

    // Once the notice is loaded the same state counts its dates.
    let loaded = official()
        .with_file(include_str!("../../../tests/vectors/calendar/test-notice-2027.toml"))
        .expect("loads");
    let timeline = app.timeline(&[], &loaded).expect("a timeline");
    assert_eq!(timeline.due_awaits_notice, None);
    assert!(timeline.due.as_deref().is_some_and(|d| d.starts_with("2027-01-")), "{:?}", timeline.due);
}

//! The workbench's application pages, rendered with `maud` (every interpolation escaped): the
//! queue with its four tabs, one application with its action forms, the rectification tickets
//! and the hall window. No script: every action is a form that POSTs with the CSRF token and the
//! version the page was read at.

use maud::{Markup, html};
use shimin_core::application::case_qr::CaseQr;
use shimin_core::application::workflow::format_iso_date;
use shimin_core::verifier::Outcome as VerdictOutcome;
use shimin_wire::application::FieldValueDto;
use shimin_wire::workflow::{
    ApplicationPhaseDto, QueuePageView, QueueTabDto, SpecialProcedureDto, StepStateDto, StepView,
    TimelineView,
};

use super::i18n::DeskLang;
use super::pages::{Frame, page};
use crate::service::desk::cases::{CaseFile, digest_hex};
use crate::store::{MaterialSource, RectificationRecord};

/// Every tab, in the order the queue shows them.
pub const TABS: [QueueTabDto; 4] =
    [QueueTabDto::PreReview, QueueTabDto::InApproval, QueueTabDto::Overdue, QueueTabDto::Closed];

/// A tab's query value.
pub fn tab_slug(tab: QueueTabDto) -> &'static str {
    match tab {
        QueueTabDto::PreReview => "pre_review",
        QueueTabDto::InApproval => "in_approval",
        QueueTabDto::Overdue => "overdue",
        QueueTabDto::Closed => "closed",
    }
}

/// The tab of a query value.
pub fn parse_tab(slug: &str) -> Option<QueueTabDto> {
    TABS.into_iter().find(|t| tab_slug(*t) == slug)
}

/// Unix seconds as China Standard Time, `YYYY-MM-DD HH:MM`.
pub fn china_time(at: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(at.saturating_add(8 * 3_600)) {
        Ok(t) => format!("{} {:02}:{:02}", format_iso_date(t.date()), t.hour(), t.minute()),
        Err(_) => String::new(),
    }
}

/// The short id shown for an application with no case number yet.
fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

fn overdue_flag(lang: DeskLang) -> Markup {
    // Red with its text, never colour alone.
    html! { span class="pill overdue" data-test="overdue" { "⚠ " (lang.c().overdue) } }
}

/// 办件队列: the department's queue in one tab, paged.
pub fn queue(frame: Frame<'_>, view: &QueuePageView) -> Markup {
    let lang = frame.lang;
    let t = lang.t();
    let c = lang.c();
    page(
        frame,
        t.queue,
        html! {
            nav class="tabs" aria-label=(c.tabs) {
                @for tab in TABS {
                    a href={ "/desk/queue?tab=" (tab_slug(tab)) } data-test={ "tab-" (tab_slug(tab)) }
                        aria-current=[(tab == view.tab).then_some("page")] { (c.tab(tab)) }
                }
            }
            @if view.rows.is_empty() {
                p class="notice" data-test="queue-empty" { (c.tab_empty) }
            } @else {
                table class="queue" data-test="queue" {
                    thead { tr {
                        th scope="col" { (c.col_case) }
                        th scope="col" { (c.col_service) }
                        th scope="col" { (c.col_arrived) }
                        th scope="col" { @if view.tab == QueueTabDto::PreReview { (c.col_due_pre) } @else { (c.col_due) } }
                        th scope="col" { (c.col_step) }
                        th scope="col" { (c.col_state) }
                    } }
                    tbody {
                        @for row in &view.rows {
                            tr data-id=(row.id) class=[row.overdue.then_some("late")] {
                                td class="code" {
                                    a href={ "/desk/applications/" (row.id) } {
                                        @match &row.case_no {
                                            Some(no) => (no),
                                            None => { (c.not_yet_accepted) " " (short_id(&row.id)) },
                                        }
                                    }
                                }
                                td { (lang.pick(&row.service_name)) }
                                td { (china_time(row.arrived_at)) }
                                td {
                                    @match (&row.due, row.due_awaits_notice) {
                                        (Some(due), _) => (due),
                                        (None, Some(year)) => (lang.awaits_notice(year)),
                                        (None, None) if row.phase == ApplicationPhaseDto::InApproval => { (c.clock_stopped) },
                                        (None, None) => "—",
                                    }
                                    @if row.overdue { " " (overdue_flag(lang)) }
                                }
                                td { @if let Some(step) = &row.step { (lang.pick(step)) } @else { "—" } }
                                td { (lang.phase(row.phase)) }
                            }
                        }
                    }
                }
            }
            nav class="pager" aria-label=(c.page) {
                @if view.page > 1 {
                    a href={ "/desk/queue?tab=" (tab_slug(view.tab)) "&page=" (view.page - 1) } rel="prev" { (c.prev_page) }
                }
                span { (c.page) " " (view.page) }
                @if view.more {
                    a href={ "/desk/queue?tab=" (tab_slug(view.tab)) "&page=" (view.page + 1) } rel="next" { (c.next_page) }
                }
            }
        },
    )
}

/// A notice on the application page after a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing.
    None,
    /// The action was taken.
    Done,
    /// The same officer's action again: nothing done twice.
    AlreadyDone,
    /// Someone else acted first.
    Stale,
}

fn step_fields(step: &StepView) -> Markup {
    html! {
        input type="hidden" name="stage" value=(step.stage);
        input type="hidden" name="department" value=(step.department);
        input type="hidden" name="step" value=(step.step);
        input type="hidden" name="branch_version" value=(step.version);
    }
}

/// The action forms of what the department may do now.
fn action_forms(frame: Frame<'_>, file: &CaseFile) -> Markup {
    let lang = frame.lang;
    let c = lang.c();
    let id = file.record.id.to_string();
    let action = format!("/desk/applications/{id}");
    let tl = &file.timeline;
    let pre_review = file.is_organ && tl.phase == ApplicationPhaseDto::PreReview;
    let mine: Vec<&StepView> = tl
        .steps
        .iter()
        .filter(|s| {
            s.department == file.unit && matches!(s.state, StepStateDto::Active | StepStateDto::Stopped)
        })
        .collect();
    html! {
        section aria-labelledby="act" class="acts" {
            h2 id="act" { (c.actions) }
            @if !pre_review && mine.is_empty() {
                p class="notice" data-test="no-actions" { (c.no_actions) }
            }
            @if pre_review {
                div class="act-row" {
                    form method="post" action=(action) class="act" {
                        input type="hidden" name="csrf" value=(frame.csrf);
                        input type="hidden" name="version" value=(tl.version);
                        button type="submit" name="action" value="accept" class="primary" data-test="accept" { (c.accept) }
                    }
                    form method="post" action=(action) class="act" {
                        input type="hidden" name="csrf" value=(frame.csrf);
                        input type="hidden" name="version" value=(tl.version);
                        label for="not-accept-reason" { (c.reason) }
                        input id="not-accept-reason" type="text" name="reason" required maxlength="500";
                        button type="submit" name="action" value="not_accept" class="danger" data-test="not-accept" { (c.not_accept) }
                    }
                }
                form method="post" action=(action) class="act correction" {
                    input type="hidden" name="csrf" value=(frame.csrf);
                    input type="hidden" name="version" value=(tl.version);
                    fieldset {
                        legend { (c.correction) }
                        p class="muted" { (c.correction_hint) }
                        @if let Some(service) = &file.service {
                            @for (i, m) in service.materials.iter().enumerate() {
                                (fix_item(lang, &format!("m{i}"), lang.pick(&m.name)))
                            }
                            @if let Some(form) = &service.form {
                                @for field in form.fields() {
                                    (fix_item(lang, &format!("f-{}", field.key), lang.pick(&field.label)))
                                }
                            }
                        }
                    }
                    button type="submit" name="action" value="correction" data-test="correction" { (c.correction) }
                }
            }
            @for step in &mine {
                div class="step-acts" data-test="step-acts" {
                    h3 { (c.on_step) (lang.pick(&step.name)) }
                    div class="act-row" {
                        @if step.state == StepStateDto::Active {
                            form method="post" action=(action) class="act" {
                                input type="hidden" name="csrf" value=(frame.csrf);
                                (step_fields(step))
                                button type="submit" name="action" value="approve" class="primary" data-test="approve" { (c.approve) }
                            }
                            form method="post" action=(action) class="act" {
                                input type="hidden" name="csrf" value=(frame.csrf);
                                (step_fields(step))
                                label for={ "refuse-" (step.step) } { (c.reason) }
                                input id={ "refuse-" (step.step) } type="text" name="reason" required maxlength="500";
                                button type="submit" name="action" value="refuse" class="danger" data-test="refuse" { (c.refuse) }
                            }
                        } @else {
                            form method="post" action=(action) class="act" {
                                input type="hidden" name="csrf" value=(frame.csrf);
                                (step_fields(step))
                                button type="submit" name="action" value="restart_clock" data-test="restart-clock" { (c.restart_clock) }
                            }
                        }
                    }
                    @if step.state == StepStateDto::Active {
                        div class="act-row" {
                            form method="post" action=(action) class="act" {
                                input type="hidden" name="csrf" value=(frame.csrf);
                                (step_fields(step))
                                label for={ "fwd-officer-" (step.step) } { (c.forward_officer) }
                                input id={ "fwd-officer-" (step.step) } type="text" name="officer" required maxlength="64";
                                label for={ "fwd-unit-" (step.step) } { (c.forward_unit) }
                                input id={ "fwd-unit-" (step.step) } type="text" name="unit" required maxlength="18" value=(file.unit);
                                button type="submit" name="action" value="forward" data-test="forward" { (c.forward) }
                            }
                            form method="post" action=(action) class="act" {
                                input type="hidden" name="csrf" value=(frame.csrf);
                                (step_fields(step))
                                label for={ "procedure-" (step.step) } { (c.procedure) }
                                select id={ "procedure-" (step.step) } name="procedure" {
                                    @for p in [SpecialProcedureDto::Hearing, SpecialProcedureDto::Inspection, SpecialProcedureDto::ExpertReview, SpecialProcedureDto::PublicNotice] {
                                        option value=(procedure_slug(p)) { (lang.procedure(p)) }
                                    }
                                }
                                button type="submit" name="action" value="stop_clock" data-test="stop-clock" { (c.stop_clock) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn fix_item(lang: DeskLang, key: &str, label: &str) -> Markup {
    let c = lang.c();
    html! {
        div class="fix" {
            input type="checkbox" id={ "fix-" (key) } name="fix" value=(key);
            label for={ "fix-" (key) } { (label) }
            label for={ "reason-" (key) } class="reason-label" { (c.reason_for) }
            input type="text" id={ "reason-" (key) } name={ "reason-" (key) } maxlength="500";
        }
    }
}

/// A procedure's form value.
pub fn procedure_slug(p: SpecialProcedureDto) -> &'static str {
    match p {
        SpecialProcedureDto::Hearing => "hearing",
        SpecialProcedureDto::Inspection => "inspection",
        SpecialProcedureDto::ExpertReview => "expert_review",
        SpecialProcedureDto::PublicNotice => "public_notice",
    }
}

fn value_text(lang: DeskLang, value: &FieldValueDto) -> String {
    let c = lang.c();
    match value {
        FieldValueDto::YesNo(true) => c.yes.to_owned(),
        FieldValueDto::YesNo(false) => c.no.to_owned(),
        FieldValueDto::Text(text) => text.clone(),
        FieldValueDto::Codes(codes) => codes.join("、"),
    }
}

fn timeline_tables(lang: DeskLang, tl: &TimelineView) -> Markup {
    let c = lang.c();
    html! {
        section aria-labelledby="steps" {
            h2 id="steps" { (c.steps) }
            @if tl.steps.is_empty() {
                p class="muted" { (c.no_steps) }
            } @else {
                table class="steps" data-test="steps" {
                    thead { tr {
                        th scope="col" { (c.col_step_name) } th scope="col" { (c.col_department) }
                        th scope="col" { (c.col_holder) } th scope="col" { (c.col_due) } th scope="col" { (c.col_state) }
                    } }
                    tbody {
                        @for s in &tl.steps {
                            tr {
                                td { (lang.pick(&s.name)) }
                                td class="code" { (s.department) }
                                td { @match &s.holder { Some(h) => (h), None => (c.department_queue) } }
                                td {
                                    @match (&s.due, s.due_awaits_notice) {
                                        (Some(d), _) => (d),
                                        (None, Some(year)) => (lang.awaits_notice(year)),
                                        (None, None) => "—",
                                    }
                                }
                                td data-test="step-state" { (lang.step_state(s.state)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="timeline" {
            h2 id="timeline" { (c.timeline) }
            table class="events" data-test="events" {
                thead { tr {
                    th scope="col" { (c.col_action) } th scope="col" { (c.col_step_name) } th scope="col" { (c.col_officer) }
                    th scope="col" { (c.col_unit) } th scope="col" { (c.col_start) } th scope="col" { (c.col_end) }
                    th scope="col" { (c.col_note) }
                } }
                tbody {
                    @for e in &tl.events {
                        tr {
                            td { (lang.event(e.action)) }
                            td { (lang.pick(&e.step)) }
                            td { @match &e.officer { Some(o) => (o), None => "—" } }
                            td class="code" { @match &e.unit { Some(u) => (u), None => "—" } }
                            td { (china_time(e.start)) }
                            td { (china_time(e.end)) }
                            td { @match &e.note { Some(n) => (n), None => "" } }
                        }
                    }
                }
            }
        }
    }
}

/// One application: who, what, the answers, the materials, the timeline and the actions.
pub fn application(frame: Frame<'_>, file: &CaseFile, outcome: Outcome, refused: Option<&str>) -> Markup {
    let lang = frame.lang;
    let c = lang.c();
    let id = file.record.id.to_string();
    let tl = &file.timeline;
    let title = match &tl.case_no {
        Some(no) => format!("{} {no}", c.application),
        None => format!("{} {}", c.not_yet_accepted, short_id(&id)),
    };
    page(
        frame,
        &title,
        html! {
            p { a href="/desk/queue" { "← " (c.back_to_queue) } }
            @match outcome {
                Outcome::Done => p class="notice ok" role="status" data-test="done" { (c.done) },
                Outcome::AlreadyDone => p class="notice" role="status" data-test="already-done" { (c.already_done) },
                Outcome::Stale => p class="notice error" role="alert" data-test="stale" {
                    (c.stale) " " a href={ "/desk/applications/" (id) } { (c.refresh) }
                },
                Outcome::None => {},
            }
            @if let Some(why) = refused {
                p class="notice error" role="alert" data-test="action-refused" { (why) }
            }
            dl class="facts" {
                dt { (c.phase) } dd data-test="phase" { (lang.phase(tl.phase)) }
                dt { (c.service) } dd {
                    @match &file.service { Some(s) => (lang.pick(&s.name)), None => (file.record.service_code) }
                    " " span class="code muted" { (file.record.service_code) }
                }
                dt { (c.col_arrived) } dd { (china_time(file.record.arrived_at)) }
                @if let Some(due) = &tl.due { dt { (c.due) } dd { (due) } }
                @else if let Some(year) = tl.due_awaits_notice { dt { (c.due) } dd { (lang.awaits_notice(year)) } }
                @else if let Some(due) = &file.record.next_deadline { dt { (c.col_due_pre) } dd { (due) } }
            }
            section aria-labelledby="applicant" {
                h2 id="applicant" { (c.applicant) }
                dl class="facts" {
                    dt { (c.name) } dd data-test="name" { @match &file.name_masked { Some(n) => (n), None => (c.unknown) } }
                    dt { (c.id_number) } dd {
                        span class="code" data-test="id-number" { (file.id_number) } " "
                        @if file.id_revealed {
                            a class="button small" href={ "/desk/applications/" (id) } { (c.hide) }
                        } @else {
                            a class="button small" href={ "/desk/applications/" (id) "?reveal=id" } data-test="reveal" { (c.show) }
                        }
                    }
                }
            }
            section aria-labelledby="answers" {
                h2 id="answers" { (c.answers) }
                @match &file.submission {
                    Some(sub) if !sub.values.is_empty() => {
                        dl class="facts" data-test="answers" {
                            @for (key, value) in &sub.values {
                                dt { (field_label(lang, file, key)) }
                                dd { (value_text(lang, value)) }
                            }
                        }
                    },
                    _ => p class="muted" { (c.no_answers) },
                }
            }
            section aria-labelledby="materials" {
                h2 id="materials" { (c.materials) }
                @if file.materials.is_empty() {
                    p class="muted" { (c.no_materials) }
                } @else {
                    table class="materials" data-test="materials" {
                        thead { tr { th scope="col" { (c.materials) } th scope="col" { (c.source) } th scope="col" { (c.reference) } } }
                        tbody {
                            @for m in &file.materials {
                                tr {
                                    td { (m.material) }
                                    td { (c.source_name(lang, m.source)) }
                                    td {
                                        @if m.source == MaterialSource::Upload {
                                            @if file.uploads.iter().any(|u| digest_hex(&u.decl.sha256) == m.reference && u.stored_at.is_some()) {
                                                a href={ "/desk/applications/" (id) "/uploads/" (m.reference) } data-test="upload" { (c.view_file) }
                                            } @else {
                                                span class="muted" { (c.not_arrived) }
                                            }
                                        } @else {
                                            span class="code" { (short_id(&m.reference)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !file.presentations.is_empty() {
                section aria-labelledby="presentations" {
                    h2 id="presentations" { (c.presentations) }
                    p class="muted" { (c.presentations_note) }
                    ul class="verdicts" data-test="presentations" {
                        @for (index, verdict) in &file.presentations {
                            li {
                                strong { (material_name(lang, file, *index)) } " "
                                (verdict_pill(lang, verdict.outcome))
                                @if !verdict.reasons.is_empty() {
                                    ul { @for reason in &verdict.reasons { li { (reason.to_string()) } } }
                                }
                            }
                        }
                    }
                }
            }
            (action_forms(frame, file))
            (timeline_tables(lang, tl))
        },
    )
}

fn material_name(lang: DeskLang, file: &CaseFile, index: u8) -> String {
    file.service
        .as_ref()
        .and_then(|s| s.materials.get(usize::from(index)))
        .map_or_else(|| format!("#{index}"), |m| lang.pick(&m.name).to_owned())
}

fn verdict_pill(lang: DeskLang, outcome: VerdictOutcome) -> Markup {
    let c = lang.c();
    let (class, text) = match outcome {
        VerdictOutcome::Valid => ("pill active", c.verdict_valid),
        VerdictOutcome::Warning => ("pill suspended", c.verdict_warning),
        VerdictOutcome::Invalid => ("pill overdue", c.verdict_invalid),
    };
    html! { span class=(class) data-test="verdict" { (text) } }
}

fn field_label(lang: DeskLang, file: &CaseFile, key: &str) -> String {
    file.service
        .as_ref()
        .and_then(|s| s.form.as_ref())
        .and_then(|f| f.fields().iter().find(|field| field.key == key))
        .map_or_else(|| key.to_owned(), |field| lang.pick(&field.label).to_owned())
}

/// 整改工单: the department's tickets, read-only.
pub fn rectifications(frame: Frame<'_>, tickets: &[RectificationRecord]) -> Markup {
    let lang = frame.lang;
    let c = lang.c();
    page(
        frame,
        c.rectifications,
        html! {
            p { (c.rectifications_intro) }
            @if tickets.is_empty() {
                p class="notice" data-test="rectifications-empty" { (c.no_rectifications) }
            } @else {
                table class="queue" data-test="rectifications" {
                    thead { tr {
                        th scope="col" { (c.application) } th scope="col" { (c.col_opened) }
                        th scope="col" { (c.col_call_back_due) } th scope="col" { (c.col_report_due) }
                        th scope="col" { (c.col_called_back) } th scope="col" { (c.col_report) } th scope="col" { (c.col_verdict) }
                    } }
                    tbody {
                        @for r in tickets {
                            tr {
                                td class="code" { a href={ "/desk/applications/" (r.id.to_string()) } { (short_id(&r.id.to_string())) } }
                                td { (china_time(r.opened_at)) }
                                td { (r.call_back_due) }
                                td { (r.due) }
                                td { @match r.called_back_at { Some(at) => (china_time(at)), None => (c.not_yet) } }
                                td { @match &r.report { Some(text) => (text), None => (c.not_yet) } }
                                td { @match r.satisfied { Some(true) => (c.satisfied), Some(false) => (c.unsatisfied), None => "—" } }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// What the hall window found.
#[derive(Debug)]
pub enum HallResult<'a> {
    /// Nothing looked up yet.
    Nothing,
    /// A forged, altered or unreadable code.
    BadCode,
    /// A genuine code whose case is not here.
    NotHere,
    /// The case's progress.
    Found(&'a CaseQr, &'a TimelineView),
}

/// 窗口扫码: a case QR typed by the scanner, and the case's progress.
pub fn hall(frame: Frame<'_>, result: &HallResult<'_>) -> Markup {
    let lang = frame.lang;
    let c = lang.c();
    page(
        frame,
        c.hall,
        html! {
            p { (c.hall_intro) }
            form method="post" action="/desk/hall" class="hall" {
                input type="hidden" name="csrf" value=(frame.csrf);
                label for="code" { (c.hall_code) }
                input id="code" name="code" type="text" required maxlength="2000" autocomplete="off" autofocus;
                button type="submit" class="primary" data-test="lookup" { (c.hall_lookup) }
            }
            @match result {
                HallResult::Nothing => {},
                HallResult::BadCode => p class="notice error" role="alert" data-test="hall-refused" { (c.hall_bad_code) },
                HallResult::NotHere => p class="notice error" role="alert" data-test="hall-refused" { (c.hall_not_here) },
                HallResult::Found(qr, tl) => {
                    p class="notice ok" role="status" data-test="hall-verified" { (c.hall_verified) }
                    dl class="facts" {
                        dt { (c.col_case) } dd class="code" data-test="hall-case" { (qr.case_no.as_str()) }
                        dt { (c.accepting_department) } dd class="code" { (qr.department.as_str()) }
                        dt { (c.service) } dd class="code" { (qr.service.to_string()) }
                        dt { (c.phase) } dd data-test="phase" { (lang.phase(tl.phase)) }
                        @if let Some(due) = &tl.due { dt { (c.due) } dd { (due) } }
                    }
                    (timeline_tables(lang, tl))
                },
            }
        },
    )
}

//! Issue 17's figures on a store of many applications: seeding time, a case timeline over real
//! HTTP on loopback, and the sweeps (art. 32 and overdue, with the recount of dates that waited
//! for a notice) over every open application — on SQLite and on PostgreSQL.
//!
//! ```sh
//! cargo bench -p shimin-backend --bench applications_load          # 1 M on SQLite, 10 M on PostgreSQL
//! APPS_DB=sqlite APPS_CASES=100000 cargo bench -p shimin-backend --bench applications_load
//! ```
//!
//! Seeding (measured, reported apart): `APPS_CASES` applications (default 1,000,000 on SQLite,
//! 10,000,000 on PostgreSQL) over 1,000 departments, arrived over the last 300 days: one in ten
//! awaits pre-review, one in ten is closed, the rest are in approval with one open branch; three
//! events each. The rows are written by SQL (PostgreSQL: `INSERT … SELECT … generate_series` in
//! chunks; SQLite: one prepared statement per table in transactions of 100,000), each state one of
//! three real states built by core's workflow (so every row reads back and acts like a real one).
//! One in 10,000 open applications is past its date, so a sweep has real work.
//!
//! Measured: `GET /v1/desk/applications/{id}` (the timeline, as the workbench reads it) for random
//! applications of the demo workbench department (北京市朝阳区民政局, ~1/1,000 of the rows) by
//! `APPS_CONCURRENCY` clients (default 8) for `APPS_SECONDS` (default 10) — p50, p99, max; then
//! one sweep round (`Backend::sweep_applications`) over the whole store, and a second one (the
//! common case: nothing new is due). `APPS_PG_URL` runs against an empty database of a cluster
//! of one's own; the default test cluster runs with `fsync=off` like every backend test, which
//! flatters the sweep's writes (stated beside the figures).
#![allow(clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use shimin_backend::seed::{self, CHAOYANG_CIVIL_AFFAIRS_CODE};
use shimin_backend::server::{self, Limits};
use shimin_backend::service::{Backend, Config};
use shimin_backend::store::{DatabaseUrl, Store};
use shimin_core::application::workflow::{
    Action, Actor, Application, CaseNo, Event, Holder, Process, StepRef,
};
use shimin_core::calendar::Calendar;
use shimin_core::catalogue::time_limit::{TimeLimit, TimeUnit};
use shimin_core::cert::CreditCode;

const DEPARTMENTS: u64 = 1_000;
const DAY: i64 = 86_400;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1_000.0
}

/// The three kinds of application the seed writes: their state, version, phase, open flag and
/// events, all from core's workflow.
struct Template {
    state: String,
    version: i64,
    phase: &'static str,
    open: bool,
    events: Vec<String>,
}

fn templates(now: i64) -> [Template; 3] {
    let calendar = Calendar::official().expect("the calendar");
    let organ = CreditCode::parse(CHAOYANG_CIVIL_AFFAIRS_CODE).expect("a credit code");
    let limit = TimeLimit::Within { amount: 20, unit: TimeUnit::WorkingDays };
    // Arrived 30 days ago: past art. 32's day and past a 20-working-day limit, so a row whose
    // columns say it is due is due for core too.
    let arrived = now - 30 * DAY;
    let (mut app, first) =
        Application::submitted(organ.clone(), Process::single(organ.clone(), limit), arrived);
    let mut events: Vec<Event> = vec![first];
    events.extend(app.act(&Actor::System, Action::ChecksPassed, arrived, calendar).expect("checks"));
    let json = |events: &[Event]| {
        events.iter().map(|e| serde_json::to_string(&e.to_view()).expect("an event")).collect::<Vec<_>>()
    };
    let pre_review = Template {
        state: app.to_json(),
        version: i64::try_from(app.version()).expect("a version"),
        phase: "pre_review",
        open: true,
        events: json(&events),
    };
    let clerk = Actor::Officer(Holder::new("bench-clerk", organ.clone()).expect("a clerk"));
    let version = app.version();
    let case_no = CaseNo::parse(&template_case_no()).expect("a case no");
    events.extend(
        app.act(&clerk, Action::Accept { version, case_no }, arrived + 3_600, calendar).expect("accept"),
    );
    let in_approval = Template {
        state: app.to_json(),
        version: i64::try_from(app.version()).expect("a version"),
        phase: "in_approval",
        open: true,
        events: json(&events),
    };
    let branch = &app.stages()[0][0];
    let at = StepRef { stage: 0, department: organ, step: branch.step, version: branch.version };
    let mut done = events.clone();
    done.extend(app.act(&clerk, Action::Approve(at), arrived + 7_200, calendar).expect("approve"));
    done.extend(app.act(&Actor::System, Action::IssueResult, arrived + 7_300, calendar).expect("result"));
    done.extend(app.act(&Actor::System, Action::Close, arrived + 7_400, calendar).expect("close"));
    let closed = Template {
        state: app.to_json(),
        version: i64::try_from(app.version()).expect("a version"),
        phase: "closed",
        open: false,
        // Three events each, as for the others: the last three.
        events: json(&done[done.len() - 3..]),
    };
    [pre_review, in_approval, closed]
}

/// The case number in the templates' states, replaced by each row's own (the store checks that
/// the state and the column agree).
fn template_case_no() -> String {
    format!("{CHAOYANG_CIVIL_AFFAIRS_CODE}-20261101-999999")
}

/// Which template row `i` uses: 0 pre-review, 1 in approval, 2 closed.
fn kind(i: u64) -> usize {
    match i % 10 {
        0 => 0,
        1 => 2,
        _ => 1,
    }
}

/// Row `i`'s department: the demo workbench department for one in 1,000.
fn department(i: u64) -> String {
    let d = (i / 10) % DEPARTMENTS;
    if d == 0 { CHAOYANG_CIVIL_AFFAIRS_CODE.to_owned() } else { format!("D{d:017}") }
}

fn day_text(unix: i64) -> String {
    let date = shimin_core::application::workflow::china_date(unix).expect("a day");
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// Row `i`'s next date: one in 10,000 open rows is past it (yesterday), the others fall due in
/// the next days.
fn deadline(i: u64, now: i64) -> String {
    if i % 10_000 < 10 && kind(i) != 2 {
        day_text(now - DAY)
    } else {
        day_text(now + DAY * (1 + (i % 5) as i64))
    }
}

/// Row `i`'s case number: the demo department's, a day from 1 January 2026 and a serial (unique
/// for every row; never today's, so the sweep's own case numbers cannot collide).
fn case_no(i: u64) -> String {
    let day = time::Date::from_calendar_date(2026, time::Month::January, 1).expect("a day")
        + time::Duration::days((i / 1_000_000) as i64);
    format!(
        "{CHAOYANG_CIVIL_AFFAIRS_CODE}-{:04}{:02}{:02}-{:06}",
        day.year(),
        u8::from(day.month()),
        day.day(),
        i % 1_000_000
    )
}

fn id_bytes(i: u64) -> Vec<u8> {
    let mut id = vec![0u8; 8];
    id.extend_from_slice(&i.to_be_bytes());
    id
}

fn arrived_at(i: u64, now: i64) -> i64 {
    now - DAY * (1 + ((i * 7_919) % 300) as i64)
}

fn seed_sqlite(path: &std::path::Path, cases: u64, now: i64, t: &[Template; 3]) {
    let mut conn = rusqlite::Connection::open(path).expect("open");
    conn.busy_timeout(Duration::from_secs(30)).expect("timeout");
    let mut i = 0u64;
    while i < cases {
        let tx = conn.transaction().expect("tx");
        {
            let mut app = tx
                .prepare(
                    "INSERT INTO application (id, region, arrival_month, case_no, citizen, service_code, \
                     catalogue_version, department, arrived_at, body_sha256, submission, state, version, phase, \
                     next_deadline, overdue, open, updated_at) \
                     VALUES (?1, '110105', ?2, ?3, ?4, 'bench', 1, ?5, ?6, ?7, '{}', ?8, ?9, ?10, ?11, 0, ?12, ?6)",
                )
                .expect("prepare");
            let mut branch = tx
                .prepare(
                    "INSERT INTO application_branch (application_id, stage, department, region, arrival_month, \
                     step, due, overdue, open) VALUES (?1, 0, ?2, '110105', ?3, 0, ?4, 0, 1)",
                )
                .expect("prepare");
            let mut event = tx
                .prepare(
                    "INSERT INTO application_event (application_id, seq, arrival_month, at, event) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .expect("prepare");
            let end = (i + 100_000).min(cases);
            for n in i..end {
                let k = kind(n);
                let tpl = &t[k];
                let id = id_bytes(n);
                let at = arrived_at(n, now);
                let month = 202_600 + (n % 11 + 1) as i64;
                let case_no = (k != 0).then(|| case_no(n));
                let mut sha = [0u8; 32];
                sha[..8].copy_from_slice(&n.to_be_bytes());
                let due = (k != 2).then(|| deadline(n, now));
                app.execute(rusqlite::params![
                    id,
                    month,
                    case_no,
                    format!("C{}", n % 1_000_000),
                    department(n),
                    at,
                    sha.as_slice(),
                    case_no
                        .as_ref()
                        .map_or_else(|| tpl.state.clone(), |no| tpl.state.replace(&template_case_no(), no)),
                    tpl.version,
                    tpl.phase,
                    due,
                    tpl.open,
                ])
                .expect("application");
                if k == 1 {
                    branch.execute(rusqlite::params![id, department(n), month, due]).expect("branch");
                }
                for (seq, e) in tpl.events.iter().enumerate() {
                    event.execute(rusqlite::params![id, seq as i64, month, at, e]).expect("event");
                }
            }
            i = end;
        }
        tx.commit().expect("commit");
    }
}

async fn seed_postgres(url: &str, cases: u64, now: i64, t: &[Template; 3]) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(connection);
    let chaoyang = CHAOYANG_CIVIL_AFFAIRS_CODE;
    let today = day_text(now);
    let yesterday = day_text(now - DAY);
    let chunk = 500_000u64;
    let mut lo = 0u64;
    while lo < cases {
        let hi = (lo + chunk).min(cases) as i64;
        // The same rules as `kind`, `department`, `deadline`, `arrived_at` and `id_bytes`.
        let rows = "SELECT i, \
             CASE i % 10 WHEN 0 THEN 0 WHEN 1 THEN 2 ELSE 1 END AS k, \
             CASE WHEN (i / 10) % 1000 = 0 THEN $3::text ELSE 'D' || lpad(((i / 10) % 1000)::text, 17, '0') END AS dept, \
             $4::bigint - 86400 * (1 + (i * 7919) % 300) AS at, \
             202600 + i % 11 + 1 AS month, \
             decode(lpad(to_hex(i), 32, '0'), 'hex') AS id, \
             $3::text || '-' || to_char(date '2026-01-01' + (i / 1000000)::int, 'YYYYMMDD') || '-' || lpad((i % 1000000)::text, 6, '0') AS no, \
             CASE WHEN i % 10000 < 10 THEN $5::text ELSE to_char($6::text::date + (1 + i % 5)::int, 'YYYY-MM-DD') END AS due \
             FROM generate_series($1::bigint, $2::bigint - 1) AS i";
        let insert = format!(
            "INSERT INTO application (id, region, arrival_month, case_no, citizen, service_code, catalogue_version, \
             department, arrived_at, body_sha256, submission, state, version, phase, next_deadline, overdue, open, \
             updated_at) \
             SELECT id, '110105', month, CASE WHEN k = 0 THEN NULL ELSE no END, 'C' || (i % 1000000), 'bench', \
             1, dept, at, sha256(int8send(i)), '{{}}', \
             CASE k WHEN 0 THEN $7 WHEN 1 THEN replace($8, $13, no) ELSE replace($9, $13, no) END, CASE k WHEN 0 THEN $10 WHEN 1 THEN $11 ELSE $12 END, \
             CASE k WHEN 0 THEN 'pre_review' WHEN 1 THEN 'in_approval' ELSE 'closed' END, \
             CASE WHEN k = 2 THEN NULL ELSE due END, FALSE, k <> 2, at FROM ({rows}) r"
        );
        client
            .execute(
                &insert,
                &[
                    &(lo as i64),
                    &hi,
                    &chaoyang,
                    &now,
                    &yesterday,
                    &today,
                    &t[0].state,
                    &t[1].state,
                    &t[2].state,
                    &t[0].version,
                    &t[1].version,
                    &t[2].version,
                    &template_case_no(),
                ],
            )
            .await
            .expect("applications");
        let branches = format!(
            "INSERT INTO application_branch (application_id, stage, department, region, arrival_month, step, due, \
             overdue, open) SELECT id, 0, dept, '110105', month, 0, due, FALSE, TRUE FROM ({rows}) r WHERE k = 1"
        );
        client
            .execute(&branches, &[&(lo as i64), &hi, &chaoyang, &now, &yesterday, &today])
            .await
            .expect("branches");
        for seq in 0..3i64 {
            let events = format!(
                "INSERT INTO application_event (application_id, seq, arrival_month, at, event) \
                 SELECT id, $7, month, at, CASE k WHEN 0 THEN $8 WHEN 1 THEN $9 ELSE $10 END FROM ({rows}) r"
            );
            let s = seq as usize;
            client
                .execute(
                    &events,
                    &[
                        &(lo as i64),
                        &hi,
                        &chaoyang,
                        &now,
                        &yesterday,
                        &today,
                        &seq,
                        &t[0].events[s],
                        &t[1].events[s],
                        &t[2].events[s],
                    ],
                )
                .await
                .expect("events");
        }
        lo = hi as u64;
        eprintln!("seeded {lo} of {cases}");
    }
    client.execute("ANALYZE", &[]).await.expect("analyze");
}

struct Figures {
    database: &'static str,
    cases: u64,
    seed_seconds: f64,
    requests: usize,
    errors: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    sweep_ms: f64,
    swept: usize,
    quiet_sweep_ms: f64,
}

fn run(database: &'static str, url: String, cases: u64) -> Figures {
    let seconds = env_or("APPS_SECONDS", 10);
    let concurrency = env_or("APPS_CONCURRENCY", 8) as usize;
    let server_rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let store: Arc<dyn Store> =
        server_rt.block_on(url.parse::<DatabaseUrl>().expect("url").open()).expect("open");
    let config = Config {
        public_url: base.clone(),
        password_cost: shimin_backend::service::password::PasswordCost::CHEAP,
        ..Config::default()
    };
    let backend = server_rt.block_on(Backend::new(store, config)).expect("backend");
    let now = shimin_backend::now();
    server_rt.block_on(seed::seed(&backend, 1_000, now)).expect("seed the staff");

    let t = templates(now);
    let started = Instant::now();
    if let Some(path) = url.strip_prefix("sqlite://") {
        seed_sqlite(std::path::Path::new(path), cases, now, &t);
    } else {
        server_rt.block_on(seed_postgres(&url, cases, now, &t));
    }
    let seed_seconds = started.elapsed().as_secs_f64();

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = Limits { auth_burst: 1_000_000, auth_per_minute: 1_000_000, ..Limits::default() };
    let serving = server_rt.spawn(server::serve(listener, backend.clone(), limits, async {
        let _ = stopped.await;
    }));

    // The department's applications: rows i with (i / 10) % 1000 == 0.
    let ours: Vec<u64> = (0..cases).filter(|i| (i / 10) % DEPARTMENTS == 0).collect();
    let client_rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client");
    let token = client_rt.block_on(async {
        let response = http
            .post(format!("{base}/v1/staff/login"))
            .json(&serde_json::json!({"login": "chaoyang-civil-admin", "password": "demo-desk-2024"}))
            .send()
            .await
            .expect("login");
        assert!(response.status().is_success(), "login: {}", response.status());
        response.json::<shimin_wire::backend::StaffLoginResponse>().await.expect("json").token
    });
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let ours = Arc::new(ours);
    let (mut all, errors) = client_rt.block_on(async {
        let mut tasks = Vec::new();
        for task in 0..concurrency as u64 {
            let (http, base, token, ours) = (http.clone(), base.clone(), token.clone(), ours.clone());
            tasks.push(tokio::spawn(async move {
                // xorshift64: which application next, no more is needed of randomness here.
                let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ (task + 1);
                let mut times = Vec::new();
                let mut errors = 0usize;
                while Instant::now() < deadline && times.len() < 100_000 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let i = ours[(x % ours.len() as u64) as usize];
                    let id: String = id_bytes(i).iter().map(|b| format!("{b:02x}")).collect();
                    let t0 = Instant::now();
                    let ok = match http
                        .get(format!("{base}/v1/desk/applications/{id}"))
                        .bearer_auth(&token)
                        .send()
                        .await
                    {
                        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                        _ => false,
                    };
                    times.push(t0.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
                (times, errors)
            }));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        for task in tasks {
            let (times, e) = task.await.expect("task");
            all.extend(times);
            errors += e;
        }
        (all, errors)
    });
    all.sort();

    let t0 = Instant::now();
    let report = server_rt.block_on(backend.sweep_applications(now)).expect("sweep");
    let sweep_ms = t0.elapsed().as_secs_f64() * 1_000.0;
    let swept = report.deemed_accepted.len() + report.flagged_overdue.len() + report.recounted.len();
    let t1 = Instant::now();
    server_rt.block_on(backend.sweep_applications(now)).expect("sweep again");
    let quiet_sweep_ms = t1.elapsed().as_secs_f64() * 1_000.0;

    let _ = stop.send(());
    let _ = server_rt.block_on(serving);
    Figures {
        database,
        cases,
        seed_seconds,
        requests: all.len(),
        errors,
        p50_ms: percentile(&all, 50.0),
        p99_ms: percentile(&all, 99.0),
        max_ms: all.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1_000.0),
        sweep_ms,
        swept,
        quiet_sweep_ms,
    }
}

fn main() {
    // `cargo test` runs benches with `--bench` absent: do nothing then (this is no test).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let which = std::env::var("APPS_DB").unwrap_or_else(|_| "both".into());
    let mut rows = Vec::new();
    if which == "sqlite" || which == "both" {
        let cases = env_or("APPS_CASES", 1_000_000);
        let dir = common::temp_dir("apps");
        rows.push(run("SQLite", format!("sqlite://{}", dir.path().join("apps.db").display()), cases));
        drop(dir);
    }
    if which == "postgres" || which == "both" {
        let cases = env_or("APPS_CASES", 10_000_000);
        if let Ok(url) = std::env::var("APPS_PG_URL") {
            rows.push(run("PostgreSQL", url, cases));
        } else {
            let pg = common::Postgres::start();
            rows.push(run("PostgreSQL", pg.url.clone(), cases));
            drop(pg);
        }
    }
    println!(
        "| database | applications | seeding | timeline requests | errors | timeline p50 | p99 | max | sweep (work) | sweep (quiet) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for f in rows {
        println!(
            "| {} | {} | {:.0} s | {} | {} | {:.2} ms | {:.2} ms | {:.1} ms | {:.0} ms ({} applications) | {:.1} ms |",
            f.database,
            f.cases,
            f.seed_seconds,
            f.requests,
            f.errors,
            f.p50_ms,
            f.p99_ms,
            f.max_ms,
            f.sweep_ms,
            f.swept,
            f.quiet_sweep_ms
        );
    }
}

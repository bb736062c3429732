//! The applications area: a submission stored once by its id, the compare-and-set of its state,
//! the branch rows of a department's queue, the two sweeps' queries, uploads checked against
//! their declaration, the 材料库, case counters, 好差评 and the rectification's order.

use shimin_backend::store::{
    ApplicationUpdate, BranchRow, MaterialRecord, MaterialSource, NewApplication, NewLibraryItem,
    OverdueBranch, RatingRecord, RectificationRecord, ResultRecord, Store, StoreError, Submitted, UploadDecl,
    UploadPut,
};
use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::{
    Action, Actor, Application, CaseNo, Holder, Phase, Process, Reason,
};
use shimin_core::calendar::Calendar;
use shimin_core::catalogue::time_limit::{TimeLimit, TimeUnit};
use shimin_core::cert::CreditCode;

use crate::{DEPT, LI, ZHANG};

const ARRIVED: i64 = 1_765_000_000; // 2025-12-06, China

fn organ() -> CreditCode {
    CreditCode::parse(DEPT).expect("a credit code")
}

fn id(n: u8) -> ApplicationId {
    ApplicationId::parse(&format!("{n:02x}").repeat(16)).expect("an id")
}

/// An application past its automatic checks, waiting for pre-review (version 1).
fn in_pre_review() -> Application {
    let limit = TimeLimit::Within { amount: 20, unit: TimeUnit::WorkingDays };
    let (mut app, _) = Application::submitted(organ(), Process::single(organ(), limit), ARRIVED);
    let calendar = Calendar::official().expect("the calendar");
    app.act(&Actor::System, Action::ChecksPassed, ARRIVED, calendar).expect("checks pass");
    assert_eq!((app.phase(), app.version()), (Phase::PreReview, 1));
    app
}

fn new_application(n: u8, body: u8) -> NewApplication {
    let state = in_pre_review();
    NewApplication {
        id: id(n),
        region: "110105".into(),
        arrival_month: 202_512,
        citizen: ZHANG.into(),
        service_code: "11110105000000001700011000001".into(),
        catalogue_version: 7,
        department: DEPT.into(),
        arrived_at: ARRIVED,
        body_sha256: [body; 32],
        submission: "{\"answers\":{}}".into(),
        state,
        next_deadline: Some("2025-12-12".into()),
        events: vec![shimin_wire::workflow::EventView {
            action: shimin_wire::workflow::EventActionDto::Submitted,
            step: shimin_wire::catalogue::Localized { hans: "申请".into(), hant: None, en: None },
            officer: None,
            unit: None,
            start: ARRIVED,
            end: ARRIVED,
            note: None,
        }],
        materials: vec![
            MaterialRecord {
                material: "居民身份证".into(),
                source: MaterialSource::Wallet,
                reference: "ab".repeat(32),
            },
            MaterialRecord {
                material: "照片".into(),
                source: MaterialSource::Upload,
                reference: "cd".repeat(32),
            },
        ],
        uploads: vec![UploadDecl { sha256: [0xcd; 32], media_type: "image/jpeg".into(), size: 4 }],
    }
}

pub(crate) async fn applications_and_their_queues(store: &dyn Store) {
    // Submitted once; the same body again is the same application; another body is refused.
    let Submitted::New(stored) = store.submit_application(new_application(1, 1)).await.expect("submit")
    else {
        panic!("a new id is stored");
    };
    assert_eq!(stored.state, in_pre_review());
    let printed = format!("{stored:?} {:?}", new_application(1, 1));
    assert!(!printed.contains(ZHANG), "no identity number when a record is printed: {printed}");
    assert_eq!((stored.case_no.as_deref(), stored.catalogue_version, stored.overdue), (None, 7, false));
    let again = store.submit_application(new_application(1, 1)).await.expect("again");
    assert_eq!(again, Submitted::Same(stored.clone()), "the same body again changes nothing");
    assert_eq!(store.submit_application(new_application(1, 2)).await.expect("other"), Submitted::OtherBody);
    let mut stranger = new_application(1, 1);
    stranger.citizen = LI.into();
    assert_eq!(store.submit_application(stranger).await.expect("stranger"), Submitted::OtherBody);
    assert_eq!(store.application_events(id(1)).await.expect("events").len(), 1, "nothing written twice");
    assert_eq!(store.application(id(1)).await.expect("read").as_ref(), Some(&*stored));
    assert_eq!(store.application(id(9)).await.expect("read"), None);
    let mine = store.citizen_applications(ZHANG, 10).await.expect("mine");
    assert_eq!(mine.iter().map(|a| a.id).collect::<Vec<_>>(), [id(1)]);
    assert!(store.citizen_applications(LI, 10).await.expect("li's").is_empty());
    let materials = store.application_materials(id(1)).await.expect("materials");
    let mut expected = new_application(1, 1).materials;
    expected.sort_by(|a, b| a.material.cmp(&b.material));
    assert_eq!(materials, expected);

    // Uploads: only the declared digest, with its type and size, once.
    let sha = [0xcd; 32];
    assert_eq!(
        store.put_upload(id(1), [0xee; 32], "image/jpeg", vec![1; 4], 10).await.expect("put"),
        UploadPut::NotDeclared
    );
    assert_eq!(
        store.put_upload(id(1), sha, "image/png", vec![1; 4], 10).await.expect("put"),
        UploadPut::Mismatch
    );
    assert_eq!(
        store.put_upload(id(1), sha, "image/jpeg", vec![1; 5], 10).await.expect("put"),
        UploadPut::Mismatch
    );
    assert_eq!(store.upload_bytes(id(1), sha).await.expect("bytes"), None, "a mismatch stores nothing");
    assert_eq!(
        store.put_upload(id(1), sha, "image/jpeg", vec![1; 4], 10).await.expect("put"),
        UploadPut::Stored
    );
    assert_eq!(
        store.put_upload(id(1), sha, "image/jpeg", vec![1; 4], 11).await.expect("put"),
        UploadPut::AlreadyStored
    );
    assert_eq!(store.upload_bytes(id(1), sha).await.expect("bytes"), Some(vec![1; 4]));
    let uploads = store.application_uploads(id(1)).await.expect("uploads");
    assert_eq!((uploads.len(), uploads[0].stored_at), (1, Some(10)));

    // The pre-review queue and the art. 32 sweep's query.
    let queue = store.pre_review_queue(DEPT, 0, 10).await.expect("queue");
    assert_eq!(queue.iter().map(|a| a.id).collect::<Vec<_>>(), [id(1)]);
    assert!(store.pre_review_queue(DEPT, 1, 10).await.expect("page 2").is_empty());
    assert!(store.pre_review_queue("91110000000000000X", 0, 10).await.expect("other").is_empty());
    assert_eq!(store.pre_review_past("2025-12-13", 10).await.expect("sweep"), [id(1)]);
    assert!(store.pre_review_past("2025-12-12", 10).await.expect("sweep").is_empty(), "not before its day");

    // Case serials: per department and day, from 1.
    assert_eq!(store.next_case_serial(DEPT, "2025-12-06").await.expect("serial"), 1);
    assert_eq!(store.next_case_serial(DEPT, "2025-12-06").await.expect("serial"), 2);
    assert_eq!(store.next_case_serial(DEPT, "2025-12-07").await.expect("serial"), 1);

    // Accepting: a compare-and-set on the version read.
    let mut accepted = stored.state.clone();
    let officer = Actor::Officer(Holder { officer: "clerk".into(), unit: organ() });
    let case_no = CaseNo::parse("111101050000000017-20251206-000002").expect("a case number");
    let events = accepted
        .act(
            &officer,
            Action::Accept { version: 1, case_no },
            ARRIVED + 3600,
            Calendar::official().expect("calendar"),
        )
        .expect("accept");
    let branch = BranchRow {
        stage: 0,
        department: DEPT.into(),
        step: 0,
        due: Some("2026-01-05".into()),
        overdue: false,
        open: true,
    };
    let update = |expect_version| ApplicationUpdate {
        id: id(1),
        expect_version,
        state: accepted.clone(),
        next_deadline: Some("2026-01-05".into()),
        overdue: false,
        branches: vec![branch.clone()],
        events: events.iter().map(|e| e.to_view()).collect(),
        at: ARRIVED + 3600,
    };
    assert!(!store.update_application(update(0)).await.expect("stale"), "an old version writes nothing");
    assert_eq!(store.application(id(1)).await.expect("read").as_ref(), Some(&*stored));
    assert!(store.update_application(update(1)).await.expect("accept"));
    assert!(!store.update_application(update(1)).await.expect("twice"), "a double click writes nothing");
    let now = store.application(id(1)).await.expect("read").expect("stored");
    assert_eq!(now.state, accepted);
    assert_eq!(now.case_no.as_deref(), Some("111101050000000017-20251206-000002"));
    assert_eq!(store.application_events(id(1)).await.expect("events").len(), 1 + events.len());
    assert!(
        store.pre_review_queue(DEPT, 0, 10).await.expect("queue").is_empty(),
        "accepted leaves pre-review"
    );
    assert!(store.pre_review_past("2099-01-01", 10).await.expect("sweep").is_empty());
    // The hall window's look-up by case number; in approval is not yet 已办结.
    let by_no = store.application_by_case_no("111101050000000017-20251206-000002").await.expect("by number");
    assert_eq!(by_no.map(|a| a.id), Some(id(1)));
    assert_eq!(store.application_by_case_no("111101050000000017-20251206-000009").await.expect("none"), None);
    assert!(store.department_closed(DEPT, 0, 10).await.expect("closed").is_empty(), "open is not closed");

    // A second application with the same case number is refused by the database.
    let Submitted::New(second) = store.submit_application(new_application(2, 3)).await.expect("second")
    else {
        panic!("stored");
    };
    let mut clash = second.state.clone();
    let same_no = CaseNo::parse("111101050000000017-20251206-000002").expect("a case number");
    clash
        .act(
            &officer,
            Action::Accept { version: 1, case_no: same_no },
            ARRIVED,
            Calendar::official().expect("c"),
        )
        .expect("accept");
    let clash = ApplicationUpdate {
        id: id(2),
        expect_version: 1,
        state: clash,
        next_deadline: None,
        overdue: false,
        branches: Vec::new(),
        events: Vec::new(),
        at: ARRIVED,
    };
    assert!(matches!(store.update_application(clash).await, Err(StoreError::Conflict)));
    assert_eq!(store.application(id(2)).await.expect("read").expect("there").state, second.state);

    // The branch queue and the overdue sweep's query.
    let rows = store.branch_queue(DEPT, 0, 10).await.expect("branch queue");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].application.id, &rows[0].branch), (id(1), &branch));
    assert!(store.branch_queue("91110000000000000X", 0, 10).await.expect("other").is_empty());
    assert!(store.branches_falling_overdue("2026-01-05", 10).await.expect("sweep").is_empty());
    assert_eq!(
        store.branches_falling_overdue("2026-01-06", 10).await.expect("sweep"),
        [OverdueBranch { id: id(1), stage: 0, department: DEPT.into() }]
    );
    // The escalation sweep's query: flagged branches only, due before the day given.
    assert!(store.branches_to_escalate("2026-02-01", 10).await.expect("sweep").is_empty(), "not flagged");
    let current = store.application(id(1)).await.expect("read").expect("there");
    let flag = ApplicationUpdate {
        id: id(1),
        expect_version: current.state.version(),
        state: current.state.clone(),
        next_deadline: current.next_deadline.clone(),
        overdue: true,
        branches: vec![BranchRow { overdue: true, ..branch.clone() }],
        events: Vec::new(),
        at: ARRIVED,
    };
    assert!(store.update_application(flag).await.expect("flag"));
    assert!(store.branches_to_escalate("2026-01-05", 10).await.expect("sweep").is_empty());
    assert_eq!(
        store.branches_to_escalate("2026-01-06", 10).await.expect("sweep"),
        [OverdueBranch { id: id(1), stage: 0, department: DEPT.into() }]
    );
    assert!(
        store.branches_falling_overdue("2026-01-06", 10).await.expect("sweep").is_empty(),
        "flagged once"
    );

    // 材料库.
    let item = NewLibraryItem {
        citizen: ZHANG.into(),
        material_kind: "照片".into(),
        department: DEPT.into(),
        accepted_at: ARRIVED,
        valid_until: Some(ARRIVED + 86_400 * 180),
        from_application: id(1),
    };
    let item_id = store.add_library_item(item.clone()).await.expect("add");
    assert!(matches!(store.add_library_item(item.clone()).await, Err(StoreError::Conflict)));
    assert!(!format!("{item:?}").contains(ZHANG), "no identity number in a printed 材料库 item");
    let items = store.library_items(ZHANG).await.expect("items");
    assert_eq!((items.len(), items[0].id, &items[0].item), (1, item_id, &item));
    assert!(store.library_items(LI).await.expect("none").is_empty());

    // 好差评 once; a bad one opens a rectification, worked in order.
    let rating =
        RatingRecord { level: 2, tags: "[\"slow\"]".into(), text: Some("太慢".into()), rated_at: 500 };
    assert!(!format!("{rating:?}").contains("太慢"), "a citizen's words are not printed");
    let ticket = RectificationRecord {
        id: id(1),
        department: DEPT.into(),
        opened_at: 500,
        call_back_due: "2026-01-13".into(),
        due: "2026-01-20".into(),
        called_back_at: None,
        report: None,
        reported_at: None,
        satisfied: None,
        rated_at: None,
    };
    assert!(store.rate_application(id(1), rating.clone(), Some(ticket.clone())).await.expect("rate"));
    let mut better = rating.clone();
    better.level = 5;
    assert!(!store.rate_application(id(1), better, None).await.expect("twice"), "rated once");
    assert_eq!(store.application_rating(id(1)).await.expect("rating"), Some(rating));
    assert_eq!(store.application_rating(id(2)).await.expect("rating"), None);
    assert_eq!(store.rectification(id(1)).await.expect("ticket").as_ref(), Some(&ticket));
    assert_eq!(store.department_rectifications(DEPT, 10).await.expect("list"), std::slice::from_ref(&ticket));
    assert!(
        !store.rectification_report(id(1), "改了", 600).await.expect("report"),
        "no report before the call-back"
    );
    assert!(!store.rate_rectification(id(1), true, 600).await.expect("rate"), "no rating before the report");
    assert!(store.rectification_called_back(id(1), 600).await.expect("call back"));
    assert!(!store.rectification_called_back(id(1), 601).await.expect("again"));
    assert!(store.rectification_report(id(1), "改了", 700).await.expect("report"));
    assert!(!store.rectification_report(id(1), "再改", 701).await.expect("again"));
    assert!(store.rate_rectification(id(1), true, 800).await.expect("rate"));
    assert!(!store.rate_rectification(id(1), false, 801).await.expect("again"));
    let done = store.rectification(id(1)).await.expect("ticket").expect("there");
    assert_eq!(
        (done.called_back_at, done.report.as_deref(), done.reported_at, done.satisfied, done.rated_at),
        (Some(600), Some("改了"), Some(700), Some(true), Some(800))
    );
    assert_eq!(store.rectification(id(2)).await.expect("none"), None);

    // 不予受理 closes the second application: the desk's 已办结 lists it, and only for its
    // department.
    let mut refused = second.state.clone();
    let events = refused
        .act(
            &officer,
            Action::NotAccept {
                version: 1,
                reason: Reason::parse("不属于本机关职权范围").expect("a reason"),
            },
            ARRIVED + 60,
            Calendar::official().expect("calendar"),
        )
        .expect("not accepted");
    let update = ApplicationUpdate {
        id: id(2),
        expect_version: 1,
        state: refused,
        next_deadline: None,
        overdue: false,
        branches: Vec::new(),
        events: events.iter().map(|e| e.to_view()).collect(),
        at: ARRIVED + 60,
    };
    assert!(store.update_application(update).await.expect("not accepted"));
    let closed = store.department_closed(DEPT, 0, 10).await.expect("closed");
    assert_eq!(closed.iter().map(|a| a.id).collect::<Vec<_>>(), [id(2)]);
    assert!(store.department_closed(DEPT, 1, 10).await.expect("page 2").is_empty());
    assert!(store.department_closed("91110000000000000X", 0, 10).await.expect("other").is_empty());

    // The result document: once per application, the first one kept.
    let document = ResultRecord {
        title: "准予行政许可决定书".into(),
        text: "准予行政许可决定书\n办件编号：…".into(),
        code: "SMR1:ABC".into(),
        issued_at: 900,
    };
    assert_eq!(store.application_result(id(1)).await.expect("none yet"), None);
    assert!(store.put_result(id(1), document.clone()).await.expect("put"));
    let other = ResultRecord { code: "SMR1:XYZ".into(), issued_at: 901, ..document.clone() };
    assert!(!store.put_result(id(1), other).await.expect("again"), "stored once");
    assert_eq!(store.application_result(id(1)).await.expect("read"), Some(document));
    assert_eq!(store.application_result(id(2)).await.expect("other"), None);
}

/// Makes application 1's version disagree with its stored state (SQLite and PostgreSQL alike).
pub(crate) const SPOIL: &str = "UPDATE application SET version = version + 7 WHERE case_no IS NOT NULL";

/// After [`SPOIL`]: the row is refused, never handed on, in every read that carries it.
pub(crate) async fn a_corrupt_application_is_an_error(store: &dyn Store) {
    assert!(matches!(store.application(id(1)).await, Err(StoreError::Corrupt(_))));
    assert!(matches!(store.citizen_applications(ZHANG, 10).await, Err(StoreError::Corrupt(_))));
    assert!(matches!(store.branch_queue(DEPT, 0, 10).await, Err(StoreError::Corrupt(_))));
}

/// Applications whose due date waits for a year's holiday notice: found in id order, page by
/// page, until their columns are written.
pub(crate) async fn applications_awaiting_a_due_date(store: &dyn Store) {
    for (n, deadline) in [(40, None), (41, None), (42, Some("2025-12-12"))] {
        let new = NewApplication { next_deadline: deadline.map(Into::into), ..new_application(n, n) };
        assert!(matches!(store.submit_application(new).await.expect("submit"), Submitted::New(_)));
    }
    assert_eq!(store.awaiting_deadline(None, 10).await.expect("awaiting"), [id(40), id(41)]);
    assert_eq!(store.awaiting_deadline(None, 1).await.expect("first page"), [id(40)]);
    assert_eq!(store.awaiting_deadline(Some(id(40)), 10).await.expect("next page"), [id(41)]);
    assert!(store.awaiting_deadline(Some(id(41)), 10).await.expect("past the end").is_empty());
}

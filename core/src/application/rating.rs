//! 好差评: the citizen's one rating of an application, and the rectification (整改) a bad one
//! opens.
//!
//! The five levels are those of GB/T 39734-2020 (政务服务评价工作指南) and of the State
//! Council's opinion 国办发〔2019〕51号 (关于建立政务服务"好差评"制度提高政务服务水平的意见):
//! 非常满意, 满意, 基本满意, 不满意, 非常不满意 — scored 5 to 1 as the national 好差评 system
//! counts them. 不满意 and 非常不满意 are 差评.
//!
//! - One rating per application ("一事一评"): a second is refused ([`RatingError::AlreadyRated`]).
//! - Tags come from a fixed list ([`TAGS`]), praise for the upper levels and complaints for the
//!   lower, both for 基本满意; at most [`MAX_TAGS`]; text at most [`MAX_TEXT_CHARS`] characters.
//! - A 差评 opens a [`Rectification`]: the department calls the citizen back (回访) within
//!   [`CALL_BACK_WORKING_DAYS`] and reports what it fixed within
//!   [`RECTIFICATION_WORKING_DAYS`], both counted in working days from the day of the rating
//!   ([`WorkingDays`]); the citizen rates the rectification once.
//!
//! On the figures: 国办发〔2019〕51号 asks that every 差评 be verified with the citizen
//! (回访核实), that problems clear and reasonable be fixed at once and complex ones by a deadline
//! on a ledger, and that the call-back and rectification rate of named 差评 reach 100 %; the 15
//! working days for the rectification is the figure provinces published to implement it (四川:
//! "对不满意或者非常不满意问题，在15个工作日内整改到位"; some cities set 5). A one-working-day
//! call-back is Shimin's choice ("第一时间安排专人回访"). Both are constants here, to change in
//! one place if the deploying province sets others.

use std::fmt;

use shimin_wire::application::{RatingLevelDto, RatingView, RectificationStateDto, RectificationView};
use shimin_wire::catalogue::Localized;
use shimin_wire::workflow::ApplicationPhaseDto as Phase;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::calendar::{CalendarError, WorkingDays};
use crate::cert::attributes::format_date;
use crate::cert::types::CHINA_UTC_OFFSET_HOURS;

/// The working days a department has to rectify after a 差评.
pub const RECTIFICATION_WORKING_DAYS: u32 = 15;
/// The working days a department has to call the citizen back after a 差评.
pub const CALL_BACK_WORKING_DAYS: u32 = 1;
/// The most characters of a rating's text.
pub const MAX_TEXT_CHARS: usize = 500;
/// The most tags of one rating.
pub const MAX_TAGS: usize = 5;
/// The most characters of a department's report on a rectification.
pub const MAX_OUTCOME_CHARS: usize = 1_000;

/// A level of 好差评.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// 非常不满意 (1).
    VeryDissatisfied,
    /// 不满意 (2).
    Dissatisfied,
    /// 基本满意 (3).
    BasicallySatisfied,
    /// 满意 (4).
    Satisfied,
    /// 非常满意 (5).
    VerySatisfied,
}

impl Level {
    /// Every level, best first (as the rating screen lists them).
    pub const ALL: [Level; 5] = [
        Level::VerySatisfied,
        Level::Satisfied,
        Level::BasicallySatisfied,
        Level::Dissatisfied,
        Level::VeryDissatisfied,
    ];

    /// The score, 5 (非常满意) to 1 (非常不满意).
    pub fn score(self) -> u8 {
        match self {
            Level::VerySatisfied => 5,
            Level::Satisfied => 4,
            Level::BasicallySatisfied => 3,
            Level::Dissatisfied => 2,
            Level::VeryDissatisfied => 1,
        }
    }

    /// Whether it is a 差评 (不满意 or 非常不满意), which opens a rectification.
    pub fn is_bad(self) -> bool {
        self <= Level::Dissatisfied
    }

    /// Its name in the three languages.
    pub fn label(self) -> Localized {
        let (hans, hant, en) = match self {
            Level::VerySatisfied => ("非常满意", "非常滿意", "Very satisfied"),
            Level::Satisfied => ("满意", "滿意", "Satisfied"),
            Level::BasicallySatisfied => ("基本满意", "基本滿意", "Basically satisfied"),
            Level::Dissatisfied => ("不满意", "不滿意", "Dissatisfied"),
            Level::VeryDissatisfied => ("非常不满意", "非常不滿意", "Very dissatisfied"),
        };
        Localized { hans: hans.into(), hant: Some(hant.into()), en: Some(en.into()) }
    }
}

impl From<RatingLevelDto> for Level {
    fn from(dto: RatingLevelDto) -> Self {
        match dto {
            RatingLevelDto::VerySatisfied => Level::VerySatisfied,
            RatingLevelDto::Satisfied => Level::Satisfied,
            RatingLevelDto::BasicallySatisfied => Level::BasicallySatisfied,
            RatingLevelDto::Dissatisfied => Level::Dissatisfied,
            RatingLevelDto::VeryDissatisfied => Level::VeryDissatisfied,
        }
    }
}

impl From<Level> for RatingLevelDto {
    fn from(level: Level) -> Self {
        match level {
            Level::VerySatisfied => RatingLevelDto::VerySatisfied,
            Level::Satisfied => RatingLevelDto::Satisfied,
            Level::BasicallySatisfied => RatingLevelDto::BasicallySatisfied,
            Level::Dissatisfied => RatingLevelDto::Dissatisfied,
            Level::VeryDissatisfied => RatingLevelDto::VeryDissatisfied,
        }
    }
}

/// One tag of the fixed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// The code the wire carries.
    pub code: &'static str,
    /// Simplified Chinese.
    pub hans: &'static str,
    /// Traditional Chinese.
    pub hant: &'static str,
    /// English.
    pub en: &'static str,
    /// Praise (for 基本满意 and above) or a complaint (for 基本满意 and below).
    pub praise: bool,
}

const fn tag(
    code: &'static str,
    hans: &'static str,
    hant: &'static str,
    en: &'static str,
    praise: bool,
) -> Tag {
    Tag { code, hans, hant, en, praise }
}

/// Every tag, praise first.
pub const TAGS: [Tag; 12] = [
    tag("efficient", "办事效率高", "辦事效率高", "Done quickly", true),
    tag("one_trip", "一次办好", "一次辦好", "Done in one go", true),
    tag("friendly", "服务态度好", "服務態度好", "Friendly service", true),
    tag("few_materials", "材料精简", "材料精簡", "Few materials asked", true),
    tag("clear_guide", "指引清晰", "指引清晰", "Clear guidance", true),
    tag("easy_online", "网上办理便捷", "網上辦理便捷", "Easy online", true),
    tag("slow", "办事效率低", "辦事效率低", "Slow", false),
    tag("many_trips", "多次跑动", "多次跑動", "Too many trips", false),
    tag("unfriendly", "服务态度差", "服務態度差", "Unfriendly service", false),
    tag("repeated_materials", "材料重复提交", "材料重複提交", "Materials asked again", false),
    tag("unclear_guide", "指引不清晰", "指引不清晰", "Unclear guidance", false),
    tag("overdue", "超时办理", "超時辦理", "Past the time limit", false),
];

impl Tag {
    /// The tag of `code`.
    pub fn from_code(code: &str) -> Option<Tag> {
        TAGS.into_iter().find(|t| t.code == code)
    }

    /// Whether it may go with `level`.
    pub fn fits(self, level: Level) -> bool {
        if self.praise { level >= Level::BasicallySatisfied } else { level <= Level::BasicallySatisfied }
    }

    /// The tags offered for `level`.
    pub fn for_level(level: Level) -> impl Iterator<Item = Tag> {
        TAGS.into_iter().filter(move |t| t.fits(level))
    }
}

/// Why a rating or a step of a rectification is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    /// The application is rated already.
    #[error("this application is rated already")]
    AlreadyRated,
    /// A tag not in the list.
    #[error("an unknown tag")]
    UnknownTag,
    /// A tag of praise on a bad rating, or a complaint on a good one.
    #[error("the tag {0} does not go with this level")]
    TagNotForLevel(&'static str),
    /// A tag twice, or more than [`MAX_TAGS`].
    #[error("repeated or too many tags")]
    Tags,
    /// Text longer than allowed, or with control characters.
    #[error("the text is too long or has control characters")]
    Text,
    /// The working-day calendar has no answer for the deadline.
    #[error("the deadline cannot be counted: {0}")]
    Calendar(CalendarError),
    /// A rectification step out of order (a report before the call-back, a rating before the
    /// report, anything after the rating).
    #[error("the rectification is not at that step")]
    WrongStep,
    /// The application is not decided yet: it is rated after its case ("办件后评价").
    #[error("the application is not decided yet")]
    NotDecided,
}

/// Where a rectification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RectificationState {
    /// Opened; no call-back yet.
    Open,
    /// Called back.
    CalledBack,
    /// Reported done.
    Done,
    /// Rated by the citizen.
    Rated,
}

/// The ticket a 差评 opens.
#[derive(Clone, PartialEq, Eq)]
pub struct Rectification {
    /// Where it stands.
    pub state: RectificationState,
    /// The day of the rating.
    pub opened_on: Date,
    /// The last day to call back.
    pub call_back_due: Date,
    /// The last day to rectify.
    pub due: Date,
    /// The department's report.
    pub outcome: Option<String>,
    /// The citizen's rating of it.
    pub satisfied: Option<bool>,
}

impl fmt::Debug for Rectification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rectification")
            .field("state", &self.state)
            .field("opened_on", &self.opened_on)
            .field("due", &self.due)
            .finish_non_exhaustive()
    }
}

impl Rectification {
    /// The department called the citizen back.
    ///
    /// # Errors
    /// [`RatingError::WrongStep`] unless it is open.
    pub fn call_back(&mut self) -> Result<(), RatingError> {
        self.step(RectificationState::Open, RectificationState::CalledBack)
    }

    /// The department reports what it did.
    ///
    /// # Errors
    /// [`RatingError::WrongStep`] before the call-back or after the report; [`RatingError::Text`].
    pub fn report(&mut self, outcome: &str) -> Result<(), RatingError> {
        let outcome = checked_text(outcome, MAX_OUTCOME_CHARS)?;
        self.step(RectificationState::CalledBack, RectificationState::Done)?;
        self.outcome = Some(outcome);
        Ok(())
    }

    /// The citizen rates the rectification, once.
    ///
    /// # Errors
    /// [`RatingError::WrongStep`] before the report or a second time.
    pub fn rate(&mut self, satisfied: bool) -> Result<(), RatingError> {
        self.step(RectificationState::Done, RectificationState::Rated)?;
        self.satisfied = Some(satisfied);
        Ok(())
    }

    /// The call-back is late on `today`.
    pub fn call_back_overdue(&self, today: Date) -> bool {
        self.state == RectificationState::Open && today > self.call_back_due
    }

    /// The rectification is late on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        matches!(self.state, RectificationState::Open | RectificationState::CalledBack) && today > self.due
    }

    fn step(&mut self, from: RectificationState, to: RectificationState) -> Result<(), RatingError> {
        if self.state != from {
            return Err(RatingError::WrongStep);
        }
        self.state = to;
        Ok(())
    }

    /// As the wire shows it.
    pub fn view(&self) -> RectificationView {
        RectificationView {
            state: match self.state {
                RectificationState::Open => RectificationStateDto::Open,
                RectificationState::CalledBack => RectificationStateDto::CalledBack,
                RectificationState::Done => RectificationStateDto::Done,
                RectificationState::Rated => RectificationStateDto::Rated,
            },
            opened_on: format_date(self.opened_on),
            call_back_due: format_date(self.call_back_due),
            due: format_date(self.due),
            outcome: self.outcome.clone(),
            satisfied: self.satisfied,
        }
    }
}

/// A rating. `Debug` hides the text (it may name people).
#[derive(Clone, PartialEq, Eq)]
pub struct Rating {
    /// The level.
    pub level: Level,
    /// The tags' codes.
    pub tags: Vec<&'static str>,
    /// The text.
    pub text: String,
    /// When, Unix seconds.
    pub rated_at: i64,
    /// The rectification a 差评 opened.
    pub rectification: Option<Rectification>,
}

impl fmt::Debug for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rating")
            .field("level", &self.level)
            .field("tags", &self.tags)
            .field("rectification", &self.rectification)
            .finish_non_exhaustive()
    }
}

impl Rating {
    /// As the wire shows it.
    pub fn view(&self) -> RatingView {
        RatingView {
            level: self.level.into(),
            tags: self.tags.iter().map(|t| (*t).to_owned()).collect(),
            text: self.text.clone(),
            rated_at: self.rated_at,
            rectification: self.rectification.as_ref().map(Rectification::view),
        }
    }
}

/// Rates an application at `now`: `existing` is its rating so far (a second is refused);
/// a 差评 opens a rectification with its deadlines counted by `calendar` from the day of `now`
/// in China time.
///
/// # Errors
/// [`RatingError`].
pub fn rate(
    existing: Option<&Rating>,
    level: Level,
    tags: &[String],
    text: &str,
    now: i64,
    calendar: &dyn WorkingDays,
) -> Result<Rating, RatingError> {
    if existing.is_some() {
        return Err(RatingError::AlreadyRated);
    }
    if tags.len() > MAX_TAGS {
        return Err(RatingError::Tags);
    }
    let mut codes: Vec<&'static str> = Vec::with_capacity(tags.len());
    for code in tags {
        let tag = Tag::from_code(code).ok_or(RatingError::UnknownTag)?;
        if !tag.fits(level) {
            return Err(RatingError::TagNotForLevel(tag.code));
        }
        if codes.contains(&tag.code) {
            return Err(RatingError::Tags);
        }
        codes.push(tag.code);
    }
    let text = if text.trim().is_empty() { String::new() } else { checked_text(text, MAX_TEXT_CHARS)? };
    let rectification = if level.is_bad() {
        let opened_on = china_day(now);
        let due = |n| calendar.due(opened_on, n).map_err(RatingError::Calendar);
        Some(Rectification {
            state: RectificationState::Open,
            opened_on,
            call_back_due: due(CALL_BACK_WORKING_DAYS)?,
            due: due(RECTIFICATION_WORKING_DAYS)?,
            outcome: None,
            satisfied: None,
        })
    } else {
        None
    };
    Ok(Rating { level, tags: codes, text, rated_at: now, rectification })
}

/// Whether an application in `phase` may be rated: once it is decided — approved, refused, not
/// accepted, its result issued, or closed. Before (in pre-review, in approval, waiting for a
/// correction) it is [`RatingError::NotDecided`]; an application whose automatic checks failed
/// never reached a department, so there is nothing to rate.
///
/// # Errors
/// [`RatingError::NotDecided`].
pub fn rateable(phase: Phase) -> Result<(), RatingError> {
    match phase {
        Phase::Approved | Phase::Refused | Phase::NotAccepted | Phase::ResultIssued | Phase::Closed => Ok(()),
        Phase::Submitted
        | Phase::ChecksFailed
        | Phase::PreReview
        | Phase::CorrectionRequested
        | Phase::InApproval => Err(RatingError::NotDecided),
    }
}

fn checked_text(text: &str, most: usize) -> Result<String, RatingError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > most || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(RatingError::Text);
    }
    Ok(text.to_owned())
}

/// The day in China of Unix second `now`.
fn china_day(now: i64) -> Date {
    let offset = UtcOffset::from_hms(CHINA_UTC_OFFSET_HOURS, 0, 0).unwrap_or(UtcOffset::UTC);
    OffsetDateTime::from_unix_timestamp(now).map_or(Date::MIN, |t| t.to_offset(offset).date())
}

#[cfg(test)]
mod tests {
    use time::{Month, Weekday};

    use super::*;

    /// Weekends only, over 2026 and 2027 — a test double, not the official calendar.
    struct Weekends;

    impl WorkingDays for Weekends {
        fn is_working_day(&self, day: Date) -> Result<bool, CalendarError> {
            if !(2026..=2027).contains(&day.year()) {
                return Err(CalendarError::NotCovered { year: day.year() });
            }
            Ok(!matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday))
        }
    }

    /// Monday 7 December 2026, 09:00 China time.
    const MONDAY: i64 = 1_796_605_200;

    fn day(month: Month, d: u8) -> Date {
        Date::from_calendar_date(2026, month, d).unwrap_or(Date::MIN)
    }

    fn tags(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn five_levels_scored_as_the_standard_and_the_bad_ones_are_two() {
        assert_eq!(Level::ALL.map(Level::score), [5, 4, 3, 2, 1]);
        assert_eq!(
            Level::ALL.map(|l| l.label().hans),
            ["非常满意", "满意", "基本满意", "不满意", "非常不满意"].map(String::from)
        );
        assert_eq!(Level::ALL.map(Level::is_bad), [false, false, false, true, true]);
        for level in Level::ALL {
            assert_eq!(Level::from(RatingLevelDto::from(level)), level);
            assert!(Tag::for_level(level).count() >= 6);
        }
        assert!(TAGS.iter().all(|t| !t.hans.is_empty() && !t.hant.is_empty() && !t.en.is_empty()));
    }

    #[test]
    fn only_a_decided_application_is_rated() {
        for phase in [Phase::Approved, Phase::Refused, Phase::NotAccepted, Phase::ResultIssued, Phase::Closed]
        {
            assert_eq!(rateable(phase), Ok(()), "{phase:?}");
        }
        for phase in [
            Phase::Submitted,
            Phase::ChecksFailed,
            Phase::PreReview,
            Phase::CorrectionRequested,
            Phase::InApproval,
        ] {
            assert_eq!(rateable(phase), Err(RatingError::NotDecided), "{phase:?}");
        }
    }

    #[test]
    fn a_good_rating_opens_nothing_and_an_application_is_rated_once() {
        let rating =
            rate(None, Level::Satisfied, &tags(&["efficient", "one_trip"]), " 很快 ", MONDAY, &Weekends)
                .expect("a rating");
        assert_eq!((rating.tags.clone(), rating.text.as_str()), (vec!["efficient", "one_trip"], "很快"));
        assert!(rating.rectification.is_none());
        assert_eq!(
            rate(Some(&rating), Level::VeryDissatisfied, &[], "", MONDAY + 60, &Weekends),
            Err(RatingError::AlreadyRated)
        );
        assert!(!format!("{rating:?}").contains("很快"), "Debug hides the text");
    }

    #[test]
    fn tags_and_text_keep_to_the_list_and_the_limits() {
        let r =
            |level, t: &[&str], text: &str| rate(None, level, &tags(t), text, MONDAY, &Weekends).map(|_| ());
        assert_eq!(r(Level::VerySatisfied, &["slow"], ""), Err(RatingError::TagNotForLevel("slow")));
        assert_eq!(r(Level::Dissatisfied, &["friendly"], ""), Err(RatingError::TagNotForLevel("friendly")));
        assert_eq!(r(Level::BasicallySatisfied, &["friendly", "slow"], ""), Ok(()), "both kinds at 基本满意");
        assert_eq!(r(Level::Satisfied, &["fast-ish"], ""), Err(RatingError::UnknownTag));
        assert_eq!(r(Level::Dissatisfied, &["slow", "slow"], ""), Err(RatingError::Tags));
        let six = ["slow", "many_trips", "unfriendly", "repeated_materials", "unclear_guide", "overdue"];
        assert_eq!(r(Level::VeryDissatisfied, &six, ""), Err(RatingError::Tags));
        assert_eq!(r(Level::VeryDissatisfied, &six[..5], ""), Ok(()));
        assert_eq!(r(Level::Satisfied, &[], &"好".repeat(MAX_TEXT_CHARS)), Ok(()));
        assert_eq!(r(Level::Satisfied, &[], &"好".repeat(MAX_TEXT_CHARS + 1)), Err(RatingError::Text));
        assert_eq!(r(Level::Satisfied, &[], "好\u{7}"), Err(RatingError::Text));
    }

    #[test]
    fn a_bad_rating_opens_a_rectification_due_in_working_days() {
        let rating = rate(None, Level::Dissatisfied, &tags(&["many_trips"]), "跑了三次", MONDAY, &Weekends)
            .expect("a rating");
        let ticket = rating.rectification.clone().expect("a 差评 opens a rectification");
        assert_eq!(ticket.opened_on, day(Month::December, 7));
        assert_eq!(ticket.call_back_due, day(Month::December, 8), "one working day");
        // Fifteen working days from Monday 7 December, weekends skipped: Monday 28 December.
        assert_eq!(ticket.due, day(Month::December, 28));
        assert_eq!(ticket.state, RectificationState::Open);
        let view = rating.view();
        assert_eq!(
            view.rectification.map(|r| (r.due, r.call_back_due)),
            Some(("2026-12-28".into(), "2026-12-08".into()))
        );
        // Rated late on a Friday: the count starts from that day, in China time.
        let friday_night = MONDAY + 4 * 86_400 + 14 * 3_600; // Friday 23:00 China time
        let late = rate(None, Level::VeryDissatisfied, &[], "", friday_night, &Weekends).expect("rating");
        let ticket = late.rectification.expect("ticket");
        assert_eq!(
            (ticket.opened_on, ticket.call_back_due),
            (day(Month::December, 11), day(Month::December, 14))
        );
        // A deadline the calendar cannot count is an error, not a guess.
        let december_24 = MONDAY + 382 * 86_400; // 2027-12-24: fifteen working days reach 2028
        assert_eq!(
            rate(None, Level::Dissatisfied, &[], "", december_24, &Weekends),
            Err(RatingError::Calendar(CalendarError::NotCovered { year: 2028 }))
        );
    }

    #[test]
    fn the_rectification_goes_call_back_report_rating_once_each_and_can_be_late() {
        let rating = rate(None, Level::VeryDissatisfied, &[], "", MONDAY, &Weekends).expect("rating");
        let mut ticket = rating.rectification.expect("ticket");
        assert!(!ticket.call_back_overdue(day(Month::December, 8)));
        assert!(ticket.call_back_overdue(day(Month::December, 9)));
        assert_eq!(ticket.report("已整改"), Err(RatingError::WrongStep), "no report before the call-back");
        assert_eq!(ticket.rate(true), Err(RatingError::WrongStep));
        ticket.call_back().expect("call back");
        assert_eq!(ticket.call_back(), Err(RatingError::WrongStep));
        assert!(!ticket.call_back_overdue(day(Month::December, 9)));
        assert!(ticket.overdue(day(Month::December, 29)) && !ticket.overdue(day(Month::December, 28)));
        assert_eq!(ticket.report(" "), Err(RatingError::Text));
        ticket.report("已约谈窗口人员并调整排班").expect("report");
        assert!(!ticket.overdue(day(Month::December, 29)), "done is not late");
        ticket.rate(false).expect("the citizen rates it");
        assert_eq!(ticket.rate(true), Err(RatingError::WrongStep), "once");
        assert_eq!((ticket.state, ticket.satisfied), (RectificationState::Rated, Some(false)));
        assert_eq!(ticket.view().state, RectificationStateDto::Rated);
    }
}

//! 好差评 and rectifications (issue 17, item 7): the citizen rates a decided application once, a
//! 差评 opens a rectification ticket for the department with deadlines counted by the backend's
//! calendar, the department calls back and reports, and the citizen rates the rectification once.
//!
//! Core decides every rule ([`shimin_core::application::rating`]): whether the application may be
//! rated, the tags and the text, the deadlines, the order of the ticket's steps. This module reads
//! the stored rows back into core's values, asks core, and writes the change as the store's
//! once-only write (`false` when someone was first: "already done", nothing changed). Every
//! change of a ticket is told to the citizen as a sync notification, with no personal data.
//!
//! The ticket's id in the desk's routes is the rated application's id; the ticket belongs to the
//! application's accepting department, and another department is answered as if there were none.

use shimin_core::application::rating::{
    self, Level, Rating, RatingError, Rectification, RectificationState, Tag,
};
use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::{china_date, parse_iso_date};
use shimin_core::clock::UnixSeconds;
use shimin_wire::application::{
    RatingRequest, RatingView, RectificationRatingRequest, RectificationRow, RectificationView,
};

use super::Backend;
use super::applications::{ApplicationError, iso};
use crate::store::{
    ApplicationRecord, EventKind, NewEvent, RatingRecord, RectificationRecord, StaffRecord, Store, StoreError,
};

/// How many tickets the department's list shows.
pub const TICKETS_LIMIT: u64 = 200;

/// Why a rating or a step of a rectification was not taken. Nothing changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum RatingsError {
    /// No such application (or ticket) for this citizen or department — one answer, so nobody
    /// learns of another's.
    #[error("not found")]
    NotFound,
    /// The body names another application than the path.
    #[error("the body's application id is not the path's")]
    IdMismatch,
    /// Core refused: already rated, not decided yet, a tag, the text, a step out of order.
    #[error("{0}")]
    Refused(RatingError),
    /// Someone was first with the same step (a double click): nothing changed.
    #[error("already done")]
    AlreadyDone,
    /// The storage or the calendar failed.
    #[error(transparent)]
    Application(#[from] ApplicationError),
}

impl From<StoreError> for RatingsError {
    fn from(e: StoreError) -> Self {
        Self::Application(ApplicationError::Store(e))
    }
}

impl From<RatingError> for RatingsError {
    fn from(e: RatingError) -> Self {
        match e {
            RatingError::Calendar(c) => Self::Application(ApplicationError::Calendar(c)),
            other => Self::Refused(other),
        }
    }
}

fn corrupt(what: &'static str) -> RatingsError {
    StoreError::Corrupt(what).into()
}

/// A stored rating and its ticket as core's [`Rating`].
///
/// # Errors
/// [`StoreError::Corrupt`] (as [`RatingsError::Application`]) for a row that does not parse.
pub fn rating_of(
    record: &RatingRecord,
    rectification: Option<&RectificationRecord>,
) -> Result<Rating, RatingsError> {
    let level =
        Level::ALL.into_iter().find(|l| l.score() == record.level).ok_or_else(|| corrupt("rating level"))?;
    let codes: Vec<String> = serde_json::from_str(&record.tags).map_err(|_| corrupt("rating tags"))?;
    let tags = codes
        .iter()
        .map(|c| Tag::from_code(c).map(|t| t.code).ok_or_else(|| corrupt("rating tag")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rating {
        level,
        tags,
        text: record.text.clone().unwrap_or_default(),
        rated_at: record.rated_at,
        rectification: rectification.map(rectification_of).transpose()?,
    })
}

/// A stored ticket as core's [`Rectification`]: its state is the last step recorded.
///
/// # Errors
/// [`StoreError::Corrupt`] (as [`RatingsError::Application`]) for a row that does not parse.
pub fn rectification_of(record: &RectificationRecord) -> Result<Rectification, RatingsError> {
    let state = if record.rated_at.is_some() {
        RectificationState::Rated
    } else if record.reported_at.is_some() {
        RectificationState::Done
    } else if record.called_back_at.is_some() {
        RectificationState::CalledBack
    } else {
        RectificationState::Open
    };
    let day = |text: &str| parse_iso_date(text).ok_or_else(|| corrupt("rectification date"));
    Ok(Rectification {
        state,
        opened_on: china_date(record.opened_at).ok_or_else(|| corrupt("rectification opened"))?,
        call_back_due: day(&record.call_back_due)?,
        due: day(&record.due)?,
        outcome: record.report.clone(),
        satisfied: record.satisfied,
    })
}

/// Pushes `text` about `record` into its citizen's sync feed: the case number and what happened.
async fn tell(
    store: &dyn Store,
    record: &ApplicationRecord,
    text: &str,
    at: UnixSeconds,
) -> Result<(), StoreError> {
    let message = match &record.case_no {
        Some(no) => format!("办件 {no}：{text}"),
        None => format!("您的申请：{text}"),
    };
    store
        .append_event(NewEvent {
            citizen_id_number: record.citizen.clone(),
            device_id: None,
            kind: EventKind::Notification,
            certificate_id: None,
            status: None,
            message: Some(message),
            created_at: at,
        })
        .await
        .map(|_| ())
}

/// The citizen's own application, or [`RatingsError::NotFound`].
async fn citizens(
    store: &dyn Store,
    citizen: &str,
    id: ApplicationId,
) -> Result<ApplicationRecord, RatingsError> {
    store.application(id).await?.filter(|r| r.citizen == citizen).ok_or(RatingsError::NotFound)
}

/// The department's ticket and its application, or [`RatingsError::NotFound`].
async fn departments(
    store: &dyn Store,
    staff: &StaffRecord,
    id: ApplicationId,
) -> Result<(ApplicationRecord, RectificationRecord), RatingsError> {
    let ticket = store
        .rectification(id)
        .await?
        .filter(|r| r.department == staff.department_code)
        .ok_or(RatingsError::NotFound)?;
    let record = store.application(id).await?.ok_or(RatingsError::NotFound)?;
    Ok((record, ticket))
}

impl Backend {
    /// The citizen rates their application once, after it is decided; a 差评 opens the
    /// department's rectification ticket, due in working days by [`Backend::calendar`].
    ///
    /// # Errors
    /// [`RatingsError`]: not theirs, not decided, rated already, a tag or text refused.
    pub async fn rate_application(
        &self,
        citizen: &str,
        id: ApplicationId,
        request: RatingRequest,
        now: UnixSeconds,
    ) -> Result<RatingView, RatingsError> {
        let store = self.store.as_ref();
        let record = citizens(store, citizen, id).await?;
        if request.application_id != id.to_string() {
            return Err(RatingsError::IdMismatch);
        }
        rating::rateable(record.state.phase())?;
        let existing = match store.application_rating(id).await? {
            Some(r) => Some(rating_of(&r, store.rectification(id).await?.as_ref())?),
            None => None,
        };
        let rated = rating::rate(
            existing.as_ref(),
            request.level.into(),
            &request.tags,
            &request.text,
            now,
            self.calendar(),
        )?;
        let row = RatingRecord {
            level: rated.level.score(),
            tags: serde_json::to_string(&rated.tags).map_err(|_| corrupt("rating tags"))?,
            text: (!rated.text.is_empty()).then(|| rated.text.clone()),
            rated_at: now,
        };
        let ticket = rated.rectification.as_ref().map(|t| RectificationRecord {
            id,
            department: record.department.clone(),
            opened_at: now,
            call_back_due: iso(t.call_back_due),
            due: iso(t.due),
            called_back_at: None,
            report: None,
            reported_at: None,
            satisfied: None,
            rated_at: None,
        });
        if !store.rate_application(id, row, ticket).await? {
            return Err(RatingsError::Refused(RatingError::AlreadyRated));
        }
        let text = if rated.rectification.is_some() {
            "已收到您的评价，整改单已转办理部门"
        } else {
            "已收到您的评价"
        };
        tell(store, &record, text, now).await?;
        Ok(rated.view())
    }

    /// The citizen's rating of their application, with its ticket; `None` before they rated.
    ///
    /// # Errors
    /// [`RatingsError::NotFound`] for another's application; storage.
    pub async fn application_rating(
        &self,
        citizen: &str,
        id: ApplicationId,
    ) -> Result<Option<RatingView>, RatingsError> {
        let store = self.store.as_ref();
        citizens(store, citizen, id).await?;
        let Some(record) = store.application_rating(id).await? else { return Ok(None) };
        let ticket = store.rectification(id).await?;
        Ok(Some(rating_of(&record, ticket.as_ref())?.view()))
    }

    /// The citizen rates the rectification of their 差评 once, after the department's report.
    ///
    /// # Errors
    /// [`RatingsError`]: no ticket, before the report, a second time.
    pub async fn rate_rectification(
        &self,
        citizen: &str,
        id: ApplicationId,
        request: RectificationRatingRequest,
        now: UnixSeconds,
    ) -> Result<RectificationView, RatingsError> {
        let store = self.store.as_ref();
        citizens(store, citizen, id).await?;
        if request.application_id != id.to_string() {
            return Err(RatingsError::IdMismatch);
        }
        let stored = store.rectification(id).await?.ok_or(RatingsError::NotFound)?;
        let mut ticket = rectification_of(&stored)?;
        ticket.rate(request.satisfied)?;
        if !store.rate_rectification(id, request.satisfied, now).await? {
            return Err(RatingsError::AlreadyDone);
        }
        Ok(ticket.view())
    }

    /// The staff member's department's rectification tickets, oldest first, each flagged when
    /// its call-back or its rectification is late on the day of `now` (China).
    ///
    /// # Errors
    /// [`RatingsError`]: storage, or a stored row that does not parse.
    pub async fn department_rectifications(
        &self,
        staff: &StaffRecord,
        now: UnixSeconds,
    ) -> Result<Vec<RectificationRow>, RatingsError> {
        let store = self.store.as_ref();
        let today = china_date(now).ok_or(ApplicationError::Time)?;
        let mut rows = Vec::new();
        for ticket in store.department_rectifications(&staff.department_code, TICKETS_LIMIT).await? {
            let Some(record) = store.application(ticket.id).await? else { continue };
            let Some(rated) = store.application_rating(ticket.id).await? else { continue };
            let rating = rating_of(&rated, Some(&ticket))?;
            let open = rectification_of(&ticket)?;
            rows.push(RectificationRow {
                application_id: ticket.id.to_string(),
                case_no: record.case_no.clone(),
                service_code: record.service_code.clone(),
                rating: rating.view(),
                call_back_overdue: open.call_back_overdue(today),
                overdue: open.overdue(today),
            });
        }
        Ok(rows)
    }

    /// The department called the citizen back (回访) on its ticket; once.
    ///
    /// # Errors
    /// [`RatingsError`]: another department's or no ticket, called back already.
    pub async fn rectification_call_back(
        &self,
        staff: &StaffRecord,
        id: ApplicationId,
        now: UnixSeconds,
    ) -> Result<RectificationView, RatingsError> {
        let store = self.store.as_ref();
        let (record, stored) = departments(store, staff, id).await?;
        let mut ticket = rectification_of(&stored)?;
        ticket.call_back()?;
        if !store.rectification_called_back(id, now).await? {
            return Err(RatingsError::AlreadyDone);
        }
        tell(store, &record, "办理部门已就您的评价回访", now).await?;
        Ok(ticket.view())
    }

    /// The department reports what it did on its ticket, after the call-back; once.
    ///
    /// # Errors
    /// [`RatingsError`]: another department's or no ticket, before the call-back, reported
    /// already, the text refused.
    pub async fn rectification_report(
        &self,
        staff: &StaffRecord,
        id: ApplicationId,
        outcome: &str,
        now: UnixSeconds,
    ) -> Result<RectificationView, RatingsError> {
        let store = self.store.as_ref();
        let (record, stored) = departments(store, staff, id).await?;
        let mut ticket = rectification_of(&stored)?;
        ticket.report(outcome)?;
        let text = ticket.outcome.clone().unwrap_or_default();
        if !store.rectification_report(id, &text, now).await? {
            return Err(RatingsError::AlreadyDone);
        }
        tell(store, &record, "整改结果已反馈，请评价整改", now).await?;
        Ok(ticket.view())
    }
}

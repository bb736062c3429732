//! The handlers of the workbench's application pages: thin — read the session, parse the query
//! or the form, call one `Backend` method (`service::desk::cases`), render or redirect.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shimin_wire::workflow::{
    CorrectionItemDto, CorrectionTargetDto, DeskActionRequest, QueueTabDto, SpecialProcedureDto, StepRefDto,
};

use super::case_pages::{self, HallResult, Outcome, parse_tab, procedure_slug};
use super::i18n::DeskLang;
use super::pages::{self, Frame, Nav};
use super::{Desk, Signed, csrf_ok, failed, forged, html, language_of, to_sign_in};
use crate::now;
use crate::service::ServiceError;
use crate::service::desk::cases::CaseError;

/// The queue's query: `?tab=pre_review&page=2`.
#[derive(Debug, Deserialize)]
pub(super) struct QueueQuery {
    #[serde(default)]
    tab: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

impl QueueQuery {
    /// The tab and the page; anything unreadable is the first page of 待预审.
    pub(super) fn parsed(&self) -> (QueueTabDto, u32) {
        let tab = self.tab.as_deref().and_then(parse_tab).unwrap_or(QueueTabDto::PreReview);
        let page = self.page.as_deref().and_then(|p| p.parse::<u32>().ok()).filter(|p| *p >= 1).unwrap_or(1);
        (tab, page)
    }
}

/// A failure of the application pages as a page with its status.
fn case_refusal(lang: DeskLang, error: &CaseError, signed: &Signed, path: &str) -> Response {
    let c = lang.c();
    let (status, text) = match error {
        CaseError::NotFound => (StatusCode::NOT_FOUND, c.not_found),
        CaseError::BadRequest(_) => (StatusCode::BAD_REQUEST, c.bad_form),
        CaseError::Application(e) => {
            tracing::error!(error = %e, "workbench application failure");
            return failed(lang, &ServiceError::Unavailable("applications"), Some(signed), path);
        }
        CaseError::Service(e) => return failed(lang, e, Some(signed), path),
        // The application page answers these itself.
        CaseError::AlreadyDone | CaseError::Stale | CaseError::Refused(_) | CaseError::BadCode => {
            (StatusCode::CONFLICT, c.stale)
        }
    };
    let frame = Frame { lang, csrf: &signed.csrf, who: Some(&signed.who), nav: Nav::Queue, path };
    html(status, pages::refused(frame, text))
}

pub(super) async fn queue(
    State(desk): State<Desk>,
    headers: HeaderMap,
    Query(query): Query<QueueQuery>,
) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/queue");
    let (tab, page) = query.parsed();
    match desk.app.backend.desk_queue(&signed.staff, tab, page).await {
        Ok(view) => {
            let frame = Frame {
                lang,
                csrf: &signed.csrf,
                who: Some(&signed.who),
                nav: Nav::Queue,
                path: "/desk/queue",
            };
            html(StatusCode::OK, case_pages::queue(frame, &view))
        }
        Err(e) => case_refusal(lang, &e, &signed, "/desk/queue"),
    }
}

/// The application page's query: `?reveal=id` shows the whole identity number.
#[derive(Debug, Deserialize)]
pub(super) struct CaseQuery {
    #[serde(default)]
    reveal: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// Renders the application page with `outcome` (and a refusal's text) at `status`.
async fn render_case(
    desk: &Desk,
    signed: &Signed,
    lang: DeskLang,
    id: &str,
    reveal: bool,
    (status, outcome, refused): (StatusCode, Outcome, Option<&str>),
) -> Response {
    match desk.app.backend.desk_case(&signed.staff, id, reveal).await {
        Ok(file) => {
            let path = format!("/desk/applications/{}", file.record.id);
            let frame =
                Frame { lang, csrf: &signed.csrf, who: Some(&signed.who), nav: Nav::Queue, path: &path };
            html(status, case_pages::application(frame, &file, outcome, refused))
        }
        Err(e) => case_refusal(lang, &e, signed, "/desk/queue"),
    }
}

pub(super) async fn application(
    State(desk): State<Desk>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<CaseQuery>,
) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/queue");
    let reveal = query.reveal.as_deref() == Some("id");
    let outcome = if query.done.as_deref() == Some("1") { Outcome::Done } else { Outcome::None };
    render_case(&desk, &signed, lang, &id, reveal, (StatusCode::OK, outcome, None)).await
}

/// The first value of `name` in a form.
fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn step_of(form: &[(String, String)]) -> Option<StepRefDto> {
    Some(StepRefDto {
        stage: field(form, "stage")?.parse().ok()?,
        department: field(form, "department")?.to_owned(),
        step: field(form, "step")?.parse().ok()?,
        version: field(form, "branch_version")?.parse().ok()?,
    })
}

fn procedure_of(slug: &str) -> Option<SpecialProcedureDto> {
    [
        SpecialProcedureDto::Hearing,
        SpecialProcedureDto::Inspection,
        SpecialProcedureDto::ExpertReview,
        SpecialProcedureDto::PublicNotice,
    ]
    .into_iter()
    .find(|p| procedure_slug(*p) == slug)
}

/// One correction item from its checkbox value (`m{index}` or `f-{key}`) and its reason box.
fn correction_item(form: &[(String, String)], key: &str) -> Option<CorrectionItemDto> {
    let target = if let Some(field_key) = key.strip_prefix("f-") {
        CorrectionTargetDto::Field { key: field_key.to_owned() }
    } else {
        CorrectionTargetDto::Material { index: key.strip_prefix('m')?.parse().ok()? }
    };
    let reason = field(form, &format!("reason-{key}")).unwrap_or_default().trim().to_owned();
    Some(CorrectionItemDto { target, reason })
}

/// The desk action a workbench form asks for; `None` when the form does not make one.
pub(super) fn request_of(form: &[(String, String)]) -> Option<DeskActionRequest> {
    let version = || field(form, "version").and_then(|v| v.parse::<u64>().ok());
    let reason = || field(form, "reason").unwrap_or_default().trim().to_owned();
    Some(match field(form, "action")? {
        "accept" => DeskActionRequest::Accept { version: version()? },
        "not_accept" => DeskActionRequest::NotAccept { version: version()?, reason: reason() },
        "correction" => {
            let items = form
                .iter()
                .filter(|(k, _)| k == "fix")
                .map(|(_, key)| correction_item(form, key))
                .collect::<Option<Vec<_>>>()?;
            DeskActionRequest::RequestCorrection { version: version()?, items }
        }
        "approve" => DeskActionRequest::Approve { at: step_of(form)? },
        "refuse" => DeskActionRequest::Refuse { at: step_of(form)?, reason: reason() },
        "forward" => DeskActionRequest::Forward {
            at: step_of(form)?,
            officer: field(form, "officer")?.trim().to_owned(),
            unit: field(form, "unit")?.trim().to_owned(),
        },
        "stop_clock" => DeskActionRequest::StopClock {
            at: step_of(form)?,
            procedure: procedure_of(field(form, "procedure")?)?,
        },
        "restart_clock" => DeskActionRequest::RestartClock { at: step_of(form)? },
        _ => return None,
    })
}

pub(super) async fn act(
    State(desk): State<Desk>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/queue");
    if !csrf_ok(&headers, &signed, field(&form, "csrf")) {
        return forged(lang, Some(&signed));
    }
    let c = lang.c();
    let Some(request) = request_of(&form) else {
        return render_case(
            &desk,
            &signed,
            lang,
            &id,
            false,
            (StatusCode::BAD_REQUEST, Outcome::None, Some(c.bad_form)),
        )
        .await;
    };
    match desk.app.backend.desk_case_action(&signed.staff, &id, request, now()).await {
        Ok(record) => Redirect::to(&format!("/desk/applications/{}?done=1", record.id)).into_response(),
        Err(CaseError::AlreadyDone) => {
            render_case(&desk, &signed, lang, &id, false, (StatusCode::CONFLICT, Outcome::AlreadyDone, None))
                .await
        }
        Err(CaseError::Stale) => {
            render_case(&desk, &signed, lang, &id, false, (StatusCode::CONFLICT, Outcome::Stale, None)).await
        }
        Err(CaseError::Refused(why)) => {
            let text = format!("{}{why}", c.action_refused);
            render_case(
                &desk,
                &signed,
                lang,
                &id,
                false,
                (StatusCode::UNPROCESSABLE_ENTITY, Outcome::None, Some(&text)),
            )
            .await
        }
        Err(e) => case_refusal(lang, &e, &signed, "/desk/queue"),
    }
}

pub(super) async fn upload(
    State(desk): State<Desk>,
    headers: HeaderMap,
    Path((id, sha256)): Path<(String, String)>,
) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/queue");
    match desk.app.backend.desk_upload(&signed.staff, &id, &sha256).await {
        Ok((media_type, bytes)) => {
            // The stored type was sniffed from the bytes when they arrived; a text that is not a
            // header value is served as bytes.
            let content_type = HeaderValue::from_str(&media_type)
                .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
            ([(CONTENT_TYPE, content_type), (CONTENT_DISPOSITION, HeaderValue::from_static("inline"))], bytes)
                .into_response()
        }
        Err(e) => case_refusal(lang, &e, &signed, "/desk/queue"),
    }
}

pub(super) async fn rectifications(State(desk): State<Desk>, headers: HeaderMap) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/rectifications");
    match desk.app.backend.desk_rectifications(&signed.staff).await {
        Ok(tickets) => {
            let frame = Frame {
                lang,
                csrf: &signed.csrf,
                who: Some(&signed.who),
                nav: Nav::Rectifications,
                path: "/desk/rectifications",
            };
            html(StatusCode::OK, case_pages::rectifications(frame, &tickets))
        }
        Err(e) => case_refusal(lang, &e, &signed, "/desk/rectifications"),
    }
}

pub(super) async fn hall_page(State(desk): State<Desk>, headers: HeaderMap) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/hall");
    let frame =
        Frame { lang, csrf: &signed.csrf, who: Some(&signed.who), nav: Nav::Hall, path: "/desk/hall" };
    html(StatusCode::OK, case_pages::hall(frame, &HallResult::Nothing))
}

/// The hall window's form.
#[derive(Debug, Deserialize)]
pub(super) struct HallForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    code: String,
}

pub(super) async fn hall_lookup(
    State(desk): State<Desk>,
    headers: HeaderMap,
    Form(form): Form<HallForm>,
) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/hall");
    if !csrf_ok(&headers, &signed, form.csrf.as_deref()) {
        return forged(lang, Some(&signed));
    }
    let frame =
        Frame { lang, csrf: &signed.csrf, who: Some(&signed.who), nav: Nav::Hall, path: "/desk/hall" };
    match desk.app.backend.desk_case_qr(&form.code, now()).await {
        Ok((qr, timeline)) => {
            html(StatusCode::OK, case_pages::hall(frame, &HallResult::Found(&qr, &timeline)))
        }
        Err(CaseError::BadCode) => {
            html(StatusCode::UNPROCESSABLE_ENTITY, case_pages::hall(frame, &HallResult::BadCode))
        }
        Err(CaseError::NotFound) => {
            html(StatusCode::NOT_FOUND, case_pages::hall(frame, &HallResult::NotHere))
        }
        Err(e) => case_refusal(lang, &e, &signed, "/desk/hall"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::desk::case_pages::TABS;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_correction_form_sends_every_ticked_item_with_its_reason_at_once() {
        let request = request_of(&form(&[
            ("action", "correction"),
            ("version", "3"),
            ("fix", "m1"),
            ("reason-m1", " 照片不清晰 "),
            ("reason-m0", "not ticked"),
            ("fix", "f-address"),
            ("reason-f-address", "地址不完整"),
        ]));
        assert_eq!(
            request,
            Some(DeskActionRequest::RequestCorrection {
                version: 3,
                items: vec![
                    CorrectionItemDto {
                        target: CorrectionTargetDto::Material { index: 1 },
                        reason: "照片不清晰".into()
                    },
                    CorrectionItemDto {
                        target: CorrectionTargetDto::Field { key: "address".into() },
                        reason: "地址不完整".into()
                    },
                ],
            })
        );
    }

    #[test]
    fn step_forms_carry_the_branch_version_and_bad_forms_make_no_action() {
        let step =
            [("stage", "0"), ("department", "111101050000000017"), ("step", "1"), ("branch_version", "4")];
        let mut approve = form(&step);
        approve.push(("action".into(), "approve".into()));
        assert_eq!(
            request_of(&approve),
            Some(DeskActionRequest::Approve {
                at: StepRefDto { stage: 0, department: "111101050000000017".into(), step: 1, version: 4 }
            })
        );
        let mut stop = form(&step);
        stop.extend(form(&[("action", "stop_clock"), ("procedure", "expert_review")]));
        assert!(matches!(
            request_of(&stop),
            Some(DeskActionRequest::StopClock { procedure: SpecialProcedureDto::ExpertReview, .. })
        ));
        assert_eq!(request_of(&form(&[("action", "approve"), ("stage", "0")])), None, "no step");
        assert_eq!(request_of(&form(&[("action", "accept"), ("version", "x")])), None);
        assert_eq!(request_of(&form(&[("action", "delete"), ("version", "1")])), None);
        assert_eq!(request_of(&form(&[("action", "correction"), ("version", "1"), ("fix", "zz")])), None);
        assert!(TABS.iter().all(|t| parse_tab(case_pages::tab_slug(*t)) == Some(*t)));
    }
}

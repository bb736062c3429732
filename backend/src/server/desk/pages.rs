//! The workbench's pages, rendered on the server with `maud` (every interpolation escaped). No
//! script: forms POST, and each carries the session's CSRF token.

use maud::{DOCTYPE, Markup, html};
use shimin_core::catalogue::guide::{Requirement, Service, ServiceStatus};

use super::i18n::DeskLang;
use crate::service::desk::{DeskRole, ServiceAction};

/// Which navigation entry a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// The sign-in page (no navigation).
    None,
    /// 办件队列.
    Queue,
    /// 事项目录.
    Catalogue,
    /// 整改工单.
    Rectifications,
    /// 窗口扫码.
    Hall,
}

/// Who is signed in, as the header shows them.
#[derive(Debug, Clone)]
pub struct Who {
    /// The department's name.
    pub department: String,
    /// The officer's login.
    pub login: String,
    /// Their role.
    pub role: DeskRole,
}

/// What every page shares.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The page's language.
    pub lang: DeskLang,
    /// The CSRF token of the session (or the pre-session) for the page's forms.
    pub csrf: &'a str,
    /// The signed-in staff member, if any.
    pub who: Option<&'a Who>,
    /// The navigation entry.
    pub nav: Nav,
    /// The page's own path, for the language switch to come back to.
    pub path: &'a str,
}

/// A page: the document, the header with the department and the officer, the navigation, the
/// language switch and `main`.
pub fn page(frame: Frame<'_>, title: &str, main: Markup) -> Markup {
    let t = frame.lang.t();
    html! {
        (DOCTYPE)
        html lang=(frame.lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t.product) }
                link rel="stylesheet" href="/desk/static/desk.css";
            }
            body {
                a class="skip" href="#main" { (t.skip) }
                header class="bar" {
                    div class="brand" { (t.product) }
                    @if let Some(who) = frame.who {
                        div class="who" {
                            span class="department" data-test="department" { (who.department) }
                            span class="officer" {
                                (t.officer) (t.colon) span data-test="officer" { (who.login) }
                                " · " span data-test="role" { (t.role(who.role)) }
                            }
                        }
                    }
                    form class="languages" method="post" action="/desk/language" {
                        input type="hidden" name="csrf" value=(frame.csrf);
                        input type="hidden" name="back" value=(frame.path);
                        span class="label" id="lang-label" { (t.language) }
                        @for lang in DeskLang::ALL {
                            button type="submit" name="lang" value=(lang.tag()) lang=(lang.tag())
                                aria-describedby="lang-label"
                                aria-pressed=(if lang == frame.lang { "true" } else { "false" }) {
                                (lang.own_name())
                            }
                        }
                    }
                }
                @if frame.who.is_some() {
                    nav class="main-nav" aria-label=(t.navigation) {
                        a href="/desk/queue" aria-current=[(frame.nav == Nav::Queue).then_some("page")] { (t.queue) }
                        a href="/desk/services" aria-current=[(frame.nav == Nav::Catalogue).then_some("page")] { (t.catalogue) }
                        a href="/desk/rectifications" aria-current=[(frame.nav == Nav::Rectifications).then_some("page")] { (frame.lang.c().rectifications) }
                        a href="/desk/hall" aria-current=[(frame.nav == Nav::Hall).then_some("page")] { (frame.lang.c().hall) }
                        form method="post" action="/desk/logout" class="sign-out" {
                            input type="hidden" name="csrf" value=(frame.csrf);
                            button type="submit" data-test="sign-out" { (t.sign_out) }
                        }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (main)
                }
            }
        }
    }
}

/// The sign-in page, with a refusal or a notice when there is one.
pub fn sign_in(frame: Frame<'_>, notice: Option<&str>) -> Markup {
    let t = frame.lang.t();
    page(
        frame,
        t.sign_in_title,
        html! {
            @if let Some(notice) = notice {
                p class="notice error" role="alert" data-test="error" { (notice) }
            }
            form class="sign-in" method="post" action="/desk/login" {
                input type="hidden" name="csrf" value=(frame.csrf);
                label for="login" { (t.login) }
                input id="login" name="login" type="text" autocomplete="username" required maxlength="64" autofocus;
                label for="password" { (t.password) }
                input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256";
                button type="submit" class="primary" data-test="sign-in" { (t.sign_in) }
            }
        },
    )
}

fn status_pill(lang: DeskLang, status: ServiceStatus) -> Markup {
    let class = match status {
        ServiceStatus::Active => "pill active",
        ServiceStatus::Suspended => "pill suspended",
        ServiceStatus::Cancelled => "pill cancelled",
    };
    html! { span class=(class) data-test="state" { (lang.t().status(status)) } }
}

/// 事项目录: the department's services.
pub fn catalogue(frame: Frame<'_>, services: &[Service]) -> Markup {
    let lang = frame.lang;
    let t = lang.t();
    page(
        frame,
        t.catalogue,
        html! {
            p { (t.catalogue_intro) }
            @if services.is_empty() {
                p class="notice" { (t.catalogue_empty) }
            } @else {
                table class="services" {
                    thead { tr { th scope="col" { (t.name) } th scope="col" { (t.code) } th scope="col" { (t.promised) } th scope="col" { (t.state) } } }
                    tbody {
                        @for s in services {
                            tr data-code=(s.code.to_string()) {
                                td { a href={ "/desk/services/" (s.code.to_string()) } { (lang.pick(&s.name)) } }
                                td class="code" { (s.code.to_string()) }
                                td { (lang.limit(s.promised_limit)) }
                                td { (status_pill(lang, s.status)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A service's guide, with the administrator's actions (or why there are none).
pub fn guide(frame: Frame<'_>, service: &Service, role: DeskRole, done: bool) -> Markup {
    let lang = frame.lang;
    let t = lang.t();
    let code = service.code.to_string();
    page(
        frame,
        lang.pick(&service.name),
        html! {
            p { a href="/desk/services" { "← " (t.back_to_list) } }
            @if done { p class="notice ok" role="status" data-test="done" { (t.done) } }
            dl class="facts" {
                dt { (t.state) } dd { (status_pill(lang, service.status)) }
                dt { (t.code) } dd class="code" { (code) }
                dt { (t.organ) } dd { (lang.pick(&service.organ.name)) }
                dt { (t.promised) } dd { (lang.limit(service.promised_limit)) }
                dt { (t.statutory) } dd { (lang.limit(service.statutory_limit)) }
                dt { (t.result) } dd { (lang.pick(&service.result.name)) }
                dt { (t.version) } dd { (service.version) }
            }
            section aria-labelledby="actions" class="actions" {
                h2 id="actions" { (t.actions) }
                @if role != DeskRole::Administrator {
                    p class="notice" data-test="admin-only" { (t.actions_admin_only) }
                } @else {
                    div class="buttons" {
                        @for action in [ServiceAction::Suspend, ServiceAction::Resume, ServiceAction::Cancel] {
                            @if action.applies_to(service.status) {
                                a class={ "button " (action.slug()) } data-test=(action.slug())
                                    href={ "/desk/services/" (code) "/" (action.slug()) } { (t.action(action)) }
                            }
                        }
                    }
                }
            }
            @if !service.conditions.is_empty() {
                section aria-labelledby="conditions" {
                    h2 id="conditions" { (t.conditions) }
                    ul { @for c in &service.conditions { li { (lang.pick(c)) } } }
                }
            }
            section aria-labelledby="materials" {
                h2 id="materials" { (t.materials) }
                ol {
                    @for m in &service.materials {
                        li {
                            (lang.pick(&m.name))
                            @if let Requirement::Conditional(when) = &m.requirement {
                                span class="muted" { " — " (t.only_if) (lang.pick(when)) }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="steps" {
                h2 id="steps" { (t.steps) }
                ol {
                    @for s in &service.steps {
                        li { strong { (lang.pick(&s.name)) } " " (lang.pick(&s.detail)) }
                    }
                }
            }
            section aria-labelledby="fees" {
                h2 id="fees" { (t.fees) }
                @if service.fees.is_empty() {
                    p { (t.free) }
                } @else {
                    ul { @for f in &service.fees { li { (lang.pick(&f.item)) " ¥" (f.amount_fen / 100) "." (format!("{:02}", f.amount_fen % 100)) } } }
                }
            }
        },
    )
}

/// The confirmation step of an action.
pub fn confirm(frame: Frame<'_>, service: &Service, action: ServiceAction) -> Markup {
    let lang = frame.lang;
    let t = lang.t();
    let code = service.code.to_string();
    page(
        frame,
        t.confirm_title,
        html! {
            p class="subject" { strong { (t.action(action)) (t.colon) (lang.pick(&service.name)) } " " span class="code" { (code) } }
            p { (t.action_means(action)) }
            form method="post" action={ "/desk/services/" (code) "/" (action.slug()) } class="confirm" {
                input type="hidden" name="csrf" value=(frame.csrf);
                button type="submit" class={ "primary " (action.slug()) } data-test="confirm" { (t.confirm) }
                a class="button" href={ "/desk/services/" (code) } { (t.keep) }
            }
        },
    )
}

/// A refusal, in the staff member's language.
pub fn refused(frame: Frame<'_>, message: &str) -> Markup {
    let t = frame.lang.t();
    page(
        frame,
        t.refused_title,
        html! {
            p class="notice error" role="alert" data-test="refused" { (message) }
            @if frame.who.is_some() { p { a href="/desk/services" { (t.back_to_list) } } }
        },
    )
}

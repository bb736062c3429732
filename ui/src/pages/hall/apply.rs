//! Applying online (在线办理, issue 17): the form generated from the guide's definition — each
//! field kind its input, labelled, required marked, a conditional field shown only while it is
//! asked, prefilled from the wallet (an ID number masked), each field checked by the core when the
//! citizen leaves it —, then each material with its best source ("来自卡包：居民身份证 ✓",
//! 材料库, or a file), the reason when a better one cannot be used, and the choice of another;
//! 提交 lists every problem at once, or stores the application in the outbox and opens 我的办件.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::application::{FieldProblemDto, FieldValueDto, FindingDto};
use shimin_wire::apply::{
    ApplyFormView, CheckFieldRequest, FormFieldView, InputView, MaterialSourcesView, PickDto, SourceKindView,
    SourceView, StagedUploadView, SubmitApplicationRequest, SubmitOutcomeView, UnusableView,
    UploadProblemView, WhenView,
};
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement};

use crate::api;
use crate::apply_text::{finding_text, masked_id, problem_text, upload_problem_key};
use crate::components::app_bar::AppBar;
use crate::components::status::{error_key, type_name};
use crate::context::use_app;
use crate::i18n::{Key, Language, t, tf};
use crate::route::Route;

/// What the citizen chose for one material.
#[derive(Debug, Clone, PartialEq)]
enum Choice {
    /// Not given (a conditional material).
    None,
    /// A source of the list, by its position.
    Source(usize),
}

/// A file chosen for a material: accepted with its id, or refused.
type Staged = Result<String, UploadProblemView>;

fn asked(when: &Option<WhenView>, values: &BTreeMap<String, FieldValueDto>) -> bool {
    let Some(w) = when else { return true };
    match values.get(&w.field) {
        Some(FieldValueDto::Text(code)) => w.one_of.contains(code),
        Some(FieldValueDto::YesNo(b)) => w.one_of.iter().any(|v| v == if *b { "yes" } else { "no" }),
        Some(FieldValueDto::Codes(codes)) => codes.iter().any(|c| w.one_of.contains(c)),
        None => false,
    }
}

fn text_of(v: Option<&FieldValueDto>) -> String {
    match v {
        Some(FieldValueDto::Text(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The state of the page.
#[derive(Clone, Copy)]
struct Form {
    view: StoredValue<ApplyFormView>,
    values: RwSignal<BTreeMap<String, FieldValueDto>>,
    problems: RwSignal<BTreeMap<String, FieldProblemDto>>,
    choices: RwSignal<BTreeMap<u8, Choice>>,
    staged: RwSignal<BTreeMap<u8, Staged>>,
}

impl Form {
    fn label(&self, key: &str) -> String {
        self.view.with_value(|v| {
            v.fields.iter().find(|f| f.key == key).map_or_else(|| key.to_owned(), |f| f.label.clone())
        })
    }

    fn material_name(&self, index: u8) -> String {
        self.view.with_value(|v| {
            v.materials
                .iter()
                .find(|m| m.index == index)
                .map_or_else(|| index.to_string(), |m| m.name.clone())
        })
    }

    fn set(&self, key: &str, value: FieldValueDto) {
        self.values.update(|v| {
            v.insert(key.to_owned(), value);
        });
    }

    /// Asks the core about one field as the citizen leaves it.
    fn check(&self, key: String) {
        let form = *self;
        let code = self.view.with_value(|v| v.code.clone());
        let values = self.values.get_untracked().into_iter().collect();
        spawn_local(async move {
            if let Ok(problem) =
                api::check_application_field(CheckFieldRequest { code, key: key.clone(), values }).await
            {
                form.problems.update(|p| match problem {
                    Some(problem) => {
                        p.insert(key, problem);
                    }
                    None => {
                        p.remove(&key);
                    }
                });
            }
        });
    }
}

fn field_input(l: Language, form: Form, f: &FormFieldView) -> AnyView {
    let key = f.key.clone();
    let id = format!("field-{key}");
    let problem_id = format!("{id}-problem");
    let value = {
        let key = key.clone();
        move || text_of(form.values.with(|v| v.get(&key).cloned()).as_ref())
    };
    let leave = {
        let key = key.clone();
        move |_| form.check(key.clone())
    };
    let on_text = {
        let key = key.clone();
        move |ev: leptos::ev::Event| {
            let input: HtmlInputElement = event_target(&ev);
            form.set(&key, FieldValueDto::Text(input.value()));
        }
    };
    let invalid = {
        let key = key.clone();
        move || form.problems.with(|p| p.contains_key(&key)).to_string()
    };
    match &f.input {
        InputView::IdNumber if f.prefilled => {
            let shown = masked_id(&untrack(value));
            view! { <output id=id class="prefilled" aria-describedby=problem_id>{shown}</output> }.into_any()
        }
        InputView::Choice { options } => {
            let codes: Vec<String> = options.iter().map(|o| o.code.clone()).collect();
            let on_change = {
                let key = key.clone();
                move |ev: leptos::ev::Event| {
                    let index = event_target::<HtmlSelectElement>(&ev).selected_index();
                    if let Some(code) = usize::try_from(index - 1).ok().and_then(|i| codes.get(i)) {
                        form.set(&key, FieldValueDto::Text(code.clone()));
                    }
                }
            };
            let options = options
                .iter()
                .map(|o| {
                    let code = o.code.clone();
                    let selected = {
                        let value = value.clone();
                        move || value() == code
                    };
                    view! { <option value=o.code.clone() selected=selected>{o.label.clone()}</option> }
                })
                .collect_view();
            view! {
                <select id=id aria-describedby=problem_id aria-invalid=invalid on:change=on_change on:focusout=leave>
                    <option value="">{t(l, Key::ApplyChoose)}</option>
                    {options}
                </select>
            }
            .into_any()
        }
        InputView::MultiChoice { options } => {
            let boxes = options
                .iter()
                .map(|o| {
                    let (key, code) = (key.clone(), o.code.clone());
                    let checked = {
                        let (key, code) = (key.clone(), code.clone());
                        move || {
                            form.values.with(
                                |v| matches!(v.get(&key), Some(FieldValueDto::Codes(c)) if c.contains(&code)),
                            )
                        }
                    };
                    let toggle = move |_| {
                        form.values.update(|v| {
                            let mut codes = match v.get(&key) {
                                Some(FieldValueDto::Codes(c)) => c.clone(),
                                _ => Vec::new(),
                            };
                            if let Some(i) = codes.iter().position(|c| *c == code) {
                                codes.remove(i);
                            } else {
                                codes.push(code.clone());
                            }
                            v.insert(key.clone(), FieldValueDto::Codes(codes));
                        });
                    };
                    view! {
                        <label class="choice">
                            <input type="checkbox" prop:checked=checked on:change=toggle/>
                            {o.label.clone()}
                        </label>
                    }
                })
                .collect_view();
            view! { <div id=id class="choices" role="group" aria-describedby=problem_id>{boxes}</div> }
                .into_any()
        }
        InputView::YesNo => {
            let radio = |answer: bool, text: Key| {
                let key = key.clone();
                let checked = {
                    let key = key.clone();
                    move || form.values.with(|v| v.get(&key) == Some(&FieldValueDto::YesNo(answer)))
                };
                let name = format!("field-{key}");
                let set = move |_| {
                    form.set(&key, FieldValueDto::YesNo(answer));
                    form.check(key.clone());
                };
                view! {
                    <label class="choice">
                        <input type="radio" name=name value=if answer { "yes" } else { "no" } prop:checked=checked on:change=set/>
                        {t(l, text)}
                    </label>
                }
            };
            view! {
                <div id=id class="choices" role="radiogroup" aria-describedby=problem_id>
                    {radio(true, Key::ApplyYes)}{radio(false, Key::ApplyNo)}
                </div>
            }
            .into_any()
        }
        other => {
            let (kind, mode, max) = match other {
                InputView::Date => ("date", "none", None),
                InputView::Integer => ("text", "numeric", None),
                InputView::Decimal => ("text", "decimal", None),
                InputView::Phone => ("tel", "tel", None),
                InputView::Text { max_len } | InputView::Address { max_len } => {
                    ("text", "text", Some(*max_len))
                }
                _ => ("text", "text", None),
            };
            view! {
                <input id=id type=kind inputmode=mode maxlength=max.map(|m| m.to_string())
                    aria-describedby=problem_id aria-invalid=invalid
                    prop:value=value on:input=on_text on:focusout=leave/>
            }
            .into_any()
        }
    }
}

fn field_row(l: Language, form: Form, f: FormFieldView) -> impl IntoView {
    let key = f.key.clone();
    let when = f.when.clone();
    let shown = move || form.values.with(|v| asked(&when, v));
    let problem = {
        let key = key.clone();
        move || form.problems.with(|p| p.get(&key).cloned()).map(|p| problem_text(l, &p, |k| form.label(k)))
    };
    let input = field_input(l, form, &f);
    let id = format!("field-{key}");
    let problem_id = format!("{id}-problem");
    let required = f.required.then(|| {
        view! { <span class="required" aria-hidden="true">"*"</span><span class="visually-hidden">{t(l, Key::ApplyRequired)}</span> }
    });
    let prefilled = f.prefilled.then(|| view! { <span class="hint">{t(l, Key::ApplyPrefilled)}</span> });
    let help = f.help.clone().map(|h| view! { <span class="hint">{h}</span> });
    view! {
        <div class="form-field" data-key=key.clone() style:display=move || if shown() { "" } else { "none" }>
            <label for=id>{f.label.clone()}{required}</label>
            {input}
            {prefilled}
            {help}
            <p id=problem_id class="field-problem" role="alert">{problem}</p>
        </div>
    }
}

fn source_text(l: Language, s: &SourceView) -> String {
    let name = |s: &SourceView| {
        s.certificate_type.as_deref().map_or_else(String::new, |slug| type_name(l, slug, slug))
    };
    match (s.kind, s.unusable) {
        (SourceKindView::Wallet, None) => tf(l, Key::ApplyFromWallet, &[&name(s)]),
        (SourceKindView::Wallet, Some(UnusableView::CertificateExpired)) => {
            tf(l, Key::ApplyWhyNotCertificateExpired, &[&name(s)])
        }
        (SourceKindView::Wallet, Some(_)) => tf(l, Key::ApplyWhyNotCertificateNotValid, &[&name(s)]),
        (SourceKindView::Library, None) => t(l, Key::ApplyFromLibrary).to_owned(),
        (SourceKindView::Library, Some(UnusableView::NeverReused)) => {
            t(l, Key::ApplyWhyNotNeverReused).to_owned()
        }
        (SourceKindView::Library, Some(_)) => t(l, Key::ApplyWhyNotLibraryExpired).to_owned(),
        (SourceKindView::Upload, None) => t(l, Key::ApplyUpload).to_owned(),
        (SourceKindView::Upload, Some(_)) => t(l, Key::ApplyWhyNotPaperOnly).to_owned(),
    }
}

async fn read_file(file: web_sys::File) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn material_row(l: Language, form: Form, m: MaterialSourcesView) -> impl IntoView {
    let index = m.index;
    let usable: Vec<SourceView> = m.sources.iter().filter(|s| s.unusable.is_none()).cloned().collect();
    let unusable: Vec<String> =
        m.sources.iter().filter(|s| s.unusable.is_some()).map(|s| source_text(l, s)).collect();
    let count = usable.len();
    let usable = StoredValue::new(usable);
    let chosen = move || form.choices.with(|c| c.get(&index).cloned()).unwrap_or(Choice::None);
    let chosen_source = move || match chosen() {
        Choice::Source(i) => usable.with_value(|u| u.get(i).cloned()),
        Choice::None => None,
    };
    let line = move || chosen_source().map(|s| source_text(l, &s));
    let is_upload = move || chosen_source().is_some_and(|s| s.kind == SourceKindView::Upload);
    let select_id = format!("material-{index}-source");
    let file_id = format!("material-{index}-file");
    let options = (0..count)
        .map(|i| {
            let text = usable.with_value(|u| source_text(l, &u[i]));
            let selected = move || chosen() == Choice::Source(i);
            view! { <option selected=selected>{text}</option> }
        })
        .collect_view();
    let none_option = (!m.required).then(|| {
        let selected = move || chosen() == Choice::None;
        view! { <option selected=selected>{t(l, Key::ApplyNotGiven)}</option> }
    });
    let optional = !m.required;
    let on_choose = move |ev: leptos::ev::Event| {
        let picked = event_target::<HtmlSelectElement>(&ev).selected_index();
        let picked = usize::try_from(picked).unwrap_or(0);
        let choice = if optional {
            if picked == 0 { Choice::None } else { Choice::Source(picked - 1) }
        } else {
            Choice::Source(picked)
        };
        form.choices.update(|c| {
            c.insert(index, choice);
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        let name = file.name();
        let extension: String = name
            .rsplit_once('.')
            .map(|(_, e)| e.chars().filter(char::is_ascii_alphanumeric).take(8).collect())
            .unwrap_or_default();
        spawn_local(async move {
            let staged = match read_file(file).await {
                Some(bytes) => match api::stage_upload(&extension, &bytes).await {
                    Ok(StagedUploadView::Accepted { upload_id, .. }) => Ok(upload_id),
                    Ok(StagedUploadView::Refused { reason }) => Err(reason),
                    Err(_) => Err(UploadProblemView::NotAllowed),
                },
                None => Err(UploadProblemView::Empty),
            };
            form.staged.update(|s| {
                s.insert(index, staged);
            });
        });
    };
    let staged_line = move || {
        form.staged.with(|s| s.get(&index).cloned()).map(|r| match r {
            Ok(_) => view! { <p class="result ok">{t(l, Key::ApplyUploaded)}</p> }.into_any(),
            Err(p) => {
                view! { <p class="result bad" role="alert">{t(l, upload_problem_key(p))}</p> }.into_any()
            }
        })
    };
    let condition =
        m.condition.clone().map(|c| view! { <p class="hint">{tf(l, Key::ApplyOnlyIf, &[&c])}</p> });
    let reasons = unusable.into_iter().map(|r| view! { <li>{r}</li> }).collect_view();
    let label_id = format!("material-{index}-name");
    view! {
        <li class="material-source" data-index=index.to_string()>
            <p id=label_id.clone() class="material-name">{m.name.clone()}</p>
            {condition}
            <p class="source-line" class:wallet=move || chosen_source().is_some_and(|s| s.kind == SourceKindView::Wallet)>{line}</p>
            <ul class="source-reasons">{reasons}</ul>
            <label for=select_id.clone() class="visually-hidden">{t(l, Key::ApplySourceLabel)}</label>
            <select id=select_id aria-describedby=label_id on:change=on_choose>{none_option}{options}</select>
            <Show when=is_upload>
                <label for=file_id.clone() class="button">{t(l, Key::ApplyUpload)}</label>
                <input id=file_id.clone() class="visually-hidden" type="file"
                    accept="image/jpeg,image/png,application/pdf" on:change=on_file/>
                {staged_line}
            </Show>
        </li>
    }
}

/// The application page of service `code`; back leads to `back`.
#[component]
pub fn ApplyPage(code: String, back: Route) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let page = LocalResource::new(move || {
        let (code, language) = (code.clone(), lang.get());
        async move { api::apply_form(code, language).await }
    });
    let summary: RwSignal<(bool, Vec<String>)> = RwSignal::new((false, Vec::new()));
    let busy = RwSignal::new(false);
    let body = move || {
        let l = lang.get();
        page.get().map(|r| match r {
            // Built once per answer from the app: what the citizen types must not rebuild it.
            Ok(v) => untrack(|| form_view(l, v, summary, busy).into_any()),
            Err(e) => view! { <p class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    view! {
        <main id="apply" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::ApplyTitle).to_owned())
                back=Callback::new(move |()| app.route.set(back.clone())) back_id="apply-back"/>
            {body}
        </main>
    }
}

fn form_view(
    l: Language,
    v: ApplyFormView,
    summary: RwSignal<(bool, Vec<String>)>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let app = use_app();
    // The best usable source of each required material first; a conditional one is not given
    // until the citizen chooses.
    let choices: BTreeMap<u8, Choice> = v
        .materials
        .iter()
        .map(|m| {
            let first = m.sources.iter().position(|s| s.unusable.is_none());
            (
                m.index,
                if m.required { first.map_or(Choice::None, |_| Choice::Source(0)) } else { Choice::None },
            )
        })
        .collect();
    let form = Form {
        values: RwSignal::new(v.values.clone()),
        problems: RwSignal::new(BTreeMap::new()),
        choices: RwSignal::new(choices),
        staged: RwSignal::new(BTreeMap::new()),
        view: StoredValue::new(v.clone()),
    };
    let fields = v.fields.iter().cloned().map(|f| field_row(l, form, f)).collect_view();
    let materials = v.materials.iter().cloned().map(|m| material_row(l, form, m)).collect_view();
    let submit = move |_| {
        if busy.get_untracked() {
            return;
        }
        let (code, fields, materials) =
            form.view.with_value(|v| (v.code.clone(), v.fields.clone(), v.materials.clone()));
        let all = form.values.get_untracked();
        // Only the answers of the fields asked.
        let values: Vec<(String, FieldValueDto)> = all
            .iter()
            .filter(|(k, _)| fields.iter().any(|f| f.key == **k && asked(&f.when, &all)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let choices = form.choices.get_untracked();
        let staged = form.staged.get_untracked();
        let mut picks = Vec::new();
        for m in &materials {
            let usable: Vec<&SourceView> = m.sources.iter().filter(|s| s.unusable.is_none()).collect();
            let Some(Choice::Source(i)) = choices.get(&m.index) else { continue };
            let Some(source) = usable.get(*i) else { continue };
            let pick = match source.kind {
                SourceKindView::Wallet => {
                    source.id.clone().map(|certificate_id| PickDto::Wallet { certificate_id })
                }
                SourceKindView::Library => source.id.clone().map(|item_id| PickDto::Library { item_id }),
                SourceKindView::Upload => match staged.get(&m.index) {
                    Some(Ok(upload_id)) => Some(PickDto::Upload { upload_id: upload_id.clone() }),
                    _ => None,
                },
            };
            if let Some(pick) = pick {
                picks.push((m.index, pick));
            }
        }
        busy.set(true);
        let language = app.lang.get_untracked();
        spawn_local(async move {
            let outcome =
                api::submit_application(SubmitApplicationRequest { code, values, picks, language }).await;
            busy.set(false);
            match outcome {
                Ok(SubmitOutcomeView::Stored { .. }) => app.route.set(Route::Applications),
                Ok(SubmitOutcomeView::FormProblems { problems }) => {
                    let lines = problems
                        .iter()
                        .map(|p| {
                            format!(
                                "{}：{}",
                                form.label(&p.field),
                                problem_text(l, &p.problem, |k| form.label(k))
                            )
                        })
                        .collect();
                    form.problems.set(problems.into_iter().map(|p| (p.field, p.problem)).collect());
                    summary.set((false, lines));
                }
                Ok(SubmitOutcomeView::Findings { findings }) => {
                    summary.set((true, findings_lines(l, form, &findings)))
                }
                Ok(SubmitOutcomeView::UploadMissing) => {
                    summary.set((true, vec![t(l, Key::ApplyUploadMissing).to_owned()]))
                }
                Err(e) => summary.set((true, vec![t(l, error_key(&e)).to_owned()])),
            }
        });
    };
    let summary_view = move || {
        let (findings, lines) = summary.get();
        (!lines.is_empty()).then(|| {
            let head = if findings {
                t(l, Key::ApplyFindings).to_owned()
            } else {
                tf(l, Key::ApplyFixAll, &[&lines.len().to_string()])
            };
            let items = lines.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view();
            view! {
                <div id="apply-problems" class="banner bad" role="alert">
                    <p>{head}</p>
                    <ul>{items}</ul>
                </div>
            }
        })
    };
    view! {
        <p class="apply-service"><strong>{v.name.clone()}</strong>" · "{v.department.clone()}</p>
        {summary_view}
        <section id="apply-form" class="card" aria-labelledby="apply-form-title">
            <h2 id="apply-form-title">{t(l, Key::ApplyForm)}</h2>
            {fields}
        </section>
        <section id="apply-materials" class="card" aria-labelledby="apply-materials-title">
            <h2 id="apply-materials-title">{t(l, Key::ApplyMaterials)}</h2>
            <ul class="material-sources">{materials}</ul>
        </section>
        <div class="apply-bar">
            <button id="apply-submit" type="button" class="primary" disabled=move || busy.get() on:click=submit>
                {move || t(l, if busy.get() { Key::ApplySubmitting } else { Key::ApplySubmit })}
            </button>
        </div>
    }
}

fn findings_lines(l: Language, form: Form, findings: &[FindingDto]) -> Vec<String> {
    findings.iter().map(|f| finding_text(l, f, |m| form.material_name(m), |k| form.label(k))).collect()
}

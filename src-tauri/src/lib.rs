//! The Tauri shell: builds the app, registers the commands, and nothing more. Each command is a
//! one-line delegation to `shimin_core::views` or to [`wallet`], which supplies the platform (the
//! database file, the clock) to the core and the store.

mod camera;
mod commands;
mod export;
mod root_key;
mod screen;
pub mod startup;
pub mod wallet;

use tauri::{Manager, Runtime};

/// Registers Shimin's commands and state on a builder. Generic over the runtime so tests can use
/// `tauri::test::mock_builder`.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                camera::ask_for_camera(&window);
            }
            let data_dir = app.path().app_data_dir()?;
            app.manage(wallet::WalletState::new(data_dir));
            app.manage(screen::ScreenState::default());
            // Background sync for the life of the app: rounds when the wallet is open and
            // enrolled, with backoff after failures.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle.state::<wallet::WalletState>().background_sync().await;
            });
            // The service catalogue: public, so its rounds need no wallet.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle.state::<wallet::WalletState>().background_catalogue().await;
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::check_id_number,
            commands::wallet_status,
            commands::create_wallet,
            commands::unlock_wallet,
            commands::lock_wallet,
            commands::list_certificates,
            commands::certificate_detail,
            commands::present_certificate,
            commands::verify_image,
            commands::presentation_history,
            commands::export_history,
            commands::enrol_device,
            commands::sync_status,
            commands::sync_now,
            commands::reminders,
            commands::settings,
            commands::save_settings,
            commands::change_pin,
            commands::remove_device,
            commands::forget_wallet,
            commands::my_devices,
            commands::remove_other_device,
            commands::device_notices,
            commands::acknowledge_notices,
            commands::ui_painted,
            commands::liveness_start,
            commands::liveness_frame,
            commands::liveness_next_frame,
            commands::liveness_submit,
            commands::liveness_cancel,
            commands::identity_requests,
            commands::decline_identity_request,
            commands::scan_camera_open,
            commands::scan_camera_frame,
            commands::scan_camera_close,
            commands::scan_image,
            commands::ask_presentation,
            commands::stop_asking,
            commands::answer_request,
            commands::screen_for_showing,
            commands::camera_permission_reset,
            commands::verify_data_age,
            commands::hall_home,
            commands::search_services,
            commands::service_guide,
            commands::set_favourite,
            commands::refresh_catalogue,
            commands::apply_form,
            commands::check_application_field,
            commands::stage_upload,
            commands::submit_application,
            commands::my_applications,
            commands::application,
        ])
}

/// Starts the desktop or mobile app.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    startup::mark_start();
    let result = app_builder(tauri::Builder::default()).run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(error) = result {
        eprintln!("Shimin could not start: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use shimin_wire::ipc::{FRAME_TIMESTAMP_HEADER, IdNumberCheckView, IdNumberProblem, command};
    use shimin_wire::wallet::{AskView, PresetView, ReasonView, ScannedView};
    use tauri::ipc::InvokeBody;
    use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
    use tauri::webview::InvokeRequest;

    /// A data directory not made yet (as on a first start), inside a fresh temporary directory
    /// that is removed when this is dropped (also when the test fails).
    struct DataDir {
        path: PathBuf,
        _temp: tempfile::TempDir,
    }

    impl DataDir {
        fn new(what: &str) -> Self {
            let temp =
                tempfile::Builder::new().prefix(&format!("shimin-app-{what}-")).tempdir().expect("temp dir");
            Self { path: temp.path().join("data"), _temp: temp }
        }
    }

    /// Invokes `cmd` with `body` and `headers` as the webview would, on an app whose data
    /// directory is `dir`.
    fn call(
        dir: &Path,
        cmd: &str,
        body: InvokeBody,
        headers: tauri::http::HeaderMap,
    ) -> Result<serde_json::Value, serde_json::Value> {
        // The real configuration, so the real capabilities decide what the window may call.
        let app = super::app_builder(mock_builder())
            .build(tauri::generate_context!("../tauri.conf.json"))
            .expect("app");
        // The mock runtime does not run `setup`; give the commands a wallet in `dir`.
        tauri::Manager::manage(&app, super::wallet::WalletState::in_dir(dir.to_owned(), None));
        let webview =
            tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("webview");
        get_ipc_response(
            &webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().expect("url"),
                body,
                headers,
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<serde_json::Value>().expect("json"))
    }

    /// Invokes `cmd` with the JSON `body` on an app with a fresh data directory (these calls
    /// never write one).
    fn invoke(cmd: &str, body: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
        let data = DataDir::new("ipc");
        call(&data.path, cmd, InvokeBody::Json(body), Default::default())
    }

    /// Invokes `cmd` with `bytes` as the raw body (a `Uint8Array` in the UI) and a frame
    /// timestamp header, if given.
    fn invoke_raw(
        cmd: &str,
        bytes: Vec<u8>,
        timestamp_ms: Option<&str>,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let mut headers = tauri::http::HeaderMap::new();
        if let Some(t) = timestamp_ms {
            headers.insert(FRAME_TIMESTAMP_HEADER, t.parse().expect("a header value"));
        }
        let data = DataDir::new("ipc");
        call(&data.path, cmd, InvokeBody::Raw(bytes), headers)
    }

    /// A small camera frame, as the webview's canvas makes it.
    fn jpeg() -> Vec<u8> {
        let picture =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 128]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&picture)
            .expect("JPEG");
        out
    }

    /// Puts two services (the licence renewal guide and a copy under another handling item)
    /// into the data directory's catalogue, as a round would.
    fn seed_catalogue(dir: &Path) {
        use shimin_core::catalogue::guide::Service;
        use shimin_core::catalogue::sync::{CataloguePage, CatalogueStore, ChangeOp};
        let json = include_str!("../../core/tests/vectors/catalogue/driving-licence-renewal.json");
        let renewal: shimin_wire::catalogue::ServiceDocument =
            serde_json::from_str(json).expect("the vector");
        let mut marriage = renewal.clone();
        marriage.code = "0700123000-110105-111101050000000017".into();
        marriage.name.hans = "结婚登记".into();
        marriage.themes = vec!["person:060".into()];
        marriage.flags.fully_online = false;
        marriage.popularity = 1;
        let services: Vec<Service> = [renewal, marriage]
            .into_iter()
            .enumerate()
            .map(|(i, mut d)| {
                d.version = i as u64 + 1;
                Service::parse(d).expect("a service")
            })
            .collect();
        std::fs::create_dir_all(dir).expect("dir");
        let conn = shimin_store::schema::open_file(&dir.join(super::wallet::CATALOGUE_FILE)).expect("file");
        let mut db = shimin_store::catalogue::CatalogueDb::open(conn).expect("catalogue");
        let page = CataloguePage {
            to: 2,
            head: 2,
            more: false,
            reset: true,
            changes: services.into_iter().map(|s| (ChangeOp::Add, s)).collect(),
        };
        db.apply_catalogue_page(&page).expect("applied");
    }

    #[test]
    fn the_hall_works_offline_from_the_catalogue_file_and_keeps_marks_only_in_the_open_wallet() {
        let data = DataDir::new("hall");
        seed_catalogue(&data.path);
        let json = |cmd: &str, body: serde_json::Value| {
            call(&data.path, cmd, InvokeBody::Json(body), Default::default())
        };
        let code = "0100461000-110105-111101050000000017-05";

        let home = json(
            command::HALL_HOME,
            serde_json::json!({"request": {"language": "zh-Hans", "audience": "person"}}),
        )
        .expect("home");
        assert_eq!(home["catalogue"]["version"], 2, "{home}");
        assert_eq!(home["catalogue"]["services"], 2);
        let themes: Vec<&str> =
            home["themes"].as_array().expect("themes").iter().filter_map(|t| t["name"].as_str()).collect();
        assert_eq!(themes, ["婚姻登记", "交通出行"], "themes in table order, with services only");
        assert_eq!(home["favourites"], serde_json::json!([]), "no favourites while locked");

        let search = |q: &str, extra: serde_json::Value| {
            let mut request = serde_json::json!({"q": q, "theme": null, "department": null, "audience": null,
                "online": null, "limit": 20, "offset": 0, "language": "en"});
            if let (Some(r), Some(e)) = (request.as_object_mut(), extra.as_object()) {
                r.extend(e.clone());
            }
            json(command::SEARCH_SERVICES, serde_json::json!({"request": request}))
        };
        let all = search("", serde_json::json!({})).expect("browse");
        assert_eq!(all["total"], 2);
        assert_eq!(all["items"][0]["name"], "Driving licence renewal", "the more popular first, in English");
        let online = search("", serde_json::json!({"online": true})).expect("online only");
        assert_eq!(online["total"], 1);
        let married = search("", serde_json::json!({"theme": "person:060"})).expect("a theme");
        assert_eq!(married["items"][0]["code"], "0700123000-110105-111101050000000017");
        assert_eq!(
            search(&"驾".repeat(101), serde_json::json!({})).expect_err("too long"),
            serde_json::json!({"code": "bad_request"})
        );
        assert_eq!(
            search("", serde_json::json!({"theme": "person:080"})).expect_err("no such theme")["code"],
            "bad_request"
        );

        let guide = json(
            command::SERVICE_GUIDE,
            serde_json::json!({"request": {"code": code, "language": "zh-Hant"}}),
        )
        .expect("guide");
        assert_eq!(guide["name"], "機動車駕駛證換證");
        assert_eq!(guide["materials"][0]["in_wallet"], false, "a locked wallet holds nothing");
        let unknown = json(
            command::SERVICE_GUIDE,
            serde_json::json!({"request": {"code": "0700999000-110105-111101050000000017", "language": "en"}}),
        );
        assert_eq!(unknown.expect_err("unknown")["code"], "not_found");
        let malformed = json(
            command::SERVICE_GUIDE,
            serde_json::json!({"request": {"code": "drivers", "language": "en"}}),
        );
        assert_eq!(malformed.expect_err("malformed")["code"], "bad_request");
        assert_eq!(
            json(command::SET_FAVOURITE, serde_json::json!({"request": {"code": code, "favourite": true}}))
                .expect_err("locked")["code"],
            "locked"
        );

        // The marks live in the open wallet (one state across calls, as in the running app).
        let state = super::wallet::WalletState::in_dir(data.path.clone(), None);
        state.create("246810").expect("created");
        state.set_favourite(code, true).expect("marked");
        let request = shimin_wire::hall::GuideRequest {
            code: code.into(),
            language: shimin_wire::wallet::Language::En,
        };
        assert!(state.service_guide(&request).expect("guide").favourite);
        let home = state
            .hall_home(&shimin_wire::hall::HallHomeRequest {
                language: shimin_wire::wallet::Language::En,
                audience: shimin_wire::hall::AudienceView::Person,
            })
            .expect("home");
        assert_eq!(home.favourites.first().map(|r| r.code.as_str()), Some(code));
        assert_eq!(home.recent.first().map(|r| r.code.as_str()), Some(code));
        state.lock().expect("locked");
        assert!(state.set_favourite(code, false).is_err(), "locked again");
        assert!(json(command::REFRESH_CATALOGUE, serde_json::json!({})).is_err(), "no backend configured");
    }

    #[test]
    fn check_id_number_is_wired_with_the_argument_names_the_ui_uses() {
        let ok =
            invoke(command::CHECK_ID_NUMBER, serde_json::json!({"request": {"input": "11010519491231002X"}}))
                .expect("answer");
        let view: IdNumberCheckView = serde_json::from_value(ok).expect("view");
        assert!(matches!(view, IdNumberCheckView::Valid { .. }), "{view:?}");

        let bad =
            invoke(command::CHECK_ID_NUMBER, serde_json::json!({"request": {"input": "110105194912310021"}}))
                .expect("answer");
        let view: IdNumberCheckView = serde_json::from_value(bad).expect("view");
        assert_eq!(view, IdNumberCheckView::Invalid { reason: IdNumberProblem::ChecksumMismatch });
    }

    /// A wrong PIN says how many tries are left; 忘记密码 erases the locked wallet.
    #[test]
    fn a_wrong_pin_tells_the_tries_left_and_a_forgotten_one_erases_the_wallet() {
        let data = DataDir::new("forget");
        let json = |cmd: &str, body: serde_json::Value| {
            call(&data.path, cmd, InvokeBody::Json(body), Default::default())
        };
        json(command::CREATE_WALLET, serde_json::json!({"request": {"pin": "246810"}})).expect("created");
        json(command::LOCK_WALLET, serde_json::json!({})).expect("locked");
        let wrong = json(command::UNLOCK_WALLET, serde_json::json!({"request": {"pin": "111111"}}))
            .expect_err("a wrong PIN");
        assert_eq!(wrong, serde_json::json!({"code": "wrong_pin", "tries_left": 9}));
        json(command::FORGET_WALLET, serde_json::json!({})).expect("forgotten");
        let status = json(command::WALLET_STATUS, serde_json::json!({})).expect("answer");
        assert_eq!(status["exists"], false, "{status}");
    }

    #[test]
    fn wallet_commands_are_wired_and_answer_typed_errors() {
        let status = invoke(command::WALLET_STATUS, serde_json::json!({})).expect("answer");
        assert_eq!(status["unlocked"], false, "{status}");
        let locked = invoke(command::LIST_CERTIFICATES, serde_json::json!({"request": {"query": ""}}))
            .expect_err("a new app starts locked");
        assert_eq!(locked, serde_json::json!({"code": "locked"}));
        let bad = invoke(command::CREATE_WALLET, serde_json::json!({"request": {"pin": "12"}}))
            .expect_err("a two-digit PIN is refused");
        assert_eq!(bad, serde_json::json!({"code": "invalid_pin"}));

        // The two-way mode: a verifier asks without a wallet; answering needs the open wallet.
        let asked =
            invoke(command::ASK_PRESENTATION, serde_json::json!({"request": {"preset": "age_over_18"}}))
                .expect("a request");
        let asked: AskView = serde_json::from_value(asked).expect("view");
        assert!(asked.qr_svg.starts_with("<svg") && asked.preset == PresetView::AgeOver18, "{asked:?}");
        let stopped = invoke(command::STOP_ASKING, serde_json::json!({"request": {"code": asked.code}}));
        assert_eq!(stopped, Ok(serde_json::Value::Null));
        let answer = serde_json::json!({"request": {"request": "SMQ1:", "id": "x"}});
        assert_eq!(invoke(command::ANSWER_REQUEST, answer), Err(serde_json::json!({"code": "locked"})));
    }

    #[test]
    fn app_info_reports_the_core_version() {
        let info = invoke(command::APP_INFO, serde_json::json!({})).expect("answer");
        assert_eq!(info["core_version"], shimin_core::VERSION);
    }

    /// Pictures cross as raw bytes: the verifier's picture and the liveness check's camera
    /// frames alike, each answered from what its bytes hold.
    #[test]
    fn pictures_and_camera_frames_are_sent_as_raw_bytes() {
        // A picture to verify: without lists nothing can be checked, and the app says so.
        let verdict = invoke_raw(command::VERIFY_IMAGE, jpeg(), None).expect("a verdict");
        let Ok(ScannedView::Verdict(verdict)) = serde_json::from_value(verdict) else { panic!("a verdict") };
        assert_eq!(verdict.check.reasons, [ReasonView::NoTrustList]);
        let json = invoke(command::VERIFY_IMAGE, serde_json::json!({"request": {"image": [1, 2, 3]}}))
            .expect_err("a picture is the body itself, not JSON around it");
        assert_eq!(json, serde_json::json!({"code": "bad_request"}));
        // A frame of the webview's scanner: the same, as an answer that may be "no code yet".
        let scanned = invoke_raw(command::SCAN_IMAGE, jpeg(), None).expect("an answer");
        let scanned: Option<ScannedView> = serde_json::from_value(scanned).expect("view");
        assert_eq!(
            scanned,
            Some(ScannedView::Verdict(verdict)),
            "without lists, the unchecked verdict at once"
        );

        // A camera frame is read (a JPEG, with its time) before the check is looked for: a good
        // one meets "no check is running", anything else is a bad frame.
        let no_check = serde_json::json!({"code": "no_liveness_check"});
        let bad_frame = serde_json::json!({"code": "bad_frame"});
        assert_eq!(invoke_raw(command::LIVENESS_FRAME, jpeg(), Some("40")), Err(no_check.clone()));
        assert_eq!(invoke_raw(command::LIVENESS_FRAME, jpeg(), None), Err(bad_frame.clone()), "no time");
        assert_eq!(invoke_raw(command::LIVENESS_FRAME, jpeg(), Some("soon")), Err(bad_frame.clone()));
        assert_eq!(
            invoke_raw(command::LIVENESS_FRAME, b"not a JPEG".to_vec(), Some("40")),
            Err(bad_frame.clone())
        );
        let mut oversize = jpeg();
        oversize.resize(super::wallet::MAX_FRAME_BYTES + 1, 0);
        assert_eq!(
            invoke_raw(command::LIVENESS_FRAME, oversize, Some("40")),
            Err(bad_frame.clone()),
            "too large"
        );

        // Where Tauri cannot pass bytes (Android, a `postMessage` fallback) the same bytes
        // arrive as a JSON array of numbers, and mean the same.
        let mut headers = tauri::http::HeaderMap::new();
        headers.insert(FRAME_TIMESTAMP_HEADER, "40".parse().expect("a header value"));
        let numbers = serde_json::Value::from(jpeg());
        let data = DataDir::new("ipc");
        let answer = call(&data.path, command::LIVENESS_FRAME, InvokeBody::Json(numbers), headers.clone());
        assert_eq!(answer, Err(no_check));
        let not_bytes = serde_json::json!([1, 2, 256]);
        let answer = call(&data.path, command::LIVENESS_FRAME, InvokeBody::Json(not_bytes), headers);
        assert_eq!(answer, Err(bad_frame));
    }

    /// Only the languages and auto-lock choices the app offers are saved; anything else is
    /// refused unread and the saved preferences stay.
    #[test]
    fn settings_cross_as_their_json_and_refuse_values_the_app_does_not_offer() {
        let data = DataDir::new("ipc-settings");
        let dir = &data.path;
        let json = |body| call(dir, command::SAVE_SETTINGS, InvokeBody::Json(body), Default::default());
        let english = serde_json::json!({"language": "en", "auto_lock_minutes": 10, "wipe_after_wrong_pins": false, "elder_mode": true});
        json(serde_json::json!({"request": english})).expect("saved");
        for bad in [
            serde_json::json!({"language": "fr", "auto_lock_minutes": 5}),
            serde_json::json!({"language": "en", "auto_lock_minutes": 7}),
        ] {
            assert!(json(serde_json::json!({"request": bad})).is_err(), "{bad}");
        }
        let saved = call(dir, command::SETTINGS, InvokeBody::Json(serde_json::json!({})), Default::default());
        assert_eq!(saved, Ok(english), "a refused save leaves the preferences as they were");
    }
}

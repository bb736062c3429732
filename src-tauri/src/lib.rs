//! The Tauri shell: builds the app, registers the commands, and nothing more. Each command is a
//! one-line delegation to `shimin_core::views` or to [`wallet`], which supplies the platform (the
//! database file, the clock) to the core and the store.

mod camera;
mod commands;
pub mod startup;
pub mod wallet;

use tauri::{Manager, Runtime};

/// Registers Shimin's commands and state on a builder. Generic over the runtime so tests can use
/// `tauri::test::mock_builder`.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                camera::allow_camera(&window);
            }
            let data_dir = app.path().app_data_dir()?;
            app.manage(wallet::WalletState::new(data_dir, app.path().download_dir().ok()));
            // Background sync for the life of the app: rounds when the wallet is open and
            // enrolled, with backoff after failures.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle.state::<wallet::WalletState>().background_sync().await;
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
            commands::ui_painted,
            commands::liveness_start,
            commands::liveness_frame,
            commands::liveness_next_frame,
            commands::liveness_submit,
            commands::liveness_cancel,
            commands::identity_requests,
            commands::scan_camera_open,
            commands::scan_camera_frame,
            commands::scan_camera_close,
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
    use shimin_wire::ipc::{IdNumberCheckView, IdNumberProblem, command};
    use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
    use tauri::webview::InvokeRequest;

    fn invoke(cmd: &str, body: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
        // The real configuration, so the real capabilities decide what the window may call.
        let app = super::app_builder(mock_builder())
            .build(tauri::generate_context!("../tauri.conf.json"))
            .expect("app");
        // The mock runtime does not run `setup`; give the commands a wallet in a directory of
        // their own (these tests never create one there).
        let dir = std::env::temp_dir().join(format!("shimin-app-ipc-{}", std::process::id()));
        tauri::Manager::manage(&app, super::wallet::WalletState::in_dir(dir, None));
        let webview =
            tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("webview");
        get_ipc_response(
            &webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().expect("url"),
                body: tauri::ipc::InvokeBody::Json(body),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<serde_json::Value>().expect("json"))
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
    }

    #[test]
    fn app_info_reports_the_core_version() {
        let info = invoke(command::APP_INFO, serde_json::json!({})).expect("answer");
        assert_eq!(info["core_version"], shimin_core::VERSION);
    }
}

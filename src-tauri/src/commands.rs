//! Tauri commands: typed arguments in, typed views out, one line each.

use shimin_wire::ipc::{AppInfoView, CheckIdNumberRequest, IdNumberCheckView};

/// Versions of the running app.
#[tauri::command]
pub fn app_info() -> AppInfoView {
    shimin_core::app::app_info(env!("CARGO_PKG_VERSION"))
}

/// Checks an identity number as the user types it.
#[tauri::command]
pub fn check_id_number(request: CheckIdNumberRequest) -> IdNumberCheckView {
    shimin_core::app::check_id_number(&request)
}

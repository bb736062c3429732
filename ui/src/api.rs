//! The one typed door from the UI into the app: every Tauri command, with typed arguments,
//! typed results and a typed error. Pages never call `invoke` themselves.

use serde::Serialize;
use serde::de::DeserializeOwned;
use shimin_wire::ipc::{self, AppInfoView, CheckIdNumberRequest, CommandError, IdNumberCheckView};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// Why a call into the app failed, as far as the UI needs to know.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The command answered with an error.
    Command(CommandError),
    /// The bridge itself failed (no Tauri, or an answer of the wrong shape).
    Bridge,
}

async fn call<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Result<R, ApiError> {
    let args = serde_wasm_bindgen::to_value(args).map_err(|_| ApiError::Bridge)?;
    match tauri_invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|_| ApiError::Bridge),
        Err(err) => {
            Err(serde_wasm_bindgen::from_value(err).map(ApiError::Command).unwrap_or(ApiError::Bridge))
        }
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct WithRequest<'a, T> {
    request: &'a T,
}

/// Versions of the running app.
pub async fn app_info() -> Result<AppInfoView, ApiError> {
    call(ipc::command::APP_INFO, &NoArgs {}).await
}

/// Checks an identity number in the core.
pub async fn check_id_number(input: String) -> Result<IdNumberCheckView, ApiError> {
    call(ipc::command::CHECK_ID_NUMBER, &WithRequest { request: &CheckIdNumberRequest { input } }).await
}

#![doc = include_str!("../README.md")]

use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine as _;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use shimin_core::dcc::{self, DccReport};
use shimin_core::qr;
use shimin_wire::ipc::{CheckIdNumberRequest, IdNumberCheckView};

#[derive(Debug, Parser)]
#[command(name = "shimin", version, about = "Shimin command-line tool")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a citizen identity number (GB 11643) and print the result as JSON.
    CheckId {
        /// The 18-character number.
        number: String,
    },
    /// Print the text of the QR code found in a photo (PNG or JPEG).
    Decode {
        /// The photo.
        image: PathBuf,
    },
    /// Verify an EU Digital COVID Certificate ("HC1:…") and print the outcome of each step as JSON.
    VerifyDcc {
        /// The signer certificate, base64 of its DER.
        #[arg(long)]
        signer_cert: String,
        /// The time to verify at, RFC 3339 (e.g. 2021-06-01T00:00:00Z).
        #[arg(long, value_parser = parse_rfc3339)]
        at: i64,
        #[command(flatten)]
        input: QrInput,
    },
}

/// Where the QR text comes from: given directly, or read from a photo.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct QrInput {
    /// The QR code's text.
    #[arg(long)]
    text: Option<String>,
    /// A photo of the QR code.
    image: Option<PathBuf>,
}

fn parse_rfc3339(s: &str) -> Result<i64, String> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|e| format!("not an RFC 3339 time: {e}"))
}

/// Failure that ends the program with a message and an exit code.
struct Exit(u8, String);

fn read(path: &PathBuf) -> Result<Vec<u8>, Exit> {
    std::fs::read(path).map_err(|e| Exit(3, format!("cannot read {}: {e}", path.display())))
}

#[derive(Serialize)]
struct DccOutput {
    #[serde(flatten)]
    steps: DccReport,
    valid: bool,
    reasons: Vec<String>,
}

fn run(command: Command) -> Result<(String, bool), Exit> {
    match command {
        Command::CheckId { number } => {
            let view = shimin_core::app::check_id_number(&CheckIdNumberRequest { input: number });
            let ok = matches!(view, IdNumberCheckView::Valid { .. });
            Ok((json(&view)?, ok))
        }
        Command::Decode { image } => {
            let text =
                qr::decode_image(&read(&image)?).map_err(|e| Exit(1, format!("no QR code read: {e}")))?;
            Ok((text, true))
        }
        Command::VerifyDcc { signer_cert, at, input } => {
            let der = base64::engine::general_purpose::STANDARD
                .decode(signer_cert.trim())
                .map_err(|_| Exit(2, "--signer-cert is not base64".into()))?;
            let mut picture_decode = None;
            let text = match (input.text, input.image) {
                (Some(text), _) => text,
                (None, Some(path)) => match qr::decode_image(&read(&path)?) {
                    Ok(text) => {
                        picture_decode = Some(true);
                        text
                    }
                    Err(e) => {
                        let steps = DccReport { picture_decode: Some(false), ..DccReport::default() };
                        let out =
                            DccOutput { steps, valid: false, reasons: vec![format!("picture_decode: {e}")] };
                        return Ok((json(&out)?, false));
                    }
                },
                (None, None) => return Err(Exit(2, "give --text or an image".into())),
            };
            let (mut steps, failures) = dcc::verify_hc1_explained(&text, &der, at);
            steps.picture_decode = picture_decode;
            let reasons = failures.iter().map(|(step, e)| format!("{}: {e}", step_name(*step))).collect();
            let valid = steps.is_valid();
            Ok((json(&DccOutput { steps, valid, reasons })?, valid))
        }
    }
}

/// The snake_case name of a step, as in the JSON output.
fn step_name(step: dcc::Step) -> String {
    serde_json::to_value(step).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn json<T: Serialize>(value: &T) -> Result<String, Exit> {
    serde_json::to_string_pretty(value).map_err(|e| Exit(1, format!("cannot print the result: {e}")))
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok((out, ok)) => {
            println!("{out}");
            if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(Exit(code, message)) => {
            eprintln!("shimin: {message}");
            ExitCode::from(code)
        }
    }
}

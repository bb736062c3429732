#![doc = include_str!("../README.md")]

mod dev_issuer;
mod face;
mod holder_copy;
mod present_verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use base64::Engine as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;
use shimin_core::cert::CertificateType;
use shimin_core::dcc::{self, DccReport};
use shimin_core::liveness::Action;
use shimin_core::present::Preset;
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
    /// A development issuer: keys, trust list and status list in one directory.
    #[command(subcommand)]
    Issue(IssueCommand),
    /// Show a certificate as the demo holder: print the `SM1:` text of a signed presentation.
    Present {
        /// The development issuer directory (for the demo device key).
        #[arg(long)]
        dir: PathBuf,
        /// The holder's certificate file written by `shimin issue cert`.
        #[arg(long)]
        cert: PathBuf,
        /// What to disclose.
        #[arg(long, value_enum)]
        preset: PresetArg,
        /// The signing time, RFC 3339 (default: now).
        #[arg(long, value_parser = parse_rfc3339)]
        at: Option<i64>,
        /// Also write the QR code as a PNG here.
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// Verify a presentation offline and print the verdict as JSON (exit 0 valid, 1 invalid, 4 warning).
    Verify {
        /// The time to verify at, RFC 3339 (default: now).
        #[arg(long, value_parser = parse_rfc3339)]
        at: Option<i64>,
        /// The signed trust list.
        #[arg(long)]
        trust: PathBuf,
        /// The national root public key (SEC1) the trust list must be signed with.
        #[arg(long)]
        root_key: PathBuf,
        /// A signed status list; repeat for several.
        #[arg(long)]
        status: Vec<PathBuf>,
        /// When the list files were fetched, RFC 3339 (default: each file's modification time);
        /// kept for the record only: a list's age counts from its own signed issue time.
        #[arg(long, value_parser = parse_rfc3339)]
        fetched_at: Option<i64>,
        #[command(flatten)]
        input: QrInput,
    },
    /// Run the on-device liveness check over a directory of frames, or in front of the computer's
    /// camera, and print the result as JSON (exit 0 passed, 1 not passed).
    Liveness {
        /// The directory of frames (PNG or JPEG), taken in file-name order.
        #[arg(long, required_unless_present = "camera", conflicts_with = "camera")]
        frames: Option<PathBuf>,
        /// Or the computer's camera with this index (0: the first): the guidance is printed on
        /// standard error as it changes, and the check has 60 s.
        #[arg(long)]
        camera: Option<u32>,
        /// The actions to ask for, in order: 3 or 4 of blink, mouth, shake, nod.
        #[arg(long, value_delimiter = ',', required = true, value_parser = face::parse_action)]
        actions: Vec<Action>,
        /// The frames' rate, for their timestamps.
        #[arg(long, default_value_t = shimin_face::RECORDED_FPS, value_parser = clap::value_parser!(u32).range(1..=240))]
        fps: u32,
    },
    /// Print every face found in a photo (PNG or JPEG): box, score and the 468 mesh landmarks, as
    /// JSON (exit 1 when there is none).
    FaceLandmarks {
        /// The photo.
        image: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum IssueCommand {
    /// Create the keys, a signed trust list and an empty signed status list in DIR.
    Init {
        #[arg(long)]
        dir: PathBuf,
        /// The time the lists are signed at, RFC 3339 (default: now).
        #[arg(long, value_parser = parse_rfc3339)]
        at: Option<i64>,
        /// Replace an issuer already in DIR.
        #[arg(long)]
        force: bool,
    },
    /// Issue a certificate to the demo holder's device key and write the holder's copy.
    Cert {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long = "type", value_parser = parse_type)]
        certificate_type: CertificateType,
        /// The holder's ID number (a credit code for a business licence).
        #[arg(long)]
        holder_id: String,
        /// The holder's name (the company's for a business licence).
        #[arg(long)]
        name: String,
        /// The status-list index (default: the next free one).
        #[arg(long)]
        index: Option<u64>,
        /// Where to write the holder's copy.
        #[arg(long)]
        out: PathBuf,
        /// The issue time, RFC 3339 (default: now).
        #[arg(long, value_parser = parse_rfc3339)]
        at: Option<i64>,
    },
    /// Mark a status-list index revoked and re-sign `status.cbor`.
    Revoke {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        index: usize,
        /// The signing time, RFC 3339 (default: now).
        #[arg(long, value_parser = parse_rfc3339)]
        at: Option<i64>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PresetArg {
    Identity,
    Age18,
    Full,
}

/// Parses `--type` by the core's own slugs, so the CLI cannot fall out of step with the model.
fn parse_type(s: &str) -> Result<CertificateType, String> {
    CertificateType::from_slug(s).ok_or_else(|| {
        let known: Vec<&str> = CertificateType::ALL.iter().map(|t| t.slug()).collect();
        format!("unknown certificate type; one of: {}", known.join(", "))
    })
}

/// The system clock, for commands given no `--at` (the core itself never reads a clock).
fn now_or(at: Option<i64>) -> Result<i64, Exit> {
    match at {
        Some(at) => Ok(at),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .ok_or_else(|| Exit(1, "the system clock is before 1970".into())),
    }
}

fn listing(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| format!("wrote {}", p.display())).collect::<Vec<_>>().join("\n")
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

fn read(path: &Path) -> Result<Vec<u8>, Exit> {
    std::fs::read(path).map_err(|e| Exit(3, format!("cannot read {}: {e}", path.display())))
}

#[derive(Serialize)]
struct DccOutput {
    #[serde(flatten)]
    steps: DccReport,
    valid: bool,
    reasons: Vec<String>,
}

fn run(command: Command) -> Result<(String, u8), Exit> {
    match command {
        Command::CheckId { number } => {
            let view = shimin_core::views::check_id_number(&CheckIdNumberRequest { input: number });
            let ok = matches!(view, IdNumberCheckView::Valid { .. });
            Ok((json(&view)?, u8::from(!ok)))
        }
        Command::Decode { image } => {
            let text =
                qr::decode_image(&read(&image)?).map_err(|e| Exit(1, format!("no QR code read: {e}")))?;
            Ok((text, 0))
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
                        return Ok((json(&out)?, 1));
                    }
                },
                (None, None) => return Err(Exit(2, "give --text or an image".into())),
            };
            let (mut steps, failures) = dcc::verify_hc1_explained(&text, &der, at);
            steps.picture_decode = picture_decode;
            let reasons = failures.iter().map(|(step, e)| format!("{}: {e}", step_name(*step))).collect();
            let valid = steps.is_valid();
            Ok((json(&DccOutput { steps, valid, reasons })?, u8::from(!valid)))
        }
        Command::Issue(issue) => run_issue(issue),
        Command::Present { dir, cert, preset, at, png } => {
            let preset = match preset {
                PresetArg::Identity => Preset::Identity,
                PresetArg::Age18 => Preset::AgeOver18,
                PresetArg::Full => Preset::Full,
            };
            let dir = dev_issuer::DevDir::new(dir);
            let text = present_verify::present(&dir, &cert, &preset, now_or(at)?, png.as_deref())?;
            Ok((text, 0))
        }
        Command::Verify { at, trust, root_key, status, fetched_at, input } => {
            let req = present_verify::VerifyRequest {
                trust,
                root_key,
                status,
                fetched_at,
                text: input.text,
                image: input.image,
            };
            let (verdict, code) = present_verify::verify(&req, now_or(at)?)?;
            Ok((json(&verdict)?, code))
        }
        Command::Liveness { frames, camera, actions, fps } => match (frames, camera) {
            (Some(dir), _) => face::liveness(&dir, &actions, fps),
            (None, Some(index)) => face::liveness_camera(index, &actions),
            (None, None) => Err(Exit(2, "--frames DIR or --camera INDEX is needed".into())),
        },
        Command::FaceLandmarks { image } => face::face_landmarks(&image),
    }
}

fn run_issue(command: IssueCommand) -> Result<(String, u8), Exit> {
    match command {
        IssueCommand::Init { dir, at, force } => {
            let written = dev_issuer::init(&dev_issuer::DevDir::new(dir), now_or(at)?, force)?;
            Ok((listing(&written), 0))
        }
        IssueCommand::Cert { dir, certificate_type, holder_id, name, index, out, at } => {
            let req = dev_issuer::CertRequest { certificate_type, holder_id, name, index, out: out.clone() };
            let index = dev_issuer::issue_cert(&dev_issuer::DevDir::new(dir), &req, now_or(at)?)?;
            Ok((format!("wrote {} (status-list index {index})", out.display()), 0))
        }
        IssueCommand::Revoke { dir, index, at } => {
            let path = dev_issuer::revoke(&dev_issuer::DevDir::new(dir), index, now_or(at)?)?;
            Ok((format!("revoked index {index}; wrote {}", path.display()), 0))
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
        Ok((out, code)) => {
            println!("{out}");
            ExitCode::from(code)
        }
        Err(Exit(code, message)) => {
            eprintln!("shimin: {message}");
            ExitCode::from(code)
        }
    }
}

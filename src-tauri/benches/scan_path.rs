//! The per-frame cost of the verifier's scan path in the app: `scan_camera_frame` on a wallet
//! enrolled with the real backend (the demo certificates of several departments, so several
//! status lists are cached), fed a 640×480 camera frame that holds a genuine presentation QR
//! code. Each iteration is what the app does for one camera frame: read the code from the
//! pixels, verify it with the cached lists, and scale a preview for the screen.
//!
//! Two more figures break it down: the verdict alone with the lists held in memory, and what the
//! app did on every frame before the lists were held (open the database, load the lists and
//! verify each signature again), which the scan path no longer does.
//!
//! `cargo bench -p shimin-app --bench scan_path`

#![allow(clippy::expect_used, clippy::panic)] // Benchmark code.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use shimin_app::wallet::WalletState;
use shimin_backend::local::LocalBackend;
use shimin_core::liveness::{Frame, FrameRotation, FrameSource, FrameSourceError};
use shimin_core::present::{Presentation, Preset};
use shimin_core::qr::{self, Effort, PixelFormat};
use shimin_core::wallet::Lists;
use shimin_store::{CachedLists, PinWrapper, Wallet, schema};

const PIN: &str = "246810";

/// A camera that shows the same picture forever.
struct StillCamera(Frame);

impl FrameSource for StillCamera {
    fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError> {
        Ok(Some(self.0.clone()))
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64
}

/// A 640×480 RGB frame, white, with `text`'s QR code drawn in the middle.
fn frame_of(text: &str) -> Frame {
    let qr = shimin_core::qr::encode(text).expect("fits a QR code");
    let module_px = (440 / (qr.size() + 8)).max(1);
    let luma = qr.to_luma(module_px);
    let (w, h) = (640u32, 480u32);
    let (ox, oy) = ((w - luma.width) / 2, (h - luma.height) / 2);
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    for y in 0..luma.height {
        for x in 0..luma.width {
            let v = luma.pixels[(y * luma.width + x) as usize];
            let at = (((oy + y) * w + ox + x) * 3) as usize;
            rgb[at..at + 3].copy_from_slice(&[v, v, v]);
        }
    }
    Frame::new(w, h, rgb, 0, FrameRotation::None).expect("frame")
}

fn scan_path(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("dir");
    let (state, frame, lists) = runtime.block_on(async {
        let server = LocalBackend::start(dir.path(), 5).await.expect("backend");
        let issued = shimin_backend::seed::demo_certificates(server.backend(), now()).await.expect("demo");
        assert!(issued > 3, "the demo certificates");
        // 陈思敏 holds certificates of two departments (police, education): two status lists.
        let (holder, _, code) = server.seed().demo[3].clone();
        let state = WalletState::in_dir(dir.path().join("app"), None)
            .with_backend(&server.base_url(), Duration::from_secs(3_600));
        state.create(PIN).expect("create");
        state.enrol(&holder, &code).await.expect("enrol and sync");
        let conn = schema::open_file(&dir.path().join("app/wallet.db")).expect("db");
        let lists: i64 =
            conn.query_row("SELECT count(*) FROM status_lists", [], |r| r.get(0)).expect("count");
        let wallet = Wallet::open(conn, &PinWrapper::new(PIN).expect("pin")).expect("open");
        let certificate = wallet
            .list()
            .expect("list")
            .into_iter()
            .find(|c| c.certificate_type == shimin_core::cert::CertificateType::ResidentIdCard)
            .expect("an ID card");
        let text = Presentation::new(&certificate.issued)
            .and_then(|p| p.disclose(&Preset::Identity))
            .and_then(|p| p.sign(wallet.device_key(), now()))
            .expect("present")
            .text()
            .to_owned();
        (state, frame_of(&text), lists)
    });
    let database = dir.path().join("app/wallet.db");
    let pixels = frame.rgb().to_vec();
    let qr_frame =
        qr::Frame { width: frame.width(), height: frame.height(), format: PixelFormat::Rgb8, data: &pixels };
    state.scan_with(Box::new(StillCamera(frame)));
    let Some(shimin_wire::wallet::ScannedView::Verdict(first)) =
        state.scan_camera_frame().expect("a frame").scanned
    else {
        panic!("the code is read as a presentation")
    };
    assert!(
        first.certificate.is_some() && first.check.reasons.is_empty(),
        "the frame's code verifies: {:?}",
        first.check
    );
    println!("scan_path: {lists} cached status lists");
    c.bench_function("scan path: one camera frame (decode + verify + preview)", |b| {
        b.iter(|| black_box(state.scan_camera_frame().expect("a frame")))
    });

    // Its parts: the verdict with the lists held in memory (what the scan path now does besides
    // the preview), and what the scan path used to add on every frame before the lists were
    // held: open the database, read the lists and verify each one's signature again.
    let held = Lists::load(&CachedLists(&schema::open_file(&database).expect("db")), None).expect("lists");
    let verifier = held.verifier().expect("a trust list");
    let at = now();
    assert!(verifier.verify_frame(&qr_frame, Effort::Quick, at).reasons.is_empty(), "the code verifies");
    c.bench_function("of which: decode + verify with the lists held", |b| {
        b.iter(|| black_box(verifier.verify_frame(black_box(&qr_frame), Effort::Quick, at)))
    });
    c.bench_function("removed from every frame: open the database, load and verify the lists", |b| {
        b.iter(|| {
            let conn = schema::open_file(&database).expect("db");
            black_box(Lists::load(&CachedLists(&conn), None).expect("lists"))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(8));
    targets = scan_path
}
criterion_main!(benches);

//! Where the external test material lives: `tests/data/` at the root of the repository (see its
//! README for where each set comes from and its licence). One place, so that a test never reads
//! from outside the clone and a missing file is reported the same way everywhere.

#![allow(clippy::panic)] // Test code: missing test data is the test failing.

use std::path::{Path, PathBuf};

/// The path of `relative` under `tests/data/`. Panics, naming the path, when nothing is there:
/// a test without its data must fail, never pass by checking nothing.
pub fn path(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data").join(relative);
    assert!(
        path.exists(),
        "the test data {} is missing: it is committed under tests/data/ (see tests/data/README.md)",
        path.display()
    );
    path
}

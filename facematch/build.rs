//! Compiles the C++ shim (`cpp/facematch_shim.cpp`) against Debian's `libdlib-dev` and links it.
//!
//! Needs `libdlib-dev libblas-dev liblapack-dev` (`scripts/setup.sh` installs them).
//! `DLIB_INCLUDE_DIR` / `DLIB_LIB_DIR` point at another dlib 19.24 installation.

use std::{env, error::Error, path::PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=cpp/facematch_shim.cpp");
    println!("cargo:rerun-if-changed=cpp/facematch_shim.h");
    println!("cargo:rerun-if-env-changed=DLIB_INCLUDE_DIR");
    println!("cargo:rerun-if-env-changed=DLIB_LIB_DIR");

    let include = env::var_os("DLIB_INCLUDE_DIR").map(PathBuf::from);
    let header = include.clone().unwrap_or_else(|| PathBuf::from("/usr/include")).join("dlib/dnn.h");
    if !header.is_file() {
        return Err(format!(
            "{} not found: install Debian's libdlib-dev, libblas-dev and liblapack-dev \
             (scripts/setup.sh), or set DLIB_INCLUDE_DIR",
            header.display()
        )
        .into());
    }

    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++14")
        .file("cpp/facematch_shim.cpp")
        .include("cpp")
        // dlib's templates (HOG pyramid, shape predictor, the ResNet's layers) are instantiated
        // here; unoptimised they are an order of magnitude slower, so optimise in every profile.
        .opt_level(2)
        .debug(false)
        // A second dlib::fatal_error would otherwise abort() the process instead of throwing.
        .define("DLIB_NO_ABORT_ON_2ND_FATAL_ERROR", None)
        .warnings(false);
    if let Some(dir) = &include {
        build.include(dir);
    }
    build.try_compile("facematch_shim")?;

    if let Some(dir) = env::var_os("DLIB_LIB_DIR") {
        println!("cargo:rustc-link-search=native={}", PathBuf::from(dir).display());
    }
    // With DLIB_USE_BLAS / DLIB_USE_LAPACK in Debian's dlib/config.h the shim calls BLAS and LAPACK
    // itself, not only through libdlib.
    for lib in ["dlib", "lapack", "blas"] {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
    Ok(())
}

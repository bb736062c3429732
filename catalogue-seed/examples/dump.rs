//! Prints the seed catalogue as JSON lines (for looking at it).
#![allow(clippy::expect_used)]
fn main() {
    for d in shimin_catalogue_seed::catalogue().expect("seed") {
        println!("{}", serde_json::to_string(&d).expect("json"));
    }
}

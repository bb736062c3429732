//! One module per screen.

pub mod about;
pub mod consent;
pub mod detail;
pub mod hall;
pub mod history;
pub mod id_check;
pub mod onboarding;
pub mod requests;
pub mod settings;
pub mod show;
pub mod unlock;
pub mod verify;
pub mod wallet;

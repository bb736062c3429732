//! Pieces shared by several screens.

pub mod app_bar;
pub mod attributes;
pub mod camera;
pub mod card_face;
pub mod check;
pub mod icon;
pub mod liveness;
pub mod pill;
pub mod pin;
pub mod speaker;
pub mod status;
pub mod sync_line;
pub mod tab_bar;
pub mod two_way;
pub mod verify_only;

//! How large 亮证 draws the code: a whole number of screen pixels per module, so that no module
//! is smeared across two pixel columns (a scanner reads sharp edges from farther away).
//! Host-testable: no browser types.

/// The light margin of the drawn code, in modules (`core::qr::QUIET_ZONE`).
const QUIET_ZONE: u32 = 4;

/// Modules across the drawn code of QR `version` (1–40), its quiet zone included.
pub fn modules_across(version: u8) -> u32 {
    17 + 4 * u32::from(version.clamp(1, 40)) + 2 * QUIET_ZONE
}

/// Pixels per module for a code of `version` in `available` pixels: as many whole pixels as
/// fit, at least one (a code cut off is worse than a small one).
pub fn module_px(version: u8, available: u32) -> u32 {
    (available / modules_across(version)).max(1)
}

/// The side of the drawn code, in pixels: [`module_px`] × [`modules_across`].
pub fn qr_side_px(version: u8, available: u32) -> u32 {
    module_px(version, available) * modules_across(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_takes_whole_pixels_per_module() {
        // Version 22 (the identity code with its photo at level L): 105 modules and the margin.
        assert_eq!(modules_across(22), 113);
        assert_eq!(module_px(22, 448), 3);
        assert_eq!(qr_side_px(22, 448), 339);
        // One pixel short of 4 px a module stays at 3; exactly enough is 4.
        assert_eq!(module_px(22, 451), 3);
        assert_eq!(module_px(22, 452), 4);
        // A 360 px phone, and a small version.
        assert_eq!(qr_side_px(22, 344), 339);
        assert_eq!(qr_side_px(1, 344), 29 * 11);
    }

    #[test]
    fn a_narrow_screen_still_gets_one_pixel_a_module() {
        assert_eq!(module_px(40, 100), 1);
        assert_eq!(qr_side_px(40, 0), modules_across(40));
        assert_eq!(modules_across(0), modules_across(1), "versions start at 1");
    }
}

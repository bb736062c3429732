//! Personal data wrapped so that it can never end up in a log or an error message by accident.

use std::fmt;

/// A value that holds personal data (a name, an ID number, a photo, a key).
///
/// `Debug` prints `[redacted]`; there is deliberately no `Display`. Read the value with
/// [`Sensitive::expose`], which makes every such read visible in review.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Sensitive<T>(T);

impl<T: zeroize::Zeroize> Sensitive<T> {
    /// Overwrites the value with zeros (keys and PINs, when they are dropped), so that it does
    /// not linger in freed memory.
    pub fn wipe(&mut self) {
        self.0.zeroize();
    }
}

impl<T> Sensitive<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The wrapped value, for the code that has to use it.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let name = Sensitive::new(String::from("张三"));
        let printed = format!("{name:?} {:?}", Some(&name));
        assert!(!printed.contains("张三"), "{printed}");
        assert_eq!(name.expose(), "张三");
    }
}

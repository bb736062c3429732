//! The workbench's session: a staff token of the existing token store in an HttpOnly,
//! SameSite=Strict cookie (Secure when the backend is reached over TLS), ended after a short idle
//! time; and the CSRF token every form carries, tied to the session (or, before sign-in, to a
//! random pre-session cookie).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::HeaderMap;
use axum::http::header::{COOKIE, HOST, ORIGIN};
use shimin_core::crypto::sha256;

use crate::service::b64;

/// The session cookie: the staff token itself (the store keeps only its hash).
pub const SESSION_COOKIE: &str = "shimin_desk";
/// The pre-session cookie the sign-in form's CSRF token is tied to.
pub const PRE_COOKIE: &str = "shimin_desk_pre";
/// The chosen language (not a secret).
pub const LANG_COOKIE: &str = "shimin_desk_lang";

/// The longest cookie value taken (a token is 43 characters).
const MAX_COOKIE_VALUE: usize = 128;

/// The value of cookie `name` in the request, if it has one of a sane length.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= MAX_COOKIE_VALUE)
}

/// A `Set-Cookie` value: the desk's path, HttpOnly, SameSite=Strict, Secure when `secure`;
/// `max_age` `None` for a cookie that ends with the browser session, `Some(0)` to delete.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut cookie = format!("{name}={value}; Path=/desk; HttpOnly; SameSite=Strict");
    if secure {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    cookie
}

/// The CSRF token of a session token (or of a pre-session value): the session's secret hashed
/// under a label of its own, so a page shows it without showing the session, and a site that
/// cannot read the cookie cannot make it.
pub fn csrf_token(secret: &str) -> String {
    let mut input = b"shimin/desk/csrf/v1\0".to_vec();
    input.extend_from_slice(secret.as_bytes());
    b64(&sha256(&input))
}

/// Whether the form's `given` CSRF token is the one of `secret` (in constant time).
pub fn csrf_matches(secret: &str, given: Option<&str>) -> bool {
    let Some(given) = given else { return false };
    let expected = csrf_token(secret);
    expected.len() == given.len()
        && expected.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Whether the request's `Origin`, when it sends one, is this server (the `Host` it was sent
/// to): a second line behind the CSRF token and SameSite.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN) else { return true };
    let (Ok(origin), Some(host)) = (origin.to_str(), headers.get(HOST).and_then(|h| h.to_str().ok())) else {
        return false;
    };
    let host_part = origin.split_once("://").map(|(_, rest)| rest);
    host_part == Some(host)
}

/// The workbench sessions' last activity, by the SHA-256 of their token: the idle timeout
/// kept beside the token store's absolute expiry. Held in memory, so a restart of the backend
/// signs everyone out (it fails closed).
#[derive(Debug)]
pub struct Sessions {
    idle_secs: i64,
    last_seen: Mutex<HashMap<[u8; 32], i64>>,
}

impl Sessions {
    /// Sessions that end after `idle_secs` without a request.
    pub fn new(idle_secs: i64) -> Self {
        Self { idle_secs, last_seen: Mutex::default() }
    }

    /// A session begins at `now`; sessions idle for longer than the timeout are forgotten.
    pub fn begin(&self, token: &str, now: i64) {
        if let Ok(mut seen) = self.last_seen.lock() {
            seen.retain(|_, at| now - *at <= self.idle_secs);
            seen.insert(sha256(token.as_bytes()), now);
        }
    }

    /// Whether the session is alive at `now` (known, and used within the idle time); if so its
    /// activity is `now`, else it is forgotten.
    pub fn touch(&self, token: &str, now: i64) -> bool {
        let Ok(mut seen) = self.last_seen.lock() else { return false };
        let key = sha256(token.as_bytes());
        match seen.get_mut(&key) {
            Some(at) if now - *at <= self.idle_secs => {
                *at = now;
                true
            }
            Some(_) => {
                seen.remove(&key);
                false
            }
            None => false,
        }
    }

    /// The session ends (sign-out).
    pub fn end(&self, token: &str) {
        if let Ok(mut seen) = self.last_seen.lock() {
            seen.remove(&sha256(token.as_bytes()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_session_ends_after_its_idle_time_and_at_sign_out() {
        let sessions = Sessions::new(60);
        assert!(!sessions.touch("t", 0), "an unknown token is no session");
        sessions.begin("t", 0);
        assert!(sessions.touch("t", 59));
        assert!(sessions.touch("t", 118), "each request starts the idle time again");
        assert!(!sessions.touch("t", 179));
        assert!(!sessions.touch("t", 180), "an idle session is forgotten");
        sessions.begin("u", 0);
        sessions.end("u");
        assert!(!sessions.touch("u", 1));
    }

    #[test]
    fn the_csrf_token_belongs_to_its_session_only() {
        let token = csrf_token("session-a");
        assert!(csrf_matches("session-a", Some(&token)));
        assert!(!csrf_matches("session-b", Some(&token)));
        assert!(!csrf_matches("session-a", None));
        assert!(!csrf_matches("session-a", Some("")));
        assert_ne!(token, "session-a");
    }

    #[test]
    fn cookies_are_found_by_name_and_set_with_their_flags() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; shimin_desk=tok; shimin_desk_lang=en"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&headers, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&headers, PRE_COOKIE), None);
        let set = set_cookie(SESSION_COOKIE, "tok", true, None);
        for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/desk"] {
            assert!(set.contains(flag), "{set} lacks {flag}");
        }
        assert!(!set_cookie(SESSION_COOKIE, "tok", false, None).contains("Secure"));
    }

    #[test]
    fn another_origin_is_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:8787"));
        assert!(same_origin(&headers), "no Origin: the token decides");
        headers.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:8787"));
        assert!(same_origin(&headers));
        headers.insert(ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&headers));
        headers.insert(ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&headers));
    }
}

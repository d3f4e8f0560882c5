//! Helpers shared by the adapter, replay and end-to-end tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

/// A secret of the shape Unleeshed issues. It is also `whsec_` and valid
/// base64, so every provider's scheme takes it (Standard Webhooks decodes
/// it): the example receivers run with it on all seven routes.
pub const SECRET: &str = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
/// Another valid secret (for every scheme too), for rotation and
/// wrong-secret cases.
pub const OTHER_SECRET: &str = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";
/// A fixed clock for deterministic tests.
pub const NOW: i64 = 1_790_000_000;

/// The raw bytes of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The system clock in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Unix seconds as RFC 3339 UTC text (`2026-04-17T14:23:05Z`), as Commet
/// and LeadLex write the `timestamp` of their bodies.
pub fn rfc3339(seconds: i64) -> String {
    signed_webhooks::__private::format_rfc3339(seconds, false)
}

/// A JSON body with top-level fields set (the body is re-serialized,
/// pretty-printed as the fixtures are).
pub fn with_fields(body: &[u8], fields: &[(&str, serde_json::Value)]) -> Vec<u8> {
    let mut json: serde_json::Value = serde_json::from_slice(body).unwrap();
    for (field, value) in fields {
        json[*field] = value.clone();
    }
    serde_json::to_vec_pretty(&json).unwrap()
}

pub mod describe;
pub mod log;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod redis;
pub mod requests;
pub mod runs;
pub mod serve;

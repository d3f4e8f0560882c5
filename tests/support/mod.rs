//! Helpers shared by the core tests (verification, vectors, events).
//!
//! Kept apart from `tests/common`, which also holds the adapters' request
//! tables: the core tests build and run whatever state the adapters are in.
#![allow(dead_code)]

use std::path::PathBuf;

/// A secret of the shape Unleeshed issues.
pub const SECRET: &str = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
/// Another valid secret, for rotation and wrong-secret cases.
pub const OTHER_SECRET: &str = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";
/// A Standard Webhooks secret: `whsec_` and the base64 of a 32-byte key.
pub const SW_SECRET: &str = "whsec_MwYydWTIAY4akAkEnQ6YwPCkkNQMXIU1GhspSzVpbHQ=";
/// A fixed clock for deterministic tests.
pub const NOW: i64 = 1_790_000_000;
/// The header Unleeshed signs with.
pub const UNLEESHED: &str = "x-unleeshed-signature";

/// The raw bytes of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// An Unleeshed delivery's headers with the signature header `value`.
pub fn unleeshed(value: &str) -> [(&'static str, &str); 1] {
    [(UNLEESHED, value)]
}

/// A form body's fields, decoded (`+` and percent-escapes), in order, as
/// `[[name, value], …]`.
pub fn form_fields(body: &str) -> serde_json::Value {
    fn decode(text: &str) -> String {
        let text = text.replace('+', " ");
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let escaped = text
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            if let (b'%', Some(b)) = (bytes[i], escaped) {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8(out).unwrap()
    }
    body.split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            serde_json::json!([decode(name), decode(value)])
        })
        .collect()
}

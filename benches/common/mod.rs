//! Inputs shared by the crate's benches and the peer comparison
//! (`benches/peers`, which includes this file by path).
#![allow(dead_code)]

pub mod paired;

/// The body sizes every bench runs at.
pub const SIZES: [usize; 4] = [256, 1024, 16 * 1024, 1024 * 1024];

/// A secret of the shape Unleeshed issues (the same as the tests').
pub const SECRET: &str = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
/// Two more valid secrets, for the rotation worst case.
pub const OTHER_SECRETS: [&str; 2] = [
    "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2",
    "custom-secret-number-three-of-at-least-32",
];
/// A fixed clock, so the pinned-clock benches are deterministic.
pub const NOW: i64 = 1_790_000_000;

/// A short human label for a size: `256B`, `1KiB`, `16KiB`, `1MiB`.
pub fn label(size: usize) -> String {
    match size {
        s if s >= 1024 * 1024 && s % (1024 * 1024) == 0 => format!("{}MiB", s / (1024 * 1024)),
        s if s >= 1024 && s % 1024 == 0 => format!("{}KiB", s / 1024),
        s => format!("{s}B"),
    }
}

/// Prose to grow a commentary with: plain ASCII, a few characters that JSON
/// must escape (`"`, `\n`), as real commentary has.
const PROSE: &str = r#"A sharp, well-sourced take on the quarter's results: revenue up 12% on the year, margins \"resilient\" despite input costs, and guidance raised for Q1.\n"#;

/// Wraps `commentary` (already JSON-escaped) in a `creator.approved` event,
/// as Unleeshed sends it (compact, `type` before `data`).
fn creator_approved(commentary: &str) -> String {
    format!(
        concat!(
            r#"{{"id":"evt_01JD7X4K2M9Q8R5T3V6W1Y0Z2A","type":"creator.approved","#,
            r#""created_at":"2026-11-22T10:15:30Z","data":{{"external_reference":"#,
            r#""article-2026-11-0042","commentary":"{}","metadata":{{"#,
            r#""campaign":"q4-earnings","language":"en"}}}}}}"#
        ),
        commentary
    )
}

/// A realistic `creator.approved` event body of exactly `size` bytes: the
/// commentary text grows (and is cut) to fit.
pub fn unleeshed_body(size: usize) -> Vec<u8> {
    wrap_to_size(size, creator_approved)
}

/// Grows the JSON-escaped text given to `wrap` until the result is exactly
/// `size` bytes long; the text is cut between escapes so the JSON stays
/// valid.
pub fn wrap_to_size(size: usize, wrap: impl Fn(&str) -> String) -> Vec<u8> {
    let overhead = wrap("").len();
    assert!(size >= overhead, "{size} B is too small for the envelope");
    let room = size - overhead;
    let mut text = String::with_capacity(room + PROSE.len());
    while text.len() < room {
        text.push_str(PROSE);
    }
    text.truncate(room);
    // Do not leave half of a `\"` or `\n` escape at the end.
    let backslashes = text.bytes().rev().take_while(|&b| b == b'\\').count();
    if backslashes % 2 == 1 {
        text.pop();
        text.push(' ');
    }
    let body = wrap(&text).into_bytes();
    assert_eq!(body.len(), size);
    body
}

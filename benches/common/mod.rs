//! Inputs shared by the crate's benches and the peer and before/after
//! comparisons (`benches/peers`, `benches/before`, which include this file
//! by path).
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
/// A Standard Webhooks secret: `whsec_` and the key in base64 (24 bytes).
pub const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The key [`STANDARD_SECRET`] stands for, in hex.
pub const STANDARD_KEY_HEX: &str = "31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0";
/// tests/vectors/discord.json's first key pair: the public key as Discord
/// shows it (hex) and the private key's seed (hex).
pub const DISCORD_PUBLIC: &str = "a968e5e34c12a9448b6b205d873461cc2a99cae1ac12565562fd324f70211374";
/// See [`DISCORD_PUBLIC`].
pub const DISCORD_SEED: &str = "521b7f17ce2ce24abfb2fde2036512736179d1604230222d9a11258958ad30cb";
/// tests/vectors/sendgrid.json's first key pair: the public key as SendGrid
/// shows it (base64 DER, SubjectPublicKeyInfo) and the private key (base64
/// DER, PKCS#8).
pub const SENDGRID_PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEK6eAK36Mn4GX/c/85Bk19kwx5J7PM2gRYWTybKxFdauwqLx2gKGZbDQL8mlNGiCw6Rn+eNWiSjSwAMR3pchKiQ==";
/// See [`SENDGRID_PUBLIC`].
pub const SENDGRID_PRIVATE: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0rZepRAdVRkDQ7EK1JJI0yzI4VUFuDTpkesfv+sIDoqhRANCAAQrp4ArfoyfgZf9z/zkGTX2TDHkns8zaBFhZPJsrEV1q7CovHaAoZlsNAvyaU0aILDpGf541aJKNLAAxHelyEqJ";
/// A fixed clock, so the pinned-clock benches are deterministic.
pub const NOW: i64 = 1_790_000_000;
/// The Standard Webhooks message id the benches sign with.
pub const MESSAGE_ID: &str = "msg_2b6Wc1LxZ0cpQ8Jm7Xk0dR3Wq9Y";

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

/// The system clock in Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Unix seconds as RFC 3339 text in UTC (`2026-09-21T14:13:20Z`), as the
/// providers that put a time in their bodies write it.
pub fn rfc3339(t: i64) -> String {
    signed_webhooks::__private::format_rfc3339(t, false)
}

/// A Commet `customer.updated` event of exactly `size` bytes (a metadata
/// note grows), emitted at `emitted` (Unix seconds), compact.
pub fn commet_body(size: usize, emitted: i64) -> Vec<u8> {
    wrap_to_size(size, |note| {
        format!(
            concat!(
                r#"{{"id":"whev_jf6KcEkxn970E5LggDGxLAiZ","event":"customer.updated","#,
                r#""timestamp":"{}","organizationId":"8f14e45f","mode":"live","#,
                r#""apiVersion":"2026-08-27","data":{{"id":"cus_1a2b3c4d","#,
                r#""metadata":{{"note":"{}"}}}}}}"#
            ),
            rfc3339(emitted),
            note
        )
    })
}

/// A LeadLex `contact.created` event of exactly `size` bytes (the contact's
/// notes grow), emitted at `emitted`.
pub fn leadlex_body(size: usize, emitted: i64) -> Vec<u8> {
    wrap_to_size(size, |notes| {
        format!(
            concat!(
                r#"{{"event":"contact.created","timestamp":"{}","#,
                r#""workspace_id":"123e4567-e89b-12d3-a456-426614174000","data":{{"contact":{{"#,
                r#""id":"5acd9751-99ba-54d0-9afb-2b439d8e9b56","full_name":"Jane Doe","#,
                r#""notes":"{}"}}}}}}"#
            ),
            rfc3339(emitted),
            notes
        )
    })
}

/// A GitHub `issues` (`opened`) payload of exactly `size` bytes (the
/// issue's body grows).
pub fn github_body(size: usize) -> Vec<u8> {
    wrap_to_size(size, |text| {
        format!(
            concat!(
                r#"{{"action":"opened","issue":{{"id":1,"number":1347,"title":"Found a bug","#,
                r#""state":"open","body":"{}"}},"repository":{{"id":1296269,"#,
                r#""full_name":"octocat/Hello-World"}},"sender":{{"login":"octocat","id":1}}}}"#
            ),
            text
        )
    })
}

/// A Standard Webhooks `invoice.paid` event of exactly `size` bytes (the
/// invoice's description grows), occurred at `emitted`.
pub fn standard_body(size: usize, emitted: i64) -> Vec<u8> {
    wrap_to_size(size, |text| {
        format!(
            concat!(
                r#"{{"type":"invoice.paid","timestamp":"{}","data":{{"id":"inv_1QxYz","#,
                r#""amount":4200,"currency":"eur","description":"{}"}}}}"#
            ),
            rfc3339(emitted),
            text
        )
    })
}

/// A Twilio SMS webhook of exactly `size` bytes, form-encoded as Twilio
/// posts it (the message's text grows), and its fields decoded, in the
/// order sent.
pub fn twilio_form(size: usize) -> (Vec<u8>, Vec<(String, String)>) {
    let fields = |text: &str| {
        [
            ("AccountSid", "ACa1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4"),
            ("ApiVersion", "2010-04-01"),
            ("Body", text),
            ("From", "%2B14155550100"),
            ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
            ("NumMedia", "0"),
            ("To", "%2B14155550199"),
        ]
        .map(|(name, value)| format!("{name}={value}"))
        .join("&")
    };
    let room = size - fields("").len();
    let text: String = "Running+late,+see+you+at+the+station+in+ten+minutes.+"
        .chars()
        .cycle()
        .take(room)
        .collect();
    let body = fields(&text).into_bytes();
    assert_eq!(body.len(), size);
    // Only `+` and `%2B` are encoded above.
    let decoded = std::str::from_utf8(&body)
        .unwrap()
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            let value = value.replace('+', " ").replace("%2B", "+");
            (name.to_owned(), value)
        })
        .collect();
    (body, decoded)
}

/// A Linear `Issue` `create` event of exactly `size` bytes (the issue's
/// description grows), sent at `millis` (Unix milliseconds, its signed
/// `webhookTimestamp`).
pub fn linear_body(size: usize, millis: i64) -> Vec<u8> {
    wrap_to_size(size, |text| {
        format!(
            concat!(
                r#"{{"action":"create","type":"Issue","data":{{"id":"2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9","#,
                r#""title":"Fix the login redirect","description":"{}"}},"#,
                r#""webhookTimestamp":{},"webhookId":"000042e3-d123-4980-b49f-8e140eef9329"}}"#
            ),
            text, millis
        )
    })
}

/// The headers of a delivery as a server sees them: the signed headers
/// among those every HTTP client and provider sends, in an `http`
/// `HeaderMap` (what axum, hyper and tower hand over).
pub fn request_headers<'a>(
    signed: impl IntoIterator<Item = (&'a str, &'a str)>,
    body_len: usize,
) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    for (name, value) in [
        ("host", "hooks.example.com"),
        ("user-agent", "Provider-Hookshot/1.0"),
        ("accept", "*/*"),
        ("accept-encoding", "gzip"),
        ("content-type", "application/json"),
        ("x-github-event", "issues"),
        ("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
    ] {
        headers.insert(name, value.parse().unwrap());
    }
    headers.insert("content-length", body_len.into());
    for (name, value) in signed {
        headers.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    headers
}

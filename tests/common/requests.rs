//! One table of requests, good and bad, with the answer each must get; run
//! against every adapter (through its test harness and over real HTTP).

use std::time::{SystemTime, UNIX_EPOCH};

use signed_webhooks::Signer;

use super::{OTHER_SECRET, SECRET, fixture};

/// A request to send and the answer it must get.
pub struct Case {
    pub name: &'static str,
    pub path: &'static str,
    pub headers: Vec<(&'static str, Vec<u8>)>,
    pub body: Vec<u8>,
    pub status: u16,
    /// The `error.code` of the JSON body, for refusals.
    pub code: Option<&'static str>,
}

/// Larger than both frameworks' default body limits (axum 2 MiB, actix-web 256 KiB).
pub const OVERSIZED: usize = 3 * 1024 * 1024;

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn sign(body: &[u8], at: i64) -> Vec<u8> {
    Signer::new(SECRET).unwrap().sign_at(body, at).into_bytes()
}

fn sig_header(value: Vec<u8>) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("X-Unleeshed-Signature", value),
        ("Content-Type", b"application/json".to_vec()),
    ]
}

fn refused(
    name: &'static str,
    headers: Vec<(&'static str, Vec<u8>)>,
    body: Vec<u8>,
    status: u16,
    code: &'static str,
) -> Case {
    Case {
        name,
        path: "/webhooks/unleeshed",
        headers,
        body,
        status,
        code: Some(code),
    }
}

fn accepted(
    name: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, Vec<u8>)>,
    body: Vec<u8>,
) -> Case {
    Case {
        name,
        path,
        headers,
        body,
        status: 200,
        code: None,
    }
}

/// The table. Built at call time: signatures are made against the clock.
pub fn cases() -> Vec<Case> {
    let now = now();
    let event = fixture("unleeshed/creator.approved.json");
    let valid = sign(&event, now);
    let sig = String::from_utf8(valid.clone())
        .unwrap()
        .split_once(",v1=")
        .unwrap()
        .1
        .to_owned();

    let mut tampered = event.clone();
    tampered[20] ^= 0x01;
    let reserialized =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&event).unwrap()).unwrap();
    let oversized = {
        let mut body =
            b"{\"id\":\"evt_big\",\"type\":\"x\",\"created_at\":\"t\",\"data\":\"".to_vec();
        body.resize(OVERSIZED, b'a');
        body.extend_from_slice(b"\"}");
        body
    };
    let not_an_event = b"[1,2,3]".to_vec();
    let broken_json = b"{\"id\":\"evt_1\",\"type\":".to_vec();
    let wrong_payload = br#"{"id":"e","type":"creator.approved","created_at":"t","data":{"external_reference":42}}"#.to_vec();
    let empty = Vec::new();
    let unknown_type = fixture("unleeshed/commentary.regenerated.json");
    let exchange_event = fixture("exchange/order.status_changed.json");

    vec![
        refused(
            "no signature header",
            vec![("Content-Type", b"application/json".to_vec())],
            event.clone(),
            400,
            "missing_signature_header",
        ),
        refused(
            "two signature headers",
            vec![
                ("X-Unleeshed-Signature", valid.clone()),
                ("X-Unleeshed-Signature", valid.clone()),
            ],
            event.clone(),
            400,
            "duplicate_signature_header",
        ),
        refused(
            "garbage header",
            sig_header(b"garbage".to_vec()),
            event.clone(),
            400,
            "malformed_signature_header",
        ),
        refused(
            "empty header",
            sig_header(Vec::new()),
            event.clone(),
            400,
            "malformed_signature_header",
        ),
        refused(
            "header with bytes outside ASCII",
            sig_header(format!("t={now},v1={sig}\u{e9}").into_bytes()),
            event.clone(),
            400,
            "malformed_signature_header",
        ),
        refused(
            "header over the length cap",
            sig_header(format!("t={now},v1={sig},x={}", "y".repeat(2000)).into_bytes()),
            event.clone(),
            400,
            "malformed_signature_header",
        ),
        refused(
            "signed timestamp with a sign",
            sig_header(format!("t=+{now},v1={sig}").into_bytes()),
            event.clone(),
            400,
            "malformed_signature_header",
        ),
        refused(
            "no v1 signature, only v0",
            sig_header(format!("t={now},v0={sig}").into_bytes()),
            event.clone(),
            400,
            "no_v1_signature",
        ),
        refused(
            "stripe header at the unleeshed endpoint",
            vec![("Stripe-Signature", valid.clone())],
            event.clone(),
            400,
            "missing_signature_header",
        ),
        refused(
            "stale timestamp",
            sig_header(sign(&event, now - 600)),
            event.clone(),
            401,
            "timestamp_too_old",
        ),
        refused(
            "future timestamp",
            sig_header(sign(&event, now + 600)),
            event.clone(),
            401,
            "timestamp_in_future",
        ),
        refused(
            "wrong secret",
            sig_header(
                Signer::new(OTHER_SECRET)
                    .unwrap()
                    .sign_at(&event, now)
                    .into_bytes(),
            ),
            event.clone(),
            401,
            "signature_mismatch",
        ),
        refused(
            "tampered body",
            sig_header(valid.clone()),
            tampered,
            401,
            "signature_mismatch",
        ),
        refused(
            "re-serialized body",
            sig_header(valid.clone()),
            reserialized,
            401,
            "signature_mismatch",
        ),
        refused(
            "timestamp swapped under the signature",
            sig_header(format!("t={},v1={sig}", now - 1).into_bytes()),
            event.clone(),
            401,
            "signature_mismatch",
        ),
        refused(
            "truncated signature",
            sig_header(format!("t={now},v1={}", &sig[..63]).into_bytes()),
            event.clone(),
            401,
            "signature_mismatch",
        ),
        refused(
            "signature of an empty body",
            sig_header(sign(b"", now)),
            event.clone(),
            401,
            "signature_mismatch",
        ),
        refused(
            "body over the limit",
            sig_header(sign(&oversized, now)),
            oversized,
            413,
            "body_too_large",
        ),
        refused(
            "signed JSON that is not an event",
            sig_header(sign(&not_an_event, now)),
            not_an_event,
            422,
            "invalid_event",
        ),
        refused(
            "signed body that is not JSON",
            sig_header(sign(&broken_json, now)),
            broken_json,
            422,
            "invalid_event",
        ),
        refused(
            "signed event with a wrongly typed field",
            sig_header(sign(&wrong_payload, now)),
            wrong_payload,
            422,
            "invalid_event",
        ),
        refused(
            "signed empty body",
            sig_header(sign(&empty, now)),
            empty,
            422,
            "invalid_event",
        ),
        accepted(
            "a signed event",
            "/webhooks/unleeshed",
            sig_header(valid.clone()),
            event.clone(),
        ),
        accepted(
            "header name in another case",
            "/webhooks/unleeshed",
            vec![("x-UNLEESHED-signature", valid.clone())],
            event.clone(),
        ),
        accepted(
            "spaces after commas",
            "/webhooks/unleeshed",
            sig_header(format!("t={now}, v1={sig}").into_bytes()),
            event.clone(),
        ),
        accepted(
            "any content type (it is not signed, so not trusted)",
            "/webhooks/unleeshed",
            vec![
                ("X-Unleeshed-Signature", valid.clone()),
                ("Content-Type", b"text/plain".to_vec()),
            ],
            event.clone(),
        ),
        accepted(
            "an unknown event type",
            "/webhooks/unleeshed",
            sig_header(sign(&unknown_type, now)),
            unknown_type,
        ),
        accepted(
            "an exchange event",
            "/webhooks/exchange",
            sig_header(sign(&exchange_event, now)),
            exchange_event,
        ),
    ]
}

/// Checks a response against its case: the status, and for refusals the
/// JSON error body, which must never hold the secret or the expected signature.
pub fn check(case: &Case, status: u16, body: &[u8]) {
    assert_eq!(
        status,
        case.status,
        "{}: status (body {:?})",
        case.name,
        String::from_utf8_lossy(body)
    );
    let Some(code) = case.code else { return };
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "{}: error body is not JSON ({e}): {:?}",
            case.name,
            String::from_utf8_lossy(body)
        )
    });
    assert_eq!(json["error"]["code"], code, "{}", case.name);
    let message = json["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no message", case.name));
    assert!(!message.is_empty(), "{}", case.name);
    let text = String::from_utf8_lossy(body);
    assert!(
        !text.contains(SECRET) && !text.contains(OTHER_SECRET),
        "{}: leaks a secret",
        case.name
    );
    let longest_hex_run = text
        .split(|c: char| !c.is_ascii_hexdigit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(
        longest_hex_run < 64,
        "{}: the body holds a signature-like hex string",
        case.name
    );
}

//! One table of requests, good and bad, to every provider route of the
//! example receivers (`/webhooks/{unleeshed,exchange,stripe,commet,leadlex,
//! github,standard}`), with the answer each must get. It is run, in order
//! and against one fresh duplicate store, through each framework's test
//! harness and over real HTTP against the example binaries.
//!
//! The order matters: a redelivery is a duplicate because the delivery it
//! repeats came first, and a refused request comes before the first
//! delivery of its event, to show that a refusal claims nothing.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};
#[cfg(feature = "standard-webhooks")]
use signed_webhooks::StandardWebhooks;
use signed_webhooks::{
    Commet, Exchange, GitHub, LeadLex, Provider, SignedHeaders, Signer, Stripe, Unleeshed,
};

use super::{OTHER_SECRET, SECRET, fixture, now, rfc3339, with_fields};

/// Every provider route of the example receivers.
pub const ROUTES: &[&str] = &[
    "/webhooks/unleeshed",
    "/webhooks/exchange",
    "/webhooks/stripe",
    "/webhooks/commet",
    "/webhooks/leadlex",
    "/webhooks/github",
    #[cfg(feature = "standard-webhooks")]
    "/webhooks/standard",
];

/// What a request must get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Refused with this status and this `error.code` in the JSON body.
    Refused { status: u16, code: &'static str },
    /// Verified and processed: 200, the handler runs once and reports
    /// `processed <id> <type>`.
    Processed { id: String, event_type: String },
    /// Verified, and recognised as a delivery already processed: 200, the
    /// handler does not run again (a receiver that sees duplicates reports
    /// `duplicate <id>`).
    Duplicate { id: String },
}

/// A request to send and the answer it must get.
pub struct Case {
    pub name: String,
    pub path: &'static str,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    pub expect: Expect,
}

impl Case {
    /// The status it must be answered with.
    pub fn status(&self) -> u16 {
        match self.expect {
            Expect::Refused { status, .. } => status,
            Expect::Processed { .. } | Expect::Duplicate { .. } => 200,
        }
    }

    /// The line the handler reports (and the example binaries print) for
    /// it; `None` for a refusal, which never reaches the handler.
    pub fn line(&self) -> Option<String> {
        match &self.expect {
            Expect::Refused { .. } => None,
            Expect::Processed { id, event_type } => Some(format!(
                "processed {} {}",
                id.escape_debug(),
                event_type.escape_debug()
            )),
            Expect::Duplicate { id } => Some(format!("duplicate {}", id.escape_debug())),
        }
    }
}

/// Larger than both frameworks' default body limits (axum 2 MiB, actix-web 256 KiB).
pub const OVERSIZED: usize = 3 * 1024 * 1024;

/// The table. Built at call time: signatures and body times are made
/// against the clock.
pub fn cases() -> Vec<Case> {
    // The helper that writes body times agrees with the crate's reading of
    // them (a timestamp from the crate's own tests).
    assert_eq!(rfc3339(1_776_435_785), "2026-04-17T14:23:05Z");
    let now = now();
    let mut table = Table::default();
    unleeshed(&mut table, now);
    exchange(&mut table, now);
    stripe(&mut table, now);
    commet(&mut table, now);
    leadlex(&mut table, now);
    github(&mut table, now);
    #[cfg(feature = "standard-webhooks")]
    standard(&mut table, now);
    table.cases
}

#[derive(Default)]
struct Table {
    cases: Vec<Case>,
}

type Headers = Vec<(String, Vec<u8>)>;

impl Table {
    fn push(
        &mut self,
        name: &str,
        path: &'static str,
        headers: Headers,
        body: &[u8],
        expect: Expect,
    ) {
        self.cases.push(Case {
            name: name.to_owned(),
            path,
            headers,
            body: body.to_vec(),
            expect,
        });
    }

    fn refused(
        &mut self,
        name: &str,
        path: &'static str,
        headers: Headers,
        body: &[u8],
        status: u16,
        code: &'static str,
    ) {
        self.push(name, path, headers, body, Expect::Refused { status, code });
    }

    fn processed(
        &mut self,
        name: &str,
        path: &'static str,
        headers: Headers,
        body: &[u8],
        id: &str,
        event_type: &str,
    ) {
        let expect = Expect::Processed {
            id: id.to_owned(),
            event_type: event_type.to_owned(),
        };
        self.push(name, path, headers, body, expect);
    }

    fn duplicate(
        &mut self,
        name: &str,
        path: &'static str,
        headers: Headers,
        body: &[u8],
        id: &str,
    ) {
        let expect = Expect::Duplicate { id: id.to_owned() };
        self.push(name, path, headers, body, expect);
    }
}

/// One header.
fn h(name: &str, value: impl AsRef<[u8]>) -> (String, Vec<u8>) {
    (name.to_owned(), value.as_ref().to_vec())
}

/// The headers a provider signs a delivery with.
fn pairs(signed: SignedHeaders) -> Headers {
    signed
        .into_iter()
        .map(|(name, value)| (name.into_owned(), value.into_bytes()))
        .collect()
}

/// `P`'s signature headers for `body` signed with `secret` at `at`.
fn signed<P: Provider>(secret: &str, body: &[u8], at: i64) -> SignedHeaders {
    Signer::<P>::new(secret).unwrap().sign_at(body, at)
}

/// The value of `P`'s signature header for `body` signed at `at`.
fn signature<P: Provider>(secret: &str, body: &[u8], at: i64, header: &str) -> String {
    signed::<P>(secret, body, at)
        .get(header)
        .unwrap()
        .to_owned()
}

/// A content change a relay or an attacker might make: one digit of the
/// body changed (every fixture has digits), the JSON still valid.
fn tamper(body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    let digit = body.iter().position(u8::is_ascii_digit).unwrap();
    body[digit] = if body[digit] == b'9' {
        b'0'
    } else {
        body[digit] + 1
    };
    body
}

fn json() -> (String, Vec<u8>) {
    h("Content-Type", "application/json")
}

fn unleeshed(t: &mut Table, now: i64) {
    const PATH: &str = "/webhooks/unleeshed";
    const HEADER: &str = "X-Unleeshed-Signature";
    let sign = |body: &[u8], at: i64| signature::<Unleeshed>(SECRET, body, at, HEADER);
    let sig_header = |value: String| vec![h(HEADER, value), json()];

    let event = fixture("unleeshed/creator.approved.json");
    let id = "evt_01JD7X4K2M9Q8R5T3V6W1Y0Z2A";
    let with_id = |id: &str| with_fields(&event, &[("id", id.into())]);
    let valid = sign(&event, now);
    let sig = valid.split_once(",v1=").unwrap().1.to_owned();

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
    let unknown_type = fixture("unleeshed/commentary.regenerated.json");
    let exchange_event = fixture("exchange/order.status_changed.json");

    t.refused(
        "no signature header",
        PATH,
        vec![json()],
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "two signature headers",
        PATH,
        vec![h(HEADER, &valid), h(HEADER, &valid)],
        &event,
        400,
        "duplicate_signature_header",
    );
    t.refused(
        "garbage header",
        PATH,
        sig_header("garbage".into()),
        &event,
        400,
        "malformed_signature_header",
    );
    t.refused(
        "empty header",
        PATH,
        sig_header(String::new()),
        &event,
        400,
        "malformed_signature_header",
    );
    let mut non_ascii = format!("t={now},v1={sig}").into_bytes();
    non_ascii.extend_from_slice("\u{e9}".as_bytes());
    t.refused(
        "header with bytes outside ASCII",
        PATH,
        vec![(HEADER.to_owned(), non_ascii), json()],
        &event,
        400,
        "malformed_signature_header",
    );
    t.refused(
        "header over the length cap",
        PATH,
        sig_header(format!("t={now},v1={sig},x={}", "y".repeat(2000))),
        &event,
        400,
        "malformed_signature_header",
    );
    t.refused(
        "signed timestamp with a sign",
        PATH,
        sig_header(format!("t=+{now},v1={sig}")),
        &event,
        400,
        "malformed_signature_header",
    );
    t.refused(
        "no v1 signature, only v0",
        PATH,
        sig_header(format!("t={now},v0={sig}")),
        &event,
        400,
        "no_v1_signature",
    );
    t.refused(
        "stripe header at the unleeshed endpoint",
        PATH,
        vec![h("Stripe-Signature", &valid)],
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "stale timestamp",
        PATH,
        sig_header(sign(&event, now - 600)),
        &event,
        401,
        "timestamp_too_old",
    );
    t.refused(
        "future timestamp",
        PATH,
        sig_header(sign(&event, now + 600)),
        &event,
        401,
        "timestamp_in_future",
    );
    t.refused(
        "wrong secret",
        PATH,
        sig_header(signature::<Unleeshed>(OTHER_SECRET, &event, now, HEADER)),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "tampered body",
        PATH,
        sig_header(valid.clone()),
        &tampered,
        401,
        "signature_mismatch",
    );
    t.refused(
        "re-serialized body",
        PATH,
        sig_header(valid.clone()),
        &reserialized,
        401,
        "signature_mismatch",
    );
    t.refused(
        "timestamp swapped under the signature",
        PATH,
        sig_header(format!("t={},v1={sig}", now - 1)),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "truncated signature",
        PATH,
        sig_header(format!("t={now},v1={}", &sig[..63])),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "unleeshed: an empty v1 signature",
        PATH,
        sig_header(format!("t={now},v1=")),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "signature of an empty body",
        PATH,
        sig_header(sign(b"", now)),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "body over the limit",
        PATH,
        sig_header(sign(&oversized, now)),
        &oversized,
        413,
        "body_too_large",
    );
    t.refused(
        "signed JSON that is not an event",
        PATH,
        sig_header(sign(&not_an_event, now)),
        &not_an_event,
        422,
        "invalid_event",
    );
    t.refused(
        "signed body that is not JSON",
        PATH,
        sig_header(sign(&broken_json, now)),
        &broken_json,
        422,
        "invalid_event",
    );
    t.refused(
        "signed event with a wrongly typed field",
        PATH,
        sig_header(sign(&wrong_payload, now)),
        &wrong_payload,
        422,
        "invalid_event",
    );
    t.refused(
        "signed empty body",
        PATH,
        sig_header(sign(b"", now)),
        b"",
        422,
        "invalid_event",
    );
    t.processed(
        "a signed event",
        PATH,
        sig_header(valid.clone()),
        &event,
        id,
        "creator.approved",
    );
    // Each of these is an event of its own, so each runs the handler.
    let body = with_id("evt_header_case");
    t.processed(
        "header name in another case",
        PATH,
        vec![h("x-UNLEESHED-signature", sign(&body, now))],
        &body,
        "evt_header_case",
        "creator.approved",
    );
    let body = with_id("evt_spaces");
    let spaced = sign(&body, now).replace(",v1=", ", v1=");
    t.processed(
        "spaces after commas",
        PATH,
        sig_header(spaced),
        &body,
        "evt_spaces",
        "creator.approved",
    );
    let body = with_id("evt_text_plain");
    t.processed(
        "any content type (it is not signed, so not trusted)",
        PATH,
        vec![h(HEADER, sign(&body, now)), h("Content-Type", "text/plain")],
        &body,
        "evt_text_plain",
        "creator.approved",
    );
    t.processed(
        "an unknown event type",
        PATH,
        sig_header(sign(&unknown_type, now)),
        &unknown_type,
        "evt_01JD7XF8X9Y0Z1A2B3C4D5E6F7",
        "commentary.regenerated",
    );
    t.processed(
        "an exchange event",
        "/webhooks/exchange",
        sig_header(signature::<Exchange>(SECRET, &exchange_event, now, HEADER)),
        &exchange_event,
        "evt_7a2d3b8f-1c55-4e6f-8b4d-2a3f4e5d6c7b",
        "order.status_changed",
    );
    t.duplicate(
        "unleeshed: the same request again (a replay)",
        PATH,
        sig_header(valid.clone()),
        &event,
        id,
    );
    t.duplicate(
        "unleeshed: a redelivery of the event, signed anew",
        PATH,
        sig_header(sign(&event, now - 60)),
        &event,
        id,
    );
}

fn exchange(t: &mut Table, now: i64) {
    const PATH: &str = "/webhooks/exchange";
    const HEADER: &str = "X-Unleeshed-Signature";
    let sign = |secret: &str, body: &[u8], at: i64| {
        vec![
            h(HEADER, signature::<Exchange>(secret, body, at, HEADER)),
            json(),
        ]
    };
    let event = fixture("exchange/order.created.json");
    let id = "evt_6f1c2a7e-0b44-4d5e-9a3c-1f2e3d4c5b6a";

    t.refused(
        "exchange: no signature header",
        PATH,
        vec![json()],
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "exchange: a Stripe-Signature header",
        PATH,
        vec![h(
            "Stripe-Signature",
            signature::<Stripe>(SECRET, &event, now, "stripe-signature"),
        )],
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "exchange: an empty v1 signature",
        PATH,
        vec![h(HEADER, format!("t={now},v1="))],
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "exchange: stale timestamp",
        PATH,
        sign(SECRET, &event, now - 600),
        &event,
        401,
        "timestamp_too_old",
    );
    t.refused(
        "exchange: wrong secret",
        PATH,
        sign(OTHER_SECRET, &event, now),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "exchange: tampered body",
        PATH,
        sign(SECRET, &event, now),
        &tamper(&event),
        401,
        "signature_mismatch",
    );
    t.processed(
        "exchange: a signed event",
        PATH,
        sign(SECRET, &event, now),
        &event,
        id,
        "order.created",
    );
    t.duplicate(
        "exchange: a redelivery, signed anew",
        PATH,
        sign(SECRET, &event, now - 90),
        &event,
        id,
    );
}

fn stripe(t: &mut Table, now: i64) {
    const PATH: &str = "/webhooks/stripe";
    const HEADER: &str = "Stripe-Signature";
    let value = |secret: &str, body: &[u8], at: i64| signature::<Stripe>(secret, body, at, HEADER);
    let sign =
        |secret: &str, body: &[u8], at: i64| vec![h(HEADER, value(secret, body, at)), json()];
    let event = fixture("stripe/invoice.paid.json");
    let id = "evt_1P9yA1LkdIwHu7ixZ9y8X7w6";
    let test_mode = fixture("stripe/payment_intent.succeeded.json");

    t.refused(
        "stripe: no signature header",
        PATH,
        vec![json()],
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "stripe: an X-Unleeshed-Signature header",
        PATH,
        vec![h("X-Unleeshed-Signature", value(SECRET, &event, now))],
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "stripe: an empty v1 signature",
        PATH,
        vec![h(HEADER, format!("t={now},v1="))],
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "stripe: only a test-mode v0 signature",
        PATH,
        vec![h(HEADER, format!("t={now},v0={}", "5".repeat(64)))],
        &event,
        400,
        "no_v1_signature",
    );
    t.refused(
        "stripe: stale timestamp",
        PATH,
        sign(SECRET, &event, now - 600),
        &event,
        401,
        "timestamp_too_old",
    );
    t.refused(
        "stripe: wrong secret",
        PATH,
        sign(OTHER_SECRET, &event, now),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "stripe: tampered body",
        PATH,
        sign(SECRET, &event, now),
        &tamper(&event),
        401,
        "signature_mismatch",
    );
    t.processed(
        "stripe: a signed event",
        PATH,
        sign(SECRET, &event, now),
        &event,
        id,
        "invoice.paid",
    );
    t.duplicate(
        "stripe: a redelivery, signed anew",
        PATH,
        sign(SECRET, &event, now - 30),
        &event,
        id,
    );
    t.processed(
        "stripe: a test-mode header with a v0 beside the v1",
        PATH,
        vec![h(
            HEADER,
            format!("{},v0={}", value(SECRET, &test_mode, now), "5".repeat(64)),
        )],
        &test_mode,
        "evt_3P9yA0LkdIwHu7ix1K2l3M4n",
        "payment_intent.succeeded",
    );
}

fn commet(t: &mut Table, now: i64) {
    const PATH: &str = "/webhooks/commet";
    const HEADER: &str = "X-Commet-Signature";
    // Commet signs the body alone; its time is the body's `timestamp`,
    // checked once the signature matched.
    let emitted_at = |name: &str, at: serde_json::Value| {
        with_fields(
            &fixture(&format!("commet/{name}.json")),
            &[("timestamp", at)],
        )
    };
    let id = "whev_IxZ4wIRG6lKiJ6EqG3YW2a04";
    let headers = |secret: &str, body: &[u8], event_id: &str| {
        vec![
            h(HEADER, signature::<Commet>(secret, body, 0, HEADER)),
            h("X-Commet-Event-Id", event_id),
            json(),
        ]
    };
    let event = emitted_at("subscription.activated", rfc3339(now).into());
    let compact =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&event).unwrap()).unwrap();
    let other = "whev_cidLNEsk1RngfyXJWbBv4dcb";

    t.refused(
        "commet: no signature header",
        PATH,
        vec![h("X-Commet-Event-Id", id), json()],
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "commet: an empty signature header",
        PATH,
        vec![h(HEADER, ""), h("X-Commet-Event-Id", id)],
        &event,
        400,
        "malformed_signature_header",
    );
    let truncated = signature::<Commet>(SECRET, &event, 0, HEADER)[..63].to_owned();
    t.refused(
        "commet: a truncated signature",
        PATH,
        vec![h(HEADER, truncated), h("X-Commet-Event-Id", id)],
        &event,
        400,
        "malformed_signature_header",
    );
    t.refused(
        "commet: wrong secret",
        PATH,
        headers(OTHER_SECRET, &event, id),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "commet: tampered body",
        PATH,
        headers(SECRET, &event, id),
        &tamper(&event),
        401,
        "signature_mismatch",
    );
    t.processed(
        "commet: a signed event",
        PATH,
        headers(SECRET, &event, id),
        &event,
        id,
        "subscription.activated",
    );
    t.duplicate(
        "commet: a redelivery (the same request)",
        PATH,
        headers(SECRET, &event, id),
        &event,
        id,
    );
    t.duplicate(
        "commet: a redelivery of the same id, another serialization signed anew",
        PATH,
        headers(SECRET, &compact, id),
        &compact,
        id,
    );
    t.duplicate(
        "commet: a replay with a forged X-Commet-Event-Id (unsigned)",
        PATH,
        headers(SECRET, &event, "whev_forged000000000000000000"),
        &event,
        id,
    );
    // Refused by the signed body time, and so claiming nothing: the same
    // event emitted now is then processed.
    let stale = emitted_at("payment.failed", rfc3339(now - 25 * 3600).into());
    t.refused(
        "commet: a body timestamp 25 hours old",
        PATH,
        headers(SECRET, &stale, other),
        &stale,
        401,
        "timestamp_too_old",
    );
    let future = emitted_at("payment.failed", rfc3339(now + 3600).into());
    t.refused(
        "commet: a body timestamp an hour ahead",
        PATH,
        headers(SECRET, &future, other),
        &future,
        401,
        "timestamp_in_future",
    );
    let timeless = emitted_at("payment.failed", serde_json::Value::Null);
    t.refused(
        "commet: a signed body without its timestamp",
        PATH,
        headers(SECRET, &timeless, other),
        &timeless,
        422,
        "invalid_event",
    );
    let fresh = emitted_at("payment.failed", rfc3339(now).into());
    t.processed(
        "commet: a second event",
        PATH,
        headers(SECRET, &fresh, other),
        &fresh,
        other,
        "payment.failed",
    );
}

/// The key LeadLex's deliveries are recognised by, as the examples print
/// it: the SHA-256 of the signed content (the body alone).
fn content_key(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

fn leadlex(t: &mut Table, now: i64) {
    const PATH: &str = "/webhooks/leadlex";
    const HEADER: &str = "X-LeadLex-Signature";
    let emitted_at = |name: &str, at: i64| {
        with_fields(
            &fixture(&format!("leadlex/{name}.json")),
            &[("timestamp", rfc3339(at).into())],
        )
    };
    // LeadLex sends a new delivery id with every attempt, and a timestamp
    // header: neither is signed.
    let headers = |secret: &str, body: &[u8], delivery: &str, sent_at: i64| {
        vec![
            h(HEADER, signature::<LeadLex>(secret, body, 0, HEADER)),
            h("X-LeadLex-Delivery-ID", delivery),
            h("X-LeadLex-Timestamp", rfc3339(sent_at)),
            h("User-Agent", "LeadLex-Webhook/1.0"),
            json(),
        ]
    };
    let event = emitted_at("contact.created", now);
    let key = content_key(&event);
    let first = "0b0e5a52-3c1d-4f7a-9a51-2f6d9c1e8b01";
    let hex = signature::<LeadLex>(SECRET, &event, 0, HEADER)
        .strip_prefix("sha256=")
        .unwrap()
        .to_owned();

    t.refused(
        "leadlex: no signature header",
        PATH,
        vec![h("X-LeadLex-Delivery-ID", first), json()],
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "leadlex: an empty sha256= signature",
        PATH,
        vec![h(HEADER, "sha256="), h("X-LeadLex-Delivery-ID", first)],
        &event,
        400,
        "malformed_signature_header",
    );
    t.refused(
        "leadlex: a signature without its sha256= prefix",
        PATH,
        vec![h(HEADER, &hex), h("X-LeadLex-Delivery-ID", first)],
        &event,
        400,
        "malformed_signature_header",
    );
    t.refused(
        "leadlex: wrong secret",
        PATH,
        headers(OTHER_SECRET, &event, first, now),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "leadlex: tampered body",
        PATH,
        headers(SECRET, &event, first, now),
        &tamper(&event),
        401,
        "signature_mismatch",
    );
    t.processed(
        "leadlex: a signed event",
        PATH,
        headers(SECRET, &event, first, now),
        &event,
        &key,
        "contact.created",
    );
    t.duplicate(
        "leadlex: a redelivery, re-signed, with a new X-LeadLex-Delivery-ID",
        PATH,
        headers(
            SECRET,
            &event,
            "7d3f2b8e-6a41-4c0d-8e2f-5b9a1c3d7e02",
            now + 30,
        ),
        &event,
        &key,
    );
    t.duplicate(
        "leadlex: a replay with forged X-LeadLex-Delivery-ID and X-LeadLex-Timestamp",
        PATH,
        headers(
            SECRET,
            &event,
            "ffffffff-0000-4000-8000-000000000003",
            now + 86_400,
        ),
        &event,
        &key,
    );
    let stale = emitted_at("deal.created", now - 73 * 3600);
    t.refused(
        "leadlex: a body timestamp 73 hours old",
        PATH,
        headers(SECRET, &stale, "1c9d7a3e-2b5f-4e8a-b6c4-9d0e1f2a3b04", now),
        &stale,
        401,
        "timestamp_too_old",
    );
    let deal = emitted_at("deal.created", now);
    t.processed(
        "leadlex: a second event",
        PATH,
        headers(SECRET, &deal, "1c9d7a3e-2b5f-4e8a-b6c4-9d0e1f2a3b05", now),
        &deal,
        &content_key(&deal),
        "deal.created",
    );
}

/// The HMAC-SHA1 of `tests/fixtures/github/issues.opened.json` keyed with
/// [`SECRET`]: GitHub's legacy `X-Hub-Signature`, computed with Python's
/// `hmac` (`hmac.new(SECRET, body, hashlib.sha1).hexdigest()`).
const LEGACY_SHA1: &str = "398c3e6791084d088bf93726746d0cf0b8b0d54e";

fn github(t: &mut Table, now: i64) {
    const PATH: &str = "/webhooks/github";
    const HEADER: &str = "X-Hub-Signature-256";
    let sign = |secret: &str, body: &[u8]| signature::<GitHub>(secret, body, 0, HEADER);
    let headers = |secret: &str, body: &[u8], event: &str, delivery: &str| {
        vec![
            h(HEADER, sign(secret, body)),
            h("X-GitHub-Event", event),
            h("X-GitHub-Delivery", delivery),
            h("User-Agent", "GitHub-Hookshot/044aadd"),
            json(),
        ]
    };
    let issues = fixture("github/issues.opened.json");
    let delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    let forged = "00000000-cc78-11e3-81ab-4c9367dc0000";
    let ping = fixture("github/ping.json");

    t.refused(
        "github: a signed delivery without X-GitHub-Event",
        PATH,
        vec![
            h(HEADER, sign(SECRET, &issues)),
            h("X-GitHub-Delivery", delivery),
        ],
        &issues,
        400,
        "missing_signature_header",
    );
    t.refused(
        "github: the legacy X-Hub-Signature (sha1) alone",
        PATH,
        vec![
            h("X-Hub-Signature", format!("sha1={LEGACY_SHA1}")),
            h("X-GitHub-Event", "issues"),
            h("X-GitHub-Delivery", delivery),
        ],
        &issues,
        400,
        "missing_signature_header",
    );
    t.refused(
        "github: no signature header",
        PATH,
        vec![
            h("X-GitHub-Event", "issues"),
            h("X-GitHub-Delivery", delivery),
        ],
        &issues,
        400,
        "missing_signature_header",
    );
    t.refused(
        "github: an empty sha256= signature",
        PATH,
        vec![
            h(HEADER, "sha256="),
            h("X-GitHub-Event", "issues"),
            h("X-GitHub-Delivery", delivery),
        ],
        &issues,
        400,
        "malformed_signature_header",
    );
    t.refused(
        "github: a Stripe-signed delivery",
        PATH,
        vec![
            h(
                "Stripe-Signature",
                signature::<Stripe>(SECRET, &issues, now, "stripe-signature"),
            ),
            h("X-GitHub-Event", "issues"),
        ],
        &issues,
        400,
        "missing_signature_header",
    );
    t.refused(
        "github: wrong secret",
        PATH,
        headers(OTHER_SECRET, &issues, "issues", delivery),
        &issues,
        401,
        "signature_mismatch",
    );
    t.refused(
        "github: tampered body",
        PATH,
        headers(SECRET, &issues, "issues", delivery),
        &tamper(&issues),
        401,
        "signature_mismatch",
    );
    t.processed(
        "github: a signed event",
        PATH,
        headers(SECRET, &issues, "issues", delivery),
        &issues,
        delivery,
        "issues",
    );
    t.duplicate(
        "github: a redelivery (the same body, re-signed)",
        PATH,
        headers(SECRET, &issues, "issues", delivery),
        &issues,
        delivery,
    );
    t.duplicate(
        "github: a replay with a forged X-GitHub-Delivery (unsigned)",
        PATH,
        headers(SECRET, &issues, "issues", forged),
        &issues,
        forged,
    );
    t.processed(
        "github: a ping",
        PATH,
        headers(
            SECRET,
            &ping,
            "ping",
            "9f0a1b2c-cc78-11e3-81ab-4c9367dc0959",
        ),
        &ping,
        "9f0a1b2c-cc78-11e3-81ab-4c9367dc0959",
        "ping",
    );
}

#[cfg(feature = "standard-webhooks")]
fn standard(t: &mut Table, now: i64) {
    const PATH: &str = "/webhooks/standard";
    let sign = |secret: &str, body: &[u8], at: i64, id: &str| {
        let mut headers = pairs(
            Signer::<StandardWebhooks>::new(secret)
                .unwrap()
                .sign_with_id(body, at, id),
        );
        headers.push(json());
        headers
    };
    // Svix sends the same headers under its own names.
    let svix = |headers: Headers| -> Headers {
        headers
            .into_iter()
            .map(|(name, value)| (name.replace("webhook-", "svix-"), value))
            .collect()
    };
    let without = |headers: &Headers, name: &str| -> Headers {
        headers.iter().filter(|(n, _)| n != name).cloned().collect()
    };
    let replace = |headers: &Headers, name: &str, value: &str| -> Headers {
        headers
            .iter()
            .map(|(n, v)| {
                if n == name {
                    (n.clone(), value.as_bytes().to_vec())
                } else {
                    (n.clone(), v.clone())
                }
            })
            .collect()
    };
    let event = fixture("standard/contact.created.json");
    let id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    let valid = sign(SECRET, &event, now, id);

    t.refused(
        "standard: no webhook-signature",
        PATH,
        without(&valid, "webhook-signature"),
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "standard: no webhook-id",
        PATH,
        without(&valid, "webhook-id"),
        &event,
        400,
        "missing_signature_header",
    );
    t.refused(
        "standard: a truncated signature, v1,",
        PATH,
        replace(&valid, "webhook-signature", "v1,"),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "standard: only an asymmetric v1a signature",
        PATH,
        replace(
            &valid,
            "webhook-signature",
            "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==",
        ),
        &event,
        400,
        "no_v1_signature",
    );
    t.refused(
        "standard: stale timestamp",
        PATH,
        sign(SECRET, &event, now - 600, id),
        &event,
        401,
        "timestamp_too_old",
    );
    t.refused(
        "standard: future timestamp",
        PATH,
        sign(SECRET, &event, now + 600, id),
        &event,
        401,
        "timestamp_in_future",
    );
    t.refused(
        "standard: wrong secret",
        PATH,
        sign(OTHER_SECRET, &event, now, id),
        &event,
        401,
        "signature_mismatch",
    );
    t.refused(
        "standard: tampered body",
        PATH,
        valid.clone(),
        &tamper(&event),
        401,
        "signature_mismatch",
    );
    t.refused(
        "standard: a captured delivery under another webhook-id (it is signed)",
        PATH,
        replace(&valid, "webhook-id", "msg_forged"),
        &event,
        401,
        "signature_mismatch",
    );
    t.processed(
        "standard: a signed event",
        PATH,
        valid.clone(),
        &event,
        id,
        "contact.created",
    );
    t.duplicate(
        "standard: a redelivery of the same webhook-id, signed anew",
        PATH,
        sign(SECRET, &event, now - 30, id),
        &event,
        id,
    );
    t.duplicate(
        "standard: the same delivery under Svix's header names",
        PATH,
        svix(valid.clone()),
        &event,
        id,
    );
    let user = fixture("standard/user.created.unix.json");
    t.processed(
        "standard: a Svix delivery (svix-* headers)",
        PATH,
        svix(sign(SECRET, &user, now, "msg_svix_2KWPBgLlAfxdpx2AI54pP")),
        &user,
        "msg_svix_2KWPBgLlAfxdpx2AI54pP",
        "user.created",
    );
}

/// Checks that the table does what it says for every route: each has a
/// first delivery, a duplicate, and refusals of its own.
pub fn assert_covers_every_route(cases: &[Case]) {
    for route in ROUTES {
        let of = |pred: &dyn Fn(&Expect) -> bool| {
            cases
                .iter()
                .filter(|c| c.path == *route && pred(&c.expect))
                .count()
        };
        assert!(
            of(&|e| matches!(e, Expect::Processed { .. })) >= 1,
            "{route}"
        );
        assert!(
            of(&|e| matches!(e, Expect::Duplicate { .. })) >= 1,
            "{route}"
        );
        assert!(
            of(&|e| matches!(e, Expect::Refused { status: 400, .. })) >= 1,
            "{route}"
        );
        assert!(
            of(&|e| matches!(e, Expect::Refused { status: 401, .. })) >= 1,
            "{route}"
        );
    }
    let processed = processed_lines(cases);
    let distinct: BTreeSet<_> = processed.iter().collect();
    assert_eq!(
        distinct.len(),
        processed.len(),
        "each first delivery is an event of its own"
    );
}

/// The lines of the first deliveries: what the handler must have run for,
/// once each.
pub fn processed_lines(cases: &[Case]) -> Vec<String> {
    cases
        .iter()
        .filter(|c| matches!(c.expect, Expect::Processed { .. }))
        .filter_map(Case::line)
        .collect()
}

/// Checks an answer against its case: the status, and for refusals the
/// JSON error body, which must never hold a secret or a signature.
pub fn check(case: &Case, status: u16, body: &[u8]) {
    assert_eq!(
        status,
        case.status(),
        "{}: status (body {:?})",
        case.name,
        String::from_utf8_lossy(body)
    );
    let Expect::Refused { code, .. } = case.expect else {
        return;
    };
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
    let longest_base64_run = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(
        longest_base64_run < 40,
        "{}: the body holds a signature-like base64 string",
        case.name
    );
}

/// [`check`], for a receiver whose handler answers with its line
/// (`processed …` / `duplicate …`): the body of an accepted request is
/// that line.
pub fn check_with_line(case: &Case, status: u16, body: &[u8]) {
    check(case, status, body);
    if let Some(line) = case.line() {
        assert_eq!(
            String::from_utf8_lossy(body),
            line,
            "{}: what the handler reported",
            case.name
        );
    }
}

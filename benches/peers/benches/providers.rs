//! This crate against `webhook-verify` 0.1.0 on every provider both verify,
//! side by side (the `paired` harness: alternating short batches, ratios
//! within each round), on the same request: the same body, the same signed
//! headers handed to both as a list of `(name, value)` pairs, the system
//! clock read by both. Each contender is checked once to accept its
//! request.
//!
//! What each side is handed, where it differs:
//!
//! - Square and Twilio sign the URL they call. This crate gets the request's
//!   path and builds the URL from its configured public origin;
//!   `webhook-verify` gets the full URL in its `VerifyOptions`, built per
//!   call from the same origin and path (its options are taken by value).
//! - Twilio: this crate reads the form fields from the raw body;
//!   `webhook-verify` takes them parsed. Two contenders: the fields parsed
//!   by the caller beforehand (not counted; the options, which own them,
//!   cloned per call), and the caller's whole work (`form_urlencoded` over
//!   the body, then the call).
//! - SendGrid: `webhook-verify` takes the public key's DER in its options
//!   (cloned per call) and parses it on every call; this crate parses it
//!   once, when the verifier is built.
//!
//! ```sh
//! cargo bench --manifest-path benches/peers/Cargo.toml --bench providers   # ROUNDS=300 SIZES=256,1024,16384
//! ```

#[path = "../../common/mod.rs"]
mod common;

use std::time::Duration;

use common::paired::{self, Contender};
use common::{
    DISCORD_PUBLIC, DISCORD_SEED, MESSAGE_ID, SECRET, SENDGRID_PRIVATE, SENDGRID_PUBLIC,
    STANDARD_SECRET, label, linear_body, standard_body, twilio_form, unix_now, unleeshed_body,
};
use signed_webhooks::{
    Discord, Dropbox, GitHub, Linear, Provider, RequestTarget, SendGrid, Shopify, Signer, Slack,
    Square, StandardWebhooks, Stripe, Twilio, Verifier, Zoom,
};
use webhook_verify::{Secret, VerifyOptions, VerifyingKeyMaterial};

const ORIGIN: &str = "https://hooks.example.com";
const SQUARE_PATH: &str = "/webhooks/square";
const TWILIO_PATH: &str = "/webhooks/twilio/sms";

type Pairs = Vec<(String, String)>;

/// One provider's comparison: the contenders (this crate first) and what
/// `webhook-verify` does not check that this crate does.
struct Row {
    provider: &'static str,
    contenders: Vec<Contender<'static>>,
    note: &'static str,
}

/// `P`'s delivery of `body` signed now, as `(name, value)` pairs.
fn signed<P: Provider>(signer: &Signer<P>, body: &[u8]) -> Pairs {
    let t = unix_now();
    let headers = if P::NAME == StandardWebhooks::NAME {
        signer.sign_with_id(body, t, MESSAGE_ID)
    } else {
        signer.sign_at(body, t)
    };
    headers
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

/// A row for a provider that signs no URL: this crate's `verify` against
/// `webhook_verify::verify` with `options` (cloned per call).
fn row<P: Provider>(
    provider: webhook_verify::Provider,
    signer_secret: &str,
    secret: &str,
    wv_secret: &str,
    options: VerifyOptions,
    body: Vec<u8>,
    note: &'static str,
) -> Row {
    let signer = Signer::<P>::new(signer_secret).unwrap();
    let headers = signed(&signer, &body);
    let verifier = Verifier::<P>::new(secret).unwrap();
    let wv_secret = Secret::new(wv_secret);
    if let Err(error) = verifier.verify(&headers, &body) {
        panic!("{}: {error}", P::NAME);
    }
    if let Err(error) =
        webhook_verify::verify(provider, &headers, &body, &wv_secret, options.clone())
    {
        panic!("webhook-verify {provider}: {error}");
    }
    let (headers2, body2) = (headers.clone(), body.clone());
    Row {
        provider: P::NAME,
        contenders: vec![
            Contender::new("signed_webhooks", move || {
                verifier.verify(&headers, &body).is_ok()
            }),
            Contender::new("webhook_verify", move || {
                webhook_verify::verify(provider, &headers2, &body2, &wv_secret, options.clone())
                    .is_ok()
            }),
        ],
        note,
    }
}

fn square(size: usize) -> Row {
    let body = unleeshed_body(size);
    let url = format!("{ORIGIN}{SQUARE_PATH}");
    let signer = Signer::<Square>::for_url(&url, SECRET).unwrap();
    let headers = signed(&signer, &body);
    let verifier = Verifier::<Square>::at_public_origin(ORIGIN, [SECRET]).unwrap();
    let target = RequestTarget::new("POST", SQUARE_PATH);
    assert!(verifier.verify_target(&target, &headers, &body).is_ok());
    let wv = move |headers: &Pairs, body: &[u8]| {
        let options = VerifyOptions::default().with_request_url(format!("{ORIGIN}{SQUARE_PATH}"));
        webhook_verify::verify(
            webhook_verify::Provider::Square,
            headers,
            body,
            &Secret::new(SECRET),
            options,
        )
        .is_ok()
    };
    assert!(wv(&headers, &body));
    let (headers2, body2) = (headers.clone(), body.clone());
    Row {
        provider: Square::NAME,
        contenders: vec![
            Contender::new("signed_webhooks", move || {
                let target = RequestTarget::new("POST", SQUARE_PATH);
                verifier.verify_target(&target, &headers, &body).is_ok()
            }),
            Contender::new("webhook_verify", move || wv(&headers2, &body2)),
        ],
        note: "like for like (neither signs a time); this crate also checks the body is a \
               JSON object (the URL and body run together) and the path's shape",
    }
}

fn twilio(size: usize) -> Row {
    let (body, fields) = twilio_form(size);
    let url = format!("{ORIGIN}{TWILIO_PATH}");
    let signer = Signer::<Twilio>::for_url(&url, SECRET).unwrap();
    let headers = signed(&signer, &body);
    let verifier = Verifier::<Twilio>::at_public_origin(ORIGIN, [SECRET]).unwrap();
    let target = RequestTarget::new("POST", TWILIO_PATH);
    assert!(verifier.verify_target(&target, &headers, &body).is_ok());
    let parsed = VerifyOptions::default()
        .with_request_url(url)
        .with_form_params(fields);
    let secret = Secret::new(SECRET);
    let call = |headers: &Pairs, options: VerifyOptions| {
        webhook_verify::verify(
            webhook_verify::Provider::Twilio,
            headers,
            &[],
            &secret,
            options,
        )
        .is_ok()
    };
    assert!(call(&headers, parsed.clone()));
    // The caller's whole work: the body's fields parsed, the URL built.
    let parse_and_call = {
        let secret = secret.clone();
        move |headers: &Pairs, body: &[u8]| {
            let options = VerifyOptions::default()
                .with_request_url(format!("{ORIGIN}{TWILIO_PATH}"))
                .with_form_params(form_urlencoded::parse(body).into_owned());
            webhook_verify::verify(
                webhook_verify::Provider::Twilio,
                headers,
                &[],
                &secret,
                options,
            )
            .is_ok()
        }
    };
    assert!(parse_and_call(&headers, &body));
    let (headers2, headers3, body3) = (headers.clone(), headers.clone(), body.clone());
    Row {
        provider: Twilio::NAME,
        contenders: vec![
            Contender::new("signed_webhooks", move || {
                let target = RequestTarget::new("POST", TWILIO_PATH);
                verifier.verify_target(&target, &headers, &body).is_ok()
            }),
            Contender::new("webhook_verify_fields_given", move || {
                webhook_verify::verify(
                    webhook_verify::Provider::Twilio,
                    &headers2,
                    &[],
                    &secret,
                    parsed.clone(),
                )
                .is_ok()
            }),
            Contender::new("webhook_verify_with_form_urlencoded", move || {
                parse_and_call(&headers3, &body3)
            }),
        ],
        note: "neither signs a time; this crate reads the fields from the raw body (and \
               accepts the URL with or without the default port, as Twilio's SDKs do); \
               `webhook-verify` takes them parsed: ratios to both of its contenders",
    }
}

fn sendgrid(size: usize) -> Row {
    use base64ct::Encoding as _;
    let body = format!("[{}]", String::from_utf8(unleeshed_body(size - 2)).unwrap()).into_bytes();
    let der = base64ct::Base64::decode_vec(SENDGRID_PUBLIC).unwrap();
    let options = VerifyOptions::default()
        .with_verifying_material(VerifyingKeyMaterial::EcdsaP256PublicKey(der));
    row::<SendGrid>(
        webhook_verify::Provider::SendGrid,
        SENDGRID_PRIVATE,
        SENDGRID_PUBLIC,
        "",
        options,
        body,
        "both check the time (±300 s); `webhook-verify` parses the key's DER on every call",
    )
}

/// Every provider both crates verify, at `size`.
fn rows(size: usize) -> Vec<Row> {
    use webhook_verify::Provider as Wv;
    let json = || unleeshed_body(size);
    let default = VerifyOptions::default;
    vec![
        row::<Stripe>(
            Wv::Stripe,
            SECRET,
            SECRET,
            SECRET,
            default(),
            json(),
            "like for like: both check the time (±300 s; `webhook-verify` after the HMAC)",
        ),
        row::<GitHub>(
            Wv::GitHub,
            SECRET,
            SECRET,
            SECRET,
            default(),
            json(),
            "like for like (no time signed)",
        ),
        row::<Shopify>(
            Wv::Shopify,
            SECRET,
            SECRET,
            SECRET,
            default(),
            json(),
            "like for like (no time signed)",
        ),
        row::<Slack>(
            Wv::Slack,
            SECRET,
            SECRET,
            SECRET,
            default(),
            json(),
            "like for like: both check the time (±300 s)",
        ),
        row::<Zoom>(
            Wv::Zoom,
            SECRET,
            SECRET,
            SECRET,
            default(),
            json(),
            "like for like: both check the time (±300 s)",
        ),
        row::<Linear>(
            Wv::Linear,
            SECRET,
            SECRET,
            SECRET,
            default(),
            linear_body(size, unix_now() * 1000),
            "**not like for like**: this crate reads the signed `webhookTimestamp` from the \
             body (JSON) and refuses a delivery older than 60 s; `webhook-verify` checks no \
             time for Linear",
        ),
        row::<Dropbox>(
            Wv::Dropbox,
            SECRET,
            SECRET,
            SECRET,
            default(),
            json(),
            "like for like (no time signed)",
        ),
        row::<StandardWebhooks>(
            Wv::StandardWebhooks,
            STANDARD_SECRET,
            STANDARD_SECRET,
            STANDARD_SECRET,
            default(),
            standard_body(size, unix_now() - 60),
            "like for like: both check the time (±300 s); `webhook-verify` decodes the \
             secret on every call (Svix, Clerk and Resend: the same scheme)",
        ),
        square(size),
        twilio(size),
        row::<Discord>(
            Wv::Discord,
            DISCORD_SEED,
            DISCORD_PUBLIC,
            DISCORD_PUBLIC,
            default(),
            json(),
            "both check the time (±300 s); `webhook-verify` decodes the key on every call and \
             uses `verify`, not `verify_strict` (a small-order key or `R` accepted)",
        ),
        sendgrid(size),
    ]
}

fn quartiles(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |p: f64| values[((values.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

fn format_ns(ns: f64) -> String {
    if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let var = |name: &str| std::env::var(name).ok();
    let rounds: usize = var("ROUNDS").and_then(|v| v.parse().ok()).unwrap_or(300);
    let batch = Duration::from_micros(var("BATCH_US").and_then(|v| v.parse().ok()).unwrap_or(200));
    let sizes: Vec<usize> = var("SIZES")
        .unwrap_or_else(|| "256,1024,16384".into())
        .split(',')
        .map(|s| s.parse().unwrap())
        .collect();
    println!("rounds: {rounds}, batch: {batch:?}");
    // (provider, peer contender, note) → a cell per size.
    let mut summary: Vec<(String, &'static str, Vec<String>)> = Vec::new();
    for &size in &sizes {
        println!("\n#### {} body\n", label(size));
        println!(
            "| provider | this crate | `webhook-verify` | contender | this crate / `webhook-verify` (IQR) |"
        );
        println!("| --- | ---: | ---: | --- | ---: |");
        for mut row in rows(size) {
            // Signed right before it is measured, so both clocks' checks pass.
            let outcomes = paired::compare(&mut row.contenders, rounds, batch);
            let ours = &outcomes[0];
            for peer in &outcomes[1..] {
                let ratios = ours
                    .times
                    .iter()
                    .zip(&peer.times)
                    .map(|(a, b)| a / b)
                    .collect();
                let (ratio, q1, q3) = quartiles(ratios);
                let cell = format!("**{ratio:.2}×** ({q1:.2}–{q3:.2})");
                println!(
                    "| {} | {} | {} | {} | {cell} |",
                    row.provider,
                    format_ns(ours.median_ns),
                    format_ns(peer.median_ns),
                    peer.name,
                );
                let key = format!("{} | {}", row.provider, peer.name);
                match summary.iter_mut().find(|(k, _, _)| *k == key) {
                    Some(entry) => entry.2.push(cell),
                    None => summary.push((key, row.note, vec![cell])),
                }
            }
        }
    }
    println!("\n#### This crate's time / `webhook-verify`'s, median of per-round ratios (IQR)\n");
    print!("| provider | contender |");
    for size in &sizes {
        print!(" {} |", label(*size));
    }
    println!(" what differs |");
    println!("| --- | --- |{} --- |", " ---: |".repeat(sizes.len()));
    for (key, note, cells) in summary {
        println!("| {key} | {} | {note} |", cells.join(" | "));
    }
}

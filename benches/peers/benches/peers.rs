//! This crate against the libraries a user would pick instead, on the same
//! body sizes, in one run:
//!
//! - `verify`: verification alone, on the success path. Every contender
//!   reads the system clock, as each peer does.
//! - `refuse`: a well-formed header whose signature is wrong: the whole
//!   verification work (parse, HMAC, compare) and no decoding, for every
//!   peer including `async-stripe-webhook`, which has no verify-only API.
//! - `decode`: verification plus decoding into typed events: this crate's
//!   `verify_event::<UnleeshedEvent>` against `async-stripe-webhook`'s
//!   `Webhook::construct_event` on a Stripe event of the same size.
//!
//! Criterion measures each contender in turn (absolute numbers); then the
//! same contenders run in alternating batches (`../../common/paired.rs`)
//! for the ratios, which a noisy machine would otherwise blur. Run with
//! `cargo bench --manifest-path benches/peers/Cargo.toml`; `PAIRED=0` skips
//! the paired part, `CRITERION=0` the criterion part.

#[path = "../../common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use common::paired::{self, Contender};
use common::{SECRET, SIZES, label, unleeshed_body, wrap_to_size};
use criterion::{Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use signed_webhooks::{Signer, Unleeshed, UnleeshedEvent, Verifier};

/// The header this crate's deliveries carry their signature in.
const HEADER: &str = "x-unleeshed-signature";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The verifier people write from blog posts: split the header into a map,
/// `format!` the signed message, key a fresh HMAC, hex-encode it, compare
/// strings (not in constant time).
fn naive_verify(header: &str, body: &[u8], secret: &str) -> Result<(), String> {
    let items: HashMap<String, String> = header
        .split(',')
        .filter_map(|item| item.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let t = items.get("t").ok_or("missing t")?;
    let signature = items.get("v1").ok_or("missing v1")?;
    let timestamp: i64 = t.parse().map_err(|_| "bad timestamp")?;
    if (now() - timestamp).abs() > 300 {
        return Err("timestamp outside the tolerance".into());
    }
    let payload = std::str::from_utf8(body).map_err(|_| "body is not UTF-8")?;
    let signed = format!("{t}.{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    if &expected == signature {
        Ok(())
    } else {
        Err("signature mismatch".into())
    }
}

/// A Stripe `customer.updated` event of exactly `size` bytes (the
/// customer's description grows), for `construct_event`, which decodes
/// `data.object` into its typed `Customer`. The optional fields are left
/// out (`api_version`, `request`, …) so that the envelope fits in 256 bytes.
fn stripe_body(size: usize) -> Vec<u8> {
    wrap_to_size(size, |description| {
        format!(
            concat!(
                r#"{{"id":"evt_1QxYzAbCdEfGhIjK","object":"event","created":1790000000,"data":{{"#,
                r#""object":{{"id":"cus_RkQ1a2B3","object":"customer","created":1789990000,"#,
                r#""livemode":false,"description":"{}"}}}},"livemode":false,"pending_webhooks":1,"#,
                r#""type":"customer.updated"}}"#
            ),
            description
        )
    })
}

/// Standard Webhooks (svix) secrets are base64 with a `whsec_` prefix.
const SVIX_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn svix_headers(webhook: &svix::webhooks::Webhook, body: &[u8]) -> http::HeaderMap {
    let (id, timestamp) = ("msg_2b6Wc1LxZ0cpQ8Jm7Xk0dR3Wq9Y", now());
    let signature = webhook.sign(id, timestamp, body).unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert("svix-id", id.parse().unwrap());
    headers.insert("svix-timestamp", timestamp.to_string().parse().unwrap());
    headers.insert("svix-signature", signature.parse().unwrap());
    headers
}

/// The contenders of one kind at one size, each checked once to do what
/// its name says. Built (and signed) right before they are measured, so the
/// peers' real-clock checks pass.
fn contenders(kind: &str, size: usize) -> Vec<Contender<'static>> {
    let body = unleeshed_body(size);
    let signer = Signer::<Unleeshed>::new(SECRET).unwrap();
    let sign_at = |body: &[u8], t: i64| signer.sign_at(body, t).get(HEADER).unwrap().to_owned();
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let svix = svix::webhooks::Webhook::new(SVIX_SECRET).unwrap();
    let wv_secret = webhook_verify::Secret::new(SECRET);
    let t = now();
    let good = sign_at(&body, t);
    let forged = format!("t={t},v1={}", "ab".repeat(32));
    let body_str = String::from_utf8(body.clone()).unwrap();

    match kind {
        "verify" | "refuse" => {
            let header = if kind == "verify" {
                good
            } else {
                forged.clone()
            };
            let ok = kind == "verify";
            let svix_headers = {
                let mut h = svix_headers(&svix, &body);
                if !ok {
                    let bad = format!("v1,{}", "A".repeat(43) + "=");
                    h.insert("svix-signature", bad.parse().unwrap());
                }
                h
            };
            let wv_headers = [("Stripe-Signature".to_owned(), header.clone())];
            // async-stripe-webhook has no verify-only API: on the success
            // path it is measured with a body that is not JSON (it fails at
            // its first byte, after verification); see the module docs.
            let stripe_payload = if ok {
                let mut b = body_str.clone().into_bytes();
                b[0] = b'#';
                String::from_utf8(b).unwrap()
            } else {
                body_str.clone()
            };
            let stripe_header = if ok {
                sign_at(stripe_payload.as_bytes(), t)
            } else {
                header.clone()
            };

            // Each contender must do what its name says.
            // This crate is handed the header as a list of (name, value)
            // pairs, as webhook-verify is.
            let ours = [(HEADER, header.clone())];
            assert_eq!(verifier.verify(&ours, &body).is_ok(), ok);
            assert_eq!(naive_verify(&header, &body, SECRET).is_ok(), ok);
            assert_eq!(svix.verify(&body, &svix_headers).is_ok(), ok);
            let wv = |h: &[(String, String); 1]| {
                webhook_verify::verify(
                    webhook_verify::Provider::Stripe,
                    h,
                    &body,
                    &wv_secret,
                    webhook_verify::VerifyOptions::default(),
                )
            };
            assert_eq!(wv(&wv_headers).is_ok(), ok);
            let stripe =
                stripe_webhook::Webhook::construct_event(&stripe_payload, &stripe_header, SECRET);
            match (&stripe, ok) {
                (Err(stripe_webhook::WebhookError::BadParse(_)), true) => {}
                (Err(stripe_webhook::WebhookError::BadSignature), false) => {}
                (other, _) => panic!("async-stripe-webhook: unexpected {other:?}"),
            }

            let body2 = body.clone();
            let body3 = body.clone();
            let body4 = body.clone();
            let header2 = header.clone();
            vec![
                Contender::new("signed_webhooks", move || {
                    verifier.verify(&ours, &body).is_ok()
                }),
                Contender::new("naive", move || {
                    naive_verify(&header2, &body2, SECRET).is_ok()
                }),
                Contender::new("svix", move || svix.verify(&body3, &svix_headers).is_ok()),
                Contender::new("webhook_verify", move || {
                    webhook_verify::verify(
                        webhook_verify::Provider::Stripe,
                        &wv_headers,
                        &body4,
                        &wv_secret,
                        webhook_verify::VerifyOptions::default(),
                    )
                    .is_ok()
                }),
                Contender::new(
                    if ok {
                        "async_stripe_nonjson"
                    } else {
                        "async_stripe"
                    },
                    move || {
                        stripe_webhook::Webhook::construct_event(
                            &stripe_payload,
                            &stripe_header,
                            SECRET,
                        )
                        .is_ok()
                    },
                ),
            ]
        }
        "decode" => {
            let stripe_payload = String::from_utf8(stripe_body(size)).unwrap();
            let stripe_header = sign_at(stripe_payload.as_bytes(), t);
            let good = [(HEADER, good)];
            let event: UnleeshedEvent = verifier.verify_event(&good, &body).unwrap();
            assert!(matches!(event, UnleeshedEvent::CreatorApproved(_)));
            let event =
                stripe_webhook::Webhook::construct_event(&stripe_payload, &stripe_header, SECRET)
                    .unwrap();
            assert_eq!(event.id.as_str(), "evt_1QxYzAbCdEfGhIjK");
            vec![
                Contender::new("signed_webhooks", move || {
                    verifier.verify_event(&good, &body).is_ok()
                }),
                Contender::new("async_stripe", move || {
                    stripe_webhook::Webhook::construct_event(
                        &stripe_payload,
                        &stripe_header,
                        SECRET,
                    )
                    .is_ok()
                }),
            ]
        }
        other => unreachable!("{other}"),
    }
}

const KINDS: [&str; 3] = ["verify", "refuse", "decode"];

fn enabled(var: &str) -> bool {
    std::env::var(var).map_or(true, |v| v != "0")
}

fn main() {
    let listing = std::env::args().any(|a| a == "--list");
    if enabled("CRITERION") {
        let mut c = Criterion::default().configure_from_args();
        for size in SIZES {
            for kind in KINDS {
                let mut group = c.benchmark_group(format!("{kind}-{}", label(size)));
                group.throughput(Throughput::Bytes(size as u64));
                if size >= 1 << 20 {
                    group.sample_size(20);
                }
                for mut contender in contenders(kind, size) {
                    group.bench_function(contender.name.clone(), |b| {
                        b.iter_custom(|iters| {
                            let start = Instant::now();
                            (contender.run)(iters);
                            start.elapsed()
                        })
                    });
                }
                group.finish();
            }
        }
        c.final_summary();
    }
    if enabled("PAIRED") && !listing {
        let rounds: usize = std::env::var("ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300);
        println!("\n## Paired ratios (rounds: {rounds}, batch: 200 µs; 2 ms at 1 MiB)");
        for size in SIZES {
            for kind in KINDS {
                let mut contenders = contenders(kind, size);
                let (rounds, batch) = if size >= 1 << 20 {
                    (rounds / 4, std::time::Duration::from_millis(2))
                } else {
                    (rounds, std::time::Duration::from_micros(200))
                };
                let outcomes = paired::compare(&mut contenders, rounds, batch);
                paired::print_table(&format!("{kind}, {} body", label(size)), size, &outcomes);
            }
        }
    }
}

//! A driver for `valgrind --tool=callgrind`: instruction counts are stable
//! on a noisy machine where times are not. `benches/callgrind.sh` runs it;
//! under `cargo bench` it does nothing.
//!
//! Usage: `instructions <provider> <case> <size in bytes> <calls>`, where
//! each case is an `#[inline(never)]` function below, so
//! `--toggle-collect='instructions::case_<case>*'` counts exactly the
//! instructions executed inside it. Providers: `unleeshed`, `github`,
//! `commet`, `leadlex`, `standard-webhooks`. The clock is pinned (`NOW`).

mod common;

use std::hint::black_box;

use common::{
    MESSAGE_ID, NOW, OTHER_SECRETS, SECRET, STANDARD_KEY_HEX, STANDARD_SECRET, commet_body,
    github_body, leadlex_body, request_headers, standard_body, unleeshed_body,
};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use signed_webhooks::__private::SignatureHeader;
use signed_webhooks::{
    Commet, Error, GitHub, LeadLex, Provider, SignedHeaders, Signer, StandardWebhooks, Unleeshed,
    UnleeshedEvent, Verifier, WebhookEvent,
};

#[inline(never)]
fn case_hmac_prekeyed(key: &Hmac<Sha256>, message: &[u8]) -> [u8; 32] {
    let mut mac = key.clone();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[inline(never)]
fn case_parse(header: &str) -> bool {
    SignatureHeader::parse(header).is_ok()
}

#[inline(never)]
fn case_verify<P: Provider>(
    verifier: &Verifier<P>,
    headers: &http::HeaderMap,
    body: &[u8],
) -> bool {
    verifier.verify_at(headers, body, NOW).is_ok()
}

/// The headers given as a list of one pair, not a map (`t=…,v1=…` only).
#[inline(never)]
fn case_pairs<P: Provider>(
    verifier: &Verifier<P>,
    headers: &[(&str, &str); 1],
    body: &[u8],
) -> bool {
    verifier.verify_at(headers, body, NOW).is_ok()
}

#[inline(never)]
fn case_rotation_3x3<P: Provider>(
    verifier: &Verifier<P>,
    headers: &http::HeaderMap,
    body: &[u8],
) -> bool {
    verifier
        .verify_at(headers, body, NOW)
        .is_ok_and(|verified| verified.secret_index() == 2)
}

#[inline(never)]
fn case_refuse_wrong_signature<P: Provider>(
    verifier: &Verifier<P>,
    headers: &http::HeaderMap,
    body: &[u8],
) -> bool {
    matches!(
        verifier.verify_at(headers, body, NOW),
        Err(Error::SignatureMismatch { .. })
    )
}

#[inline(never)]
fn case_refuse_stale<P: Provider>(
    verifier: &Verifier<P>,
    headers: &http::HeaderMap,
    body: &[u8],
) -> bool {
    matches!(
        verifier.verify_at(headers, body, NOW),
        Err(Error::TimestampTooOld { .. })
    )
}

/// `verify_at`, then the decoding `verify_event` does (which reads the
/// system clock itself).
#[inline(never)]
fn case_verify_event<P: Provider>(
    verifier: &Verifier<P>,
    headers: &http::HeaderMap,
    body: &[u8],
) -> bool {
    verifier.verify_at(headers, body, NOW).is_ok() && P::Event::decode(body, headers).is_ok()
}

#[inline(never)]
fn case_decode<P: Provider>(headers: &http::HeaderMap, body: &[u8]) -> bool {
    P::Event::decode(body, headers).is_ok()
}

#[inline(never)]
fn case_from_slice(body: &[u8]) -> bool {
    serde_json::from_slice::<UnleeshedEvent>(body).is_ok()
}

#[inline(never)]
fn case_skim_body(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

fn sign<P: Provider>(signer: &Signer<P>, body: &[u8], t: i64) -> SignedHeaders {
    if P::NAME == StandardWebhooks::NAME {
        signer.sign_with_id(body, t, MESSAGE_ID)
    } else {
        signer.sign_at(body, t)
    }
}

fn run<P: Provider>(
    secret: &str,
    body: Vec<u8>,
    key: &[u8],
    message: &[u8],
    case: &str,
    calls: u64,
) {
    let signer = Signer::<P>::new(secret).unwrap();
    let verifier = Verifier::<P>::new(secret).unwrap();
    let headers = request_headers(sign(&signer, &body, NOW).iter(), body.len());
    let forged = {
        let mut other = body.clone();
        let last = other.len() - 2;
        other[last] ^= 1;
        request_headers(sign(&signer, &other, NOW).iter(), body.len())
    };
    // A header signed an hour ago, or a body emitted four days ago.
    let (stale_body, stale) =
        if P::scheme().signs_time() && !matches!(P::NAME, "commet" | "leadlex") {
            let signed = sign(&signer, &body, NOW - 3600);
            (body.clone(), request_headers(signed.iter(), body.len()))
        } else {
            let old = match P::NAME {
                "commet" => commet_body(body.len(), NOW - 4 * 86_400),
                _ => leadlex_body(body.len(), NOW - 4 * 86_400),
            };
            let signed = sign(&signer, &old, NOW);
            (old.clone(), request_headers(signed.iter(), old.len()))
        };
    let key = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    let value = sign(&signer, &body, NOW)
        .iter()
        .next()
        .map(|(_, v)| v.to_owned())
        .unwrap();
    let pairs = [("x-unleeshed-signature", value.as_str())];
    // Three secrets of the shape `t=…,v1=…` providers issue (rotation
    // is measured for that family only).
    let rotating = if P::NAME == Unleeshed::NAME {
        Verifier::<P>::from_secrets([OTHER_SECRETS[0], OTHER_SECRETS[1], SECRET]).unwrap()
    } else {
        verifier.clone()
    };
    let rotation = request_headers(
        [(
            "x-unleeshed-signature",
            format!(
                "t={NOW},v1={},v1={},{}",
                "0".repeat(64),
                "ab".repeat(32),
                value.split_once(',').map_or("", |(_, v)| v)
            )
            .as_str(),
        )],
        body.len(),
    );

    let mut ok = true;
    for _ in 0..calls {
        ok &= match case {
            "hmac_prekeyed" => {
                black_box(case_hmac_prekeyed(&key, black_box(message)));
                true
            }
            "parse" => case_parse(black_box(&value)),
            "verify" => case_verify(&verifier, black_box(&headers), black_box(&body)),
            "pairs" => case_pairs(&verifier, black_box(&pairs), black_box(&body)),
            "rotation_3x3" => case_rotation_3x3(&rotating, black_box(&rotation), black_box(&body)),
            "refuse_wrong_signature" => {
                case_refuse_wrong_signature(&verifier, black_box(&forged), black_box(&body))
            }
            "refuse_stale" => {
                case_refuse_stale(&verifier, black_box(&stale), black_box(&stale_body))
            }
            "verify_event" => case_verify_event(&verifier, black_box(&headers), black_box(&body)),
            "decode" => case_decode::<P>(black_box(&headers), black_box(&body)),
            "from_slice" => case_from_slice(black_box(&body)),
            "skim_body" => case_skim_body(black_box(&body)),
            other => panic!("unknown case {other}"),
        };
    }
    assert!(ok, "{} {case} did not do what its name says", P::NAME);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (provider, case, size, calls) = match &args[..] {
        [provider, case, size, calls] => (
            provider.as_str(),
            case.as_str(),
            size.parse().unwrap(),
            calls.parse().unwrap(),
        ),
        _ => {
            eprintln!(
                "usage: instructions <provider> <case> <size> <calls> (see benches/callgrind.sh)"
            );
            return;
        }
    };
    let emitted = NOW - 60;
    let as_issued = SECRET.as_bytes();
    match provider {
        "unleeshed" => {
            let body = unleeshed_body(size);
            let message = [format!("{NOW}.").as_bytes(), &body].concat();
            run::<Unleeshed>(SECRET, body, as_issued, &message, case, calls)
        }
        "github" => {
            let body = github_body(size);
            run::<GitHub>(SECRET, body.clone(), as_issued, &body, case, calls)
        }
        "commet" => {
            let body = commet_body(size, emitted);
            run::<Commet>(SECRET, body.clone(), as_issued, &body, case, calls)
        }
        "leadlex" => {
            let body = leadlex_body(size, emitted);
            run::<LeadLex>(SECRET, body.clone(), as_issued, &body, case, calls)
        }
        "standard-webhooks" => {
            let body = standard_body(size, emitted);
            let message = [format!("{MESSAGE_ID}.{NOW}.").as_bytes(), &body].concat();
            let key = hex::decode(STANDARD_KEY_HEX).unwrap();
            run::<StandardWebhooks>(STANDARD_SECRET, body, &key, &message, case, calls)
        }
        other => panic!("unknown provider {other}"),
    }
}

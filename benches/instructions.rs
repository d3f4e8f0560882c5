//! A driver for `valgrind --tool=callgrind`: instruction counts are stable
//! on a noisy machine where times are not. `benches/callgrind.sh` runs it;
//! under `cargo bench` it does nothing.
//!
//! Usage: `instructions <case> <size in bytes> <calls>`, where each case is
//! an `#[inline(never)]` function below, so `--toggle-collect=<case>` counts
//! exactly the instructions executed inside it.

mod common;

use std::hint::black_box;

use common::{NOW, OTHER_SECRETS, SECRET, unleeshed_body};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use signed_webhooks::{Error, SignatureHeader, Signer, UnleeshedEvent, Verifier};

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
fn case_verify(verifier: &Verifier, header: &str, body: &[u8]) -> bool {
    verifier.verify_at(header, body, NOW).is_ok()
}

#[inline(never)]
fn case_verify_rotation_3x3(verifier: &Verifier, header: &str, body: &[u8]) -> bool {
    verifier
        .verify_at(header, body, NOW)
        .is_ok_and(|verified| verified.secret_index() == 2)
}

#[inline(never)]
fn case_refuse_wrong_signature(verifier: &Verifier, header: &str, body: &[u8]) -> bool {
    matches!(
        verifier.verify_at(header, body, NOW),
        Err(Error::SignatureMismatch { .. })
    )
}

#[inline(never)]
fn case_refuse_stale(verifier: &Verifier, header: &str, body: &[u8]) -> bool {
    matches!(
        verifier.verify_at(header, body, NOW),
        Err(Error::TimestampTooOld { .. })
    )
}

#[inline(never)]
fn case_verify_event(verifier: &Verifier, header: &str, body: &[u8]) -> bool {
    verifier
        .verify_event_at::<UnleeshedEvent>(header, body, NOW)
        .is_ok()
}

#[inline(never)]
fn case_from_slice(body: &[u8]) -> bool {
    serde_json::from_slice::<UnleeshedEvent>(body).is_ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (case, size, calls) = match &args[..] {
        [case, size, calls] => (case.as_str(), size.parse().unwrap(), calls.parse().unwrap()),
        _ => {
            eprintln!("usage: instructions <case> <size> <calls> (see benches/callgrind.sh)");
            return;
        }
    };
    let body = unleeshed_body(size);
    let signer = Signer::new(SECRET).unwrap();
    let verifier = Verifier::new(SECRET).unwrap();
    let header = signer.sign_at(&body, NOW);
    let message = [format!("{NOW}.").as_bytes(), &body].concat();
    let key = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    let rotating = Verifier::from_secrets([OTHER_SECRETS[0], OTHER_SECRETS[1], SECRET]).unwrap();
    let rotation = {
        let signed = Signer::from_secrets([OTHER_SECRETS[0], OTHER_SECRETS[1], SECRET])
            .unwrap()
            .sign_at(&body, NOW);
        let last = signed.rsplit(",v1=").next().unwrap().to_owned();
        format!(
            "t={NOW},v1={},v1={},v1={last}",
            "0".repeat(64),
            "ab".repeat(32)
        )
    };
    let forged = format!("t={NOW},v1={}", "ab".repeat(32));
    let stale = signer.sign_at(&body, NOW - 3600);

    let mut ok = true;
    for _ in 0..calls {
        ok &= match case {
            "hmac_prekeyed" => {
                black_box(case_hmac_prekeyed(&key, black_box(&message)));
                true
            }
            "parse" => case_parse(black_box(&header)),
            "verify" => case_verify(&verifier, black_box(&header), black_box(&body)),
            "verify_rotation_3x3" => {
                case_verify_rotation_3x3(&rotating, black_box(&rotation), black_box(&body))
            }
            "refuse_wrong_signature" => {
                case_refuse_wrong_signature(&verifier, black_box(&forged), black_box(&body))
            }
            "refuse_stale" => case_refuse_stale(&verifier, black_box(&stale), black_box(&body)),
            "verify_event" => case_verify_event(&verifier, black_box(&header), black_box(&body)),
            "from_slice" => case_from_slice(black_box(&body)),
            other => panic!("unknown case {other}"),
        };
    }
    assert!(ok, "{case} did not do what its name says");
}

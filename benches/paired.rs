//! The targets' ratios, measured side by side: every contender runs in
//! short alternating batches, so the machine's load hits all of them alike
//! (see `common/paired.rs`). Criterion's `verify` bench gives the full
//! matrix; this one gives the ratios the targets are judged on.
//!
//! ```sh
//! cargo bench --bench paired            # ROUNDS=400 BATCH_US=200 by default
//! ```

mod common;
#[path = "common/mirrors.rs"]
mod mirrors;

use std::time::Duration;

use common::paired::{Contender, compare, print_table};
use common::{NOW, OTHER_SECRETS, SECRET, SIZES, label, unleeshed_body};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use signed_webhooks::{SignatureHeader, Signer, UnleeshedEvent, Verifier};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks every bench for its names
    }
    let rounds = env("ROUNDS", 400) as usize;
    let batch = Duration::from_micros(env("BATCH_US", 200));
    let verifier = Verifier::new(SECRET).unwrap();
    let rotating = Verifier::from_secrets([OTHER_SECRETS[0], OTHER_SECRETS[1], SECRET]).unwrap();
    let signer = Signer::new(SECRET).unwrap();
    let three = Signer::from_secrets([OTHER_SECRETS[0], OTHER_SECRETS[1], SECRET]).unwrap();
    let prekeyed = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();

    println!("rounds: {rounds}, batch: {batch:?}");
    for size in SIZES {
        let body = unleeshed_body(size);
        let header = signer.sign_at(&body, NOW);
        let rotation = {
            let last = three
                .sign_at(&body, NOW)
                .rsplit(",v1=")
                .next()
                .unwrap()
                .to_owned();
            format!(
                "t={NOW},v1={},v1={},v1={last}",
                "0".repeat(64),
                "ab".repeat(32)
            )
        };
        let forged = format!("t={NOW},v1={}", "ab".repeat(32));
        let stale = signer.sign_at(&body, NOW - 3600);
        let message = [format!("{NOW}.").as_bytes(), &body].concat();
        let digits = NOW.to_string().len();
        let blocks = vec![[0x5au8; 64]; (message.len() + 9).div_ceil(64)];
        assert!(rotating.verify_at(&rotation, &body, NOW).is_ok());

        let mut contenders = vec![
            Contender::new("hmac_prekeyed", || {
                let mut mac = prekeyed.clone();
                mac.update(&message);
                mac.finalize().into_bytes()
            }),
            // The floor: only the SHA-256 compressions an HMAC of this
            // message needs (its padded blocks, then the outer block), on
            // blocks prepared in advance.
            Contender::new("sha256_compressions_only", || {
                let mut inner = [0x6a09_e667u32; 8];
                sha2::block_api::compress256(&mut inner, &blocks);
                let mut outer = [0xbb67_ae85u32; 8];
                sha2::block_api::compress256(&mut outer, &blocks[..1]);
                (inner, outer)
            }),
            // The same HMAC fed as `verify` feeds it: digits, `.`, body.
            Contender::new("hmac_in_parts", || {
                let mut mac = prekeyed.clone();
                mac.update(&message[..digits]);
                mac.update(b".");
                mac.update(&body);
                mac.finalize().into_bytes()
            }),
            Contender::new("parse", || SignatureHeader::parse(&header).is_ok()),
            Contender::new("verify", || verifier.verify_at(&header, &body, NOW)),
            Contender::new("verify_rotation_3x3", || {
                rotating.verify_at(&rotation, &body, NOW)
            }),
            Contender::new("refuse_wrong_signature", || {
                verifier.verify_at(&forged, &body, NOW)
            }),
            Contender::new("refuse_stale", || verifier.verify_at(&stale, &body, NOW)),
            Contender::new("from_slice", || {
                serde_json::from_slice::<UnleeshedEvent>(&body)
            }),
            Contender::new("from_slice_borrowed", || {
                serde_json::from_slice::<mirrors::borrowed::Event<'_>>(&body)
            }),
            Contender::new("from_slice_plain_derive", || {
                serde_json::from_slice::<mirrors::plain::Event>(&body)
            }),
            Contender::new("verify_event", || {
                verifier.verify_event_at::<UnleeshedEvent>(&header, &body, NOW)
            }),
        ];
        // Fewer rounds for the big bodies: each batch is one or two calls.
        let rounds = if size >= 1 << 20 { rounds / 4 } else { rounds };
        let outcomes = compare(
            &mut contenders,
            rounds,
            batch.max(Duration::from_micros(if size >= 1 << 20 {
                2_000
            } else {
                0
            })),
        );
        print_table(&format!("{} body", label(size)), size, &outcomes);
        let get = |name: &str| outcomes.iter().find(|o| o.name == name).unwrap();
        // verify_event against verify + from_slice, from the same rounds.
        let mut per_round: Vec<f64> = (get("verify_event").times.iter())
            .zip(&get("verify").times)
            .zip(&get("from_slice").times)
            .map(|((event, verify), decode)| event / (verify + decode))
            .collect();
        per_round.sort_by(f64::total_cmp);
        let at = |p: f64| per_round[((per_round.len() - 1) as f64 * p).round() as usize];
        println!(
            "\nverify_event / (verify + from_slice), per round: median {:.3} (IQR {:.3}–{:.3})",
            at(0.5),
            at(0.25),
            at(0.75)
        );
    }
}

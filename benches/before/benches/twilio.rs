//! Twilio's verification before (`old`, the crate at an earlier revision)
//! and after (the crate as it is), in one binary, paired (see
//! `../../common/paired.rs`), beside the most it could cost: a pre-keyed
//! HMAC-SHA1 over the bytes Twilio signs (the URL, then the form fields
//! decoded and sorted, each name followed by its value), assembled
//! beforehand, and a constant-time comparison with its tag.
//!
//! ```sh
//! BENCH=twilio benches/before/run.sh <rev>   # ROUNDS=400 BATCH_US=200 SIZES=256,1024,16384
//! ```
//!
//! `<target>/release/deps/twilio-… <case> <size> <calls>` runs one case
//! alone, for a profiler.
//!
//! Both verifiers are built once at the public origin
//! (`Verifier::at_public_origin`) and get the delivery as a server hands
//! it over: the request's target and an `http::HeaderMap` holding the
//! signature among seven usual headers. `verify` is `verify_target_at`
//! (pinned clock); `with_key` is `verify_target_with_key_at`, which also
//! derives the duplicate-store key (the extractors' path with a store).
//! The body is an SMS webhook's seven fields, its `Body` text grown to
//! size (`benches/common`'s `twilio_form`).

#[path = "../../common/mod.rs"]
mod common;

use std::hint::black_box;

use common::paired::{Contender, Settings, compare, print_table};
use common::{NOW, SECRET, label, request_headers, twilio_form};
use base64ct::Encoding;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use signed_webhooks::{RequestTarget, Signer, Twilio, Verifier};

const ORIGIN: &str = "https://hooks.example.com";
const PATH: &str = "/webhooks/twilio/sms";

type Before = old::Verifier<old::Twilio>;
type After = Verifier<Twilio>;

#[inline(never)]
fn case_hmac_prekeyed(key: &Hmac<Sha1>, message: &[u8], tag: &[u8]) -> bool {
    let mut mac = key.clone();
    mac.update(message);
    mac.verify_slice(tag).is_ok()
}

#[inline(never)]
fn case_verify_before(v: &Before, headers: &http::HeaderMap, body: &[u8]) -> bool {
    let target = old::RequestTarget::new("POST", black_box(PATH));
    v.verify_target_at(&target, headers, body, NOW).is_ok()
}

#[inline(never)]
fn case_verify_after(v: &After, headers: &http::HeaderMap, body: &[u8]) -> bool {
    let target = RequestTarget::new("POST", black_box(PATH));
    v.verify_target_at(&target, headers, body, NOW).is_ok()
}

#[inline(never)]
fn case_with_key_before(v: &Before, headers: &http::HeaderMap, body: &[u8]) -> bool {
    let target = old::RequestTarget::new("POST", black_box(PATH));
    matches!(
        v.verify_target_with_key_at(&target, headers, body, NOW),
        Ok((_, Some(_)))
    )
}

#[inline(never)]
fn case_with_key_after(v: &After, headers: &http::HeaderMap, body: &[u8]) -> bool {
    let target = RequestTarget::new("POST", black_box(PATH));
    matches!(
        v.verify_target_with_key_at(&target, headers, body, NOW),
        Ok((_, Some(_)))
    )
}

/// Everything one size needs.
struct Inputs {
    body: Vec<u8>,
    headers: http::HeaderMap,
    message: Vec<u8>,
    tag: Vec<u8>,
    key: Hmac<Sha1>,
    before: Before,
    after: After,
}

impl Inputs {
    fn new(size: usize) -> Self {
        let (body, mut fields) = twilio_form(size);
        fields.sort();
        let url = format!("{ORIGIN}{PATH}");
        let mut message = url.clone().into_bytes();
        for (name, value) in &fields {
            message.extend_from_slice(name.as_bytes());
            message.extend_from_slice(value.as_bytes());
        }
        let signer = Signer::<Twilio>::for_url(&url, SECRET).unwrap();
        let signed = signer.sign_at(&body, NOW);
        let value = signed.get("x-twilio-signature").unwrap().to_owned();
        let old_signed = old::Signer::<old::Twilio>::for_url(&url, SECRET)
            .unwrap()
            .sign_at(&body, NOW);
        assert_eq!(
            old_signed.get("x-twilio-signature"),
            Some(value.as_str()),
            "both versions sign alike"
        );
        let key = <Hmac<Sha1> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
        let tag = key.clone().chain_update(&message).finalize().into_bytes().to_vec();
        let inputs = Inputs {
            headers: request_headers([("x-twilio-signature", value.as_str())], body.len()),
            before: old::Verifier::at_public_origin(ORIGIN, [SECRET]).unwrap(),
            after: Verifier::at_public_origin(ORIGIN, [SECRET]).unwrap(),
            body,
            message,
            tag,
            key,
        };
        // The limit's message is what Twilio signs: its tag is the one
        // the signer sent, in base64.
        assert_eq!(
            base64ct::Base64::encode_string(&inputs.tag),
            value,
            "the limit signs what Twilio signs"
        );
        let i = &inputs;
        for case in CASES {
            assert!(i.call(case), "{case} at {size} bytes");
        }
        let before_key = i
            .before
            .verify_target_with_key_at(&old::RequestTarget::new("POST", PATH), &i.headers, &i.body, NOW)
            .unwrap()
            .1
            .unwrap();
        let after_key = i
            .after
            .verify_target_with_key_at(&RequestTarget::new("POST", PATH), &i.headers, &i.body, NOW)
            .unwrap()
            .1
            .unwrap();
        assert_eq!(before_key.as_str(), after_key.as_str(), "the same duplicate key");
        inputs
    }

    /// One call of `case`; whether it did what its name says.
    fn call(&self, case: &str) -> bool {
        let body = black_box(&self.body[..]);
        let headers = black_box(&self.headers);
        match case {
            "hmac_sha1_prekeyed" => {
                case_hmac_prekeyed(&self.key, black_box(&self.message), black_box(&self.tag))
            }
            "verify_before" => case_verify_before(&self.before, headers, body),
            "verify_after" => case_verify_after(&self.after, headers, body),
            "with_key_before" => case_with_key_before(&self.before, headers, body),
            "with_key_after" => case_with_key_after(&self.after, headers, body),
            other => panic!("unknown case {other}"),
        }
    }
}

const CASES: [&str; 5] = [
    "hmac_sha1_prekeyed",
    "verify_before",
    "verify_after",
    "with_key_before",
    "with_key_after",
];


/// Median and IQR of per-round ratios `a / b`.
fn ratios(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let mut ratios: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
    ratios.sort_by(f64::total_cmp);
    let at = |p: f64| ratios[((ratios.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `<target>/twilio-… <case> <size> <calls>`: one case alone, for a
    // profiler (perf, callgrind).
    if let [case, size, calls] = &args[..] {
        let inputs = Inputs::new(size.parse().unwrap());
        let mut ok = true;
        for _ in 0..calls.parse::<u64>().unwrap() {
            ok &= inputs.call(case);
        }
        assert!(ok, "{case} did not do what its name says");
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let Settings {
        rounds,
        batch,
        sizes,
    } = Settings::from_env(400, 200, &[256, 1024, 16 * 1024]);
    for size in sizes {
        let inputs = Inputs::new(size);
        let inputs = &inputs;
        let mut contenders: Vec<Contender<'_>> = CASES
            .iter()
            .map(|&case| Contender::new(case, move || inputs.call(case)))
            .collect();
        let outcomes = compare(&mut contenders, rounds, batch);
        print_table(
            &format!("Twilio before/after, {} body", label(size)),
            size,
            &outcomes,
        );
        let times = |name: &str| &outcomes.iter().find(|o| o.name == name).unwrap().times;
        for (a, b) in [
            ("verify_after", "verify_before"),
            ("with_key_after", "with_key_before"),
            ("verify_before", "hmac_sha1_prekeyed"),
            ("verify_after", "hmac_sha1_prekeyed"),
        ] {
            let (median, q1, q3) = ratios(times(a), times(b));
            println!("{a} / {b}, per round: median {median:.3} (IQR {q1:.3}–{q3:.3})");
        }
    }
}

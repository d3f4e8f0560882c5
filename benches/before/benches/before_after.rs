//! The `t=…,v1=…` verify path before (`old`, the crate at an earlier
//! revision, 0.1 API) and after (the crate as it is), in one binary, paired
//! (see `../../common/paired.rs`), with the `hmac` crate's pre-keyed HMAC of
//! the same message as the reference both are measured against.
//!
//! ```sh
//! benches/before/run.sh [rev]                                  # paired
//! BEFORE_AFTER=1 benches/callgrind.sh                          # callgrind
//! ```
//!
//! `<target>/before_after <provider> <case> <size> <calls>` is the
//! callgrind driver (the provider is always `unleeshed`); every case is an
//! `#[inline(never)]` function below.
//!
//! Both verifiers get the headers as a server hands them over, an
//! `http::HeaderMap` with the usual headers: 0.1 through
//! `verify_headers_at` (feature `http`), 0.2 through `verify_at`. The
//! `*_str` and `*_pairs` cases give each the one header alone (0.1: the
//! value; 0.2: a list of one `(name, value)` pair).

#[path = "../../common/mod.rs"]
mod common;

use std::hint::black_box;

use common::paired::{Contender, Settings, compare, print_table};
use common::{SECRET, label, request_headers, unix_now, unleeshed_body};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use signed_webhooks::{Signer, Unleeshed, UnleeshedEvent, Verifier};

type Before = old::Verifier<old::Unleeshed>;
type After = Verifier<Unleeshed>;

#[inline(never)]
fn case_hmac_prekeyed(key: &Hmac<Sha256>, message: &[u8]) -> [u8; 32] {
    let mut mac = key.clone();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[inline(never)]
fn case_verify_before(v: &Before, headers: &http::HeaderMap, body: &[u8], now: i64) -> bool {
    v.verify_at(headers, body, now).is_ok()
}

#[inline(never)]
fn case_verify_after(v: &After, headers: &http::HeaderMap, body: &[u8], now: i64) -> bool {
    v.verify_at(headers, body, now).is_ok()
}

#[inline(never)]
fn case_verify_before_str(v: &Before, header: &str, body: &[u8], now: i64) -> bool {
    v.verify_at(&[("x-unleeshed-signature", header)], body, now)
        .is_ok()
}

#[inline(never)]
fn case_verify_after_pairs(v: &After, headers: &[(&str, &str); 1], body: &[u8], now: i64) -> bool {
    v.verify_at(headers, body, now).is_ok()
}

#[inline(never)]
fn case_parse_before(header: &str) -> bool {
    old::__private::SignatureHeader::parse(header).is_ok()
}

#[inline(never)]
fn case_parse_after(header: &str) -> bool {
    signed_webhooks::__private::SignatureHeader::parse(header).is_ok()
}

#[inline(never)]
fn case_stale_before(v: &Before, headers: &http::HeaderMap, body: &[u8], now: i64) -> bool {
    v.verify_at(headers, body, now).is_err()
}

#[inline(never)]
fn case_stale_after(v: &After, headers: &http::HeaderMap, body: &[u8], now: i64) -> bool {
    v.verify_at(headers, body, now).is_err()
}

#[inline(never)]
fn case_event_before(v: &Before, headers: &http::HeaderMap, body: &[u8], now: i64) -> bool {
    v.verify_at(headers, body, now).is_ok()
        && serde_json::from_slice::<old::UnleeshedEvent>(body).is_ok()
}

#[inline(never)]
fn case_event_after(v: &After, headers: &http::HeaderMap, body: &[u8], now: i64) -> bool {
    v.verify_at(headers, body, now).is_ok()
        && serde_json::from_slice::<UnleeshedEvent>(body).is_ok()
}

/// Everything one size needs, signed at `t`.
struct Inputs {
    t: i64,
    body: Vec<u8>,
    value: String,
    headers: http::HeaderMap,
    stale: http::HeaderMap,
    message: Vec<u8>,
    key: Hmac<Sha256>,
    before: Before,
    after: After,
}

impl Inputs {
    fn new(size: usize, t: i64) -> Self {
        let body = unleeshed_body(size);
        let signer = Signer::<Unleeshed>::new(SECRET).unwrap();
        let value = signer
            .sign_at(&body, t)
            .get("x-unleeshed-signature")
            .unwrap()
            .to_owned();
        let old_sign = |at: i64| {
            old::Signer::<old::Unleeshed>::new(SECRET)
                .unwrap()
                .sign_at(&body, at)
                .get("x-unleeshed-signature")
                .unwrap()
                .to_owned()
        };
        let stale_value = old_sign(t - 3600);
        let old_value = old_sign(t);
        assert_eq!(value, old_value, "both versions sign alike");
        let inputs = Inputs {
            t,
            headers: request_headers([("x-unleeshed-signature", value.as_str())], body.len()),
            stale: request_headers(
                [("x-unleeshed-signature", stale_value.as_str())],
                body.len(),
            ),
            message: [format!("{t}.").as_bytes(), &body].concat(),
            key: <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap(),
            before: old::Verifier::new(SECRET).unwrap(),
            after: Verifier::new(SECRET).unwrap(),
            body,
            value,
        };
        let i = &inputs;
        assert!(case_verify_before(&i.before, &i.headers, &i.body, t));
        assert!(case_verify_after(&i.after, &i.headers, &i.body, t));
        assert!(case_verify_before_str(&i.before, &i.value, &i.body, t));
        assert!(case_verify_after_pairs(&i.after, &i.pairs(), &i.body, t));
        assert!(case_stale_before(&i.before, &i.stale, &i.body, t));
        assert!(case_stale_after(&i.after, &i.stale, &i.body, t));
        assert!(case_event_before(&i.before, &i.headers, &i.body, t));
        assert!(case_event_after(&i.after, &i.headers, &i.body, t));
        inputs
    }

    fn pairs(&self) -> [(&str, &str); 1] {
        [("x-unleeshed-signature", self.value.as_str())]
    }

    /// One call of `case`; whether it did what its name says.
    fn call(&self, case: &str) -> bool {
        let (t, body) = (self.t, black_box(&self.body[..]));
        match case {
            "hmac_prekeyed" => {
                black_box(case_hmac_prekeyed(&self.key, black_box(&self.message)));
                true
            }
            "verify_before" => case_verify_before(&self.before, black_box(&self.headers), body, t),
            "verify_after" => case_verify_after(&self.after, black_box(&self.headers), body, t),
            "verify_before_str" => {
                case_verify_before_str(&self.before, black_box(&self.value), body, t)
            }
            "verify_after_pairs" => {
                case_verify_after_pairs(&self.after, black_box(&self.pairs()), body, t)
            }
            "parse_before" => case_parse_before(black_box(&self.value)),
            "parse_after" => case_parse_after(black_box(&self.value)),
            "stale_before" => case_stale_before(&self.before, black_box(&self.stale), body, t),
            "stale_after" => case_stale_after(&self.after, black_box(&self.stale), body, t),
            "event_before" => case_event_before(&self.before, black_box(&self.headers), body, t),
            "event_after" => case_event_after(&self.after, black_box(&self.headers), body, t),
            other => panic!("unknown case {other}"),
        }
    }
}

const CASES: [&str; 11] = [
    "hmac_prekeyed",
    "verify_before",
    "verify_after",
    "verify_before_str",
    "verify_after_pairs",
    "parse_before",
    "parse_after",
    "stale_before",
    "stale_after",
    "event_before",
    "event_after",
];


fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [_, case, size, calls] = &args[..] {
        let inputs = Inputs::new(size.parse().unwrap(), common::NOW);
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
        let inputs = Inputs::new(size, unix_now());
        let inputs = &inputs;
        let mut contenders: Vec<Contender<'_>> = CASES
            .iter()
            .map(|&case| Contender::new(case, move || inputs.call(case)))
            .collect();
        let outcomes = compare(&mut contenders, rounds, batch);
        print_table(
            &format!("before/after, {} body", label(size)),
            size,
            &outcomes,
        );
        let times = |name: &str| &outcomes.iter().find(|o| o.name == name).unwrap().times;
        for (after, before) in [
            ("verify_after", "verify_before"),
            ("verify_after_pairs", "verify_before_str"),
            ("parse_after", "parse_before"),
            ("stale_after", "stale_before"),
            ("event_after", "event_before"),
        ] {
            let mut ratios: Vec<f64> = times(after)
                .iter()
                .zip(times(before))
                .map(|(a, b)| a / b)
                .collect();
            ratios.sort_by(f64::total_cmp);
            let at = |p: f64| ratios[((ratios.len() - 1) as f64 * p).round() as usize];
            println!(
                "{after} / {before}, per round: median {:.3} (IQR {:.3}–{:.3})",
                at(0.5),
                at(0.25),
                at(0.75)
            );
        }
    }
}

//! Hex decoding (issue 17): the signatures' decoder before (`old`, the
//! crate at an earlier revision, with its hand-written SWAR decoder) and
//! after (the crate as it is), in one binary, paired (see
//! `../../common/paired.rs`).
//!
//! ```sh
//! BENCH=hex benches/before/run.sh 5bc1869                     # the revision before the change
//! BENCH=hex SIZES=256,1024 ROUNDS=400 benches/before/run.sh 5bc1869
//! ```
//!
//! Two parts:
//!
//! - **decode alone**: 64 hex digits into 32 bytes, by the SWAR decoder as
//!   `5bc1869` had it (copied below, as it was), `hex::decode_to_slice` and
//!   RustCrypto's `base16ct::mixed::decode` (constant time), on lower- and
//!   upper-case digits;
//! - **verify**: for Unleeshed (`t=…,v1=<hex>`) and GitHub (`sha256=<hex>`),
//!   the `hmac` crate's pre-keyed HMAC of the signed message (the limit),
//!   and both versions' `verify_at` (pinned clock) and `verify` (system
//!   clock) from an `http::HeaderMap`, plus the `t=…,v1=…` header parse
//!   alone; the ratios to the limit and after / before, per round.

#[path = "../../common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use common::paired::{Contender, Outcome, Settings, compare, print_table};
use common::{SECRET, github_body, label, request_headers, unix_now, unleeshed_body};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;


/// The median and IQR over the rounds of `a / b`.
fn per_round(outcomes: &[Outcome], a: &str, b: &str) -> (f64, f64, f64) {
    let times = |name: &str| &outcomes.iter().find(|o| o.name == name).unwrap().times;
    let mut ratios: Vec<f64> = times(a).iter().zip(times(b)).map(|(a, b)| a / b).collect();
    ratios.sort_by(f64::total_cmp);
    let at = |p: f64| ratios[((ratios.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

fn print_ratios(outcomes: &[Outcome], pairs: &[(&str, &str)]) {
    for (a, b) in pairs {
        let (median, low, high) = per_round(outcomes, a, b);
        println!("{a} / {b}, per round: median {median:.3} (IQR {low:.3}–{high:.3})");
    }
}

/// The SWAR decoder of `src/signature.rs` at `5bc1869`, as it was
/// (`decode_hex_tag`, `decode_hex_word`, `lanes`): the "before" of the
/// decode-alone comparison. Correct only on little-endian targets (the
/// `even` mask is built native-endian), which this machine is.
mod swar {
    const fn lanes(byte: u8) -> u64 {
        u64::from_ne_bytes([byte; 8])
    }

    #[inline]
    pub fn decode_hex_tag(hex: &[u8; 64]) -> Option<[u8; 32]> {
        let mut tag = [0u8; 32];
        let mut invalid = 0u64;
        let (digits, _) = hex.as_chunks::<8>();
        let (out, _) = tag.as_chunks_mut::<4>();
        for (out, digits) in out.iter_mut().zip(digits) {
            let (bytes, word_invalid) = decode_hex_word(u64::from_le_bytes(*digits));
            *out = bytes;
            invalid |= word_invalid;
        }
        (invalid == 0).then_some(tag)
    }

    #[inline]
    fn decode_hex_word(word: u64) -> ([u8; 4], u64) {
        let high = lanes(0x80);
        let non_ascii = word & high;
        let at_least = |lane_values: u64, k: u8| lane_values.wrapping_add(lanes(0x80 - k));
        let digit = at_least(word, b'0') & !at_least(word, b'9' + 1) & high;
        let folded = word | lanes(0x20);
        let letter = at_least(folded, b'a') & !at_least(folded, b'f' + 1) & high;
        let invalid = non_ascii | ((digit | letter) ^ high);
        let nibbles = (word & lanes(0x0f)) + (letter >> 7) * 9;
        let even = u64::from_ne_bytes([0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0]);
        let pairs = ((nibbles & even) << 4) | ((nibbles >> 8) & even);
        let pairs = (pairs | (pairs >> 8)) & 0x0000_ffff_0000_ffff;
        let packed = (pairs | (pairs >> 16)) as u32;
        (packed.to_le_bytes(), invalid)
    }
}

#[inline(never)]
fn decode_swar(hex: &[u8]) -> Option<[u8; 32]> {
    swar::decode_hex_tag(hex.try_into().ok()?)
}

#[inline(never)]
fn decode_hex_crate(hex: &[u8]) -> Option<[u8; 32]> {
    let mut tag = [0u8; 32];
    hex::decode_to_slice(hex, &mut tag).ok()?;
    Some(tag)
}

#[inline(never)]
fn decode_base16ct(hex: &[u8]) -> Option<[u8; 32]> {
    let mut tag = [0u8; 32];
    match base16ct::mixed::decode(hex, &mut tag) {
        Ok(decoded) if decoded.len() == 32 => Some(tag),
        _ => None,
    }
}

fn decode_alone(rounds: usize, batch: Duration) {
    let lower = *b"5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";
    let mut upper = lower;
    upper.make_ascii_uppercase();
    for (case, digits) in [("lower", lower), ("upper", upper)] {
        let expected = hex::decode(lower).unwrap();
        for decode in [decode_swar, decode_hex_crate, decode_base16ct] {
            assert_eq!(decode(&digits).map(|t| t.to_vec()), Some(expected.clone()));
        }
        let mut contenders = vec![
            Contender::new("swar_5bc1869", move || decode_swar(black_box(&digits))),
            Contender::new("hex_decode_to_slice", move || {
                decode_hex_crate(black_box(&digits))
            }),
            Contender::new("base16ct_mixed", move || {
                decode_base16ct(black_box(&digits))
            }),
        ];
        let outcomes = compare(&mut contenders, rounds, batch);
        print_table(
            &format!("decode alone, 64 {case}-case digits"),
            64,
            &outcomes,
        );
    }
}

/// One provider's delivery, signed at `t`, and the message its tag covers.
struct Delivery {
    name: &'static str,
    t: i64,
    body: Vec<u8>,
    headers: http::HeaderMap,
    message: Vec<u8>,
    /// The `t=…,v1=…` header alone (Unleeshed), for the parse.
    value: Option<String>,
}

fn delivery(name: &'static str, size: usize, t: i64) -> Delivery {
    match name {
        "unleeshed" => {
            let body = unleeshed_body(size);
            let signed = signed_webhooks::Signer::<signed_webhooks::Unleeshed>::new(SECRET)
                .unwrap()
                .sign_at(&body, t);
            let value = signed.get("x-unleeshed-signature").unwrap().to_owned();
            Delivery {
                name,
                t,
                headers: request_headers(signed.iter(), body.len()),
                message: [format!("{t}.").as_bytes(), &body].concat(),
                value: Some(value),
                body,
            }
        }
        "github" => {
            let body = github_body(size);
            let signed = signed_webhooks::Signer::<signed_webhooks::GitHub>::new(SECRET)
                .unwrap()
                .sign_at(&body, t);
            Delivery {
                name,
                t,
                headers: request_headers(signed.iter(), body.len()),
                message: body.clone(),
                value: None,
                body,
            }
        }
        other => panic!("unknown provider {other}"),
    }
}

/// `hmac_prekeyed`, then `verify_at` and `verify` before and after for
/// provider `P` (the crate as it is) and `O` (the same provider of `old`).
fn verify_contenders<'a, P: signed_webhooks::Provider, O: old::Provider>(
    d: &'a Delivery,
) -> Vec<Contender<'a>> {
    let before = old::Verifier::<O>::new(SECRET).unwrap();
    let after = signed_webhooks::Verifier::<P>::new(SECRET).unwrap();
    let key = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    let t = d.t;
    assert!(before.verify_at(&d.headers, &d.body, t).is_ok());
    assert!(after.verify_at(&d.headers, &d.body, t).is_ok());
    assert!(before.verify(&d.headers, &d.body).is_ok());
    assert!(after.verify(&d.headers, &d.body).is_ok());
    {
        let mut mac = key.clone();
        mac.update(&d.message);
        let tag = hex::encode(mac.finalize().into_bytes());
        let shown = d.headers.iter().any(|(_, v)| {
            v.to_str()
                .is_ok_and(|v| v.to_ascii_lowercase().contains(&tag))
        });
        assert!(shown, "{}: the limit hashes another message", d.name);
    }
    let mut out = vec![Contender::new("hmac_prekeyed", move || {
        let mut mac = key.clone();
        mac.update(black_box(&d.message));
        mac.finalize().into_bytes()
    })];
    out.push(Contender::new("verify_at_before", {
        let before = before.clone();
        move || before.verify_at(black_box(&d.headers), &d.body, t).is_ok()
    }));
    out.push(Contender::new("verify_at_after", {
        let after = after.clone();
        move || after.verify_at(black_box(&d.headers), &d.body, t).is_ok()
    }));
    out.push(Contender::new("verify_before", move || {
        before.verify(black_box(&d.headers), &d.body).is_ok()
    }));
    out.push(Contender::new("verify_after", move || {
        after.verify(black_box(&d.headers), &d.body).is_ok()
    }));
    if let Some(value) = &d.value {
        assert!(old::__private::SignatureHeader::parse(value).is_ok());
        assert!(signed_webhooks::__private::SignatureHeader::parse(value).is_ok());
        out.push(Contender::new("parse_before", move || {
            old::__private::SignatureHeader::parse(black_box(value)).is_ok()
        }));
        out.push(Contender::new("parse_after", move || {
            signed_webhooks::__private::SignatureHeader::parse(black_box(value)).is_ok()
        }));
    }
    out
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let Settings {
        rounds,
        batch,
        sizes,
    } = Settings::from_env(400, 200, &[256, 1024]);
    decode_alone(rounds, batch);

    let mut summary = Vec::new();
    for &size in &sizes {
        for name in ["unleeshed", "github"] {
            // Signed right before it is measured, so the system clock's
            // check passes.
            let d = delivery(name, size, unix_now());
            let mut contenders = match name {
                "unleeshed" => verify_contenders::<signed_webhooks::Unleeshed, old::Unleeshed>(&d),
                _ => verify_contenders::<signed_webhooks::GitHub, old::GitHub>(&d),
            };
            let outcomes = compare(&mut contenders, rounds, batch);
            print_table(&format!("{name}, {} body", label(size)), size, &outcomes);
            let mut pairs = vec![
                ("verify_at_after", "verify_at_before"),
                ("verify_after", "verify_before"),
            ];
            if d.value.is_some() {
                pairs.push(("parse_after", "parse_before"));
            }
            print_ratios(&outcomes, &pairs);
            let ratio = |name: &str| outcomes.iter().find(|o| o.name == name).unwrap().ratio;
            summary.push((
                name,
                size,
                [
                    ratio("verify_at_before"),
                    ratio("verify_at_after"),
                    ratio("verify_before"),
                    ratio("verify_after"),
                ],
                per_round(&outcomes, "verify_at_after", "verify_at_before").0,
            ));
        }
    }

    println!(
        "\n#### Summary: / hmac_prekeyed, median of per-round ratios; after / before per round\n"
    );
    println!(
        "| provider | size | verify_at before | verify_at after | verify before | verify after | verify_at after / before |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, size, [a, b, c, d], after_before) in summary {
        println!(
            "| {name} | {} | {a:.3}× | {b:.3}× | {c:.3}× | {d:.3}× | {after_before:.3} |",
            label(size)
        );
    }
}

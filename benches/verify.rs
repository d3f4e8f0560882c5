//! The crate's own costs, side by side with the limit: a bare pre-keyed
//! HMAC-SHA256 over the same `"{t}.{body}"` message.
//!
//! ```sh
//! cargo bench --bench verify            # everything
//! cargo bench --bench verify -- 1KiB/   # one size
//! python3 benches/table.py              # medians and ratios of the last run
//! ```

mod common;
#[path = "common/mirrors.rs"]
mod mirrors;

use std::hint::black_box;

use common::{NOW, OTHER_SECRETS, SECRET, SIZES, label, unleeshed_body};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use signed_webhooks::{SignatureHeader, Signer, UnleeshedEvent, Verifier};

/// The rotation worst case: three secrets, three signatures, and only the
/// last signature matches, under the last secret. Every secret's HMAC is
/// computed and compared against every signature.
fn rotation_header(body: &[u8]) -> String {
    let signer = Signer::from_secrets([OTHER_SECRETS[0], OTHER_SECRETS[1], SECRET]).unwrap();
    let signed = signer.sign_at(body, NOW);
    let sigs: Vec<&str> = signed.split(",v1=").skip(1).collect();
    // Two signatures that match nothing (well-formed hex), then the real one.
    format!(
        "t={NOW},v1={},v1={},v1={}",
        "0".repeat(64),
        "ab".repeat(32),
        sigs[2]
    )
}

fn sizes(c: &mut Criterion) {
    let verifier = Verifier::new(SECRET).unwrap();
    let rotating = Verifier::from_secrets([OTHER_SECRETS[0], OTHER_SECRETS[1], SECRET]).unwrap();
    let signer = Signer::new(SECRET).unwrap();
    let prekeyed = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();

    for size in SIZES {
        let body = unleeshed_body(size);
        let header = signer.sign_at(&body, NOW);
        let rotation = rotation_header(&body);
        let forged = format!("t={NOW},v1={}", "ab".repeat(32));
        let stale = signer.sign_at(&body, NOW - 3600);
        // The limit hashes the message already assembled in one buffer.
        let message = [format!("{NOW}.").as_bytes(), &body].concat();

        // Sanity: every case does what its name says.
        assert!(verifier.verify_at(&header, &body, NOW).is_ok());
        assert_eq!(
            rotating
                .verify_at(&rotation, &body, NOW)
                .unwrap()
                .secret_index(),
            2
        );
        assert_eq!(
            verifier.verify_at(&forged, &body, NOW).unwrap_err().code(),
            "signature_mismatch"
        );
        assert_eq!(
            verifier.verify_at(&stale, &body, NOW).unwrap_err().code(),
            "timestamp_too_old"
        );
        let event: UnleeshedEvent = verifier.verify_event_at(&header, &body, NOW).unwrap();
        assert!(matches!(event, UnleeshedEvent::CreatorApproved(_)));

        let mut group = c.benchmark_group(label(size));
        group.throughput(Throughput::Bytes(size as u64));
        if size >= 1024 * 1024 {
            group.sample_size(30);
        }

        group.bench_function("hmac_prekeyed", |b| {
            b.iter(|| {
                let mut mac = prekeyed.clone();
                mac.update(black_box(&message));
                mac.finalize().into_bytes()
            })
        });
        group.bench_function("verify", |b| {
            b.iter(|| verifier.verify_at(black_box(&header), black_box(&body), NOW))
        });
        group.bench_function("verify_rotation_3x3", |b| {
            b.iter(|| rotating.verify_at(black_box(&rotation), black_box(&body), NOW))
        });
        group.bench_function("refuse_wrong_signature", |b| {
            b.iter(|| verifier.verify_at(black_box(&forged), black_box(&body), NOW))
        });
        group.bench_function("refuse_stale", |b| {
            b.iter(|| verifier.verify_at(black_box(&stale), black_box(&body), NOW))
        });
        group.bench_function("verify_event", |b| {
            b.iter(|| {
                verifier.verify_event_at::<UnleeshedEvent>(
                    black_box(&header),
                    black_box(&body),
                    NOW,
                )
            })
        });
        group.bench_function("from_slice", |b| {
            b.iter(|| serde_json::from_slice::<UnleeshedEvent>(black_box(&body)))
        });
        group.bench_function("from_slice_borrowed", |b| {
            b.iter(|| serde_json::from_slice::<mirrors::borrowed::Event<'_>>(black_box(&body)))
        });
        group.bench_function("from_slice_plain_derive", |b| {
            b.iter(|| serde_json::from_slice::<mirrors::plain::Event>(black_box(&body)))
        });
        group.finish();
    }
}

fn header_parsing(c: &mut Criterion) {
    let signer = Signer::new(SECRET).unwrap();
    let one = signer.sign_at(b"{}", NOW);
    let three = rotation_header(b"{}");
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(one.len() as u64));
    group.bench_function("one_signature", |b| {
        b.iter(|| SignatureHeader::parse(black_box(&one)))
    });
    group.throughput(Throughput::Bytes(three.len() as u64));
    group.bench_function("three_signatures", |b| {
        b.iter(|| SignatureHeader::parse(black_box(&three)))
    });
    group.finish();
}

criterion_group!(benches, header_parsing, sizes);
criterion_main!(benches);

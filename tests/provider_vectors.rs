//! The crate's `t=…,v1=…` verifier against vectors made by Stripe's own
//! library: tests/vectors/stripe.json, signed by stripe-python and checked by
//! stripe-python and stripe-node (tests/vectors/generate_providers.py,
//! tests/vectors/node/generate.mjs; the format is in tests/vectors/PROVIDERS.md).
#![cfg(feature = "http")]

use std::collections::BTreeMap;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use signed_webhooks::{Error, STRIPE_SIGNATURE, Verifier};

#[derive(Deserialize)]
struct VectorFile {
    signature_header: String,
    tolerance_seconds: u64,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    kind: String,
    secrets: Vec<String>,
    body: Option<String>,
    body_base64: Option<String>,
    headers: BTreeMap<String, String>,
    timestamp: Option<i64>,
    now: i64,
    valid: Option<bool>,
}

impl Vector {
    fn body(&self) -> &[u8] {
        match (&self.body, &self.body_base64) {
            (Some(text), None) => text.as_bytes(),
            // stripe.json has none: Stripe's libraries read the body as UTF-8.
            (None, Some(_)) => panic!("{}: a base64 body in stripe.json", self.name),
            _ => panic!("{}: exactly one of body and body_base64", self.name),
        }
    }

    fn header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in &self.headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    /// The crate's verdict, as a receiver configured for Stripe would give it.
    fn verify(&self, tolerance: Duration) -> Result<signed_webhooks::Verified, Error> {
        Verifier::from_secrets(self.secrets.iter().map(String::as_str))?
            .with_header_name(STRIPE_SIGNATURE)
            .with_tolerance(tolerance)
            .verify_headers_at(&self.header_map(), self.body(), self.now)
    }
}

fn stripe() -> VectorFile {
    let file: VectorFile = serde_json::from_str(include_str!("vectors/stripe.json")).unwrap();
    assert!(
        file.signature_header
            .eq_ignore_ascii_case(STRIPE_SIGNATURE.as_str())
    );
    let count = |valid| {
        file.vectors
            .iter()
            .filter(|v| v.kind == "conformance" && v.valid == Some(valid))
            .count()
    };
    assert!(
        count(true) >= 10 && count(false) >= 10,
        "the vector file lost entries"
    );
    file
}

#[test]
fn conformance_vectors_get_the_verdict_of_stripes_libraries() {
    let file = stripe();
    let tolerance = Duration::from_secs(file.tolerance_seconds);
    let mut checked = 0;
    for v in file.vectors.iter().filter(|v| v.kind == "conformance") {
        let valid = v.valid.expect("a conformance vector has a verdict");
        match v.verify(tolerance) {
            Ok(verified) => {
                assert!(
                    valid,
                    "{}: accepted, but Stripe's libraries refuse it",
                    v.name
                );
                assert_eq!(Some(verified.timestamp()), v.timestamp, "{}", v.name);
            }
            Err(err) => assert!(
                !valid,
                "{}: refused ({err}), but Stripe's libraries accept it",
                v.name
            ),
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} vectors checked");
}

/// Where Stripe's libraries are lax or disagree with each other, the crate's
/// answer is a decision: this table pins it, so changing one is deliberate.
#[test]
fn library_edge_vectors_get_the_crates_chosen_answer() {
    let file = stripe();
    let tolerance = Duration::from_secs(file.tolerance_seconds);
    let chosen: BTreeMap<&str, Result<(), &str>> = BTreeMap::from([
        // Hex is case-insensitive here; Stripe sends lower case.
        ("v1 in upper-case hex", Ok(())),
        // The tolerance applies both ways; Stripe's libraries bound only the age.
        ("timestamp 3600 s in the future", Err("timestamp_in_future")),
        // Optional whitespace around items is allowed.
        ("a space after each comma", Ok(())),
        // One t only: the libraries disagree on which one counts.
        (
            "two t items, the second one signed",
            Err("malformed_signature_header"),
        ),
        ("empty body", Ok(())),
        // The signed digits are the header's digits, which must be canonical.
        (
            "timestamp with a leading zero",
            Err("malformed_signature_header"),
        ),
    ]);
    let edges: Vec<&Vector> = file
        .vectors
        .iter()
        .filter(|v| v.kind == "library-edge")
        .collect();
    assert_eq!(
        edges.len(),
        chosen.len(),
        "an edge vector without a chosen answer"
    );
    for v in edges {
        let expected = chosen
            .get(v.name.as_str())
            .unwrap_or_else(|| panic!("{}: no chosen answer", v.name));
        let got = v.verify(tolerance).map(|_| ()).map_err(|e| e.code());
        assert_eq!(&got, expected, "{}", v.name);
    }
}

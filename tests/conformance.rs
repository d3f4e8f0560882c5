//! The crate against vectors computed by an independent implementation
//! (Python's `hmac`; see tests/vectors/generate.py).

use serde::Deserialize;
use signed_webhooks::{Signer, Verifier};

#[derive(Deserialize)]
struct Vector {
    name: String,
    secrets: Vec<String>,
    timestamp: i64,
    body: Option<String>,
    body_hex: Option<String>,
    header: String,
}

impl Vector {
    fn body(&self) -> Vec<u8> {
        match (&self.body, &self.body_hex) {
            (Some(text), None) => text.as_bytes().to_vec(),
            (None, Some(hex)) => hex::decode(hex).unwrap(),
            _ => panic!("{}: exactly one of body and body_hex", self.name),
        }
    }
}

fn vectors() -> Vec<Vector> {
    let raw = include_str!("vectors/hmac_sha256.json");
    let vectors: Vec<Vector> = serde_json::from_str(raw).unwrap();
    assert!(vectors.len() >= 20, "the vector file lost entries");
    vectors
}

#[test]
fn signer_reproduces_every_vector() {
    for v in vectors() {
        let signer = Signer::from_secrets(&v.secrets).unwrap();
        assert_eq!(
            signer.sign_at(&v.body(), v.timestamp),
            v.header,
            "{}",
            v.name
        );
    }
}

#[test]
fn verifier_accepts_every_vector_with_each_of_its_secrets() {
    for v in vectors() {
        let body = v.body();
        for (index, secret) in v.secrets.iter().enumerate() {
            let verifier = Verifier::new(secret).unwrap();
            let verified = verifier
                .verify_at(&v.header, &body, v.timestamp)
                .unwrap_or_else(|e| panic!("{}: {e}", v.name));
            assert_eq!(verified.timestamp(), v.timestamp, "{}", v.name);
            let signature = v.header.split(",v1=").nth(index + 1).unwrap();
            assert_eq!(hex::encode(verified.signature()), signature, "{}", v.name);
        }
    }
}

#[test]
fn verifier_refuses_every_vector_under_another_secret() {
    let stranger = Verifier::new("whsec_not_the_secret_of_any_vector_0000").unwrap();
    for v in vectors() {
        let err = stranger
            .verify_at(&v.header, &v.body(), v.timestamp)
            .unwrap_err();
        assert_eq!(err.code(), "signature_mismatch", "{}", v.name);
    }
}

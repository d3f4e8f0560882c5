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

/// Short secrets, as providers issue them, are accepted and sign exactly as
/// the providers' own code does.
#[test]
fn short_provider_secrets_sign_as_the_provider_does() {
    // Computed by Stripe's Python library (tests/vectors/stripe_sdk.py) on
    // the payload of Stripe's SDK tests.
    let payload = b"{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";
    let t = 1_790_000_000;
    for (secret, header) in [
        (
            "whsec_test_secret",
            "t=1790000000,v1=320737380c79be93f93f11bb965cb3d9126baa88332f6a3591731c4bc50597fa",
        ),
        (
            "webhook_secret",
            "t=1790000000,v1=d4e081a8cfd353d23b4732b524edf3f46e208b22897968761d7b61fc7de9c855",
        ),
        (
            "secret",
            "t=1790000000,v1=861c8240e3beb7883678ebec8c0cf31c11a8c33e7dcff4fa8dbea32ce0e26715",
        ),
    ] {
        assert_eq!(Signer::new(secret).unwrap().sign_at(payload, t), header);
        let verifier = Verifier::new(secret).unwrap();
        verifier
            .verify_at(header, payload, t)
            .unwrap_or_else(|e| panic!("{secret}: {e}"));
        let other = if secret == "secret" {
            "secreT"
        } else {
            "secret"
        };
        let err = Verifier::new(other).unwrap().verify_at(header, payload, t);
        assert_eq!(err.unwrap_err().code(), "signature_mismatch", "{secret}");
    }

    // async-stripe's published test vector (`test_webhook_construct_event`
    // in arlyon/async-stripe, src/resources/webhook_events.rs): secret
    // `webhook_secret`, and the `v0=` item of Stripe's test mode. Stripe's
    // Python library accepts it too.
    let body = br#"{
  "id": "evt_123",
  "object": "event",
  "account": "acct_123",
  "api_version": "2017-05-25",
  "created": 1533204620,
  "data": {
    "object": {
      "id": "ii_123",
      "object": "invoiceitem",
      "amount": 1000,
      "currency": "usd",
      "customer": "cus_123",
      "date": 1533204620,
      "description": "Test Invoice Item",
      "discountable": false,
      "invoice": "in_123",
      "livemode": false,
      "metadata": {},
      "period": {
        "start": 1533204620,
        "end": 1533204620
      },
      "proration": false,
      "quantity": 3
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_123",
    "idempotency_key": "idempotency-key-123"
  },
  "type": "invoiceitem.created"
}
"#;
    let header = "t=1533204620,\
        v1=82216eca827bcb7b34b8055eb2d2d9e6bc13b9ac39ded14a61e69f70c565f53a,\
        v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";
    let verified = Verifier::new("webhook_secret")
        .unwrap()
        .verify_at(header, body, 1_533_204_620)
        .unwrap();
    assert_eq!(verified.timestamp(), 1_533_204_620);
}

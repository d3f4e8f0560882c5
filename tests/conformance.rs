//! The crate against vectors computed by an independent implementation
//! (Python's `hmac`; see tests/vectors/generate.py): the `t=…,v1=…` scheme,
//! as Unleeshed, the exchange and Stripe use it under their own headers.

use serde::Deserialize;
use signed_webhooks::{Error, Exchange, Provider, Signer, Stripe, Unleeshed, Verified, Verifier};

const UNLEESHED: &str = "x-unleeshed-signature";

/// A verifier of one provider, reading the header value given.
type Verify = Box<dyn Fn(&str, &[u8], i64) -> Result<Verified, Error>>;

/// The providers that sign `t=…,v1=…`, each with its signature header.
fn verifiers_of(secret: &str) -> [(&'static str, Verify); 3] {
    fn one<P: Provider>(header: &'static str, secret: &str) -> (&'static str, Verify) {
        let verifier = Verifier::<P>::new(secret).unwrap();
        (
            P::NAME,
            Box::new(move |value: &str, body: &[u8], now: i64| {
                verifier.verify_at(&[(header, value)], body, now)
            }),
        )
    }
    [
        one::<Unleeshed>(UNLEESHED, secret),
        one::<Exchange>(UNLEESHED, secret),
        one::<Stripe>("stripe-signature", secret),
    ]
}

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
        let headers = Signer::<Unleeshed>::from_secrets(&v.secrets)
            .unwrap()
            .sign_at(&v.body(), v.timestamp);
        assert_eq!(
            headers.get(UNLEESHED),
            Some(v.header.as_str()),
            "{}",
            v.name
        );
        assert_eq!(headers.iter().count(), 1, "{}: {headers:?}", v.name);
        let stripe = Signer::<Stripe>::from_secrets(&v.secrets)
            .unwrap()
            .sign_at(&v.body(), v.timestamp);
        assert_eq!(
            stripe.get("Stripe-Signature"),
            Some(v.header.as_str()),
            "{}",
            v.name
        );
    }
}

#[test]
fn verifier_accepts_every_vector_with_each_of_its_secrets() {
    for v in vectors() {
        let body = v.body();
        for secret in &v.secrets {
            for (provider, verify) in verifiers_of(secret) {
                let verified = verify(&v.header, &body, v.timestamp)
                    .unwrap_or_else(|e| panic!("{} ({provider}): {e}", v.name));
                assert_eq!(verified.timestamp(), Some(v.timestamp), "{}", v.name);
                assert_eq!(verified.secret_index(), 0, "{}", v.name);
            }
        }
    }
}

/// Each `v1` of a rotation vector belongs to its own secret: a verifier
/// holding all of them names the one whose signature the header keeps
/// (0.1 compared `Verified::signature()`, removed in 0.2).
#[test]
fn each_signature_is_matched_to_its_own_secret() {
    let mut rotations = 0;
    for v in vectors() {
        let body = v.body();
        let verifier = Verifier::<Unleeshed>::from_secrets(&v.secrets).unwrap();
        let (t, signatures) = v.header.split_once(",v1=").unwrap();
        let signatures: Vec<&str> = signatures.split(",v1=").collect();
        assert_eq!(signatures.len(), v.secrets.len(), "{}", v.name);
        for (index, signature) in signatures.iter().enumerate() {
            let alone = format!("{t},v1={signature}");
            let verified = verifier
                .verify_at(&[(UNLEESHED, alone.as_str())], &body, v.timestamp)
                .unwrap_or_else(|e| panic!("{}: {e}", v.name));
            assert_eq!(verified.secret_index(), index, "{}", v.name);
        }
        rotations += usize::from(v.secrets.len() > 1);
    }
    assert!(rotations >= 1, "no rotation vector left");
}

#[test]
fn verifier_refuses_every_vector_under_another_secret() {
    for v in vectors() {
        for (provider, verify) in verifiers_of("whsec_not_the_secret_of_any_vector_0000") {
            let err = verify(&v.header, &v.body(), v.timestamp).unwrap_err();
            assert_eq!(err.code(), "signature_mismatch", "{} ({provider})", v.name);
        }
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
        let signed = Signer::<Stripe>::new(secret).unwrap().sign_at(payload, t);
        assert_eq!(signed.get("stripe-signature"), Some(header));
        let headers = [("Stripe-Signature", header)];
        let verifier = Verifier::<Stripe>::new(secret).unwrap();
        verifier
            .verify_at(&headers, payload, t)
            .unwrap_or_else(|e| panic!("{secret}: {e}"));
        let other = if secret == "secret" {
            "secreT"
        } else {
            "secret"
        };
        let err = Verifier::<Stripe>::new(other)
            .unwrap()
            .verify_at(&headers, payload, t);
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
    let verified = Verifier::<Stripe>::new("webhook_secret")
        .unwrap()
        .verify_at(&[("stripe-signature", header)], body, 1_533_204_620)
        .unwrap();
    assert_eq!(verified.timestamp(), Some(1_533_204_620));
}

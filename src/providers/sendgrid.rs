//! SendGrid's Event Webhook (Twilio SendGrid): how it signs, how it
//! delivers, and its events.
//!
//! Each delivery is a batch: a JSON array of events (`processed`,
//! `delivered`, `open`, `click`, `bounce`, …), each with its own
//! `sg_event_id`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, hours};
use crate::scheme::{Algorithm, BodyShape, DeliveryId, Encoding, Part, Scheme, SecretFormat};

/// SendGrid's signed Event Webhook:
/// `X-Twilio-Email-Event-Webhook-Signature: <base64>`, the DER ECDSA P-256
/// signature with SHA-256 of
/// `"{X-Twilio-Email-Event-Webhook-Timestamp}{body}"` (nothing between;
/// the body as sent, its final `\r\n` included), under the verification
/// key SendGrid shows when signing is turned on: the base64 DER of a P-256
/// public key, without PEM lines (feature `p256`). Events: a batch of
/// [`SendGridEvent`].
///
/// SendGrid documents no window for its signed timestamp, and its SDK
/// checks none; the preset bounds it to the crate's 300 s, past or future.
/// A batch carries many events and no id of its own, so duplicates are
/// recognised by the body's SHA-256: a redelivered batch is caught whatever
/// time it was signed at. Deduplicate single events by their
/// `sg_event_id`, as SendGrid recommends, where batches may overlap.
///
/// ```
/// use signed_webhooks::{SendGrid, Signer, Verifier};
///
/// let public_key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEK6eAK36Mn4GX/c/85Bk19kwx5J7PM2gRYWTybKxFdauwqLx2gKGZbDQL8mlNGiCw6Rn+eNWiSjSwAMR3pchKiQ==";
/// // The matching private key (PKCS#8, base64 DER), for tests.
/// let private_key = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0rZepRAdVRkDQ7EK1JJI0yzI4VUFuDTpkesfv+sIDoqhRANCAAQrp4ArfoyfgZf9z/zkGTX2TDHkns8zaBFhZPJsrEV1q7CovHaAoZlsNAvyaU0aILDpGf541aJKNLAAxHelyEqJ";
/// let body = b"[{\"email\":\"zoe@example.com\",\"timestamp\":1789999959,\"event\":\"processed\",\"sg_event_id\":\"rbtnWrG1DVDGGGFHFyun0A==\"}]\r\n";
/// let headers = Signer::<SendGrid>::new(private_key)?.sign_at(body, 1_790_000_000);
/// Verifier::<SendGrid>::new(public_key)?.verify_at(&headers, body, 1_790_000_001)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SendGrid;

impl Provider for SendGrid {
    const NAME: &'static str = "sendgrid";
    type Event = Vec<SendGridEvent>;
    fn scheme() -> Scheme {
        Scheme::body("x-twilio-email-event-webhook-signature")
            .with_algorithm(Algorithm::EcdsaP256Sha256)
            .with_encoding(Encoding::Base64)
            .with_secret_format(SecretFormat::Der)
            .with_timestamp_header("x-twilio-email-event-webhook-timestamp")
            // Digits run into the body: it must be a JSON array (or object).
            .with_signed_content([Part::Timestamp, Part::Body])
            .with_body_shape(BodyShape::JsonContainer)
            .with_delivery_id(DeliveryId::Body)
    }
    const RETRIES: Retries = Retries::Within {
        span: hours(24),
        source: "SendGrid's docs, \"Troubleshooting the Event Webhook\": any answer but a 2xx is \
                 retried at increasing intervals for up to 24 hours after the event occurs",
    };
}

/// One event of a SendGrid batch: `{ "email", "timestamp", "event",
/// "sg_event_id", "sg_message_id", … }`. Fields this crate does not model
/// (`category`, `url`, `reason`, `smtp-id`, custom arguments, …) are kept
/// in [`extra`](Self::extra); an event type SendGrid adds later decodes
/// like any other.
///
/// ```
/// use signed_webhooks::{decode_event, SendGridEvent};
///
/// let body = br#"[{"email":"zoe@example.com","timestamp":1789999979,"event":"delivered",
///     "sg_event_id":"rWVYmVk90MjZJ9iohOBa3w==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001",
///     "response":"250 OK"}]"#;
/// let events: Vec<SendGridEvent> = decode_event(body)?;
/// assert_eq!(events[0].event, "delivered");
/// assert_eq!(events[0].sg_event_id, "rWVYmVk90MjZJ9iohOBa3w==");
/// assert_eq!(events[0].extra["response"], "250 OK");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SendGridEvent {
    /// The recipient.
    #[serde(default)]
    pub email: String,
    /// What happened: `processed`, `delivered`, `open`, `click`, `bounce`,
    /// `dropped`, `deferred`, `spamreport`, `unsubscribe`, …
    pub event: String,
    /// The event's unique id (base64url), for deduplicating single events.
    #[serde(default)]
    pub sg_event_id: String,
    /// The message the event is about.
    #[serde(default)]
    pub sg_message_id: Option<String>,
    /// When the event happened, in Unix seconds.
    #[serde(default)]
    pub timestamp: i64,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

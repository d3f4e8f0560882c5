//! HubSpot: how it signs (v3), how it delivers, and its events.
//!
//! A HubSpot webhook request is a JSON array of events, each
//! `{ "eventId", "subscriptionId", "portalId", "appId", "occurredAt",
//! "subscriptionType", "attemptNumber", "objectId", … }`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::scheme::{BodyShape, Encoding, Part, Scheme, TimeFormat, UrlForm};

/// HubSpot, signature v3: `X-HubSpot-Signature-v3: <base64>`, the
/// HMAC-SHA256 of `method + URI + body + X-HubSpot-Request-Timestamp`
/// keyed with the app's client secret as shown; events [`HubSpotEvents`].
///
/// The URI is the whole URL HubSpot called (`https://host/path?query`), in
/// which HubSpot's documentation has `%3A %2F %3F %40 %21 %24 %27 %28 %29
/// %2A %2C %3B` decoded before signing; so does this verifier (HubSpot's
/// SDKs leave it to their caller). So a signature over `/p?x=1` also
/// verifies a request to `/p%3Fx=1`, whose path differs: route on what
/// was signed, or pin the URL with
/// [`Verifier::at_public_url`](crate::Verifier::at_public_url). Its
/// verifier needs the public origin
/// HubSpot calls,
/// [`Verifier::at_public_origin`](crate::Verifier::at_public_origin), and
/// each request's method, path and query.
///
/// The signed timestamp is in Unix milliseconds, within 300 s of the
/// receiver's clock, past **or future** (HubSpot's docs: reject one "older
/// than 5 minutes"; its SDKs bound only the past). The older `v1` and `v2`
/// signatures sign no time and are never read.
///
/// Each retry carries a new timestamp and a new `attemptNumber`, so its
/// bytes differ: duplicates are recognised by the signed content, which
/// refuses a replay of the same request but not HubSpot's own retries,
/// nor a batch that repeats an event of another. Recognise events by
/// their `eventId` in the handler. The body must be a JSON array or
/// object, as HubSpot sends its webhooks: the signed `GET` of a CRM card,
/// with an empty body, is refused.
#[cfg_attr(docsrs, doc(cfg(feature = "base64")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct HubSpot;

impl Provider for HubSpot {
    const NAME: &'static str = "hubspot";
    type Event = HubSpotEvents;
    fn scheme() -> Scheme {
        Scheme::body("x-hubspot-signature-v3")
            .with_encoding(Encoding::Base64)
            .with_timestamp_header("x-hubspot-request-timestamp")
            .with_time_format(TimeFormat::UnixMillis)
            .with_signed_content([Part::Method, Part::Url, Part::Body, Part::Timestamp])
            .with_body_shape(BodyShape::JsonContainer)
            .with_url_form(UrlForm::HubSpotDecoded)
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "HubSpot's retry schedule for webhooks was not found in its stored docs \
                 (tests/vectors/facts/hubspot.md); each attempt is signed anew, with its \
                 attemptNumber",
    };
    /// Webhooks and workflow actions `POST`; a CRM card's data fetch is a
    /// `GET` with an empty body (the request-validation page signs `GET` +
    /// URI + `""`), which this preset's verifier refuses for its body;
    /// `hubspot.fetch()` from UI extensions calls with `GET`, `PUT`,
    /// `POST`, `DELETE` or `PATCH`, signed with the v3 headers
    /// (developers.hubspot.com, UI extensions, "Fetching data";
    /// tests/vectors/facts/hubspot.md).
    const METHODS: &'static [&'static str] = &["POST", "GET", "PUT", "PATCH", "DELETE"];
}

/// The events of one HubSpot webhook request, in the order sent.
///
/// ```
/// use signed_webhooks::{decode_event, HubSpotEvents};
///
/// let body = br#"[{"eventId":1839273829,"subscriptionId":2881778,"portalId":62515,"appId":1160452,
///     "occurredAt":1789999997123,"subscriptionType":"contact.propertyChange","attemptNumber":0,
///     "objectId":1246965,"propertyName":"email","propertyValue":"zoe@example.com"}]"#;
/// let events: HubSpotEvents = decode_event(body)?;
/// assert_eq!(events.len(), 1);
/// assert_eq!(events[0].event_id, 1839273829);
/// assert_eq!(events[0].subscription_type, "contact.propertyChange");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
pub type HubSpotEvents = Vec<HubSpotEvent>;

/// One HubSpot webhook event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HubSpotEvent {
    /// The event's id: recognise a redelivered event by it.
    pub event_id: u64,
    /// What happened, such as `contact.propertyChange` or `deal.creation`.
    pub subscription_type: String,
    /// The subscription that sent it.
    #[serde(default)]
    pub subscription_id: Option<u64>,
    /// The HubSpot account (portal) the event is from.
    #[serde(default)]
    pub portal_id: Option<u64>,
    /// The app the subscription belongs to.
    #[serde(default)]
    pub app_id: Option<u64>,
    /// When the event happened, in Unix milliseconds.
    #[serde(default)]
    pub occurred_at: Option<i64>,
    /// Which attempt this is, from 0.
    #[serde(default)]
    pub attempt_number: Option<u32>,
    /// The object the event is about.
    #[serde(default)]
    pub object_id: Option<u64>,
    /// Fields this crate does not model (`propertyName`, `propertyValue`,
    /// `changeSource`, …), kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

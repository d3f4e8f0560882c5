//! The webhook extractors' types and their rejection, shared by the axum
//! and actix-web adapters, and the steps both take: verify the headers,
//! read the body, verify it, claim the delivery.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

use crate::dedup::DeliveryKey;
use crate::dedup::StoreError;
use crate::dedup::slot::{Admission, ClaimSlot};
use crate::error::Error;
use crate::headers::Headers;
use crate::providers::{Provider, Retries, WebhookEvent};
use crate::scheme::DeliveryId;
use crate::target::RequestTarget;
use crate::time::unix_now;
use crate::verify::{Parsed, Verified, Verifier};

/// A verified delivery from provider `P`, decoded into `E` (the provider's
/// event type unless you name another): the extractor a webhook handler
/// takes.
///
/// ```
/// # #[cfg(feature = "axum")] mod axum_handler {
/// use http::StatusCode;
/// use signed_webhooks::Stripe;
/// use signed_webhooks::axum::Webhook; // or signed_webhooks::actix::Webhook
///
/// async fn stripe(webhook: Webhook<Stripe>) -> StatusCode {
///     println!("{} {}", webhook.id(), webhook.event_type()); // the event, through Deref
///     StatusCode::OK
/// }
/// # }
/// ```
///
/// Before the handler runs, the extractor has checked the signature headers
/// and the signed time, read the body within the framework's limit,
/// checked the signature against it and decoded it. With duplicate
/// detection on, a delivery already processed never reaches the handler:
/// it is answered `200 {"duplicate":true}` (use [`Delivery`] to see
/// duplicates). Every refusal is a [`WebhookRejection`].
///
/// Only the extractor makes one: a `Webhook` is proof that the delivery
/// verified.
pub struct Webhook<P: Provider, E = <P as Provider>::Event> {
    /// The decoded event.
    pub event: E,
    /// What the verification established: which secret matched, the
    /// signed time.
    pub verified: Verified,
    key: Option<DeliveryKey>,
    provider: PhantomData<fn() -> P>,
}

impl<P: Provider, E> Webhook<P, E> {
    /// The event.
    pub fn into_inner(self) -> E {
        self.event
    }

    /// What names the delivery for duplicate detection
    /// ([`DeliveryKey`]: `stripe:id:evt_1`, `github:sha256:<hex>`), when it
    /// is on, or when the provider signs an id header (Standard Webhooks'
    /// `webhook-id`); `None` otherwise.
    pub fn delivery_key(&self) -> Option<&str> {
        self.key.as_ref().map(DeliveryKey::as_str)
    }
}

impl<P: Provider, E> Deref for Webhook<P, E> {
    type Target = E;

    fn deref(&self) -> &E {
        &self.event
    }
}

impl<P: Provider, E> DerefMut for Webhook<P, E> {
    fn deref_mut(&mut self) -> &mut E {
        &mut self.event
    }
}

impl<P: Provider, E: fmt::Debug> fmt::Debug for Webhook<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("provider", &P::NAME)
            .field("event", &self.event)
            .field("verified", &self.verified)
            .finish()
    }
}

impl<P: Provider, E: Clone> Clone for Webhook<P, E> {
    fn clone(&self) -> Self {
        Webhook {
            event: self.event.clone(),
            verified: self.verified,
            key: self.key.clone(),
            provider: PhantomData,
        }
    }
}

/// A verified delivery from provider `P`, as its raw body: for receivers
/// that store deliveries as received, or decode them themselves.
///
/// Checked as [`Webhook`] is, without decoding; with duplicate detection on
/// it is claimed by the same key (the body's id where the provider puts one
/// there, so the body is read for it).
pub struct WebhookBody<P: Provider> {
    /// The raw body, exactly as received and verified.
    pub body: Bytes,
    /// What the verification established.
    pub verified: Verified,
    key: Option<DeliveryKey>,
    provider: PhantomData<fn() -> P>,
}

impl<P: Provider> WebhookBody<P> {
    /// What names the delivery for duplicate detection, as
    /// [`Webhook::delivery_key`] says.
    pub fn delivery_key(&self) -> Option<&str> {
        self.key.as_ref().map(DeliveryKey::as_str)
    }
}

impl<P: Provider> Deref for WebhookBody<P> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.body
    }
}

impl<P: Provider> fmt::Debug for WebhookBody<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookBody")
            .field("provider", &P::NAME)
            .field("len", &self.body.len())
            .field("verified", &self.verified)
            .finish()
    }
}

impl<P: Provider> Clone for WebhookBody<P> {
    fn clone(&self) -> Self {
        WebhookBody {
            body: self.body.clone(),
            verified: self.verified,
            key: self.key.clone(),
            provider: PhantomData,
        }
    }
}

/// A verified delivery that says whether it was processed before: for
/// handlers that want to see duplicates (to log them, say) instead of
/// having them answered for them. Without duplicate detection every
/// delivery is `First`.
pub enum Delivery<P: Provider, E = <P as Provider>::Event> {
    /// A first delivery, or a retry of one whose handler failed. The claim
    /// is completed if the handler answers 2xx, released otherwise.
    First(Webhook<P, E>),
    /// Already processed. Nothing is claimed, whatever the handler answers;
    /// answer 2xx so the provider stops retrying.
    Duplicate(Webhook<P, E>),
}

impl<P: Provider, E> Delivery<P, E> {
    /// The delivery, first or duplicate.
    pub fn into_inner(self) -> Webhook<P, E> {
        match self {
            Delivery::First(webhook) | Delivery::Duplicate(webhook) => webhook,
        }
    }

    /// The event, first delivery or duplicate.
    pub fn event(&self) -> &E {
        match self {
            Delivery::First(webhook) | Delivery::Duplicate(webhook) => &webhook.event,
        }
    }

    /// Whether the delivery was processed before.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Delivery::Duplicate(_))
    }
}

impl<P: Provider, E: fmt::Debug> fmt::Debug for Delivery<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Delivery::First(webhook) => f.debug_tuple("First").field(webhook).finish(),
            Delivery::Duplicate(webhook) => f.debug_tuple("Duplicate").field(webhook).finish(),
        }
    }
}

/// A verified delivery from provider `P`, decoded into `E`, claimed inside
/// a PostgreSQL transaction that the handler writes its effects in: the
/// record that the delivery is done commits with them, or not at all
/// (feature `postgres`, with a [`Deduplicator`] on a `PostgresStore`
/// around the route).
///
/// Write through [`tx`](WebhookTx::tx) and answer. On a 2xx the layer (or
/// middleware) commits the transaction, and if that commit fails it
/// answers 503 instead, so the provider retries; on any other answer, a
/// panic or a dropped request it is rolled back. Either way the handler's
/// writes in the transaction happen exactly once: a crash, a timeout or a
/// failed commit leaves neither them nor the done record, and the
/// provider's retry runs the handler again. A duplicate never reaches the
/// handler (`200 {"duplicate":true}`). What the handler does outside the
/// transaction (an email, another API) is not covered: do it after
/// [`commit`](WebhookTx::commit), or from a table the transaction wrote.
///
/// ```
/// # #[cfg(feature = "axum")] mod axum_handler {
/// use http::StatusCode;
/// use signed_webhooks::Stripe;
/// use signed_webhooks::axum::WebhookTx; // or signed_webhooks::actix::WebhookTx
///
/// async fn stripe(mut webhook: WebhookTx<Stripe>) -> Result<StatusCode, StatusCode> {
///     let (event, tx) = webhook.split();
///     sqlx::query("INSERT INTO invoices_paid (event, invoice) VALUES ($1, $2)")
///         .bind(event.id())
///         .bind(event.object_id())
///         .execute(tx)
///         .await
///         .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
///     Ok(StatusCode::OK) // the layer commits the row and the delivery together
/// }
/// # }
/// ```
///
/// [`Deduplicator`]: crate::dedup::Deduplicator
#[cfg(feature = "postgres")]
pub struct WebhookTx<P: Provider, E = <P as Provider>::Event> {
    /// The decoded event.
    pub event: E,
    /// What the verification established.
    pub verified: Verified,
    key: Option<DeliveryKey>,
    /// `Some` until the value is dropped or committed.
    transaction: Option<sqlx::Transaction<'static, sqlx::Postgres>>,
    slot: ClaimSlot,
    provider: PhantomData<fn() -> P>,
}

#[cfg(feature = "postgres")]
impl<P: Provider, E> WebhookTx<P, E> {
    /// The transaction the delivery is claimed in, to write the handler's
    /// effects in: `query.execute(event.tx())`.
    pub fn tx(&mut self) -> &mut sqlx::PgConnection {
        self.transaction
            .as_deref_mut()
            .expect("the transaction is there until the value is dropped or committed")
    }

    /// The event and the transaction at once, to write what the event
    /// says: `let (event, tx) = webhook.split();`.
    pub fn split(&mut self) -> (&E, &mut sqlx::PgConnection) {
        let transaction = self
            .transaction
            .as_deref_mut()
            .expect("the transaction is there until the value is dropped or committed");
        (&self.event, transaction)
    }

    /// Commits now, the handler's writes and the done record together, for
    /// a handler that has work to do only once they are committed (an
    /// email, a call to another service). Otherwise the layer commits on a
    /// 2xx.
    ///
    /// # Errors
    ///
    /// The database's: nothing was committed, so answer 5xx and the
    /// provider retries.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        match self.transaction.take() {
            Some(transaction) => transaction.commit().await,
            None => Ok(()),
        }
    }

    /// What names the delivery for duplicate detection ([`DeliveryKey`]);
    /// `None` for a provider whose deliveries have none
    /// ([`DeliveryId::Unkeyed`]: Dropbox), whose transaction holds the
    /// handler's writes alone.
    pub fn delivery_key(&self) -> Option<&str> {
        self.key.as_ref().map(DeliveryKey::as_str)
    }
}

#[cfg(feature = "postgres")]
impl<P: Provider, E> Drop for WebhookTx<P, E> {
    /// Hands the transaction back to the layer, which commits it on a 2xx.
    fn drop(&mut self) {
        if let Some(transaction) = self.transaction.take() {
            self.slot.park(transaction);
        }
    }
}

#[cfg(feature = "postgres")]
impl<P: Provider, E> Deref for WebhookTx<P, E> {
    type Target = E;

    fn deref(&self) -> &E {
        &self.event
    }
}

#[cfg(feature = "postgres")]
impl<P: Provider, E> DerefMut for WebhookTx<P, E> {
    fn deref_mut(&mut self) -> &mut E {
        &mut self.event
    }
}

#[cfg(feature = "postgres")]
impl<P: Provider, E: fmt::Debug> fmt::Debug for WebhookTx<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookTx")
            .field("provider", &P::NAME)
            .field("event", &self.event)
            .field("verified", &self.verified)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// Why a webhook extractor did not hand a request to its handler, and the
/// answer it gets instead.
///
/// It answers (axum `IntoResponse`, actix-web `ResponseError`) with
/// [`status`](WebhookRejection::status) and the JSON body
/// `{"error":{"code":"signature_mismatch","message":"…"}}`, where the
/// message is one fixed sentence per code: whoever sent the request,
/// usually a stranger, learns nothing about the receiver. The details go to
/// the operator's log (through `tracing`) with the request's method and
/// path. 409 and 503 carry `Retry-After`.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// Not a valid signed delivery of this provider: a missing or malformed
    /// header (400), a stale timestamp or a signature that does not match
    /// (401), or a signed body that is not the provider's event (422).
    Invalid(Error),
    /// The body is larger than the framework's limit (413): axum's
    /// `DefaultBodyLimit` (2 MiB unless set), actix-web's `PayloadConfig`
    /// (256 KiB unless set).
    #[non_exhaustive]
    BodyTooLarge {
        /// The limit in bytes, when the framework makes it known.
        limit: Option<usize>,
    },
    /// The body could not be read: the client went away mid-upload, or the
    /// transport failed (400).
    BodyRead(Box<dyn std::error::Error + Send + Sync>),
    /// Another request is processing the same delivery right now (409,
    /// with `Retry-After`): the provider retries, and by then the first
    /// attempt has finished or failed. Not a 5xx: it is normal operation.
    #[non_exhaustive]
    InFlight {
        /// When a retry is worth trying.
        retry_after: Duration,
    },
    /// The duplicate store is unavailable or full (503, with
    /// `Retry-After`): the delivery was not processed, and the provider
    /// retries it.
    Store(StoreError),
    /// The extractor found no `Verifier<P>` where it looks (actix-web's app
    /// data): the receiver itself is misconfigured (500).
    #[non_exhaustive]
    NotConfigured {
        /// The provider whose verifier is missing.
        provider: &'static str,
    },
    /// A transactional extractor (`WebhookTx`) found no [`Deduplicator`]
    /// on a `PostgresStore` around its route to claim in: the receiver is
    /// misconfigured (500).
    ///
    /// [`Deduplicator`]: crate::dedup::Deduplicator
    #[non_exhaustive]
    NotTransactional {
        /// The provider of the route.
        provider: &'static str,
    },
    /// A provider checking the endpoint ([`Handshake`](crate::Handshake):
    /// Slack's `url_verification`, Zoom's `endpoint.url_validation`, …),
    /// signed like its deliveries: answered 200 with what it expects. Not
    /// an error, and never handed to the handler.
    Handshake(crate::HandshakeAnswer),
    /// A `GET` routed to the webhook handler of a provider with an
    /// unsigned endpoint check ([`EndpointCheck`](crate::EndpointCheck)):
    /// the check answered (as [`Handshake`](Self::Handshake)), or why not:
    /// 400 for a query that is not exactly the check's or a challenge not
    /// to echo, 403 for a verify token refused (or none configured: the
    /// log says what to set). Never handed to the handler.
    EndpointCheck(crate::EndpointCheckError),
    /// A request whose method the provider never delivers with
    /// ([`Provider::METHODS`]) and that is not its endpoint check either: a
    /// `PUT` to Stripe's endpoint, a `GET` to Square's (405, with an
    /// `Allow` header naming the methods the endpoint answers:
    /// [`allow`](Self::allow)). Refused before the body is read; never
    /// handed to the handler.
    #[non_exhaustive]
    MethodNotAllowed {
        /// The provider.
        provider: &'static str,
        /// The methods it delivers with, [`Provider::METHODS`].
        methods: &'static [&'static str],
        /// Whether it checks its endpoint with a `GET`
        /// ([`Provider::ENDPOINT_CHECK`]), which the endpoint answers too.
        endpoint_check: bool,
    },
    /// A delivery already processed, answered `200 {"duplicate":true}` with
    /// `Webhook-Duplicate: true` so the provider stops retrying. Not an
    /// error: [`Webhook`] and [`WebhookBody`] answer duplicates this way;
    /// [`Delivery`] hands them to the handler instead.
    Duplicate,
}

/// The endpoint of a delivery that reached an extractor outside any route
/// (a fallback service): one endpoint for them all.
pub(crate) const UNROUTED: &str = "*";

/// The header marking a duplicate's 200 answer.
pub(crate) const DUPLICATE_HEADER: &str = "webhook-duplicate";

impl WebhookRejection {
    /// The HTTP status it answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Invalid(error) => error.status_code(),
            WebhookRejection::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookRejection::BodyRead(_) => StatusCode::BAD_REQUEST,
            WebhookRejection::InFlight { .. } => StatusCode::CONFLICT,
            WebhookRejection::Store(StoreError::NameConflict { .. }) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            WebhookRejection::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebhookRejection::NotConfigured { .. } | WebhookRejection::NotTransactional { .. } => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            WebhookRejection::Duplicate | WebhookRejection::Handshake(_) => StatusCode::OK,
            WebhookRejection::EndpointCheck(error) => error.status(),
            WebhookRejection::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    /// A short, stable, machine-readable name, the `code` of the JSON body
    /// (`"signature_mismatch"`, `"body_too_large"`, …; `"duplicate"`).
    pub fn code(&self) -> &'static str {
        match self {
            WebhookRejection::Invalid(error) => error.code(),
            WebhookRejection::BodyTooLarge { .. } => "body_too_large",
            WebhookRejection::BodyRead(_) => "body_read_failed",
            WebhookRejection::InFlight { .. } => "delivery_in_progress",
            WebhookRejection::Store(StoreError::Full { .. }) => "dedup_store_full",
            WebhookRejection::Store(StoreError::NameConflict { .. }) => "dedup_misconfigured",
            WebhookRejection::Store(_) => "dedup_store_unavailable",
            WebhookRejection::NotConfigured { .. } => "verifier_not_configured",
            WebhookRejection::NotTransactional { .. } => "dedup_misconfigured",
            WebhookRejection::Duplicate => "duplicate",
            WebhookRejection::Handshake(_) => "handshake",
            WebhookRejection::EndpointCheck(error) => error.code(),
            WebhookRejection::MethodNotAllowed { .. } => "method_not_allowed",
        }
    }

    /// The fixed sentence the sender is told (see [`Error::public_message`]).
    pub fn public_message(&self) -> &'static str {
        match self {
            WebhookRejection::Invalid(error) => error.public_message(),
            WebhookRejection::BodyTooLarge { .. } => "the request body is too large",
            WebhookRejection::BodyRead(_) => "the request body could not be read",
            WebhookRejection::InFlight { .. } => "this delivery is being processed: retry later",
            WebhookRejection::Store(StoreError::NameConflict { .. }) => {
                "the receiver is misconfigured"
            }
            WebhookRejection::Store(_) => {
                "the receiver cannot record deliveries right now: retry later"
            }
            WebhookRejection::NotConfigured { .. } | WebhookRejection::NotTransactional { .. } => {
                "the receiver is misconfigured"
            }
            WebhookRejection::Duplicate => "this delivery was processed already",
            WebhookRejection::Handshake(_) => "the endpoint answers the provider's check",
            WebhookRejection::EndpointCheck(error) => error.public_message(),
            WebhookRejection::MethodNotAllowed { .. } => {
                "this endpoint does not accept this method"
            }
        }
    }

    /// How long the sender should wait before retrying, for refusals that
    /// are temporary (`Retry-After` of the 409 and 503 answers).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            // Whole seconds, rounded up: a retry sooner would find the
            // claim still held.
            WebhookRejection::InFlight { retry_after } => Some(Duration::from_secs(
                retry_after
                    .as_secs()
                    .saturating_add(u64::from(retry_after.subsec_nanos() > 0))
                    .max(1),
            )),
            WebhookRejection::Store(StoreError::NameConflict { .. }) => None,
            WebhookRejection::Store(_) => Some(Duration::from_secs(5)),
            _ => None,
        }
    }

    /// The `Allow` header of a 405 answer: the methods the endpoint
    /// answers, comma-separated (`POST, GET`); `None` for other refusals.
    pub fn allow(&self) -> Option<String> {
        match self {
            WebhookRejection::MethodNotAllowed {
                methods,
                endpoint_check,
                ..
            } => {
                let mut allow = methods.join(", ");
                if *endpoint_check && !methods.contains(&"GET") {
                    if !allow.is_empty() {
                        allow.push_str(", ");
                    }
                    allow.push_str("GET");
                }
                Some(allow)
            }
            // What a receiver answering the verifier's own endpoint-check
            // error says: the methods the provider delivers with.
            WebhookRejection::EndpointCheck(crate::EndpointCheckError::NoCheck {
                methods, ..
            }) => Some(methods.join(", ")),
            _ => None,
        }
    }

    /// The content type answered: the handshake's, JSON otherwise.
    pub(crate) fn content_type(&self) -> &'static str {
        match self {
            WebhookRejection::Handshake(answer) => answer.content_type,
            _ => "application/json",
        }
    }

    /// The JSON body answered (a handshake's own).
    pub(crate) fn body(&self) -> Vec<u8> {
        let body = match self {
            WebhookRejection::Duplicate => serde_json::json!({ "duplicate": true }),
            WebhookRejection::Handshake(answer) => return answer.body.clone(),
            _ => serde_json::json!({
                "error": { "code": self.code(), "message": self.public_message() }
            }),
        };
        body.to_string().into_bytes()
    }
}

impl From<Error> for WebhookRejection {
    fn from(error: Error) -> Self {
        WebhookRejection::Invalid(error)
    }
}

impl From<StoreError> for WebhookRejection {
    fn from(error: StoreError) -> Self {
        WebhookRejection::Store(error)
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookRejection::Invalid(error) => error.fmt(f),
            WebhookRejection::BodyTooLarge { limit: Some(limit) } => write!(
                f,
                "request body is larger than the receiver's {limit}-byte limit; raise the \
                 framework's body limit (axum `DefaultBodyLimit`, actix-web `PayloadConfig`) if \
                 such deliveries are legitimate"
            ),
            WebhookRejection::BodyTooLarge { limit: None } => f.write_str(
                "request body is larger than the receiver's limit; raise the framework's body \
                 limit (axum `DefaultBodyLimit`, actix-web `PayloadConfig`) if such deliveries \
                 are legitimate",
            ),
            WebhookRejection::BodyRead(cause) => {
                write!(f, "request body could not be read: {cause}")
            }
            WebhookRejection::InFlight { retry_after } => write!(
                f,
                "this delivery is being processed by another request; retry after {}s",
                retry_after.as_secs().max(1)
            ),
            WebhookRejection::Store(error) => error.fmt(f),
            WebhookRejection::NotConfigured { provider } => write!(
                f,
                "no Verifier<{provider}> is configured where the extractor looks (a server setup \
                 error)"
            ),
            WebhookRejection::NotTransactional { provider } => write!(
                f,
                "the {provider} route takes WebhookTx, which claims deliveries in a PostgreSQL \
                 transaction: wrap the route in a Deduplicator on a PostgresStore (a server setup \
                 error)"
            ),
            WebhookRejection::Duplicate => f.write_str("duplicate of a delivery already processed"),
            WebhookRejection::Handshake(_) => {
                f.write_str("the provider's endpoint check, answered")
            }
            WebhookRejection::EndpointCheck(error) => error.fmt(f),
            WebhookRejection::MethodNotAllowed {
                provider, methods, ..
            } => write!(
                f,
                "{provider} never delivers with this method (it calls with {}), and it is not \
                 {provider}'s endpoint check",
                methods.join(", ")
            ),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookRejection::Invalid(error) => Some(error),
            WebhookRejection::BodyRead(cause) => Some(&**cause),
            WebhookRejection::Store(error) => Some(error),
            WebhookRejection::EndpointCheck(error) => Some(error),
            _ => None,
        }
    }
}

/// Logs a refusal for the operator: the request's method and path, the
/// code, the status and the whole error with its causes. Server-side
/// faults (5xx) are errors, refusals of the request warnings, duplicates
/// informational; so is the refusal of a delivery that verified, from a
/// provider that never retries (`retries`): it is lost.
pub(crate) fn log_refusal(
    method: &dyn fmt::Display,
    path: &str,
    rejection: &WebhookRejection,
    retries: Retries,
) {
    let status = rejection.status().as_u16();
    let code = rejection.code();
    if let WebhookRejection::Duplicate | WebhookRejection::Handshake(_) = rejection {
        tracing::info!(target: "signed_webhooks", %method, path, code, status, "{rejection}: answered 200");
        return;
    }
    let mut detail = rejection.to_string();
    let mut cause = std::error::Error::source(rejection);
    // Some errors write their cause into their own text and also return it
    // as their source: a cause is added only where its text is not in yet.
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !detail.contains(&text) {
            detail.push_str(": ");
            detail.push_str(&text);
        }
        cause = inner.source();
    }
    // A signed body that does not decode, or a store refusing a verified
    // delivery: the provider really sent it.
    let verified = matches!(
        rejection,
        WebhookRejection::Invalid(Error::Decode(_)) | WebhookRejection::Store(_)
    );
    if verified && retries.is_never() {
        tracing::error!(
            target: "signed_webhooks", %method, path, code, status,
            "webhook refused: {detail}; this delivery is lost unless it is redelivered by hand, \
             since its provider never retries ({})",
            retries.source()
        );
    } else if verified && let Retries::Unknown { source } = retries {
        tracing::error!(
            target: "signed_webhooks", %method, path, code, status,
            "webhook refused: {detail}; this delivery is lost if its provider does not retry, \
             which it does not say ({source})"
        );
    } else if rejection.status().is_server_error()
        || matches!(
            rejection,
            WebhookRejection::EndpointCheck(crate::EndpointCheckError::NoVerifyToken { .. })
        )
    {
        // A server fault, or a receiver not configured for its provider's
        // check: the operator has something to fix.
        tracing::error!(target: "signed_webhooks", %method, path, code, status, "webhook refused: {detail}");
    } else {
        tracing::warn!(target: "signed_webhooks", %method, path, code, status, "webhook refused: {detail}");
    }
}

/// What a request routed to provider `P`'s webhook handler is answered
/// for its method, before anything else is read: `None` when it goes on to
/// be verified like any delivery (its method is one of [`Provider::METHODS`]);
/// else, for a `GET` (or a `HEAD`, which axum routes to
/// a `get` handler) to a provider with an unsigned endpoint check
/// ([`Provider::ENDPOINT_CHECK`], which comes first), the check answered or
/// refused; else 405 ([`WebhookRejection::MethodNotAllowed`]). Nothing of
/// such a request ever reaches the handler.
pub(crate) fn unexpected_method<P: Provider>(
    verifier: &Verifier<P>,
    method: &str,
    query: Option<&str>,
) -> Option<WebhookRejection> {
    if matches!(method, "GET" | "HEAD") && P::ENDPOINT_CHECK.is_some() {
        return Some(match verifier.answer_endpoint_check(query) {
            Ok(answer) => WebhookRejection::Handshake(answer),
            Err(error) => WebhookRejection::EndpointCheck(error),
        });
    }
    if P::METHODS.contains(&method) {
        return None;
    }
    Some(WebhookRejection::method_not_allowed::<P>())
}

impl WebhookRejection {
    /// The refusal of a method `P` never delivers with.
    pub(crate) fn method_not_allowed<P: Provider>() -> Self {
        WebhookRejection::MethodNotAllowed {
            provider: P::NAME,
            methods: P::METHODS,
            endpoint_check: P::ENDPOINT_CHECK.is_some(),
        }
    }
}

/// A delivery that verified, with its key in the duplicate store when one
/// is in use.
pub(crate) struct Received {
    pub(crate) body: Bytes,
    pub(crate) verified: Verified,
    key: Option<DeliveryKey>,
}

/// The steps every extractor takes, up to a verified delivery: the
/// headers are parsed and the signed time checked before a byte of the body
/// is read (a request that can never pass is refused without buffering
/// anything), then the body is read and the signature checked against it.
///
/// Webhook bodies are small and usually arrive with their headers. So in
/// the poll that starts the extraction, the body is polled once right after
/// the headers are checked: if it is in already, it is verified then and
/// there, against the same parse and the same reading of the clock (no
/// time has passed). Only a body still coming is awaited; the parse is not
/// kept meanwhile (it would add over 300 bytes to every extractor's future,
/// which is allocated and moved for each request), and once the body is
/// in, the headers are parsed again and the signed time checked against
/// the clock of that moment: a body held back past the window must not
/// pass on the strength of the first check.
///
/// The duplicate-store key is worked out when `slot` says a store is in
/// use.
pub(crate) async fn receive<P, H, F>(
    verifier: &Verifier<P>,
    target: &RequestTarget<'_>,
    headers: &H,
    slot: Option<&ClaimSlot>,
    mut body: Pin<&mut F>,
) -> Result<Received, WebhookRejection>
where
    P: Provider,
    H: Headers + ?Sized,
    F: Future<Output = Result<Bytes, WebhookRejection>>,
{
    // Never pending: it only lends the closure the poll's context.
    let at_once = std::future::poll_fn(|cx| {
        let mut parsed = Parsed::EMPTY;
        let mut first = || {
            let now = parse_and_check(verifier, target, headers, &mut parsed)?;
            match body.as_mut().poll(cx) {
                Poll::Ready(body) => verified(verifier, &parsed, body?, now, slot).map(Some),
                Poll::Pending => Ok(None),
            }
        };
        Poll::Ready(first())
    })
    .await?;
    if let Some(received) = at_once {
        return Ok(received);
    }
    let body = body.await?;
    let mut parsed = Parsed::EMPTY;
    let now = parse_and_check(verifier, target, headers, &mut parsed)?;
    verified(verifier, &parsed, body, now, slot)
}

/// Parses the headers into `parsed` and checks the signed time against the
/// clock, which it returns.
fn parse_and_check<'h, P, H>(
    verifier: &Verifier<P>,
    target: &RequestTarget<'h>,
    headers: &'h H,
    parsed: &mut Parsed<'h>,
) -> Result<i64, Error>
where
    P: Provider,
    H: Headers + ?Sized,
{
    verifier.parse_into(headers, parsed)?;
    verifier.parse_target_into(target, parsed)?;
    let now = unix_now();
    verifier.check_signed_time(parsed, now)?;
    Ok(now)
}

/// Checks the signature against the body (the signed time has been checked
/// against `now`), and works out the duplicate-store key.
fn verified<P: Provider>(
    verifier: &Verifier<P>,
    parsed: &Parsed<'_>,
    body: Bytes,
    now: i64,
    slot: Option<&ClaimSlot>,
) -> Result<Received, WebhookRejection> {
    let (verified, fields) = verifier.verify_parsed_fields(parsed, &body, now)?;
    if let Some(handshake) = P::handshake(&body)? {
        return Err(WebhookRejection::Handshake(
            verifier.answer_handshake(&verified, &handshake),
        ));
    }
    // Wanted for a claim; free when the key is a signed id header, so then
    // it is always there for the handler (Standard Webhooks' event id).
    let key = if slot.is_some() || verifier.scheme().delivery_id == DeliveryId::IdHeader {
        verifier.delivery_key_of(parsed, &body, &verified, &fields)?
    } else {
        None
    };
    Ok(Received {
        body,
        verified,
        key,
    })
}

/// A verified delivery ready for its handler, or its claim in the
/// duplicate store to await first.
///
/// Without duplicate detection there is nothing to await, and the delivery
/// is handed over as is. With it, the claim's future (large, and holding
/// the decoded event while it waits) is in a box of its own: either way
/// the extractor's future, allocated and moved for every request, stays
/// small.
pub(crate) enum Claimed<T, F> {
    Ready(T),
    Pending(Pin<Box<F>>),
}

impl Received {
    /// Decodes the event (before anything is claimed: a body that does not
    /// decode claims nothing), then claims the delivery at `endpoint`.
    // The claim's type is a future's: it has no name to alias.
    #[allow(clippy::type_complexity)]
    pub(crate) fn into_delivery<'s, P: Provider, E: WebhookEvent + 's>(
        self,
        headers: &(dyn Headers + Sync),
        slot: Option<&'s ClaimSlot>,
        endpoint: &'s str,
    ) -> Result<
        Claimed<
            Delivery<P, E>,
            impl Future<Output = Result<Delivery<P, E>, WebhookRejection>> + 's,
        >,
        WebhookRejection,
    > {
        let event = E::decode(&self.body, headers)?;
        let webhook = Webhook {
            event,
            verified: self.verified,
            key: self.key,
            provider: PhantomData,
        };
        Ok(match (slot, webhook.key.is_some()) {
            (Some(slot), true) => Claimed::Pending(Box::pin(async move {
                let admitted = match &webhook.key {
                    Some(key) => admit(slot, endpoint, key).await?,
                    None => true,
                };
                Ok(if admitted {
                    Delivery::First(webhook)
                } else {
                    Delivery::Duplicate(webhook)
                })
            })),
            (Some(slot), false) => {
                slot.note_unclaimed::<P>();
                Claimed::Ready(Delivery::First(webhook))
            }
            (None, _) => Claimed::Ready(Delivery::First(webhook)),
        })
    }

    /// Claims the delivery at `endpoint` and keeps it raw; a duplicate is
    /// refused.
    pub(crate) fn into_body<'s, P: Provider>(
        self,
        slot: Option<&'s ClaimSlot>,
        endpoint: &'s str,
    ) -> Claimed<WebhookBody<P>, impl Future<Output = Result<WebhookBody<P>, WebhookRejection>> + 's>
    {
        let body = WebhookBody {
            body: self.body,
            verified: self.verified,
            key: self.key,
            provider: PhantomData,
        };
        match (slot, body.key.is_some()) {
            (Some(slot), true) => Claimed::Pending(Box::pin(async move {
                let admitted = match &body.key {
                    Some(key) => admit(slot, endpoint, key).await?,
                    None => true,
                };
                if admitted {
                    Ok(body)
                } else {
                    Err(WebhookRejection::Duplicate)
                }
            })),
            (Some(slot), false) => {
                slot.note_unclaimed::<P>();
                Claimed::Ready(body)
            }
            (None, _) => Claimed::Ready(body),
        }
    }
}

#[cfg(feature = "postgres")]
impl Received {
    /// Decodes the event, then claims the delivery at `endpoint` in a
    /// transaction of the slot's PostgreSQL store.
    pub(crate) async fn into_transactional<P: Provider, E: WebhookEvent>(
        self,
        headers: &(dyn Headers + Sync),
        slot: Option<&ClaimSlot>,
        endpoint: &str,
    ) -> Result<WebhookTx<P, E>, WebhookRejection> {
        use crate::dedup::slot::TransactionAdmission;
        let Some(slot) = slot.filter(|slot| slot.is_transactional()) else {
            return Err(WebhookRejection::NotTransactional { provider: P::NAME });
        };
        let event = E::decode(&self.body, headers)?;
        let admission = match &self.key {
            Some(key) => slot.admit_in_transaction(endpoint, key).await?,
            // Nothing to claim (`DeliveryId::Unkeyed`): the transaction
            // holds the handler's writes alone.
            None => {
                let transaction = slot.begin_unclaimed().await?;
                slot.note_unclaimed::<P>();
                TransactionAdmission::First(transaction)
            }
        };
        match admission {
            TransactionAdmission::First(transaction) => Ok(WebhookTx {
                event,
                verified: self.verified,
                key: self.key,
                transaction: Some(transaction),
                slot: slot.clone(),
                provider: PhantomData,
            }),
            TransactionAdmission::Other(Admission::Duplicate) => Err(WebhookRejection::Duplicate),
            TransactionAdmission::Other(Admission::InFlight(retry_after)) => {
                Err(WebhookRejection::InFlight { retry_after })
            }
            TransactionAdmission::Other(Admission::Stale(error)) => {
                Err(WebhookRejection::Invalid(error))
            }
            TransactionAdmission::Other(Admission::First) => {
                Err(WebhookRejection::NotTransactional { provider: P::NAME })
            }
        }
    }
}

/// Claims a delivery: whether it is a first delivery (`false`: a
/// duplicate), or why it is refused.
async fn admit(
    slot: &ClaimSlot,
    endpoint: &str,
    key: &DeliveryKey,
) -> Result<bool, WebhookRejection> {
    match slot.admit(endpoint, key).await? {
        Admission::First => Ok(true),
        Admission::Duplicate => Ok(false),
        Admission::InFlight(retry_after) => Err(WebhookRejection::InFlight { retry_after }),
        // The window closed between the time check and the claim: the
        // verifier would refuse the request now.
        Admission::Stale(error) => Err(WebhookRejection::Invalid(error)),
    }
}

/// A duplicate answered for the handler, for the extractors that do not
/// hand duplicates over.
pub(crate) fn first<P: Provider, E>(
    delivery: Delivery<P, E>,
) -> Result<Webhook<P, E>, WebhookRejection> {
    match delivery {
        Delivery::First(webhook) => Ok(webhook),
        Delivery::Duplicate(_) => Err(WebhookRejection::Duplicate),
    }
}

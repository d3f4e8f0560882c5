//! Verification of a buffered `http` 1.x request, for hyper, tower,
//! `lambda_http` and any stack built on them.

use http::Request;

use crate::error::Error;
use crate::providers::{Provider, WebhookEvent};
use crate::target::RequestTarget;
use crate::verify::{Verified, Verifier};

impl<P: Provider> Verifier<P> {
    /// Verifies a buffered `http::Request`, against the system clock: its
    /// headers and its body, as [`Verifier::verify`].
    ///
    /// ```
    /// use signed_webhooks::{Signer, Unleeshed, Verifier};
    ///
    /// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// let body = br#"{"id":"evt_1"}"#.to_vec();
    /// let mut request = http::Request::post("/webhooks/unleeshed");
    /// for (name, value) in Signer::<Unleeshed>::new(secret)?.sign(&body) {
    ///     request = request.header(&*name, value);
    /// }
    /// let request = request.body(body).unwrap();
    ///
    /// Verifier::<Unleeshed>::new(secret)?.verify_request(&request)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// For a scheme that signs the URL (Square, Twilio, HubSpot), the
    /// request's method and its URI's path and query are verified too,
    /// after the verifier's public origin
    /// ([`Verifier::at_public_origin`]); the URI's own scheme and host, if
    /// any, are not read.
    ///
    /// # Errors
    ///
    /// Those of [`Verifier::verify_target_at`].
    pub fn verify_request<B: AsRef<[u8]>>(&self, request: &Request<B>) -> Result<Verified, Error> {
        let target = RequestTarget::of(request.method(), request.uri());
        self.verify_target(&target, request.headers(), request.body().as_ref())
    }

    /// Verifies a buffered `http::Request`, then decodes its body into `E`
    /// (the provider's event, or a type of yours).
    ///
    /// # Errors
    ///
    /// Those of [`Verifier::verify_request`], and [`Error::Decode`].
    pub fn verify_request_event<E, B>(&self, request: &Request<B>) -> Result<E, Error>
    where
        E: WebhookEvent,
        B: AsRef<[u8]>,
    {
        self.verify_request(request)?;
        E::decode(request.body().as_ref(), request.headers())
    }
}

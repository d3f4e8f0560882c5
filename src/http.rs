//! Verification straight from `http` 1.x types, for hyper, tower,
//! `lambda_http` and any framework built on them.

use http::{HeaderMap, Request};
use serde::de::DeserializeOwned;

use crate::adapter::single_header_value;
use crate::error::Error;
use crate::event::decode_event;
use crate::verify::{Verified, Verifier, unix_now};

impl Verifier {
    /// The value of the signature header (see [`Verifier::header_name`]).
    ///
    /// # Errors
    ///
    /// [`Error::MissingHeader`] when it is absent, [`Error::DuplicateHeader`]
    /// when it appears more than once, [`Error::MalformedHeader`] when it is
    /// not text.
    pub fn signature_header<'a>(&self, headers: &'a HeaderMap) -> Result<&'a str, Error> {
        let name = self.header_name();
        let values = headers.get_all(name).iter().map(|value| value.as_bytes());
        single_header_value(name, values)
    }

    /// Verifies a delivery from its headers and raw body, against the system
    /// clock.
    ///
    /// ```
    /// use http::HeaderMap;
    /// use signed_webhooks::{Signer, Verifier, UNLEESHED_SIGNATURE};
    ///
    /// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// let body = br#"{"id":"evt_1"}"#;
    /// let mut headers = HeaderMap::new();
    /// headers.insert(UNLEESHED_SIGNATURE, Signer::new(secret)?.sign(body).parse().unwrap());
    ///
    /// Verifier::new(secret)?.verify_headers(&headers, body)?;
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Those of [`Verifier::signature_header`] and [`Verifier::verify_at`].
    pub fn verify_headers(&self, headers: &HeaderMap, body: &[u8]) -> Result<Verified, Error> {
        self.verify_headers_at(headers, body, unix_now())
    }

    /// [`Verifier::verify_headers`] against a given clock, in Unix seconds.
    ///
    /// # Errors
    ///
    /// As for [`Verifier::verify_headers`].
    pub fn verify_headers_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<Verified, Error> {
        self.verify_at(self.signature_header(headers)?, body, now)
    }

    /// Verifies a buffered `http::Request`, against the system clock.
    ///
    /// # Errors
    ///
    /// As for [`Verifier::verify_headers`].
    pub fn verify_request<B: AsRef<[u8]>>(&self, request: &Request<B>) -> Result<Verified, Error> {
        self.verify_headers(request.headers(), request.body().as_ref())
    }

    /// Verifies a buffered `http::Request`, then decodes its body into `E`.
    ///
    /// ```
    /// use signed_webhooks::{Signer, UnleeshedEvent, Verifier};
    ///
    /// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// let body = br#"{"id":"evt_1","type":"partner.approved","created_at":"2026-11-22T10:00:00Z","data":{"external_reference":"x"}}"#.to_vec();
    /// let request = http::Request::post("/webhooks/unleeshed")
    ///     .header("X-Unleeshed-Signature", Signer::new(secret)?.sign(&body))
    ///     .body(body)
    ///     .unwrap();
    ///
    /// let event: UnleeshedEvent = Verifier::new(secret)?.verify_request_event(&request)?;
    /// assert_eq!(event.id(), "evt_1");
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`Verifier::verify_headers`], and [`Error::Decode`].
    pub fn verify_request_event<E, B>(&self, request: &Request<B>) -> Result<E, Error>
    where
        E: DeserializeOwned,
        B: AsRef<[u8]>,
    {
        self.verify_request(request)?;
        decode_event(request.body().as_ref())
    }
}

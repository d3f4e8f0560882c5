//! The providers that sign the URL they call (Square, Twilio, HubSpot):
//! the public origin is configured, the path and query are the request's,
//! and nothing else about the URL is read; over real HTTP through the axum
//! and actix-web extractors, behind a simulated proxy (the server listens
//! on `http://127.0.0.1:<port>`, the provider called
//! `https://hooks.example.com`).
#![cfg(all(feature = "axum", feature = "actix", feature = "base64"))]

#[path = "common/log.rs"]
mod log;

use signed_webhooks::{
    ConfigError, DeliveryId, Error, Part, Provider, RequestTarget, Scheme, Signer, Square,
    SquareEvent, Verifier,
};

const KEY: &str = "eS7kmbr1DcT8R0lWu_mDDg";
const ORIGIN: &str = "https://hooks.example.com";
const PATH: &str = "/webhooks/square?tenant=acme";

fn body() -> Vec<u8> {
    br#"{"merchant_id":"6SSW7HV8K2ST5","type":"payment.updated","event_id":"b2a6f8c4-5e1d-4a3b-9c7d-0e2f4a6b8c1d","created_at":"2026-09-21T14:13:19.123Z","data":{"type":"payment","id":"KkAkhdMsgzn59SM8A89WgKwekxLZY"}}"#.to_vec()
}

/// Square's signature over the public URL, as Square computes it.
fn signature() -> String {
    let signer = Signer::<Square>::for_url(&format!("{ORIGIN}{PATH}"), KEY).unwrap();
    signer
        .sign(&body())
        .get("x-square-hmacsha256-signature")
        .unwrap()
        .to_owned()
}

/// Posts the signed delivery to the server's own address, with the
/// headers a proxy adds: they name another host, and must not matter.
async fn post(port: u16) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}{PATH}"))
        .header("content-type", "application/json")
        .header("x-square-hmacsha256-signature", signature())
        .header("x-forwarded-proto", "http")
        .header("x-forwarded-host", "attacker.example.net")
        .body(body())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[test]
fn a_url_signing_preset_without_an_origin_is_a_start_up_error() {
    for result in [
        Verifier::<Square>::new(KEY).map(drop),
        Verifier::<Square>::from_secrets([KEY]).map(drop),
        Signer::<Square>::new(KEY).map(drop),
    ] {
        let error = result.unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::PublicOriginRequired {
                    provider: "square",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("Verifier::at_public_origin"));
    }
    for origin in [
        "hooks.example.com",
        "https://hooks.example.com/",
        "https://hooks.example.com/webhooks",
        "https://hooks.example.com?x=1",
        "ftp://hooks.example.com",
    ] {
        assert!(
            matches!(
                Verifier::<Square>::at_public_origin(origin, [KEY]),
                Err(ConfigError::InvalidPublicOrigin { .. })
            ),
            "{origin}"
        );
    }
}

#[test]
fn verify_without_the_target_is_a_typed_error_never_a_pass() {
    let verifier = Verifier::<Square>::at_public_origin(ORIGIN, [KEY]).unwrap();
    let headers = [("x-square-hmacsha256-signature", signature())];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let error = verifier.verify(&headers, &body()).unwrap_err();
    assert!(matches!(
        error,
        Error::TargetRequired {
            provider: "square",
            ..
        }
    ));
    assert_eq!(error.code(), "request_target_required");
    assert_eq!(error.status_code(), 500);
    assert!(verifier.verify_with_key_at(&headers, &body(), 0).is_err());
    // With the target, the same delivery verifies, and is named by its
    // event id.
    let target = RequestTarget::new("POST", PATH);
    let (_, key) = verifier
        .verify_target_with_key_at(&target, &headers, &body(), 0)
        .unwrap();
    let key = key.unwrap();
    assert_eq!(
        key.as_str(),
        "square:id:b2a6f8c4-5e1d-4a3b-9c7d-0e2f4a6b8c1d"
    );
}

#[test]
fn the_refusal_names_the_url_for_the_operator_and_nothing_for_the_sender() {
    let verifier = Verifier::<Square>::at_public_origin(ORIGIN, [KEY]).unwrap();
    let headers = [("x-square-hmacsha256-signature", signature())];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let target = RequestTarget::new("POST", "/webhooks/square/?tenant=acme");
    let error = verifier
        .verify_target(&target, &headers, &body())
        .unwrap_err();
    assert_eq!(error.code(), "signature_mismatch");
    assert!(
        error
            .to_string()
            .contains("verified against https://hooks.example.com/webhooks/square/?tenant=acme;"),
        "{error}"
    );
    assert!(!error.public_message().contains("example.com"));
}

#[test]
fn a_target_that_cannot_have_been_signed_is_refused() {
    let verifier = Verifier::<Square>::at_public_origin(ORIGIN, [KEY]).unwrap();
    let headers = [("x-square-hmacsha256-signature", signature())];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    for (method, path) in [
        ("POST", "webhooks/square"),
        ("POST", "/webhooks/square?x={"),
        ("POST", "/webhooks/square?x=a b"),
        ("PO/ST", PATH),
    ] {
        let error = verifier
            .verify_target(&RequestTarget::new(method, path), &headers, &body())
            .unwrap_err();
        assert_eq!(error.code(), "malformed_request_target", "{method} {path}");
        assert_eq!(error.status_code(), 400);
    }
}

#[test]
fn the_scheme_language_refuses_url_parts_that_run_together_unsoundly() {
    let body = || Scheme::body("x-acme-signature");
    let refused = |scheme: Scheme| {
        Verifier::<Acme>::with_test_scheme(scheme)
            .err()
            .map(|error| error.to_string())
    };
    // A URL right before any body: a replay could move the body's first
    // bytes into the query.
    let adjacent = refused(body().with_signed_content([Part::Url, Part::Body])).unwrap();
    assert!(adjacent.contains("run together"), "{adjacent}");
    // Form fields are signed with the URL, and run together with it only
    // where duplicates are named by the signed bytes.
    let lonely = refused(body().with_signed_content([Part::FormFields])).unwrap();
    assert!(lonely.contains("URL"), "{lonely}");
    let by_field = refused(
        body()
            .with_signed_content([Part::Url, Part::FormFields])
            .with_delivery_id(DeliveryId::BodyField("id")),
    )
    .unwrap();
    assert!(by_field.contains("run together"), "{by_field}");
    assert!(refused(body().with_signed_content([Part::Url, Part::FormFields])).is_none());
    // A method before anything but the URL.
    let method = refused(body().with_signed_content([Part::Method, Part::Body])).unwrap();
    assert!(method.contains("run together"), "{method}");
    assert!(
        refused(body().with_signed_content([
            Part::Method,
            Part::Literal(" "),
            Part::Url,
            Part::Literal("\n"),
            Part::Body
        ]))
        .is_none()
    );
}

/// A provider whose scheme a test sets.
struct Acme;

thread_local! {
    static SCHEME: std::cell::RefCell<Option<Scheme>> = const { std::cell::RefCell::new(None) };
}

impl Provider for Acme {
    const NAME: &'static str = "acme";
    type Event = serde_json::Value;
    fn scheme() -> Scheme {
        SCHEME.with(|scheme| scheme.borrow().clone().unwrap())
    }
}

trait WithTestScheme: Sized {
    fn with_test_scheme(scheme: Scheme) -> Result<Self, ConfigError>;
}

impl WithTestScheme for Verifier<Acme> {
    fn with_test_scheme(scheme: Scheme) -> Result<Self, ConfigError> {
        SCHEME.with(|slot| *slot.borrow_mut() = Some(scheme));
        Verifier::at_public_origin(ORIGIN, ["acme-secret-0123456789"])
    }
}

#[cfg(feature = "sha1")]
#[test]
fn twilio_duplicates_are_named_by_the_signed_content_never_the_idempotency_token() {
    use signed_webhooks::Twilio;
    let url = "https://hooks.example.com/twilio/sms?tenant=acme";
    let token = "34ac26c598cc60fa9546b35d366f8ef6";
    let body = b"MessageSid=SM1&From=%2B14155550199&Body=hi".as_slice();
    let signed = Signer::<Twilio>::for_url(url, token).unwrap().sign(body);
    let signature = signed.get("x-twilio-signature").unwrap();
    let verifier = Verifier::<Twilio>::at_public_origin(ORIGIN, [token]).unwrap();
    let target = RequestTarget::new("POST", "/twilio/sms?tenant=acme");
    let key = |idempotency: &str, body: &[u8]| {
        let headers = [
            ("x-twilio-signature", signature),
            ("i-twilio-idempotency-token", idempotency),
        ];
        verifier
            .verify_target_with_key_at(&target, &headers, body, 0)
            .map(|(_, key)| key.unwrap().as_str().to_owned())
    };
    let first = key("token-1", body).unwrap();
    assert!(first.starts_with("twilio:sha256:"), "{first}");
    assert!(!first.contains("token-1"));
    // A replay with another token is the same delivery.
    assert_eq!(key("token-2", body).unwrap(), first);
    // So is one with the fields reordered or encoded otherwise: the same
    // signed fields.
    assert_eq!(
        key("token-3", b"Body=hi&From=%2b14155550199&MessageSid=SM1").unwrap(),
        first
    );
    // A changed field is refused.
    assert_eq!(
        key("token-1", b"MessageSid=SM1&From=%2B14155550199&Body=ho")
            .unwrap_err()
            .code(),
        "signature_mismatch"
    );
}

mod over_axum {
    use super::*;
    use axum::Router;
    use axum::routing::post as route_post;
    use signed_webhooks::axum::Webhook;

    async fn square(event: Webhook<Square>) -> String {
        let event: &SquareEvent = &event;
        format!("{} {}", event.event_type(), event.id())
    }

    async fn serve(verifier: Verifier<Square>) -> u16 {
        let app = Router::new()
            .route("/webhooks/square", route_post(square))
            .with_state(verifier);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        port
    }

    #[tokio::test]
    async fn behind_a_proxy_the_configured_origin_verifies() {
        let port = serve(Verifier::at_public_origin(ORIGIN, [KEY]).unwrap()).await;
        assert_eq!(
            post(port).await,
            (
                200,
                "payment.updated b2a6f8c4-5e1d-4a3b-9c7d-0e2f4a6b8c1d".to_owned()
            )
        );
    }

    #[tokio::test]
    async fn a_wrong_origin_is_a_401_and_the_log_says_which_url() {
        log::captured();
        let origin = "https://other.example.com";
        let port = serve(Verifier::at_public_origin(origin, [KEY]).unwrap()).await;
        let (status, body) = post(port).await;
        assert_eq!(status, 401);
        assert!(body.contains("signature_mismatch"), "{body}");
        assert!(!body.contains("example.com"), "{body}");
        let line = log::line_with(&[
            "verified against https://other.example.com/webhooks/square?tenant=acme",
        ])
        .await;
        assert!(line.contains("/webhooks/square"), "{line}");
    }
}

mod over_actix {
    use super::*;
    use actix_web::{App, HttpServer, web};
    use signed_webhooks::actix::Webhook;

    async fn square(event: Webhook<Square>) -> String {
        format!("{} {}", event.event_type(), event.id())
    }

    fn serve(verifier: Verifier<Square>) -> u16 {
        let verifier = web::Data::new(verifier);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(verifier.clone())
                .route("/webhooks/square", web::post().to(square))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        actix_web::rt::spawn(server.run());
        port
    }

    #[actix_web::test]
    async fn behind_a_proxy_the_configured_origin_verifies() {
        let port = serve(Verifier::at_public_origin(ORIGIN, [KEY]).unwrap());
        assert_eq!(
            post(port).await,
            (
                200,
                "payment.updated b2a6f8c4-5e1d-4a3b-9c7d-0e2f4a6b8c1d".to_owned()
            )
        );
    }

    #[actix_web::test]
    async fn a_wrong_origin_is_a_401() {
        let port = serve(Verifier::at_public_origin("https://other.example.com", [KEY]).unwrap());
        let (status, body) = post(port).await;
        assert_eq!(status, 401);
        assert!(body.contains("signature_mismatch"), "{body}");
    }
}

/// Twilio signs the URL and the form fields run together: where the query
/// ends and the fields begin is not signed. What stops, and what bounds, a
/// replay that moves bytes across.
#[cfg(feature = "sha1")]
mod twilio_boundary {
    use super::*;
    use sha2::{Digest, Sha256};
    use signed_webhooks::{Twilio, TwilioRequest, WebhookEvent};

    const TOKEN: &str = "34ac26c598cc60fa9546b35d366f8ef6";
    const CALLBACK: &str = "https://hooks.example.com/twilio?orderId=123";
    const FIELDS: &[u8] = b"AccountSid=AC1&CallSid=CA1&CallStatus=completed";

    fn sign(url: &str, body: &[u8]) -> String {
        Signer::<Twilio>::for_url(url, TOKEN)
            .unwrap()
            .sign(body)
            .get("x-twilio-signature")
            .unwrap()
            .to_owned()
    }

    /// The delivery key of a request, or why it was refused.
    fn key_of(
        verifier: &Verifier<Twilio>,
        path: &str,
        body: &[u8],
        signature: &str,
    ) -> Result<String, Error> {
        let headers = [("x-twilio-signature", signature)];
        verifier
            .verify_target_with_key_at(&RequestTarget::new("POST", path), &headers, body, 0)
            .map(|(_, key)| key.unwrap().as_str().to_owned())
    }

    #[test]
    fn a_digit_moved_from_the_query_into_the_fields_is_refused() {
        let signature = sign(CALLBACK, FIELDS);
        let verifier = Verifier::<Twilio>::at_public_origin(ORIGIN, [TOKEN]).unwrap();
        assert!(key_of(&verifier, "/twilio?orderId=123", FIELDS, &signature).is_ok());
        // The same signed bytes: `…orderId=12` + `3AccountSidAC1…`.
        let error = key_of(
            &verifier,
            "/twilio?orderId=12",
            b"3AccountSid=AC1&CallSid=CA1&CallStatus=completed",
            &signature,
        )
        .unwrap_err();
        assert_eq!(error.code(), "invalid_event");
        assert!(error.to_string().contains("ASCII letter"), "{error}");
        assert!(!error.public_message().contains("orderId"));
    }

    #[test]
    fn a_pinned_url_refuses_any_other_path_or_query_and_logs_both() {
        let signature = sign(CALLBACK, FIELDS);
        let verifier = Verifier::<Twilio>::at_public_url(CALLBACK, [TOKEN]).unwrap();
        assert_eq!(verifier.public_origin(), Some(ORIGIN));
        assert_eq!(
            verifier.pinned_path_and_query(),
            Some("/twilio?orderId=123")
        );
        let original = key_of(&verifier, "/twilio?orderId=123", FIELDS, &signature).unwrap();
        assert!(original.starts_with("twilio:sha256:"), "{original}");
        for (path, body) in [
            (
                "/twilio?orderId=12",
                &b"3AccountSid=AC1&CallSid=CA1&CallStatus=completed"[..],
            ),
            (
                "/twilio?orderId=123A",
                b"ccountSidAC1CallSidCA1CallStatus=completed",
            ),
            ("/twilio?orderId=%31%323", FIELDS),
            ("/twilio/?orderId=123", FIELDS),
        ] {
            let error = key_of(&verifier, path, body, &signature).unwrap_err();
            assert!(
                matches!(error, Error::UnexpectedTarget { .. }),
                "{path}: {error:?}"
            );
            assert_eq!(error.code(), "unexpected_request_target");
            assert_eq!(error.status_code(), 401);
            let text = error.to_string();
            assert!(text.contains(CALLBACK), "{text}");
            assert!(text.contains(&format!("{ORIGIN}{path}")), "{text}");
            assert!(!error.public_message().contains("example.com"));
        }
        // A request that cannot be signed is still a 400 first.
        let error = key_of(&verifier, "/twilio?orderId={", FIELDS, &signature).unwrap_err();
        assert_eq!(error.code(), "malformed_request_target");
    }

    #[test]
    fn a_pinned_url_is_a_whole_url_of_a_url_signing_provider() {
        for url in [
            "https://hooks.example.com",
            "hooks.example.com/twilio",
            "https://hooks.example.com/twilio#rc=3",
            "https://hooks.example.com/twilio?x={",
        ] {
            assert!(
                matches!(
                    Verifier::<Twilio>::at_public_url(url, [TOKEN]),
                    Err(ConfigError::InvalidPublicOrigin { .. })
                ),
                "{url}"
            );
        }
        // A provider that signs no URL has none to pin.
        assert!(matches!(
            Verifier::<signed_webhooks::GitHub>::at_public_url(CALLBACK, ["gh-secret-0123456789"]),
            Err(ConfigError::InvalidPublicOrigin { .. })
        ));
    }

    #[test]
    fn a_shift_at_a_letter_passes_unpinned_but_is_the_same_delivery_to_duplicate_detection() {
        let signature = sign(CALLBACK, FIELDS);
        let verifier = Verifier::<Twilio>::at_public_origin(ORIGIN, [TOKEN]).unwrap();
        let original = key_of(&verifier, "/twilio?orderId=123", FIELDS, &signature).unwrap();
        // `…orderId=123A` + `ccountSidAC1CallSidCA1CallStatuscompleted`.
        let moved = key_of(
            &verifier,
            "/twilio?orderId=123A",
            b"ccountSidAC1CallSidCA1CallStatus=completed",
            &signature,
        )
        .unwrap();
        assert_eq!(moved, original);
        // So is the whole field text moved into the query.
        let all_in_query = key_of(
            &verifier,
            "/twilio?orderId=123AccountSidAC1CallSidCA1CallStatuscompleted",
            b"",
            &signature,
        )
        .unwrap();
        assert_eq!(all_in_query, original);
    }

    /// A message whose `Body` a stranger chose (by texting the number):
    /// `&bodySHA256=<hash of another body>&`. A replay moves the whole
    /// field text into the query and sends that other body as JSON.
    #[test]
    fn body_sha256_in_a_field_moved_into_the_query_names_no_body() {
        let url = "https://hooks.example.com/twilio/sms?tenant=acme";
        let forged =
            br#"{"event_type":"com.twilio.messaging.message.delivered","status":"refunded"}"#;
        let hash = hex::encode(Sha256::digest(forged));
        let fields = format!(
            "AccountSid=AC1&Body=%26bodySHA256%3D{hash}%26&From=%2B14155550199&MessageSid=SM1"
        );
        let signature = sign(url, fields.as_bytes());
        let verifier = Verifier::<Twilio>::at_public_origin(ORIGIN, [TOKEN]).unwrap();
        assert!(
            key_of(
                &verifier,
                "/twilio/sms?tenant=acme",
                fields.as_bytes(),
                &signature
            )
            .is_ok()
        );
        let moved = format!(
            "/twilio/sms?tenant=acmeAccountSidAC1Body&bodySHA256={hash}&From+14155550199MessageSidSM1"
        );
        let error = key_of(&verifier, &moved, forged, &signature).unwrap_err();
        assert_eq!(error.code(), "signature_mismatch", "{error}");
        // Where Twilio puts it, last, the same hash does name the body.
        let json_url =
            format!("https://hooks.example.com/twilio/sms?tenant=acme&bodySHA256={hash}");
        let json_signature = sign(&json_url, forged);
        assert!(
            key_of(
                &verifier,
                &format!("/twilio/sms?tenant=acme&bodySHA256={hash}"),
                forged,
                &json_signature
            )
            .is_ok()
        );
    }

    #[test]
    fn a_percent_sign_before_a_plus_and_a_hex_digit_is_no_escape() {
        // Signed over `Body` = "a\nb"; `%+A` is not `%0A`.
        let url = "https://hooks.example.com/twilio/sms?tenant=acme";
        let signature = sign(url, b"Body=a%0Ab&MessageSid=SM1");
        let verifier = Verifier::<Twilio>::at_public_origin(ORIGIN, [TOKEN]).unwrap();
        let path = "/twilio/sms?tenant=acme";
        assert!(key_of(&verifier, path, b"Body=a%0Ab&MessageSid=SM1", &signature).is_ok());
        assert!(key_of(&verifier, path, b"Body=a%0ab&MessageSid=SM1", &signature).is_ok());
        let error = key_of(&verifier, path, b"Body=a%+Ab&MessageSid=SM1", &signature).unwrap_err();
        assert_eq!(error.code(), "signature_mismatch");
        let request = TwilioRequest::decode(
            b"Body=a%+Ab",
            &[("content-type", "application/x-www-form-urlencoded")],
        )
        .unwrap();
        assert_eq!(request.get("Body"), Some("a% Ab"));
    }

    #[test]
    fn a_request_decodes_as_the_verifier_read_it_whatever_its_content_type() {
        let json = br#"{"event_type":"com.twilio.messaging.message.delivered"}"#;
        let form_type = [("content-type", "application/x-www-form-urlencoded")];
        let request = TwilioRequest::decode(json, &form_type).unwrap();
        assert_eq!(
            request.json.as_ref().unwrap()["event_type"],
            "com.twilio.messaging.message.delivered"
        );
        assert!(request.fields.is_empty());
        let json_type = [("content-type", "application/json")];
        let request = TwilioRequest::decode(FIELDS, &json_type).unwrap();
        assert_eq!(request.call_sid(), Some("CA1"));
        assert_eq!(request.json, None);
    }

    mod over_axum {
        use super::*;
        use axum::Router;
        use axum::routing::post as route_post;
        use signed_webhooks::axum::Webhook;

        async fn twilio(request: Webhook<Twilio>) -> String {
            let request: &TwilioRequest = &request;
            match &request.json {
                Some(json) => format!("json {}", json["event_type"]),
                None => format!("form {}", request.get("CallStatus").unwrap_or("-")),
            }
        }

        async fn serve(verifier: Verifier<Twilio>) -> u16 {
            let app = Router::new()
                .route("/twilio", route_post(twilio))
                .with_state(verifier);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            port
        }

        async fn post(
            port: u16,
            path: &str,
            content_type: &str,
            body: &[u8],
            signature: &str,
        ) -> (u16, String) {
            let response = reqwest::Client::new()
                .post(format!("http://127.0.0.1:{port}{path}"))
                .header("content-type", content_type)
                .header("x-twilio-signature", signature)
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }

        const FORM: &str = "application/x-www-form-urlencoded";

        #[tokio::test]
        async fn a_pinned_verifier_answers_a_moved_boundary_with_a_401_and_logs_both_urls() {
            log::captured();
            let port = serve(Verifier::at_public_url(CALLBACK, [TOKEN]).unwrap()).await;
            let signature = sign(CALLBACK, FIELDS);
            assert_eq!(
                post(port, "/twilio?orderId=123", FORM, FIELDS, &signature).await,
                (200, "form completed".to_owned())
            );
            let (status, body) = post(
                port,
                "/twilio?orderId=12",
                FORM,
                b"3AccountSid=AC1&CallSid=CA1&CallStatus=completed",
                &signature,
            )
            .await;
            assert_eq!(status, 401);
            assert!(body.contains("unexpected_request_target"), "{body}");
            assert!(!body.contains("orderId"), "{body}");
            log::line_with(&[
                "https://hooks.example.com/twilio?orderId=12,",
                "pinned to https://hooks.example.com/twilio?orderId=123",
            ])
            .await;
        }

        #[tokio::test]
        async fn the_content_type_does_not_choose_json_or_form() {
            let port = serve(Verifier::at_public_origin(ORIGIN, [TOKEN]).unwrap()).await;
            let json = br#"{"event_type":"com.twilio.messaging.message.delivered"}"#;
            let path = format!("/twilio?bodySHA256={}", hex::encode(Sha256::digest(json)));
            let signature = sign(&format!("{ORIGIN}{path}"), json);
            assert_eq!(
                post(port, &path, FORM, json, &signature).await,
                (
                    200,
                    "json \"com.twilio.messaging.message.delivered\"".to_owned()
                )
            );
            let form_signature = sign(CALLBACK, FIELDS);
            assert_eq!(
                post(
                    port,
                    "/twilio?orderId=123",
                    "application/json",
                    FIELDS,
                    &form_signature
                )
                .await,
                (200, "form completed".to_owned())
            );
        }
    }
}

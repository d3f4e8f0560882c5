//! The providers' endpoint checks (issue 17): a receiver written the
//! README's way, with a `Webhook<P>` handler, passes each one without code
//! of its own, through both frameworks; its handler never sees it, and a
//! handshake that does not verify is refused like any delivery.
#![cfg(all(feature = "axum", feature = "actix"))]

use signed_webhooks::{Provider, Signer, Slack, Twitch, Verifier, Zoom};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// What a receiver answers `body` signed as `P` (or with another secret):
/// status, content type, body; and whether its handler ran.
async fn axum_answer<P: Provider>(
    body: &[u8],
    signing_secret: &str,
) -> (u16, String, String, bool) {
    axum_answer_with::<P>(SECRET, body, signing_secret).await
}

/// As `axum_answer`, the receiver holding `receiver_secret`.
async fn axum_answer_with<P: Provider>(
    receiver_secret: &str,
    body: &[u8],
    signing_secret: &str,
) -> (u16, String, String, bool) {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use http_body_util::BodyExt;
    use signed_webhooks::axum::Webhook;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tower::ServiceExt;

    let ran = Arc::new(AtomicBool::new(false));
    let handler = {
        let ran = ran.clone();
        move |_: Webhook<P>| async move {
            ran.store(true, Ordering::SeqCst);
            StatusCode::OK
        }
    };
    let app = axum::Router::new()
        .route("/hook", post(handler))
        .with_state(Verifier::<P>::new(receiver_secret).unwrap())
        .layer(signed_webhooks::dedup::Deduplicator::in_memory());
    let mut request = Request::post("/hook");
    for (name, value) in Signer::<P>::new(signing_secret).unwrap().sign(body) {
        request = request.header(&*name, value);
    }
    let response = app
        .oneshot(request.body(Body::from(body.to_vec())).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    (status, content_type, text, ran.load(Ordering::SeqCst))
}

async fn actix_answer<P: Provider>(
    body: &[u8],
    signing_secret: &str,
) -> (u16, String, String, bool) {
    actix_answer_with::<P>(SECRET, body, signing_secret).await
}

/// As `actix_answer`, the receiver holding `receiver_secret`.
async fn actix_answer_with<P: Provider>(
    receiver_secret: &str,
    body: &[u8],
    signing_secret: &str,
) -> (u16, String, String, bool) {
    use actix_web::{App, HttpResponse, test, web};
    use signed_webhooks::actix::Webhook;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let ran = Arc::new(AtomicBool::new(false));
    let flag = ran.clone();
    let service = test::init_service(
        App::new()
            .app_data(web::Data::new(Verifier::<P>::new(receiver_secret).unwrap()))
            .wrap(signed_webhooks::dedup::Deduplicator::in_memory())
            .route(
                "/hook",
                web::post().to(move |_: Webhook<P>| {
                    let flag = flag.clone();
                    async move {
                        flag.store(true, Ordering::SeqCst);
                        HttpResponse::Ok().finish()
                    }
                }),
            ),
    )
    .await;
    let mut request = test::TestRequest::post().uri("/hook");
    for (name, value) in Signer::<P>::new(signing_secret).unwrap().sign(body) {
        request = request.insert_header((name.to_string(), value));
    }
    let response =
        test::call_service(&service, request.set_payload(body.to_vec()).to_request()).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    (status, content_type, text, ran.load(Ordering::SeqCst))
}

/// Slack's `url_verification`: answered with its challenge, as text.
#[actix_web::test]
async fn slack_url_verification_is_answered_with_its_challenge() {
    let body = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    for answer in [
        axum_answer::<Slack>(body, SECRET).await,
        actix_answer::<Slack>(body, SECRET).await,
    ] {
        assert_eq!(
            answer,
            (
                200,
                "text/plain".to_owned(),
                "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P".to_owned(),
                false
            )
        );
    }
    // Signed with another secret: refused, like any forged delivery.
    for answer in [
        axum_answer::<Slack>(body, "not-this-endpoints-secret").await,
        actix_answer::<Slack>(body, "not-this-endpoints-secret").await,
    ] {
        assert_eq!(answer.0, 401, "{answer:?}");
        assert!(!answer.3);
    }
    // An event callback goes to the handler.
    let callback = br#"{"type":"event_callback","event_id":"Ev1","event_time":1,"event":{"type":"app_mention"}}"#;
    for answer in [
        axum_answer::<Slack>(callback, SECRET).await,
        actix_answer::<Slack>(callback, SECRET).await,
    ] {
        assert_eq!((answer.0, answer.3), (200, true), "{answer:?}");
    }
}

/// Zoom's `endpoint.url_validation`: answered with the plain token and its
/// HMAC under the endpoint's secret token, as JSON. The expected token is
/// the one Zoom's own library (`@zoom/rivet`) computed for this secret, in
/// tests/vectors/zoom.json.
#[actix_web::test]
async fn zoom_url_validation_is_answered_with_the_tokens_hmac() {
    const ZOOM_SECRET: &str = "qZ4tL8wN2vR6yB1mK9xC3d";
    let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1789999999700,"event":"endpoint.url_validation"}"#;
    for (status, content_type, text, ran) in [
        axum_answer_with::<Zoom>(ZOOM_SECRET, body, ZOOM_SECRET).await,
        actix_answer_with::<Zoom>(ZOOM_SECRET, body, ZOOM_SECRET).await,
    ] {
        assert_eq!(
            (status, content_type.as_str(), ran),
            (200, "application/json", false)
        );
        let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            answer,
            serde_json::json!({
                "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
                "encryptedToken": "2c670e7b6d78b3b01432f49b88cc88c3c6eb090e288a994defeea1669ff682cf",
            })
        );
    }
    // Signed with another secret: refused, and no token is computed.
    for answer in [
        axum_answer_with::<Zoom>(ZOOM_SECRET, body, "pA7sD2fG5hJ8kL1zX4cV6b").await,
        actix_answer_with::<Zoom>(ZOOM_SECRET, body, "pA7sD2fG5hJ8kL1zX4cV6b").await,
    ] {
        assert_eq!((answer.0, answer.3), (401, false), "{answer:?}");
        assert!(!answer.2.contains("encryptedToken"), "{answer:?}");
    }
    // An event goes to the handler.
    let event = br#"{"event":"meeting.started","event_ts":1789999999700,"payload":{"account_id":"a","object":{"id":"1"}}}"#;
    for answer in [
        axum_answer_with::<Zoom>(ZOOM_SECRET, event, ZOOM_SECRET).await,
        actix_answer_with::<Zoom>(ZOOM_SECRET, event, ZOOM_SECRET).await,
    ] {
        assert_eq!((answer.0, answer.3), (200, true), "{answer:?}");
    }
}

/// Twitch's `webhook_callback_verification`: answered with its challenge,
/// as text; a notification goes to the handler.
#[actix_web::test]
async fn twitch_callback_verification_is_answered_with_its_challenge() {
    let subscription = r#"{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"2","cost":1,"condition":{"broadcaster_user_id":"12826","moderator_user_id":"12826"},"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},"created_at":"2019-11-16T10:11:12.634234626Z"}"#;
    let body = format!(
        r#"{{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{subscription}}}"#
    );
    for answer in [
        axum_answer::<Twitch>(body.as_bytes(), SECRET).await,
        actix_answer::<Twitch>(body.as_bytes(), SECRET).await,
    ] {
        assert_eq!(
            answer,
            (
                200,
                "text/plain".to_owned(),
                "pogchamp-kappa-360noscope-vohiyo".to_owned(),
                false
            )
        );
    }
    for answer in [
        axum_answer::<Twitch>(body.as_bytes(), "not-this-subscriptions-secret").await,
        actix_answer::<Twitch>(body.as_bytes(), "not-this-subscriptions-secret").await,
    ] {
        assert_eq!((answer.0, answer.3), (401, false), "{answer:?}");
    }
    let notification = format!(
        r#"{{"subscription":{subscription},"event":{{"user_id":"1337","user_login":"awesome_user","broadcaster_user_id":"12826"}}}}"#
    );
    for answer in [
        axum_answer::<Twitch>(notification.as_bytes(), SECRET).await,
        actix_answer::<Twitch>(notification.as_bytes(), SECRET).await,
    ] {
        assert_eq!((answer.0, answer.3), (200, true), "{answer:?}");
    }
}

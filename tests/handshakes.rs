//! The providers' endpoint checks (issue 17): a receiver written the
//! README's way, with a `Webhook<P>` handler, passes each one without code
//! of its own, through both frameworks; its handler never sees it, and a
//! handshake that does not verify is refused like any delivery.
#![cfg(all(feature = "axum", feature = "actix"))]

use signed_webhooks::{Provider, Signer, Slack, Twitch, Verifier, Zoom};

#[path = "common/log.rs"]
mod log;
#[path = "common/serve.rs"]
mod serve;

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

/// Discord's interactions endpoint, served over real HTTP (axum, then
/// actix-web), checked as Discord checks it: a signed PING is answered
/// `{"type":1}` (PONG) without the handler; the same PING with a
/// deliberately invalid signature is refused with 401; an interaction goes
/// to the handler.
#[cfg(feature = "ed25519")]
mod discord {
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use signed_webhooks::{Discord, Signer, Verifier};

    /// The application's public key, and the seed of its private key
    /// (tests/vectors/discord.json's `signing_keys`).
    const PUBLIC_KEY: &str = "a968e5e34c12a9448b6b205d873461cc2a99cae1ac12565562fd324f70211374";
    const SEED: &str = "521b7f17ce2ce24abfb2fde2036512736179d1604230222d9a11258958ad30cb";
    /// Another application's private key.
    const OTHER_SEED: &str = "e8bc158249c886aaf2d73bf1ff8a7167f20219680baf324d1563e872f3425ab7";

    const PING: &[u8] = br#"{"app_permissions":"562949953601536","application_id":"1281634752438747218","id":"1287402859134582825","token":"aW50ZXJhY3Rpb246MTI4NzQwMjg1OTEzNDU4MjgyNTp0ZXN0","type":1,"user":{"id":"643945264868098049","username":"discord"},"version":1}"#;
    const COMMAND: &[u8] = br#"{"application_id":"1281634752438747218","id":"1287402967823593523","token":"aW50","type":2,"data":{"id":"1281637166575661107","name":"greet","type":1},"version":1}"#;

    async fn start_axum(runs: Arc<AtomicUsize>) -> SocketAddr {
        use axum::http::StatusCode;
        use axum::routing::post;
        use signed_webhooks::axum::Webhook;

        let app = axum::Router::new()
            .route(
                "/interactions",
                post(move |_: Webhook<Discord>| async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    StatusCode::OK
                }),
            )
            .with_state(Verifier::<Discord>::new(PUBLIC_KEY).unwrap())
            .layer(signed_webhooks::dedup::Deduplicator::in_memory());
        crate::serve::axum(app).await
    }

    fn start_actix(runs: Arc<AtomicUsize>) -> SocketAddr {
        use actix_web::{App, HttpResponse, web};
        use signed_webhooks::actix::Webhook;

        let verifier = web::Data::new(Verifier::<Discord>::new(PUBLIC_KEY).unwrap());
        let dedup = signed_webhooks::dedup::Deduplicator::in_memory();
        crate::serve::actix(1, move || {
            let runs = runs.clone();
            App::new()
                .app_data(verifier.clone())
                .wrap(dedup.clone())
                .route(
                    "/interactions",
                    web::post().to(move |_: Webhook<Discord>| {
                        let runs = runs.clone();
                        async move {
                            runs.fetch_add(1, Ordering::SeqCst);
                            HttpResponse::Ok().finish()
                        }
                    }),
                )
        })
    }

    /// POSTs `body` signed with `seed` now: status, content type, body.
    async fn post(addr: SocketAddr, body: &[u8], seed: &str) -> (u16, String, String) {
        let client = reqwest::Client::new();
        let mut request = client.post(format!("http://{addr}/interactions"));
        for (name, value) in Signer::<Discord>::new(seed).unwrap().sign(body) {
            request = request.header(&*name, value);
        }
        let response = request
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, content_type, response.text().await.unwrap())
    }

    #[tokio::test]
    async fn a_ping_is_answered_pong_and_a_bad_signature_refused() {
        let axum_runs = Arc::new(AtomicUsize::new(0));
        let actix_runs = Arc::new(AtomicUsize::new(0));
        let servers = [
            (start_axum(axum_runs.clone()).await, axum_runs),
            (start_actix(actix_runs.clone()), actix_runs),
        ];
        for (addr, runs) in servers {
            for ping in [PING, br#"{"type":1}"#] {
                let (status, content_type, text) = post(addr, ping, SEED).await;
                assert_eq!(status, 200, "{text}");
                assert_eq!(content_type, "application/json");
                assert_eq!(
                    serde_json::from_str::<serde_json::Value>(&text).unwrap(),
                    serde_json::json!({"type": 1})
                );
                // Discord's check: the same PING, signed by another key.
                let (status, _, text) = post(addr, ping, OTHER_SEED).await;
                assert_eq!(status, 401, "{text}");
            }
            assert_eq!(
                runs.load(Ordering::SeqCst),
                0,
                "a PING is not the handler's"
            );
            let (status, _, _) = post(addr, COMMAND, SEED).await;
            assert_eq!(status, 200);
            assert_eq!(runs.load(Ordering::SeqCst), 1, "a command is the handler's");
            let (status, _, _) = post(addr, COMMAND, OTHER_SEED).await;
            assert_eq!(status, 401);
            assert_eq!(runs.load(Ordering::SeqCst), 1);
        }
    }
}

/// The verify token is configuration of Meta's check only, refused where
/// a secret would be (empty, padded, quoted), and never shown.
#[test]
fn a_verify_token_is_for_a_check_that_takes_one() {
    use signed_webhooks::{ConfigError, Dropbox, Meta, SecretError};

    let meta = Verifier::<Meta>::new(SECRET).unwrap();
    assert!(!meta.has_verify_token());
    let meta = meta.with_verify_token("meatyhamhock").unwrap();
    assert!(meta.has_verify_token());
    assert!(!format!("{meta:?}").contains("meatyhamhock"));
    for (token, reason) in [
        ("", SecretError::Empty),
        ("meatyhamhock\n", SecretError::SurroundingWhitespace),
        ("\"meatyhamhock\"", SecretError::Quoted),
    ] {
        let error = Verifier::<Meta>::new(SECRET)
            .unwrap()
            .with_verify_token(token)
            .unwrap_err();
        assert!(
            matches!(&error, ConfigError::InvalidVerifyToken { reason: r, .. } if *r == reason),
            "{token:?}: {error}"
        );
    }
    assert!(matches!(
        Verifier::<Dropbox>::new(SECRET)
            .unwrap()
            .with_verify_token("meatyhamhock"),
        Err(ConfigError::VerifyTokenNotTaken {
            provider: "dropbox",
            ..
        })
    ));
    assert!(matches!(
        Verifier::<Slack>::new(SECRET)
            .unwrap()
            .with_verify_token("meatyhamhock"),
        Err(ConfigError::VerifyTokenNotTaken {
            provider: "slack",
            ..
        })
    ));
}

/// A stack of its own asking a provider without an unsigned check to
/// answer one is told 405, with the methods that provider delivers with.
#[test]
fn a_provider_without_an_endpoint_check_answers_405_with_its_methods() {
    use axum::response::IntoResponse;
    use signed_webhooks::axum::WebhookRejection;
    use signed_webhooks::{EndpointCheckError, Stripe, Twilio};

    fn allow<P: Provider>(verifier: Verifier<P>) -> (u16, String) {
        let error = verifier
            .answer_endpoint_check(Some("challenge=abc"))
            .unwrap_err();
        assert!(
            matches!(error, EndpointCheckError::NoCheck { .. }),
            "{error}"
        );
        let response = WebhookRejection::EndpointCheck(error).into_response();
        let allow = response.headers()["allow"].to_str().unwrap().to_owned();
        (response.status().as_u16(), allow)
    }
    let stripe = Verifier::<Stripe>::new(SECRET).unwrap();
    assert_eq!(allow(stripe), (405, "POST".to_owned()));
    let twilio = Verifier::<Twilio>::at_public_origin("https://example.com", [SECRET]).unwrap();
    assert_eq!(allow(twilio), (405, "POST, GET".to_owned()));
}

/// A slash command (form-encoded) whose text says `url_verification` is a
/// request like any other, not a malformed handshake: Slack does not retry
/// slash commands, so refusing it would lose it.
#[test]
fn a_slash_command_mentioning_url_verification_is_no_handshake() {
    let body = b"token=x&command=%2Fdeploy&text=url_verification&user_id=U1";
    assert_eq!(Slack::handshake(body).unwrap(), None);
    let body = b"payload=%7B%22type%22%3A%22url_verification%22%7D";
    assert_eq!(Slack::handshake(body).unwrap(), None);
}

/// Meta's and Dropbox's endpoint checks, unsigned `GET`s, over real HTTP
/// (axum, then actix-web), each `GET` routed to the same handler as the
/// provider's `POST`s: answered by the extractor (the challenge echoed,
/// `text/plain` and `nosniff`) only when it is exactly the provider's check
/// (Meta's with the verify token configured), refused otherwise, and never
/// handed to the handler; a `GET` for a provider without such a check is
/// refused 405; signed `POST`s go to the handler as before.
mod unsigned {
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use signed_webhooks::{Dropbox, Meta, Signer, Stripe, Verifier};

    use super::log;

    const APP_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const VERIFY_TOKEN: &str = "meatyhamhock";
    const STRIPE_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// The routes: `/meta` (verify token set), `/meta-unset` (none),
    /// `/dropbox`, `/stripe`; `GET` and `POST` to one handler each, which
    /// counts its runs.
    async fn start_axum(runs: Arc<AtomicUsize>) -> SocketAddr {
        use axum::Router;
        use axum::http::StatusCode;
        use axum::routing::post;
        use signed_webhooks::Provider;
        use signed_webhooks::axum::Webhook;

        fn route<P: Provider>(path: &str, verifier: Verifier<P>, runs: Arc<AtomicUsize>) -> Router {
            let handler = move |_: Webhook<P>| async move {
                runs.fetch_add(1, Ordering::SeqCst);
                StatusCode::OK
            };
            Router::new()
                .route(path, post(handler.clone()).get(handler))
                .with_state(verifier)
        }
        let meta = Verifier::<Meta>::new(APP_SECRET)
            .unwrap()
            .with_verify_token(VERIFY_TOKEN)
            .unwrap();
        let app = route("/meta", meta, runs.clone())
            .merge(route(
                "/meta-unset",
                Verifier::<Meta>::new(APP_SECRET).unwrap(),
                runs.clone(),
            ))
            .merge(route(
                "/dropbox",
                Verifier::<Dropbox>::new(APP_SECRET).unwrap(),
                runs.clone(),
            ))
            .merge(route(
                "/stripe",
                Verifier::<Stripe>::new(STRIPE_SECRET).unwrap(),
                runs,
            ))
            .layer(signed_webhooks::dedup::Deduplicator::in_memory());
        crate::serve::axum(app).await
    }

    fn start_actix(runs: Arc<AtomicUsize>) -> SocketAddr {
        use actix_web::{App, HttpResponse, web};
        use signed_webhooks::Provider;
        use signed_webhooks::actix::Webhook;

        fn resource<P: Provider>(
            path: &str,
            verifier: web::Data<Verifier<P>>,
            runs: Arc<AtomicUsize>,
        ) -> actix_web::Resource {
            let handler = move |_: Webhook<P>| {
                let runs = runs.clone();
                async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    HttpResponse::Ok().finish()
                }
            };
            web::resource(path)
                .app_data(verifier)
                .route(web::post().to(handler.clone()))
                .route(web::get().to(handler))
        }
        let meta = web::Data::new(
            Verifier::<Meta>::new(APP_SECRET)
                .unwrap()
                .with_verify_token(VERIFY_TOKEN)
                .unwrap(),
        );
        let unset = web::Data::new(Verifier::<Meta>::new(APP_SECRET).unwrap());
        let dropbox = web::Data::new(Verifier::<Dropbox>::new(APP_SECRET).unwrap());
        let stripe = web::Data::new(Verifier::<Stripe>::new(STRIPE_SECRET).unwrap());
        let dedup = signed_webhooks::dedup::Deduplicator::in_memory();
        crate::serve::actix(1, move || {
            App::new()
                .wrap(dedup.clone())
                .service(resource("/meta", meta.clone(), runs.clone()))
                .service(resource("/meta-unset", unset.clone(), runs.clone()))
                .service(resource("/dropbox", dropbox.clone(), runs.clone()))
                .service(resource("/stripe", stripe.clone(), runs.clone()))
        })
    }

    /// The answer to `GET <path_and_query>`: status, content type,
    /// `X-Content-Type-Options`, body.
    async fn get(addr: SocketAddr, path_and_query: &str) -> (u16, String, String, String) {
        let response = reqwest::get(format!("http://{addr}{path_and_query}"))
            .await
            .unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let (content_type, nosniff) = (header("content-type"), header("x-content-type-options"));
        let status = response.status().as_u16();
        (
            status,
            content_type,
            nosniff,
            response.text().await.unwrap(),
        )
    }

    async fn post<P: signed_webhooks::Provider>(
        addr: SocketAddr,
        path: &str,
        secret: &str,
        body: &[u8],
    ) -> u16 {
        let client = reqwest::Client::new();
        let mut request = client.post(format!("http://{addr}{path}"));
        for (name, value) in Signer::<P>::new(secret).unwrap().sign(body) {
            request = request.header(&*name, value);
        }
        let response = request.body(body.to_vec()).send().await.unwrap();
        response.status().as_u16()
    }

    fn echoed(text: &str) -> (u16, String, String, String) {
        (
            200,
            "text/plain".to_owned(),
            "nosniff".to_owned(),
            text.to_owned(),
        )
    }

    #[tokio::test]
    async fn meta_and_dropbox_checks_are_answered_and_nothing_else() {
        log::captured();
        let axum_runs = Arc::new(AtomicUsize::new(0));
        let actix_runs = Arc::new(AtomicUsize::new(0));
        let servers = [
            ("axum", start_axum(axum_runs.clone()).await, axum_runs),
            ("actix", start_actix(actix_runs.clone()), actix_runs),
        ];
        let meta = |challenge: &str, token: &str| {
            format!("hub.mode=subscribe&hub.challenge={challenge}&hub.verify_token={token}")
        };
        let longest = "a".repeat(signed_webhooks::MAX_CHALLENGE_LEN);
        let over = "a".repeat(signed_webhooks::MAX_CHALLENGE_LEN + 1);
        for (framework, addr, runs) in servers {
            // Meta's check, as its docs show it, and Dropbox's.
            let query = meta("1158201444", VERIFY_TOKEN);
            assert_eq!(
                get(addr, &format!("/meta?{query}")).await,
                echoed("1158201444"),
                "{framework}"
            );
            assert_eq!(
                get(addr, "/dropbox?challenge=abc123").await,
                echoed("abc123"),
                "{framework}"
            );
            assert_eq!(
                get(addr, &format!("/dropbox?challenge={longest}")).await,
                echoed(&longest),
                "{framework}"
            );
            // A wrong token, none, or none configured: 403.
            for path in [
                format!("/meta?{}", meta("1158201444", "meatyhamhocks")),
                format!("/meta?{}", meta("1158201444", "")),
                "/meta?hub.mode=subscribe&hub.challenge=1158201444".to_owned(),
                format!("/meta-unset?{query}"),
            ] {
                let (status, content_type, _, text) = get(addr, &path).await;
                assert_eq!(
                    (status, content_type.as_str()),
                    (403, "application/json"),
                    "{framework} {path}"
                );
                assert!(!text.contains("1158201444"), "{framework} {path}: {text}");
                assert!(text.len() < 200, "{framework} {path}: {text}");
            }
            // The operator is told what to configure.
            let line =
                log::line_with(&["meta", "no verify token is configured", "with_verify_token"])
                    .await;
            assert!(line.contains("ERROR"), "{line}");
            // The registered URL's own parameters are ignored.
            for path in [
                format!("/meta?tenant=acme&{query}"),
                "/dropbox?tenant=acme&challenge=abc123".to_owned(),
            ] {
                let (status, _, _, text) = get(addr, &path).await;
                assert_eq!(status, 200, "{framework} {path}: {text}");
            }
            // A challenge not to echo, or a GET that is not the check: 400.
            for path in [
                format!("/meta?{}", meta("%3Cscript%3E", VERIFY_TOKEN)),
                format!("/meta?{}", meta(&over, VERIFY_TOKEN)),
                format!(
                    "/meta?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token={VERIFY_TOKEN}"
                ),
                "/meta".to_owned(),
                "/dropbox?challenge=%3Chtml%3E".to_owned(),
                "/dropbox?challenge=a+b".to_owned(),
                format!("/dropbox?challenge={over}"),
                "/dropbox?challenge=".to_owned(),
                "/dropbox?challenge=a&challenge=b".to_owned(),
                "/dropbox".to_owned(),
            ] {
                let (status, _, nosniff, text) = get(addr, &path).await;
                assert_eq!(status, 400, "{framework} {path}: {text}");
                assert!(nosniff.is_empty(), "{framework} {path}");
                assert!(
                    !text.contains("script") && !text.contains("html"),
                    "{framework}: {text}"
                );
                assert!(text.len() < 200, "{framework} {path}: {text}");
            }
            // A GET for a provider without such a check.
            let (status, _, _, text) = get(addr, "/stripe?challenge=abc123").await;
            assert_eq!(status, 405, "{framework}: {text}");
            assert!(
                !text.contains("abc123") && text.len() < 200,
                "{framework}: {text}"
            );
            assert_eq!(
                runs.load(Ordering::SeqCst),
                0,
                "{framework}: a GET is not the handler's"
            );

            // Signed POSTs go to the handler, as before; forged ones do not.
            let meta_body = br#"{"object":"page","entry":[{"id":"1","time":1,"changes":[{"field":"feed","value":{}}]}]}"#;
            let dropbox_body = br#"{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb"]},"delta":{"users":[12345]}}"#;
            assert_eq!(
                post::<Meta>(addr, "/meta", APP_SECRET, meta_body).await,
                200,
                "{framework}"
            );
            assert_eq!(
                post::<Meta>(addr, "/meta-unset", APP_SECRET, meta_body).await,
                200,
                "{framework}"
            );
            assert_eq!(
                post::<Dropbox>(addr, "/dropbox", APP_SECRET, dropbox_body).await,
                200,
                "{framework}"
            );
            assert_eq!(
                post::<Meta>(addr, "/meta", VERIFY_TOKEN, meta_body).await,
                401,
                "{framework}"
            );
            assert_eq!(runs.load(Ordering::SeqCst), 3, "{framework}");
        }
        // Neither the verify token nor a token tried against it is ever
        // logged (the refusals above are, with their path).
        let logged = log::text();
        assert!(logged.contains("/meta"), "{logged}");
        assert!(!logged.contains(VERIFY_TOKEN), "{logged}");
    }
}

/// axum routes a `HEAD` to a `get` handler, so `post(h).get(h)` for
/// Meta's and Dropbox's checks also takes `HEAD`s: a `HEAD` is answered
/// like the `GET` it stands for (the check, or its refusal) and is never
/// verified as a delivery, so a signed body replayed in a `HEAD` does not
/// reach the handler. The same in actix-web, for a `HEAD` route to the
/// handler.
#[actix_web::test]
async fn a_head_is_answered_as_the_get_it_stands_for() {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use signed_webhooks::Dropbox;
    use signed_webhooks::axum::Webhook;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tower::ServiceExt;

    let body =
        br#"{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb"]},"delta":{"users":[12345]}}"#;
    let signed = Signer::<Dropbox>::new(SECRET).unwrap().sign(body);
    let runs = Arc::new(AtomicUsize::new(0));
    let handler = {
        let runs = runs.clone();
        move |_: Webhook<Dropbox>| async move {
            runs.fetch_add(1, Ordering::SeqCst);
            StatusCode::OK
        }
    };
    let app = axum::Router::new()
        .route("/dropbox", post(handler.clone()).get(handler))
        .with_state(Verifier::<Dropbox>::new(SECRET).unwrap());
    let head = |uri: &str, signed_body: bool| {
        let mut request = Request::head(uri);
        if signed_body {
            for (name, value) in signed.iter() {
                request = request.header(name, value);
            }
        }
        request
            .body(if signed_body {
                Body::from(body.to_vec())
            } else {
                Body::empty()
            })
            .unwrap()
    };
    let answer = app
        .clone()
        .oneshot(head("/dropbox?challenge=abc123", false))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["x-content-type-options"], "nosniff");
    // A signed delivery in a HEAD: not the check, so refused, and never
    // handed to the handler.
    let answer = app.clone().oneshot(head("/dropbox", true)).await.unwrap();
    assert_eq!(answer.status(), 400);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        0,
        "a HEAD is not the handler's"
    );
    // A signed POST still is.
    let mut post_request = Request::post("/dropbox");
    for (name, value) in signed.iter() {
        post_request = post_request.header(name, value);
    }
    let answer = app
        .oneshot(post_request.body(Body::from(body.to_vec())).unwrap())
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(runs.load(Ordering::SeqCst), 1);

    // actix-web: a HEAD route to the same handler.
    use actix_web::{App, HttpResponse, test, web};
    let actix_runs = Arc::new(AtomicUsize::new(0));
    let flag = actix_runs.clone();
    let service = test::init_service(
        App::new()
            .app_data(web::Data::new(Verifier::<Dropbox>::new(SECRET).unwrap()))
            .route(
                "/dropbox",
                web::head().to(move |_: signed_webhooks::actix::Webhook<Dropbox>| {
                    let flag = flag.clone();
                    async move {
                        flag.fetch_add(1, Ordering::SeqCst);
                        HttpResponse::Ok().finish()
                    }
                }),
            ),
    )
    .await;
    let mut request = test::TestRequest::default()
        .method(actix_web::http::Method::HEAD)
        .uri("/dropbox");
    for (name, value) in signed.iter() {
        request = request.insert_header((name.to_string(), value.to_owned()));
    }
    let answer =
        test::call_service(&service, request.set_payload(body.to_vec()).to_request()).await;
    assert_eq!(answer.status(), 400);
    assert_eq!(
        actix_runs.load(Ordering::SeqCst),
        0,
        "a HEAD is not the handler's"
    );
}

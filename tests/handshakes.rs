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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    }

    fn start_actix(runs: Arc<AtomicUsize>) -> SocketAddr {
        use actix_web::{App, HttpResponse, HttpServer, web};
        use signed_webhooks::actix::Webhook;

        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let verifier = web::Data::new(Verifier::<Discord>::new(PUBLIC_KEY).unwrap());
                let dedup = signed_webhooks::dedup::Deduplicator::in_memory();
                let server = HttpServer::new(move || {
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
                .workers(1)
                .disable_signals()
                .bind("127.0.0.1:0")
                .unwrap();
                tx.send(server.addrs()[0]).unwrap();
                server.run().await.unwrap();
            })
        });
        rx.recv().unwrap()
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

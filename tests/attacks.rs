//! What a stranger can try against a receiver over real HTTP, through both
//! frameworks: holding a replay's last byte until its window has closed,
//! buying a full upload with a forged header, an empty event id, and
//! reading the receiver's configuration out of its refusals.
#![cfg(all(feature = "axum", feature = "actix"))]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use common::runs::Runs;
use common::serve;
use common::{OTHER_SECRET, SECRET, now};
use signed_webhooks::dedup::{Deduplicator, MemoryStore};
use signed_webhooks::{Signer, Unleeshed, Verifier};

/// A short tolerance, so a signed window closes within the test.
const TOLERANCE: Duration = Duration::from_secs(2);

fn verifier() -> Verifier<Unleeshed> {
    // Two secrets: a rotation in progress, which a refusal must not reveal.
    Verifier::from_secrets([OTHER_SECRET, SECRET])
        .unwrap()
        .with_tolerance(TOLERANCE)
}

/// A store that holds two deliveries, so two new events push out an old
/// one whose window has closed.
fn dedup() -> Deduplicator {
    Deduplicator::new(MemoryStore::with_capacity(2))
}

/// An axum receiver on a loopback port whose handler counts its runs.
async fn start_axum(runs: Runs) -> SocketAddr {
    use axum::Router;
    use axum::extract::State;
    use axum::http::StatusCode;
    use axum::routing::post;
    use signed_webhooks::axum::Webhook;

    #[derive(Clone)]
    struct AppState {
        verifier: Verifier<Unleeshed>,
        runs: Runs,
    }
    impl axum::extract::FromRef<AppState> for Verifier<Unleeshed> {
        fn from_ref(state: &AppState) -> Self {
            state.verifier.clone()
        }
    }
    async fn handler(State(state): State<AppState>, event: Webhook<Unleeshed>) -> StatusCode {
        state.runs.record(event.id());
        StatusCode::OK
    }

    let app = Router::new()
        .route("/webhooks/unleeshed", post(handler))
        .with_state(AppState {
            verifier: verifier(),
            runs,
        })
        .layer(dedup());
    serve::axum(app).await
}

/// The same receiver on actix-web.
fn start_actix(runs: Runs) -> SocketAddr {
    use actix_web::{App, HttpResponse, web};
    use signed_webhooks::actix::Webhook;

    async fn handler(runs: web::Data<Runs>, event: Webhook<Unleeshed>) -> HttpResponse {
        runs.record(event.id());
        HttpResponse::Ok().finish()
    }

    let dedup = dedup();
    let verifier = web::Data::new(verifier());
    let runs = web::Data::new(runs);
    serve::actix(1, move || {
        App::new()
            .app_data(verifier.clone())
            .app_data(runs.clone())
            .wrap(dedup.clone())
            .route("/webhooks/unleeshed", web::post().to(handler))
    })
}

/// The `X-Unleeshed-Signature` value for `body` signed with `secret` at `at`.
fn sign(secret: &str, body: &[u8], at: i64) -> String {
    Signer::<Unleeshed>::new(secret)
        .unwrap()
        .sign_at(body, at)
        .get("x-unleeshed-signature")
        .unwrap()
        .to_owned()
}

fn event(id: &str) -> Vec<u8> {
    serde_json::json!({
        "id": id,
        "type": "creator.approved",
        "created_at": "2026-11-22T10:00:00Z",
        "data": { "external_reference": "post-7" }
    })
    .to_string()
    .into_bytes()
}

/// The bytes of a POST to the receiver, with its `Content-Length`.
fn request(addr: SocketAddr, signature: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST /webhooks/unleeshed HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Unleeshed-Signature: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Sends a whole request and reads the whole answer.
fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = connect(addr);
    stream.write_all(bytes).unwrap();
    read_answer(&mut stream)
}

fn read_answer(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&buffer[..n]);
                // One answer is all we wait for: stop at the end of its body.
                if complete(&answer) {
                    break;
                }
            }
            Err(e) => panic!(
                "no complete answer ({e}); so far: {:?}",
                String::from_utf8_lossy(&answer)
            ),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// Whether `answer` holds a whole response with a `Content-Length` body.
fn complete(answer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(answer);
    let Some(head_end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..head_end]
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    answer.len() >= head_end + 4 + length
}

fn status(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

fn json_body(answer: &str) -> serde_json::Value {
    let body = &answer[answer.find("\r\n\r\n").expect("a head") + 4..];
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"))
}

/// Both receivers, each with its own count of handler runs.
async fn receivers() -> Vec<(&'static str, SocketAddr, Runs)> {
    let (axum_runs, actix_runs) = (Runs::default(), Runs::default());
    vec![
        ("axum", start_axum(axum_runs.clone()).await, axum_runs),
        ("actix", start_actix(actix_runs.clone()), actix_runs),
    ]
}

/// A captured delivery replayed with its last byte held back until the
/// signature's window has closed, while new events push the store to
/// forget the original: the time is checked when the verification
/// completes, so the replay is refused and the handler ran once.
#[tokio::test(flavor = "multi_thread")]
async fn a_replay_held_until_its_window_closed_is_refused() {
    for (name, addr, runs) in receivers().await {
        let id = format!("evt_held_{name}");
        let body = event(&id);
        let signed_at = now();
        let signature = sign(SECRET, &body, signed_at);
        let delivery = request(addr, &signature, &body);

        let first = tokio::task::spawn_blocking({
            let delivery = delivery.clone();
            move || exchange(addr, &delivery)
        });
        assert_eq!(status(&first.await.unwrap()), 200, "{name}");
        assert_eq!(runs.of(&id), 1, "{name}");

        // The replay: everything but the last byte, now, while it is fresh.
        let mut held = connect(addr);
        held.write_all(&delivery[..delivery.len() - 1]).unwrap();

        // Until the window has closed, by a margin.
        let closes = signed_at + TOLERANCE.as_secs() as i64;
        while now() <= closes + 1 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Two new events: the two-entry store forgets the first delivery,
        // whose window has closed...
        let pushed_at = now();
        for n in 0..2 {
            let body = event(&format!("evt_push_{name}_{n}"));
            let signature = sign(SECRET, &body, now());
            let answer = tokio::task::spawn_blocking(move || {
                exchange(addr, &request(addr, &signature, &body))
            })
            .await
            .unwrap();
            assert_eq!(status(&answer), 200, "{name}: {answer}");
        }
        // ... and once their windows have closed too, it has room again.
        while now() <= pushed_at + TOLERANCE.as_secs() as i64 + 1 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }

        let last = *delivery.last().unwrap();
        let answer = tokio::task::spawn_blocking(move || {
            held.write_all(&[last]).unwrap();
            read_answer(&mut held)
        })
        .await
        .unwrap();
        assert_eq!(status(&answer), 401, "{name}: {answer}");
        assert_eq!(
            json_body(&answer)["error"]["code"],
            "timestamp_too_old",
            "{name}"
        );
        assert_eq!(runs.of(&id), 1, "{name}: the handler ran again");
    }
}

/// A header of the right shape passes the check made before the body
/// (the signature cannot be checked without it); a declared length over
/// the body limit is still refused before a byte of the body is read.
#[tokio::test(flavor = "multi_thread")]
async fn a_forged_header_does_not_buy_an_oversized_upload() {
    for (name, addr, runs) in receivers().await {
        let forged = format!("t={},v1={}", now(), "0".repeat(64));
        let head = format!(
            "POST /webhooks/unleeshed HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             X-Unleeshed-Signature: {forged}\r\nContent-Length: {}\r\n\r\n",
            10 * 1024 * 1024
        );
        let answer = tokio::task::spawn_blocking(move || {
            let mut stream = connect(addr);
            stream.write_all(head.as_bytes()).unwrap();
            read_answer(&mut stream)
        })
        .await
        .unwrap();
        assert_eq!(status(&answer), 413, "{name}: {answer}");
        assert_eq!(
            json_body(&answer)["error"]["code"],
            "body_too_large",
            "{name}"
        );
        assert_eq!(runs.total(), 0, "{name}");
    }
}

/// An event whose id is empty would be processed again at every
/// redelivery (each is signed anew): it is refused as an invalid event.
#[tokio::test(flavor = "multi_thread")]
async fn an_event_with_an_empty_id_is_refused() {
    for (name, addr, runs) in receivers().await {
        for _ in 0..2 {
            let body = event("");
            let signature = sign(SECRET, &body, now());
            let answer = tokio::task::spawn_blocking(move || {
                exchange(addr, &request(addr, &signature, &body))
            })
            .await
            .unwrap();
            assert_eq!(status(&answer), 422, "{name}: {answer}");
            assert_eq!(
                json_body(&answer)["error"]["code"],
                "invalid_event",
                "{name}"
            );
        }
        assert_eq!(runs.total(), 0, "{name}: the handler ran");
    }
}

fn log() {
    common::log::captured();
}

fn log_text() -> String {
    common::log::text()
}

/// A refusal tells the sender its code and one fixed sentence: not how
/// many secrets the receiver holds, not its clock or tolerance. The
/// operator's log gets those details, with the request's path.
#[tokio::test(flavor = "multi_thread")]
async fn refusals_tell_the_sender_little_and_the_log_much() {
    log();
    for (name, addr, _) in receivers().await {
        let body = event(&format!("evt_terse_{name}"));
        let wrong = sign("whsec_not_the_secret_of_this_endpoint_at_all", &body, now());
        let stale = sign(SECRET, &body, now() - 3600);
        let cases = [
            (
                wrong,
                401,
                "signature_mismatch",
                "signature does not match: verify the raw body with the secret of this endpoint",
                "2 secret(s)",
            ),
            (
                stale,
                401,
                "timestamp_too_old",
                "the signed timestamp is too old: a replayed or delayed delivery, or a clock that is off",
                "beyond the 2s tolerance",
            ),
            (
                "t=0123,v1=ab".to_owned(),
                400,
                "malformed_signature_header",
                // 0.2's sentence: one of the scheme's headers, not "the" one.
                "a header of the signed delivery is malformed",
                "leading zeros",
            ),
        ];
        for (signature, expected_status, code, message, logged) in cases {
            let request = request(addr, &signature, &body);
            let answer = tokio::task::spawn_blocking(move || exchange(addr, &request))
                .await
                .unwrap();
            assert_eq!(status(&answer), expected_status, "{name}: {answer}");
            assert_eq!(
                json_body(&answer),
                serde_json::json!({ "error": { "code": code, "message": message } }),
                "{name}"
            );
            let log = log_text();
            let line = log
                .lines()
                .find(|line| line.contains(code) && line.contains(logged))
                .unwrap_or_else(|| {
                    panic!("{name}: no log line for {code} with {logged:?}:\n{log}")
                });
            assert!(line.contains("/webhooks/unleeshed"), "{name}: {line}");
        }
    }
}

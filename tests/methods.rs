//! The methods each provider delivers with (`Provider::METHODS`), over
//! real HTTP through the axum and actix-web extractors, every method routed
//! to the handler: a method the provider never delivers with is refused
//! 405 with an `Allow` header naming the ones it does, before the body is
//! read, and never reaches the handler; Twilio's `GET`s and HubSpot's
//! `PUT`s, signed, are verified like any delivery and do.
#![cfg(all(
    feature = "axum",
    feature = "actix",
    feature = "base64",
    feature = "sha1"
))]

#[path = "common/log.rs"]
mod log;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::Method;
use signed_webhooks::{HubSpot, Meta, Provider, Signer, Square, Stripe, Twilio, Verifier};

/// The origin the URL-signing providers call (the servers listen on
/// `http://127.0.0.1:<port>`).
const ORIGIN: &str = "https://hooks.example.com";
const STRIPE_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SQUARE_KEY: &str = "eS7kmbr1DcT8R0lWu_mDDg";
const TWILIO_TOKEN: &str = "34ac26c598cc60fa9546b35d366f8ef6";
const HUBSPOT_SECRET: &str = "5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const META_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

fn stripe() -> Verifier<Stripe> {
    Verifier::new(STRIPE_SECRET).unwrap()
}
fn square() -> Verifier<Square> {
    Verifier::at_public_origin(ORIGIN, [SQUARE_KEY]).unwrap()
}
fn twilio() -> Verifier<Twilio> {
    Verifier::at_public_origin(ORIGIN, [TWILIO_TOKEN]).unwrap()
}
fn hubspot() -> Verifier<HubSpot> {
    Verifier::at_public_origin(ORIGIN, [HUBSPOT_SECRET]).unwrap()
}
fn meta() -> Verifier<Meta> {
    Verifier::new(META_SECRET)
        .unwrap()
        .with_verify_token("meatyhamhock")
        .unwrap()
}

/// `/stripe`, `/square`, `/twilio`, `/hubspot`, `/meta`, each with every
/// method routed to one handler, which counts its runs and answers its
/// provider's name.
async fn start_axum(runs: Arc<AtomicUsize>) -> SocketAddr {
    use axum::Router;
    use axum::routing::any;
    use signed_webhooks::axum::Webhook;

    fn route<P: Provider>(path: &str, verifier: Verifier<P>, runs: Arc<AtomicUsize>) -> Router {
        let handler = move |_: Webhook<P>| async move {
            runs.fetch_add(1, Ordering::SeqCst);
            P::NAME
        };
        Router::new().route(path, any(handler)).with_state(verifier)
    }
    let app = route("/stripe", stripe(), runs.clone())
        .merge(route("/square", square(), runs.clone()))
        .merge(route("/twilio", twilio(), runs.clone()))
        .merge(route("/hubspot", hubspot(), runs.clone()))
        .merge(route("/meta", meta(), runs));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// The same routes on actix-web: resources answering every method.
fn start_actix(runs: Arc<AtomicUsize>) -> SocketAddr {
    use actix_web::{App, HttpServer, web};
    use signed_webhooks::actix::Webhook;

    fn resource<P: Provider>(
        path: &str,
        verifier: Verifier<P>,
        runs: Arc<AtomicUsize>,
    ) -> actix_web::Resource {
        let handler = move |_: Webhook<P>| {
            let runs = runs.clone();
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                P::NAME
            }
        };
        web::resource(path)
            .app_data(web::Data::new(verifier))
            .to(handler)
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .service(resource("/stripe", stripe(), runs.clone()))
                    .service(resource("/square", square(), runs.clone()))
                    .service(resource("/twilio", twilio(), runs.clone()))
                    .service(resource("/hubspot", hubspot(), runs.clone()))
                    .service(resource("/meta", meta(), runs.clone()))
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

/// What a receiver answered: status, `Allow` (empty when none), body.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    allow: String,
    body: String,
}

async fn send(
    addr: SocketAddr,
    method: Method,
    path_and_query: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Answer {
    let mut request =
        reqwest::Client::new().request(method, format!("http://{addr}{path_and_query}"));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if !body.is_empty() {
        request = request.body(body.to_vec());
    }
    let response = request.send().await.unwrap();
    let allow = response
        .headers()
        .get("allow")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    Answer {
        status: response.status().as_u16(),
        allow,
        body: response.text().await.unwrap(),
    }
}

fn headers(signed: signed_webhooks::SignedHeaders) -> Vec<(String, String)> {
    signed
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// A 405 naming `allow`, with the short refusal every other refusal has.
fn refused(answer: &Answer, allow: &str, what: &str) {
    assert_eq!(
        (answer.status, answer.allow.as_str()),
        (405, allow),
        "{what}: {}",
        answer.body
    );
    assert_eq!(
        answer.body,
        r#"{"error":{"code":"method_not_allowed","message":"this endpoint does not accept this method"}}"#,
        "{what}"
    );
}

/// The status line of the answer to `head` (a request's head, sent alone
/// over a raw connection), read up to the end of the answer's headers.
async fn status_of_head(addr: SocketAddr, head: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0; 1024];
    // A guard against a hang (a receiver waiting for the body that never
    // comes), not a measurement.
    let read = async {
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).await.unwrap();
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buffer[..n]);
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), read)
        .await
        .expect("an answer without the body");
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn methods_a_provider_never_delivers_with_are_refused_405_with_allow() {
    log::captured();
    let axum_runs = Arc::new(AtomicUsize::new(0));
    let actix_runs = Arc::new(AtomicUsize::new(0));
    let servers = [
        ("axum", start_axum(axum_runs.clone()).await, axum_runs),
        ("actix", start_actix(actix_runs.clone()), actix_runs),
    ];
    let stripe_body = include_bytes!("fixtures/stripe/invoice.paid.json");
    let square_body = include_bytes!("fixtures/square/payment.updated.json");
    for (framework, addr, runs) in servers {
        // A PUT to Stripe's route, even signed as Stripe signs: Stripe
        // only POSTs.
        let signed = headers(
            Signer::<Stripe>::new(STRIPE_SECRET)
                .unwrap()
                .sign(stripe_body),
        );
        let put = send(addr, Method::PUT, "/stripe", &signed, stripe_body).await;
        refused(&put, "POST", &format!("{framework} PUT /stripe"));
        // The same delivery POSTed reaches the handler.
        let post = send(addr, Method::POST, "/stripe", &signed, stripe_body).await;
        assert_eq!(
            (post.status, post.body.as_str()),
            (200, "stripe"),
            "{framework}"
        );

        // A GET to Square's, signed over its URL: Square signs the URL,
        // but only POSTs; nor does it check its endpoint with a GET.
        let url = format!("{ORIGIN}/square");
        let signed = headers(
            Signer::<Square>::for_url(&url, SQUARE_KEY)
                .unwrap()
                .sign(b""),
        );
        let get = send(addr, Method::GET, "/square", &signed, b"").await;
        refused(&get, "POST", &format!("{framework} GET /square"));
        let signed = headers(
            Signer::<Square>::for_url(&url, SQUARE_KEY)
                .unwrap()
                .sign(square_body),
        );
        let post = send(addr, Method::POST, "/square", &signed, square_body).await;
        assert_eq!(
            (post.status, post.body.as_str()),
            (200, "square"),
            "{framework}"
        );

        // Twilio calls with POST or GET; nothing else.
        let delete = send(addr, Method::DELETE, "/twilio", &[], b"").await;
        refused(&delete, "POST, GET", &format!("{framework} DELETE /twilio"));
        // Meta checks its endpoint with a GET, which the endpoint answers too.
        let put = send(addr, Method::PUT, "/meta", &[], b"{}").await;
        refused(&put, "POST, GET", &format!("{framework} PUT /meta"));
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "{framework}: a refusal ran the handler"
        );

        // The method is refused before the body is read: a declared length
        // over any body limit, and no body, is answered 405, not 413 (nor
        // left waiting for the body).
        let head = "PUT /stripe HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n\
                    content-length: 1000000000\r\n\r\n";
        assert_eq!(
            status_of_head(addr, head).await,
            "HTTP/1.1 405 Method Not Allowed",
            "{framework}"
        );
        // Logged as any refusal, with the method and the path.
        let line = log::line_with(&["method_not_allowed", "PUT", "/stripe", "405"]).await;
        assert!(line.contains("WARN"), "{line}");
        assert_eq!(runs.load(Ordering::SeqCst), 2, "{framework}");
    }
}

#[tokio::test]
async fn twilios_gets_and_hubspots_puts_are_verified_and_handled() {
    let axum_runs = Arc::new(AtomicUsize::new(0));
    let actix_runs = Arc::new(AtomicUsize::new(0));
    let servers = [
        ("axum", start_axum(axum_runs.clone()).await, axum_runs),
        ("actix", start_actix(actix_runs.clone()), actix_runs),
    ];
    // Twilio's GET: the parameters in the query, signed as part of the
    // URL, and no body.
    let twilio_path = "/twilio?AccountSid=AC1&CallSid=CA1&CallStatus=completed";
    let twilio_signed = headers(
        Signer::<Twilio>::for_url(&format!("{ORIGIN}{twilio_path}"), TWILIO_TOKEN)
            .unwrap()
            .sign(b""),
    );
    // HubSpot's PUT (`hubspot.fetch()` from a UI extension): v3 signs the
    // method with the URL, the body and the time.
    let hubspot_path = "/hubspot?portalId=62515";
    let hubspot_body = br#"[{"eventId":1,"subscriptionType":"contact.creation"}]"#;
    let hubspot_signer =
        Signer::<HubSpot>::for_url(&format!("{ORIGIN}{hubspot_path}"), HUBSPOT_SECRET).unwrap();
    for (framework, addr, runs) in servers {
        let get = send(addr, Method::GET, twilio_path, &twilio_signed, b"").await;
        assert_eq!(
            (get.status, get.body.as_str()),
            (200, "twilio"),
            "{framework}"
        );
        // The query is signed: another one is refused, unsigned or not.
        let other = "/twilio?AccountSid=AC1&CallSid=CA1&CallStatus=failed";
        let forged = send(addr, Method::GET, other, &twilio_signed, b"").await;
        assert_eq!(forged.status, 401, "{framework}: {}", forged.body);
        let unsigned = send(addr, Method::GET, twilio_path, &[], b"").await;
        assert_eq!(unsigned.status, 400, "{framework}: {}", unsigned.body);

        let signed = headers(
            hubspot_signer
                .clone()
                .with_method("PUT")
                .unwrap()
                .sign(hubspot_body),
        );
        let put = send(addr, Method::PUT, hubspot_path, &signed, hubspot_body).await;
        assert_eq!(
            (put.status, put.body.as_str()),
            (200, "hubspot"),
            "{framework}"
        );
        // Signed as a PUT, sent as a PATCH (a method HubSpot calls with):
        // verified, and refused.
        let patch = send(addr, Method::PATCH, hubspot_path, &signed, hubspot_body).await;
        assert_eq!(patch.status, 401, "{framework}: {}", patch.body);
        // A method HubSpot never calls with.
        let options = send(addr, Method::OPTIONS, hubspot_path, &signed, b"").await;
        refused(
            &options,
            "POST, GET, PUT, PATCH, DELETE",
            &format!("{framework} OPTIONS /hubspot"),
        );
        assert_eq!(runs.load(Ordering::SeqCst), 2, "{framework}");
    }
}

/// A provider's `METHODS` that would refuse every delivery is refused when
/// its verifier is built, not discovered as 405s in production.
#[test]
fn methods_that_would_refuse_every_delivery_are_a_configuration_error() {
    use signed_webhooks::{ConfigError, Provider, Scheme};

    struct Lowercase;
    impl Provider for Lowercase {
        const NAME: &'static str = "lowercase";
        type Event = serde_json::Value;
        const METHODS: &'static [&'static str] = &["post"];
        fn scheme() -> Scheme {
            Scheme::body("x-signature")
        }
    }
    struct NoMethod;
    impl Provider for NoMethod {
        const NAME: &'static str = "no-method";
        type Event = serde_json::Value;
        const METHODS: &'static [&'static str] = &[];
        fn scheme() -> Scheme {
            Scheme::body("x-signature")
        }
    }
    const KEY: &str = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
    assert!(matches!(
        Verifier::<Lowercase>::new(KEY),
        Err(ConfigError::InvalidMethods {
            provider: "lowercase",
            ..
        })
    ));
    assert!(matches!(
        Verifier::<NoMethod>::new(KEY),
        Err(ConfigError::InvalidMethods {
            provider: "no-method",
            ..
        })
    ));
}

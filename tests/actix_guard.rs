//! `actix::ProviderGuard`: one URL serving Stripe, GitHub and Slack over
//! real HTTP. The guard routes on the shape of unsigned headers; the
//! route's extractor verifies. So each provider's delivery reaches its own
//! handler, a request with none of their headers matches no resource
//! (404), and one with Stripe's header shape but a forged signature reaches
//! Stripe's resource and is refused there (401): the guard verified
//! nothing.
#![cfg(feature = "actix")]

#[path = "common/serve.rs"]
mod serve;
mod support;

use std::net::SocketAddr;

use signed_webhooks::{GitHub, Provider, Signer, Slack, Stripe};
use support::{OTHER_SECRET, SECRET, fixture};

/// Slack's signing secret in this test: a third one.
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// An actix-web server with three resources on `/webhooks`, one per
/// provider, each behind its `ProviderGuard`; each handler answers its
/// provider's name and what it verified.
fn start() -> SocketAddr {
    use actix_web::{App, HttpResponse, web};
    use signed_webhooks::Verifier;
    use signed_webhooks::actix::{ProviderGuard, Webhook};

    async fn stripe(event: Webhook<Stripe>) -> HttpResponse {
        HttpResponse::Ok().body(format!("stripe {}", event.id()))
    }
    async fn github(event: Webhook<GitHub>) -> HttpResponse {
        HttpResponse::Ok().body(format!("github {}", event.event_type()))
    }
    async fn slack(event: Webhook<Slack>) -> HttpResponse {
        HttpResponse::Ok().body(format!("slack {}", event.event_type()))
    }

    serve::actix(1, || {
        App::new()
            .app_data(Verifier::<Stripe>::new(SECRET).unwrap())
            .app_data(Verifier::<GitHub>::new(OTHER_SECRET).unwrap())
            .app_data(Verifier::<Slack>::new(SLACK_SECRET).unwrap())
            .service(
                web::resource("/webhooks")
                    .guard(ProviderGuard::<Stripe>::new())
                    .route(web::post().to(stripe)),
            )
            .service(
                web::resource("/webhooks")
                    .guard(ProviderGuard::<GitHub>::new())
                    .route(web::post().to(github)),
            )
            .service(
                web::resource("/webhooks")
                    .guard(ProviderGuard::<Slack>::new())
                    .route(web::post().to(slack)),
            )
    })
}

/// POSTs `body` with `headers` to `/webhooks`: the status and the body.
async fn post(addr: SocketAddr, headers: &[(String, String)], body: &[u8]) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .post(format!("http://{addr}/webhooks"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn signed<P: Provider>(secret: &str, body: &[u8]) -> Vec<(String, String)> {
    Signer::<P>::new(secret)
        .unwrap()
        .sign_at(body, unix_now())
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

fn body(name: &str) -> Vec<u8> {
    let mut body = fixture(name);
    if body.last() == Some(&b'\n') {
        body.pop();
    }
    body
}

#[tokio::test]
async fn one_url_routes_each_provider_to_its_handler_and_verifies_there() {
    let addr = start();

    // Each provider's delivery reaches its own handler, verified.
    let stripe_body = body("stripe/invoice.paid.json");
    let (status, text) = post(addr, &signed::<Stripe>(SECRET, &stripe_body), &stripe_body).await;
    assert_eq!(
        (status, text.as_str()),
        (200, "stripe evt_1P9yA1LkdIwHu7ixZ9y8X7w6")
    );

    let github_body = body("github/issues.opened.json");
    let mut headers = signed::<GitHub>(OTHER_SECRET, &github_body);
    headers.push(("x-github-event".into(), "issues".into()));
    let (status, text) = post(addr, &headers, &github_body).await;
    assert_eq!((status, text.as_str()), (200, "github issues"));

    let slack_body = body("slack/app_mention.json");
    let (status, text) = post(
        addr,
        &signed::<Slack>(SLACK_SECRET, &slack_body),
        &slack_body,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(text.starts_with("slack "), "{text}");

    // None of their headers: no resource matches, actix-web answers 404.
    let (status, _) = post(addr, &[], &stripe_body).await;
    assert_eq!(status, 404);
    // Stripe's header, malformed: not Stripe's shape, so 404 too.
    let garbage = [("stripe-signature".to_owned(), "garbage".to_owned())];
    assert_eq!(post(addr, &garbage, &stripe_body).await.0, 404);
    // Slack's signature without its signed timestamp header: 404.
    let mut headers = signed::<Slack>(SLACK_SECRET, &slack_body);
    headers.retain(|(name, _)| name != "x-slack-request-timestamp");
    assert_eq!(post(addr, &headers, &slack_body).await.0, 404);

    // Stripe's header shape, a forged signature: routed to Stripe's
    // resource, whose extractor refuses it. The guard verified nothing.
    let forged = [(
        "stripe-signature".to_owned(),
        format!("t={},v1={}", unix_now(), "ab".repeat(32)),
    )];
    let (status, text) = post(addr, &forged, &stripe_body).await;
    assert_eq!(status, 401, "{text}");
    assert!(!text.starts_with("stripe "), "{text}");
    // Signed with another provider's secret: Stripe's route refuses it too.
    let (status, _) = post(
        addr,
        &signed::<Stripe>(OTHER_SECRET, &stripe_body),
        &stripe_body,
    )
    .await;
    assert_eq!(status, 401);
    // GitHub's shape and secret, but the body changed after signing: 401.
    let mut headers = signed::<GitHub>(OTHER_SECRET, &github_body);
    headers.push(("x-github-event".into(), "issues".into()));
    let mut changed = github_body.clone();
    changed.push(b' ');
    assert_eq!(post(addr, &headers, &changed).await.0, 401);
}

/// `Scheme::matches_headers`, which the guard calls: the shape of each
/// header the scheme reads, not its truth.
#[test]
fn matches_headers_reads_the_shape_only() {
    let scheme = Stripe::scheme();
    let header = |value: &str| [("Stripe-Signature", value.to_owned())];
    let tag = "0".repeat(64);
    assert!(scheme.matches_headers(&header(&format!("t=1,v1={tag}"))));
    assert!(!scheme.matches_headers(&header(&format!("t=soon,v1={tag}"))));
    assert!(!scheme.matches_headers(&header("v1=")));
    // Twice the header: no single value, no match.
    let twice = [
        ("stripe-signature", format!("t=1,v1={tag}")),
        ("stripe-signature", format!("t=2,v1={tag}")),
    ];
    assert!(!scheme.matches_headers(&twice));
    // GitHub's needs its prefix; Slack's its timestamp header.
    let github = GitHub::scheme();
    assert!(github.matches_headers(&[("x-hub-signature-256", format!("sha256={tag}"))]));
    assert!(!github.matches_headers(&[("x-hub-signature-256", tag.clone())]));
    let slack = Slack::scheme();
    let signature = ("x-slack-signature", format!("v0={tag}"));
    assert!(!slack.matches_headers(std::slice::from_ref(&signature)));
    assert!(slack.matches_headers(&[signature.clone(), ("x-slack-request-timestamp", "1".into())]));
    assert!(!slack.matches_headers(&[signature, ("x-slack-request-timestamp", "soon".into())]));
}

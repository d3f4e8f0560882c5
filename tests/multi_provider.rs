//! Several providers in one app, through both frameworks: each handler
//! gets its own provider's verifier (and secret), and one duplicate store
//! serves them all without taking one provider's id for another's.
#![cfg(all(feature = "axum", feature = "actix", feature = "standard-webhooks"))]

mod common;

use common::{OTHER_SECRET, SECRET, fixture, now, with_fields};
use signed_webhooks::{
    Exchange, GitHub, Provider, SignedHeaders, Signer, StandardWebhooks, Stripe, Svix, Unleeshed,
};

/// Stripe's secret in these tests.
const STRIPE_SECRET: &str = SECRET;
/// GitHub's: another one.
const GITHUB_SECRET: &str = OTHER_SECRET;

/// A request: where, the headers, the body, and the status it must get.
struct Attempt {
    name: &'static str,
    path: &'static str,
    headers: SignedHeaders,
    extra: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
    status: u16,
}

/// The two-provider attempts: each route accepts its provider's delivery
/// signed with its provider's secret, and nothing else.
fn two_provider_attempts() -> Vec<Attempt> {
    let stripe_body = fixture("stripe/invoice.paid.json");
    let github_body = fixture("github/issues.opened.json");
    let github_headers = vec![("X-GitHub-Event", "issues"), ("X-GitHub-Delivery", "d-1")];
    let stripe = |secret: &str, body: &[u8]| Signer::<Stripe>::new(secret).unwrap().sign(body);
    let github = |secret: &str, body: &[u8]| Signer::<GitHub>::new(secret).unwrap().sign(body);
    vec![
        Attempt {
            name: "a Stripe delivery at the Stripe route",
            path: "/stripe",
            headers: stripe(STRIPE_SECRET, &stripe_body),
            extra: vec![],
            body: stripe_body.clone(),
            status: 200,
        },
        Attempt {
            name: "a GitHub delivery at the GitHub route",
            path: "/github",
            headers: github(GITHUB_SECRET, &github_body),
            extra: github_headers.clone(),
            body: github_body.clone(),
            status: 200,
        },
        Attempt {
            name: "a Stripe-signed request at the GitHub route",
            path: "/github",
            headers: stripe(STRIPE_SECRET, &github_body),
            extra: github_headers.clone(),
            body: github_body.clone(),
            status: 400,
        },
        Attempt {
            name: "GitHub's signature made with Stripe's secret",
            path: "/github",
            headers: github(STRIPE_SECRET, &github_body),
            extra: github_headers.clone(),
            body: github_body.clone(),
            status: 401,
        },
        Attempt {
            name: "Stripe's signature made with GitHub's secret",
            path: "/stripe",
            headers: stripe(GITHUB_SECRET, &stripe_body),
            extra: vec![],
            body: stripe_body.clone(),
            status: 401,
        },
        Attempt {
            name: "a GitHub-signed request at the Stripe route",
            path: "/stripe",
            headers: github(GITHUB_SECRET, &stripe_body),
            extra: vec![],
            body: stripe_body,
            status: 400,
        },
    ]
}

/// The answers the two-provider handlers give to accepted attempts.
const STRIPE_ANSWER: &str = "stripe evt_1P9yA1LkdIwHu7ixZ9y8X7w6";
const GITHUB_ANSWER: &str = "github issues.opened";

/// The same id, `evt_shared`, in deliveries of three providers that sign
/// alike: the very same request to the Unleeshed and exchange routes, and
/// a Stripe event of that id; and one `webhook-id` under Standard Webhooks
/// and Svix.
fn shared_id_requests() -> Vec<(&'static str, SignedHeaders, Vec<u8>)> {
    let body = with_fields(
        &fixture("unleeshed/creator.approved.json"),
        &[("id", "evt_shared".into())],
    );
    let unleeshed = Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body);
    let stripe_body = with_fields(
        &fixture("stripe/invoice.paid.json"),
        &[("id", "evt_shared".into())],
    );
    let stripe = Signer::<Stripe>::new(SECRET).unwrap().sign(&stripe_body);
    let standard_body = fixture("standard/contact.created.json");
    let standard = Signer::<StandardWebhooks>::new(SECRET)
        .unwrap()
        .sign_with_id(&standard_body, now(), "msg_shared");
    vec![
        ("/unleeshed", unleeshed.clone(), body.clone()),
        ("/exchange", unleeshed, body),
        ("/stripe", stripe, stripe_body),
        ("/standard", standard.clone(), standard_body.clone()),
        ("/svix", standard, standard_body),
    ]
}

const SHARED_KEYS: [&str; 5] = [
    "unleeshed:id:evt_shared",
    "exchange:id:evt_shared",
    "stripe:id:evt_shared",
    "standard-webhooks:id:msg_shared",
    "svix:id:msg_shared",
];

mod axum_app {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::extract::FromRef;
    use axum::http::Request;
    use axum::routing::post;
    use http_body_util::BodyExt;
    use signed_webhooks::Verifier;
    use signed_webhooks::axum::{Delivery, Webhook};
    use signed_webhooks::dedup::Deduplicator;
    use tower::ServiceExt;

    #[derive(Clone)]
    struct Webhooks {
        stripe: Verifier<Stripe>,
        github: Verifier<GitHub>,
    }
    impl FromRef<Webhooks> for Verifier<Stripe> {
        fn from_ref(state: &Webhooks) -> Self {
            state.stripe.clone()
        }
    }
    impl FromRef<Webhooks> for Verifier<GitHub> {
        fn from_ref(state: &Webhooks) -> Self {
            state.github.clone()
        }
    }

    async fn send(
        app: &Router,
        path: &str,
        headers: &SignedHeaders,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        let mut request = Request::post(path);
        for (name, value) in headers.iter().chain(extra.iter().copied()) {
            request = request.header(name, value);
        }
        let request = request.body(Body::from(body.to_vec())).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn each_handler_gets_its_providers_verifier() {
        async fn stripe(event: Webhook<Stripe>) -> String {
            format!("stripe {}", event.id())
        }
        async fn github(event: Webhook<GitHub>) -> String {
            format!(
                "github {}.{}",
                event.event_type(),
                event.action().unwrap_or("-")
            )
        }
        let app = Router::new()
            .route("/stripe", post(stripe))
            .route("/github", post(github))
            .with_state(Webhooks {
                stripe: Verifier::new(STRIPE_SECRET).unwrap(),
                github: Verifier::new(GITHUB_SECRET).unwrap(),
            });
        for attempt in two_provider_attempts() {
            let (status, body) = send(
                &app,
                attempt.path,
                &attempt.headers,
                &attempt.extra,
                &attempt.body,
            )
            .await;
            assert_eq!(status, attempt.status, "{}: {body}", attempt.name);
            if status == 200 {
                let expected = if attempt.path == "/stripe" {
                    STRIPE_ANSWER
                } else {
                    GITHUB_ANSWER
                };
                assert_eq!(body, expected, "{}", attempt.name);
            }
        }
    }

    /// Every verifier of the app as state (all sharing one secret here).
    #[derive(Clone)]
    struct Shared;
    macro_rules! from_ref {
        ($($provider:ty),+) => {$(
            impl FromRef<Shared> for Verifier<$provider> {
                fn from_ref(_: &Shared) -> Self {
                    Verifier::new(SECRET).unwrap()
                }
            }
        )+};
    }
    from_ref!(Unleeshed, Exchange, Stripe, StandardWebhooks, Svix);

    async fn claim<P: Provider>(delivery: Delivery<P, serde_json::Value>) -> String {
        let duplicate = delivery.is_duplicate();
        let webhook = delivery.into_inner();
        let key = webhook.delivery_key().unwrap_or("no key").to_owned();
        format!("{} {key}", if duplicate { "duplicate" } else { "first" })
    }

    #[tokio::test]
    async fn one_deduplication_layer_keeps_providers_apart() {
        let app = Router::new()
            .route("/unleeshed", post(claim::<Unleeshed>))
            .route("/exchange", post(claim::<Exchange>))
            .route("/stripe", post(claim::<Stripe>))
            .route("/standard", post(claim::<StandardWebhooks>))
            .route("/svix", post(claim::<Svix>))
            .with_state(Shared)
            .layer(Deduplicator::in_memory());
        let requests = shared_id_requests();
        // The same id under each provider: a first delivery each time.
        for ((path, headers, body), key) in requests.iter().zip(SHARED_KEYS) {
            let answer = send(&app, path, headers, &[], body).await;
            assert_eq!(answer, (200, format!("first {key}")), "{path}");
        }
        // Each redelivered: now a duplicate, of its own provider's.
        for ((path, headers, body), key) in requests.iter().zip(SHARED_KEYS) {
            let answer = send(&app, path, headers, &[], body).await;
            assert_eq!(answer, (200, format!("duplicate {key}")), "{path}");
        }
    }
}

mod actix_app {
    use super::*;
    use actix_web::dev::Service;
    use actix_web::{App, test, web};
    use signed_webhooks::Verifier;
    use signed_webhooks::actix::{Delivery, Webhook};
    use signed_webhooks::dedup::Deduplicator;

    fn request(
        path: &str,
        headers: &SignedHeaders,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> actix_web::test::TestRequest {
        let mut request = test::TestRequest::post().uri(path);
        for (name, value) in headers.iter().chain(extra.iter().copied()) {
            request = request.append_header((name, value));
        }
        request.set_payload(body.to_vec())
    }

    #[actix_web::test]
    async fn each_handler_gets_its_providers_verifier() {
        async fn stripe(event: Webhook<Stripe>) -> String {
            format!("stripe {}", event.id())
        }
        async fn github(event: Webhook<GitHub>) -> String {
            format!(
                "github {}.{}",
                event.event_type(),
                event.action().unwrap_or("-")
            )
        }
        let service = test::init_service(
            App::new()
                .app_data(web::Data::new(
                    Verifier::<Stripe>::new(STRIPE_SECRET).unwrap(),
                ))
                .app_data(web::Data::new(
                    Verifier::<GitHub>::new(GITHUB_SECRET).unwrap(),
                ))
                .route("/stripe", web::post().to(stripe))
                .route("/github", web::post().to(github)),
        )
        .await;
        for attempt in two_provider_attempts() {
            let request = request(
                attempt.path,
                &attempt.headers,
                &attempt.extra,
                &attempt.body,
            );
            let response = service.call(request.to_request()).await.unwrap();
            let status = response.status().as_u16();
            let body = test::read_body(response).await;
            let body = String::from_utf8_lossy(&body);
            assert_eq!(status, attempt.status, "{}: {body}", attempt.name);
            if status == 200 {
                let expected = if attempt.path == "/stripe" {
                    STRIPE_ANSWER
                } else {
                    GITHUB_ANSWER
                };
                assert_eq!(body, expected, "{}", attempt.name);
            }
        }
    }

    async fn claim<P: Provider>(delivery: Delivery<P, serde_json::Value>) -> String {
        let duplicate = delivery.is_duplicate();
        let webhook = delivery.into_inner();
        let key = webhook.delivery_key().unwrap_or("no key").to_owned();
        format!("{} {key}", if duplicate { "duplicate" } else { "first" })
    }

    #[actix_web::test]
    async fn one_deduplication_middleware_keeps_providers_apart() {
        let service = test::init_service(
            App::new()
                .app_data(web::Data::new(Verifier::<Unleeshed>::new(SECRET).unwrap()))
                .app_data(web::Data::new(Verifier::<Exchange>::new(SECRET).unwrap()))
                .app_data(web::Data::new(Verifier::<Stripe>::new(SECRET).unwrap()))
                .app_data(web::Data::new(
                    Verifier::<StandardWebhooks>::new(SECRET).unwrap(),
                ))
                .app_data(web::Data::new(Verifier::<Svix>::new(SECRET).unwrap()))
                .wrap(Deduplicator::in_memory())
                .route("/unleeshed", web::post().to(claim::<Unleeshed>))
                .route("/exchange", web::post().to(claim::<Exchange>))
                .route("/stripe", web::post().to(claim::<Stripe>))
                .route("/standard", web::post().to(claim::<StandardWebhooks>))
                .route("/svix", web::post().to(claim::<Svix>)),
        )
        .await;
        let requests = shared_id_requests();
        for round in ["first", "duplicate"] {
            for ((path, headers, body), key) in requests.iter().zip(SHARED_KEYS) {
                let response = service
                    .call(request(path, headers, &[], body).to_request())
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200, "{path}");
                let body = test::read_body(response).await;
                assert_eq!(
                    String::from_utf8_lossy(&body),
                    format!("{round} {key}"),
                    "{path}"
                );
            }
        }
    }
}

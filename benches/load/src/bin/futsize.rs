//! The size of the crate's axum extractor futures and of axum's boxed
//! handler futures around them, beside the bare `Bytes` handler's: every
//! request allocates the handler's future and moves it, and glibc's
//! per-thread cache serves allocations up to 1032 bytes (larger ones take
//! its slower paths).
//!
//! `cargo run --release --bin futsize`

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::handler::Handler;
use axum::http::StatusCode;
use signed_webhooks::axum::{Webhook, WebhookBody};
use signed_webhooks::{Unleeshed, Verifier};
use signed_webhooks_load::SECRET;

async fn plain(_body: Bytes) -> StatusCode {
    StatusCode::OK
}

async fn body(_body: WebhookBody<Unleeshed>) -> StatusCode {
    StatusCode::OK
}

async fn event(_event: Webhook<Unleeshed>) -> StatusCode {
    StatusCode::OK
}

fn main() {
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let request = || Request::new(axum::body::Body::empty());
    let size = |name: &str, bytes: usize| println!("{name:<40} {bytes:>5} bytes");

    let f = <Bytes as FromRequest<_>>::from_request(request(), &verifier);
    size("Bytes::from_request", std::mem::size_of_val(&f));
    let f = WebhookBody::<Unleeshed>::from_request(request(), &verifier);
    size(
        "WebhookBody<Unleeshed>::from_request",
        std::mem::size_of_val(&f),
    );
    let f = Webhook::<Unleeshed>::from_request(request(), &verifier);
    size(
        "Webhook<Unleeshed>::from_request",
        std::mem::size_of_val(&f),
    );
    let f = Handler::<_, Verifier<Unleeshed>>::call(plain, request(), verifier.clone());
    size("handler future, plain (boxed)", std::mem::size_of_val(&*f));
    let f = Handler::<_, Verifier<Unleeshed>>::call(body, request(), verifier.clone());
    size("handler future, body (boxed)", std::mem::size_of_val(&*f));
    let f = Handler::<_, Verifier<Unleeshed>>::call(event, request(), verifier.clone());
    size("handler future, event (boxed)", std::mem::size_of_val(&*f));
}

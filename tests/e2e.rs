//! End to end: the example receivers' own routes served on loopback ports,
//! real HTTP from a real client, and the example binaries themselves.
#![cfg(all(feature = "axum", feature = "actix"))]
// Both examples include their shared `support` module; here both are included.
#![allow(clippy::duplicate_mod)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::requests::{self, Case};
use common::{SECRET, fixture};
use signed_webhooks::replay::Deduplicator;
use signed_webhooks::{Signer, Verifier};

#[allow(dead_code)]
#[path = "../examples/axum_receiver.rs"]
mod axum_receiver;

#[allow(dead_code)]
#[path = "../examples/actix_receiver.rs"]
mod actix_receiver;

/// Serves the axum example's router on an ephemeral loopback port.
async fn start_axum() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum_receiver::app(Verifier::new(SECRET).unwrap(), Deduplicator::in_memory());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Serves the actix-web example's app on an ephemeral loopback port.
fn start_actix() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let verifier = actix_web::web::Data::new(Verifier::new(SECRET).unwrap());
            let dedup = Deduplicator::in_memory();
            let server = actix_web::HttpServer::new(move || {
                actix_receiver::app(verifier.clone(), dedup.clone())
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

async fn send(client: &reqwest::Client, addr: SocketAddr, case: &Case) -> (u16, Vec<u8>) {
    let mut request = client
        .post(format!("http://{addr}{}", case.path))
        .body(case.body.clone());
    for (name, value) in &case.headers {
        request = request.header(
            *name,
            reqwest::header::HeaderValue::from_bytes(value).unwrap(),
        );
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn run_table(addr: SocketAddr) {
    let client = reqwest::Client::new();
    for case in &requests::cases() {
        let (status, body) = send(&client, addr, case).await;
        requests::check(case, status, &body);
    }
}

#[tokio::test]
async fn axum_receiver_over_real_http() {
    run_table(start_axum().await).await;
}

#[tokio::test]
async fn actix_receiver_over_real_http() {
    run_table(start_actix()).await;
}

/// Sends the head of a 10 MiB POST and not one byte of its body, then
/// waits for the answer: it can only come if the receiver decided without
/// the body.
fn answer_before_upload(addr: SocketAddr, signature: Option<&str>) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let signature = signature
        .map(|s| format!("X-Unleeshed-Signature: {s}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "POST /webhooks/unleeshed HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n{signature}\r\n",
        10 * 1024 * 1024
    )
    .unwrap();
    let mut answer = [0u8; 1024];
    let n = stream
        .read(&mut answer)
        .expect("no answer while the body was held back");
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

#[tokio::test]
async fn unsigned_10_mib_uploads_are_refused_before_the_body_is_sent() {
    let axum = start_axum().await;
    let actix = start_actix();
    let stale = Signer::new(SECRET)
        .unwrap()
        .sign_at(b"", requests::now() - 3600);
    for addr in [axum, actix] {
        let answer = tokio::task::spawn_blocking(move || answer_before_upload(addr, None))
            .await
            .unwrap();
        assert!(answer.starts_with("HTTP/1.1 400"), "{addr}: {answer}");
        assert!(answer.contains("missing_signature_header"), "{answer}");
        let stale = stale.clone();
        let answer = tokio::task::spawn_blocking(move || answer_before_upload(addr, Some(&stale)))
            .await
            .unwrap();
        assert!(answer.starts_with("HTTP/1.1 401"), "{addr}: {answer}");
        assert!(answer.contains("timestamp_too_old"), "{answer}");
    }
}

/// A running example binary, killed when dropped.
struct Example {
    child: Child,
    stdout: BufReader<std::process::ChildStdout>,
    addr: String,
}

impl Example {
    /// Starts `target/<profile>/examples/<name>` (cargo test builds the
    /// examples) on an ephemeral port, and waits until it listens.
    fn start(name: &str) -> Example {
        let exe = std::env::current_exe().unwrap();
        let dir: PathBuf = exe.parent().unwrap().parent().unwrap().join("examples");
        let path = dir.join(name);
        assert!(
            path.exists(),
            "{} is missing: run the tests with `cargo test --all-features`",
            path.display()
        );
        let mut child = Command::new(&path)
            .env("WEBHOOK_SECRET", SECRET)
            .env("ADDR", "127.0.0.1:0")
            .env_remove("REDIS_URL")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut example = Example {
            child,
            stdout,
            addr: String::new(),
        };
        // Killed on drop from here on, even if it never listens.
        loop {
            let line = example.next_line();
            if let Some(addr) = line.strip_prefix("listening on http://") {
                example.addr = addr.to_owned();
                return example;
            }
            assert!(!line.is_empty(), "{name} exited before listening");
        }
    }

    fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim_end().to_owned()
    }

    /// Ctrl-C, then waits for a clean exit.
    fn interrupt(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        (self.child.wait().unwrap(), rest)
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_example_binaries_process_events_and_stop_on_ctrl_c() {
    let client = reqwest::Client::new();
    for name in ["axum_receiver", "actix_receiver"] {
        let mut example = Example::start(name);
        for (path, fixture_name, expected) in [
            (
                "unleeshed",
                "unleeshed/creator.approved.json",
                "processed evt_01JD7X4K2M9Q8R5T3V6W1Y0Z2A creator.approved",
            ),
            (
                "exchange",
                "exchange/order.created.json",
                "processed evt_6f1c2a7e-0b44-4d5e-9a3c-1f2e3d4c5b6a order.created",
            ),
        ] {
            let body = fixture(fixture_name);
            let response = client
                .post(format!("http://{}/webhooks/{path}", example.addr))
                .header(
                    "X-Unleeshed-Signature",
                    Signer::new(SECRET).unwrap().sign(&body),
                )
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{name}");
            assert_eq!(example.next_line(), expected, "{name}");
        }
        let refused = client
            .post(format!("http://{}/webhooks/unleeshed", example.addr))
            .body(fixture("unleeshed/creator.approved.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400, "{name}");

        let (status, rest) = example.interrupt();
        assert!(status.success(), "{name} exited with {status}");
        assert_eq!(
            rest.trim(),
            "shutting down",
            "{name}: nothing was processed for the refused request"
        );
    }
}

/// A signed id holding a newline prints one escaped line, not a forged
/// `processed` line of its own.
#[tokio::test]
async fn the_example_binaries_print_ids_escaped() {
    let client = reqwest::Client::new();
    for name in ["axum_receiver", "actix_receiver"] {
        let mut example = Example::start(name);
        let body = serde_json::json!({
            "id": "evt_1\nprocessed evt_forged creator.approved",
            "type": "creator.approved",
            "created_at": "2026-11-22T10:00:00Z",
            "data": { "external_reference": "post-7" }
        })
        .to_string();
        let response = client
            .post(format!("http://{}/webhooks/unleeshed", example.addr))
            .header(
                "X-Unleeshed-Signature",
                Signer::new(SECRET).unwrap().sign(body.as_bytes()),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(
            example.next_line(),
            r"processed evt_1\nprocessed evt_forged creator.approved creator.approved",
            "{name}"
        );
        let (_, rest) = example.interrupt();
        assert_eq!(rest.trim(), "shutting down", "{name}");
    }
}

/// What a slow client gets from the example binaries: a connection that
/// never finishes its headers is closed, and a request whose body stalls
/// is answered 408, each within its timeout (5 s and 10 s) and a margin.
#[test]
fn the_example_binaries_time_out_slow_clients() {
    let checks: Vec<_> = ["axum_receiver", "actix_receiver"]
        .into_iter()
        .map(|name| {
            std::thread::spawn(move || {
                let example = Example::start(name);
                let addr: SocketAddr = example.addr.parse().unwrap();

                // Headers that never end.
                let mut silent = TcpStream::connect(addr).unwrap();
                silent
                    .set_read_timeout(Some(Duration::from_secs(15)))
                    .unwrap();
                write!(silent, "POST /webhooks/unleeshed HTTP/1.1\r\nHost: x\r\n").unwrap();

                // A signed request whose body stops halfway.
                let body = fixture("unleeshed/creator.approved.json");
                let mut stalled = TcpStream::connect(addr).unwrap();
                stalled
                    .set_read_timeout(Some(Duration::from_secs(20)))
                    .unwrap();
                write!(
                    stalled,
                    "POST /webhooks/unleeshed HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\
                     X-Unleeshed-Signature: {}\r\n\r\n",
                    body.len(),
                    Signer::new(SECRET).unwrap().sign(&body)
                )
                .unwrap();
                stalled.write_all(&body[..body.len() / 2]).unwrap();

                let mut answer = Vec::new();
                // Closed (possibly after a 408): read to the end, no timeout error.
                silent
                    .read_to_end(&mut answer)
                    .unwrap_or_else(|e| panic!("{name}: the silent connection stayed open: {e}"));
                let mut answer = [0u8; 64];
                let n = stalled
                    .read(&mut answer)
                    .unwrap_or_else(|e| panic!("{name}: the stalled request got no answer: {e}"));
                let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
                assert!(answer.starts_with("HTTP/1.1 408"), "{name}: {answer}");
                drop(example);
            })
        })
        .collect();
    for check in checks {
        check.join().unwrap();
    }
}

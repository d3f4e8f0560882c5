//! End to end: the example receiver binaries, real HTTP from a real
//! client, and the `signed-webhooks` command driving them.
//!
//! The binaries are built by `cargo test --all-features` (or `cargo build
//! --all-features --examples`). They are driven rather than their `app()`
//! served in-process, since they take their secrets from the environment
//! only, and a test cannot set its own environment safely; driving them
//! also checks what they print: one `processed` line per event.
#![cfg(all(
    feature = "axum",
    feature = "actix",
    feature = "redis",
    feature = "standard-webhooks"
))]

mod common;

#[macro_use]
#[path = "support/presets.rs"]
mod presets;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::requests::{self, Case, ROUTES};
use common::{SECRET, fixture, now};
use signed_webhooks::{
    Exchange, Provider, SignedHeaders, Signer, StandardWebhooks, Stripe, Unleeshed,
};

const RECEIVERS: [&str; 2] = ["axum_receiver", "actix_receiver"];

/// Every provider's secret variable, unset for the binaries so that only
/// `WEBHOOK_SECRET` applies.
const SECRET_VARS: &[&str] = &[
    "UNLEESHED_WEBHOOK_SECRET",
    "EXCHANGE_WEBHOOK_SECRET",
    "STRIPE_WEBHOOK_SECRET",
    "COMMET_WEBHOOK_SECRET",
    "LEADLEX_WEBHOOK_SECRET",
    "GITHUB_WEBHOOK_SECRET",
    "STANDARD_WEBHOOK_SECRET",
    "META_VERIFY_TOKEN",
];

/// The verify token the receivers are given for Meta's endpoint check.
const META_VERIFY_TOKEN: &str = "meatyhamhock";

/// The path of an example binary (cargo builds them next to the tests).
fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test --all-features` (or build the examples \
         with `cargo build --all-features --examples`)",
        path.display()
    );
    path
}

/// A running example receiver, killed when dropped.
struct Example {
    name: &'static str,
    child: Child,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    addr: String,
}

impl Example {
    /// Starts the receiver on an ephemeral port with [`SECRET`] for every
    /// route, and waits until it listens.
    fn start(name: &'static str) -> Example {
        Example::start_with(name, &[])
    }

    /// [`Example::start`], with variables of `env` set (`DATABASE_URL`).
    fn start_with(name: &'static str, env: &[(&str, &str)]) -> Example {
        let mut command = Command::new(example_path(name));
        for var in SECRET_VARS {
            command.env_remove(var);
        }
        command.env_remove("DATABASE_URL");
        command.env_remove("PUBLIC_ORIGIN");
        command.envs(env.iter().copied());
        let mut child = command
            .env("WEBHOOK_SECRET", SECRET)
            .env("ADDR", "127.0.0.1:0")
            .env_remove("REDIS_URL")
            .env_remove("DEDUP_CAPACITY")
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in stdout.lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let log = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                log.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut example = Example {
            name,
            child,
            lines,
            stderr,
            addr: String::new(),
        };
        // Killed on drop from here on, even if it never listens.
        loop {
            let line = example.next_line();
            if let Some(addr) = line.strip_prefix("listening on http://") {
                example.addr = addr.to_owned();
                return example;
            }
        }
    }

    fn addr(&self) -> SocketAddr {
        self.addr.parse().unwrap()
    }

    /// The next line the receiver prints, within ten seconds.
    fn next_line(&mut self) -> String {
        match self.lines.recv_timeout(Duration::from_secs(10)) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => panic!(
                "{}: printed nothing for 10 s; its log:\n{}",
                self.name,
                self.stderr.lock().unwrap()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "{}: exited; its log:\n{}",
                self.name,
                self.stderr.lock().unwrap()
            ),
        }
    }

    /// Ctrl-C, then waits for a clean exit; returns what it printed since
    /// the last line read.
    fn interrupt(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = self.child.wait().unwrap();
        let rest: Vec<String> = self.lines.iter().collect();
        (status, rest.join("\n"))
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn send(client: &reqwest::Client, addr: &str, case: &Case) -> (u16, Vec<u8>) {
    if case.body.len() >= requests::OVERSIZED {
        let addr: SocketAddr = addr.parse().unwrap();
        let case_head = head(addr, case);
        return tokio::task::spawn_blocking(move || answer_to_head(addr, &case_head))
            .await
            .unwrap();
    }
    let mut request = client
        .post(format!("http://{addr}{}", case.path))
        .body(case.body.clone());
    for (name, value) in &case.headers {
        request = request.header(
            name.as_str(),
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

/// The head of `case`'s request, `Content-Length` included.
fn head(addr: SocketAddr, case: &Case) -> Vec<u8> {
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        case.path,
        case.body.len()
    )
    .into_bytes();
    for (name, value) in &case.headers {
        head.extend_from_slice(name.as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// Sends a request's head alone and reads the answer, for a body a
/// receiver refuses by its declared length: the receiver answers and
/// closes without reading it, which a client still uploading the body
/// would see as a reset rather than an answer.
fn answer_to_head(addr: SocketAddr, head: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(head).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map_or(&b""[..], |(head, _)| &answer[head.len() + 4..]);
    (status, body.to_vec())
}

/// The whole table, in order, against each binary: every answer as the
/// table says, one `processed` line per first delivery and one
/// `duplicate` line per duplicate, in order, and nothing for a refusal.
#[tokio::test]
async fn the_table_of_requests_against_the_example_binaries() {
    for name in RECEIVERS {
        let mut example = Example::start(name);
        let client = reqwest::Client::new();
        let cases = requests::cases();
        requests::assert_covers_every_route(&cases);
        let mut printed = Vec::new();
        for case in &cases {
            let (status, body) = send(&client, &example.addr, case).await;
            requests::check(case, status, &body);
            if let Some(line) = case.line() {
                let next = example.next_line();
                assert_eq!(next, line, "{name}: {}", case.name);
                printed.push(next);
            }
        }
        let (status, rest) = example.interrupt();
        assert!(status.success(), "{name} exited with {status}");
        assert_eq!(
            rest.trim(),
            "shutting down",
            "{name}: printed for a refused request"
        );
        let processed: Vec<_> = printed
            .iter()
            .filter(|line| line.starts_with("processed "))
            .cloned()
            .collect();
        assert_eq!(
            processed,
            requests::processed_lines(&cases),
            "{name}: one processed line per event"
        );
    }
}

/// The same table against the example binaries on PostgreSQL
/// (`DATABASE_URL`): each handler writes its event's row in the delivery's
/// transaction. Duplicates are answered by the extractor (no line), and
/// `webhook_events` holds one row per event processed.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_table_of_requests_against_the_example_binaries_on_postgres() {
    for name in RECEIVERS {
        let Some(postgres) = common::postgres::postgres(&format!("e2e_postgres_{name}")) else {
            return;
        };
        let mut example = Example::start_with(name, &[("DATABASE_URL", &postgres.url)]);
        let client = reqwest::Client::new();
        let cases = requests::cases();
        let mut printed = Vec::new();
        for case in &cases {
            let (status, body) = send(&client, &example.addr, case).await;
            requests::check(case, status, &body);
            if let Some(line) = case.line().filter(|line| line.starts_with("processed ")) {
                let next = example.next_line();
                assert_eq!(next, line, "{name}: {}", case.name);
                printed.push(next);
            }
        }
        let (status, rest) = example.interrupt();
        assert!(status.success(), "{name} exited with {status}");
        assert_eq!(rest.trim(), "shutting down", "{name}: printed more");
        assert_eq!(printed, requests::processed_lines(&cases), "{name}");
        let pool = postgres.pool().await;
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT delivery_key, count(*) FROM webhook_events GROUP BY delivery_key",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            rows.len(),
            printed.len(),
            "{name}: one row per event: {rows:?}"
        );
        assert!(rows.iter().all(|(_, n)| *n == 1), "{name}: {rows:?}");
    }
}

/// Sends the head of a 10 MiB POST and not one byte of its body, then
/// waits for the answer: it can only come if the receiver decided without
/// the body.
fn answer_before_upload(addr: SocketAddr, path: &str, headers: &[(String, String)]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n{headers}\r\n",
        10 * 1024 * 1024
    )
    .unwrap();
    let mut answer = [0u8; 1024];
    let n = stream
        .read(&mut answer)
        .expect("no answer while the body was held back");
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

/// The headers of an empty body signed an hour ago.
fn stale<P: Provider>() -> Vec<(String, String)> {
    pairs(Signer::<P>::new(SECRET).unwrap().sign_at(b"", now() - 3600))
}

fn pairs(headers: SignedHeaders) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(name, value)| (name.into_owned(), value))
        .collect()
}

#[tokio::test]
async fn unsigned_or_stale_10_mib_uploads_are_refused_before_the_body_is_sent() {
    // The routes whose signed time is in a header, checkable before the body.
    let stale_routes = [
        ("/webhooks/unleeshed", stale::<Unleeshed>()),
        ("/webhooks/exchange", stale::<Exchange>()),
        ("/webhooks/stripe", stale::<Stripe>()),
        ("/webhooks/standard", stale::<StandardWebhooks>()),
    ];
    for name in RECEIVERS {
        let example = Example::start(name);
        let addr = example.addr();
        for path in ROUTES {
            let answer = tokio::task::spawn_blocking(move || answer_before_upload(addr, path, &[]))
                .await
                .unwrap();
            assert!(
                answer.starts_with("HTTP/1.1 400"),
                "{name} {path}: {answer}"
            );
            assert!(answer.contains("missing_signature_header"), "{answer}");
        }
        for (path, headers) in &stale_routes {
            let (path, headers) = (*path, headers.clone());
            let answer =
                tokio::task::spawn_blocking(move || answer_before_upload(addr, path, &headers))
                    .await
                    .unwrap();
            assert!(
                answer.starts_with("HTTP/1.1 401"),
                "{name} {path}: {answer}"
            );
            assert!(answer.contains("timestamp_too_old"), "{answer}");
        }
        let (_, rest) = example.interrupt();
        assert_eq!(rest.trim(), "shutting down", "{name}");
    }
}

#[tokio::test]
async fn the_example_binaries_process_events_and_stop_on_ctrl_c() {
    let client = reqwest::Client::new();
    for name in RECEIVERS {
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
            let mut request = client.post(format!("http://{}/webhooks/{path}", example.addr));
            for (name, value) in Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body) {
                request = request.header(&*name, value);
            }
            let response = request.body(body).send().await.unwrap();
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
    for name in RECEIVERS {
        let mut example = Example::start(name);
        let body = serde_json::json!({
            "id": "evt_1\nprocessed evt_forged creator.approved",
            "type": "creator.approved",
            "created_at": "2026-11-22T10:00:00Z",
            "data": { "external_reference": "post-7" }
        })
        .to_string();
        let mut request = client.post(format!("http://{}/webhooks/unleeshed", example.addr));
        for (name, value) in Signer::<Unleeshed>::new(SECRET)
            .unwrap()
            .sign(body.as_bytes())
        {
            request = request.header(&*name, value);
        }
        let response = request.body(body).send().await.unwrap();
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
    let checks: Vec<_> = RECEIVERS
        .into_iter()
        .map(|name| {
            std::thread::spawn(move || {
                let example = Example::start(name);
                let addr = example.addr();

                // Headers that never end.
                let mut silent = TcpStream::connect(addr).unwrap();
                silent
                    .set_read_timeout(Some(Duration::from_secs(15)))
                    .unwrap();
                write!(silent, "POST /webhooks/unleeshed HTTP/1.1\r\nHost: x\r\n").unwrap();

                // A signed request whose body stops halfway.
                let body = fixture("unleeshed/creator.approved.json");
                let signature = Signer::<Unleeshed>::new(SECRET)
                    .unwrap()
                    .sign(&body)
                    .get("x-unleeshed-signature")
                    .unwrap()
                    .to_owned();
                let mut stalled = TcpStream::connect(addr).unwrap();
                stalled
                    .set_read_timeout(Some(Duration::from_secs(20)))
                    .unwrap();
                write!(
                    stalled,
                    "POST /webhooks/unleeshed HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\
                     X-Unleeshed-Signature: {signature}\r\n\r\n",
                    body.len(),
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

/// Runs `signed-webhooks send` with `args` and the secret in `env`.
#[cfg(feature = "cli")]
fn run_send(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_signed-webhooks"));
    for var in SECRET_VARS.iter().chain(&["WEBHOOK_SECRET"]) {
        command.env_remove(var);
    }
    command
        .arg("send")
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// The statuses `signed-webhooks send` printed, one per attempt
/// (`#1  delivery  +0 s  200 OK in 5.5 ms`).
#[cfg(feature = "cli")]
fn statuses(output: &Output) -> Vec<u16> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter(|line| line.starts_with('#'))
        .map(|line| {
            let (_, status) = line
                .split_once(" s  ")
                .unwrap_or_else(|| panic!("not an attempt line: {line:?}"));
            status[..3].parse().unwrap()
        })
        .collect()
}

/// The id `signed-webhooks send` printed for its event
/// (`sending <provider> <type> <id> to <url>`).
#[cfg(feature = "cli")]
fn sent_id(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().next().expect("a `sending` line");
    let before = line.split_once(" to ").unwrap().0;
    before.rsplit(' ').next().unwrap().to_owned()
}

/// `signed-webhooks send` drives every route of both receivers: a fresh event
/// is processed, sent twice it is processed once, tampered or stale it is
/// refused. GitHub signs no time (asked for a stale one, it says so and
/// sends nothing), and names its deliveries by content: the same fixture
/// sent again is a duplicate.
#[cfg(feature = "cli")]
#[tokio::test]
async fn the_command_drives_every_route() {
    let providers: &[(&str, &str)] = &[
        ("unleeshed", "creator.approved"),
        ("exchange", "order.created"),
        ("stripe", "invoice.paid"),
        ("commet", "subscription.activated"),
        ("leadlex", "contact.created"),
        ("github", "issues"),
        ("standard", "contact.created"),
    ];
    assert_eq!(providers.len(), ROUTES.len());
    for name in RECEIVERS {
        let mut example = Example::start(name);
        for &(provider, event_type) in providers {
            let url = format!("http://{}/webhooks/{provider}", example.addr);
            let env = [("WEBHOOK_SECRET", SECRET)];
            let run = |extra: &[&str]| {
                if provider == "leadlex" {
                    // A LeadLex event has no id and its time is to the
                    // second: two fresh events in one second are one event.
                    std::thread::sleep(Duration::from_millis(1100));
                }
                let fixture = if provider == "github" {
                    "issues.opened"
                } else {
                    event_type
                };
                let mut args = vec!["--provider", provider, "--url", &url, "--type", fixture];
                args.extend_from_slice(extra);
                let output = run_send(&args, &env);
                assert!(
                    output.status.success(),
                    "{provider} {extra:?}: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
                output
            };
            // What the receiver prints for an event `sent` named.
            let processed_line = |sent: &str| {
                if provider == "leadlex" {
                    None // LeadLex's events are named by their content.
                } else {
                    Some(format!("processed {sent} {event_type}"))
                }
            };

            let once = run(&[]);
            assert_eq!(statuses(&once), [200], "{name} {provider}");
            let line = example.next_line();
            match processed_line(&sent_id(&once)) {
                Some(expected) => assert_eq!(line, expected, "{name} {provider}"),
                None => assert!(
                    line.starts_with("processed sha256:") && line.ends_with(event_type),
                    "{name} {provider}: {line}"
                ),
            }

            let twice = run(&["--duplicate", "1"]);
            assert_eq!(statuses(&twice), [200, 200], "{name} {provider}");
            let (first, second) = (example.next_line(), example.next_line());
            if provider == "github" {
                // The same fixture again is the same signed content: a
                // duplicate, whatever its fresh X-GitHub-Delivery says.
                let id = sent_id(&twice);
                assert_eq!([&first, &second], [&format!("duplicate {id}"); 2], "{name}");
                let tampered = run(&["--tampered"]);
                assert_eq!(statuses(&tampered), [401], "{name} {provider}");
                let output = run_send(&["--provider", provider, "--url", &url, "--stale"], &env);
                assert_eq!(output.status.code(), Some(2), "a usage error");
                assert!(output.stdout.is_empty());
                assert!(
                    String::from_utf8_lossy(&output.stderr).contains("github signs no time"),
                    "{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                continue;
            }
            assert!(
                first.starts_with("processed "),
                "{name} {provider}: {first}"
            );
            let id = first.split(' ').nth(1).unwrap();
            assert_eq!(second, format!("duplicate {id}"), "{name} {provider}");
            if let Some(expected) = processed_line(&sent_id(&twice)) {
                assert_eq!(first, expected, "{name} {provider}");
            }

            let tampered = run(&["--tampered"]);
            assert_eq!(statuses(&tampered), [401], "{name} {provider}");

            let stale = run(&["--stale"]);
            assert_eq!(statuses(&stale), [401], "{name} {provider}");
            assert!(
                String::from_utf8_lossy(&stale.stdout).contains("timestamp_too_old"),
                "{name} {provider}"
            );
        }
        let (_, rest) = example.interrupt();
        assert_eq!(
            rest.trim(),
            "shutting down",
            "{name}: printed for a refused event"
        );
    }
}

/// The secret comes from `<PROVIDER>_WEBHOOK_SECRET` before
/// `WEBHOOK_SECRET`, and from nowhere else.
#[cfg(feature = "cli")]
#[tokio::test]
async fn the_command_takes_the_providers_own_secret_first() {
    let mut example = Example::start("axum_receiver");
    let url = format!("http://{}/webhooks/stripe", example.addr);
    let args = ["--provider", "stripe", "--url", url.as_str()];

    let own = run_send(
        &args,
        &[
            ("STRIPE_WEBHOOK_SECRET", SECRET),
            ("WEBHOOK_SECRET", common::OTHER_SECRET),
        ],
    );
    assert_eq!(statuses(&own), [200]);
    assert!(example.next_line().starts_with("processed evt_"));

    let shared = run_send(&args, &[("WEBHOOK_SECRET", common::OTHER_SECRET)]);
    assert_eq!(statuses(&shared), [401], "signed with WEBHOOK_SECRET");
    assert!(
        !shared.status.success(),
        "a refused delivery fails the command"
    );

    let none = run_send(&args, &[]);
    assert!(!none.status.success());
    assert!(none.stdout.is_empty(), "nothing was sent");
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("STRIPE_WEBHOOK_SECRET"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
    let (_, rest) = example.interrupt();
    assert_eq!(rest.trim(), "shutting down");
}

/// Zoom's secret token and the `encryptedToken` its own library
/// (`@zoom/rivet`) answers `qgg8vlvZRS6UYooatFL8Aw` with, as in
/// tests/vectors/zoom.json and tests/handshakes.rs.
const ZOOM_SECRET: &str = "qZ4tL8wN2vR6yB1mK9xC3d";
const ZOOM_ENCRYPTED: &str = "2c670e7b6d78b3b01432f49b88cc88c3c6eb090e288a994defeea1669ff682cf";

/// What a receiver answered: status, content type, body.
type Answer = (u16, String, String);

/// Posts `body` signed by `Signer<P>` now (as for `url`, for a preset that
/// signs it) with `extra` headers; `tamper` changes the delivery after
/// signing: the body (a space appended), or the token, for GitLab's, which
/// signs no body.
async fn post_signed<P: Provider>(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    body: &[u8],
    extra: &[(&str, &str)],
    tamper: bool,
) -> Answer {
    let signer = if P::scheme().signs_url() {
        Signer::<P>::for_url(url, key).unwrap()
    } else {
        Signer::<P>::new(key).unwrap()
    };
    let headers = signer.sign_at(body, now());
    let mut body = body.to_vec();
    let mut request = client.post(url);
    let mut content_type = "application/json";
    for (name, value) in extra {
        if name.eq_ignore_ascii_case("content-type") {
            content_type = value;
        } else {
            request = request.header(*name, *value);
        }
    }
    for (name, value) in headers.iter() {
        let value = if tamper && P::scheme().algorithm() == signed_webhooks::Algorithm::Token {
            format!("{value}x")
        } else {
            value.to_owned()
        };
        request = request.header(name, value);
    }
    if tamper {
        body.push(b' ');
    }
    let response = request
        .header("content-type", content_type)
        .body(body)
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

/// Every preset's route, on both example receivers (one process each, all
/// presets against it), over real HTTP: a delivery `Signer<P>` signed is
/// processed (200, one `processed` line), the same tampered is refused
/// (401, nothing printed), and the endpoint checks of Slack, Zoom, Twitch
/// and Discord (signed `POST`s) and of Meta and Dropbox (unsigned `GET`s)
/// are answered as each provider expects. The URL-signing
/// presets are verified at the receiver's default public origin, its own
/// address.
#[tokio::test]
async fn every_preset_is_served_by_both_receivers() {
    macro_rules! env_of {
        ($($(#[$meta:meta])* $name:literal => $preset:ident, $sample:literal, $verify_key:expr, $sign_key:expr, [$($header:tt)*];)+) => {{
            let mut env: Vec<(String, &str)> = Vec::new();
            $(
                $(#[$meta])*
                env.push((
                    format!("{}_WEBHOOK_SECRET", $name.to_ascii_uppercase()),
                    if $name == "zoom" { ZOOM_SECRET } else { $verify_key },
                ));
            )+
            env
        }};
    }
    let mut env = every_preset!(env_of);
    env.push(("META_VERIFY_TOKEN".to_owned(), META_VERIFY_TOKEN));
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    let client = reqwest::Client::new();
    for receiver in RECEIVERS {
        let mut example = Example::start_with(receiver, &env);
        let origin = format!("http://{}", example.addr);
        macro_rules! each {
            ($($(#[$meta:meta])* $name:literal => $preset:ident, $sample:literal, $verify_key:expr, $sign_key:expr, [$(($h:literal, $v:literal)),*];)+) => {$(
                $(#[$meta])*
                {
                    use signed_webhooks::$preset as P;
                    let url = format!("{origin}/webhooks/{}", $name);
                    let key = if $name == "zoom" { ZOOM_SECRET } else { $sign_key };
                    let body = presets::fresh::<P>(&presets::sample($sample), now() - 60);
                    let extra: &[(&str, &str)] = &[$(($h, $v)),*];
                    let answer = post_signed::<P>(&client, &url, key, &body, extra, false).await;
                    assert_eq!(answer.0, 200, "{receiver} {}: {answer:?}", $name);
                    let line = example.next_line();
                    assert!(line.starts_with("processed "), "{receiver} {}: {line}", $name);
                    let answer = post_signed::<P>(&client, &url, key, &body, extra, true).await;
                    assert_eq!(answer.0, 401, "{receiver} {} tampered: {answer:?}", $name);
                    handshake::<P>(&client, &url, key, $name, receiver).await;
                }
            )+};
        }
        every_preset!(each);
        let (_, rest) = example.interrupt();
        assert_eq!(
            rest.trim(),
            "shutting down",
            "{receiver}: printed for a refused delivery or a handshake"
        );
    }
}

/// The endpoint check of a provider that has one, signed, and the answer
/// it expects; Meta's and Dropbox's unsigned `GET`s (and a `GET` that is
/// not theirs refused); nothing for the others.
async fn handshake<P: Provider>(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    name: &str,
    receiver: &str,
) {
    let get = |query: String| async move {
        let response = client.get(format!("{url}?{query}")).send().await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let head = (
            response.status().as_u16(),
            header("content-type"),
            header("x-content-type-options"),
        );
        (head, response.text().await.unwrap())
    };
    let checks: &[(String, u16, &str)] = match name {
        "meta" => &[
            (
                format!(
                    "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={META_VERIFY_TOKEN}"
                ),
                200,
                "1158201444",
            ),
            (
                "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=other".to_owned(),
                403,
                "",
            ),
            (
                format!(
                    "hub.mode=subscribe&hub.challenge=%3Cb%3E&hub.verify_token={META_VERIFY_TOKEN}"
                ),
                400,
                "",
            ),
        ],
        "dropbox" => &[
            ("challenge=abc123".to_owned(), 200, "abc123"),
            ("challenge=%3Cb%3E".to_owned(), 400, ""),
        ],
        // Twilio and HubSpot deliver by `GET` too: an unsigned one is
        // refused as a delivery without its signature header.
        "twilio" | "hubspot" => &[("challenge=abc123".to_owned(), 400, "")],
        _ => &[("challenge=abc123".to_owned(), 405, "")],
    };
    for (query, status, echoed) in checks {
        let ((answered, content_type, nosniff), text) = get(query.clone()).await;
        assert_eq!(answered, *status, "{receiver} {name} GET ?{query}: {text}");
        if *status == 200 {
            assert_eq!(
                (content_type.as_str(), nosniff.as_str(), text.as_str()),
                ("text/plain", "nosniff", *echoed),
                "{receiver} {name}"
            );
        } else {
            assert!(
                !text.contains("abc123") && !text.contains("<b>"),
                "{receiver} {name}: {text}"
            );
        }
    }
    let twitch_subscription = r#"{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"2","cost":1,"condition":{"broadcaster_user_id":"12826","moderator_user_id":"12826"},"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},"created_at":"2019-11-16T10:11:12.634234626Z"}"#;
    let twitch = format!(
        r#"{{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{twitch_subscription}}}"#
    );
    let (body, expected): (&[u8], Answer) = match name {
        "slack" => (
            br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#,
            (
                200,
                "text/plain".to_owned(),
                "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P".to_owned(),
            ),
        ),
        "zoom" => (
            br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1789999999700,"event":"endpoint.url_validation"}"#,
            (200, "application/json".to_owned(), String::new()),
        ),
        "twitch" => (
            twitch.as_bytes(),
            (
                200,
                "text/plain".to_owned(),
                "pogchamp-kappa-360noscope-vohiyo".to_owned(),
            ),
        ),
        "discord" => (
            br#"{"type":1}"#,
            (200, "application/json".to_owned(), r#"{"type":1}"#.to_owned()),
        ),
        _ => return,
    };
    let (status, content_type, text) = post_signed::<P>(client, url, key, body, &[], false).await;
    assert_eq!(status, expected.0, "{receiver} {name}: {text}");
    assert!(
        content_type.starts_with(&expected.1),
        "{receiver} {name}: {content_type}"
    );
    if name == "zoom" {
        let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            answer,
            serde_json::json!({
                "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
                "encryptedToken": ZOOM_ENCRYPTED,
            }),
            "{receiver}"
        );
    } else {
        assert_eq!(text, expected.2, "{receiver} {name}");
    }
}

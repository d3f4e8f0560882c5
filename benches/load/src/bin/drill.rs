//! The load-and-fault drill: the example receiver (`examples/axum_receiver`,
//! release build) under a mix of valid, redelivered, replayed, tampered,
//! stale, unsigned and oversized requests at high concurrency, first with
//! its in-memory duplicate store, then with Redis, restarted once mid-run.
//!
//! It checks what a provider relies on: every valid event processed exactly
//! once (the receiver's `processed <id>` lines are counted), every bad
//! request refused with its status, no 5xx but the 503s of the Redis outage,
//! and it reports requests per second, latency percentiles, answers by
//! status and the receiver's memory over the run.
//!
//! ```sh
//! cargo run --release --manifest-path benches/load/Cargo.toml --bin drill -- [--seconds 60] [--concurrency 128] [--store memory|redis|both]
//! ```
//!
//! It builds the receiver itself, starts everything it needs (a
//! `redis-server` from `PATH` for the Redis phase), stops by itself, and
//! exits non-zero when a check fails.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use signed_webhooks::{Signer, Unleeshed};
use signed_webhooks_load::{EVENT, SECRET, proc_status_kib};

/// The id in the fixture, replaced by a fresh one per event.
const FIXTURE_ID: &str = "evt_01JD7X4K2M9Q8R5T3V6W1Y0Z2A";
/// Over axum's 2 MB default body limit.
const OVERSIZED: usize = 2_300_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    /// A new event: must be processed once (200), retried on 409/503.
    Valid,
    /// A valid event whose earlier attempt got 409 or 503, delivered again.
    Retry,
    /// A provider redelivery of an accepted event, signed anew: 200, duplicate.
    Redelivery,
    /// A verbatim replay of an accepted request: 200, duplicate.
    Replay,
    /// A signed body changed afterwards: 401.
    Tampered,
    /// Signed ten minutes ago: 401.
    Stale,
    /// No signature header: 400.
    Unsigned,
    /// A header that is not `t=…,v1=…`: 400.
    Garbage,
    /// Signed, but over the body limit: 413.
    Oversized,
}

/// The request mix, in parts per hundred.
const MIX: &[(Kind, u32)] = &[
    (Kind::Valid, 45),
    (Kind::Redelivery, 14),
    (Kind::Replay, 5),
    (Kind::Tampered, 10),
    (Kind::Stale, 10),
    (Kind::Unsigned, 8),
    (Kind::Garbage, 7),
    (Kind::Oversized, 1),
];

struct Config {
    seconds: u64,
    concurrency: usize,
    stores: Vec<&'static str>,
}

fn parse_args() -> Result<Config, String> {
    let mut config = Config {
        seconds: 60,
        concurrency: 128,
        stores: vec!["memory", "redis"],
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => config.seconds = value()?.parse().map_err(|_| "--seconds: a number")?,
            "--concurrency" => {
                config.concurrency = value()?.parse().map_err(|_| "--concurrency: a number")?
            }
            "--store" => {
                config.stores = match value()?.as_str() {
                    "memory" => vec!["memory"],
                    "redis" => vec!["redis"],
                    "both" => vec!["memory", "redis"],
                    other => return Err(format!("--store: memory, redis or both, not {other:?}")),
                }
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(config)
}

fn main() {
    let config = match parse_args() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("drill: {message}");
            std::process::exit(2);
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    eprintln!("building examples/axum_receiver (release)…");
    let built = Command::new("cargo")
        .args([
            "build",
            "--release",
            "--quiet",
            "--example",
            "axum_receiver",
            "--features",
            "axum,redis",
        ])
        .current_dir(&root)
        .status()
        .expect("running cargo");
    assert!(built.success(), "building the receiver failed");
    let receiver = root.join("target/release/examples/axum_receiver");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut failed = false;
    for store in &config.stores {
        let report = runtime.block_on(phase(&config, &receiver, store));
        report.print();
        failed |= !report.problems.is_empty();
    }
    if failed {
        eprintln!("\ndrill: FAILED");
        std::process::exit(1);
    }
    println!("\ndrill: every check passed");
}

/// A receiver process and what it printed.
struct Receiver {
    child: Child,
    addr: String,
    processed: Arc<Mutex<HashMap<String, u32>>>,
    duplicates: Arc<AtomicU64>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    fn start(path: &Path, redis_url: Option<&str>) -> Receiver {
        let mut command = Command::new(path);
        command
            .env("WEBHOOK_SECRET", SECRET)
            .env("ADDR", "127.0.0.1:0")
            .env("DEDUP_CAPACITY", "5000000")
            .env_remove("REDIS_URL")
            .stdout(Stdio::piped());
        if let Some(url) = redis_url {
            command.env("REDIS_URL", url);
        }
        let mut child = command.spawn().expect("starting the receiver");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("the receiver exited").unwrap();
            if let Some(addr) = line.strip_prefix("listening on http://") {
                break addr.to_owned();
            }
        };
        let processed = Arc::new(Mutex::new(HashMap::new()));
        let duplicates = Arc::new(AtomicU64::new(0));
        let reader = {
            let (processed, duplicates) = (processed.clone(), duplicates.clone());
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    if let Some(rest) = line.strip_prefix("processed ") {
                        let id = rest.split(' ').next().unwrap_or_default().to_owned();
                        *processed.lock().unwrap().entry(id).or_insert(0) += 1;
                    } else if line.starts_with("duplicate ") {
                        duplicates.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        };
        Receiver {
            child,
            addr,
            processed,
            duplicates,
            reader: Some(reader),
        }
    }

    /// Ctrl-C, then waits for the receiver to finish and its output to be read.
    fn stop(&mut self) -> bool {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        let status = self.child.wait().unwrap();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        status.success()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A redis-server of the drill's own, with persistence, that can be killed
/// and restarted on the same port with the same data.
struct Redis {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Redis {
    fn start() -> Redis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!(
            "signed-webhooks-drill-{}-{port}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let child = Redis::spawn(port, &dir);
        Redis { child, port, dir }
    }

    fn spawn(port: u16, dir: &Path) -> Child {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ])
            .args(["--appendonly", "yes", "--appendfsync", "everysec"])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is needed for the Redis phase (apt-get install -y redis-server)");
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn restart(&mut self) {
        self.child = Redis::spawn(self.port, &self.dir);
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An accepted delivery, kept for redeliveries and replays.
#[derive(Clone)]
struct Accepted {
    id: String,
    body: Arc<Vec<u8>>,
    header: String,
    signed_at: i64,
}

/// A valid event refused for now (409, 503, no answer), to deliver again
/// when its time comes: id, body, due.
type Pending = (String, Arc<Vec<u8>>, Instant);

/// State shared by the load workers.
struct Shared {
    accepted: Mutex<Vec<Accepted>>,
    /// Valid events refused for now (409, 503, no answer): delivered again.
    pending: Mutex<VecDeque<Pending>>,
    next_id: AtomicU64,
    run: String,
    signer: Signer<Unleeshed>,
    oversized: Arc<Vec<u8>>,
    /// Oversized requests go through a client of their own, without a pool:
    /// the server answers 413 and closes the connection without reading the
    /// upload, and a pooled client could reuse that closing connection for
    /// another request.
    unpooled: reqwest::Client,
    started: Instant,
    /// Whether the store goes down during the run.
    outage: bool,
}

/// What one worker saw.
#[derive(Default)]
struct Stats {
    answers: HashMap<(Kind, u16), u64>,
    latencies_us: Vec<u32>,
    unexpected: Vec<String>,
    /// Answers deferring a delivery while the store was down (503, or 409
    /// for a claim whose completion was lost), to be delivered again.
    unavailable: u64,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        for (key, n) in other.answers {
            *self.answers.entry(key).or_default() += n;
        }
        self.latencies_us.extend(other.latencies_us);
        self.unexpected.extend(other.unexpected);
        self.unavailable += other.unavailable;
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A small xorshift generator per worker: the mix needs no more.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).unwrap();
        Rng(u64::from_le_bytes(seed) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn kind(&mut self) -> Kind {
        let total: u32 = MIX.iter().map(|(_, w)| w).sum();
        let mut pick = self.below(u64::from(total)) as u32;
        for (kind, weight) in MIX {
            if pick < *weight {
                return *kind;
            }
            pick -= weight;
        }
        Kind::Valid
    }
}

/// One request and its answer.
struct Answer {
    status: u16,
    /// The `Webhook-Duplicate: true` header of a duplicate answered by the
    /// extractor (a handler using `Delivery` answers duplicates itself).
    duplicate: bool,
}

/// The `X-Unleeshed-Signature` value signing `body` at `t`.
fn sign(signer: &Signer<Unleeshed>, body: &[u8], t: i64) -> String {
    let headers = signer.sign_at(body, t);
    headers
        .get("x-unleeshed-signature")
        .expect("the Unleeshed signer signs in X-Unleeshed-Signature")
        .to_owned()
}

async fn send(
    client: &reqwest::Client,
    url: &str,
    header: Option<&str>,
    body: Vec<u8>,
) -> Option<Answer> {
    let mut request = client
        .post(url)
        .header("Content-Type", "application/json")
        .body(body);
    if let Some(header) = header {
        request = request.header("X-Unleeshed-Signature", header);
    }
    let response = request.send().await.ok()?;
    let duplicate = response
        .headers()
        .get("webhook-duplicate")
        .is_some_and(|v| v == "true");
    let status = response.status().as_u16();
    let _ = response.bytes().await;
    Some(Answer { status, duplicate })
}

async fn worker(
    shared: Arc<Shared>,
    client: reqwest::Client,
    url: String,
    deadline: Instant,
) -> Stats {
    let mut stats = Stats::default();
    let mut rng = Rng::new();
    while Instant::now() < deadline {
        let due = {
            let mut pending = shared.pending.lock().unwrap();
            match pending.front() {
                Some((_, _, at)) if *at <= Instant::now() => pending.pop_front(),
                _ => None,
            }
        };
        match due {
            Some((id, body, _)) => {
                deliver_valid(&shared, &client, &url, &mut stats, Kind::Retry, id, body).await
            }
            None => one_request(&shared, &client, &url, &mut stats, &mut rng).await,
        }
    }
    stats
}

/// Delivers every event still pending until each is accepted (or gives up
/// after `patience`).
async fn drain(
    shared: Arc<Shared>,
    client: reqwest::Client,
    url: String,
    patience: Duration,
) -> Stats {
    let mut stats = Stats::default();
    let give_up = Instant::now() + patience;
    loop {
        let next = shared.pending.lock().unwrap().pop_front();
        let Some((id, body, at)) = next else { break };
        if Instant::now() > give_up {
            shared.pending.lock().unwrap().push_front((id, body, at));
            break;
        }
        if let Some(wait) = at.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
        deliver_valid(&shared, &client, &url, &mut stats, Kind::Retry, id, body).await;
    }
    stats
}

fn record(stats: &mut Stats, kind: Kind, status: u16, started: Instant) {
    *stats.answers.entry((kind, status)).or_default() += 1;
    stats
        .latencies_us
        .push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
}

async fn deliver_valid(
    shared: &Shared,
    client: &reqwest::Client,
    url: &str,
    stats: &mut Stats,
    kind: Kind,
    id: String,
    body: Arc<Vec<u8>>,
) {
    let signed_at = now();
    let header = sign(&shared.signer, &body, signed_at);
    let started = Instant::now();
    let answer = send(client, url, Some(&header), body.to_vec()).await;
    let status = answer.as_ref().map_or(0, |a| a.status);
    record(stats, kind, status, started);
    match answer {
        // A retry may find the event done: its earlier attempt was processed
        // but the answer was lost. Either way it is safe now.
        Some(Answer {
            status: 200,
            duplicate,
        }) if !duplicate || kind == Kind::Retry => {
            if !duplicate {
                shared.accepted.lock().unwrap().push(Accepted {
                    id,
                    body,
                    header,
                    signed_at,
                });
            }
        }
        Some(Answer {
            status: 409 | 503, ..
        })
        | None => {
            if status == 503 {
                stats.unavailable += 1;
            }
            let again = Instant::now() + Duration::from_millis(200);
            shared.pending.lock().unwrap().push_back((id, body, again));
        }
        Some(Answer { status, duplicate }) => {
            stats
                .unexpected
                .push(format!("{kind:?} {id}: {status} (duplicate: {duplicate})"));
        }
    }
}

async fn one_request(
    shared: &Shared,
    client: &reqwest::Client,
    url: &str,
    stats: &mut Stats,
    rng: &mut Rng,
) {
    let mut kind = rng.kind();
    let earlier = match kind {
        Kind::Redelivery | Kind::Replay => {
            let accepted = shared.accepted.lock().unwrap();
            let pick = (!accepted.is_empty())
                .then(|| accepted[rng.below(accepted.len() as u64) as usize].clone());
            drop(accepted);
            match pick {
                Some(a) if kind == Kind::Redelivery || now() - a.signed_at < 240 => Some(a),
                _ => None,
            }
        }
        _ => None,
    };
    if matches!(kind, Kind::Redelivery | Kind::Replay) && earlier.is_none() {
        kind = Kind::Valid;
    }
    let event = || {
        let n = shared.next_id.fetch_add(1, Ordering::Relaxed);
        let id = format!("evt_drill_{}_{n}", shared.run);
        let body = EVENT.replace(FIXTURE_ID, &id).into_bytes();
        (id, body)
    };
    let (header, body, expected): (Option<String>, Vec<u8>, u16) = match kind {
        Kind::Valid | Kind::Retry => {
            let (id, body) = event();
            return deliver_valid(shared, client, url, stats, Kind::Valid, id, Arc::new(body))
                .await;
        }
        Kind::Redelivery => {
            let a = earlier.unwrap();
            (
                Some(sign(&shared.signer, &a.body, now())),
                a.body.to_vec(),
                200,
            )
        }
        Kind::Replay => {
            let a = earlier.unwrap();
            (Some(a.header), a.body.to_vec(), 200)
        }
        Kind::Tampered => {
            let (id, body) = event();
            let header = sign(&shared.signer, &body, now());
            (
                Some(header),
                String::from_utf8(body)
                    .unwrap()
                    .replace(&id, "evt_tampered")
                    .into_bytes(),
                401,
            )
        }
        Kind::Stale => {
            let (_, body) = event();
            (Some(sign(&shared.signer, &body, now() - 600)), body, 401)
        }
        Kind::Unsigned => (None, event().1, 400),
        Kind::Garbage => (Some("sha256=not-the-scheme".to_owned()), event().1, 400),
        Kind::Oversized => (
            Some(sign(&shared.signer, &shared.oversized, now())),
            shared.oversized.to_vec(),
            413,
        ),
    };
    let started = Instant::now();
    let client = if kind == Kind::Oversized {
        &shared.unpooled
    } else {
        client
    };
    let answer = send(client, url, header.as_deref(), body).await;
    let status = answer.as_ref().map_or(0, |a| a.status);
    record(stats, kind, status, started);
    // A duplicate is answered 200; the example's handler sees it through
    // `Delivery::Duplicate` and prints `duplicate <id>` (counted below).
    let ok = answer.as_ref().is_some_and(|a| a.status == expected);
    // While the store is down, a duplicate cannot be recognised: 503, and
    // the provider would retry it later. A delivery whose completion was
    // lost with Redis still holds its claim until the lease runs out: 409.
    // Neither runs the handler; both are counted, not failures.
    if !ok {
        if shared.outage
            && matches!(kind, Kind::Redelivery | Kind::Replay)
            && matches!(status, 0 | 409 | 503)
        {
            stats.unavailable += 1;
        } else {
            stats
                .unexpected
                .push(format!("{kind:?}: {status}, expected {expected}"));
        }
    }
}

struct Report {
    store: &'static str,
    seconds: f64,
    stats: Stats,
    accepted: usize,
    processed_ids: usize,
    processed_lines: u64,
    duplicate_lines: u64,
    rss_kib: Vec<(f64, u64)>,
    peak_kib: u64,
    outage: Option<(f64, f64)>,
    problems: Vec<String>,
}

async fn phase(config: &Config, receiver_path: &Path, store: &'static str) -> Report {
    let mut redis = (store == "redis").then(Redis::start);
    let mut receiver = Receiver::start(receiver_path, redis.as_ref().map(Redis::url).as_deref());
    let pid = receiver.child.id();
    let url = format!("http://{}/webhooks/unleeshed", receiver.addr);
    eprintln!(
        "\n{store}: {} s at concurrency {} against {url}",
        config.seconds, config.concurrency
    );

    let mut run = [0u8; 4];
    getrandom::fill(&mut run).unwrap();
    let shared = Arc::new(Shared {
        accepted: Mutex::new(Vec::new()),
        pending: Mutex::new(VecDeque::new()),
        next_id: AtomicU64::new(0),
        run: hex::encode(run),
        signer: Signer::new(SECRET).unwrap(),
        oversized: Arc::new({
            let mut body = br#"{"id":"evt_big","type":"x","created_at":"t","data":""#.to_vec();
            body.resize(OVERSIZED, b'a');
            body.extend_from_slice(b"\"}");
            body
        }),
        unpooled: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
        started: Instant::now(),
        outage: redis.is_some(),
    });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(config.concurrency)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // The receiver's memory, once a second.
    let sampling = Arc::new(Mutex::new(Vec::new()));
    let sampler = {
        let (sampling, shared) = (sampling.clone(), shared.clone());
        tokio::spawn(async move {
            loop {
                if let Some(kib) = proc_status_kib(pid, "VmRSS:") {
                    sampling
                        .lock()
                        .unwrap()
                        .push((shared.started.elapsed().as_secs_f64(), kib));
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };

    // The Redis outage: killed halfway, back three seconds later.
    let outage = redis.as_mut().map(|_| {
        let half = Duration::from_secs(config.seconds / 2);
        (half, half + Duration::from_secs(3))
    });
    let deadline = Instant::now() + Duration::from_secs(config.seconds);
    let workers: Vec<_> = (0..config.concurrency)
        .map(|_| {
            tokio::spawn(worker(
                shared.clone(),
                client.clone(),
                url.clone(),
                deadline,
            ))
        })
        .collect();
    if let (Some(redis), Some((down, up))) = (redis.as_mut(), outage) {
        tokio::time::sleep(down).await;
        eprintln!(
            "{store}: killing Redis (SIGKILL) at {:.0} s",
            shared.started.elapsed().as_secs_f64()
        );
        redis.kill();
        tokio::time::sleep(up - down).await;
        redis.restart();
        eprintln!(
            "{store}: Redis back at {:.0} s",
            shared.started.elapsed().as_secs_f64()
        );
    }
    let mut stats = Stats::default();
    for worker in workers {
        stats.merge(worker.await.unwrap());
    }
    let seconds = shared.started.elapsed().as_secs_f64();
    // Like the provider, keep redelivering what was not accepted.
    let drains: Vec<_> = (0..8)
        .map(|_| {
            tokio::spawn(drain(
                shared.clone(),
                client.clone(),
                url.clone(),
                Duration::from_secs(60),
            ))
        })
        .collect();
    for drain in drains {
        stats.merge(drain.await.unwrap());
    }
    sampler.abort();
    let peak_kib = proc_status_kib(pid, "VmHWM:").unwrap_or(0);
    let clean_exit = receiver.stop();

    let accepted = shared.accepted.lock().unwrap().clone();
    let processed = receiver.processed.lock().unwrap().clone();
    let mut problems = Vec::new();
    if !clean_exit {
        problems.push("the receiver did not exit cleanly on Ctrl-C".to_owned());
    }
    let pending = shared.pending.lock().unwrap().len();
    if pending > 0 {
        problems.push(format!("{pending} valid events were never accepted"));
    }
    for a in &accepted {
        match processed.get(&a.id) {
            Some(1) => {}
            Some(n) => problems.push(format!("{} processed {n} times", a.id)),
            None => problems.push(format!("{} accepted but never processed", a.id)),
        }
    }
    let accepted_ids: std::collections::HashSet<&str> =
        accepted.iter().map(|a| a.id.as_str()).collect();
    for (id, n) in &processed {
        if !accepted_ids.contains(id.as_str()) {
            problems.push(format!("{id} processed {n} times but never answered 200"));
        }
    }
    // "No answer" (a connection the server closed, as it does after a 413
    // to stop an upload, picked up by the client's pool) is not a 5xx; the
    // event is delivered again like any refused one, and counted above.
    let server_errors: u64 = stats
        .answers
        .iter()
        .filter(|((_, status), _)| *status >= 500)
        .map(|(_, n)| n)
        .sum();
    if store == "memory" && server_errors > 0 {
        problems.push(format!("{server_errors} answers were 5xx"));
    }
    let duplicates_answered: u64 = stats
        .answers
        .iter()
        .filter(|((kind, status), _)| {
            matches!(kind, Kind::Redelivery | Kind::Replay) && *status == 200
        })
        .map(|(_, n)| n)
        .sum();
    let duplicate_lines = receiver.duplicates.load(Ordering::Relaxed);
    if duplicate_lines != duplicates_answered {
        problems.push(format!(
            "{duplicates_answered} redeliveries and replays answered 200, but the receiver printed {duplicate_lines} `duplicate` lines"
        ));
    }
    if store == "redis" && stats.unavailable == 0 {
        problems.push("no 503 during the Redis outage: was it really down?".to_owned());
    }
    problems.extend(stats.unexpected.iter().take(20).cloned());
    if stats.unexpected.len() > 20 {
        problems.push(format!(
            "… and {} more unexpected answers",
            stats.unexpected.len() - 20
        ));
    }
    problems.truncate(40);

    let processed_lines = processed.values().map(|&n| u64::from(n)).sum();
    Report {
        store,
        seconds,
        stats,
        accepted: accepted.len(),
        processed_ids: processed.len(),
        processed_lines,
        duplicate_lines,
        rss_kib: sampling.lock().unwrap().clone(),
        peak_kib,
        outage: outage.map(|(down, up)| (down.as_secs_f64(), up.as_secs_f64())),
        problems,
    }
}

impl Report {
    fn print(&self) {
        let total: u64 = self.stats.answers.values().sum();
        let mut latencies = self.stats.latencies_us.clone();
        latencies.sort_unstable();
        let percentile = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
                .copied()
                .unwrap_or(0)
        };
        println!("\n### Store: {}\n", self.store);
        println!(
            "{total} requests in {:.1} s: **{:.0} req/s**; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.seconds,
            total as f64 / self.seconds,
            f64::from(percentile(0.50)) / 1000.0,
            f64::from(percentile(0.99)) / 1000.0,
            f64::from(latencies.last().copied().unwrap_or(0)) / 1000.0,
        );
        if let Some((down, up)) = self.outage {
            println!(
                "Redis killed at {down:.0} s and restarted at {up:.0} s; {} answers deferred a delivery \
                 (503, or 409 for a claim whose completion was lost with Redis); every valid event \
                 among them was delivered again until accepted.",
                self.stats.unavailable
            );
        }
        println!("\n| request | answers by status |\n|---|---|");
        let mut kinds: Vec<Kind> = self.stats.answers.keys().map(|(k, _)| *k).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            let mut statuses: Vec<(u16, u64)> = self
                .stats
                .answers
                .iter()
                .filter(|((k, _), _)| *k == kind)
                .map(|((_, s), n)| (*s, *n))
                .collect();
            statuses.sort();
            let cells: Vec<String> = statuses
                .iter()
                .map(|(s, n)| {
                    if *s == 0 {
                        format!("no answer: {n}")
                    } else {
                        format!("{s}: {n}")
                    }
                })
                .collect();
            println!("| {kind:?} | {} |", cells.join(", "));
        }
        println!(
            "\nValid events accepted: {}; processed: {} ids in {} `processed` lines; `duplicate` lines: {}.",
            self.accepted, self.processed_ids, self.processed_lines, self.duplicate_lines
        );
        let at = |fraction: f64| {
            let t = self.seconds * fraction;
            self.rss_kib
                .iter()
                .min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()))
                .map_or(0, |s| s.1)
        };
        println!(
            "Receiver memory (RSS): {} MiB at 10 %, {} MiB at 50 %, {} MiB at the end; peak {} MiB.",
            at(0.1) / 1024,
            at(0.5) / 1024,
            at(1.0) / 1024,
            self.peak_kib / 1024
        );
        if self.problems.is_empty() {
            println!(
                "Checks: every valid event processed exactly once; every bad request refused with its status."
            );
        } else {
            println!("\nPROBLEMS:");
            for problem in &self.problems {
                println!("- {problem}");
            }
        }
    }
}

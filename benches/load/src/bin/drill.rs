//! The load-and-fault drill: the example receivers (release builds) under a
//! mix of valid, redelivered, replayed, tampered, stale, unsigned and
//! oversized requests at high concurrency, in up to three phases:
//!
//! - `memory`: `examples/axum_receiver` with its in-memory duplicate store;
//! - `redis`: the same with Redis, killed (SIGKILL) halfway and restarted
//!   3 s later;
//! - `postgres`: two receivers, `examples/axum_receiver` and
//!   `examples/actix_receiver`, on one PostgreSQL of the drill's own, each
//!   writing its events' rows in the delivery's transaction (`WebhookTx`).
//!   Each request goes to either, as behind a load balancer. One receiver
//!   is killed (SIGKILL) at a third of the run and restarted on its port
//!   2 s later; PostgreSQL is killed (SIGKILL to the postmaster and every
//!   process it started) at two thirds and restarted on its port and data
//!   2 s later.
//!
//! Valid events refused for now (409, 5xx, no answer) are delivered again
//! until accepted, as a provider retries, and the rest is drained at the
//! end. It checks what a provider relies on: every valid event processed
//! exactly once (with memory and Redis, the receiver's `processed <id>`
//! lines are counted; with PostgreSQL, the rows of `webhook_events`: one
//! row for each accepted event, none for any other), every bad request
//! refused with its status, redeliveries and replays answered as
//! duplicates, no 5xx outside the faults; and it reports requests per
//! second, latency percentiles, answers by status, retries by cause and the
//! receivers' memory over the run.
//!
//! ```sh
//! cargo run --release --manifest-path benches/load/Cargo.toml --bin drill -- [--seconds 60] [--concurrency 128] [--store memory|redis|postgres|both|all]
//! ```
//!
//! `both` is memory and Redis (the default), `all` adds PostgreSQL. It
//! builds the receivers itself, starts everything it needs (a
//! `redis-server` from `PATH` for the Redis phase; for the PostgreSQL
//! phase, a throwaway cluster from `initdb` on `PATH` or in
//! /usr/lib/postgresql/*/bin, run as the `postgres` user when the drill runs
//! as root), stops by itself, and exits non-zero when a check fails. The
//! receivers' logs (stderr) are kept in a directory it names when a check
//! fails.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
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
/// How long after a fault ends 5xx answers still count as the fault's: a
/// request that waited for the store, up to the receivers' 10 s request
/// timeout.
const FAULT_GRACE: Duration = Duration::from_secs(10);
/// How long after a receiver is back a bad request may still go
/// unanswered: a connection to the killed process, picked up by the
/// client's pool.
const NO_ANSWER_GRACE: Duration = Duration::from_secs(2);
/// The features the receivers are built with: one set for both examples,
/// so that the crate is built once and switching phases rebuilds nothing.
const FEATURES: &str = "axum,actix,redis,postgres,standard-webhooks";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    /// A new event: must be processed once (200), retried on 409, 5xx or no
    /// answer.
    Valid,
    /// A valid event whose earlier attempt got 409, 5xx or no answer,
    /// delivered again.
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

/// Where the receivers detect duplicates, one phase each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Store {
    Memory,
    Redis,
    Postgres,
}

impl Store {
    fn name(self) -> &'static str {
        match self {
            Store::Memory => "memory",
            Store::Redis => "redis",
            Store::Postgres => "postgres",
        }
    }
}

struct Config {
    seconds: u64,
    concurrency: usize,
    stores: Vec<Store>,
}

fn parse_args() -> Result<Config, String> {
    let mut config = Config {
        seconds: 60,
        concurrency: 128,
        stores: vec![Store::Memory, Store::Redis],
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
                    "memory" => vec![Store::Memory],
                    "redis" => vec![Store::Redis],
                    "postgres" => vec![Store::Postgres],
                    "both" => vec![Store::Memory, Store::Redis],
                    "all" => vec![Store::Memory, Store::Redis, Store::Postgres],
                    other => {
                        return Err(format!(
                            "--store: memory, redis, postgres, both or all, not {other:?}"
                        ));
                    }
                }
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(config)
}

/// The receivers' binaries.
struct Binaries {
    axum: PathBuf,
    actix: PathBuf,
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
    // The actix receiver only for the PostgreSQL phase.
    let mut examples = vec!["axum_receiver"];
    if config.stores.contains(&Store::Postgres) {
        examples.push("actix_receiver");
    }
    eprintln!("building {} (release)…", examples.join(", "));
    let built = Command::new("cargo")
        .args(["build", "--release", "--quiet", "--features", FEATURES])
        .args(examples.iter().flat_map(|example| ["--example", example]))
        .current_dir(&root)
        .status()
        .expect("running cargo");
    assert!(built.success(), "building the receivers failed");
    let binaries = Binaries {
        axum: root.join("target/release/examples/axum_receiver"),
        actix: root.join("target/release/examples/actix_receiver"),
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut failed = false;
    for &store in &config.stores {
        let report = runtime.block_on(phase(&config, &binaries, store));
        report.print();
        failed |= !report.problems.is_empty();
    }
    if failed {
        eprintln!("\ndrill: FAILED");
        std::process::exit(1);
    }
    println!("\ndrill: every check passed");
}

/// What a receiver printed, across its restarts: `processed <id>` lines by
/// id, and how many `duplicate <id>` lines.
#[derive(Clone, Default)]
struct Printed {
    processed: Arc<Mutex<HashMap<String, u32>>>,
    duplicates: Arc<AtomicU64>,
}

/// How to start a receiver.
struct Launch {
    name: &'static str,
    path: PathBuf,
    /// `REDIS_URL` or `DATABASE_URL`, when set.
    env: Vec<(&'static str, String)>,
    /// Its stderr (the operator's log), appended to across restarts.
    log: PathBuf,
}

impl Launch {
    /// Starts the process on `addr` and reads its `listening on` line; the
    /// rest of its output goes to `printed`. Returns the process, the
    /// address it listens on, and the thread reading its output.
    fn spawn(
        &self,
        addr: &str,
        printed: &Printed,
    ) -> Result<(Child, String, std::thread::JoinHandle<()>), String> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|error| format!("{}: {error}", self.log.display()))?;
        let mut child = Command::new(&self.path)
            .env("WEBHOOK_SECRET", SECRET)
            .env("NO_COLOR", "1")
            .env("ADDR", addr)
            .env("DEDUP_CAPACITY", "5000000")
            .env_remove("REDIS_URL")
            .env_remove("DATABASE_URL")
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|error| error.to_string())?;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let Some(Ok(line)) = lines.next() else {
                let status = child.wait().map_err(|error| error.to_string())?;
                return Err(format!("it exited ({status}); see {}", self.log.display()));
            };
            if let Some(addr) = line.strip_prefix("listening on http://") {
                break addr.to_owned();
            }
        };
        let printed = printed.clone();
        let reader = std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("processed ") {
                    let id = rest.split(' ').next().unwrap_or_default().to_owned();
                    *printed.processed.lock().unwrap().entry(id).or_insert(0) += 1;
                } else if line.starts_with("duplicate ") {
                    printed.duplicates.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        Ok((child, addr, reader))
    }
}

/// A receiver process, restarted on the same address when killed.
struct Receiver {
    launch: Launch,
    child: Child,
    addr: String,
    printed: Printed,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    /// Starts it on a free port.
    fn start(launch: Launch) -> Receiver {
        let printed = Printed::default();
        let (child, addr, reader) = launch
            .spawn("127.0.0.1:0", &printed)
            .unwrap_or_else(|error| panic!("starting the {} receiver: {error}", launch.name));
        Receiver {
            launch,
            child,
            addr,
            printed,
            reader: Some(reader),
        }
    }

    fn url(&self) -> String {
        format!("http://{}/webhooks/unleeshed", self.addr)
    }

    /// SIGKILL, as a crash or an orchestrator's hard stop: requests in
    /// flight get no answer, handlers stop wherever they are.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
    }

    /// Starts it again on the same address (retrying for a few seconds,
    /// should the port not be free yet).
    fn restart(&mut self) {
        let give_up = Instant::now() + Duration::from_secs(10);
        loop {
            match self.launch.spawn(&self.addr, &self.printed) {
                Ok((child, _, reader)) => {
                    self.child = child;
                    self.reader = Some(reader);
                    return;
                }
                Err(error) if Instant::now() >= give_up => panic!(
                    "restarting the {} receiver on {}: {error}",
                    self.launch.name, self.addr
                ),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
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

/// A directory of the drill's own: removed on drop unless asked to keep it.
struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "signed-webhooks-drill-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir { path, keep: false }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
        let port = free_port();
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

/// A PostgreSQL cluster of the drill's own (`initdb` into a temporary
/// directory, a free loopback port, run as the `postgres` user when the
/// drill runs as root, which `initdb` and `postgres` refuse), that can be
/// killed and restarted on the same port with the same data. `fsync=off`:
/// it survives killed processes (the data is in the operating system's
/// cache), not a killed machine.
struct Postgres {
    child: Child,
    bin: PathBuf,
    port: u16,
    dir: PathBuf,
    /// The `postgres` user's uid and gid, when running as root.
    user: Option<(u32, u32)>,
}

impl Postgres {
    const DATABASE: &str = "drill";

    /// Creates the cluster in `parent`/postgres (its log: postgres.log
    /// there) and starts it.
    fn start(parent: &Path) -> Postgres {
        let bin = postgres_bin().expect(
            "PostgreSQL is needed for the PostgreSQL phase (apt-get install -y postgresql): \
             no initdb on PATH or in /usr/lib/postgresql/*/bin",
        );
        let port = free_port();
        let dir = parent.join("postgres");
        std::fs::create_dir_all(dir.join("socket")).unwrap();
        let root = std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0);
        let user = root.then(|| (user_id("-u"), user_id("-g")));
        if let Some((uid, gid)) = user {
            for path in [dir.clone(), dir.join("socket")] {
                std::os::unix::fs::chown(&path, Some(uid), Some(gid)).unwrap();
            }
        }
        let initdb = as_user(Command::new(bin.join("initdb")), user)
            .arg("-D")
            .arg(dir.join("data"))
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"])
            .arg("--no-sync")
            .current_dir(&dir)
            .output()
            .expect("running initdb");
        assert!(
            initdb.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        let child = Postgres::spawn(&bin, port, &dir, user);
        let postgres = Postgres {
            child,
            bin,
            port,
            dir,
            user,
        };
        let created = Command::new(postgres.bin.join("createdb"))
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
            .arg(Postgres::DATABASE)
            .output()
            .expect("running createdb");
        assert!(
            created.status.success(),
            "createdb failed: {}",
            String::from_utf8_lossy(&created.stderr)
        );
        postgres
    }

    /// Starts the postmaster and waits until it accepts connections.
    fn spawn(bin: &Path, port: u16, dir: &Path, user: Option<(u32, u32)>) -> Child {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join("postgres.log"))
                .unwrap();
            let mut child = as_user(Command::new(bin.join("postgres")), user)
                .arg("-D")
                .arg(dir.join("data"))
                .args(["-p", &port.to_string()])
                .arg("-k")
                .arg(dir.join("socket"))
                .args(["-c", "listen_addresses=127.0.0.1"])
                .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
                .args(["-c", "max_connections=200"])
                .current_dir(dir)
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("starting postgres");
            // Until it accepts connections, or exits: right after a
            // SIGKILL, the old processes may still hold its shared memory,
            // and it refuses to start.
            loop {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                let ready = Command::new(bin.join("pg_isready"))
                    .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string(), "-t", "1"])
                    .status()
                    .is_ok_and(|status| status.success());
                if ready {
                    return child;
                }
                assert!(
                    Instant::now() < deadline,
                    "postgres on port {port} did not accept connections; see {}",
                    dir.join("postgres.log").display()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(
                Instant::now() < deadline,
                "postgres on port {port} would not start; see {}",
                dir.join("postgres.log").display()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{}",
            self.port,
            Postgres::DATABASE
        )
    }

    /// Kills the server the hard way, as a crash does: SIGKILL to the
    /// postmaster and to every process it started (a backend whose
    /// postmaster alone died may still answer, and commit, for a moment).
    /// Returns how many processes were killed.
    fn kill(&mut self) -> usize {
        let children = children_of(self.child.id());
        let _ = self.child.kill();
        for pid in &children {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        let _ = self.child.wait();
        1 + children.len()
    }

    /// Starts the server again on the same port, with the same data (after
    /// crash recovery).
    fn restart(&mut self) {
        self.child = Postgres::spawn(&self.bin, self.port, &self.dir, self.user);
    }

    /// The rows `sql` returns, each as its tab-separated fields (`psql`).
    fn query(&self, sql: &str) -> Result<Vec<Vec<String>>, String> {
        let output = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .args(["-d", Postgres::DATABASE, "-X", "-A", "-t", "-F", "\t"])
            .args(["-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .map_err(|error| format!("running psql: {error}"))?;
        if !output.status.success() {
            return Err(format!(
                "psql: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|line| !line.is_empty())
            .map(|line| line.split('\t').map(str::to_owned).collect())
            .collect())
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A fast shutdown (SIGINT), so that no backend outlives it.
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }
}

/// The directory of `initdb` and the other binaries: on `PATH`, else
/// Debian's /usr/lib/postgresql/<version>/bin, the newest version.
fn postgres_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path).find_map(|dir| {
            let bin = dir.join("initdb").canonicalize().ok()?.parent()?.to_owned();
            bin.join("postgres").is_file().then_some(bin)
        })
    });
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let version = entry.file_name().to_str()?.parse().ok()?;
                let bin = entry.path().join("bin");
                bin.join("initdb").is_file().then_some((version, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

/// The `postgres` user's uid (`-u`) or gid (`-g`).
fn user_id(flag: &str) -> u32 {
    let output = Command::new("id")
        .args([flag, "postgres"])
        .output()
        .expect("running id");
    assert!(
        output.status.success(),
        "running as root, the drill starts PostgreSQL as the `postgres` user, and there is none"
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}

fn as_user(mut command: Command, user: Option<(u32, u32)>) -> Command {
    if let Some((uid, gid)) = user {
        command.uid(uid).gid(gid).env("HOME", "/tmp");
    }
    command
}

/// The processes whose parent is `parent` (from /proc).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // `pid (comm) state ppid …`: comm may hold spaces, not `)`.
            let ppid: u32 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            (ppid == parent).then_some(pid)
        })
        .collect()
}

/// An accepted delivery, kept for redeliveries and replays.
#[derive(Clone)]
struct Accepted {
    id: String,
    body: Arc<Vec<u8>>,
    header: String,
    signed_at: i64,
}

/// A valid event refused for now, to deliver again when its time comes.
struct Pending {
    id: String,
    body: Arc<Vec<u8>>,
    due: Instant,
    /// The status that refused it (0: no answer).
    cause: u16,
}

/// State shared by the load workers.
struct Shared {
    /// The receivers' URLs: each request goes to one of them at random.
    urls: Vec<String>,
    accepted: Mutex<Vec<Accepted>>,
    /// Valid events refused for now (409, 5xx, no answer): delivered again.
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
    /// Whether something goes down during the run.
    faults: bool,
    /// Whether duplicates are answered by the extractor, with
    /// `Webhook-Duplicate: true` (`WebhookTx`), rather than by the handler.
    duplicate_header: bool,
}

impl Shared {
    fn pick_url(&self, rng: &mut Rng) -> &str {
        &self.urls[rng.below(self.urls.len() as u64) as usize]
    }
}

/// What one worker saw.
#[derive(Default)]
struct Stats {
    answers: HashMap<(Kind, u16), u64>,
    latencies_us: Vec<u32>,
    unexpected: Vec<Unexpected>,
    /// Answers deferring a delivery during a fault (503, or 409 for a
    /// claim whose completion was lost), to be delivered again.
    unavailable: u64,
    /// Deliveries that were retries, by the status that refused the
    /// attempt before (0: no answer).
    retries: HashMap<u16, u64>,
    /// Retries answered 200 as duplicates: the attempt before was
    /// processed, but its answer was lost (no answer, or a 5xx).
    found_done: u64,
    /// When each 5xx was answered, in seconds from the start.
    server_errors_at: Vec<f64>,
    /// Requests other than valid events that got no answer in a phase
    /// with faults, and when (seconds from the start): checked against the
    /// faults at the end.
    unanswered_at: Vec<(f64, Unexpected)>,
}

/// An answer the drill did not expect.
struct Unexpected {
    kind: Kind,
    /// 0: no answer.
    status: u16,
    /// Whether it had `Webhook-Duplicate: true`.
    duplicate: bool,
    expected: u16,
    /// The event, for a valid one; why there was no answer, for none.
    detail: Option<String>,
}

/// The unexpected answers, one line per kind of request and answer.
fn summarize(unexpected: &[Unexpected]) -> Vec<String> {
    let mut groups: std::collections::BTreeMap<_, (u64, Option<&str>)> = Default::default();
    for u in unexpected {
        let group = groups
            .entry((u.kind, u.status, u.duplicate, u.expected))
            .or_default();
        group.0 += 1;
        group.1 = group.1.or(u.detail.as_deref());
    }
    groups
        .into_iter()
        .map(|((kind, status, duplicate, expected), (n, detail))| {
            let answer = match status {
                0 => "no answer".to_owned(),
                status if duplicate => format!("{status} with Webhook-Duplicate: true"),
                status => status.to_string(),
            };
            let example = detail.map_or(String::new(), |detail| format!(" (e.g. {detail})"));
            format!("{kind:?}: {answer}, expected {expected}: {n} requests{example}")
        })
        .collect()
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        for (key, n) in other.answers {
            *self.answers.entry(key).or_default() += n;
        }
        for (cause, n) in other.retries {
            *self.retries.entry(cause).or_default() += n;
        }
        self.latencies_us.extend(other.latencies_us);
        self.unexpected.extend(other.unexpected);
        self.unavailable += other.unavailable;
        self.found_done += other.found_done;
        self.server_errors_at.extend(other.server_errors_at);
        self.unanswered_at.extend(other.unanswered_at);
    }

    /// The answers to `kinds` with `status`.
    fn count(&self, kinds: &[Kind], status: impl Fn(u16) -> bool) -> u64 {
        self.answers
            .iter()
            .filter(|((kind, s), _)| kinds.contains(kind) && status(*s))
            .map(|(_, n)| n)
            .sum()
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

/// The answer, or why there was none (the client's error and its causes).
async fn send(
    client: &reqwest::Client,
    url: &str,
    header: Option<&str>,
    body: Vec<u8>,
) -> Result<Answer, String> {
    let mut request = client
        .post(url)
        .header("Content-Type", "application/json")
        .body(body);
    if let Some(header) = header {
        request = request.header("X-Unleeshed-Signature", header);
    }
    let response = request.send().await.map_err(|error| {
        let mut why = error.to_string();
        let mut cause = std::error::Error::source(&error);
        while let Some(error) = cause {
            why = format!("{why}: {error}");
            cause = error.source();
        }
        why
    })?;
    let duplicate = response
        .headers()
        .get("webhook-duplicate")
        .is_some_and(|v| v == "true");
    let status = response.status().as_u16();
    let _ = response.bytes().await;
    Ok(Answer { status, duplicate })
}

async fn worker(shared: Arc<Shared>, client: reqwest::Client, deadline: Instant) -> Stats {
    let mut stats = Stats::default();
    let mut rng = Rng::new();
    while Instant::now() < deadline {
        let due = {
            let mut pending = shared.pending.lock().unwrap();
            match pending.front() {
                Some(p) if p.due <= Instant::now() => pending.pop_front(),
                _ => None,
            }
        };
        match due {
            Some(pending) => retry(&shared, &client, &mut stats, &mut rng, pending).await,
            None => one_request(&shared, &client, &mut stats, &mut rng).await,
        }
    }
    stats
}

/// Delivers every event still pending until each is accepted (or gives up
/// after `patience`).
async fn drain(shared: Arc<Shared>, client: reqwest::Client, patience: Duration) -> Stats {
    let mut stats = Stats::default();
    let mut rng = Rng::new();
    let give_up = Instant::now() + patience;
    loop {
        let next = shared.pending.lock().unwrap().pop_front();
        let Some(pending) = next else { break };
        if Instant::now() > give_up {
            shared.pending.lock().unwrap().push_front(pending);
            break;
        }
        if let Some(wait) = pending.due.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
        retry(&shared, &client, &mut stats, &mut rng, pending).await;
    }
    stats
}

async fn retry(
    shared: &Shared,
    client: &reqwest::Client,
    stats: &mut Stats,
    rng: &mut Rng,
    pending: Pending,
) {
    *stats.retries.entry(pending.cause).or_default() += 1;
    let url = shared.pick_url(rng);
    let (id, body) = (pending.id, pending.body);
    deliver_valid(shared, client, url, stats, Kind::Retry, id, body).await
}

fn record(stats: &mut Stats, shared: &Shared, kind: Kind, status: u16, started: Instant) {
    *stats.answers.entry((kind, status)).or_default() += 1;
    stats
        .latencies_us
        .push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
    if status >= 500 {
        stats
            .server_errors_at
            .push(shared.started.elapsed().as_secs_f64());
    }
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
    let answer = send(client, url, Some(&header), body.to_vec()).await.ok();
    let status = answer.as_ref().map_or(0, |a| a.status);
    record(stats, shared, kind, status, started);
    match answer {
        // A retry may find the event done: its earlier attempt was processed
        // but the answer was lost. Either way the event is accepted now.
        Some(Answer {
            status: 200,
            duplicate,
        }) if !duplicate || kind == Kind::Retry => {
            if duplicate {
                stats.found_done += 1;
            }
            shared.accepted.lock().unwrap().push(Accepted {
                id,
                body,
                header,
                signed_at,
            });
        }
        // Refused for now, as a provider sees it: delivered again. (5xx
        // outside the faults are failures, checked at the end.)
        Some(Answer {
            status: 409 | 500..=599,
            ..
        })
        | None => {
            if status == 503 {
                stats.unavailable += 1;
            }
            shared.pending.lock().unwrap().push_back(Pending {
                id,
                body,
                due: Instant::now() + Duration::from_millis(200),
                cause: status,
            });
        }
        Some(Answer { status, duplicate }) => stats.unexpected.push(Unexpected {
            kind,
            status,
            duplicate,
            expected: 200,
            detail: Some(id),
        }),
    }
}

async fn one_request(shared: &Shared, client: &reqwest::Client, stats: &mut Stats, rng: &mut Rng) {
    let url = shared.pick_url(rng);
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
    let (answer, why) = match send(client, url, header.as_deref(), body).await {
        Ok(answer) => (Some(answer), None),
        Err(why) => (None, Some(why)),
    };
    let status = answer.as_ref().map_or(0, |a| a.status);
    record(stats, shared, kind, status, started);
    // A duplicate is answered 200. With memory or Redis, the example's
    // handler sees it through `Delivery::Duplicate` and prints `duplicate
    // <id>` (counted at the end); with PostgreSQL, the extractor answers it
    // with `Webhook-Duplicate: true`, and a 200 without would be the
    // handler running again.
    let duplicate = matches!(kind, Kind::Redelivery | Kind::Replay);
    let ok = answer.as_ref().is_some_and(|a| {
        a.status == expected && (!duplicate || !shared.duplicate_header || a.duplicate)
    });
    // An oversized upload is answered 413 from its `Content-Length`,
    // before its body is read, and the connection closed: a client still
    // writing the body may see the close (a broken pipe) before the
    // answer. Either way it is refused, and nothing of it was processed.
    let ok = ok || (kind == Kind::Oversized && answer.is_none());
    // While a store is down, a duplicate cannot be recognised: 503, and the
    // provider would retry it later. A delivery whose completion was lost
    // with Redis still holds its claim until the lease runs out, and one
    // racing another delivery of its event in a PostgreSQL transaction is
    // in flight: 409. A killed receiver gives no answer. None runs the
    // handler; all are counted, not failures.
    // A bad request sent to a killed receiver gets no answer either: its
    // time is checked against the faults at the end.
    if !ok {
        let unexpected = Unexpected {
            kind,
            status,
            duplicate: answer.as_ref().is_some_and(|a| a.duplicate),
            expected,
            detail: why,
        };
        if shared.faults && duplicate && matches!(status, 0 | 409 | 503) {
            stats.unavailable += 1;
        } else if shared.faults && status == 0 {
            let t = shared.started.elapsed().as_secs_f64();
            stats.unanswered_at.push((t, unexpected));
        } else {
            stats.unexpected.push(unexpected);
        }
    }
}

/// A fault of the run: what went down, when (seconds from the start), and
/// when it was back.
struct Fault {
    what: String,
    down: f64,
    up: f64,
}

/// A receiver's memory over the run: (seconds, RSS in KiB) once a second,
/// and its peak (of the process running at the end).
struct Memory {
    receiver: &'static str,
    samples: Vec<(f64, u64)>,
    peak_kib: u64,
}

struct Report {
    store: Store,
    seconds: f64,
    stats: Stats,
    accepted: usize,
    processed_ids: usize,
    processed_lines: u64,
    duplicate_lines: u64,
    /// With PostgreSQL: the rows of `webhook_events`, and how many events
    /// they are for.
    rows: Option<(u64, usize)>,
    memory: Vec<Memory>,
    faults: Vec<Fault>,
    server_errors: u64,
    /// Whether the exactly-once checks passed (the problems are others).
    exactly_once: bool,
    /// Requests other than valid events unanswered during the faults.
    unanswered_bad: usize,
    /// The receivers' logs, kept when a check failed.
    logs: Option<PathBuf>,
    problems: Vec<String>,
}

async fn phase(config: &Config, binaries: &Binaries, store: Store) -> Report {
    let name = store.name();
    let mut dir = TempDir::new(name);
    let mut redis = (store == Store::Redis).then(Redis::start);
    let mut postgres = (store == Store::Postgres).then(|| Postgres::start(&dir.path));
    let env = match (&redis, &postgres) {
        (Some(redis), _) => vec![("REDIS_URL", redis.url())],
        (_, Some(postgres)) => vec![("DATABASE_URL", postgres.url())],
        _ => Vec::new(),
    };
    let mut fleet = vec![("axum", &binaries.axum)];
    if store == Store::Postgres {
        fleet.push(("actix", &binaries.actix));
    }
    // One after the other: each creates its tables at start-up.
    let mut receivers: Vec<Receiver> = fleet
        .into_iter()
        .map(|(receiver, path)| {
            Receiver::start(Launch {
                name: receiver,
                path: path.clone(),
                env: env.clone(),
                log: dir.path.join(format!("{receiver}.log")),
            })
        })
        .collect();
    let urls: Vec<String> = receivers.iter().map(Receiver::url).collect();
    eprintln!(
        "\n{name}: {} s at concurrency {} against {}",
        config.seconds,
        config.concurrency,
        urls.join(" and ")
    );

    let mut run = [0u8; 4];
    getrandom::fill(&mut run).unwrap();
    let shared = Arc::new(Shared {
        urls,
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
        faults: store != Store::Memory,
        duplicate_header: store == Store::Postgres,
    });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(config.concurrency)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // The receivers' memory, once a second (a restarted receiver's from
    // its restart on).
    let pids = Arc::new(Mutex::new(
        receivers.iter().map(|r| r.child.id()).collect::<Vec<_>>(),
    ));
    let sampling = Arc::new(Mutex::new(vec![Vec::new(); receivers.len()]));
    let sampler = {
        let (pids, sampling, shared) = (pids.clone(), sampling.clone(), shared.clone());
        tokio::spawn(async move {
            loop {
                let t = shared.started.elapsed().as_secs_f64();
                let pids = pids.lock().unwrap().clone();
                for (samples, pid) in sampling.lock().unwrap().iter_mut().zip(pids) {
                    if let Some(kib) = proc_status_kib(pid, "VmRSS:") {
                        samples.push((t, kib));
                    }
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };

    let deadline = Instant::now() + Duration::from_secs(config.seconds);
    let workers: Vec<_> = (0..config.concurrency)
        .map(|_| tokio::spawn(worker(shared.clone(), client.clone(), deadline)))
        .collect();

    let faults = inject_faults(
        config,
        &shared,
        &mut receivers,
        &pids,
        redis.as_mut(),
        postgres.as_mut(),
    )
    .await;

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
                Duration::from_secs(60),
            ))
        })
        .collect();
    for drain in drains {
        stats.merge(drain.await.unwrap());
    }
    sampler.abort();
    let samples = std::mem::take(&mut *sampling.lock().unwrap());
    let memory: Vec<Memory> = receivers
        .iter()
        .zip(samples)
        .map(|(receiver, samples)| Memory {
            receiver: receiver.launch.name,
            samples,
            peak_kib: proc_status_kib(receiver.child.id(), "VmHWM:").unwrap_or(0),
        })
        .collect();

    let mut problems = Vec::new();
    for receiver in &mut receivers {
        if !receiver.stop() {
            problems.push(format!(
                "the {} receiver did not exit cleanly on Ctrl-C",
                receiver.launch.name
            ));
        }
    }
    let accepted = shared.accepted.lock().unwrap().clone();
    // Exactly once: these checks' problems first.
    let before = problems.len();
    let pending = shared.pending.lock().unwrap().len();
    if pending > 0 {
        problems.push(format!("{pending} valid events were never accepted"));
    }
    // Processed exactly once: from the rows with PostgreSQL (a receiver
    // killed between its commit and its `processed` line printed nothing),
    // else from what the receivers printed.
    let mut processed = HashMap::new();
    for receiver in &receivers {
        for (id, n) in receiver.printed.processed.lock().unwrap().iter() {
            *processed.entry(id.clone()).or_insert(0) += n;
        }
    }
    let duplicate_lines: u64 = receivers
        .iter()
        .map(|r| r.printed.duplicates.load(Ordering::Relaxed))
        .sum();
    let rows = match &postgres {
        Some(postgres) => Some(check_rows(postgres, &accepted, &mut problems)),
        None => {
            check_printed(
                &accepted,
                &processed,
                duplicate_lines,
                &stats,
                &mut problems,
            );
            None
        }
    };
    let exactly_once = problems.len() == before;
    // 5xx only while something is down (and for as long after as a request
    // may have waited for it). "No answer" (a killed receiver, or a
    // connection the server closed, as it does after a 413 to stop an
    // upload, picked up by the client's pool) is not a 5xx; the event is
    // delivered again like any refused one.
    let during_fault = |t: f64, grace: Duration| {
        faults
            .iter()
            .any(|f| t >= f.down && t <= f.up + grace.as_secs_f64())
    };
    let server_errors = stats.server_errors_at.len() as u64;
    let outside = stats
        .server_errors_at
        .iter()
        .filter(|&&t| !during_fault(t, FAULT_GRACE))
        .count();
    if outside > 0 {
        problems.push(format!(
            "{outside} answers were 5xx outside the faults (of {server_errors} 5xx)"
        ));
    }
    // Other requests than valid events unanswered outside the faults: as
    // unexpected as any other answer.
    let mut unanswered_bad = 0;
    for (t, unexpected) in std::mem::take(&mut stats.unanswered_at) {
        if during_fault(t, NO_ANSWER_GRACE) {
            unanswered_bad += 1;
        } else {
            stats.unexpected.push(unexpected);
        }
    }
    if store != Store::Memory && stats.unavailable == 0 {
        problems.push(format!(
            "no 503 while the {name} store was down: was it really down?"
        ));
    }
    if store == Store::Postgres && !stats.answers.keys().any(|&(_, status)| status == 0) {
        problems.push("no request went unanswered: was the receiver really killed?".to_owned());
    }
    problems.extend(summarize(&stats.unexpected));
    problems.truncate(40);
    dir.keep = !problems.is_empty();

    Report {
        store,
        seconds,
        stats,
        accepted: accepted.len(),
        processed_ids: processed.len(),
        processed_lines: processed.values().map(|&n| u64::from(n)).sum(),
        duplicate_lines,
        rows,
        memory,
        faults,
        server_errors,
        unanswered_bad,
        exactly_once,
        logs: dir.keep.then(|| dir.path.clone()),
        problems,
    }
}

/// The faults of a phase, at their times, while the workers run: with
/// Redis, Redis killed; with PostgreSQL, a receiver killed, then
/// PostgreSQL. Returns them, with when each was down and back.
async fn inject_faults(
    config: &Config,
    shared: &Shared,
    receivers: &mut [Receiver],
    pids: &Mutex<Vec<u32>>,
    redis: Option<&mut Redis>,
    postgres: Option<&mut Postgres>,
) -> Vec<Fault> {
    let at = |fraction: f64| {
        tokio::time::Instant::from_std(
            shared.started + Duration::from_secs(config.seconds).mul_f64(fraction),
        )
    };
    let elapsed = || shared.started.elapsed().as_secs_f64();
    let mut faults = Vec::new();
    if let Some(redis) = redis {
        // Redis: killed halfway, back three seconds later.
        tokio::time::sleep_until(at(0.5)).await;
        let down = elapsed();
        eprintln!("redis: killing Redis (SIGKILL) at {down:.0} s");
        redis.kill();
        tokio::time::sleep(Duration::from_secs(3)).await;
        redis.restart();
        let up = elapsed();
        eprintln!("redis: Redis back at {up:.0} s");
        faults.push(Fault {
            what: "Redis killed (SIGKILL), restarted on its port with its data (append-only file)"
                .to_owned(),
            down,
            up,
        });
    }
    if let Some(postgres) = postgres {
        // One receiver, drawn at random: killed at a third, restarted on
        // its port two seconds later, as an orchestrator would.
        tokio::time::sleep_until(at(1.0 / 3.0)).await;
        let victim = Rng::new().below(receivers.len() as u64) as usize;
        let receiver = &mut receivers[victim];
        let down = elapsed();
        eprintln!(
            "postgres: killing the {} receiver (SIGKILL) at {down:.1} s",
            receiver.launch.name
        );
        receiver.kill();
        tokio::time::sleep(Duration::from_secs(2)).await;
        receiver.restart();
        pids.lock().unwrap()[victim] = receiver.child.id();
        let up = elapsed();
        eprintln!(
            "postgres: the {} receiver back at {up:.1} s",
            receiver.launch.name
        );
        faults.push(Fault {
            what: format!(
                "the {} receiver killed (SIGKILL), restarted on its port",
                receiver.launch.name
            ),
            down,
            up,
        });
        // PostgreSQL: killed at two thirds, restarted on its port and data
        // two seconds later (after crash recovery).
        tokio::time::sleep_until(at(2.0 / 3.0)).await;
        let down = elapsed();
        let processes = postgres.kill();
        eprintln!(
            "postgres: killed PostgreSQL (SIGKILL, the postmaster and its {} processes) at {down:.1} s",
            processes - 1
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        postgres.restart();
        let up = elapsed();
        eprintln!("postgres: PostgreSQL back at {up:.1} s");
        faults.push(Fault {
            what: format!(
                "PostgreSQL killed (SIGKILL to the postmaster and its {} processes), \
                 restarted on its port and data",
                processes - 1
            ),
            down,
            up,
        });
    }
    faults
}

/// With memory and Redis: each accepted event printed `processed` once,
/// no other event was processed, and each duplicate answered printed
/// `duplicate`.
fn check_printed(
    accepted: &[Accepted],
    processed: &HashMap<String, u32>,
    duplicate_lines: u64,
    stats: &Stats,
    problems: &mut Vec<String>,
) {
    for a in accepted {
        match processed.get(&a.id) {
            Some(1) => {}
            Some(n) => problems.push(format!("{} processed {n} times", a.id)),
            None => problems.push(format!("{} accepted but never processed", a.id)),
        }
    }
    let accepted_ids: HashSet<&str> = accepted.iter().map(|a| a.id.as_str()).collect();
    for (id, n) in processed {
        if !accepted_ids.contains(id.as_str()) {
            problems.push(format!("{id} processed {n} times but never answered 200"));
        }
    }
    let duplicates_answered = stats.count(&[Kind::Redelivery, Kind::Replay], |s| s == 200);
    if duplicate_lines != duplicates_answered {
        problems.push(format!(
            "{duplicates_answered} redeliveries and replays answered 200, but the receivers printed {duplicate_lines} `duplicate` lines"
        ));
    }
}

/// With PostgreSQL: exactly one row in `webhook_events` for each accepted
/// event, and none for any other. Returns the rows and the events they
/// are for.
fn check_rows(
    postgres: &Postgres,
    accepted: &[Accepted],
    problems: &mut Vec<String>,
) -> (u64, usize) {
    let rows = match postgres.query("SELECT delivery_key, count(*) FROM webhook_events GROUP BY 1")
    {
        Ok(rows) => rows,
        Err(error) => {
            problems.push(format!("reading webhook_events: {error}"));
            return (0, 0);
        }
    };
    let rows: HashMap<String, u64> = rows
        .into_iter()
        .filter_map(|row| Some((row.first()?.clone(), row.get(1)?.parse().ok()?)))
        .collect();
    // The delivery key of an Unleeshed event `evt_X`.
    let accepted: HashSet<String> = accepted
        .iter()
        .map(|a| format!("unleeshed:id:{}", a.id))
        .collect();
    for key in &accepted {
        match rows.get(key) {
            Some(1) => {}
            Some(n) => problems.push(format!("{key}: accepted, and {n} rows")),
            None => problems.push(format!("{key}: accepted, and no row")),
        }
    }
    for (key, n) in &rows {
        if !accepted.contains(key) {
            problems.push(format!("{key}: {n} rows, but never accepted"));
        }
    }
    (rows.values().sum(), rows.len())
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
        println!("\n### Store: {}\n", self.store.name());
        println!(
            "{total} requests in {:.1} s: **{:.0} req/s**; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.seconds,
            total as f64 / self.seconds,
            f64::from(percentile(0.50)) / 1000.0,
            f64::from(percentile(0.99)) / 1000.0,
            f64::from(latencies.last().copied().unwrap_or(0)) / 1000.0,
        );
        if self.memory.len() > 1 {
            let names: Vec<&str> = self.memory.iter().map(|m| m.receiver).collect();
            println!(
                "Receivers: {}, each request to either at random.",
                names.join(" and ")
            );
        }
        for fault in &self.faults {
            println!(
                "Fault: {} at {:.1} s, back at {:.1} s.",
                fault.what, fault.down, fault.up
            );
        }
        if !self.faults.is_empty() {
            let no_answer = self.stats.count(&[Kind::Valid, Kind::Retry], |s| s == 0);
            println!(
                "{} answers deferred a delivery (503, or 409 for a claim still held); {} 5xx in all, \
                 each within a fault or {} s after; {} valid deliveries and {} bad requests got no \
                 answer. Every valid event among them was delivered again until accepted.",
                self.stats.unavailable,
                self.server_errors,
                FAULT_GRACE.as_secs(),
                no_answer,
                self.unanswered_bad,
            );
        }
        let mut causes: Vec<(u16, u64)> =
            self.stats.retries.iter().map(|(&c, &n)| (c, n)).collect();
        causes.sort();
        let causes: Vec<String> = causes
            .iter()
            .map(|&(cause, n)| match cause {
                0 => format!("{n} after no answer"),
                cause => format!("{n} after {cause}"),
            })
            .collect();
        let retries: u64 = self.stats.retries.values().sum();
        println!(
            "Retries: {retries} deliveries{}{}; {} retries found their event already processed (answered as duplicates).",
            if causes.is_empty() { "" } else { ": " },
            causes.join(", "),
            self.stats.found_done,
        );
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
        let duplicates = self
            .stats
            .count(&[Kind::Redelivery, Kind::Replay], |s| s == 200);
        match self.rows {
            Some((rows, events)) => println!(
                "\nValid events accepted: {}; rows in webhook_events: {rows}, for {events} events; \
                 redeliveries and replays answered 200 as duplicates: {duplicates}; `processed` \
                 lines printed: {} (a receiver killed after its commit prints none).",
                self.accepted, self.processed_lines
            ),
            None => println!(
                "\nValid events accepted: {}; processed: {} ids in {} `processed` lines; `duplicate` lines: {}.",
                self.accepted, self.processed_ids, self.processed_lines, self.duplicate_lines
            ),
        }
        for memory in &self.memory {
            let at = |fraction: f64| {
                let t = self.seconds * fraction;
                memory
                    .samples
                    .iter()
                    .min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()))
                    .map_or(0, |s| s.1)
            };
            println!(
                "{} receiver memory (RSS): {} MiB at 10 %, {} MiB at 50 %, {} MiB at the end; peak {} MiB.",
                memory.receiver,
                at(0.1) / 1024,
                at(0.5) / 1024,
                at(1.0) / 1024,
                memory.peak_kib / 1024
            );
        }
        let once = if self.rows.is_some() {
            "every accepted event has exactly one row in webhook_events, no other event has any"
        } else {
            "every valid event processed exactly once"
        };
        if self.problems.is_empty() {
            println!(
                "Checks: {once}; every bad request refused with its status; every redelivery and replay answered as a duplicate or deferred during a fault."
            );
        } else {
            if self.exactly_once {
                println!("Exactly once: held: {once}, none left unaccepted.");
            }
            println!("\nPROBLEMS:");
            for problem in &self.problems {
                println!("- {problem}");
            }
            if let Some(logs) = &self.logs {
                println!(
                    "The receivers' logs (and the PostgreSQL cluster, if any) are kept in {}.",
                    logs.display()
                );
            }
        }
    }
}

//! A throwaway PostgreSQL for the tests: `DATABASE_URL` when given, else a
//! cluster of its own (`initdb` from `PATH` or /usr/lib/postgresql/*/bin,
//! into a temporary directory, on a free loopback port, run as the
//! `postgres` user when the tests run as root), else a loud skip (a
//! failure when `CI` is set).

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A PostgreSQL the test may use; a cluster it started is stopped and
/// removed on drop.
pub struct Postgres {
    /// A database of its own (when the test started the cluster).
    pub url: String,
    own: Option<OwnCluster>,
}

struct OwnCluster {
    child: Child,
    bin: PathBuf,
    port: u16,
    dir: PathBuf,
    /// The `postgres` user's uid and gid, when running as root.
    user: Option<(u32, u32)>,
}

const DATABASE: &str = "signed_webhooks_test";

/// A PostgreSQL to test against, or `None` (after saying so loudly) when
/// there is none here.
pub fn postgres(test: &str) -> Option<Postgres> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return Some(Postgres { url, own: None });
    }
    let Some(bin) = bin_dir() else {
        let message = format!(
            "{test}: SKIPPED, no PostgreSQL: install it (apt-get install -y postgresql) or set \
             DATABASE_URL"
        );
        if std::env::var_os("CI").is_some() {
            panic!("{message} (CI is set, so this is a failure)");
        }
        eprintln!("\n!!!!!!!! {message}\n");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir =
        std::env::temp_dir().join(format!("signed-webhooks-pg-{}-{port}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("socket")).unwrap();
    // Removed if the cluster fails to come up (a panic below); from then
    // on, `Postgres`'s drop removes it.
    let cleanup = RemoveOnDrop(dir.clone());
    // initdb and postgres refuse to run as root.
    let user = is_root().then(postgres_user);
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
    let child = start_server(&bin, port, &dir, user);
    std::mem::forget(cleanup);
    let created = Command::new(bin.join("createdb"))
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
        .arg(DATABASE)
        .output()
        .expect("running createdb");
    let postgres = Postgres {
        url: format!("postgres://postgres@127.0.0.1:{port}/{DATABASE}"),
        own: Some(OwnCluster {
            child,
            bin,
            port,
            dir,
            user,
        }),
    };
    assert!(
        created.status.success(),
        "createdb failed: {}",
        String::from_utf8_lossy(&created.stderr)
    );
    Some(postgres)
}

impl Postgres {
    /// Whether this test owns the cluster, so it may kill and restart it.
    pub fn is_own(&self) -> bool {
        self.own.is_some()
    }

    /// A pool on the test's database.
    pub async fn pool(&self) -> sqlx::PgPool {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(20)
            .acquire_timeout(Duration::from_secs(10))
            .connect(&self.url)
            .await
            .unwrap_or_else(|error| panic!("connecting to the test database: {error}"))
    }

    /// Kills the server the hard way, as a crash does: SIGKILL to the
    /// postmaster and to every process it started (a backend whose
    /// postmaster alone died may still answer, and commit, for a moment).
    pub fn kill(&mut self) {
        let own = self
            .own
            .as_mut()
            .expect("only a cluster the test started can be killed");
        let children = children_of(own.child.id());
        own.child.kill().unwrap();
        for pid in children {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        own.child.wait().unwrap();
    }

    /// Starts the server again on the same port, with the same data (after
    /// crash recovery).
    pub fn restart(&mut self) {
        let own = self
            .own
            .as_mut()
            .expect("only a cluster the test started can be restarted");
        own.child = start_server(&own.bin, own.port, &own.dir, own.user);
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(own) = &mut self.own {
            // A fast shutdown (SIGINT), so that no backend outlives it.
            let stopped = Command::new("kill")
                .args(["-INT", &own.child.id().to_string()])
                .status()
                .is_ok_and(|status| status.success());
            let deadline = Instant::now() + Duration::from_secs(10);
            while stopped && Instant::now() < deadline {
                if let Ok(Some(_)) = own.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = own.child.kill();
            let _ = own.child.wait();
            let _ = std::fs::remove_dir_all(&own.dir);
        }
    }
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// fsync off: the tests survive a killed server (the data is in the
/// operating system's cache), not a killed machine.
fn start_server(bin: &Path, port: u16, dir: &Path, user: Option<(u32, u32)>) -> Child {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
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
            .stderr(log(dir))
            .spawn()
            .expect("starting postgres");
        // Until it accepts connections, or exits: after a SIGKILL, the old
        // processes may hold its shared memory for a moment, and it refuses
        // to start.
        let exited = loop {
            if let Ok(Some(_)) = child.try_wait() {
                break true;
            }
            if is_ready(bin, port) {
                return child;
            }
            if Instant::now() >= deadline {
                break false;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        if !exited || Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "postgres on port {port} did not accept connections: {}",
                std::fs::read_to_string(dir.join("postgres.log")).unwrap_or_default()
            );
        }
        let _ = child.wait();
        std::thread::sleep(Duration::from_millis(200));
    }
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

/// The server's log, appended to across restarts.
fn log(dir: &Path) -> Stdio {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("postgres.log"))
        .map_or_else(|_| Stdio::null(), Stdio::from)
}

fn is_ready(bin: &Path, port: u16) -> bool {
    Command::new(bin.join("pg_isready"))
        .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string(), "-t", "1"])
        .status()
        .is_ok_and(|status| status.success())
}

/// The directory of `initdb` (and the other binaries): on `PATH`, else Debian's
/// /usr/lib/postgresql/<version>/bin, the newest version.
fn bin_dir() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            // Followed to its real directory (a symlink on PATH may stand
            // alone), where postgres, createdb and pg_isready are too.
            if let Ok(initdb) = dir.join("initdb").canonicalize()
                && let Some(bin) = initdb.parent()
                && bin.join("postgres").is_file()
                && bin.join("pg_isready").is_file()
            {
                return Some(bin.to_owned());
            }
        }
    }
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
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// The `postgres` user's uid and gid.
fn postgres_user() -> (u32, u32) {
    let id = |flag: &str| {
        let output = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .expect("running id");
        assert!(
            output.status.success(),
            "running as root, the tests start PostgreSQL as the `postgres` user, and there is none"
        );
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .unwrap()
    };
    (id("-u"), id("-g"))
}

fn as_user(mut command: Command, user: Option<(u32, u32)>) -> Command {
    if let Some((uid, gid)) = user {
        command.uid(uid).gid(gid).env("HOME", "/tmp");
    }
    command
}

/// A name of its own for each test (a table, a key prefix), so tests can
/// share one database.
pub fn unique_name(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{test}_{}_{nanos}", std::process::id())
}

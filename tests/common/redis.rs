//! A throwaway Redis for the tests: `REDIS_URL` when given, else a
//! `redis-server` from `PATH` on a free loopback port, else a loud skip
//! (a failure when `CI` is set).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Redis the test may use; a server it started is stopped on drop.
pub struct Redis {
    pub url: String,
    /// Set when this test started the server itself (and so may kill it).
    own: Option<OwnServer>,
}

struct OwnServer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

/// A Redis to test against, or `None` (after saying so loudly) when there
/// is none here.
pub fn redis(test: &str) -> Option<Redis> {
    if let Ok(url) = std::env::var("REDIS_URL") {
        return Some(Redis { url, own: None });
    }
    if Command::new("redis-server")
        .arg("--version")
        .output()
        .is_err()
    {
        let message = format!(
            "{test}: SKIPPED, no Redis: install redis-server (apt-get install -y redis-server) or set REDIS_URL"
        );
        if std::env::var_os("CI").is_some() {
            panic!("{message} (CI is set, so this is a failure)");
        }
        eprintln!("\n!!!!!!!! {message}\n");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!(
        "signed-webhooks-redis-{}-{port}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let child = start_server(port, &dir);
    Some(Redis {
        url: format!("redis://127.0.0.1:{port}/"),
        own: Some(OwnServer { child, port, dir }),
    })
}

impl Redis {
    /// Whether this test owns the server, so it may kill and restart it.
    pub fn is_own(&self) -> bool {
        self.own.is_some()
    }

    /// Kills the server the hard way (SIGKILL).
    pub fn kill(&mut self) {
        let own = self
            .own
            .as_mut()
            .expect("only a server the test started can be killed");
        own.child.kill().unwrap();
        own.child.wait().unwrap();
    }

    /// Starts the server again on the same port, with the same data.
    pub fn restart(&mut self) {
        let own = self
            .own
            .as_mut()
            .expect("only a server the test started can be restarted");
        own.child = start_server(own.port, &own.dir);
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        if let Some(own) = &mut self.own {
            let _ = own.child.kill();
            let _ = own.child.wait();
            let _ = std::fs::remove_dir_all(&own.dir);
        }
    }
}

/// Persistence on, fsync on every write: completed deliveries must survive
/// a SIGKILL, as they would in production.
fn start_server(port: u16, dir: &std::path::Path) -> Child {
    let mut child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ])
        .args(["--appendonly", "yes", "--appendfsync", "always"])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting redis-server");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if ping(port) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("redis-server on port {port} did not answer PING");
}

fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let mut answer = [0u8; 7];
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG\r\n"
}

/// A key prefix of its own for each test, so tests can share one server.
pub fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test:{test}:{}:{nanos}:", std::process::id())
}

//! A fixed number of signed POSTs to the bench server, for profiling it
//! (`profile.sh`): `fire <addr> <requests> <connections>`. Each connection
//! sends its share one after another over one keep-alive HTTP/1.1
//! connection, written and read by hand so the client adds nothing to
//! the server's work but the requests themselves. Exits non-zero on any
//! answer but 200.

use std::io::{Read, Write};
use std::net::TcpStream;

use signed_webhooks::{Signer, Unleeshed};
use signed_webhooks_load::{EVENT, SECRET};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, requests, connections] = &args[..] else {
        eprintln!("usage: fire <addr> <requests> <connections>");
        std::process::exit(2);
    };
    let requests: usize = requests.parse().unwrap();
    let connections: usize = connections.parse().unwrap();
    let signature = Signer::<Unleeshed>::new(SECRET)
        .unwrap()
        .sign(EVENT.as_bytes())
        .get("x-unleeshed-signature")
        .unwrap()
        .to_owned();
    let request = format!(
        "POST /webhooks/unleeshed HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Unleeshed-Signature: {signature}\r\nContent-Length: {}\r\n\r\n{EVENT}",
        EVENT.len()
    );
    let threads: Vec<_> = (0..connections)
        .map(|i| {
            let (addr, request) = (addr.clone(), request.clone());
            let share = requests / connections + usize::from(i < requests % connections);
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&addr).unwrap();
                stream.set_nodelay(true).unwrap();
                let mut buf = vec![0u8; 4096];
                for _ in 0..share {
                    stream.write_all(request.as_bytes()).unwrap();
                    read_answer(&mut stream, &mut buf);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

/// Reads one answer: its head, then as many body bytes as it declares.
fn read_answer(stream: &mut TcpStream, buf: &mut [u8]) {
    let mut len = 0;
    loop {
        let n = stream.read(&mut buf[len..]).unwrap();
        assert!(n > 0, "the server closed the connection");
        len += n;
        let Some(end) = buf[..len].windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = std::str::from_utf8(&buf[..end]).unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "answer: {head}");
        let body_len: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        if len >= end + 4 + body_len {
            return;
        }
    }
}

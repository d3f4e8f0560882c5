//! `send`: a delivery POSTed as the provider sends it, retried on its
//! schedule until a 2xx, then redelivered if asked, with a line per
//! attempt and a summary.

use std::borrow::Cow;
use std::io::Write;
use std::time::{Duration, Instant};

use signed_webhooks::{Provider, Signer};

use crate::fixtures::fresh;
use crate::provider::{Kind, dispatch};
use crate::random::Random;
use crate::{Failure, SendArgs, fresh_delivery_id, unix_now};

/// The most of a refusal's body printed.
const MAX_SHOWN: usize = 500;

pub fn run(mut args: SendArgs) -> Result<(), Failure> {
    let kind = args.common.provider;
    match args.url.parse::<ureq::http::Uri>() {
        Ok(uri) if matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some() => {}
        _ => {
            return Err(Failure::Usage(format!(
                "--url {:?}: expected an http:// or https:// URL",
                redacted(&args.url)
            )));
        }
    }
    let flag = if args.signed_url.is_some() {
        "--signed-url"
    } else {
        "--url"
    };
    // The URL and method, checked before anything is read or made.
    let target = crate::target(kind, signed_url(kind, &args), args.method.as_deref(), flag)?;
    let method = target
        .as_ref()
        .map_or("POST", |target| target.method.as_str())
        .to_owned();
    if !kind.methods().contains(&method.as_str()) {
        let used = match kind.methods() {
            [only] => format!("{} calls with {only} only", kind.name()),
            methods => format!("{} calls with {}", kind.name(), methods.join(", ")),
        };
        return Err(Failure::Usage(format!(
            "--method {method}: {used}, so send does not send {method} (`sign --method {method}` \
             signs what it would send)"
        )));
    }
    args.method = target.is_some().then(|| method.clone());
    // A GET carries no body: Twilio's carries its parameters in the query
    // instead, HubSpot's (a CRM card's) nothing but the URL.
    let bodiless = method == "GET";
    if bodiless {
        let refused = if args.body.is_some() {
            Some("--body")
        } else if args.tampered {
            Some("--tampered (which changes the body)")
        } else if args.event_type.is_some() && kind != Kind::Twilio {
            Some("--type (a fixture is a body)")
        } else {
            None
        };
        if let Some(refused) = refused {
            return Err(Failure::Usage(format!(
                "--method GET sends no body, so {refused} cannot be sent; {}",
                if kind == Kind::Twilio {
                    "Twilio's GETs carry the fixture's fields (--type) in the query"
                } else {
                    "put the request's parameters in --url's query"
                }
            )));
        }
    }
    let mut random = Random::new();
    let (body, event_type) = match &args.body {
        Some(path) => {
            let body = std::fs::read(path)
                .map_err(|e| Failure::Usage(format!("--body {}: {e}", path.display())))?;
            (body, None)
        }
        None if bodiless && kind != Kind::Twilio => (Vec::new(), None),
        None => {
            let wanted = args.event_type.as_deref().unwrap_or(kind.default_type());
            let fixture = kind.fixture(wanted).map_err(Failure::Usage)?;
            let mut emitted = unix_now();
            if args.stale
                && let Some(window) = kind.body_time_window()
            {
                emitted -= window + 24 * 3600;
            }
            let body = fresh(kind, fixture, emitted, &mut random);
            (body.into_bytes(), Some(fixture.event_type))
        }
    };
    // Twilio's GET: the fixture's form fields move to the query of the URL
    // sent and of the URL signed, which is then all that is signed.
    let (body, target) = if bodiless && !body.is_empty() {
        let fields = String::from_utf8_lossy(&body).into_owned();
        args.url = with_query(&args.url, &fields);
        args.signed_url = args
            .signed_url
            .as_deref()
            .map(|url| with_query(url, &fields));
        let target = crate::target(kind, signed_url(kind, &args), args.method.as_deref(), flag)?;
        (Vec::new(), target)
    } else {
        (body, target)
    };
    if args.stale {
        if !kind.signs_header_time() && kind.body_time_field().is_none() {
            return Err(Failure::Usage(format!(
                "--stale: {} signs no time; only a duplicate store refuses its replays",
                kind.name()
            )));
        }
        if args.body.is_some() && !kind.signs_header_time() {
            return Err(Failure::Usage(format!(
                "--stale: {} signs the time inside the body; send a fixture (--type), whose \
                 `timestamp` is set in the past",
                kind.name()
            )));
        }
    }
    if kind == Kind::HubSpot && body.is_empty() {
        eprintln!(
            "note: HubSpot signs a {method} with an empty body as this one is (a CRM card's \
             GET); this crate's HubSpot verifier refuses any body but a JSON object or array"
        );
    }
    let secret = args.common.signing_secret()?;
    dispatch!(
        kind,
        deliver(
            kind,
            &args,
            &secret.secret,
            target.as_ref(),
            &body,
            event_type
        )
    )
}

/// One POST, as the summary shows it.
struct Attempt {
    kind: &'static str,
    /// Seconds after the first attempt on the provider's schedule.
    scheduled: u64,
    /// Seconds after the first attempt, really.
    elapsed: Duration,
    outcome: Result<u16, String>,
    reason: String,
    latency: Duration,
}

impl Attempt {
    fn succeeded(&self) -> bool {
        matches!(self.outcome, Ok(status) if (200..300).contains(&status))
    }

    fn status(&self) -> String {
        match &self.outcome {
            Ok(status) => format!("{status} {}", self.reason).trim_end().to_owned(),
            Err(error) => format!("no answer: {error}"),
        }
    }
}

fn deliver<P: Provider>(
    kind: Kind,
    args: &SendArgs,
    secret: &str,
    target: Option<&crate::Target>,
    body: &[u8],
    event_type: Option<&str>,
) -> Result<(), Failure> {
    let cannot =
        |e: signed_webhooks::ConfigError| Failure::Usage(format!("the secret cannot sign: {e}"));
    let signer = match target {
        Some(target) => Signer::<P>::for_url(&target.url, secret)
            .map_err(cannot)?
            .with_method(&target.method)
            .map_err(cannot)?,
        None => Signer::<P>::new(secret).map_err(cannot)?,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        // Providers do not follow redirects: a 3xx is a failed delivery.
        .max_redirects(0)
        .timeout_global(Some(args.timeout))
        .user_agent(concat!("signed-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();

    // The id a retry or redelivery keeps: in the body, or in a header.
    let delivery_id = kind.id_header().map(|_| fresh_delivery_id(kind));
    let label = label(kind, body, event_type, delivery_id.as_deref());
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "sending {label} to {}", redacted(&args.url));
    let schedule = kind.schedule();
    let waits: &[u64] = if args.retries { &schedule.waits } else { &[] };
    if args.retries {
        let _ = writeln!(out, "retries: {}", schedule.source);
    }

    if args.tampered || args.stale {
        return must_be_refused(&agent, kind, &signer, args, body, event_type, &delivery_id);
    }

    let start = Instant::now();
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut scheduled = 0;
    for number in 0..=waits.len() {
        if number > 0 {
            let wait = waits[number - 1];
            scheduled += wait;
            // At most 24 h × 1000: a Duration holds it.
            let real = Duration::from_secs_f64(wait as f64 / args.time_scale);
            let _ = writeln!(
                out,
                "   retry in {}{}",
                span(wait),
                scaled(real, args.time_scale)
            );
            let _ = out.flush();
            std::thread::sleep(real);
        }
        let kind_name = if number == 0 { "delivery" } else { "retry" };
        let attempt = post(
            &agent,
            kind,
            &signer,
            args,
            body,
            event_type,
            &delivery_id,
            kind_name,
            scheduled,
            start,
        );
        progress(&mut out, attempts.len() + 1, &attempt);
        let done = attempt.succeeded();
        attempts.push(attempt.0);
        if done {
            break;
        }
    }
    let delivered = attempts.last().is_some_and(Attempt::succeeded);
    if delivered {
        for _ in 0..args.duplicate {
            let attempt = post(
                &agent,
                kind,
                &signer,
                args,
                body,
                event_type,
                &delivery_id,
                "duplicate",
                scheduled,
                start,
            );
            progress(&mut out, attempts.len() + 1, &attempt);
            attempts.push(attempt.0);
        }
    }
    summary(&mut out, &attempts, waits.len() + 1, args.duplicate);
    let redeliveries_ok = attempts
        .iter()
        .filter(|a| a.kind == "duplicate")
        .all(Attempt::succeeded);
    if delivered && redeliveries_ok {
        Ok(())
    } else {
        Err(Failure::Refused)
    }
}

/// `--tampered` and `--stale`: one delivery a receiver must refuse.
fn must_be_refused<P: Provider>(
    agent: &ureq::Agent,
    kind: Kind,
    signer: &Signer<P>,
    args: &SendArgs,
    body: &[u8],
    event_type: Option<&str>,
    delivery_id: &Option<String>,
) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let what = match (args.tampered, args.stale) {
        (true, true) => "changed after signing, and signed beyond the provider's window",
        (true, false) => "changed after signing",
        _ => "signed beyond the provider's window",
    };
    let _ = writeln!(out, "the delivery is {what}: the receiver must refuse it");
    let attempt = post(
        agent,
        kind,
        signer,
        args,
        body,
        event_type,
        delivery_id,
        "delivery",
        0,
        Instant::now(),
    );
    progress(&mut out, 1, &attempt);
    match attempt.0.outcome {
        Ok(status @ 400..500) => {
            let _ = writeln!(out, "refused ({status}), as it must be");
            Ok(())
        }
        Ok(status @ 200..300) => {
            let _ = writeln!(
                out,
                "ACCEPTED ({status}): this receiver processes deliveries it must refuse"
            );
            Err(Failure::Refused)
        }
        _ => {
            let _ = writeln!(
                out,
                "not refused with a 4xx: a provider would retry it (a receiver answers 400 or \
                 401 to a delivery that does not verify)"
            );
            Err(Failure::Refused)
        }
    }
}

/// The body with one character changed: its first digit, else a space
/// added at its end.
fn tamper(body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    match body.iter().position(u8::is_ascii_digit) {
        Some(at) => body[at] = if body[at] == b'9' { b'0' } else { body[at] + 1 },
        None => body.push(b' '),
    }
    body
}

/// An attempt, the body of its answer (when refused), and whether the
/// receiver flagged it a duplicate.
struct Posted(Attempt, Option<String>, bool);

impl Posted {
    fn succeeded(&self) -> bool {
        self.0.succeeded()
    }
}

/// Signs `body` anew (a new timestamp; the same id) and POSTs it.
#[allow(clippy::too_many_arguments)]
fn post<P: Provider>(
    agent: &ureq::Agent,
    kind: Kind,
    signer: &Signer<P>,
    args: &SendArgs,
    body: &[u8],
    event_type: Option<&str>,
    delivery_id: &Option<String>,
    attempt_kind: &'static str,
    scheduled: u64,
    start: Instant,
) -> Posted {
    let now = unix_now();
    // LeadLex's delivery id names the attempt, per its docs; the others
    // keep theirs.
    let id = match (kind, delivery_id) {
        (Kind::Leadlex, Some(_)) => Some(fresh_delivery_id(kind)),
        _ => delivery_id.clone(),
    };
    // --stale: twice the provider's tolerance ago (ten minutes for the
    // usual 300 s; Paddle's is 5 s, Twitch's 10 min).
    let signed_at = if args.stale && kind.signs_header_time() {
        let tolerance = i64::try_from(kind.scheme().tolerance().as_secs()).unwrap_or(i64::MAX);
        now.saturating_sub(tolerance.saturating_mul(2))
    } else {
        now
    };
    let signed = signer.sign_with_id(body, signed_at, id.as_deref().unwrap_or_default());
    let body = if args.tampered {
        Cow::Owned(tamper(body))
    } else {
        Cow::Borrowed(body)
    };
    let body = &*body;
    // The method signed (checked by `run`), POST for the providers that
    // sign none.
    let method = args.method.as_deref().unwrap_or("POST");
    let bodiless = method == "GET";
    let mut request = ureq::http::Request::builder().method(method).uri(&args.url);
    for (name, value) in signed.iter() {
        request = request.header(name, value);
    }
    for (name, value) in kind.unsigned_headers(body, event_type, id.as_deref(), now) {
        // A GET carries no body, so no type of one.
        if !(bodiless && name == "content-type") {
            request = request.header(name, value);
        }
    }
    let elapsed = start.elapsed();
    let sent = Instant::now();
    let response = if bodiless {
        request.body(()).map(|request| agent.run(request))
    } else {
        request.body(body).map(|request| agent.run(request))
    };
    let response = response.unwrap_or_else(|error| Err(ureq::Error::Http(error)));
    let mut attempt = Attempt {
        kind: attempt_kind,
        scheduled,
        elapsed,
        outcome: Err(String::new()),
        reason: String::new(),
        latency: Duration::ZERO,
    };
    match response {
        Ok(mut response) => {
            let status = response.status();
            let duplicate = response
                .headers()
                .get("webhook-duplicate")
                .is_some_and(|v| v.as_bytes() == b"true");
            let text = response
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_vec()
                .unwrap_or_default();
            attempt.latency = sent.elapsed();
            attempt.outcome = Ok(status.as_u16());
            attempt.reason = status.canonical_reason().unwrap_or_default().to_owned();
            let refused = !attempt.succeeded();
            let shown = refused.then(|| shown(&text));
            Posted(attempt, shown, duplicate)
        }
        Err(error) => {
            attempt.latency = sent.elapsed();
            attempt.outcome = Err(failure(&error));
            Posted(attempt, None, false)
        }
    }
}

/// The URL signed: the one sent to, unless --signed-url names the public
/// one a proxy forwards from; none for a provider that signs no URL
/// (which `--signed-url` is a usage error for).
fn signed_url(kind: Kind, args: &SendArgs) -> Option<&str> {
    match (&args.signed_url, kind.signs_url()) {
        (Some(signed), _) => Some(signed.as_str()),
        (None, true) => Some(args.url.as_str()),
        (None, false) => None,
    }
}

/// `url` with `fields` (`name=value&…`) added to its query, before any
/// fragment (which is never sent).
fn with_query(url: &str, fields: &str) -> String {
    let (url, fragment) = match url.find('#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let separator = match url.find('?') {
        None => "?",
        Some(at) if at + 1 == url.len() || url.ends_with('&') => "",
        Some(_) => "&",
    };
    format!("{url}{separator}{fields}{fragment}")
}

/// The URL without the user and password it may carry.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://…@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Why no answer came, in a few words.
fn failure(error: &ureq::Error) -> String {
    use std::io::ErrorKind;
    match error {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            ErrorKind::ConnectionReset => "connection reset".to_owned(),
            ErrorKind::ConnectionAborted => "connection aborted".to_owned(),
            ErrorKind::TimedOut => "timed out".to_owned(),
            ErrorKind::UnexpectedEof => "connection closed without an answer".to_owned(),
            _ => io.to_string(),
        },
        other => other.to_string(),
    }
}

/// A refusal's body on one line, cut at [`MAX_SHOWN`] bytes.
fn shown(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    // Control characters escaped, so a receiver's answer cannot print
    // lines of its own.
    let mut line = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            line.extend(c.escape_debug());
        } else {
            line.push(c);
        }
    }
    if line.len() > MAX_SHOWN {
        let mut cut = MAX_SHOWN;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push('…');
    }
    line
}

fn progress(out: &mut impl Write, number: usize, posted: &Posted) {
    let Posted(attempt, body, duplicate) = posted;
    let mut line = format!(
        "#{number:<2} {:<9} {:>13}  {} in {}",
        attempt.kind,
        format!("+{}", span(attempt.scheduled)),
        attempt.status(),
        millis(attempt.latency)
    );
    if *duplicate {
        line.push_str(" (the receiver recognised a duplicate)");
    }
    let _ = writeln!(out, "{line}");
    if let Some(body) = body.as_deref().filter(|b| !b.is_empty()) {
        let _ = writeln!(out, "   refused with: {body}");
    }
    let _ = out.flush();
}

fn summary(out: &mut impl Write, attempts: &[Attempt], allowed: usize, duplicates: u32) {
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:>3}  {:<9}  {:>13}  {:>9}  {:>9}  status",
        "#", "kind", "schedule", "elapsed", "latency"
    );
    for (number, attempt) in attempts.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}  {:<9}  {:>13}  {:>9}  {:>9}  {}",
            number + 1,
            attempt.kind,
            format!("+{}", span(attempt.scheduled)),
            format!("{:.3} s", attempt.elapsed.as_secs_f64()),
            millis(attempt.latency),
            attempt.status()
        );
    }
    let tries = attempts.iter().filter(|a| a.kind != "duplicate").count();
    let delivered = attempts
        .iter()
        .rposition(|a| a.kind != "duplicate")
        .is_some_and(|at| attempts[at].succeeded());
    let verdict = if delivered {
        format!("delivered on attempt {tries} of {allowed}")
    } else {
        format!("not delivered after {tries} attempt(s) of {allowed}")
    };
    let sent = attempts.iter().filter(|a| a.kind == "duplicate").count();
    let duplicate_verdict = match (delivered, duplicates) {
        (_, 0) => String::new(),
        (false, _) => "; no redelivery sent".to_owned(),
        (true, _) => {
            let ok = attempts
                .iter()
                .filter(|a| a.kind == "duplicate" && a.succeeded())
                .count();
            format!("; {ok} of {sent} redeliveries answered 2xx")
        }
    };
    let _ = writeln!(out, "{verdict}{duplicate_verdict}");
}

fn label(kind: Kind, body: &[u8], event_type: Option<&str>, delivery: Option<&str>) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let field = |name: &str| value.get(name).and_then(|v| v.as_str());
    let mut label = kind.name().to_owned();
    if let Some(event_type) = event_type {
        label = format!("{label} {event_type}");
    }
    let id = if let Some(id_field) = kind.body_id_field() {
        field(id_field)
    } else {
        delivery.filter(|_| kind != Kind::Leadlex)
    };
    if let Some(id) = id {
        label = format!("{label} {id}");
    }
    label
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn scaled(real: Duration, scale: f64) -> String {
    if scale == 1.0 {
        String::new()
    } else {
        format!(
            " (waiting {:.3} s at --time-scale {scale})",
            real.as_secs_f64()
        )
    }
}

/// A time on a provider's schedule as a person reads it: `5 s`, `6 min`,
/// `1 h 4 min`, `26 h 36 min`, `2 d 20 h` (two units at most).
pub fn span(seconds: u64) -> String {
    let pair = |a: u64, a_unit: &str, b: u64, b_unit: &str| {
        if b == 0 {
            format!("{a} {a_unit}")
        } else {
            format!("{a} {a_unit} {b} {b_unit}")
        }
    };
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => pair(seconds / 60, "min", seconds % 60, "s"),
        3600..172_800 => pair(seconds / 3600, "h", seconds / 60 % 60, "min"),
        _ => pair(seconds / 86_400, "d", seconds / 3600 % 24, "h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampering_changes_one_character() {
        assert_eq!(tamper(br#"{"id":"evt_19"}"#), br#"{"id":"evt_29"}"#);
        assert_eq!(tamper(b"9"), b"0");
        assert_eq!(tamper(b"{}"), b"{} ");
    }

    #[test]
    fn fields_join_the_query_as_twilio_sends_them() {
        assert_eq!(
            with_query("https://h.example/t", "A=1&B=2"),
            "https://h.example/t?A=1&B=2"
        );
        assert_eq!(
            with_query("https://h.example/t?x=1", "A=1"),
            "https://h.example/t?x=1&A=1"
        );
        assert_eq!(
            with_query("https://h.example/t?", "A=1"),
            "https://h.example/t?A=1"
        );
        // Before the fragment, which is never sent.
        assert_eq!(
            with_query("https://h.example/t?x=1#top", "A=1"),
            "https://h.example/t?x=1&A=1#top"
        );
        assert_eq!(
            with_query("https://h.example/t?x=1&", "A=1"),
            "https://h.example/t?x=1&A=1"
        );
    }

    #[test]
    fn urls_are_printed_without_credentials() {
        assert_eq!(
            redacted("https://user:pass@example.com/hook?a=b@c"),
            "https://…@example.com/hook?a=b@c"
        );
        assert_eq!(
            redacted("http://127.0.0.1:3000/x@y"),
            "http://127.0.0.1:3000/x@y"
        );
        assert_eq!(redacted("no scheme"), "no scheme");
    }

    #[test]
    fn spans_and_refusals_print_on_one_line() {
        assert_eq!(span(0), "0 s");
        assert_eq!(span(5), "5 s");
        assert_eq!(span(60), "1 min");
        assert_eq!(span(360), "6 min");
        assert_eq!(span(3780), "1 h 3 min");
        assert_eq!(span(26 * 3600 + 36 * 60), "26 h 36 min");
        assert_eq!(span(68 * 3600 + 15 * 60), "2 d 20 h");
        assert_eq!(
            shown(b"{\"error\":\n\"x\"}\x1b"),
            r#"{"error":\n"x"}\u{1b}"#
        );
        let long = shown("é".repeat(400).as_bytes());
        assert!(long.ends_with('…') && long.len() <= MAX_SHOWN + '…'.len_utf8());
    }
}

//! `signed-webhooks`: sign a body as a provider does, verify a delivery and
//! explain why it does not verify, and send events to a receiver as the
//! provider would, retries and redeliveries included.
//!
//! ```sh
//! cargo install signed-webhooks --features cli
//! STRIPE_WEBHOOK_SECRET=whsec_… signed-webhooks send --provider stripe --url http://127.0.0.1:3000/webhooks/stripe
//! ```
//!
//! Secrets come from the environment only (`<PROVIDER>_WEBHOOK_SECRET`,
//! then `WEBHOOK_SECRET`, or `--secret-env NAME`): an argument would be in
//! the shell's history and in `ps` for every user. No secret is printed.
//!
//! Exit status: 0 on success, 1 when a delivery is refused, does not
//! verify or is not delivered, 2 on a usage error.

mod fixtures;
mod provider;
mod random;
mod send;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use signed_webhooks::diagnose;
use signed_webhooks::{Provider, Signer, Verifier, WebhookEvent};
use zeroize::Zeroizing;

use crate::provider::{Kind, dispatch};

/// Sign, verify and send signed webhooks as each provider the crate has a
/// preset for does (`signed-webhooks providers` lists them).
///
/// The secret is read from the environment: `--secret-env NAME`, else
/// `<PROVIDER>_WEBHOOK_SECRET` (`STRIPE_WEBHOOK_SECRET`, …), else
/// `WEBHOOK_SECRET`. Never from an argument, which shell history and `ps`
/// would show. Exit status: 0 success, 1 refused, mismatch or not
/// delivered, 2 usage error.
#[derive(Parser)]
#[command(name = "signed-webhooks", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign the body read on stdin; print the headers the provider sends
    /// with it, one `name: value` a line.
    Sign(SignArgs),
    /// Verify a delivery: its headers as arguments, its body on stdin. On a
    /// mismatch, say which usual mistake would make it verify.
    Verify(VerifyArgs),
    /// Sign a fixture event (or a body) and POST it as the provider does:
    /// its retries, its redeliveries, a line per attempt and a summary.
    Send(SendArgs),
    /// List the providers: name, signature header, signed time and id,
    /// event header, retries, secret variable and default event, a line
    /// each.
    Providers,
    /// Print a sample event of the provider, made fresh (new id, signed
    /// time set to now), to sign or send: `signed-webhooks fixture
    /// --provider linear | signed-webhooks sign --provider linear`.
    Fixture(FixtureArgs),
}

#[derive(Args)]
struct FixtureArgs {
    /// The provider whose event to print.
    #[arg(long, value_enum)]
    provider: Kind,
    /// The event type (default: a common event of the provider). An
    /// unknown type lists the valid ones.
    #[arg(long = "type", value_name = "TYPE")]
    event_type: Option<String>,
}

/// The request's URL and method, which URL-signing providers (Square,
/// Twilio, HubSpot) sign with the body. No preset the command knows signs
/// them yet: given to another, they are a usage error.
#[derive(Args)]
struct Request {
    /// The URL the delivery is sent to, for providers that sign it.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The request's method, for providers that sign it.
    #[arg(long, value_name = "METHOD")]
    method: Option<String>,
}

impl Request {
    fn check(&self, kind: Kind) -> Result<(), Failure> {
        if (self.url.is_some() || self.method.is_some()) && !kind.signs_url() {
            return Err(Failure::Usage(format!(
                "--url/--method: {} signs no URL: this provider signs no URL nor method",
                kind.name()
            )));
        }
        Ok(())
    }
}

#[derive(Args)]
struct Common {
    /// The provider whose scheme signs and verifies.
    #[arg(long, value_enum)]
    provider: Kind,
    /// Read the secret from this environment variable.
    #[arg(long, value_name = "NAME")]
    secret_env: Option<String>,
}

#[derive(Args)]
struct SignArgs {
    #[command(flatten)]
    common: Common,
    /// The time to sign, in Unix seconds (default: now). Only for providers
    /// that sign a time in a header.
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    timestamp: Option<i64>,
    /// The delivery id, for providers that send one in a header (Standard
    /// Webhooks and Svix sign it; GitHub's and LeadLex's is unsigned).
    /// Default: a fresh one. Other providers carry it in the body.
    #[arg(long)]
    id: Option<String>,
    /// The event's name, for providers that send it in a header their
    /// bodies do not repeat: GitHub's `X-GitHub-Event` (`push`,
    /// `issues.opened`), Shopify's topic, Bitbucket's event key, GitLab's
    /// event, Sentry's resource (`signed-webhooks providers` names them).
    #[arg(long = "type", value_name = "TYPE")]
    event_type: Option<String>,
    #[command(flatten)]
    request: Request,
}

#[derive(Args)]
struct VerifyArgs {
    #[command(flatten)]
    common: Common,
    /// A header of the delivery, `Name: value`; repeat for each.
    #[arg(long, short = 'H', value_name = "NAME: VALUE")]
    header: Vec<String>,
    /// A file of headers, one `Name: value` a line (what `sign` prints).
    #[arg(long, value_name = "FILE")]
    headers: Option<PathBuf>,
    /// The clock to check the signed time against, in Unix seconds
    /// (default: this machine's).
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    now: Option<i64>,
    #[command(flatten)]
    request: Request,
}

#[derive(Args)]
pub struct SendArgs {
    #[command(flatten)]
    common: Common,
    /// Where to POST the delivery.
    #[arg(long)]
    pub url: String,
    /// The fixture event to send, made fresh (new id, new signed time);
    /// default: a common event of the provider. An unknown type lists the
    /// valid ones.
    #[arg(long = "type", value_name = "TYPE", conflicts_with = "body")]
    pub event_type: Option<String>,
    /// Send this file's bytes as the body instead of a fixture.
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,
    /// On a failure (not 2xx, or no answer), retry on the provider's
    /// documented schedule until a 2xx.
    #[arg(long)]
    pub retries: bool,
    /// Divide the schedule's waits by this factor: 3600 turns hours into
    /// seconds.
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0, value_parser = scale)]
    pub time_scale: f64,
    /// After the first success, send the same event N more times, signed
    /// anew each time, as a provider's redelivery is.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub duplicate: u32,
    /// Change the body after signing it: the receiver must refuse the
    /// delivery (status 0 when it answers 4xx, 1 when it accepts it).
    #[arg(long, conflicts_with_all = ["retries", "duplicate"])]
    pub tampered: bool,
    /// Sign a time beyond the provider's window (10 min ago, or a body
    /// `timestamp` a day past Commet's, LeadLex's and Linear's): the
    /// receiver must refuse the delivery (status 0 when it answers 4xx, 1
    /// when it accepts it). Not for providers that sign no time (GitHub).
    #[arg(long, conflicts_with_all = ["retries", "duplicate"])]
    pub stale: bool,
    /// Seconds to wait for an answer before counting the attempt failed
    /// (providers wait about 10 s).
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    pub timeout: std::time::Duration,
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(value),
        _ => Err(format!("{text:?} is not a positive number")),
    }
}

/// A factor from 0.001 (waits a thousand times longer) to a billion.
fn scale(text: &str) -> Result<f64, String> {
    match positive(text) {
        Ok(value) if (0.001..=1e9).contains(&value) => Ok(value),
        _ => Err(format!(
            "{text:?} is not a factor between 0.001 and 1000000000"
        )),
    }
}

/// A positive number of seconds, at most a day.
fn seconds(text: &str) -> Result<std::time::Duration, String> {
    match positive(text) {
        Ok(value) if value <= 86_400.0 => Ok(std::time::Duration::from_secs_f64(value)),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 86400"
        )),
    }
}

/// Why the command stops: exit status 1 or 2.
pub enum Failure {
    /// A refusal, a mismatch, a delivery that failed: already reported.
    Refused,
    /// The command was misused: the message says how.
    Usage(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(args) => sign(args),
        Command::Verify(args) => verify(args),
        Command::Send(args) => send::run(args),
        Command::Providers => {
            providers();
            Ok(())
        }
        Command::Fixture(args) => fixture(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Refused) => ExitCode::from(1),
        Err(Failure::Usage(message)) => {
            eprintln!("signed-webhooks: {message}");
            ExitCode::from(2)
        }
    }
}

/// The secret and the variable it was read from.
pub struct SecretFromEnv {
    pub secret: Zeroizing<String>,
    pub variable: String,
}

impl Common {
    fn secret(&self) -> Result<SecretFromEnv, Failure> {
        let candidates = match &self.secret_env {
            Some(name) => vec![name.clone()],
            None => vec![self.provider.secret_variable(), "WEBHOOK_SECRET".to_owned()],
        };
        for variable in &candidates {
            match std::env::var(variable) {
                Ok(secret) => {
                    return Ok(SecretFromEnv {
                        secret: Zeroizing::new(secret),
                        variable: variable.clone(),
                    });
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(Failure::Usage(format!("{variable} is not valid UTF-8")));
                }
                Err(std::env::VarError::NotPresent) => {}
            }
        }
        Err(Failure::Usage(format!(
            "no secret: set {} (never given as an argument: shell history and `ps` would show it)",
            candidates.join(" or ")
        )))
    }
}

fn read_stdin() -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| Failure::Usage(format!("reading the body on stdin: {e}")))?;
    Ok(body)
}

fn sign(args: SignArgs) -> Result<(), Failure> {
    let kind = args.common.provider;
    args.request.check(kind)?;
    if args.timestamp.is_some() && !kind.signs_header_time() {
        return Err(Failure::Usage(format!(
            "--timestamp: {} signs no time in a header",
            kind.name()
        )));
    }
    if args.id.is_some() && kind.id_header().is_none() {
        return Err(Failure::Usage(format!(
            "--id: {} sends no delivery id in a header; its id is in the body",
            kind.name()
        )));
    }
    if args.event_type.is_some() && kind.event_header().is_none() {
        return Err(Failure::Usage(format!(
            "--type: {}'s body names its event; --type is for providers that name it in a \
             header ({})",
            kind.name(),
            Kind::ALL
                .iter()
                .filter(|k| k.event_header().is_some())
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let secret = args.common.secret()?;
    let body = read_stdin()?;
    let now = unix_now();
    let id = args.id.unwrap_or_else(|| fresh_delivery_id(kind));
    let headers = dispatch!(
        kind,
        sign_as(&secret.secret, &body, args.timestamp.unwrap_or(now), &id)
    )?;
    let mut out = std::io::stdout().lock();
    let unsigned = kind.unsigned_headers(&body, args.event_type.as_deref(), Some(&id), now);
    for (name, value) in headers.iter().chain(&unsigned) {
        let _ = writeln!(out, "{name}: {value}");
    }
    if let Some((header, _)) = kind.event_header()
        && args.event_type.is_none()
    {
        eprintln!(
            "note: {} also sends {header}, the event's name: pass --type to print it",
            kind.name()
        );
    }
    if kind.scheme().algorithm() == signed_webhooks::Algorithm::Token {
        eprintln!(
            "note: {}'s header is the secret token itself, not a signature: the output holds \
             the secret",
            kind.name()
        );
    }
    Ok(())
}

/// The headers that carry the signature, as `P` writes them.
pub fn sign_as<P: Provider>(
    secret: &str,
    body: &[u8],
    timestamp: i64,
    id: &str,
) -> Result<Vec<(String, String)>, Failure> {
    let signer = Signer::<P>::new(secret)
        .map_err(|e| Failure::Usage(format!("the secret cannot sign: {e}")))?;
    Ok(signer
        .sign_with_id(body, timestamp, id)
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect())
}

/// A delivery id as the provider mints them, for providers that send one
/// in a header.
pub fn fresh_delivery_id(kind: Kind) -> String {
    let mut random = random::Random::new();
    if kind.uuid_ids() {
        random.uuid()
    } else {
        random.like("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
    }
}

fn verify(args: VerifyArgs) -> Result<(), Failure> {
    args.request.check(args.common.provider)?;
    let mut lines = args.header.clone();
    if let Some(path) = &args.headers {
        lines.extend(read_header_file(path)?);
    }
    let headers = lines
        .iter()
        .map(|line| parse_header(line))
        .collect::<Result<Vec<_>, _>>()?;
    let secret = args.common.secret()?;
    let body = read_stdin()?;
    let now = args.now.unwrap_or_else(unix_now);
    let kind = args.common.provider;
    dispatch!(kind, verify_as(kind, &secret, &headers, &body, now))
}

fn read_header_file(path: &Path) -> Result<Vec<String>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("--headers {}: {e}", path.display())))?;
    Ok(text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect())
}

/// `Name: value`, the value without the spaces around it (as HTTP reads
/// it).
fn parse_header(line: &str) -> Result<(String, String), Failure> {
    let usage = || Failure::Usage(format!("--header {line:?}: expected `Name: value`"));
    let (name, value) = line.split_once(':').ok_or_else(usage)?;
    let name = name.trim();
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(usage());
    }
    Ok((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()))
}

fn verify_as<P: Provider>(
    kind: Kind,
    secret: &SecretFromEnv,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
) -> Result<(), Failure> {
    let diagnosis = diagnose::explain_at::<P>(&secret.secret, headers, body, now);
    let mut out = std::io::stdout().lock();
    let Some(verified) = diagnosis.verified() else {
        let _ = writeln!(out, "{diagnosis}");
        let _ = writeln!(out, "(secret read from {})", secret.variable);
        return Err(Failure::Refused);
    };
    let signed = match verified.timestamp() {
        Some(at) => format!(", signed at {at} ({})", relative(at, now)),
        None => ", with no signed time (a captured delivery verifies forever)".to_owned(),
    };
    let _ = writeln!(
        out,
        "verified: a {} delivery{signed}, with the secret in {}",
        P::NAME,
        secret.variable
    );
    // The delivery verified: a verifier builds from this very secret.
    if let Ok(verifier) = Verifier::<P>::new(secret.secret.as_str()) {
        match verifier.verify_with_key_at(headers, body, now) {
            Ok((_, key)) => {
                let _ = writeln!(out, "delivery key: {key}");
            }
            Err(error) => {
                let _ = writeln!(out, "no delivery key: {error}");
            }
        }
    }
    match P::Event::decode(body, &headers) {
        Ok(_) => {
            let _ = writeln!(out, "event: {}", describe(kind, headers, body));
        }
        Err(error) => {
            let _ = writeln!(out, "the body is not a {} event: {error}", P::NAME);
        }
    }
    Ok(())
}

fn relative(at: i64, now: i64) -> String {
    match now.saturating_sub(at) {
        0 => "now".to_owned(),
        age if age > 0 => format!("{age} s ago"),
        age => format!("{} s ahead", age.unsigned_abs()),
    }
}

/// What `verify` prints of an event that decoded: its name (from the
/// event header, else the body's usual fields) and its id (the signed body
/// field, else the delivery id header).
fn describe(kind: Kind, headers: &[(String, String)], body: &[u8]) -> String {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text =
        |v: &serde_json::Value, key: &str| v.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let name = kind
        .event_header()
        .and_then(|(name, _)| header(name))
        .or_else(|| {
            ["type", "event_type", "event", "topic"]
                .iter()
                .find_map(|key| text(&value, key))
        })
        .or_else(|| {
            ["subscription", "meta", "event"].iter().find_map(|outer| {
                let inner = value.get(*outer)?;
                ["type", "event_type", "event_name"]
                    .iter()
                    .find_map(|key| text(inner, key))
            })
        })
        .unwrap_or_else(|| "(no name)".to_owned());
    match kind.body_id_field().and_then(|field| text(&value, field)) {
        Some(id) => format!("{name} {id}"),
        None => match kind.id_header().and_then(|id| header(&id)) {
            Some(id) => format!("{name} (delivery {id})"),
            None => name,
        },
    }
}

/// `providers`: a line per provider.
fn providers() {
    let mut out = std::io::stdout().lock();
    for &kind in Kind::ALL {
        let scheme = kind.scheme();
        let time = match (scheme.timestamp_header(), kind.body_time_field()) {
            (Some(header), _) => format!("signed in {header}"),
            (None, Some(field)) => format!("signed in the body's {field}"),
            (None, None) if scheme.signs_header_time() => {
                format!("signed in {}", scheme.signature_header())
            }
            (None, None) => "none signed".to_owned(),
        };
        let mut line = format!(
            "{:<13} signature: {}; time: {time}",
            kind.name(),
            scheme.signature_header()
        );
        if let Some(id) = kind.id_header() {
            let signed = if scheme.id_header() == Some(id.as_str()) {
                "signed"
            } else {
                "unsigned"
            };
            line.push_str(&format!("; id: {id} ({signed})"));
        }
        if let Some((header, _)) = kind.event_header() {
            line.push_str(&format!("; event: {header} (unsigned)"));
        }
        let _ = writeln!(
            out,
            "{line}; retries: {}; secret: {}; fixture: {}",
            kind.retries_summary(),
            kind.secret_variable(),
            kind.default_type()
        );
    }
}

/// `fixture`: a fresh sample event on stdout.
fn fixture(args: FixtureArgs) -> Result<(), Failure> {
    let kind = args.provider;
    let wanted = args.event_type.as_deref().unwrap_or(kind.default_type());
    let fixture = kind.fixture(wanted).map_err(Failure::Usage)?;
    let body = fixtures::fresh(kind, fixture, unix_now(), &mut random::Random::new());
    let _ = std::io::stdout().lock().write_all(body.as_bytes());
    Ok(())
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_as_http_reads_them() {
        let ok = |line: &str| parse_header(line).ok();
        assert_eq!(
            ok("Stripe-Signature: t=1,v1=ab"),
            Some(("Stripe-Signature".into(), "t=1,v1=ab".into()))
        );
        assert_eq!(ok("a:b"), Some(("a".into(), "b".into())));
        assert_eq!(
            ok("webhook-id:\tmsg_1 "),
            Some(("webhook-id".into(), "msg_1".into()))
        );
        for bad in ["no colon", ": value", "bad name: v", "név: v"] {
            assert!(ok(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_arguments_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

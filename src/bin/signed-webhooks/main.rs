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
use signed_webhooks::{
    CommetEvent, ExchangeEvent, GitHubEvent, LeadLexEvent, Provider, Signer, StandardEvent,
    StripeEvent, UnleeshedEvent, Verifier, WebhookEvent,
};
use zeroize::Zeroizing;

use crate::provider::Kind;

/// Sign, verify and send signed webhooks as Unleeshed, Stripe, Commet,
/// LeadLex, GitHub, Standard Webhooks and Svix do.
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
    /// GitHub's event name for `X-GitHub-Event` (`push`, `issues`), which
    /// its bodies do not carry.
    #[arg(long = "type", value_name = "TYPE")]
    event_type: Option<String>,
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
    /// `timestamp` a day past Commet's and LeadLex's): the receiver must
    /// refuse the delivery (status 0 when it answers 4xx, 1 when it accepts
    /// it). Not for GitHub, which signs no time.
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

/// Calls `$function::<P>($args…)` with the provider type of `$kind`.
macro_rules! dispatch {
    ($kind:expr, $function:ident($($arg:expr),* $(,)?)) => {
        match $kind {
            $crate::provider::Kind::Unleeshed => $function::<::signed_webhooks::Unleeshed>($($arg),*),
            $crate::provider::Kind::Exchange => $function::<::signed_webhooks::Exchange>($($arg),*),
            $crate::provider::Kind::Stripe => $function::<::signed_webhooks::Stripe>($($arg),*),
            $crate::provider::Kind::Commet => $function::<::signed_webhooks::Commet>($($arg),*),
            $crate::provider::Kind::Leadlex => $function::<::signed_webhooks::LeadLex>($($arg),*),
            $crate::provider::Kind::Github => $function::<::signed_webhooks::GitHub>($($arg),*),
            $crate::provider::Kind::Standard => $function::<::signed_webhooks::StandardWebhooks>($($arg),*),
            $crate::provider::Kind::Svix => $function::<::signed_webhooks::Svix>($($arg),*),
        }
    };
}
pub(crate) use dispatch;

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
    if args.event_type.is_some() && kind != Kind::Github {
        return Err(Failure::Usage(format!(
            "--type: {}'s body names its event; only GitHub's does not",
            kind.name()
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
    if kind == Kind::Github && args.event_type.is_none() {
        eprintln!(
            "note: GitHub also sends X-GitHub-Event, the event's name: pass --type to print it"
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
    match kind {
        Kind::Github | Kind::Leadlex => random.uuid(),
        _ => random.like("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
    }
}

fn verify(args: VerifyArgs) -> Result<(), Failure> {
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
    dispatch!(
        args.common.provider,
        verify_as(&secret, &headers, &body, now)
    )
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
    secret: &SecretFromEnv,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
) -> Result<(), Failure>
where
    P::Event: Describe,
{
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
        Ok(event) => {
            let _ = writeln!(out, "event: {}", event.describe());
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

/// What `verify` prints of an event: its type and id.
pub trait Describe {
    fn describe(&self) -> String;
}

macro_rules! describe_by_id {
    ($($event:ty),+) => {$(
        impl Describe for $event {
            fn describe(&self) -> String {
                format!("{} {}", self.event_type(), self.id())
            }
        }
    )+};
}
describe_by_id!(UnleeshedEvent, ExchangeEvent, StripeEvent, CommetEvent);

impl Describe for LeadLexEvent {
    fn describe(&self) -> String {
        self.event_type().to_owned()
    }
}

impl Describe for GitHubEvent {
    fn describe(&self) -> String {
        format!("{} (delivery {})", self.event_type(), self.delivery())
    }
}

impl Describe for StandardEvent {
    fn describe(&self) -> String {
        self.event_type().to_owned()
    }
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

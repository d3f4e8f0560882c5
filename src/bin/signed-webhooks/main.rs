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
//! For the public-key providers (Discord, SendGrid, Standard Webhooks'
//! `whpk_` keys) that variable holds the public key `verify` needs, and
//! `sign` and `send` read the private key from `<PROVIDER>_SIGNING_KEY`.
//!
//! Exit status: 0 on success, 1 when a delivery is refused, does not
//! verify or is not delivered, 2 on a usage error.

mod fixtures;
mod keys;
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
/// would show.
///
/// Public-key providers (discord, sendgrid; standard and svix with
/// `whpk_`/`whsk_` keys, which select Standard Webhooks' v1a): that
/// variable holds the PUBLIC key, which `verify` checks with. `sign` and
/// `send` sign with the PRIVATE key in `<PROVIDER>_SIGNING_KEY`
/// (`DISCORD_SIGNING_KEY`: the 32-byte seed in hex; `SENDGRID_SIGNING_KEY`:
/// base64 PKCS#8 DER; `STANDARD_SIGNING_KEY`: `whsk_…`), or in the
/// variable `--secret-env` names. Without one, discord and sendgrid sign
/// with a key pair made for the run and print its public key on stderr.
///
/// URL-signing providers (square, twilio, hubspot) sign the URL they call
/// and the method: `sign` and `verify` need `--url`, the public URL the
/// provider is configured with (`https://hooks.example.com/square`), and
/// take `--method` (default POST; HubSpot signs it); `send --method`
/// sends with it (Twilio's GET, HubSpot's GET, PUT, PATCH, DELETE).
///
/// Exit status: 0 success, 1 refused, mismatch or not delivered, 2 usage
/// error.
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
    /// Sign a fixture event (or a body) and POST it as the provider does
    /// (`--method` where the provider calls with another): its retries,
    /// its redeliveries, a line per attempt and a summary.
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
/// Twilio, HubSpot) sign with the body: required for them, a usage error
/// for the others.
#[derive(Args)]
struct Request {
    /// The public URL the provider calls, which it signs (square, twilio,
    /// hubspot; required for them): the URL configured at the provider,
    /// `https://hooks.example.com/square?x=1`, not the one a server behind
    /// a proxy sees.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The request's method, which HubSpot signs (default: POST).
    #[arg(long, value_name = "METHOD")]
    method: Option<String>,
}

/// The URL and method a URL-signing provider signs.
pub struct Target {
    pub url: String,
    pub method: String,
}

impl Request {
    /// The target to sign or verify: `None` for a provider that signs no
    /// URL (which may not be given one), the URL and method for one that
    /// does (which must be given the URL).
    fn check(&self, kind: Kind) -> Result<Option<Target>, Failure> {
        target(kind, self.url.as_deref(), self.method.as_deref(), "--url")
    }
}

/// Checks the URL (given as `flag`) and method a provider signs.
pub fn target(
    kind: Kind,
    url: Option<&str>,
    method: Option<&str>,
    flag: &str,
) -> Result<Option<Target>, Failure> {
    if !kind.signs_url() {
        if url.is_some() || method.is_some() {
            return Err(Failure::Usage(format!(
                "{flag}/--method: {} signs no URL: this provider signs no URL nor method",
                kind.name()
            )));
        }
        return Ok(None);
    }
    let Some(url) = url else {
        return Err(Failure::Usage(format!(
            "{flag} is required: {} signs the URL it calls, so give the public URL the \
             provider is configured with ({flag} https://hooks.example.com/{})",
            kind.name(),
            kind.name()
        )));
    };
    if diagnose::split_url(url).is_none() {
        return Err(Failure::Usage(format!(
            "{flag} {url:?}: expected the public URL the provider calls: http:// or https://, a \
             host, an optional port, then a path starting with / (no user, fragment, space or \
             character outside RFC 3986)"
        )));
    }
    let method = method.unwrap_or("POST");
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Failure::Usage(format!(
            "--method {method:?}: expected an HTTP method in capitals (POST, GET)"
        )));
    }
    Ok(Some(Target {
        url: url.to_owned(),
        method: method.to_owned(),
    }))
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
    /// Where to POST the delivery. For the providers that sign the URL
    /// they call (square, twilio, hubspot), also the URL signed, unless
    /// `--signed-url` names another.
    #[arg(long)]
    pub url: String,
    /// The public URL the provider signs, when it is not the one sent to:
    /// `--url http://127.0.0.1:3000/square --signed-url
    /// https://hooks.example.com/square` tests a receiver behind a proxy
    /// configured with the public origin. Only for square, twilio, hubspot.
    #[arg(long, value_name = "URL")]
    pub signed_url: Option<String>,
    /// The method to send with and sign (default POST), for the providers
    /// that sign the URL, and only one the provider calls with: twilio
    /// POST or GET (a GET's fields go in the query, signed with the URL),
    /// hubspot POST, GET (no body), PUT, PATCH or DELETE, square POST.
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,
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
    /// The secret or private key `sign` and `send` sign with. For a
    /// public-key provider: `--secret-env`'s variable, else
    /// `<PROVIDER>_SIGNING_KEY`, else (Discord, SendGrid) a key pair made
    /// for this run, whose public key is printed on stderr. Standard
    /// Webhooks and Svix fall back to their secret (`whsec_`), as the
    /// others sign with theirs.
    pub fn signing_secret(&self) -> Result<SecretFromEnv, Failure> {
        let kind = self.provider;
        let Some(variable) = kind.signing_key_variable() else {
            return self.secret();
        };
        if self.secret_env.is_none() {
            match std::env::var(&variable) {
                Ok(key) => {
                    return Ok(SecretFromEnv {
                        secret: Zeroizing::new(key),
                        variable,
                    });
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(Failure::Usage(format!("{variable} is not valid UTF-8")));
                }
                Err(std::env::VarError::NotPresent) => {}
            }
        }
        if self.secret_env.is_some() || !kind.public_key_only() {
            let secret = self.secret()?;
            if secret.secret.starts_with("whpk_") {
                return Err(Failure::Usage(format!(
                    "{} holds a public key (whpk_), which only verifies: set {variable} to the \
                     private key (whsk_) to sign",
                    secret.variable
                )));
            }
            return Ok(secret);
        }
        let pair = match keys::generate(kind) {
            Some(Ok(pair)) => pair,
            Some(Err(error)) => return Err(Failure::Usage(error)),
            None => return self.secret(),
        };
        eprintln!(
            "note: no {variable}: signed with a key pair made for this run; its public key, \
             for the receiver ({}): {}",
            kind.secret_variable(),
            pair.public
        );
        Ok(SecretFromEnv {
            secret: pair.private,
            variable: "a key pair made for this run".to_owned(),
        })
    }

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
    let target = args.request.check(kind)?;
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
    let secret = args.common.signing_secret()?;
    let body = read_stdin()?;
    let now = unix_now();
    let id = args.id.unwrap_or_else(|| fresh_delivery_id(kind));
    let signer = dispatch!(kind, sign_as(&secret.secret, target.as_ref()))?;
    let headers = signer(&body, args.timestamp.unwrap_or(now), &id);
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

/// What signs as `P` does: a function of the body, the time and the
/// delivery id to the headers that carry the signature.
pub type SignFn = Box<dyn Fn(&[u8], i64, &str) -> Vec<(String, String)>>;

/// `P`'s signer, of `target` for a provider that signs the URL.
pub fn sign_as<P: Provider>(secret: &str, target: Option<&Target>) -> Result<SignFn, Failure> {
    let cannot =
        |e: signed_webhooks::ConfigError| Failure::Usage(format!("the secret cannot sign: {e}"));
    let signer = match target {
        Some(target) => Signer::<P>::for_url(&target.url, secret)
            .map_err(cannot)?
            .with_method(&target.method)
            .map_err(cannot)?,
        None => Signer::<P>::new(secret).map_err(cannot)?,
    };
    Ok(Box::new(move |body, timestamp, id| {
        signer
            .sign_with_id(body, timestamp, id)
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect()
    }))
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
    let target = args.request.check(args.common.provider)?;
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
    match target {
        Some(target) => dispatch!(
            kind,
            verify_url_as(kind, &secret, &target, &headers, &body, now)
        ),
        None => dispatch!(kind, verify_as(kind, &secret, &headers, &body, now)),
    }
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
    // The delivery verified: a verifier builds from this very secret.
    let key = Verifier::<P>::new(secret.secret.as_str())
        .ok()
        .map(|verifier| {
            verifier
                .verify_with_key_at(headers, body, now)
                .map(|(_, key)| key)
        });
    report_verified::<P>(&mut out, kind, secret, verified, key, headers, body, now);
    Ok(())
}

/// `verify` for a provider that signs the URL: against `target`, and on a
/// mismatch, the URL mistake that explains it, if one does.
fn verify_url_as<P: Provider>(
    kind: Kind,
    secret: &SecretFromEnv,
    target: &Target,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let (origin, path_and_query) = diagnose::split_url(&target.url)
        .ok_or_else(|| Failure::Usage(format!("--url {:?} is not a URL", target.url)))?;
    // The body's and the secret's usual mistakes, the URL and method kept.
    let explain = || {
        diagnose::explain_target_at::<P>(
            &secret.secret,
            &target.method,
            &target.url,
            headers,
            body,
            now,
        )
    };
    let verifier = match Verifier::<P>::at_public_origin(origin, [secret.secret.as_str()]) {
        Ok(verifier) => verifier,
        Err(_) => {
            // Which copy mistake in the secret, if one, and whether the
            // delivery verifies once it is corrected.
            let diagnosis = explain();
            let _ = writeln!(out, "{diagnosis}");
            let _ = writeln!(out, "(secret read from {})", secret.variable);
            return Err(Failure::Refused);
        }
    };
    let request = signed_webhooks::RequestTarget::new(&target.method, path_and_query);
    match verifier.verify_target_with_key_at(&request, headers, body, now) {
        Ok((verified, key)) => {
            report_verified::<P>(
                &mut out,
                kind,
                secret,
                &verified,
                Some(Ok(key)),
                headers,
                body,
                now,
            );
            Ok(())
        }
        Err(error) => {
            let found =
                matches!(error, signed_webhooks::Error::SignatureMismatch { .. }).then(|| {
                    diagnose::explain_url_at::<P>(
                        &secret.secret,
                        &target.method,
                        &target.url,
                        headers,
                        body,
                        now,
                    )
                });
            let _ = match found {
                // The finding says which of the error's usual causes it is.
                Some(Some(variant)) => writeln!(
                    out,
                    "refused: no signature matched, verified against {} {}\n- {}\nwith that \
                     corrected, the delivery verifies",
                    target.method,
                    target.url,
                    explain_url(kind, target, &variant)
                ),
                // The URL is right: the body's or the secret's usual
                // mistakes, as for the other providers.
                Some(None) => {
                    let diagnosis = explain();
                    let text = diagnosis.to_string();
                    if diagnosis.is_explained() {
                        writeln!(out, "{text}")
                    } else {
                        // Its first line is the refusal, said here.
                        let rest = text.split_once('\n').map_or("", |(_, rest)| rest);
                        writeln!(
                            out,
                            "refused: {error}\nnone of the usual URL mistakes explains it (http \
                             or https, a trailing /, the port, the query, the host, the method)\n\
                             {rest}"
                        )
                    }
                }
                None => writeln!(out, "refused: {error}"),
            };
            let _ = writeln!(out, "(secret read from {})", secret.variable);
            Err(Failure::Refused)
        }
    }
}

/// What `verify` says of a URL variant that verifies where `target` did
/// not.
fn explain_url(kind: Kind, target: &Target, variant: &diagnose::UrlVariant) -> String {
    use diagnose::UrlMistake;
    let origin = |url: &str| {
        diagnose::split_url(url)
            .map(|(origin, _)| origin.to_owned())
            .unwrap_or_default()
    };
    let matches = format!("the signature matches {}, not {}", variant.url, target.url);
    let why = match &variant.mistake {
        UrlMistake::Scheme if variant.url.starts_with("https://") => format!(
            "the provider signed the public https URL (a TLS proxy in front of the receiver \
             makes it see http); configure the public origin, {}",
            origin(&variant.url)
        ),
        UrlMistake::Scheme => format!(
            "the provider was given an http URL and signed it; verify against the URL it is \
             configured with, origin {}",
            origin(&variant.url)
        ),
        UrlMistake::TrailingSlash { added: true } => {
            "the URL configured at the provider ends with /: verify against that exact path"
                .to_owned()
        }
        UrlMistake::TrailingSlash { .. } => {
            "the URL configured at the provider has no final /: verify against that exact path \
             (a framework or proxy added it)"
                .to_owned()
        }
        UrlMistake::Port { added: true } => {
            "the provider signed the URL with its default port written out; configure the \
             origin with it"
                .to_owned()
        }
        UrlMistake::Port { .. } => format!(
            "the provider signed the URL without a port: the port given is this server's, not \
             the public one; configure the public origin, {}",
            origin(&variant.url)
        ),
        UrlMistake::QueryDropped => {
            "the provider signed the URL without the query string: the query was added on the \
             way, or the URL configured at the provider has none"
                .to_owned()
        }
        UrlMistake::Host {
            header: Some(header),
        } => format!(
            "the provider signed the public host the request's {header} header names, not the \
             host given; configure the public origin, {}",
            origin(&variant.url)
        ),
        UrlMistake::Host { header: None } => format!(
            "the provider signed another host; configure the public origin, {}",
            origin(&variant.url)
        ),
        UrlMistake::Method => {
            return format!(
                "the signature matches {} {}, not {} {}: {} delivers with POST",
                variant.method,
                variant.url,
                target.method,
                target.url,
                kind.name()
            );
        }
        _ => "verify against the URL the provider is configured with".to_owned(),
    };
    format!("{matches}: {why}")
}

/// What `verify` prints of a delivery that verified: its signed time, its
/// delivery key and its event.
#[allow(clippy::too_many_arguments)]
fn report_verified<P: Provider>(
    out: &mut impl Write,
    kind: Kind,
    secret: &SecretFromEnv,
    verified: &signed_webhooks::Verified,
    key: Option<Result<Option<signed_webhooks::dedup::DeliveryKey>, signed_webhooks::Error>>,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
) {
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
    match key {
        Some(Ok(Some(key))) => {
            let _ = writeln!(out, "delivery key: {key}");
        }
        Some(Ok(None)) => {
            let _ = writeln!(
                out,
                "no delivery key: {} deliveries are each processed, duplicate detection passes \
                 them through",
                P::NAME
            );
        }
        Some(Err(error)) => {
            let _ = writeln!(out, "no delivery key: {error}");
        }
        None => {}
    }
    match P::Event::decode(body, &headers) {
        Ok(_) => {
            let _ = writeln!(out, "event: {}", describe(kind, headers, body));
        }
        Err(error) => {
            let _ = writeln!(out, "the body is not a {} event: {error}", P::NAME);
        }
    }
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

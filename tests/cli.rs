//! The `signed-webhooks` command, run as a user runs it: its `sign` output
//! checked by the providers' own libraries, `verify` explaining each usual
//! mistake on a real mismatch, `send --retries` against a receiver that
//! fails twice, and `send --duplicate` against the example receiver.
#![cfg(feature = "cli")]

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use signed_webhooks::{
    Commet, Provider, Scheme, SecretFormat, Signer, StandardWebhooks, Stripe, Unleeshed, Verifier,
};
use support::{NOW, OTHER_SECRET, SECRET, SW_SECRET, fixture};

/// The command, with an environment of its own: no secret, proxy or
/// log setting of the machine's leaks in.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_signed-webhooks"));
    command.args(args).env_clear();
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// Runs the command with `stdin`, and checks what every run must hold:
/// the exit status is one the command documents, and no secret given in
/// `env` appears in its output.
fn run(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    run_checked(args, env, stdin, true)
}

/// [`run`], with `secrets_hidden` false only for the one output that must
/// hold the secret: a token scheme's `sign` (GitLab's header is the token).
fn run_checked(args: &[&str], env: &[(&str, &str)], stdin: &[u8], secrets_hidden: bool) -> Output {
    let mut child = command(args, env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the signed-webhooks binary");
    // A usage error exits before reading stdin: a broken pipe then is fine.
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "{args:?}: {output:?}"
    );
    let text = format!("{}{}", stdout(&output), stderr(&output));
    for (name, secret) in env {
        if secrets_hidden
            && (name.ends_with("SECRET") || name.ends_with("SIGNING_KEY"))
            && secret.trim().len() > 8
        {
            assert!(
                !text.contains(secret.trim()),
                "{args:?} printed the secret:\n{text}"
            );
        }
    }
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `sign`'s output: `name: value` lines.
fn signed(output: &Output) -> Vec<(String, String)> {
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    stdout(output)
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(": ").expect("name: value");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// The headers as `--header` arguments.
fn header_args(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .flat_map(|(name, value)| ["--header".to_owned(), format!("{name}: {value}")])
        .collect()
}

fn verify(
    provider: &str,
    secret: &str,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
) -> Output {
    let now = now.to_string();
    let mut args = vec!["verify", "--provider", provider, "--now", &now];
    let headers = header_args(headers);
    args.extend(headers.iter().map(String::as_str));
    run(&args, &[("WEBHOOK_SECRET", secret)], body)
}

fn sign(provider: &str, secret: &str, body: &[u8], extra: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["sign", "--provider", provider];
    args.extend(extra);
    signed(&run(&args, &[("WEBHOOK_SECRET", secret)], body))
}

/// The fixture without its final newline, as providers send bodies.
fn fixture_body(name: &str) -> Vec<u8> {
    let mut body = fixture(name);
    if body.last() == Some(&b'\n') {
        body.pop();
    }
    body
}

// ---------------------------------------------------------------- sign

/// Every provider's `sign` output, for the providers' libraries.
struct Signed {
    provider: &'static str,
    library_name: &'static str,
    /// What the receiver verifies with: the secret, or the public key.
    secret: String,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
    /// The public URL and the method signed, for the providers that sign
    /// them.
    request: Option<(&'static str, &'static str)>,
}

impl Signed {
    /// A clock at which the delivery verifies: a minute after the time its
    /// body carries for Commet and LeadLex (2026-06-23T14:30:00.000Z and
    /// 2026-04-17T14:23:05Z), else a second after it was signed.
    fn now(&self) -> i64 {
        match self.provider {
            "commet" => 1_782_225_000 + 60,
            "leadlex" => 1_776_435_785 + 60,
            _ => NOW + 1,
        }
    }
}

fn signed_by_the_command() -> Vec<Signed> {
    let at = NOW.to_string();
    let leadlex = "whsec_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";
    let commet = "whsec_c0mM3tTeStS1gN1nGs3cReTkEy0123";
    let cases: [(&str, &str, &str, &str, &[&str]); 7] = [
        (
            "stripe",
            "stripe",
            SECRET,
            "stripe/invoice.paid.json",
            &["--timestamp", &at],
        ),
        (
            "unleeshed",
            "unleeshed",
            SECRET,
            "unleeshed/creator.approved.json",
            &["--timestamp", &at],
        ),
        (
            "standard",
            "standard_webhooks",
            SW_SECRET,
            "standard/contact.created.json",
            &[
                "--timestamp",
                &at,
                "--id",
                "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
            ],
        ),
        (
            "svix",
            "svix",
            SW_SECRET,
            "standard/contact.created.json",
            &["--timestamp", &at],
        ),
        (
            "commet",
            "commet",
            commet,
            "commet/subscription.activated.json",
            &[],
        ),
        (
            "leadlex",
            "leadlex",
            leadlex,
            "leadlex/contact.created.json",
            &[],
        ),
        (
            "github",
            "github",
            "It's a Secret to Everybody",
            "github/issues.opened.json",
            &["--type", "issues"],
        ),
    ];
    let mut all: Vec<Signed> = cases
        .into_iter()
        .map(|(provider, library_name, secret, file, extra)| {
            let body = fixture_body(file);
            let headers = sign(provider, secret, &body, extra);
            Signed {
                provider,
                library_name,
                secret: secret.to_owned(),
                body,
                headers,
                request: None,
            }
        })
        .collect();
    all.extend(signed_for_the_libraries());
    all
}

/// The first secret of a valid vector in tests/vectors/`name`.json: the
/// provider's own secret format, as its library takes it.
fn vector_secret(name: &str) -> String {
    let path = manifest_dir().join(format!("tests/vectors/{name}.json"));
    let document: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    document["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["kind"] == "conformance" && v["valid"] == true)
        .and_then(|v| v["secrets"][0].as_str())
        .unwrap_or_else(|| panic!("no valid vector in {}", path.display()))
        .to_owned()
}

/// The presets the providers' libraries (or, where none exists, their
/// documented recipes) in tests/vectors/verify_deliveries.py and
/// node/verify_deliveries.mjs verify, beyond the first seven: each
/// fixture signed by `sign` with the provider's own secret format (from
/// its vectors), at `NOW` where it signs a time; the URL-signing ones for
/// [`PUBLIC_URL`] (HubSpot's also as a PUT, which it signs), the
/// public-key ones with the vectors' private keys. Exchange has no
/// library or recipe; GitLab's Standard Webhooks signing token is not a
/// preset of its own.
fn signed_for_the_libraries() -> Vec<Signed> {
    let at = NOW.to_string();
    let time: &[&str] = &["--timestamp", &at];
    let (whpk, whsk) = (
        "whpk_rorE/BY5cQ4oXqF8GmP7WxvwcW/DCZh6Fjf+mlTBHH4=",
        "whsk_omAY9k/1UqDjymyNyIPyZPhix/tB+QNQRoKig+rTo2CuisT8FjlxDiheoXwaY/tbG/Bxb8MJmHoWN/6aVMEcfg==",
    );
    let url = |method| Some((PUBLIC_URL, method));
    // (preset, the scripts' name, verifying secret or public key, the
    // private key's variable and value, fixture, `sign` arguments, URL and
    // method)
    #[allow(clippy::type_complexity)]
    let cases: Vec<(
        &str,
        &str,
        String,
        Option<(&str, &str)>,
        &str,
        &[&str],
        Option<(&str, &str)>,
    )> = vec![
        (
            "slack",
            "slack",
            vector_secret("slack"),
            None,
            "slack/app_mention.json",
            time,
            None,
        ),
        (
            "shopify",
            "shopify",
            vector_secret("shopify"),
            None,
            "shopify/orders-create.json",
            &["--type", "orders/create"],
            None,
        ),
        (
            "paddle",
            "paddle",
            vector_secret("paddle"),
            None,
            "paddle/transaction.completed.json",
            time,
            None,
        ),
        (
            "zoom",
            "zoom",
            vector_secret("zoom"),
            None,
            "zoom/meeting.started.json",
            time,
            None,
        ),
        (
            "linear",
            "linear",
            vector_secret("linear"),
            None,
            "linear/Issue.create.json",
            &[],
            None,
        ),
        (
            "intercom",
            "intercom",
            vector_secret("intercom"),
            None,
            "intercom/conversation.user.created.json",
            &[],
            None,
        ),
        (
            "razorpay",
            "razorpay",
            vector_secret("razorpay"),
            None,
            "razorpay/payment.authorized.json",
            &[],
            None,
        ),
        (
            "lemonsqueezy",
            "lemonsqueezy",
            vector_secret("lemonsqueezy"),
            None,
            "lemonsqueezy/order_created.json",
            &[],
            None,
        ),
        (
            "typeform",
            "typeform",
            vector_secret("typeform"),
            None,
            "typeform/form_response.json",
            &[],
            None,
        ),
        (
            "calendly",
            "calendly",
            vector_secret("calendly"),
            None,
            "calendly/invitee.created.json",
            time,
            None,
        ),
        (
            "pagerduty",
            "pagerduty",
            vector_secret("pagerduty"),
            None,
            "pagerduty/incident.triggered.json",
            &[],
            None,
        ),
        (
            "vercel",
            "vercel",
            vector_secret("vercel"),
            None,
            "vercel/deployment.created.json",
            &[],
            None,
        ),
        (
            "twitch",
            "twitch",
            vector_secret("twitch"),
            None,
            "twitch/stream.online.json",
            time,
            None,
        ),
        (
            "gitlab",
            "gitlab",
            vector_secret("gitlab"),
            None,
            "gitlab/push-hook.json",
            &["--type", "Push Hook"],
            None,
        ),
        (
            "bitbucket",
            "bitbucket",
            vector_secret("bitbucket"),
            None,
            "bitbucket/repo-push.json",
            &["--type", "repo:push"],
            None,
        ),
        (
            "meta",
            "meta",
            vector_secret("meta"),
            None,
            "meta/whatsapp.messages.json",
            &[],
            None,
        ),
        (
            "workos",
            "workos",
            vector_secret("workos"),
            None,
            "workos/user.created.json",
            time,
            None,
        ),
        (
            "mux",
            "mux",
            vector_secret("mux"),
            None,
            "mux/video.asset.ready.json",
            time,
            None,
        ),
        (
            "notion",
            "notion",
            vector_secret("notion"),
            None,
            "notion/page.created.json",
            &[],
            None,
        ),
        (
            "sentry",
            "sentry",
            vector_secret("sentry"),
            None,
            "sentry/issue.created.json",
            &["--type", "issue.created"],
            None,
        ),
        (
            "xero",
            "xero",
            vector_secret("xero"),
            None,
            "xero/contact.create.json",
            &[],
            None,
        ),
        (
            "dropbox",
            "dropbox",
            vector_secret("dropbox"),
            None,
            "dropbox/list_folder.json",
            &[],
            None,
        ),
        // Clerk and Resend deliver as Svix.
        (
            "clerk",
            "svix",
            SW_SECRET.to_owned(),
            None,
            "clerk/user.created.json",
            time,
            None,
        ),
        (
            "resend",
            "svix",
            SW_SECRET.to_owned(),
            None,
            "resend/email.delivered.json",
            time,
            None,
        ),
        (
            "square",
            "square",
            vector_secret("square"),
            None,
            "square/payment.updated.json",
            &[],
            url("POST"),
        ),
        (
            "twilio",
            "twilio",
            vector_secret("twilio"),
            None,
            "twilio/sms.form",
            &[],
            url("POST"),
        ),
        (
            "hubspot",
            "hubspot",
            vector_secret("hubspot"),
            None,
            "hubspot/contact.propertyChange.json",
            time,
            url("POST"),
        ),
        (
            "hubspot",
            "hubspot",
            vector_secret("hubspot"),
            None,
            "hubspot/contact.propertyChange.json",
            time,
            url("PUT"),
        ),
        (
            "discord",
            "discord",
            DISCORD_KEYS.0.to_owned(),
            Some(("DISCORD_SIGNING_KEY", DISCORD_KEYS.1)),
            "discord/APPLICATION_COMMAND.json",
            time,
            None,
        ),
        (
            "sendgrid",
            "sendgrid",
            SENDGRID_KEYS.0.to_owned(),
            Some(("SENDGRID_SIGNING_KEY", SENDGRID_KEYS.1)),
            "sendgrid/delivered.json",
            time,
            None,
        ),
        (
            "standard",
            "standard_webhooks_v1a",
            whpk.to_owned(),
            Some(("STANDARD_SIGNING_KEY", whsk)),
            "standard/contact.created.json",
            time,
            None,
        ),
    ];
    cases
        .into_iter()
        .map(
            |(provider, library_name, secret, key, file, extra, request)| {
                let body = fixture_body(file);
                let mut args = vec!["sign", "--provider", provider];
                args.extend(extra);
                if let Some((url, method)) = request {
                    args.extend(["--url", url, "--method", method]);
                }
                let env = match key {
                    Some(key) => vec![key],
                    None => vec![("WEBHOOK_SECRET", secret.as_str())],
                };
                // GitLab's header is the token itself.
                let output = run_checked(&args, &env, &body, provider != "gitlab");
                Signed {
                    provider,
                    library_name,
                    headers: signed(&output),
                    secret,
                    body,
                    request,
                }
            },
        )
        .collect()
}

#[test]
fn sign_prints_the_headers_each_provider_sends() {
    let all = signed_by_the_command();
    let names = |provider: &str| -> Vec<String> {
        let signed = all.iter().find(|s| s.provider == provider).unwrap();
        signed.headers.iter().map(|(n, _)| n.clone()).collect()
    };
    assert_eq!(names("stripe"), ["stripe-signature", "content-type"]);
    assert_eq!(
        names("unleeshed"),
        ["x-unleeshed-signature", "content-type"]
    );
    assert_eq!(
        names("standard"),
        [
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "content-type"
        ]
    );
    assert_eq!(
        names("svix"),
        [
            "svix-id",
            "svix-timestamp",
            "svix-signature",
            "content-type"
        ]
    );
    assert_eq!(
        names("commet"),
        [
            "x-commet-signature",
            "content-type",
            "x-commet-event",
            "x-commet-event-id",
            "x-commet-timestamp"
        ]
    );
    assert_eq!(
        names("github"),
        [
            "x-hub-signature-256",
            "content-type",
            "x-github-event",
            "x-github-delivery"
        ]
    );
    let stripe = &all[0].headers[0].1;
    assert!(stripe.starts_with(&format!("t={NOW},v1=")), "{stripe}");
    let standard = &all[2].headers;
    assert_eq!(standard[0].1, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
    assert_eq!(standard[1].1, NOW.to_string());

    // What it signs, the crate verifies, for every provider.
    for signed in &all {
        let now = signed.now().to_string();
        let mut args = vec!["verify", "--provider", signed.provider, "--now", &now];
        if let Some((url, method)) = signed.request {
            args.extend(["--url", url, "--method", method]);
        }
        let headers = header_args(&signed.headers);
        args.extend(headers.iter().map(String::as_str));
        let output = run(
            &args,
            &[("WEBHOOK_SECRET", signed.secret.as_str())],
            &signed.body,
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {output:?}",
            signed.provider
        );
        assert!(
            stdout(&output).starts_with("verified: a "),
            "{}",
            stdout(&output)
        );
    }
}

/// A provider as `signed-webhooks providers` lists it.
struct Listed {
    name: String,
    line: String,
    fixture: String,
}

fn listed_providers() -> Vec<Listed> {
    let output = run(&["providers"], &[], b"");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    stdout(&output)
        .lines()
        .map(|line| Listed {
            name: line.split_whitespace().next().unwrap().to_owned(),
            fixture: line.rsplit_once("; fixture: ").unwrap().1.to_owned(),
            line: line.to_owned(),
        })
        .collect()
}

#[test]
fn providers_lists_every_preset_with_its_facts() {
    let listed = listed_providers();
    let names: Vec<&str> = listed.iter().map(|p| p.name.as_str()).collect();
    for expected in [
        "unleeshed",
        "exchange",
        "stripe",
        "commet",
        "leadlex",
        "github",
        "standard",
        "svix",
        "slack",
        "shopify",
        "paddle",
        "zoom",
        "linear",
        "intercom",
        "razorpay",
        "lemonsqueezy",
        "typeform",
        "calendly",
        "pagerduty",
        "vercel",
        "twitch",
        "gitlab",
        "bitbucket",
        "meta",
        "workos",
        "mux",
        "notion",
        "sentry",
        "xero",
        "dropbox",
        "clerk",
        "resend",
        "square",
        "twilio",
        "hubspot",
        "discord",
        "sendgrid",
    ] {
        assert_eq!(
            names.iter().filter(|n| **n == expected).count(),
            1,
            "{expected} in {names:?}"
        );
    }
    let line = |name: &str| &listed.iter().find(|p| p.name == name).unwrap().line;
    // The facts come from the presets.
    assert!(
        line("stripe").contains("signature: stripe-signature; time: signed in stripe-signature"),
        "{}",
        line("stripe")
    );
    assert!(line("stripe").contains("secret: STRIPE_WEBHOOK_SECRET"));
    assert!(line("zoom").contains("retries: 3 retries over 1 h 25 min"));
    assert!(line("github").contains("event: x-github-event (unsigned)"));
    assert!(line("github").contains("retries: never (by hand within 3 d)"));
    assert!(line("twitch").contains("id: twitch-eventsub-message-id (signed)"));
    assert!(line("linear").contains("time: signed in the body's webhookTimestamp"));
    assert!(line("shopify").contains("time: none signed"));
}

/// Key pairs of the vectors (tests/vectors/discord.json and
/// sendgrid.json, `signing_keys`): `(public, private)`, and another public
/// key.
const DISCORD_KEYS: (&str, &str, &str) = (
    "a968e5e34c12a9448b6b205d873461cc2a99cae1ac12565562fd324f70211374",
    "521b7f17ce2ce24abfb2fde2036512736179d1604230222d9a11258958ad30cb",
    "0af6e226e6c2abd88f5464fbb9e42bcb071af4985995cb901725b53e7c5fced2",
);
const SENDGRID_KEYS: (&str, &str, &str) = (
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEK6eAK36Mn4GX/c/85Bk19kwx5J7PM2gRYWTybKxFdauwqLx2gKGZbDQL8mlNGiCw6Rn+eNWiSjSwAMR3pchKiQ==",
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0rZepRAdVRkDQ7EK1JJI0yzI4VUFuDTpkesfv+sIDoqhRANCAAQrp4ArfoyfgZf9z/zkGTX2TDHkns8zaBFhZPJsrEV1q7CovHaAoZlsNAvyaU0aILDpGf541aJKNLAAxHelyEqJ",
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEE0xkhsHzWkwCBKsWMZx9G7aY73v8vDohrR9pn6dTdEtF1u10GaCczMxz+SJ4Rveu8nAgm30InDLSWRDpUHpZXQ==",
);

/// The URL-signing providers, signed for this URL.
const URL_PROVIDERS: [&str; 3] = ["square", "twilio", "hubspot"];
const PUBLIC_URL: &str = "https://hooks.example.com/hook";

/// For a provider: the environment `sign` signs with, the one `verify`
/// verifies with, and one holding another key or secret.
fn keys_of(name: &str) -> [Vec<(&'static str, &'static str)>; 3] {
    let pair = |variable, (public, private, other): (&'static str, &'static str, &'static str)| {
        [
            vec![(variable, private)],
            vec![("WEBHOOK_SECRET", public)],
            vec![("WEBHOOK_SECRET", other)],
        ]
    };
    match name {
        "discord" => pair("DISCORD_SIGNING_KEY", DISCORD_KEYS),
        "sendgrid" => pair("SENDGRID_SIGNING_KEY", SENDGRID_KEYS),
        _ => [
            vec![("WEBHOOK_SECRET", SW_SECRET)],
            vec![("WEBHOOK_SECRET", SW_SECRET)],
            vec![("WEBHOOK_SECRET", OTHER_SECRET)],
        ],
    }
}

/// For every provider `providers` lists: its fixture, made fresh by
/// `fixture`, signed by `sign` (with its event header where it has one,
/// the public URL for those that sign it, the private key for those that
/// sign with one), verifies and decodes with `verify`; changed by one
/// byte, or checked with another secret or public key, it is refused.
#[test]
fn every_preset_signs_then_verifies_its_fixture() {
    let listed = listed_providers();
    assert!(listed.len() >= 37, "{}", listed.len());
    for provider in &listed {
        let name = provider.name.as_str();
        let [sign_env, env, other_env] = keys_of(name);
        let url: &[&str] = if URL_PROVIDERS.contains(&name) {
            &["--url", PUBLIC_URL]
        } else {
            &[]
        };
        let output = run(&["fixture", "--provider", name], &[], b"");
        assert_eq!(output.status.code(), Some(0), "{name}: {output:?}");
        let body = output.stdout;
        assert!(!body.is_empty(), "{name}");

        let mut args = vec!["sign", "--provider", name];
        args.extend(url);
        if provider.line.contains("; event: ") {
            args.extend(["--type", provider.fixture.as_str()]);
        }
        let token = name == "gitlab";
        let output = run_checked(&args, &sign_env, &body, !token);
        let headers = signed(&output);
        if token {
            assert!(
                stderr(&output).contains("the output holds the secret"),
                "{}",
                stderr(&output)
            );
        } else {
            assert!(stderr(&output).is_empty(), "{name}: {}", stderr(&output));
        }

        let mut args = vec![
            "verify".to_owned(),
            "--provider".to_owned(),
            name.to_owned(),
        ];
        args.extend(url.iter().map(|arg| (*arg).to_owned()));
        args.extend(header_args(&headers));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&args, &env, &body);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(0), "{name}: {output:?}");
        assert!(
            text.starts_with(&format!("verified: a {name} delivery"))
                || text.starts_with("verified: a standard-webhooks delivery"),
            "{name}: {text}"
        );
        assert!(text.contains("\nevent: "), "{name} did not decode: {text}");

        let mut changed = body.clone();
        let at = changed.iter().position(u8::is_ascii_digit).unwrap();
        changed[at] = if changed[at] == b'9' {
            b'0'
        } else {
            changed[at] + 1
        };
        let output = run(&args, &env, &changed);
        // GitLab's token signs nothing: a changed body passes (its docs say
        // so), and only a wrong token is refused.
        let expected = if token { 0 } else { 1 };
        assert_eq!(output.status.code(), Some(expected), "{name}: {output:?}");
        let output = run(&args, &other_env, &body);
        assert_eq!(output.status.code(), Some(1), "{name}: {output:?}");
        assert!(stdout(&output).starts_with("refused: "), "{name}");
    }
    for name in URL_PROVIDERS.iter().chain(&["discord", "sendgrid"]) {
        assert!(listed.iter().any(|p| p.name == *name), "{name}");
    }
}

#[test]
fn verify_exits_0_when_verified_1_when_refused_2_on_misuse() {
    let body = fixture_body("stripe/invoice.paid.json");
    let at = NOW.to_string();
    let headers = sign("stripe", SECRET, &body, &["--timestamp", &at]);
    assert_eq!(
        verify("stripe", SECRET, &headers, &body, NOW).status.code(),
        Some(0)
    );
    let refused = verify("stripe", OTHER_SECRET, &headers, &body, NOW);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(stdout(&refused).starts_with("refused: "));

    let header = format!("{}: {}", headers[0].0, headers[0].1);
    let env = [("WEBHOOK_SECRET", SECRET)];
    for (args, expected) in [
        // clap's own usage errors exit 2.
        (&["verify", "-H", &header][..], "--provider <PROVIDER>"),
        (
            &["verify", "--provider", "stripe", "--bogus", "-H", &header],
            "unexpected argument '--bogus'",
        ),
        (
            &["verify", "--provider", "acme", "-H", &header],
            "invalid value 'acme'",
        ),
        (
            &[
                "verify",
                "--provider",
                "stripe",
                "--now",
                "soon",
                "-H",
                &header,
            ],
            "invalid value 'soon'",
        ),
        // The command's: no preset signs a URL yet.
        (
            &[
                "verify",
                "--provider",
                "stripe",
                "--url",
                "https://example.com/hook",
                "-H",
                &header,
            ],
            "stripe signs no URL",
        ),
        (
            &[
                "verify",
                "--provider",
                "github",
                "--method",
                "POST",
                "-H",
                &header,
            ],
            "github signs no URL",
        ),
        (
            &[
                "sign",
                "--provider",
                "stripe",
                "--url",
                "https://example.com/hook",
            ],
            "stripe signs no URL",
        ),
        (
            &["sign", "--provider", "stripe", "--type", "invoice.paid"],
            "--type: stripe's body names its event",
        ),
        (
            &["fixture", "--provider", "zoom", "--type", "meeting.nope"],
            "no zoom fixture of type \"meeting.nope\"; --type is one of: meeting.started",
        ),
    ] {
        let output = run(args, &env, &body);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    // No secret at all is a usage error too.
    let output = run(
        &["verify", "--provider", "stripe", "-H", &header],
        &[],
        &body,
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

/// `verify` of a provider that signs the URL: 0 at the URL signed, 1 at
/// another (with the mistake named) or with another secret, 2 without
/// `--url`.
#[test]
fn verify_a_url_signing_provider_exits_0_1_2_and_names_the_url_mistake() {
    let body = fixture_body("square/payment.updated.json");
    let env = [("WEBHOOK_SECRET", SECRET)];
    let signed = |url: &str| {
        signed(&run(
            &["sign", "--provider", "square", "--url", url],
            &env,
            &body,
        ))
    };
    let headers = signed("https://hooks.example.com/hook");
    let verify_at = |url: Option<&str>, env: &[(&str, &str)]| {
        let mut args = vec!["verify".to_owned(), "--provider".into(), "square".into()];
        if let Some(url) = url {
            args.extend(["--url".to_owned(), url.to_owned()]);
        }
        args.extend(header_args(&headers));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, env, &body)
    };
    let output = verify_at(Some("https://hooks.example.com/hook"), &env);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).starts_with("verified: a square delivery"));

    // The receiver behind a TLS proxy sees http: the explanation names
    // the https URL that verifies.
    let output = verify_at(Some("http://hooks.example.com/hook"), &env);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(text.starts_with("refused: "), "{text}");
    assert!(
        text.contains(
            "the signature matches https://hooks.example.com/hook, not \
             http://hooks.example.com/hook: the provider signed the public https URL"
        ),
        "{text}"
    );
    assert!(text.contains("configure the public origin, https://hooks.example.com"));
    // A trailing slash, a port: each named.
    let output = verify_at(Some("https://hooks.example.com/hook/"), &env);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("has no final /"),
        "{}",
        stdout(&output)
    );
    let output = verify_at(Some("https://hooks.example.com:8443/hook"), &env);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("the port given is this server's"),
        "{}",
        stdout(&output)
    );
    // Another secret: refused, and no URL explains it.
    let output = verify_at(
        Some("https://hooks.example.com/hook"),
        &[("WEBHOOK_SECRET", OTHER_SECRET)],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(!stdout(&output).contains("the signature matches"));
    let output = verify_at(
        Some("http://hooks.example.com/hook"),
        &[("WEBHOOK_SECRET", OTHER_SECRET)],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("none of the usual URL mistakes explains it"),
        "{}",
        stdout(&output)
    );

    // No --url: a usage error that says why.
    let output = verify_at(None, &env);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("--url is required: square signs the URL it calls"),
        "{}",
        stderr(&output)
    );
    for (args, expected) in [
        (
            &["sign", "--provider", "twilio"][..],
            "--url is required: twilio signs the URL it calls",
        ),
        (
            &[
                "sign",
                "--provider",
                "hubspot",
                "--url",
                "hooks.example.com/h",
            ],
            "expected the public URL the provider calls",
        ),
        (
            &[
                "sign",
                "--provider",
                "hubspot",
                "--url",
                PUBLIC_URL,
                "--method",
                "get",
            ],
            "--method \"get\": expected an HTTP method in capitals",
        ),
        (
            &[
                "send",
                "--provider",
                "square",
                "--url",
                PUBLIC_URL,
                "--method",
                "GET",
            ],
            "--method GET: square calls with POST only",
        ),
        (
            &[
                "send",
                "--provider",
                "twilio",
                "--url",
                PUBLIC_URL,
                "--method",
                "PUT",
            ],
            "--method PUT: twilio calls with POST, GET",
        ),
        (
            &[
                "send",
                "--provider",
                "hubspot",
                "--url",
                PUBLIC_URL,
                "--method",
                "GET",
                "--body",
                "Cargo.toml",
            ],
            "--method GET sends no body, so --body cannot be sent",
        ),
        (
            &[
                "send",
                "--provider",
                "twilio",
                "--url",
                PUBLIC_URL,
                "--method",
                "GET",
                "--tampered",
            ],
            "--method GET sends no body, so --tampered",
        ),
        (
            &[
                "send",
                "--provider",
                "hubspot",
                "--url",
                PUBLIC_URL,
                "--method",
                "GET",
                "--type",
                "contact.propertyChange",
            ],
            "--method GET sends no body, so --type",
        ),
        (
            &[
                "send",
                "--provider",
                "stripe",
                "--url",
                PUBLIC_URL,
                "--signed-url",
                PUBLIC_URL,
            ],
            "stripe signs no URL",
        ),
    ] {
        let output = run(args, &env, &body);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }

    // HubSpot signs the method: a GET verifies as a GET, and a POST
    // verified as a GET is refused, the explanation naming POST. (With a
    // body: the preset refuses one that is not JSON, an empty one too.)
    let hub_body = fixture_body("hubspot/contact.propertyChange.json");
    let hub = |method: &str, verify_method: &str| {
        let headers = signed_with(
            "hubspot",
            &["--url", PUBLIC_URL, "--method", method],
            &env,
            &hub_body,
        );
        let mut args = vec![
            "verify".to_owned(),
            "--provider".into(),
            "hubspot".into(),
            "--url".into(),
            PUBLIC_URL.into(),
            "--method".into(),
            verify_method.into(),
        ];
        args.extend(header_args(&headers));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, &env, &hub_body)
    };
    assert_eq!(hub("GET", "GET").status.code(), Some(0));
    let output = hub("POST", "GET");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(&format!(
            "the signature matches POST {PUBLIC_URL}, not GET {PUBLIC_URL}"
        )),
        "{}",
        stdout(&output)
    );
}

fn signed_with(
    provider: &str,
    extra: &[&str],
    env: &[(&str, &str)],
    body: &[u8],
) -> Vec<(String, String)> {
    let mut args = vec!["sign", "--provider", provider];
    args.extend(extra);
    signed(&run(&args, env, body))
}

/// `verify` of a public-key provider: the variable holds the public key
/// (0, or 1 with another); `sign` signs with the private key in
/// `<PROVIDER>_SIGNING_KEY`, or with a pair made for the run whose public
/// key it prints; a `whpk_` key cannot sign.
#[test]
fn public_key_providers_verify_with_the_public_key_and_sign_with_the_private_one() {
    let body = fixture_body("discord/APPLICATION_COMMAND.json");
    let (public, private, other) = DISCORD_KEYS;
    let headers = signed_with("discord", &[], &[("DISCORD_SIGNING_KEY", private)], &body);
    let verify_with = |env: &[(&str, &str)], headers: &[(String, String)]| {
        let mut args = vec!["verify".to_owned(), "--provider".into(), "discord".into()];
        args.extend(header_args(headers));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, env, &body)
    };
    let output = verify_with(&[("DISCORD_WEBHOOK_SECRET", public)], &headers);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).contains("with the secret in DISCORD_WEBHOOK_SECRET"));
    let output = verify_with(&[("DISCORD_WEBHOOK_SECRET", other)], &headers);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stdout(&output).starts_with("refused: "));
    // No public key: a usage error.
    assert_eq!(verify_with(&[], &headers).status.code(), Some(2));

    // No private key: a pair for the run, its public key on stderr, which
    // verifies what was signed (and the private key printed nowhere).
    let output = run(&["sign", "--provider", "discord"], &[], &body);
    let made = signed(&output);
    let note = stderr(&output);
    let printed = note
        .trim_end()
        .rsplit_once(": ")
        .map(|(_, key)| key.to_owned())
        .unwrap_or_default();
    assert!(note.contains("no DISCORD_SIGNING_KEY"), "{note}");
    assert_eq!(printed.len(), 64, "{note}");
    let output = verify_with(&[("DISCORD_WEBHOOK_SECRET", &printed)], &made);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let output = verify_with(&[("DISCORD_WEBHOOK_SECRET", public)], &made);
    assert_eq!(output.status.code(), Some(1), "{output:?}");

    // SendGrid's pair for the run too: base64 DER.
    let body = fixture_body("sendgrid/delivered.json");
    let output = run(&["sign", "--provider", "sendgrid"], &[], &body);
    let made = signed(&output);
    let note = stderr(&output);
    let printed = note.trim_end().rsplit_once(": ").unwrap().1.to_owned();
    let mut args = vec!["verify".to_owned(), "--provider".into(), "sendgrid".into()];
    args.extend(header_args(&made));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&args, &[("SENDGRID_WEBHOOK_SECRET", &printed)], &body);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    // Standard Webhooks: whsk_ signs v1a, whpk_ verifies it, and a whpk_
    // key cannot sign.
    let body = fixture_body("standard/contact.created.json");
    let whpk = "whpk_rorE/BY5cQ4oXqF8GmP7WxvwcW/DCZh6Fjf+mlTBHH4=";
    let whsk = "whsk_omAY9k/1UqDjymyNyIPyZPhix/tB+QNQRoKig+rTo2CuisT8FjlxDiheoXwaY/tbG/Bxb8MJmHoWN/6aVMEcfg==";
    let made = signed_with("standard", &[], &[("STANDARD_SIGNING_KEY", whsk)], &body);
    let signature = &made
        .iter()
        .find(|(n, _)| n == "webhook-signature")
        .unwrap()
        .1;
    assert!(signature.starts_with("v1a,"), "{signature}");
    let mut args = vec!["verify".to_owned(), "--provider".into(), "standard".into()];
    args.extend(header_args(&made));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&args, &[("STANDARD_WEBHOOK_SECRET", whpk)], &body);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let output = run(
        &["sign", "--provider", "standard"],
        &[("STANDARD_WEBHOOK_SECRET", whpk)],
        &body,
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("set STANDARD_SIGNING_KEY to the private key (whsk_)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn misuse_is_refused_with_status_2() {
    let body = fixture_body("commet/invoice.created.json");
    for (args, env, expected) in [
        (
            &["sign", "--provider", "commet"][..],
            &[][..],
            "no secret: set COMMET_WEBHOOK_SECRET or WEBHOOK_SECRET",
        ),
        (
            &["sign", "--provider", "commet", "--timestamp", "1"],
            &[("WEBHOOK_SECRET", SECRET)],
            "--timestamp: commet signs no time in a header",
        ),
        (
            &["sign", "--provider", "stripe", "--id", "x"],
            &[("WEBHOOK_SECRET", SECRET)],
            "--id: stripe sends no delivery id in a header",
        ),
        (
            &["sign", "--provider", "stripe", "--secret-env", "MY_SECRET"],
            &[("WEBHOOK_SECRET", SECRET)],
            "no secret: set MY_SECRET",
        ),
        (
            &["sign", "--provider", "stripe"],
            &[("WEBHOOK_SECRET", " whsec_padded_secret_of_the_right_shape ")],
            "the secret cannot sign",
        ),
        (
            &["sign", "--provider", "acme"],
            &[("WEBHOOK_SECRET", SECRET)],
            "invalid value 'acme' for '--provider <PROVIDER>'",
        ),
        (
            &[
                "send",
                "--provider",
                "stripe",
                "--url",
                "ftp://user:pw@host/",
            ],
            &[("WEBHOOK_SECRET", SECRET)],
            "--url \"ftp://…@host/\": expected an http:// or https:// URL",
        ),
        (
            &[
                "send",
                "--provider",
                "stripe",
                "--url",
                "http://h/",
                "--time-scale",
                "0",
            ],
            &[("WEBHOOK_SECRET", SECRET)],
            "\"0\" is not a factor between 0.001 and 1000000000",
        ),
        (
            &[
                "send",
                "--provider",
                "stripe",
                "--url",
                "http://h/",
                "--timeout",
                "1e30",
            ],
            &[("WEBHOOK_SECRET", SECRET)],
            "\"1e30\" is not a number of seconds between 0 and 86400",
        ),
    ] {
        let output = run(args, env, &body);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty());
    }
    // The provider's own variable comes first, then WEBHOOK_SECRET.
    let own = signed(&run(
        &["sign", "--provider", "commet"],
        &[
            ("COMMET_WEBHOOK_SECRET", SECRET),
            ("WEBHOOK_SECRET", OTHER_SECRET),
        ],
        &body,
    ));
    let expected = Signer::<Commet>::new(SECRET).unwrap().sign(&body);
    assert_eq!(own[0].1, expected.get("x-commet-signature").unwrap());
}

const NOT_INSTALLED: i32 = 77;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The deliveries `sign` wrote, in the format of
/// tests/vectors/verify_deliveries.py, with a tampered copy of each that
/// the libraries must refuse (so the check can fail).
fn deliveries() -> Vec<Value> {
    let mut out = Vec::new();
    for signed in signed_by_the_command() {
        let headers: serde_json::Map<String, Value> = signed
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), Value::from(v.clone())))
            .collect();
        let text = String::from_utf8(signed.body.clone()).unwrap();
        let method = signed
            .request
            .map(|(_, method)| format!(" {method}"))
            .unwrap_or_default();
        let delivery =
            |name: &str, body: String, headers: &serde_json::Map<String, Value>, expect: &str| {
                let mut delivery = json!({
                    "provider": signed.library_name,
                    "name": format!("{}{method} (signed by the command): {name}", signed.provider),
                    "secrets": [signed.secret],
                    "body": body,
                    "headers": headers,
                    "now": signed.now(),
                    "expect": expect,
                });
                if let Some((url, method)) = signed.request {
                    delivery["url"] = Value::from(url);
                    delivery["method"] = Value::from(method);
                }
                if signed.provider == "twilio" {
                    // The fields as a framework hands them to Twilio's validator.
                    delivery["form"] = support::form_fields(&body);
                }
                delivery
            };
        out.push(delivery("as signed", text.clone(), &headers, "accepted"));
        if signed.provider == "gitlab" {
            // GitLab's token signs no body: another token is what is refused.
            let mut other = headers.clone();
            other.insert("x-gitlab-token".into(), Value::from("glwt-another-token"));
            out.push(delivery("token changed", text, &other, "refused"));
        } else {
            out.push(delivery(
                "body changed",
                text.replacen('e', "E", 1),
                &headers,
                "refused",
            ));
        }
    }
    out
}

/// The providers verify_deliveries.py leaves to the Node check: their
/// libraries are Node's (GitHub's, Linear's, Zoom's, Shopify's, Twitch's
/// twurple, WorkOS's, Mux's, Notion's; GitLab's token recipe is there).
const LEFT_TO_NODE: &[&str] = &[
    "github", "linear", "zoom", "shopify", "twitch", "gitlab", "workos", "mux", "notion",
];

/// The providers node/verify_deliveries.mjs leaves to the Python check: a
/// Python SDK (Slack, Twilio, Square, HubSpot, Razorpay, Paddle, Discord,
/// SendGrid; v1a's recipe with PyNaCl), or no library, only a recipe
/// (LeadLex and the rest).
const LEFT_TO_PYTHON: &[&str] = &[
    "leadlex",
    "slack",
    "twilio",
    "square",
    "hubspot",
    "razorpay",
    "paddle",
    "discord",
    "sendgrid",
    "standard_webhooks_v1a",
    "intercom",
    "lemonsqueezy",
    "typeform",
    "calendly",
    "pagerduty",
    "vercel",
    "bitbucket",
    "meta",
    "xero",
    "dropbox",
    "sentry",
];

/// Runs one of the scripts over the deliveries; `None` when its libraries
/// are missing (skipped loudly, or a failure under CI).
fn run_script(program: &Path, script: &str, tag: &str) -> Option<String> {
    let file = std::env::temp_dir().join(format!(
        "signed-webhooks-cli-deliveries-{tag}-{}.json",
        std::process::id()
    ));
    std::fs::write(&file, serde_json::to_vec_pretty(&deliveries()).unwrap()).unwrap();
    let output = Command::new(program)
        .arg(manifest_dir().join(script))
        .arg(&file)
        .output();
    let _ = std::fs::remove_file(&file);
    let why = match &output {
        Err(error) => Some(format!("cannot run {}: {error}", program.display())),
        Ok(output) if output.status.code() == Some(NOT_INSTALLED) => {
            Some(stderr(output).trim().to_owned())
        }
        Ok(_) => None,
    };
    if let Some(why) = why {
        let message = format!(
            "the providers' libraries are not available ({why}); install them with \
             tests/vectors/install"
        );
        assert!(std::env::var_os("CI").is_none(), "CI is set: {message}");
        eprintln!("\n!!! SKIPPED: {message}\n");
        return None;
    }
    let output = output.unwrap();
    assert!(output.status.success(), "{script}: {output:?}");
    Some(stdout(&output))
}

/// Every delivery of the providers the script checks (all but
/// `skipped`) got its verdict, from two libraries for those in `twice`
/// (Standard Webhooks: standardwebhooks and svix; Twitch: twurple and its
/// recipe), the tampered ones refused.
fn assert_all_checked(report: &str, skipped: &[&str], twice: &[&str]) {
    assert!(!report.contains("FAIL"), "{report}");
    let name = |d: &Value| d["provider"].as_str().unwrap().to_owned();
    let expected: usize = deliveries()
        .iter()
        .filter(|d| !skipped.contains(&name(d).as_str()))
        .map(|d| {
            if twice.contains(&name(d).as_str()) {
                2
            } else {
                1
            }
        })
        .sum();
    assert!(
        report.contains(&format!("{expected} passed, 0 failed")),
        "{report}"
    );
    let refused = report
        .lines()
        .filter(|l| l.starts_with("ok  ") && l.contains("expected refused"))
        .count();
    assert_eq!(refused * 2, expected, "{report}");
}

#[test]
fn sign_output_is_verified_by_the_providers_python_libraries() {
    let python = std::env::var_os("PROVIDER_LIBS_PYTHON").map_or_else(
        || manifest_dir().join("target/provider-libs/venv/bin/python"),
        PathBuf::from,
    );
    let Some(report) = run_script(&python, "tests/vectors/verify_deliveries.py", "python") else {
        return;
    };
    // No Python library: the Node check has them.
    assert_all_checked(&report, LEFT_TO_NODE, &["standard_webhooks"]);
}

#[test]
fn sign_output_is_verified_by_the_providers_node_libraries() {
    let node =
        std::env::var_os("PROVIDER_LIBS_NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    let Some(report) = run_script(&node, "tests/vectors/node/verify_deliveries.mjs", "node") else {
        return;
    };
    // No Node library, or a Python SDK: the Python check has them.
    assert_all_checked(&report, LEFT_TO_PYTHON, &["standard_webhooks", "twitch"]);
}

// ---------------------------------------------------------------- verify

/// Runs `verify` on a real mismatch: headers signed for `sent`, the body
/// `received`, the secret `configured`. It must refuse (status 1) and
/// print `expected`.
fn explains(
    provider: &str,
    headers: &[(String, String)],
    configured: &str,
    received: &[u8],
    now: i64,
    expected: &str,
) -> String {
    let output = verify(provider, configured, headers, received, now);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        text.starts_with("refused: ") || text.starts_with("the secret as configured is refused"),
        "{text}"
    );
    assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    text
}

#[test]
fn verify_explains_a_changed_body() {
    let at = NOW.to_string();
    let stripe = |sent: &[u8]| sign("stripe", SECRET, sent, &["--timestamp", &at]);
    let pretty = fixture_body("stripe/invoice.paid.json");
    let with_newline = [&pretty[..], b"\n"].concat();

    explains(
        "stripe",
        &stripe(&pretty),
        SECRET,
        &with_newline,
        NOW,
        "- a newline was added at the end of the body after it was signed",
    );
    explains(
        "stripe",
        &stripe(&with_newline),
        SECRET,
        &pretty,
        NOW,
        "- the body lost the final newline it was signed with",
    );
    let crlf = String::from_utf8(pretty.clone())
        .unwrap()
        .replace('\n', "\r\n");
    explains(
        "stripe",
        &stripe(&pretty),
        SECRET,
        crlf.as_bytes(),
        NOW,
        "- the body's line endings were converted from LF to CRLF after it was signed",
    );
    explains(
        "stripe",
        &stripe(crlf.as_bytes()),
        SECRET,
        &pretty,
        NOW,
        "- the body was signed with CRLF line endings, converted to LF since",
    );

    // serde_json's Value sorts keys: these re-serializations keep that order.
    let value: Value = serde_json::from_slice(&pretty).unwrap();
    let compact = serde_json::to_vec(&value).unwrap();
    let pretty_sorted = serde_json::to_vec_pretty(&value).unwrap();
    let text = explains(
        "stripe",
        &stripe(&pretty_sorted),
        SECRET,
        &compact,
        NOW,
        "- the body was re-serialized as JSON: the sender signed it pretty-printed (two-space \
         indent), and what was verified is the same JSON written differently; verify the raw \
         bytes you received, before any JSON parsing",
    );
    assert!(
        text.contains("with that corrected, the delivery verifies"),
        "{text}"
    );
    explains(
        "stripe",
        &stripe(&compact),
        SECRET,
        &pretty_sorted,
        NOW,
        "the sender signed it compact (no whitespace),",
    );
    // Signed with its keys sorted, verified in the fixture's order.
    explains(
        "stripe",
        &stripe(&compact),
        SECRET,
        &pretty,
        NOW,
        "the sender signed it compact (no whitespace), keys sorted,",
    );
    // Python's json.dumps, verified as JSON.stringify would write it.
    explains(
        "stripe",
        &stripe(br#"{"id": "evt_1", "object": "event", "note": "Gr\u00fc\u00dfe"}"#),
        SECRET,
        r#"{"id":"evt_1","object":"event","note":"Grüße"}"#.as_bytes(),
        NOW,
        "the sender signed it with spaces after `:` and `,` (Python's json.dumps)",
    );
}

/// `verify` of a provider that signs the URL it calls, given the right
/// URL: the body's usual mistakes are explained as for the others (JSON
/// signed pretty-printed with a final newline, as `jq .` writes it, then
/// re-serialized; a final newline lost or added), and a secret copied
/// with a newline is named.
#[test]
fn verify_explains_a_changed_body_of_a_url_signing_provider() {
    let at = NOW.to_string();
    let env = [("WEBHOOK_SECRET", SW_SECRET)];
    let verify_url =
        |provider: &str, headers: &[(String, String)], body: &[u8], env: &[(&str, &str)]| {
            let mut args: Vec<String> = [
                "verify",
                "--provider",
                provider,
                "--url",
                PUBLIC_URL,
                "--now",
                &at,
            ]
            .map(str::to_owned)
            .to_vec();
            args.extend(header_args(headers));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = run(&args, env, body);
            assert_eq!(output.status.code(), Some(1), "{provider}: {output:?}");
            stdout(&output)
        };
    let explained = |text: &str, finding: &str| {
        assert!(text.contains(finding), "{text}");
        assert!(
            text.contains("with that corrected, the delivery verifies"),
            "{text}"
        );
    };
    for (provider, file) in [
        ("square", "square/payment.updated.json"),
        ("hubspot", "hubspot/contact.propertyChange.json"),
    ] {
        let value: Value = serde_json::from_slice(&fixture_body(file)).unwrap();
        let pretty = [serde_json::to_vec_pretty(&value).unwrap(), b"\n".to_vec()].concat();
        let compact = serde_json::to_vec(&value).unwrap();
        let mut args = vec!["--url", PUBLIC_URL];
        if provider == "hubspot" {
            args.extend(["--timestamp", &at]);
        }
        let headers = signed_with(provider, &args, &env, &pretty);
        explained(
            &verify_url(provider, &headers, &compact, &env),
            "- the body was re-serialized as JSON: the sender signed it pretty-printed (two-space \
             indent), with a final newline,",
        );
        explained(
            &verify_url(provider, &headers, &pretty[..pretty.len() - 1], &env),
            "- the body lost the final newline it was signed with",
        );
    }

    // Twilio's form, a newline added after it was signed.
    let form = fixture_body("twilio/sms.form");
    let headers = signed_with("twilio", &["--url", PUBLIC_URL], &env, &form);
    explained(
        &verify_url("twilio", &headers, &[&form[..], b"\n"].concat(), &env),
        "- a newline was added at the end of the body after it was signed",
    );
    // A secret read with its newline.
    let with_newline = format!("{SW_SECRET}\n");
    let text = verify_url(
        "twilio",
        &headers,
        &form,
        &[("WEBHOOK_SECRET", with_newline.as_str())],
    );
    explained(&text, "- the secret has leading or trailing whitespace");
}

#[test]
fn verify_explains_a_mistaken_secret() {
    let at = NOW.to_string();
    let body = fixture_body("unleeshed/creator.approved.json");
    let headers = sign("unleeshed", SECRET, &body, &["--timestamp", &at]);
    let bare = SECRET.strip_prefix("whsec_").unwrap();

    let text = explains(
        "unleeshed",
        &headers,
        &format!("{SECRET}\n"),
        &body,
        NOW,
        "- the secret has leading or trailing whitespace",
    );
    assert!(
        text.contains("with that corrected, the delivery verifies"),
        "{text}"
    );
    explains(
        "unleeshed",
        &headers,
        bare,
        &body,
        NOW,
        "- the secret lost its `whsec_` prefix: unleeshed keys the HMAC with the whole secret",
    );
    // The sender dropped the prefix; the receiver has the whole secret.
    let headers = sign("unleeshed", bare, &body, &["--timestamp", &at]);
    explains(
        "unleeshed",
        &headers,
        SECRET,
        &body,
        NOW,
        "- the delivery was signed with the secret minus its `whsec_` prefix",
    );

    // A sender keying Stripe's scheme with the base64-decoded secret, and
    // one keying Standard Webhooks' with the secret's text.
    struct StripeKeyedAsStandard;
    impl Provider for StripeKeyedAsStandard {
        const NAME: &'static str = "stripe";
        type Event = Value;
        fn scheme() -> Scheme {
            Stripe::scheme().with_secret_format(SecretFormat::Base64 { prefix: "whsec_" })
        }
    }
    struct StandardKeyedAsIssued;
    impl Provider for StandardKeyedAsIssued {
        const NAME: &'static str = "standard-webhooks";
        type Event = Value;
        fn scheme() -> Scheme {
            StandardWebhooks::scheme().with_secret_format(SecretFormat::AsIssued)
        }
    }
    let pairs = |signed: signed_webhooks::SignedHeaders| -> Vec<(String, String)> {
        signed
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect()
    };
    let headers = pairs(
        Signer::<StripeKeyedAsStandard>::new(SW_SECRET)
            .unwrap()
            .sign_at(&body, NOW),
    );
    explains(
        "stripe",
        &headers,
        SW_SECRET,
        &body,
        NOW,
        "- the delivery was signed with the base64-decoded secret as the key (the Standard \
         Webhooks rule), but stripe keys the HMAC with the secret as issued",
    );
    let headers = pairs(
        Signer::<StandardKeyedAsIssued>::new(SW_SECRET)
            .unwrap()
            .sign_with_id(&body, NOW, "msg_1"),
    );
    explains(
        "standard",
        &headers,
        SW_SECRET,
        &body,
        NOW,
        "- the delivery was signed with the secret's text as the key (`whsec_` included), but \
         Standard Webhooks keys the HMAC with the bytes base64-decoded",
    );

    // Another endpoint's secret: nothing explains it, and it says so.
    let headers = sign("unleeshed", SECRET, &body, &["--timestamp", &at]);
    let text = explains(
        "unleeshed",
        &headers,
        OTHER_SECRET,
        &body,
        NOW,
        "none of the usual mistakes explains it",
    );
    assert!(
        text.ends_with("(secret read from WEBHOOK_SECRET)\n"),
        "{text}"
    );
}

#[test]
fn verify_explains_the_time() {
    let body = fixture_body("stripe/invoice.paid.json");
    let millis = (NOW * 1000 + 417).to_string();
    let headers = sign("stripe", SECRET, &body, &["--timestamp", &millis]);
    explains(
        "stripe",
        &headers,
        SECRET,
        &body,
        NOW,
        &format!(
            "- the timestamp {millis} is in milliseconds (the signature over it is valid): the \
             sender signs milliseconds where Unix seconds are expected; it should sign and send \
             {NOW}"
        ),
    );
    let two_hours_ago = (NOW - 7200).to_string();
    let headers = sign("stripe", SECRET, &body, &["--timestamp", &two_hours_ago]);
    let text = explains(
        "stripe",
        &headers,
        SECRET,
        &body,
        NOW,
        "- the signature is valid, but the delivery was signed 2 h ago, beyond the 5 min \
         tolerance",
    );
    assert!(text.starts_with("refused: timestamp "), "{text}");

    // Commet signs the event's time in its body.
    let commet = fixture_body("commet/invoice.created.json");
    let headers = sign("commet", SECRET, &commet, &[]);
    explains(
        "commet",
        &headers,
        SECRET,
        &commet,
        1_782_225_000 + 2 * 86_400,
        "the event's `timestamp` in the body is 2 d old, and commet deliveries are accepted \
         for 24 h after it",
    );
}

#[test]
fn verify_names_the_provider_a_delivery_is_from() {
    let at = NOW.to_string();
    let body = fixture_body("stripe/invoice.paid.json");
    let headers = sign("stripe", SECRET, &body, &["--timestamp", &at]);
    let text = explains(
        "github",
        &headers,
        SECRET,
        &body,
        NOW,
        "- the request has no `x-hub-signature-256` header but has `stripe-signature`: it \
         looks like a stripe delivery",
    );
    assert!(
        text.starts_with("refused: missing `x-hub-signature-256` header"),
        "{text}"
    );
}

#[test]
fn verify_says_what_verified() {
    let body = fixture_body("stripe/invoice.paid.json");
    let at = NOW.to_string();
    let headers = sign("stripe", SECRET, &body, &["--timestamp", &at]);
    let output = verify("stripe", SECRET, &headers, &body, NOW + 42);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout(&output),
        format!(
            "verified: a stripe delivery, signed at {NOW} (42 s ago), with the secret in \
             WEBHOOK_SECRET\ndelivery key: stripe:id:evt_1P9yA1LkdIwHu7ixZ9y8X7w6\nevent: \
             invoice.paid evt_1P9yA1LkdIwHu7ixZ9y8X7w6\n"
        )
    );
    // Headers from a file, as `sign` prints them.
    let file = std::env::temp_dir().join(format!(
        "signed-webhooks-cli-headers-{}",
        std::process::id()
    ));
    let lines: String = headers.iter().map(|(n, v)| format!("{n}: {v}\n")).collect();
    std::fs::write(&file, lines).unwrap();
    let output = run(
        &[
            "verify",
            "--provider",
            "stripe",
            "--now",
            &at,
            "--headers",
            file.to_str().unwrap(),
        ],
        &[("STRIPE_WEBHOOK_SECRET", SECRET)],
        &body,
    );
    let _ = std::fs::remove_file(&file);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).contains("with the secret in STRIPE_WEBHOOK_SECRET"));
    // A header that is not `Name: value` is a usage error.
    let output = run(
        &[
            "verify",
            "--provider",
            "stripe",
            "--header",
            "stripe-signature t=1",
        ],
        &[("WEBHOOK_SECRET", SECRET)],
        &body,
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

// ---------------------------------------------------------------- send

/// One request a test receiver got.
struct Received {
    at: Instant,
    /// Its method and its path and query, as sent.
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A receiver on a loopback port that answers 500 to its first `failures`
/// requests, 200 after, and keeps every request: POSTs to `/hook` only.
fn failing_receiver(failures: usize) -> (SocketAddr, Arc<Mutex<Vec<Received>>>) {
    receiver(failures, false)
}

/// [`failing_receiver`], taking any method (`any_method`), or POST only.
fn receiver(failures: usize, any_method: bool) -> (SocketAddr, Arc<Mutex<Vec<Received>>>) {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};

    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    let log = Arc::clone(&received);
    let handler = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let log = Arc::clone(&log);
        async move {
            let mut log = log.lock().unwrap();
            log.push(Received {
                at: Instant::now(),
                method: method.to_string(),
                target: uri
                    .path_and_query()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
                    .collect(),
                body: body.to_vec(),
            });
            if log.len() <= failures {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    r#"{"error":"database unavailable"}"#,
                )
            } else {
                (StatusCode::OK, "")
            }
        }
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let route = if any_method {
                axum::routing::any(handler)
            } else {
                axum::routing::post(handler)
            };
            let app = axum::Router::new().route("/hook", route);
            axum::serve(listener, app).await.unwrap();
        });
    });
    (rx.recv().unwrap(), received)
}

#[test]
fn send_retries_on_the_providers_schedule_until_a_2xx() {
    let (addr, received) = failing_receiver(2);
    let url = format!("http://{addr}/hook");
    let output = run(
        &[
            "send",
            "--provider",
            "unleeshed",
            "--url",
            &url,
            "--retries",
            "--time-scale",
            "3600",
        ],
        &[("UNLEESHED_WEBHOOK_SECRET", SECRET)],
        b"",
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    // Three attempts, each verified and signed anew, all of one event.
    let received = received.lock().unwrap();
    assert_eq!(received.len(), 3, "{text}");
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let mut ids = Vec::new();
    for request in received.iter() {
        verifier.verify(&request.headers, &request.body).unwrap();
        let event: Value = serde_json::from_slice(&request.body).unwrap();
        ids.push(event["id"].as_str().unwrap().to_owned());
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_ne!(
        ids[0], "evt_01JD7X4K2M9Q8R5T3V6W1Y0Z2A",
        "a fresh id, not the fixture's"
    );

    // Unleeshed's waits, 1 min then 5 min, divided by 3600: at least that
    // long between attempts, and far less than the waits themselves.
    let gaps: Vec<Duration> = received.windows(2).map(|w| w[1].at - w[0].at).collect();
    for (gap, wait) in gaps.iter().zip([60.0, 300.0]) {
        assert!(gap.as_secs_f64() >= wait / 3600.0, "{gaps:?}");
        assert!(gap.as_secs_f64() < wait, "{gaps:?}");
    }

    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "sending unleeshed creator.approved {} to {url}",
            ids[0]
        )),
        "{text}"
    );
    assert!(
        lines[1].starts_with("retries: Unleeshed's webhook guide"),
        "{text}"
    );
    let attempt = |prefix: &str, rest: &str| {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(prefix) && l.contains(rest)),
            "{prefix} … {rest} in\n{text}"
        );
    };
    attempt("#1  delivery", "+0 s  500 Internal Server Error in ");
    attempt("   refused with: ", r#"{"error":"database unavailable"}"#);
    attempt(
        "   retry in 1 min",
        "(waiting 0.017 s at --time-scale 3600)",
    );
    attempt("#2  retry", "+1 min  500 Internal Server Error in ");
    attempt(
        "   retry in 5 min",
        "(waiting 0.083 s at --time-scale 3600)",
    );
    attempt("#3  retry", "+6 min  200 OK in ");
    assert_eq!(lines.last(), Some(&"delivered on attempt 3 of 6"), "{text}");
    // The summary table: a row per attempt.
    let rows = lines.iter().filter(|l| l.contains(" ms  ")).count();
    assert_eq!(rows, 3, "{text}");
}

#[test]
fn send_keeps_the_delivery_id_of_a_standard_webhooks_retry() {
    let (addr, received) = failing_receiver(1);
    let url = format!("http://{addr}/hook");
    let output = run(
        &[
            "send",
            "--provider",
            "standard",
            "--url",
            &url,
            "--retries",
            "--time-scale",
            "1000",
        ],
        &[("WEBHOOK_SECRET", SW_SECRET)],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let received = received.lock().unwrap();
    assert_eq!(received.len(), 2);
    let verifier = Verifier::<StandardWebhooks>::new(SW_SECRET).unwrap();
    let keys: Vec<String> = received
        .iter()
        .map(|r| {
            let (_, key) = verifier.verify_with_key(&r.headers, &r.body).unwrap();
            key.unwrap().as_str().to_owned()
        })
        .collect();
    assert_eq!(keys[0], keys[1]);
    assert!(stdout(&output).contains("retries: the Standard Webhooks spec's example schedule"));
}

#[test]
fn send_gives_up_when_the_schedule_is_exhausted_or_there_is_none() {
    // GitHub does not retry: one attempt, status 1.
    let (addr, received) = failing_receiver(usize::MAX);
    let url = format!("http://{addr}/hook");
    let output = run(
        &[
            "send",
            "--provider",
            "github",
            "--url",
            &url,
            "--retries",
            "--type",
            "push",
        ],
        &[("WEBHOOK_SECRET", SECRET)],
        b"",
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(received.lock().unwrap().len(), 1);
    let text = stdout(&output);
    assert!(
        text.contains("retries: GitHub does not retry failed deliveries"),
        "{text}"
    );
    assert!(
        text.ends_with("not delivered after 1 attempt(s) of 1\n"),
        "{text}"
    );
    let request = &received.lock().unwrap()[0];
    let event = request.headers.iter().find(|(n, _)| n == "x-github-event");
    assert_eq!(event.map(|(_, v)| v.as_str()), Some("push"));

    // No receiver at all: every attempt fails, each is reported.
    let output = run(
        &[
            "send",
            "--provider",
            "commet",
            "--url",
            "http://127.0.0.1:9/hook",
        ],
        &[("WEBHOOK_SECRET", SECRET)],
        b"",
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stdout(&output).contains("no answer: "),
        "{}",
        stdout(&output)
    );

    // An unknown type lists the known ones.
    let output = run(
        &[
            "send",
            "--provider",
            "stripe",
            "--url",
            &url,
            "--type",
            "invoice.nope",
        ],
        &[],
        b"",
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains(
            "no stripe fixture of type \"invoice.nope\"; --type is one of: charge.succeeded, \
             checkout.session.completed, customer.updated, invoice.paid, \
             payment_intent.succeeded"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn send_says_when_a_receiver_accepts_what_it_must_refuse() {
    // This receiver checks nothing: it answers 200 to everything.
    let (addr, received) = failing_receiver(0);
    let url = format!("http://{addr}/hook");
    for flag in ["--tampered", "--stale"] {
        let output = run(
            &["send", "--provider", "stripe", "--url", &url, flag],
            &[("WEBHOOK_SECRET", SECRET)],
            b"",
        );
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        assert!(
            text.ends_with("ACCEPTED (200): this receiver processes deliveries it must refuse\n"),
            "{text}"
        );
    }
    // What was sent is what the flags say.
    let received = received.lock().unwrap();
    let verifier = Verifier::<Stripe>::new(SECRET).unwrap();
    let tampered = verifier.verify(&received[0].headers, &received[0].body);
    assert_eq!(tampered.unwrap_err().code(), "signature_mismatch");
    let stale = verifier.verify(&received[1].headers, &received[1].body);
    assert_eq!(stale.unwrap_err().code(), "timestamp_too_old");
    let fresh = verifier
        .clone()
        .with_tolerance(Duration::from_secs(700))
        .verify(&received[1].headers, &received[1].body);
    assert!(fresh.is_ok(), "signed 600 s ago: {fresh:?}");

    // GitHub signs no time: nothing can be stale.
    let output = run(
        &["send", "--provider", "github", "--url", &url, "--stale"],
        &[("WEBHOOK_SECRET", SECRET)],
        b"",
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("--stale: github signs no time"));
}

/// `send` for presets whose deliveries need more than a signature: an
/// event header (Shopify's topic), a UUID message id and an RFC 3339 time
/// (Twitch), a time in milliseconds in the body (Linear). What the
/// receiver gets verifies and decodes as the crate's event.
#[test]
fn send_delivers_as_shopify_twitch_and_linear_do() {
    use signed_webhooks::{Linear, Shopify, ShopifyEvent, Twitch, TwitchEvent, WebhookEvent};
    let (addr, received) = failing_receiver(0);
    let url = format!("http://{addr}/hook");
    for provider in ["shopify", "twitch", "linear"] {
        let output = run(
            &["send", "--provider", provider, "--url", &url],
            &[("WEBHOOK_SECRET", SW_SECRET)],
            b"",
        );
        assert_eq!(output.status.code(), Some(0), "{provider}: {output:?}");
    }
    let received = received.lock().unwrap();
    assert_eq!(received.len(), 3);
    let (shopify, twitch, linear) = (&received[0], &received[1], &received[2]);

    Verifier::<Shopify>::new(SW_SECRET)
        .unwrap()
        .verify(&shopify.headers, &shopify.body)
        .unwrap();
    let event = ShopifyEvent::<Value>::decode(&shopify.body, &shopify.headers).unwrap();
    assert_eq!(event.event_type(), "orders/create");

    let (_, key) = Verifier::<Twitch>::new(SW_SECRET)
        .unwrap()
        .verify_with_key(&twitch.headers, &twitch.body)
        .unwrap();
    let key = key.unwrap();
    let id = twitch
        .headers
        .iter()
        .find(|(n, _)| n == "twitch-eventsub-message-id")
        .unwrap();
    assert!(key.as_str().ends_with(&id.1), "{} {}", key.as_str(), id.1);
    let event = TwitchEvent::decode(&twitch.body, &twitch.headers).unwrap();
    assert_eq!(event.event_type(), "stream.online");
    assert!(twitch.headers.contains(&(
        "twitch-eventsub-message-type".to_owned(),
        "notification".to_owned()
    )));

    // Linear signs no header time: the body's webhookTimestamp is fresh.
    Verifier::<Linear>::new(SW_SECRET)
        .unwrap()
        .verify(&linear.headers, &linear.body)
        .unwrap();
}

/// `--stale` signs twice the preset's tolerance ago: Twitch's is 10 min,
/// so 20 min, which its verifier refuses.
#[test]
fn send_stale_reads_the_providers_tolerance() {
    use signed_webhooks::Twitch;
    let (addr, received) = failing_receiver(0);
    let url = format!("http://{addr}/hook");
    let output = run(
        &["send", "--provider", "twitch", "--url", &url, "--stale"],
        &[("WEBHOOK_SECRET", SW_SECRET)],
        b"",
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let received = received.lock().unwrap();
    let verifier = Verifier::<Twitch>::new(SW_SECRET).unwrap();
    let stale = verifier.verify(&received[0].headers, &received[0].body);
    assert_eq!(stale.unwrap_err().code(), "timestamp_too_old");
    let wider = verifier
        .with_tolerance(Duration::from_secs(1300))
        .verify(&received[0].headers, &received[0].body);
    assert!(wider.is_ok(), "signed 1200 s ago: {wider:?}");
}

#[test]
fn send_a_body_of_ones_own() {
    let (addr, received) = failing_receiver(0);
    let file =
        std::env::temp_dir().join(format!("signed-webhooks-cli-body-{}", std::process::id()));
    let own = br#"{"id":"evt_mine","object":"event","type":"invoice.paid","data":{"object":{}}}"#;
    std::fs::write(&file, own).unwrap();
    let url = format!("http://{addr}/hook");
    let output = run(
        &[
            "send",
            "--provider",
            "stripe",
            "--url",
            &url,
            "--body",
            file.to_str().unwrap(),
        ],
        &[("WEBHOOK_SECRET", SECRET)],
        b"",
    );
    let _ = std::fs::remove_file(&file);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let received = received.lock().unwrap();
    assert_eq!(received[0].body, own);
    Verifier::<Stripe>::new(SECRET)
        .unwrap()
        .verify(&received[0].headers, &received[0].body)
        .unwrap();
}

/// `send --method` sends with the method it signs, as the providers that
/// sign the URL call: Twilio's GET carries the fixture's fields in the
/// query of the URL sent and of the URL signed (`--signed-url`), no body,
/// and verifies; HubSpot signs the method: its PUT verifies as a PUT and
/// not as a POST, and its CRM card's GET carries no body, which the
/// HubSpot preset then refuses, after the signature matched.
#[test]
fn send_sends_with_the_method_it_signs() {
    use signed_webhooks::{HubSpot, RequestTarget, Twilio};
    let (addr, received) = receiver(0, true);
    let url = format!("http://{addr}/hook?tenant=acme");
    let public = "https://hooks.example.com/hook?tenant=acme";
    let env = [("WEBHOOK_SECRET", SW_SECRET)];
    let send = |provider: &str, extra: &[&str]| {
        let mut args = vec!["send", "--provider", provider, "--url", &url];
        args.extend(extra);
        let output = run(&args, &env, b"");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {output:?}");
        output
    };
    send("twilio", &["--method", "GET", "--type", "status-callback"]);
    send("twilio", &["--method", "GET", "--signed-url", public]);
    let output = send("hubspot", &["--method", "GET"]);
    assert!(
        stderr(&output).contains("this crate's HubSpot verifier refuses"),
        "{}",
        stderr(&output)
    );
    send("hubspot", &["--method", "PUT"]);
    send("hubspot", &[]);

    let received = received.lock().unwrap();
    assert_eq!(received.len(), 5);
    let header = |request: &Received, name: &str| {
        request
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let at = |origin: &str| {
        let twilio = Verifier::<Twilio>::at_public_origin(origin, [SW_SECRET]).unwrap();
        let hubspot = Verifier::<HubSpot>::at_public_origin(origin, [SW_SECRET]).unwrap();
        (twilio, hubspot)
    };
    let (twilio, hubspot) = at(&format!("http://{addr}"));
    fn target(request: &Received) -> RequestTarget<'_> {
        RequestTarget::new(&request.method, &request.target)
    }

    // Twilio's GETs: the fields in the query, after the URL's own; no
    // body, so no content type; signed over that URL alone.
    let behind_a_proxy = at("https://hooks.example.com").0;
    for (request, fields, verifier) in [
        (&received[0], "twilio/status-callback.form", &twilio),
        (&received[1], "twilio/sms.form", &behind_a_proxy),
    ] {
        assert_eq!(request.method, "GET");
        let fields = String::from_utf8(fixture_body(fields)).unwrap();
        assert_eq!(request.target, format!("/hook?tenant=acme&{fields}"));
        assert!(request.body.is_empty());
        assert_eq!(header(request, "content-type"), None);
        assert!(header(request, "x-twilio-signature").is_some());
        verifier
            .verify_target(&target(request), &request.headers, &request.body)
            .unwrap();
        // Without the fields, the URL is not the one signed.
        let bare = RequestTarget::new("GET", "/hook?tenant=acme");
        let error = verifier
            .verify_target(&bare, &request.headers, &request.body)
            .unwrap_err();
        assert_eq!(error.code(), "signature_mismatch");
    }

    // HubSpot's GET: no body; the signature is of the GET (a POST of the
    // same is refused as not matching), and the preset refuses the empty
    // body only after it matched.
    let get = &received[2];
    assert_eq!(
        (get.method.as_str(), get.target.as_str()),
        ("GET", "/hook?tenant=acme")
    );
    assert!(get.body.is_empty());
    assert_eq!(header(get, "content-type"), None);
    assert!(header(get, "x-hubspot-request-timestamp").is_some());
    let error = hubspot
        .verify_target(&target(get), &get.headers, &get.body)
        .unwrap_err();
    assert_eq!(error.code(), "invalid_event", "{error}");
    let as_post = RequestTarget::new("POST", "/hook?tenant=acme");
    let error = hubspot
        .verify_target(&as_post, &get.headers, &get.body)
        .unwrap_err();
    assert_eq!(error.code(), "signature_mismatch", "{error}");

    // HubSpot's PUT carries the fixture, verifies as a PUT, not as a POST;
    // the default is still a POST, verified as one.
    let put = &received[3];
    assert_eq!(put.method, "PUT");
    assert_eq!(
        header(put, "content-type").as_deref(),
        Some("application/json")
    );
    assert!(put.body.starts_with(b"["), "{:?}", put.body);
    hubspot
        .verify_target(&target(put), &put.headers, &put.body)
        .unwrap();
    let error = hubspot
        .verify_target(&as_post, &put.headers, &put.body)
        .unwrap_err();
    assert_eq!(error.code(), "signature_mismatch", "{error}");
    let post = &received[4];
    assert_eq!(post.method, "POST");
    hubspot
        .verify_target(&target(post), &post.headers, &post.body)
        .unwrap();
}

/// The example receiver's binary, which `cargo test --all-features` builds.
#[cfg(all(feature = "axum", feature = "redis"))]
fn example_receiver() -> PathBuf {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_signed-webhooks"));
    let path = exe
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("axum_receiver{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test --all-features` (which builds the \
         examples), or `cargo build --example axum_receiver --features axum,redis,postgres,sha1,ed25519,p256` first",
        path.display()
    );
    path
}

#[cfg(all(feature = "axum", feature = "redis"))]
#[test]
fn send_duplicate_is_processed_once_by_the_example_receiver() {
    let mut receiver = Command::new(example_receiver())
        .env_clear()
        .env("ADDR", "127.0.0.1:0")
        .env("WEBHOOK_SECRET", SW_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(receiver.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the receiver's address").unwrap();
        if let Some(addr) = line.strip_prefix("listening on http://") {
            break addr.to_owned();
        }
    };
    // Ids in the body (Stripe), in a signed header (Standard Webhooks), and
    // none (GitHub: the signed content is the key).
    let mut expected = Vec::new();
    for (provider, route) in [
        ("stripe", "stripe"),
        ("standard", "standard"),
        ("github", "github"),
    ] {
        let url = format!("http://{addr}/webhooks/{route}");
        let output = run(
            &[
                "send",
                "--provider",
                provider,
                "--url",
                &url,
                "--duplicate",
                "3",
            ],
            &[("WEBHOOK_SECRET", SW_SECRET)],
            b"",
        );
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert!(
            text.ends_with("delivered on attempt 1 of 1; 3 of 3 redeliveries answered 2xx\n"),
            "{text}"
        );
        expected.push(provider);
    }
    // Deliveries it must refuse: refused, and the command says so.
    for (provider, route, flag) in [
        ("stripe", "stripe", "--tampered"),
        ("stripe", "stripe", "--stale"),
        ("commet", "commet", "--stale"),
        ("github", "github", "--tampered"),
    ] {
        let url = format!("http://{addr}/webhooks/{route}");
        let output = run(
            &["send", "--provider", provider, "--url", &url, flag],
            &[("WEBHOOK_SECRET", SW_SECRET)],
            b"",
        );
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(0), "{flag}: {output:?}");
        assert!(text.contains("the receiver must refuse it"), "{text}");
        assert!(text.ends_with("as it must be\n"), "{text}");
    }
    receiver.kill().unwrap();
    let _ = receiver.wait();
    let printed: Vec<String> = lines.map_while(Result::ok).collect();
    let processed: Vec<&String> = printed
        .iter()
        .filter(|l| l.starts_with("processed "))
        .collect();
    let duplicates: Vec<&String> = printed
        .iter()
        .filter(|l| l.starts_with("duplicate "))
        .collect();
    // Each event processed once, its three redeliveries recognised.
    assert_eq!(processed.len(), expected.len(), "{printed:#?}");
    assert_eq!(duplicates.len(), 3 * expected.len(), "{printed:#?}");
    for line in &processed {
        let id = line.split(' ').nth(1).unwrap();
        assert_eq!(
            duplicates
                .iter()
                .filter(|d| **d == &format!("duplicate {id}"))
                .count(),
            3,
            "{printed:#?}"
        );
    }
}

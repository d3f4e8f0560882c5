//! The providers' own libraries verify what `Signer<P>` writes: deliveries
//! for every provider, signed by the crate, go through
//! tests/vectors/verify_deliveries.py (stripe, standardwebhooks, svix,
//! commet-sdk, and LeadLex's documented recipe) and
//! tests/vectors/node/verify_deliveries.mjs (stripe, standardwebhooks, svix,
//! @commet/node, @octokit/webhooks-methods). Each provider also gets a
//! tampered delivery the libraries must refuse, so the check can fail.
//!
//! The libraries are installed by `tests/vectors/install` (CI does it):
//! Python ones in `target/provider-libs/venv` (or the interpreter named by
//! `PROVIDER_LIBS_PYTHON`), Node ones in `tests/vectors/node/node_modules`
//! (with `node` from `PATH`, or `PROVIDER_LIBS_NODE`). Without them the
//! tests are skipped with a notice, unless `CI` is set: then they fail.
#![cfg(feature = "standard-webhooks")]
// The edits of a delivery are `fn(&mut Vec<…>, &mut Vec<u8>)`, one shape for all.
#![allow(clippy::ptr_arg)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use signed_webhooks::{
    Commet, GitHub, LeadLex, Provider, Signer, StandardWebhooks, Stripe, Svix, Unleeshed,
};
use support::{NOW, OTHER_SECRET, SECRET, SW_SECRET, fixture};

/// The exit status the scripts use for "libraries not installed".
const NOT_INSTALLED: i32 = 77;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One delivery in the scripts' input format (see verify_deliveries.py).
fn delivery<P: Provider>(
    provider: &str,
    name: &str,
    signer: &Signer<P>,
    receiver_secrets: &[&str],
    body: &[u8],
    tamper: impl FnOnce(&mut Vec<(String, String)>, &mut Vec<u8>),
) -> Value {
    let mut headers: Vec<(String, String)> = signer
        .sign_with_id(body, NOW, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    headers.push(("Content-Type".into(), "application/json".into()));
    let mut body = body.to_vec();
    // Tampered: a value or the body changed (renaming headers is not).
    let values = |headers: &[(String, String)]| -> Vec<String> {
        headers.iter().map(|(_, v)| v.clone()).collect()
    };
    let before = (values(&headers), body.clone());
    tamper(&mut headers, &mut body);
    let expect = if (values(&headers), body.clone()) == before {
        "accepted"
    } else {
        "refused"
    };
    json!({
        "provider": provider,
        "name": format!("{provider}: {name}"),
        "secrets": receiver_secrets,
        "body": String::from_utf8(body).expect("the libraries read bodies as UTF-8 text"),
        "headers": headers
            .into_iter()
            .map(|(n, v)| (n, Value::from(v)))
            .collect::<serde_json::Map<String, Value>>(),
        "now": NOW,
        "expect": expect,
    })
}

fn untouched(_: &mut Vec<(String, String)>, _: &mut Vec<u8>) {}

fn flip_body_byte(_: &mut Vec<(String, String)>, body: &mut Vec<u8>) {
    let at = body.iter().position(|b| b.is_ascii_digit()).unwrap();
    body[at] = if body[at] == b'9' { b'8' } else { body[at] + 1 };
}

/// Changes the last character of the header `name`'s value (a hex or
/// base64 digit of the signature, or the last digit of the time or id).
fn change_header(name: &'static str) -> impl FnOnce(&mut Vec<(String, String)>, &mut Vec<u8>) {
    move |headers, _| {
        let value = &mut headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .unwrap()
            .1;
        let last = value.pop().unwrap();
        value.push(match last {
            '0' => '1',
            '=' => 'A',
            _ => '0',
        });
    }
}

/// Svix's signer writes `svix-*` names; its libraries read `webhook-*` too.
fn rename_to_webhook(headers: &mut Vec<(String, String)>, _: &mut Vec<u8>) {
    for (name, _) in headers.iter_mut() {
        if let Some(rest) = name.strip_prefix("svix-") {
            *name = format!("webhook-{rest}");
        }
    }
}

fn rename_to_svix(headers: &mut Vec<(String, String)>, _: &mut Vec<u8>) {
    for (name, _) in headers.iter_mut() {
        if let Some(rest) = name.strip_prefix("webhook-") {
            *name = format!("svix-{rest}");
        }
    }
}

/// Deliveries for every provider: its fixtures signed as it signs, a
/// rotation, short or unusual secrets, and at least one tampered delivery.
fn deliveries() -> Vec<Value> {
    let stripe = Signer::<Stripe>::new(SECRET).unwrap();
    let stripe_rotating = Signer::<Stripe>::from_secrets([OTHER_SECRET, SECRET]).unwrap();
    let stripe_sdk = Signer::<Stripe>::new("whsec_test_secret").unwrap();
    let unleeshed = Signer::<Unleeshed>::new(SECRET).unwrap();
    let sw = Signer::<StandardWebhooks>::new(SW_SECRET).unwrap();
    let sw_other = "whsec_/xWOUKLcN1wZma0+Sy5x0/g+RuiwNyEQGiudycJeSVo=";
    let sw_rotating = Signer::<StandardWebhooks>::from_secrets([SW_SECRET, sw_other]).unwrap();
    let svix = Signer::<Svix>::new(SW_SECRET).unwrap();
    let commet_secret = "whsec_c0mM3tTeStS1gN1nGs3cReTkEy0123";
    let commet = Signer::<Commet>::new(commet_secret).unwrap();
    let leadlex_secret = "whsec_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";
    let leadlex = Signer::<LeadLex>::new(leadlex_secret).unwrap();
    let github = Signer::<GitHub>::new("It's a Secret to Everybody").unwrap();
    let github_unicode = Signer::<GitHub>::new("clé secrète — 秘密").unwrap();

    let invoice = fixture("stripe/invoice.paid.json");
    let unicode = "{\"id\":\"evt_ü\",\"note\":\"Grüße — 東京 \\u00e9\",\"amount\":1099}\n"
        .as_bytes()
        .to_vec();
    let standard = fixture("standard/contact.created.json");
    let commet_body = fixture("commet/subscription.activated.json");
    let leadlex_body = fixture("leadlex/contact.created.json");
    let issues = fixture("github/issues.opened.json");

    let mut out = vec![
        delivery(
            "stripe",
            "invoice.paid",
            &stripe,
            &[SECRET],
            &invoice,
            untouched,
        ),
        delivery(
            "stripe",
            "non-ASCII body",
            &stripe,
            &[SECRET],
            &unicode,
            untouched,
        ),
        delivery(
            "stripe",
            "SDK test secret",
            &stripe_sdk,
            &["whsec_test_secret"],
            &invoice,
            untouched,
        ),
        delivery(
            "stripe",
            "rotation, receiver has the old secret",
            &stripe_rotating,
            &[OTHER_SECRET],
            &invoice,
            untouched,
        ),
        delivery(
            "stripe",
            "rotation, receiver has the new secret",
            &stripe_rotating,
            &[SECRET],
            &invoice,
            untouched,
        ),
        delivery(
            "stripe",
            "tampered body",
            &stripe,
            &[SECRET],
            &invoice,
            flip_body_byte,
        ),
        delivery(
            "stripe",
            "tampered signature",
            &stripe,
            &[SECRET],
            &invoice,
            change_header("stripe-signature"),
        ),
        delivery(
            "unleeshed",
            "creator.approved",
            &unleeshed,
            &[SECRET],
            &fixture("unleeshed/creator.approved.json"),
            untouched,
        ),
        delivery(
            "unleeshed",
            "tampered signature",
            &unleeshed,
            &[SECRET],
            &fixture("unleeshed/creator.approved.json"),
            change_header("x-unleeshed-signature"),
        ),
        delivery(
            "standard_webhooks",
            "contact.created",
            &sw,
            &[SW_SECRET],
            &standard,
            untouched,
        ),
        delivery(
            "standard_webhooks",
            "non-ASCII body",
            &sw,
            &[SW_SECRET],
            &unicode,
            untouched,
        ),
        delivery(
            "standard_webhooks",
            "rotation, receiver has the second secret",
            &sw_rotating,
            &[sw_other],
            &standard,
            untouched,
        ),
        delivery(
            "standard_webhooks",
            "tampered webhook-id",
            &sw,
            &[SW_SECRET],
            &standard,
            change_header("webhook-id"),
        ),
        delivery(
            "standard_webhooks",
            "tampered signature",
            &sw,
            &[SW_SECRET],
            &standard,
            change_header("webhook-signature"),
        ),
        delivery(
            "svix",
            "contact.created, webhook-* names",
            &svix,
            &[SW_SECRET],
            &standard,
            rename_to_webhook,
        ),
        delivery(
            "svix",
            "contact.created, svix-* names",
            &svix,
            &[SW_SECRET],
            &standard,
            rename_to_svix,
        ),
        delivery(
            "svix",
            "tampered timestamp",
            &svix,
            &[SW_SECRET],
            &standard,
            change_header("svix-timestamp"),
        ),
        delivery(
            "commet",
            "subscription.activated",
            &commet,
            &[commet_secret],
            &commet_body,
            untouched,
        ),
        delivery(
            "commet",
            "non-ASCII body",
            &commet,
            &[commet_secret],
            &unicode,
            untouched,
        ),
        delivery(
            "commet",
            "tampered body",
            &commet,
            &[commet_secret],
            &commet_body,
            flip_body_byte,
        ),
        delivery(
            "leadlex",
            "contact.created",
            &leadlex,
            &[leadlex_secret],
            &leadlex_body,
            untouched,
        ),
        delivery(
            "leadlex",
            "tampered signature",
            &leadlex,
            &[leadlex_secret],
            &leadlex_body,
            change_header("x-leadlex-signature"),
        ),
        delivery(
            "github",
            "GitHub's published example",
            &github,
            &["It's a Secret to Everybody"],
            b"Hello, World!",
            untouched,
        ),
        delivery(
            "github",
            "issues.opened",
            &github,
            &["It's a Secret to Everybody"],
            &issues,
            untouched,
        ),
        delivery(
            "github",
            "non-ASCII secret",
            &github_unicode,
            &["clé secrète — 秘密"],
            &issues,
            untouched,
        ),
        delivery(
            "github",
            "tampered body",
            &github,
            &["It's a Secret to Everybody"],
            &issues,
            flip_body_byte,
        ),
    ];
    out.extend(group_c_deliveries());
    out
}

/// The deliveries written to a file of their own, for one script run.
fn deliveries_file(tag: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "signed-webhooks-deliveries-{tag}-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, serde_json::to_vec_pretty(&deliveries()).unwrap()).unwrap();
    path
}

/// The deliveries a script must have checked: those of the providers it
/// has a library for, once per library, and all tampered ones refused.
fn expected_checks(
    skipped_provider: &str,
    libraries_per_delivery: &dyn Fn(&str) -> usize,
) -> (usize, usize) {
    let all = deliveries();
    let checked: Vec<&Value> = all
        .iter()
        .filter(|d| d["provider"] != skipped_provider)
        .filter(|d| libraries_per_delivery(d["provider"].as_str().unwrap()) > 0)
        .collect();
    let refused = checked.iter().filter(|d| d["expect"] == "refused").count();
    (checked.len(), refused)
}

/// Runs a script, or says why it could not be run.
fn run(program: &Path, script: &Path, file: &Path, install_hint: &str) -> Option<String> {
    let output = Command::new(program).arg(script).arg(file).output();
    let _ = std::fs::remove_file(file);
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            skip(
                &format!("cannot run {}: {error}", program.display()),
                install_hint,
            );
            return None;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(NOT_INSTALLED) {
        skip(stderr.trim(), install_hint);
        return None;
    }
    assert!(
        output.status.success(),
        "{} {} failed ({}):\n{stdout}\n{stderr}",
        program.display(),
        script.display(),
        output.status
    );
    Some(stdout)
}

/// Skips loudly, or fails under CI, where the libraries must be installed.
fn skip(why: &str, install_hint: &str) {
    let message = format!(
        "the providers' libraries are not available ({why}); install them with \
         `{install_hint}` (tests/vectors/install does both)"
    );
    assert!(std::env::var_os("CI").is_none(), "CI is set: {message}");
    eprintln!("\n!!! SKIPPED: {message}\n");
}

/// Every delivery got its expected verdict from every library that checked
/// it, and none was left out.
fn assert_report(
    stdout: &str,
    skipped_provider: &str,
    libraries_per_delivery: impl Fn(&str) -> usize,
) {
    assert!(!stdout.contains("FAIL"), "{stdout}");
    let all = deliveries();
    let expected: usize = all
        .iter()
        .filter(|d| d["provider"] != skipped_provider)
        .map(|d| libraries_per_delivery(d["provider"].as_str().unwrap()))
        .sum();
    let ok_lines = stdout.lines().filter(|l| l.starts_with("ok  ")).count();
    assert_eq!(ok_lines, expected, "{stdout}");
    let (_, refused) = expected_checks(skipped_provider, &libraries_per_delivery);
    let refused_lines = stdout
        .lines()
        .filter(|l| l.starts_with("ok  ") && l.contains("expected refused"))
        .count();
    assert!(refused_lines >= refused && refused >= 5, "{stdout}");
    assert!(
        stdout.contains(&format!("{expected} passed, 0 failed")),
        "{stdout}"
    );
}

#[test]
fn the_providers_python_libraries_verify_the_signer() {
    let python = std::env::var_os("PROVIDER_LIBS_PYTHON").map_or_else(
        || manifest_dir().join("target/provider-libs/venv/bin/python"),
        PathBuf::from,
    );
    if !python.exists() {
        skip(
            &format!("no interpreter at {}", python.display()),
            "python3 -m venv target/provider-libs/venv && target/provider-libs/venv/bin/pip install -r tests/vectors/requirements.txt",
        );
        return;
    }
    let script = manifest_dir().join("tests/vectors/verify_deliveries.py");
    let file = deliveries_file("python");
    let Some(stdout) = run(
        &python,
        &script,
        &file,
        "pip install -r tests/vectors/requirements.txt",
    ) else {
        return;
    };
    // GitHub publishes no Python library: left to the Node check.
    assert_report(&stdout, "github", |provider| match provider {
        "standard_webhooks" => 2,         // standardwebhooks and svix
        "workos" | "mux" | "notion" => 0, // their Node SDKs check them
        _ => 1,
    });
}

#[test]
fn the_providers_node_libraries_verify_the_signer() {
    let node =
        std::env::var_os("PROVIDER_LIBS_NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    let script = manifest_dir().join("tests/vectors/node/verify_deliveries.mjs");
    let file = deliveries_file("node");
    let Some(stdout) = run(&node, &script, &file, "npm ci --prefix tests/vectors/node") else {
        return;
    };
    // LeadLex publishes no library: its recipe is checked in Python.
    assert_report(&stdout, "leadlex", |provider| match provider {
        "standard_webhooks" => 2,
        "meta" | "xero" | "dropbox" | "sentry" => 0, // recipes, checked in Python
        _ => 1,
    });
}

/// Group C's providers: Meta, WorkOS, Mux, Notion, Sentry, Xero and Dropbox
/// (each routed to its SDK or recipe), and Clerk and Resend, which deliver
/// through Svix (routed to the svix libraries).
fn group_c_deliveries() -> Vec<Value> {
    use signed_webhooks::{Clerk, Dropbox, Meta, Mux, Notion, Resend, Sentry, WorkOs, Xero};

    let unicode = "{\"id\":\"event_ü\",\"note\":\"Grüße — 東京 \\u00e9\",\"amount\":1099}\n"
        .as_bytes()
        .to_vec();

    let meta_secret = "6f8e2a4c1b3d5e7f9a0b2c4d6e8f0a1b";
    let meta_old = "00112233445566778899aabbccddeeff";
    let meta = Signer::<Meta>::new(meta_secret).unwrap();
    let whatsapp = fixture("meta/whatsapp.messages.json");

    let workos_secret = "wh_secret_8Jq2Lz5Xv9Nc3Rb7Tf1Hk6Pm";
    let workos_old = "wh_secret_0Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh";
    let workos = Signer::<WorkOs>::new(workos_secret).unwrap();
    let user = fixture("workos/user.created.json");

    let mux_secret = "mux-wh-3q8ZkL2pX7vN5cR9tB1hJ6mF4sD0aGe";
    let mux_old = "mux-wh-old-1A2b3C4d5E6f7G8h9I0j";
    let mux = Signer::<Mux>::new(mux_secret).unwrap();
    let mux_rotating = Signer::<Mux>::from_secrets([mux_old, mux_secret]).unwrap();
    let asset = fixture("mux/video.asset.ready.json");

    let notion_token = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl";
    let notion_old = "secret_0000000000aaaaaaaaaabbbbbbbbbbccccccccccdd";
    let notion = Signer::<Notion>::new(notion_token).unwrap();
    let page = fixture("notion/page.created.json");

    let sentry_secret = "5b9f1d3e7a2c4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";
    let sentry = Signer::<Sentry>::new(sentry_secret).unwrap();
    let issue = fixture("sentry/issue.created.json");

    let xero_key =
        "OSd0eLlVIY9ZhViEqlDUh4+6n6M+Lo+eDaEJheJ6OCCgWwIz2D3JIAU6jPMipHRbgKTLz2uJ+xiACXGDBLrgdA==";
    let xero = Signer::<Xero>::new(xero_key).unwrap();
    let contact = fixture("xero/contact.create.json");

    let dropbox_secret = "k3f9a2m7q1z8x4c6";
    let dropbox = Signer::<Dropbox>::new(dropbox_secret).unwrap();
    let list_folder = fixture("dropbox/list_folder.json");

    let clerk = Signer::<Clerk>::new(SW_SECRET).unwrap();
    let sw_other = "whsec_/xWOUKLcN1wZma0+Sy5x0/g+RuiwNyEQGiudycJeSVo=";
    let clerk_rotating = Signer::<Clerk>::from_secrets([SW_SECRET, sw_other]).unwrap();
    let clerk_user = fixture("clerk/user.created.json");
    let resend = Signer::<Resend>::new(SW_SECRET).unwrap();
    let resend_rotating = Signer::<Resend>::from_secrets([sw_other, SW_SECRET]).unwrap();
    let email = fixture("resend/email.delivered.json");

    vec![
        delivery(
            "meta",
            "WhatsApp messages",
            &meta,
            &[meta_secret],
            &whatsapp,
            untouched,
        ),
        delivery(
            "meta",
            "non-ASCII body",
            &meta,
            &[meta_secret],
            &unicode,
            untouched,
        ),
        delivery(
            "meta",
            "rotation, receiver holds the old and the new app secret",
            &meta,
            &[meta_old, meta_secret],
            &whatsapp,
            untouched,
        ),
        delivery(
            "meta",
            "tampered body",
            &meta,
            &[meta_secret],
            &whatsapp,
            flip_body_byte,
        ),
        delivery(
            "workos",
            "user.created",
            &workos,
            &[workos_secret],
            &user,
            untouched,
        ),
        delivery(
            "workos",
            "non-ASCII body",
            &workos,
            &[workos_secret],
            &unicode,
            untouched,
        ),
        delivery(
            "workos",
            "rotation, receiver holds two secrets",
            &workos,
            &[workos_old, workos_secret],
            &user,
            untouched,
        ),
        delivery(
            "workos",
            "tampered signature",
            &workos,
            &[workos_secret],
            &user,
            change_header("workos-signature"),
        ),
        delivery(
            "workos",
            "tampered body",
            &workos,
            &[workos_secret],
            &user,
            flip_body_byte,
        ),
        delivery(
            "mux",
            "video.asset.ready",
            &mux,
            &[mux_secret],
            &asset,
            untouched,
        ),
        delivery(
            "mux",
            "non-ASCII body",
            &mux,
            &[mux_secret],
            &unicode,
            untouched,
        ),
        delivery(
            "mux",
            "rotation, two v1 signatures, receiver has the new secret",
            &mux_rotating,
            &[mux_secret],
            &asset,
            untouched,
        ),
        delivery(
            "mux",
            "tampered signature",
            &mux,
            &[mux_secret],
            &asset,
            change_header("mux-signature"),
        ),
        delivery(
            "notion",
            "page.created",
            &notion,
            &[notion_token],
            &page,
            untouched,
        ),
        delivery(
            "notion",
            "rotation, receiver holds two verification tokens",
            &notion,
            &[notion_old, notion_token],
            &page,
            untouched,
        ),
        delivery(
            "notion",
            "tampered body",
            &notion,
            &[notion_token],
            &page,
            flip_body_byte,
        ),
        delivery(
            "sentry",
            "issue.created",
            &sentry,
            &[sentry_secret],
            &issue,
            untouched,
        ),
        delivery(
            "sentry",
            "tampered signature",
            &sentry,
            &[sentry_secret],
            &issue,
            change_header("sentry-hook-signature"),
        ),
        delivery(
            "xero",
            "CONTACT CREATE",
            &xero,
            &[xero_key],
            &contact,
            untouched,
        ),
        delivery(
            "xero",
            "Intent to Receive",
            &xero,
            &[xero_key],
            &fixture("xero/intent_to_receive.json"),
            untouched,
        ),
        delivery(
            "xero",
            "tampered body",
            &xero,
            &[xero_key],
            &contact,
            flip_body_byte,
        ),
        delivery(
            "dropbox",
            "list_folder",
            &dropbox,
            &[dropbox_secret],
            &list_folder,
            untouched,
        ),
        delivery(
            "dropbox",
            "tampered signature",
            &dropbox,
            &[dropbox_secret],
            &list_folder,
            change_header("x-dropbox-signature"),
        ),
        delivery(
            "svix",
            "Clerk user.created",
            &clerk,
            &[SW_SECRET],
            &clerk_user,
            untouched,
        ),
        delivery(
            "svix",
            "Clerk rotation, receiver has the second secret",
            &clerk_rotating,
            &[sw_other],
            &clerk_user,
            untouched,
        ),
        delivery(
            "svix",
            "Clerk tampered svix-id",
            &clerk,
            &[SW_SECRET],
            &clerk_user,
            change_header("svix-id"),
        ),
        delivery(
            "svix",
            "Resend email.delivered",
            &resend,
            &[SW_SECRET],
            &email,
            untouched,
        ),
        delivery(
            "svix",
            "Resend rotation, receiver has the second secret",
            &resend_rotating,
            &[SW_SECRET],
            &email,
            untouched,
        ),
        delivery(
            "svix",
            "Resend tampered signature",
            &resend,
            &[SW_SECRET],
            &email,
            change_header("svix-signature"),
        ),
    ]
}

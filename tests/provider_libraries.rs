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

/// The providers verify_deliveries.py leaves to the Node check: their
/// libraries are Node's (GitHub, Linear, Zoom, Shopify, Twitch, GitLab,
/// WorkOS, Mux, Notion).
const LEFT_TO_NODE: &[&str] = &[
    "github",
    "linear",
    "zoom",
    "shopify",
    "twitch",
    "gitlab",
    "gitlab_signing_token",
    "workos",
    "mux",
    "notion",
];

/// The providers node/verify_deliveries.mjs leaves to the Python check: no
/// Node library (LeadLex; the documented recipes of Lemon Squeezy,
/// Typeform, Calendly, PagerDuty, Bitbucket, Intercom, Vercel, Meta, Xero,
/// Dropbox and Sentry), or a Python SDK (Razorpay, Paddle, Square, Twilio,
/// HubSpot, Discord's discord-interactions, SendGrid's; Standard Webhooks'
/// `v1a`, which no library verifies, by the spec's recipe with PyNaCl).
const LEFT_TO_PYTHON: &[&str] = &[
    "leadlex",
    "razorpay",
    "lemonsqueezy",
    "typeform",
    "calendly",
    "paddle",
    "pagerduty",
    "bitbucket",
    "intercom",
    "vercel",
    "meta",
    "xero",
    "dropbox",
    "sentry",
    "square",
    "twilio",
    "hubspot",
    "discord",
    "sendgrid",
    "standard_webhooks_v1a",
];

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
    out.extend(group_a_deliveries());
    out.extend(group_b_deliveries());
    out.extend(group_c_deliveries());
    out.extend(url_deliveries());
    #[cfg(all(feature = "ed25519", feature = "p256"))]
    out.extend(public_key_deliveries());
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
fn expected_checks(skipped: &[&str]) -> (usize, usize) {
    let all = deliveries();
    let checked: Vec<&Value> = all
        .iter()
        .filter(|d| !skipped.contains(&d["provider"].as_str().unwrap()))
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
fn assert_report(stdout: &str, skipped: &[&str], libraries_per_delivery: impl Fn(&str) -> usize) {
    assert!(!stdout.contains("FAIL"), "{stdout}");
    let all = deliveries();
    let expected: usize = all
        .iter()
        .filter(|d| !skipped.contains(&d["provider"].as_str().unwrap()))
        .map(|d| libraries_per_delivery(d["provider"].as_str().unwrap()))
        .sum();
    let ok_lines = stdout.lines().filter(|l| l.starts_with("ok  ")).count();
    assert_eq!(ok_lines, expected, "{stdout}");
    let (_, refused) = expected_checks(skipped);
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
    assert_report(&stdout, LEFT_TO_NODE, |provider| match provider {
        "standard_webhooks" => 2, // standardwebhooks and svix
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
    assert_report(&stdout, LEFT_TO_PYTHON, |provider| match provider {
        "standard_webhooks" => 2,
        "twitch" => 2, // twurple and Twitch's recipe
        _ => 1,
    });
}

/// Group A's providers (Zoom, Shopify, Linear, Razorpay, Lemon Squeezy,
/// Typeform, Calendly): bodies and secrets from their vector files, signed
/// by `Signer<P>`; a rotation where the receiver holds two secrets (each
/// scheme carries one signature, or the provider one at a time); and
/// tampered deliveries.
fn group_a_deliveries() -> Vec<Value> {
    /// The body and first secret of the vector `name` of `text`.
    fn from_vector(text: &str, name: &str) -> (Vec<u8>, String) {
        let document: Value = serde_json::from_str(text).unwrap();
        let vector = document["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("no vector {name:?}"));
        (
            vector["body"].as_str().unwrap().as_bytes().to_vec(),
            vector["secrets"][0].as_str().unwrap().to_owned(),
        )
    }
    /// Adds the headers a provider sends beside its signature.
    fn with_headers(mut delivery: Value, extra: &[(&str, &str)]) -> Value {
        let headers = delivery["headers"].as_object_mut().unwrap();
        for (name, value) in extra {
            headers.insert((*name).to_owned(), Value::from(*value));
        }
        delivery
    }
    const ZOOM: &str = include_str!("vectors/zoom.json");
    const SHOPIFY: &str = include_str!("vectors/shopify.json");
    const LINEAR: &str = include_str!("vectors/linear.json");
    const RAZORPAY: &str = include_str!("vectors/razorpay.json");
    const LEMONSQUEEZY: &str = include_str!("vectors/lemonsqueezy.json");
    const TYPEFORM: &str = include_str!("vectors/typeform.json");
    const CALENDLY: &str = include_str!("vectors/calendly.json");

    let (zoom_started, zoom_secret) = from_vector(ZOOM, "meeting.started");
    let (zoom_ended, _) = from_vector(ZOOM, "meeting.ended, non-ASCII topic (UTF-8)");
    let (zoom_validation, _) = from_vector(
        ZOOM,
        "endpoint.url_validation handshake: answer {plainToken, encryptedToken = hex \
         HMAC-SHA256(secret, plainToken)}",
    );
    let zoom_old = "pA7sD2fG5hJ8kL1zX4cV6b";
    let zoom = Signer::<signed_webhooks::Zoom>::new(zoom_secret.as_str()).unwrap();

    let (order, shopify_secret) = from_vector(SHOPIFY, "orders/create");
    let (uninstalled, _) = from_vector(SHOPIFY, "app/uninstalled");
    let shopify_old = "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";
    let shopify = Signer::<signed_webhooks::Shopify>::new(shopify_secret.as_str()).unwrap();
    // The SDK's validate requires these beside the HMAC.
    let shopify_headers = |topic: &'static str| {
        move |delivery: Value| {
            with_headers(
                delivery,
                &[
                    ("X-Shopify-Topic", topic),
                    ("X-Shopify-Shop-Domain", "acme-apparel.myshopify.com"),
                    ("X-Shopify-API-Version", "2025-10"),
                    (
                        "X-Shopify-Webhook-Id",
                        "67b63365-23e5-4829-a7cb-3029231a6a41",
                    ),
                ],
            )
        }
    };

    // Bodies whose `webhookTimestamp` is within the SDK's 60 s of `NOW`.
    let (issue, linear_secret) = from_vector(LINEAR, "Issue create");
    let (comment, _) = from_vector(LINEAR, "Comment create, non-ASCII text (UTF-8)");
    let linear_old = "lin_wh_previous_a1b2c3d4e5f6g7h8i9j0";
    let linear = Signer::<signed_webhooks::Linear>::new(linear_secret.as_str()).unwrap();

    let (captured, razorpay_secret) = from_vector(RAZORPAY, "payment.captured");
    let (sdk_body, sdk_secret) = from_vector(
        RAZORPAY,
        "razorpay-python's SDK test vector (payment.authorized, secret key_secret)",
    );
    let razorpay_old = "rzp_whsec_1b092f382cec636b04012847";
    let razorpay = Signer::<signed_webhooks::Razorpay>::new(razorpay_secret.as_str()).unwrap();
    let razorpay_sdk = Signer::<signed_webhooks::Razorpay>::new(sdk_secret.as_str()).unwrap();

    let (ls_order, ls_secret) = from_vector(LEMONSQUEEZY, "order_created (test mode), custom_data");
    let (ls_payment, _) = from_vector(LEMONSQUEEZY, "subscription_payment_success");
    let ls_old = "another-secret-123";
    let lemonsqueezy = Signer::<signed_webhooks::LemonSqueezy>::new(ls_secret.as_str()).unwrap();
    let lemonsqueezy_short = Signer::<signed_webhooks::LemonSqueezy>::new("abcdef").unwrap();

    let (response, typeform_secret) =
        from_vector(TYPEFORM, "form_response, non-ASCII answer (UTF-8)");
    let typeform_old = "tf-webhook-secret-old-0000";
    let typeform = Signer::<signed_webhooks::Typeform>::new(typeform_secret.as_str()).unwrap();

    let (invitee, calendly_secret) =
        from_vector(CALENDLY, "invitee.created, non-ASCII name (UTF-8)");
    let (canceled, _) = from_vector(CALENDLY, "invitee.canceled");
    let calendly_old = "cal-signing-key-old-00000000";
    let calendly = Signer::<signed_webhooks::Calendly>::new(calendly_secret.as_str()).unwrap();

    let zoom_secrets = [zoom_secret.as_str()];
    let shopify_secrets = [shopify_secret.as_str()];
    let linear_secrets = [linear_secret.as_str()];
    let razorpay_secrets = [razorpay_secret.as_str()];
    let ls_secrets = [ls_secret.as_str()];
    let typeform_secrets = [typeform_secret.as_str()];
    let calendly_secrets = [calendly_secret.as_str()];
    vec![
        delivery(
            "zoom",
            "meeting.started",
            &zoom,
            &zoom_secrets,
            &zoom_started,
            untouched,
        ),
        delivery(
            "zoom",
            "non-ASCII topic",
            &zoom,
            &zoom_secrets,
            &zoom_ended,
            untouched,
        ),
        delivery(
            "zoom",
            "endpoint.url_validation handshake",
            &zoom,
            &zoom_secrets,
            &zoom_validation,
            untouched,
        ),
        delivery(
            "zoom",
            "rotation, receiver holds two secret tokens",
            &zoom,
            &[zoom_old, zoom_secret.as_str()],
            &zoom_started,
            untouched,
        ),
        delivery(
            "zoom",
            "tampered body",
            &zoom,
            &zoom_secrets,
            &zoom_started,
            flip_body_byte,
        ),
        delivery(
            "zoom",
            "tampered timestamp",
            &zoom,
            &zoom_secrets,
            &zoom_started,
            change_header("x-zm-request-timestamp"),
        ),
        shopify_headers("orders/create")(delivery(
            "shopify",
            "orders/create",
            &shopify,
            &shopify_secrets,
            &order,
            untouched,
        )),
        shopify_headers("app/uninstalled")(delivery(
            "shopify",
            "app/uninstalled",
            &shopify,
            &shopify_secrets,
            &uninstalled,
            untouched,
        )),
        shopify_headers("orders/create")(delivery(
            "shopify",
            "rotation, receiver holds the old and the new client secret",
            &shopify,
            &[shopify_old, shopify_secret.as_str()],
            &order,
            untouched,
        )),
        shopify_headers("orders/create")(delivery(
            "shopify",
            "tampered body",
            &shopify,
            &shopify_secrets,
            &order,
            flip_body_byte,
        )),
        shopify_headers("orders/create")(delivery(
            "shopify",
            "tampered signature",
            &shopify,
            &shopify_secrets,
            &order,
            change_header("x-shopify-hmac-sha256"),
        )),
        delivery(
            "linear",
            "Issue create",
            &linear,
            &linear_secrets,
            &issue,
            untouched,
        ),
        delivery(
            "linear",
            "non-ASCII comment",
            &linear,
            &linear_secrets,
            &comment,
            untouched,
        ),
        delivery(
            "linear",
            "rotation, receiver holds the old and the new secret",
            &linear,
            &[linear_old, linear_secret.as_str()],
            &issue,
            untouched,
        ),
        delivery(
            "linear",
            "tampered body",
            &linear,
            &linear_secrets,
            &issue,
            flip_body_byte,
        ),
        delivery(
            "razorpay",
            "payment.captured",
            &razorpay,
            &razorpay_secrets,
            &captured,
            untouched,
        ),
        delivery(
            "razorpay",
            "the SDK's test body and secret",
            &razorpay_sdk,
            &[sdk_secret.as_str()],
            &sdk_body,
            untouched,
        ),
        delivery(
            "razorpay",
            "rotation, receiver holds the old and the new secret",
            &razorpay,
            &[razorpay_old, razorpay_secret.as_str()],
            &captured,
            untouched,
        ),
        delivery(
            "razorpay",
            "tampered signature",
            &razorpay,
            &razorpay_secrets,
            &captured,
            change_header("x-razorpay-signature"),
        ),
        delivery(
            "lemonsqueezy",
            "order_created",
            &lemonsqueezy,
            &ls_secrets,
            &ls_order,
            untouched,
        ),
        delivery(
            "lemonsqueezy",
            "subscription_payment_success, six-character secret",
            &lemonsqueezy_short,
            &["abcdef"],
            &ls_payment,
            untouched,
        ),
        delivery(
            "lemonsqueezy",
            "rotation, receiver holds two secrets",
            &lemonsqueezy,
            &[ls_old, ls_secret.as_str()],
            &ls_order,
            untouched,
        ),
        delivery(
            "lemonsqueezy",
            "tampered body",
            &lemonsqueezy,
            &ls_secrets,
            &ls_order,
            flip_body_byte,
        ),
        delivery(
            "typeform",
            "form_response",
            &typeform,
            &typeform_secrets,
            &response,
            untouched,
        ),
        delivery(
            "typeform",
            "rotation, receiver holds two secrets",
            &typeform,
            &[typeform_old, typeform_secret.as_str()],
            &response,
            untouched,
        ),
        delivery(
            "typeform",
            "tampered signature",
            &typeform,
            &typeform_secrets,
            &response,
            change_header("typeform-signature"),
        ),
        delivery(
            "calendly",
            "invitee.created",
            &calendly,
            &calendly_secrets,
            &invitee,
            untouched,
        ),
        delivery(
            "calendly",
            "invitee.canceled",
            &calendly,
            &calendly_secrets,
            &canceled,
            untouched,
        ),
        delivery(
            "calendly",
            "rotation, receiver holds two signing keys",
            &calendly,
            &[calendly_old, calendly_secret.as_str()],
            &invitee,
            untouched,
        ),
        delivery(
            "calendly",
            "tampered signature",
            &calendly,
            &calendly_secrets,
            &invitee,
            change_header("calendly-webhook-signature"),
        ),
    ]
}

/// Group B's providers (PagerDuty, Paddle, Twitch, Bitbucket, Intercom,
/// Vercel, GitLab and its signing token): each signed by `Signer<P>`, fresh,
/// with a rotation where the scheme carries several signatures (PagerDuty's
/// `v1=…,v1=…`, Paddle's `h1=…;h1=…`) or the receiver holds two secrets,
/// and tampered deliveries the libraries must refuse.
fn group_b_deliveries() -> Vec<Value> {
    use signed_webhooks::{Bitbucket, GitLab, Paddle, PagerDuty, Twitch};

    /// As `delivery`, with the delivery id given (Twitch's are UUIDs, and
    /// GitLab's `Idempotency-Key`) and the unsigned headers the provider
    /// sends beside the signature.
    fn with_id<P: Provider>(
        provider: &str,
        name: &str,
        signer: &Signer<P>,
        receiver_secrets: &[&str],
        body: &[u8],
        (id, unsigned): (&str, &[(&str, &str)]),
        tamper: impl FnOnce(&mut Vec<(String, String)>, &mut Vec<u8>),
    ) -> Value {
        let mut headers: Vec<(String, String)> = signer
            .sign_with_id(body, NOW, id)
            .iter()
            .chain(unsigned.iter().copied())
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let mut body = body.to_vec();
        let before = (headers.clone(), body.clone());
        tamper(&mut headers, &mut body);
        let expect = if (headers.clone(), body.clone()) == before {
            "accepted"
        } else {
            "refused"
        };
        json!({
            "provider": provider,
            "name": format!("{provider}: {name}"),
            "secrets": receiver_secrets,
            "body": String::from_utf8(body).unwrap(),
            "headers": headers
                .into_iter()
                .map(|(n, v)| (n, Value::from(v)))
                .collect::<serde_json::Map<String, Value>>(),
            "now": NOW,
            "expect": expect,
        })
    }

    let pagerduty_secret = "pd-webhook-secret-6c2e8a4f0b1d3e5a7c9e1f3b5d7a9c0e";
    let pagerduty_old = "pd-webhook-secret-old-1111111111111111";
    let pagerduty = Signer::<PagerDuty>::new(pagerduty_secret).unwrap();
    let pagerduty_rotating =
        Signer::<PagerDuty>::from_secrets([pagerduty_old, pagerduty_secret]).unwrap();
    let incident = br#"{"event":{"id":"01DEN10IA8RF2SMOZ09XZVPBV2","event_type":"incident.triggered","resource_type":"incident","occurred_at":"2026-09-21T14:13:18.123Z","agent":null,"client":null,"data":{"id":"PGR0VU2","type":"incident","number":2,"status":"triggered","title":"Base de donn\u00e9es indisponible \u2014 caf\u00e9","urgency":"high"}}}"#;

    let paddle_secret = "pdl_ntfset_01hvomunnew3bkhlpxrleiooha_z4H+ALq1VT4c7F+HyLGisgBBe4WT7lZa";
    let paddle_old = "pdl_ntfset_01hvomunnew3bkhlpxrleiooha_QulsHBuqUL/azI5v3mm6pHjzYaGjEtqA";
    let paddle = Signer::<Paddle>::new(paddle_secret).unwrap();
    let paddle_rotating = Signer::<Paddle>::from_secrets([paddle_secret, paddle_old]).unwrap();
    let transaction = "{\"event_id\":\"evt_01k5xq3n8b2c4d6e8f0g2h4j6k\",\"event_type\":\"transaction.completed\",\"occurred_at\":\"2026-09-21T14:13:18.734512Z\",\"notification_id\":\"ntf_01k5xq3nb9c1d3e5f7g9h1j3k5\",\"data\":{\"id\":\"txn_01k5xq2w4e6r8t0y2u4i6o8p0a\",\"status\":\"completed\",\"currency_code\":\"EUR\",\"customer\":\"Zoë Ångström\",\"total\":\"1099\"}}".as_bytes();

    let twitch_secret = "eventsub-secret-5c9e1a7f3b2d8e4a";
    let twitch_old = "eventsub-secret-0f1e2d3c4b5a6978";
    let twitch = Signer::<Twitch>::new(twitch_secret).unwrap();
    let stream_online = br#"{"subscription":{"id":"7831a818-7104-49d9-af81-e4616edc3fd0","status":"enabled","type":"stream.online","version":"1","condition":{"broadcaster_user_id":"1337"},"transport":{"method":"webhook","callback":"https://example.com/webhooks/twitch"},"created_at":"2026-09-20T08:00:00.123456789Z","cost":0},"event":{"id":"9001","broadcaster_user_id":"1337","broadcaster_user_login":"cool_user","broadcaster_user_name":"Cool_User","type":"live","started_at":"2026-09-21T14:13:10.123456789Z"}}"#;
    let twitch_id = "ff54a27d-cf59-4862-aebf-32a6bdf21866";
    let notification: &[(&str, &str)] = &[
        ("Twitch-Eventsub-Message-Type", "notification"),
        ("Twitch-Eventsub-Message-Retry", "0"),
        ("Twitch-Eventsub-Subscription-Type", "stream.online"),
        ("Twitch-Eventsub-Subscription-Version", "1"),
    ];

    let bitbucket_secret = "bb-webhook-secret-7d3f9a1c5e2b8d4f";
    let bitbucket = Signer::<Bitbucket>::new(bitbucket_secret).unwrap();
    let push = "{\"actor\":{\"type\":\"user\",\"display_name\":\"Émilie Dupont\"},\"repository\":{\"type\":\"repository\",\"full_name\":\"acme/widgets\"},\"push\":{\"changes\":[{\"new\":{\"type\":\"branch\",\"name\":\"main\"},\"forced\":false,\"truncated\":false}]},\"commits\":1}".as_bytes();

    let gitlab_token = "glwt-3f9a1c7e5b2d8e4a6c0f";
    let gitlab = Signer::<GitLab>::new(gitlab_token).unwrap();
    let gitlab_signing_token = "whsec_lfhCEQ6Ivb7rm9Arwty7uWCpn+xZSUSUI2l6Q836X0c=";
    let gitlab_signed = Signer::<StandardWebhooks>::new(gitlab_signing_token).unwrap();
    let gitlab_push = "{\"object_kind\":\"push\",\"event_name\":\"push\",\"ref\":\"refs/heads/main\",\"project_id\":15,\"commits\":[{\"id\":\"da1560886d4f094c3e6c9ef40349f7d38b5d27d7\",\"message\":\"Fix the café menu ☕\\n\"}],\"total_commits_count\":1}".as_bytes();
    let idempotency_key = "52ff0772-e5d8-4c8d-a77f-39d4409c59e1";
    let push_hook: &[(&str, &str)] = &[
        ("X-Gitlab-Event", "Push Hook"),
        ("Idempotency-Key", idempotency_key),
    ];

    let mut out = vec![
        delivery(
            "pagerduty",
            "incident.triggered",
            &pagerduty,
            &[pagerduty_secret],
            incident,
            untouched,
        ),
        delivery(
            "pagerduty",
            "rotation: two v1, receiver has the old secret",
            &pagerduty_rotating,
            &[pagerduty_old],
            incident,
            untouched,
        ),
        delivery(
            "pagerduty",
            "rotation: two v1, receiver has the new secret",
            &pagerduty_rotating,
            &[pagerduty_secret],
            incident,
            untouched,
        ),
        delivery(
            "pagerduty",
            "tampered body",
            &pagerduty,
            &[pagerduty_secret],
            incident,
            flip_body_byte,
        ),
        delivery(
            "paddle",
            "transaction.completed",
            &paddle,
            &[paddle_secret],
            transaction,
            untouched,
        ),
        delivery(
            "paddle",
            "rotation: two h1, receiver has the old secret",
            &paddle_rotating,
            &[paddle_old],
            transaction,
            untouched,
        ),
        delivery(
            "paddle",
            "tampered body",
            &paddle,
            &[paddle_secret],
            transaction,
            flip_body_byte,
        ),
        delivery(
            "paddle",
            "tampered signature",
            &paddle,
            &[paddle_secret],
            transaction,
            change_header("paddle-signature"),
        ),
        with_id(
            "twitch",
            "notification stream.online",
            &twitch,
            &[twitch_secret],
            stream_online,
            (twitch_id, notification),
            untouched,
        ),
        with_id(
            "twitch",
            "receiver holds two secrets",
            &twitch,
            &[twitch_old, twitch_secret],
            stream_online,
            (twitch_id, notification),
            untouched,
        ),
        with_id(
            "twitch",
            "tampered message id",
            &twitch,
            &[twitch_secret],
            stream_online,
            (twitch_id, notification),
            change_header("twitch-eventsub-message-id"),
        ),
        with_id(
            "twitch",
            "tampered body",
            &twitch,
            &[twitch_secret],
            stream_online,
            (twitch_id, notification),
            flip_body_byte,
        ),
        with_id(
            "bitbucket",
            "repo:push, UTF-8",
            &bitbucket,
            &[bitbucket_secret],
            push,
            ("", &[("X-Event-Key", "repo:push")]),
            untouched,
        ),
        delivery(
            "bitbucket",
            "receiver holds two secrets",
            &bitbucket,
            &["bb-webhook-secret-old-000000000", bitbucket_secret],
            push,
            untouched,
        ),
        delivery(
            "bitbucket",
            "tampered signature",
            &bitbucket,
            &[bitbucket_secret],
            push,
            change_header("x-hub-signature"),
        ),
        with_id(
            "gitlab",
            "Push Hook",
            &gitlab,
            &[gitlab_token],
            gitlab_push,
            ("", push_hook),
            untouched,
        ),
        delivery(
            "gitlab",
            "receiver holds the old and the new token",
            &gitlab,
            &["glwt-old-0123456789abcdef", gitlab_token],
            gitlab_push,
            untouched,
        ),
        delivery(
            "gitlab",
            "tampered token",
            &gitlab,
            &[gitlab_token],
            gitlab_push,
            change_header("x-gitlab-token"),
        ),
        with_id(
            "gitlab_signing_token",
            "Push Hook",
            &gitlab_signed,
            &[gitlab_signing_token],
            gitlab_push,
            (idempotency_key, push_hook),
            untouched,
        ),
        with_id(
            "gitlab_signing_token",
            "tampered body",
            &gitlab_signed,
            &[gitlab_signing_token],
            gitlab_push,
            (idempotency_key, push_hook),
            flip_body_byte,
        ),
    ];
    #[cfg(feature = "sha1")]
    {
        use signed_webhooks::{Intercom, Vercel};
        let intercom_secret = "9a3f1c7e5b2d8e4a6c0f1b3d5e7a9c2e";
        let intercom = Signer::<Intercom>::new(intercom_secret).unwrap();
        let conversation = "{\"type\":\"notification_event\",\"app_id\":\"ecahpwf5\",\"data\":{\"type\":\"notification_event_data\",\"item\":{\"type\":\"conversation\",\"id\":\"147\",\"body\":\"Bonjour, où est ma commande ?\"}},\"id\":\"notif_ccd8a4d2-c1a7-4e3a-8f1b-2d6e0c9a7b11\",\"topic\":\"conversation.user.created\",\"delivery_attempts\":1,\"first_sent_at\":1789999999,\"created_at\":1789999998}".as_bytes();
        let vercel_secret = "vercel-wh-Zk3X9qLm2Vn8Rb4Tc7Hd1Jf6";
        let vercel = Signer::<Vercel>::new(vercel_secret).unwrap();
        let deployment = br#"{"id":"uev_1a2b3c4d5e6f7g8h9i0j","type":"deployment.created","createdAt":1789999998500,"region":"cdg1","payload":{"deployment":{"id":"dpl_2euZBFqxYdDMDG1jTrHFnNZ2eUVa","name":"my-app"},"target":"production"}}"#;
        out.extend([
            delivery(
                "intercom",
                "conversation.user.created, UTF-8",
                &intercom,
                &[intercom_secret],
                conversation,
                untouched,
            ),
            delivery(
                "intercom",
                "receiver holds two secrets",
                &intercom,
                &["0123456789abcdef0123456789abcdef", intercom_secret],
                conversation,
                untouched,
            ),
            delivery(
                "intercom",
                "tampered body",
                &intercom,
                &[intercom_secret],
                conversation,
                flip_body_byte,
            ),
            delivery(
                "vercel",
                "deployment.created",
                &vercel,
                &[vercel_secret],
                deployment,
                untouched,
            ),
            delivery(
                "vercel",
                "receiver holds two secrets",
                &vercel,
                &["vercel-wh-old-0000000000000000", vercel_secret],
                deployment,
                untouched,
            ),
            delivery(
                "vercel",
                "tampered signature",
                &vercel,
                &[vercel_secret],
                deployment,
                change_header("x-vercel-signature"),
            ),
        ]);
    }
    out
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

/// The providers that sign the URL they call (Square, Twilio, HubSpot):
/// bodies and secrets from their vector files, signed by
/// `Signer::<P>::for_url`, with the URL (and HubSpot's method, Twilio's
/// form fields) the SDKs are given; a rotation, and tampered deliveries.
#[cfg(feature = "sha1")]
fn url_deliveries() -> Vec<Value> {
    use signed_webhooks::{HubSpot, Square, Twilio};

    fn vector(text: &str, name: &str) -> Value {
        let document: Value = serde_json::from_str(text).unwrap();
        document["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("no vector {name:?}"))
            .clone()
    }
    /// Adds the request's URL (and method, form) to a delivery.
    fn at(mut delivery: Value, url: &str, form: bool) -> Value {
        delivery["url"] = Value::from(url);
        delivery["method"] = Value::from("POST");
        if form {
            let headers = delivery["headers"].as_object_mut().unwrap();
            headers.insert(
                "Content-Type".into(),
                Value::from("application/x-www-form-urlencoded"),
            );
            delivery["form"] = support::form_fields(delivery["body"].as_str().unwrap());
        }
        delivery
    }
    const SQUARE: &str = include_str!("vectors/square.json");
    const TWILIO: &str = include_str!("vectors/twilio.json");
    const HUBSPOT: &str = include_str!("vectors/hubspot.json");

    let square_url = "https://hooks.example.com/webhooks/square?tenant=acme";
    let payment = vector(SQUARE, "payment.updated");
    let square_key = payment["secrets"][0].as_str().unwrap();
    let square_old = "7-Q6SLzxopSeOavKaySu3w";
    let square = Signer::<Square>::for_url(square_url, square_key).unwrap();
    let payment = payment["body"].as_str().unwrap().as_bytes();
    let customer = vector(SQUARE, "customer.created, non-ASCII names");
    let customer = customer["body"].as_str().unwrap().as_bytes();

    let sms = vector(TWILIO, "incoming SMS, query string in the URL");
    let twilio_token = sms["secrets"][0].as_str().unwrap();
    let twilio_old = "28fdc85df581b9148798d5445566bc9e";
    let sms_url = "https://hooks.example.com/twilio/sms?tenant=acme&region=eu";
    let twilio = Signer::<Twilio>::for_url(sms_url, twilio_token).unwrap();
    let sms = sms["body"].as_str().unwrap().as_bytes();
    let unicode = vector(TWILIO, "non-ASCII message body and a media URL");
    let unicode = unicode["body"].as_str().unwrap().as_bytes();
    let json_event = vector(TWILIO, "JSON body, bodySHA256 in the query string");
    let json_body = json_event["body"].as_str().unwrap().as_bytes();
    let json_url = format!(
        "https://hooks.example.com/twilio/events?bodySHA256={}",
        json_event["url"]
            .as_str()
            .unwrap()
            .split_once("bodySHA256=")
            .unwrap()
            .1
    );
    let twilio_json = Signer::<Twilio>::for_url(&json_url, twilio_token).unwrap();

    let batch = vector(
        HUBSPOT,
        "webhook batch: contact.propertyChange and deal.creation",
    );
    let hubspot_secret = batch["secrets"][0].as_str().unwrap();
    let hubspot_old = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";
    let batch = batch["body"].as_str().unwrap().as_bytes();
    let hubspot_url = "https://hooks.example.com/hubspot/webhooks";
    let hubspot = Signer::<HubSpot>::for_url(hubspot_url, hubspot_secret).unwrap();
    // HubSpot signs the URI with its listed escapes decoded; the script
    // decodes them as HubSpot's docs say before calling the SDK.
    let escaped_url = "https://hooks.example.com/hubspot/webhooks?tags=a%2Cb&next=%2Fhome%3Fx%3A1";
    let hubspot_escaped = Signer::<HubSpot>::for_url(escaped_url, hubspot_secret).unwrap();

    vec![
        at(
            delivery(
                "square",
                "payment.updated",
                &square,
                &[square_key],
                payment,
                untouched,
            ),
            square_url,
            false,
        ),
        at(
            delivery(
                "square",
                "customer.created, non-ASCII",
                &square,
                &[square_key],
                customer,
                untouched,
            ),
            square_url,
            false,
        ),
        at(
            delivery(
                "square",
                "rotation, receiver holds the old and the new key",
                &square,
                &[square_old, square_key],
                payment,
                untouched,
            ),
            square_url,
            false,
        ),
        at(
            delivery(
                "square",
                "tampered body",
                &square,
                &[square_key],
                payment,
                flip_body_byte,
            ),
            square_url,
            false,
        ),
        at(
            delivery(
                "twilio",
                "incoming SMS",
                &twilio,
                &[twilio_token],
                sms,
                untouched,
            ),
            sms_url,
            true,
        ),
        at(
            delivery(
                "twilio",
                "non-ASCII SMS and a media URL",
                &twilio,
                &[twilio_token],
                unicode,
                untouched,
            ),
            sms_url,
            true,
        ),
        at(
            delivery(
                "twilio",
                "rotation, receiver holds the secondary and the primary token",
                &twilio,
                &[twilio_old, twilio_token],
                sms,
                untouched,
            ),
            sms_url,
            true,
        ),
        at(
            delivery(
                "twilio",
                "tampered field",
                &twilio,
                &[twilio_token],
                sms,
                flip_body_byte,
            ),
            sms_url,
            true,
        ),
        at(
            delivery(
                "twilio",
                "JSON body with bodySHA256",
                &twilio_json,
                &[twilio_token],
                json_body,
                untouched,
            ),
            &json_url,
            false,
        ),
        at(
            delivery(
                "twilio",
                "JSON body tampered",
                &twilio_json,
                &[twilio_token],
                json_body,
                flip_body_byte,
            ),
            &json_url,
            false,
        ),
        at(
            delivery(
                "hubspot",
                "webhook batch",
                &hubspot,
                &[hubspot_secret],
                batch,
                untouched,
            ),
            hubspot_url,
            false,
        ),
        at(
            delivery(
                "hubspot",
                "rotation, receiver holds two client secrets",
                &hubspot,
                &[hubspot_old, hubspot_secret],
                batch,
                untouched,
            ),
            hubspot_url,
            false,
        ),
        at(
            delivery(
                "hubspot",
                "URL with escapes HubSpot decodes",
                &hubspot_escaped,
                &[hubspot_secret],
                batch,
                untouched,
            ),
            escaped_url,
            false,
        ),
        at(
            delivery(
                "hubspot",
                "timestamp changed",
                &hubspot,
                &[hubspot_secret],
                batch,
                change_header("x-hubspot-request-timestamp"),
            ),
            hubspot_url,
            false,
        ),
    ]
}

/// Twilio's preset needs feature `sha1`: without it, no URL deliveries.
#[cfg(not(feature = "sha1"))]
fn url_deliveries() -> Vec<Value> {
    Vec::new()
}
/// The public-key schemes (Discord, SendGrid, Standard Webhooks `v1a`):
/// `Signer<P>` given the private keys of the vector files' `signing_keys`,
/// the receivers given the public keys, as the providers show them;
/// checked by discord-interactions (PyNaCl), sendgrid's `EventWebhook`
/// (cryptography) and the `v1a` recipe (PyNaCl).
#[cfg(all(feature = "ed25519", feature = "p256"))]
fn public_key_deliveries() -> Vec<Value> {
    use signed_webhooks::{Discord, SendGrid};

    /// The file's key pairs, public key first, in the file's order.
    fn key_pairs(text: &str) -> Vec<(String, String)> {
        let document: Value = serde_json::from_str(text).unwrap();
        document["signing_keys"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(public, private)| (public.clone(), private.as_str().unwrap().to_owned()))
            .collect()
    }
    let discord_keys = key_pairs(include_str!("vectors/discord.json"));
    let sendgrid_keys = key_pairs(include_str!("vectors/sendgrid.json"));
    let v1a_keys = key_pairs(include_str!("vectors/standard_webhooks_v1a.json"));
    let [
        (discord_public, discord_seed),
        (discord_other, discord_other_seed),
    ] = [&discord_keys[0], &discord_keys[1]].map(|(a, b)| (a.as_str(), b.as_str()));
    let [
        (sendgrid_public, sendgrid_private),
        (sendgrid_other, sendgrid_other_private),
    ] = [&sendgrid_keys[0], &sendgrid_keys[1]].map(|(a, b)| (a.as_str(), b.as_str()));
    let [(v1a_public, v1a_private), (v1a_other, v1a_other_private)] =
        [&v1a_keys[0], &v1a_keys[1]].map(|(a, b)| (a.as_str(), b.as_str()));

    let discord = Signer::<Discord>::new(discord_seed).unwrap();
    let discord_second_app = Signer::<Discord>::new(discord_other_seed).unwrap();
    let ping = br#"{"type":1}"#;
    let command = "{\"app_permissions\":\"2248473465835073\",\"application_id\":\"1281634752438747218\",\"channel_id\":\"1281634976938868766\",\"data\":{\"id\":\"1281637166575661107\",\"name\":\"greet\",\"type\":1,\"options\":[{\"name\":\"who\",\"type\":3,\"value\":\"Zoë Ångström — naïve café\"}]},\"guild_id\":\"1281634975983374356\",\"id\":\"1287402967823593523\",\"token\":\"aW50ZXJhY3Rpb246MTI4NzQwMjk2NzgyMzU5MzUyMzp0ZXN0\",\"type\":2,\"version\":1}".as_bytes();

    let sendgrid = Signer::<SendGrid>::new(sendgrid_private).unwrap();
    let sendgrid_new = Signer::<SendGrid>::new(sendgrid_other_private).unwrap();
    let batch = "[{\"email\":\"zoe@example.com\",\"timestamp\":1789999959,\"smtp-id\":\"<14c5d75ce93.dfd.64b469@ismtpd-555>\",\"event\":\"processed\",\"category\":[\"receipts\"],\"sg_event_id\":\"rbtnWrG1DVDGGGFHFyun0A==\",\"sg_message_id\":\"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0\"},{\"email\":\"zoe@example.com\",\"timestamp\":1789999994,\"event\":\"click\",\"url\":\"https://example.com/café\",\"sg_event_id\":\"Q2xpY2tFdmVudElkMDAwMQ==\",\"sg_message_id\":\"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0\"}]\r\n".as_bytes();

    let v1a = Signer::<StandardWebhooks>::new(v1a_private).unwrap();
    let v1a_rotating =
        Signer::<StandardWebhooks>::from_secrets([v1a_private, v1a_other_private]).unwrap();
    let invoice = br#"{"type":"invoice.paid","timestamp":"2026-09-21T14:13:19.000Z","data":{"id":"inv_4f9a2c","amount":4200,"currency":"USD"}}"#;

    vec![
        delivery(
            "discord",
            "PING",
            &discord,
            &[discord_public],
            ping,
            untouched,
        ),
        delivery(
            "discord",
            "APPLICATION_COMMAND, non-ASCII option",
            &discord,
            &[discord_public],
            command,
            untouched,
        ),
        delivery(
            "discord",
            "receiver holds two applications' keys, the second signed",
            &discord_second_app,
            &[discord_public, discord_other],
            command,
            untouched,
        ),
        // Signed by another application: nothing was changed, and the
        // receiver must still refuse it.
        {
            let mut foreign = delivery(
                "discord",
                "another application's key",
                &discord_second_app,
                &[discord_public],
                command,
                untouched,
            );
            foreign["expect"] = "refused".into();
            foreign
        },
        delivery(
            "discord",
            "tampered body",
            &discord,
            &[discord_public],
            command,
            flip_body_byte,
        ),
        delivery(
            "discord",
            "tampered timestamp",
            &discord,
            &[discord_public],
            ping,
            change_header("x-signature-timestamp"),
        ),
        delivery(
            "sendgrid",
            "processed and click, CRLF-terminated batch",
            &sendgrid,
            &[sendgrid_public],
            batch,
            untouched,
        ),
        delivery(
            "sendgrid",
            "rotation, receiver holds the old and the new key",
            &sendgrid_new,
            &[sendgrid_public, sendgrid_other],
            batch,
            untouched,
        ),
        delivery(
            "sendgrid",
            "tampered body",
            &sendgrid,
            &[sendgrid_public],
            batch,
            flip_body_byte,
        ),
        delivery(
            "sendgrid",
            "tampered timestamp",
            &sendgrid,
            &[sendgrid_public],
            batch,
            change_header("x-twilio-email-event-webhook-timestamp"),
        ),
        delivery(
            "standard_webhooks_v1a",
            "invoice.paid",
            &v1a,
            &[v1a_public],
            invoice,
            untouched,
        ),
        delivery(
            "standard_webhooks_v1a",
            "two v1a signatures, receiver has the second key",
            &v1a_rotating,
            &[v1a_other],
            invoice,
            untouched,
        ),
        delivery(
            "standard_webhooks_v1a",
            "tampered webhook-id",
            &v1a,
            &[v1a_public],
            invoice,
            change_header("webhook-id"),
        ),
        delivery(
            "standard_webhooks_v1a",
            "tampered body",
            &v1a,
            &[v1a_public],
            invoice,
            flip_body_byte,
        ),
    ]
}

//! Every preset the crate has, in one table (mounted as `crate::presets`), for the tests that must cover
//! them all (`tests/no_alloc.rs`, `tests/e2e.rs`): its route name, its
//! type, a sample body, the key a verifier takes and the key a signer
//! takes, and the unsigned headers its event type reads.
//!
//! The table cannot miss a preset silently:
//! `no_alloc::the_preset_table_names_every_preset` compares [`ALL`] with the
//! `impl Provider for …` blocks of `src/providers/*.rs`.
//!
//! Samples are paths under `tests/`: a fixture, or `vectors/<file>.json#<n>`
//! for the body of a provider's conformance vector (the presets whose
//! events have no fixture: Square, Twilio, HubSpot, Discord, SendGrid).
#![allow(dead_code, unused_macros)]

use std::path::PathBuf;

use signed_webhooks::{Provider, TimeFormat};

/// A secret every HMAC and token preset takes.
pub const HMAC_SECRET: &str = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
/// Standard Webhooks' shape (`whsec_<base64>`), for it, Svix, Clerk and Resend.
pub const SW_SECRET: &str = "whsec_MwYydWTIAY4akAkEnQ6YwPCkkNQMXIU1GhspSzVpbHQ=";
/// Discord's test key pair (tests/vectors/discord.json `signing_keys`):
/// the public key in hex, the seed in hex.
pub const DISCORD_PUBLIC: &str = "a968e5e34c12a9448b6b205d873461cc2a99cae1ac12565562fd324f70211374";
pub const DISCORD_SEED: &str = "521b7f17ce2ce24abfb2fde2036512736179d1604230222d9a11258958ad30cb";
/// SendGrid's test key pair (tests/vectors/sendgrid.json `signing_keys`):
/// base64 DER, SubjectPublicKeyInfo and PKCS#8.
pub const SENDGRID_PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEK6eAK36Mn4GX/c/85Bk19kwx5J7PM2gRYWTybKxFdauwqLx2gKGZbDQL8mlNGiCw6Rn+eNWiSjSwAMR3pchKiQ==";
pub const SENDGRID_PRIVATE: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0rZepRAdVRkDQ7EK1JJI0yzI4VUFuDTpkesfv+sIDoqhRANCAAQrp4ArfoyfgZf9z/zkGTX2TDHkns8zaBFhZPJsrEV1q7CovHaAoZlsNAvyaU0aILDpGf541aJKNLAAxHelyEqJ";

/// Calls `$callback! { rows }` with one row per preset:
/// `#[cfg(…)]* "name" => Type, "sample", verify_key, sign_key, [(header, value), …];`.
/// A row's `cfg` is the feature its preset needs.
macro_rules! every_preset {
    ($callback:ident) => {
        $callback! {
            "unleeshed" => Unleeshed, "fixtures/unleeshed/creator.approved.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "exchange" => Exchange, "fixtures/exchange/order.created.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "stripe" => Stripe, "fixtures/stripe/invoice.paid.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "commet" => Commet, "fixtures/commet/subscription.activated.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "leadlex" => LeadLex, "fixtures/leadlex/contact.created.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "github" => GitHub, "fixtures/github/issues.opened.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET,
                [("x-github-event", "issues")];
            #[cfg(feature = "standard-webhooks")]
            "standard" => StandardWebhooks, "fixtures/standard/contact.created.json", crate::presets::SW_SECRET, crate::presets::SW_SECRET, [];
            #[cfg(feature = "standard-webhooks")]
            "svix" => Svix, "fixtures/standard/contact.created.json", crate::presets::SW_SECRET, crate::presets::SW_SECRET, [];
            "slack" => Slack, "fixtures/slack/app_mention.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            #[cfg(feature = "base64")]
            "shopify" => Shopify, "fixtures/shopify/orders-create.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET,
                [("x-shopify-topic", "orders/create")];
            "paddle" => Paddle, "fixtures/paddle/transaction.completed.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "zoom" => Zoom, "fixtures/zoom/meeting.started.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "linear" => Linear, "fixtures/linear/Issue.create.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            #[cfg(feature = "sha1")]
            "intercom" => Intercom, "fixtures/intercom/conversation.user.created.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "razorpay" => Razorpay, "fixtures/razorpay/payment.authorized.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "lemonsqueezy" => LemonSqueezy, "fixtures/lemonsqueezy/order_created.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            #[cfg(feature = "base64")]
            "typeform" => Typeform, "fixtures/typeform/form_response.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "calendly" => Calendly, "fixtures/calendly/invitee.created.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "pagerduty" => PagerDuty, "fixtures/pagerduty/incident.triggered.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            #[cfg(feature = "sha1")]
            "vercel" => Vercel, "fixtures/vercel/deployment.created.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "twitch" => Twitch, "fixtures/twitch/stream.online.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "gitlab" => GitLab, "fixtures/gitlab/push-hook.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET,
                [("x-gitlab-event", "Push Hook")];
            "bitbucket" => Bitbucket, "fixtures/bitbucket/repo-push.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET,
                [("x-event-key", "repo:push")];
            "meta" => Meta, "fixtures/meta/whatsapp.messages.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "workos" => WorkOs, "fixtures/workos/user.created.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "mux" => Mux, "fixtures/mux/video.asset.ready.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "notion" => Notion, "fixtures/notion/page.created.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "sentry" => Sentry, "fixtures/sentry/issue.created.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET,
                [("sentry-hook-resource", "issue")];
            #[cfg(feature = "base64")]
            "xero" => Xero, "fixtures/xero/contact.create.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            "dropbox" => Dropbox, "fixtures/dropbox/list_folder.json", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            #[cfg(feature = "standard-webhooks")]
            "clerk" => Clerk, "fixtures/clerk/user.created.json", crate::presets::SW_SECRET, crate::presets::SW_SECRET, [];
            #[cfg(feature = "standard-webhooks")]
            "resend" => Resend, "fixtures/resend/email.delivered.json", crate::presets::SW_SECRET, crate::presets::SW_SECRET, [];
            #[cfg(feature = "base64")]
            "square" => Square, "vectors/square.json#1", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            #[cfg(all(feature = "sha1", feature = "base64"))]
            "twilio" => Twilio, "vectors/twilio.json#1", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET,
                [("content-type", "application/x-www-form-urlencoded")];
            #[cfg(feature = "base64")]
            "hubspot" => HubSpot, "vectors/hubspot.json#0", crate::presets::HMAC_SECRET, crate::presets::HMAC_SECRET, [];
            #[cfg(feature = "ed25519")]
            "discord" => Discord, "vectors/discord.json#2", crate::presets::DISCORD_PUBLIC, crate::presets::DISCORD_SEED, [];
            #[cfg(feature = "p256")]
            "sendgrid" => SendGrid, "vectors/sendgrid.json#1", crate::presets::SENDGRID_PUBLIC, crate::presets::SENDGRID_PRIVATE, [];
        }
    };
}

/// The type names of the table's presets, whatever features are on.
macro_rules! names {
    ($($(#[$meta:meta])* $name:literal => $preset:ident, $sample:literal, $verify_key:expr, $sign_key:expr, [$($header:tt)*];)+) => {
        &[$(stringify!($preset)),+]
    };
}
/// Every preset type the table names.
pub const ALL: &[&str] = every_preset!(names);

/// The raw bytes of a sample: `tests/<path>`, or the body of vector `n`
/// of `tests/vectors/<file>.json` for `vectors/<file>.json#<n>`.
pub fn sample(spec: &str) -> Vec<u8> {
    let tests = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let (path, vector) = match spec.split_once('#') {
        Some((path, n)) => (path, Some(n.parse::<usize>().unwrap())),
        None => (spec, None),
    };
    let bytes = std::fs::read(tests.join(path)).unwrap_or_else(|e| panic!("{spec}: {e}"));
    match vector {
        None => bytes,
        Some(n) => {
            let file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let body = file["vectors"][n]["body"].as_str().unwrap();
            body.as_bytes().to_vec()
        }
    }
}

/// `body` with the time a scheme reads from the body (Commet's and
/// LeadLex's `timestamp`, Linear's `webhookTimestamp`) set to `at`, so
/// that a fixture emitted long ago verifies now; other bodies as they are.
pub fn fresh<P: Provider>(body: &[u8], at: i64) -> Vec<u8> {
    let scheme = P::scheme();
    let Some((field, _)) = scheme.body_timestamp() else {
        return body.to_vec();
    };
    let mut value: serde_json::Value = serde_json::from_slice(body).unwrap();
    value[field] = match scheme.time_format() {
        TimeFormat::UnixMillis => serde_json::json!(at * 1000),
        _ => serde_json::json!(signed_webhooks::__private::format_rfc3339(at, true)),
    };
    serde_json::to_vec(&value).unwrap()
}

/// The names of the types `src/providers/*.rs` implement `Provider` for.
pub fn implemented() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/providers");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if let Some(rest) = line.trim_start().strip_prefix("impl Provider for ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            }
        }
    }
    names.sort();
    names
}

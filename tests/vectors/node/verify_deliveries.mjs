// Checks deliveries signed by this crate against the providers' own Node libraries.
//
//     node tests/vectors/node/verify_deliveries.mjs DELIVERIES.json
//     node tests/vectors/node/verify_deliveries.mjs --vectors tests/vectors/github.json ...
//
// Install the libraries first (pinned by package-lock.json):
//
//     npm ci --prefix tests/vectors/node
//
// Input: the same JSON array of deliveries as tests/vectors/verify_deliveries.py
// reads (see its header): objects with provider, secret (or secrets), body (or
// body_base64), headers, and optionally now (Unix seconds, pins the clocks),
// expect ("accepted", the default, or "refused") and name.
//
// Which library checks what:
//
//     github             @octokit/webhooks-methods verifyWithFallback (X-Hub-Signature-256), Node build
//     stripe             stripe webhooks.signature.verifyHeader, Stripe-Signature, tolerance 300 s
//     unleeshed          the same, reading X-Unleeshed-Signature
//     standard_webhooks  standardwebhooks Webhook.verify and svix Webhook.verify, both must accept
//     svix               svix Webhook.verify (svix-* or webhook-* headers)
//     commet             @commet/node Webhooks.verify (X-Commet-Signature)
//     leadlex            skipped here: no LeadLex library exists (the Python script follows its recipe)
//     linear             @linear/sdk LinearWebhookClient.verify (Linear-Signature, body webhookTimestamp ±60 s)
//     zoom               @zoom/rivet AwsLambdaReceiver (x-zm-signature; answers url_validation)
//     shopify            @shopify/shopify-api webhooks.validate (X-Shopify-Hmac-Sha256 or shopify-hmac-sha256,
//                        and the topic, shop domain, API version and webhook id headers it requires)
//     twitch             @twurple/eventsub-http's _verifyData and 10-minute rule (third-party), and
//                        Twitch's documented recipe: both must agree
//     gitlab             GitLab's documented X-Gitlab-Token comparison (recipe: no library exists)
//     gitlab_signing_token  standardwebhooks Webhook.verify (GitLab's signing token is Standard Webhooks)
//     workos             @workos-inc/node webhooks.verifyHeader (WorkOS-Signature, tolerance 180 s)
//     mux                @mux/mux-node webhooks.verifySignature (Mux-Signature, tolerance 300 s)
//     notion             @notionhq/client verifyWebhookSignature (X-Notion-Signature)
//     intercom, lemonsqueezy, typeform, calendly, pagerduty, vercel, bitbucket, meta, xero,
//     dropbox, sentry    skipped here: no library; ../verify_deliveries.py follows their recipes
//     slack, twilio, square, hubspot, razorpay, paddle, discord, sendgrid, standard_webhooks_v1a
//                        skipped here: ../verify_deliveries.py checks them with their Python SDKs
//
// With --vectors, the provider vector files are read instead, and each
// "conformance" vector is a delivery expected to be accepted exactly when it
// is `valid`: a self-test of this script and of the vectors.
//
// Exit status: 0 when every delivery checked here got its expected verdict (and
// at least one was checked), 1 when any did not, 2 on bad input, 77 when the
// libraries are not installed (a caller may then skip, loudly).

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import * as P from "./provider_libs.mjs";

const SKIP = 77;

let libs;
try {
  libs = await P.load();
} catch (error) {
  console.error(`SKIP: provider libraries not installed (${error.message}); npm ci --prefix tests/vectors/node`);
  process.exit(SKIP);
}
const V = P.versions();

const TABLE = {
  github: [[`@octokit/webhooks-methods ${V["@octokit/webhooks-methods"]}`, P.octokitVerify]],
  stripe: [[`stripe ${V.stripe}`, P.stripeVerify]],
  unleeshed: [
    [
      `stripe ${V.stripe} on X-Unleeshed-Signature`,
      (l, s, b, h, n) => P.stripeVerify(l, s, b, h, n, "X-Unleeshed-Signature"),
    ],
  ],
  standard_webhooks: [
    [`standardwebhooks ${V.standardwebhooks}`, P.standardwebhooksVerify],
    [`svix ${V.svix}`, P.svixVerify],
  ],
  svix: [[`svix ${V.svix}`, P.svixVerify]],
  commet: [[`@commet/node ${V["@commet/node"]}`, P.commetVerify]],
  leadlex: null,
  linear: [[`@linear/sdk ${V["@linear/sdk"]}`, P.linearVerify]],
  zoom: [[`@zoom/rivet ${V["@zoom/rivet"]}`, P.zoomVerify]],
  shopify: [[`@shopify/shopify-api ${V["@shopify/shopify-api"]}`, P.shopifyVerify]],
  twitch: [
    [`@twurple/eventsub-http ${V["@twurple/eventsub-http"]}`, P.twurpleVerify],
    [`recipe: ${P.TWITCH_DOC}`, P.twitchRecipeVerify],
  ],
  gitlab: [[`recipe: ${P.GITLAB_TOKEN_DOC}`, P.gitlabTokenVerify]],
  gitlab_signing_token: [[`standardwebhooks ${V.standardwebhooks}`, P.standardwebhooksVerify]],
  workos: [[`@workos-inc/node ${V["@workos-inc/node"]}`, P.workosVerify]],
  mux: [[`@mux/mux-node ${V["@mux/mux-node"]}`, P.muxVerify]],
  notion: [[`@notionhq/client ${V["@notionhq/client"]}`, P.notionVerify]],
  // Checked by ../verify_deliveries.py with their Python SDKs.
  ...Object.fromEntries(
    ["slack", "twilio", "square", "hubspot", "razorpay", "paddle", "discord", "sendgrid", "standard_webhooks_v1a"].map((name) => [name, null]),
  ),
  ...Object.fromEntries(
    ["intercom", "lemonsqueezy", "typeform", "calendly", "pagerduty", "vercel", "bitbucket", "meta", "xero", "dropbox", "sentry"].map((name) => [name, null]),
  ),
  // Checked by ../verify_deliveries.py with the providers' Python SDKs.
  ...Object.fromEntries(
    ["slack", "twilio", "square", "hubspot", "razorpay", "paddle", "discord", "sendgrid", "standard_webhooks_v1a"].map((name) => [name, null]),
  ),
};

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(2);
}

function fromVectors(paths) {
  const PYTHON_ONLY = ["slack", "twilio", "square", "hubspot", "razorpay", "paddle", "discord", "sendgrid",
    "standard_webhooks_v1a"].map((provider) => `${provider}.json`);
  const providerOf = {
    "stripe.json": "stripe",
    "standard_webhooks.json": "standard_webhooks",
    "commet.json": "commet",
    "leadlex.json": "leadlex",
    "github.json": "github",
  };
  for (const provider of Object.keys(TABLE)) providerOf[`${provider}.json`] ??= provider;
  const out = [];
  for (const path of paths) {
    const name = basename(path);
    // Checked by verify_deliveries.py with the providers' Python SDKs.
    if (PYTHON_ONLY.includes(name)) continue;
    if (!(name in providerOf)) fail(`${path}: not a provider vector file`);
    for (const v of JSON.parse(readFileSync(path, "utf8")).vectors) {
      if (v.kind !== "conformance") continue;
      let provider = providerOf[name];
      if (provider === "standard_webhooks" && Object.keys(v.headers).some((k) => k.toLowerCase().startsWith("svix-"))) {
        provider = "svix";
      }
      const { secrets, headers, now, body, body_base64 } = v;
      out.push({ provider, secrets, headers, now, body, body_base64, expect: v.valid ? "accepted" : "refused", name: `${name}: ${v.name}` });
    }
  }
  return out;
}

function secretsOf(d) {
  if (("secret" in d) === ("secrets" in d)) throw new Error("exactly one of secret and secrets");
  const secrets = "secret" in d ? [d.secret] : d.secrets;
  if (!Array.isArray(secrets) || secrets.length === 0 || !secrets.every((s) => typeof s === "string")) {
    throw new Error("secrets must be a non-empty list of strings");
  }
  return secrets;
}

function bodyOf(d) {
  const hasText = typeof d.body === "string";
  const hasBase64 = typeof d.body_base64 === "string";
  if (hasText === hasBase64) throw new Error("exactly one of body and body_base64");
  return hasText ? Buffer.from(d.body, "utf8") : Buffer.from(d.body_base64, "base64");
}

const args = process.argv.slice(2);
const vectorsMode = args[0] === "--vectors";
const files = vectorsMode ? args.slice(1) : args;
if (files.length === 0) fail("usage: verify_deliveries.mjs [--vectors] FILE...");

let deliveries = [];
try {
  if (vectorsMode) {
    deliveries = fromVectors(files);
  } else {
    for (const path of files) {
      const loaded = JSON.parse(readFileSync(path, "utf8"));
      if (!Array.isArray(loaded)) fail(`${path}: expected a JSON array of deliveries`);
      deliveries.push(...loaded);
    }
  }
} catch (error) {
  fail(error.message);
}

let checked = 0;
let failed = 0;
let skipped = 0;
for (const [index, d] of deliveries.entries()) {
  const label = d?.name ?? `delivery ${index}`;
  let verifiers, secrets, body, expect;
  try {
    if (typeof d !== "object" || d === null) throw new Error("a delivery is a JSON object");
    if (!(d.provider in TABLE)) throw new Error(`unknown provider ${JSON.stringify(d.provider)} (known: ${Object.keys(TABLE).sort().join(", ")})`);
    verifiers = TABLE[d.provider];
    secrets = secretsOf(d);
    body = bodyOf(d);
    if (typeof d.headers !== "object" || d.headers === null || !Object.values(d.headers).every((v) => typeof v === "string")) {
      throw new Error("headers must map names to strings");
    }
    expect = d.expect ?? "accepted";
    if (expect !== "accepted" && expect !== "refused") throw new Error(`expect must be accepted or refused, not ${JSON.stringify(expect)}`);
  } catch (error) {
    fail(`${label}: ${error.message}`);
  }
  if (verifiers === null) {
    skipped += 1;
    console.log(`skip  ${label}: no Node library for ${d.provider}; see ../verify_deliveries.py`);
    continue;
  }
  for (const [library, verify] of verifiers) {
    const { ok, message } = await verify(libs, secrets, body, d.headers, d.now ?? null);
    checked += 1;
    const good = ok === (expect === "accepted");
    if (!good) failed += 1;
    console.log(`${good ? "ok  " : "FAIL"}  ${label} [${d.provider}, ${library}]: expected ${expect}, library: ${message}`);
  }
}

console.log(`${checked - failed} passed, ${failed} failed, ${skipped} skipped (left to the Python check)`);
if (checked === 0) {
  console.error("error: no delivery was checked");
  process.exit(1);
}
process.exit(failed ? 1 : 0);

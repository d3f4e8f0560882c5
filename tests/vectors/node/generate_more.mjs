// Writes the vector files of the providers whose own (or, for Twitch, a
// third-party) Node library verifies webhooks: linear.json, zoom.json,
// shopify.json, twitch.json, gitlab.json, gitlab_signing_token.json,
// workos.json, mux.json, notion.json.
//
// Rerun from the repository root:
//
//     npm ci --prefix tests/vectors/node
//     node tests/vectors/node/generate_more.mjs
//
// Signatures are made with node:crypto following each provider's recipe (no
// SDK here exports a signer, except standardwebhooks, which signs GitLab's
// signing-token deliveries); every vector is then checked by the library's
// verifier with its clock pinned to the vector's `now`, and a "conformance"
// vector's `valid` must match every verifier not marked informational: the
// run stops otherwise. Deterministic: fixed secrets, bodies, ids and clocks.
// The facts behind each file are in tests/vectors/facts/<provider>.md.

import { createHmac, createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import * as P from "./provider_libs.mjs";

const HERE = new URL("../", import.meta.url);
const NOW = 1790000000; // 2026-09-21T14:13:20Z

let libs;
try {
  libs = await P.load();
} catch (error) {
  console.error(`missing provider library (${error.message}); run: npm ci --prefix tests/vectors/node`);
  process.exit(2);
}
const V = P.versions();
const failures = [];

// ------------------------------------------------------------------ helpers

const mac = (alg, key, data, encoding = "hex") => createHmac(alg, key).update(data).digest(encoding);
const iso = (seconds) => new Date(seconds * 1000).toISOString();

// Deterministic stand-ins for the providers' UUIDs.
function uuid(label) {
  const h = createHash("sha256").update(label).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function bodyFields(body) {
  const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  const text = buffer.toString("utf8");
  return Buffer.from(text, "utf8").equals(buffer) ? { body: text } : { body_base64: buffer.toString("base64") };
}

// One vector in the PROVIDERS.md section 9 format, with the optional fields
// timestamp, event_id, answer (a handshake's expected response), method, url.
function vector(name, kind, { secrets, body, headers, valid, reason, eventId = null, timestamp, answer, now = NOW, method, url }) {
  const entry = { name, kind, secrets, ...bodyFields(body), headers };
  if (method !== undefined) entry.method = method;
  if (url !== undefined) entry.url = url;
  if (timestamp !== undefined) entry.timestamp = timestamp;
  entry.event_id = eventId;
  entry.now = now;
  if (kind === "conformance") entry.valid = valid;
  if (reason) entry.reason = reason;
  if (answer !== undefined) entry.answer = answer;
  return entry;
}

// A small builder: ok(), bad(), edge() push vectors sharing defaults.
function collector(defaults) {
  const vectors = [];
  const add = (kind, name, fields) => vectors.push(vector(name, kind, { ...defaults, ...fields }));
  return {
    vectors,
    ok: (name, fields) => add("conformance", name, { valid: true, ...fields }),
    bad: (name, reason, fields) => add("conformance", name, { valid: false, reason, ...fields }),
    edge: (name, reason, fields) => add("library-edge", name, { reason, ...fields }),
  };
}

async function check(vectors, verifiers) {
  for (const entry of vectors) {
    entry.library ??= {};
    for (const { label, verify, applies = () => true, informational = false } of verifiers) {
      if (!applies(entry)) continue;
      const { ok, message, answer } = await verify(libs, entry.secrets, P.bodyOf(entry), entry.headers, entry.now);
      entry.library[label] = message;
      if (entry.kind === "conformance" && !informational) {
        if (ok !== entry.valid) failures.push(`${entry.name}: ${label} says ${JSON.stringify(message)}, vector says valid=${entry.valid}`);
        if (ok && entry.answer !== undefined && answer !== undefined && !isDeepStrictEqual(answer, entry.answer)) {
          failures.push(`${entry.name}: ${label} answered ${JSON.stringify(answer)}, vector says ${JSON.stringify(entry.answer)}`);
        }
      }
    }
  }
}

function writeVectors(name, document) {
  writeFileSync(new URL(name, HERE), JSON.stringify(document, null, 2) + "\n");
  const counts = {};
  for (const v of document.vectors) {
    const key = v.kind !== "conformance" ? v.kind : v.valid ? "valid" : "invalid";
    counts[key] = (counts[key] ?? 0) + 1;
  }
  console.log(`wrote tests/vectors/${name}: ${document.vectors.length} vectors ${JSON.stringify(counts)}`);
}

const tamper = (text, from, to) => {
  if (!text.includes(from)) throw new Error(`tamper: ${from} not in body`);
  return text.replace(from, to);
};

// ------------------------------------------------------------------ Linear

async function linear() {
  const SECRET = "lin_wh_7Kp2Qx9vLm4Rt8Yz3Bn6Wc1Hd5Fg0Js";
  const OLD = "lin_wh_previous_a1b2c3d4e5f6g7h8i9j0";
  const ms = NOW * 1000 - 1488; // webhookTimestamp, milliseconds, 1.488 s before `now`
  const org = "8f3a2b1c-0d9e-4f8a-b7c6-5d4e3f2a1b0c";
  const actor = { id: "3b1f9c2e-7a4d-4e8f-9b0a-1c2d3e4f5a6b", name: "Jane Doe", email: "jane@example.com", url: "https://linear.app/acme/profiles/jane", type: "user" };
  const issue = (ts, extra = {}) =>
    JSON.stringify({
      action: "create",
      actor,
      createdAt: iso(NOW - 2),
      data: {
        id: "2c6e8a0b-4d1f-4a3c-9e5b-7f0a1c2d3e4f",
        createdAt: iso(NOW - 2),
        updatedAt: iso(NOW - 2),
        number: 42,
        title: "Checkout fails for EUR carts",
        priority: 2,
        identifier: "ENG-42",
        teamId: "5a7c9e1b-3d5f-4b7d-8f1a-2b3c4d5e6f70",
        stateId: "6b8d0f2a-4c6e-4a8c-9e1f-3a4b5c6d7e80",
        labelIds: [],
        url: "https://linear.app/acme/issue/ENG-42/checkout-fails-for-eur-carts",
      },
      url: "https://linear.app/acme/issue/ENG-42/checkout-fails-for-eur-carts",
      type: "Issue",
      organizationId: org,
      webhookTimestamp: ts,
      webhookId: "9d1f3b5a-7c9e-4b1d-8f3a-5c7e9a1b3d5f",
      ...extra,
    });
  const body = issue(ms);
  const delivery = uuid("linear-issue-create");
  const headers = (b, secret = SECRET, over = {}) => ({
    "Content-Type": "application/json; charset=utf-8",
    "Linear-Delivery": over.delivery ?? delivery,
    "Linear-Event": over.event ?? "Issue",
    "Linear-Signature": mac("sha256", secret, b),
    "User-Agent": "Linear-Webhook",
    ...(over.extra ?? {}),
  });
  const c = collector({ secrets: [SECRET], eventId: delivery });
  const ts = (t) => ({ timestamp: t });

  c.ok("Issue create", { body, headers: headers(body), ...ts(ms) });
  const comment = JSON.stringify({
    action: "create",
    actor,
    createdAt: iso(NOW - 1),
    data: { id: "7e9a1c3e-5b7d-4f9b-8d2f-4a6c8e0a2c4e", body: "Reproduced on staging — «€» rounding 👀", issueId: "2c6e8a0b-4d1f-4a3c-9e5b-7f0a1c2d3e4f", userId: actor.id, createdAt: iso(NOW - 1) },
    url: "https://linear.app/acme/issue/ENG-42#comment-7e9a1c3e",
    type: "Comment",
    organizationId: org,
    webhookTimestamp: NOW * 1000 - 733,
    webhookId: "9d1f3b5a-7c9e-4b1d-8f3a-5c7e9a1b3d5f",
  });
  const d2 = uuid("linear-comment-create");
  c.ok("Comment create, non-ASCII text (UTF-8)", { body: comment, headers: headers(comment, SECRET, { delivery: d2, event: "Comment" }), eventId: d2, ...ts(NOW * 1000 - 733) });
  const update = issue(NOW * 1000 - 250, { action: "update", updatedFrom: { priority: 3, updatedAt: iso(NOW - 3600) } });
  const d3 = uuid("linear-issue-update");
  c.ok("Issue update with updatedFrom", { body: update, headers: headers(update, SECRET, { delivery: d3 }), eventId: d3, ...ts(NOW * 1000 - 250) });
  c.ok("rotation: receiver holds the old and the new secret, signed under the new", { secrets: [OLD, SECRET], body, headers: headers(body), ...ts(ms) });
  const edgeOld = issue(NOW * 1000 - 60000);
  c.ok("webhookTimestamp exactly 60 s before now", { body: edgeOld, headers: headers(edgeOld), ...ts(NOW * 1000 - 60000), reason: "the SDK refuses only |now - t| > 60 000 ms" });
  const edgeNew = issue(NOW * 1000 + 60000);
  c.ok("webhookTimestamp exactly 60 s after now", { body: edgeNew, headers: headers(edgeNew), ...ts(NOW * 1000 + 60000), reason: "the window is symmetric: |now - t| <= 60 000 ms" });

  const sig = mac("sha256", SECRET, body);
  const h = (over) => ({ ...headers(body), ...over });
  c.bad("tampered body", "the title was changed after signing", { body: tamper(body, "Checkout fails", "Checkout works"), headers: h({}), ...ts(ms) });
  c.bad("wrong secret", "signed under another secret", { secrets: [OLD], body, headers: h({}), ...ts(ms) });
  const stale = issue(NOW * 1000 - 60001);
  c.bad("webhookTimestamp 60.001 s old", "outside the 60 s window (past)", { body: stale, headers: headers(stale), ...ts(NOW * 1000 - 60001) });
  const future = issue(NOW * 1000 + 60001);
  c.bad("webhookTimestamp 60.001 s in the future", "outside the 60 s window (future)", { body: future, headers: headers(future), ...ts(NOW * 1000 + 60001) });
  const hour = issue(NOW * 1000 - 3600000);
  c.bad("a replay an hour later", "webhookTimestamp is signed, so a replay keeps its old time", { body: hour, headers: headers(hour), ...ts(NOW * 1000 - 3600000) });
  const noSig = h({});
  delete noSig["Linear-Signature"];
  c.bad("Linear-Signature absent", "no signature", { body, headers: noSig, ...ts(ms) });
  c.bad("Linear-Signature empty", "an empty signature must never match", { body, headers: h({ "Linear-Signature": "" }), ...ts(ms) });
  c.bad("hex missing its last digit", "a prefix of the right signature", { body, headers: h({ "Linear-Signature": sig.slice(0, -1) }), ...ts(ms) });
  c.bad("base64 of the right MAC", "Linear sends hex", { body, headers: h({ "Linear-Signature": Buffer.from(sig, "hex").toString("base64") }), ...ts(ms) });
  c.bad("sha256=<right hex> (GitHub's prefix)", "Linear sends bare hex", { body, headers: h({ "Linear-Signature": "sha256=" + sig }), ...ts(ms) });
  c.bad("HMAC-SHA1 of the body", "Linear's MAC is HMAC-SHA256", { body, headers: h({ "Linear-Signature": mac("sha1", SECRET, body) }), ...ts(ms) });
  const noTs = JSON.stringify({ ...JSON.parse(body), webhookTimestamp: undefined });
  c.bad("no webhookTimestamp in the body (right MAC)", "the SDK requires the signed body time", { body: noTs, headers: headers(noTs) });
  const secondsTs = issue(NOW - 1);
  c.bad("webhookTimestamp in seconds (right MAC)", "the field is milliseconds: read as ms, 1970 is far outside the window", { body: secondsTs, headers: headers(secondsTs), ...ts(NOW - 1) });
  const stringTs = issue(String(ms));
  c.bad("webhookTimestamp as a JSON string (right MAC)", "the SDK requires a JSON number", { body: stringTs, headers: headers(stringTs), ...ts(String(ms)) });
  const staleWithHeader = { ...headers(stale), "Linear-Timestamp": String(NOW * 1000 - 500) };
  c.bad("stale body time beside a fresh legacy Linear-Timestamp header", "only the signed body time counts (the header is unsigned)", { body: stale, headers: staleWithHeader, ...ts(NOW * 1000 - 60001) });
  c.edge("upper-case hex", "Linear sends lower case; the SDK compares hex strings and refuses, a receiver that decodes hex accepts", { body, headers: h({ "Linear-Signature": sig.toUpperCase() }), ...ts(ms) });

  await check(c.vectors, [{ label: `@linear/sdk ${V["@linear/sdk"]} LinearWebhookClient.verify`, verify: P.linearVerify }]);
  writeVectors("linear.json", {
    scheme: "Linear-Signature: <hex HMAC-SHA256 of the raw body>, key = the secret's UTF-8 bytes; body webhookTimestamp (ms) within 60 s either way",
    signature_header: "Linear-Signature",
    tolerance_seconds: 60,
    signer: "node:crypto following @linear/sdk's LinearWebhookClient.verify (the SDK exports no signer)",
    libraries: { "@linear/sdk (npm)": V["@linear/sdk"] },
    event_id: "Linear-Delivery header (unsigned UUID, per delivery); the body's webhookId names the webhook, data.id the entity",
    generated_by: "tests/vectors/node/generate_more.mjs",
    vectors: c.vectors,
  });
}

// ------------------------------------------------------------------ Zoom

async function zoom() {
  const SECRET = "qZ4tL8wN2vR6yB1mK9xC3d";
  const OTHER = "pA7sD2fG5hJ8kL1zX4cV6b";
  const T = String(NOW - 1); // x-zm-request-timestamp, seconds
  const sign = (body, t = T, secret = SECRET) => "v0=" + mac("sha256", secret, `v0:${t}:${body}`);
  const headers = (body, over = {}) => ({
    "content-type": "application/json; charset=utf-8",
    "x-zm-request-timestamp": over.t ?? T,
    "x-zm-signature": sign(body, over.t ?? T, over.secret ?? SECRET),
    ...(over.extra ?? {}),
  });
  const started = JSON.stringify({
    event: "meeting.started",
    payload: {
      account_id: "AAAAAABBBB_CcCcCcCc123",
      object: { id: "85746065432", uuid: "4444AAAiAAAAAiAiAiiAii==", host_id: "x1yCzABCDEfg23HiJKl4mN", topic: "Weekly sync", type: 2, start_time: iso(NOW - 5).replace(".000", ""), timezone: "Europe/Paris", duration: 60 },
    },
    event_ts: NOW * 1000 - 1200,
  });
  const ended = JSON.stringify({
    event: "meeting.ended",
    payload: {
      account_id: "AAAAAABBBB_CcCcCcCc123",
      object: { id: "85746065432", uuid: "4444AAAiAAAAAiAiAiiAii==", host_id: "x1yCzABCDEfg23HiJKl4mN", topic: "Weekly sync — Zoë’s team", type: 2, start_time: iso(NOW - 3605).replace(".000", ""), end_time: iso(NOW - 5).replace(".000", ""), timezone: "Europe/Paris", duration: 60 },
    },
    event_ts: NOW * 1000 - 900,
  });
  const plainToken = "qgg8vlvZRS6UYooatFL8Aw";
  const validation = JSON.stringify({ payload: { plainToken }, event_ts: NOW * 1000 - 300, event: "endpoint.url_validation" });
  const answer = { plainToken, encryptedToken: mac("sha256", SECRET, plainToken) };
  const c = collector({ secrets: [SECRET], eventId: null });
  const ts = { timestamp: T };

  c.ok("meeting.started", { body: started, headers: headers(started), ...ts });
  c.ok("meeting.ended, non-ASCII topic (UTF-8)", { body: ended, headers: headers(ended), ...ts });
  c.ok("endpoint.url_validation handshake: answer {plainToken, encryptedToken = hex HMAC-SHA256(secret, plainToken)}", { body: validation, headers: headers(validation), answer, ...ts });
  c.ok("rotation: receiver holds two secret tokens", { secrets: [OTHER, SECRET], body: started, headers: headers(started), ...ts });

  const sig = sign(started);
  const h = (over) => ({ ...headers(started), ...over });
  c.bad("tampered body", "the topic was changed after signing", { body: tamper(started, "Weekly sync", "Monthly sync"), headers: h({}), ...ts });
  c.bad("wrong secret", "signed under another secret token", { secrets: [OTHER], body: started, headers: h({}), ...ts });
  c.bad("url_validation under the wrong secret", "the handshake is signed too; its answer would be wrong anyway", { secrets: [OTHER], body: validation, headers: headers(validation), ...ts });
  c.bad("x-zm-request-timestamp changed after signing", "the timestamp is part of the signed message", { body: started, headers: h({ "x-zm-request-timestamp": String(NOW) }), timestamp: String(NOW) });
  const noSig = h({});
  delete noSig["x-zm-signature"];
  c.bad("x-zm-signature absent", "no signature", { body: started, headers: noSig, ...ts });
  const noTs = h({});
  delete noTs["x-zm-request-timestamp"];
  c.bad("x-zm-request-timestamp absent", "the signed message needs it", { body: started, headers: noTs });
  c.bad("v0= with nothing after it", "an empty signature must never match", { body: started, headers: h({ "x-zm-signature": "v0=" }), ...ts });
  c.bad("bare hex without v0=", "Zoom sends v0=<hex>", { body: started, headers: h({ "x-zm-signature": sig.slice(3) }), ...ts });
  c.bad("hex missing its last digit", "a prefix of the right signature", { body: started, headers: h({ "x-zm-signature": sig.slice(0, -1) }), ...ts });
  c.bad("sha256=<right hex> (GitHub's prefix)", "Zoom's prefix is v0=", { body: started, headers: h({ "x-zm-signature": "sha256=" + sig.slice(3) }), ...ts });
  c.bad("v0=<base64 of the right MAC>", "Zoom sends hex", { body: started, headers: h({ "x-zm-signature": "v0=" + Buffer.from(sig.slice(3), "hex").toString("base64") }), ...ts });
  c.bad("v0=<HMAC-SHA1 hex>", "Zoom's MAC is HMAC-SHA256", { body: started, headers: h({ "x-zm-signature": "v0=" + mac("sha1", SECRET, `v0:${T}:${started}`) }), ...ts });
  c.bad("MAC of the raw body alone (no v0:{ts}: prefix)", "the signed message is v0:{timestamp}:{body}", { body: started, headers: h({ "x-zm-signature": "v0=" + mac("sha256", SECRET, started) }), ...ts });

  const oldT = String(NOW - 3600);
  c.edge("timestamp an hour old, correctly signed", "rivet checks no time (nor do Zoom's docs give a tolerance); a replay verifies forever with rivet, a receiver should bound the age", { body: started, headers: headers(started, { t: oldT }), timestamp: oldT });
  const futT = String(NOW + 3600);
  c.edge("timestamp an hour in the future, correctly signed", "rivet checks no time", { body: started, headers: headers(started, { t: futT }), timestamp: futT });
  const pretty = JSON.stringify(JSON.parse(started), null, 2);
  c.edge("pretty-printed body, raw bytes signed", "rivet signs JSON.stringify(JSON.parse(body)), so it refuses a body Zoom did not serialize compactly; a raw-body verifier accepts", { body: pretty, headers: headers(pretty), ...ts });
  c.edge("pretty-printed body, compact re-serialization signed", "accepted by rivet only (it re-serializes before signing); a raw-body verifier refuses", { body: pretty, headers: headers(pretty, { extra: { "x-zm-signature": sign(started) } }), ...ts });
  c.edge("upper-case hex", "Zoom sends lower case; rivet compares strings and refuses, a receiver that decodes hex accepts", { body: started, headers: h({ "x-zm-signature": "v0=" + sig.slice(3).toUpperCase() }), ...ts });

  await check(c.vectors, [{ label: `@zoom/rivet ${V["@zoom/rivet"]} AwsLambdaReceiver (meetings)`, verify: P.zoomVerify }]);
  writeVectors("zoom.json", {
    scheme: "x-zm-signature: v0=<hex HMAC-SHA256 of \"v0:{x-zm-request-timestamp}:{body}\">, key = the app's secret token; url_validation answer encryptedToken = hex HMAC-SHA256(secret, plainToken)",
    signature_header: "x-zm-signature",
    tolerance_seconds: null,
    signer: "node:crypto following Zoom's recipe and @zoom/rivet's CommonHttpRequest.isEventVerified",
    libraries: { "@zoom/rivet (npm)": V["@zoom/rivet"] },
    event_id: null,
    generated_by: "tests/vectors/node/generate_more.mjs",
    vectors: c.vectors,
  });
}

// ------------------------------------------------------------------ Shopify

async function shopify() {
  const SECRET = "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";
  const OLD = "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";
  const shop = "acme-apparel.myshopify.com";
  const classic = (topic, body, label, over = {}) => ({
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-Hmac-Sha256": mac("sha256", over.secret ?? SECRET, body, "base64"),
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-API-Version": "2025-10",
    "X-Shopify-Webhook-Id": uuid(`shopify-webhook-${label}`),
    "X-Shopify-Triggered-At": iso(NOW - 2).replace("Z", "000Z"),
    "X-Shopify-Event-Id": uuid(`shopify-event-${label}`),
  });
  const order = JSON.stringify({
    id: 820982911946154500,
    admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
    email: "jon@example.com",
    created_at: "2026-09-21T16:13:17+02:00",
    currency: "EUR",
    total_price: "199.00",
    financial_status: "paid",
    line_items: [{ id: 866550311766439000, title: "Crêpe de Chine scarf", quantity: 1, price: "199.00", sku: "SCARF-01" }],
    customer: { id: 115310627314723950, email: "jon@example.com", first_name: "Jon", last_name: "Snow" },
  });
  const product = JSON.stringify({ id: 788032119674292900, title: "Example T-Shirt", body_html: "An example T-Shirt", vendor: "Acme", product_type: "Shirts", updated_at: "2026-09-21T16:13:18+02:00", handle: "example-t-shirt", status: "active", variants: [{ id: 642667041472714000, price: "19.99", sku: "TS-1" }] });
  const uninstalled = JSON.stringify({ id: 548380009, name: "Acme Apparel", email: "owner@acme.example", domain: "acme.example", myshopify_domain: shop });
  const redact = JSON.stringify({ shop_id: 954889, shop_domain: shop, customer: { id: 191167, email: "john@example.com", phone: "555-625-1199" }, orders_to_redact: [299938, 280263, 220458] });
  const c = collector({ secrets: [SECRET] });

  c.ok("orders/create", { body: order, headers: classic("orders/create", order, "order"), eventId: uuid("shopify-webhook-order") });
  c.ok("products/update", { body: product, headers: classic("products/update", product, "product"), eventId: uuid("shopify-webhook-product") });
  c.ok("app/uninstalled", { body: uninstalled, headers: classic("app/uninstalled", uninstalled, "uninstalled"), eventId: uuid("shopify-webhook-uninstalled") });
  c.ok("customers/redact (mandatory compliance topic)", { body: redact, headers: classic("customers/redact", redact, "redact"), eventId: uuid("shopify-webhook-redact") });
  const eventsHeaders = {
    "content-type": "application/json",
    "shopify-topic": "products/update",
    "shopify-hmac-sha256": mac("sha256", SECRET, product, "base64"),
    "shopify-shop-domain": shop,
    "shopify-api-version": "unstable",
    "shopify-webhook-id": uuid("shopify-events-product"),
    "shopify-handle": "product-updates",
    "shopify-action": "update",
    "shopify-triggered-at": iso(NOW - 2),
  };
  c.ok("Events delivery (unprefixed shopify-* headers)", { body: product, headers: eventsHeaders, eventId: uuid("shopify-events-product") });
  c.ok("rotation: receiver holds the old and the new client secret", { secrets: [OLD, SECRET], body: order, headers: classic("orders/create", order, "order"), eventId: uuid("shopify-webhook-order") });

  const good = classic("orders/create", order, "order");
  const sig = good["X-Shopify-Hmac-Sha256"];
  const h = (over) => ({ ...good, ...over });
  const id = uuid("shopify-webhook-order");
  c.bad("tampered body", "the total was changed after signing", { body: tamper(order, '"199.00"', '"1.00"'), headers: h({}), eventId: id });
  c.bad("wrong secret", "signed under another client secret", { secrets: [OLD], body: order, headers: h({}), eventId: id });
  const noSig = h({});
  delete noSig["X-Shopify-Hmac-Sha256"];
  c.bad("X-Shopify-Hmac-Sha256 absent", "no signature", { body: order, headers: noSig, eventId: id });
  c.bad("X-Shopify-Hmac-Sha256 empty", "an empty signature must never match", { body: order, headers: h({ "X-Shopify-Hmac-Sha256": "" }), eventId: id });
  c.bad("hex of the right MAC", "Shopify sends base64", { body: order, headers: h({ "X-Shopify-Hmac-Sha256": mac("sha256", SECRET, order) }), eventId: id });
  c.bad("base64 of HMAC-SHA1", "Shopify's MAC is HMAC-SHA256", { body: order, headers: h({ "X-Shopify-Hmac-Sha256": mac("sha1", SECRET, order, "base64") }), eventId: id });
  c.bad("sha256=<right base64> (Typeform's prefix)", "Shopify sends bare base64", { body: order, headers: h({ "X-Shopify-Hmac-Sha256": "sha256=" + sig }), eventId: id });
  c.bad("base64 missing its first character", "a truncated signature", { body: order, headers: h({ "X-Shopify-Hmac-Sha256": sig.slice(1) }), eventId: id });
  c.bad("Events delivery signed under the wrong secret", "signed under another client secret", { secrets: [OLD], body: product, headers: eventsHeaders, eventId: uuid("shopify-events-product") });

  c.edge("unpadded base64 of the right MAC", "Shopify sends padded base64; the SDK compares strings and refuses, a receiver that decodes leniently accepts", { body: order, headers: h({ "X-Shopify-Hmac-Sha256": sig.replace(/=+$/, "") }), eventId: id });
  const noTopic = h({});
  delete noTopic["X-Shopify-Topic"];
  c.edge("right HMAC, X-Shopify-Topic absent", "the SDK's validate also requires topic, shop domain, API version and webhook id (missing_headers); the signature itself is right", { body: order, headers: noTopic, eventId: id });
  c.edge("empty body with the right HMAC", "the SDK refuses an empty body before computing anything (missing_body); Shopify never sends one", { body: "", headers: h({ "X-Shopify-Hmac-Sha256": mac("sha256", SECRET, "", "base64") }), eventId: id });

  await check(c.vectors, [{ label: `@shopify/shopify-api ${V["@shopify/shopify-api"]} webhooks.validate`, verify: P.shopifyVerify }]);
  writeVectors("shopify.json", {
    scheme: "X-Shopify-Hmac-Sha256 (Events: shopify-hmac-sha256): <base64 HMAC-SHA256 of the raw body>, key = the app's client secret (UTF-8)",
    signature_header: "X-Shopify-Hmac-Sha256",
    signer: "node:crypto following @shopify/shopify-api's validateHmacString (the SDK exports no signer)",
    libraries: { "@shopify/shopify-api (npm)": V["@shopify/shopify-api"] },
    event_id: "X-Shopify-Webhook-Id (Events: shopify-webhook-id), unsigned, the delivery id Shopify says to deduplicate on; X-Shopify-Event-Id (unsigned) is shared by the webhooks of one event",
    generated_by: "tests/vectors/node/generate_more.mjs",
    vectors: c.vectors,
  });
}

// ------------------------------------------------------------------ Twitch

async function twitch() {
  const SECRET = "eventsub-secret-5c9e1a7f3b2d8e4a";
  const OTHER = "eventsub-secret-0f1e2d3c4b5a6978";
  const ts = (secondsAgo, nanos = "634234626") => iso(NOW - secondsAgo).replace(".000Z", `.${nanos}Z`);
  const callback = "https://example.com/webhooks/twitch";
  const sub = (type, version, condition, status = "enabled") => ({
    id: uuid(`twitch-sub-${type}`),
    status,
    type,
    version,
    condition,
    transport: { method: "webhook", callback },
    created_at: "2026-09-20T08:00:00.123456789Z",
    cost: 0,
  });
  const headers = (type, subType, version, id, t, body, over = {}) => ({
    "Content-Type": "application/json",
    "Twitch-Eventsub-Message-Id": id,
    "Twitch-Eventsub-Message-Retry": "0",
    "Twitch-Eventsub-Message-Type": type,
    "Twitch-Eventsub-Message-Signature": "sha256=" + mac("sha256", over.secret ?? SECRET, id + t + body),
    "Twitch-Eventsub-Message-Timestamp": t,
    "Twitch-Eventsub-Subscription-Type": subType,
    "Twitch-Eventsub-Subscription-Version": version,
  });
  const online = JSON.stringify({
    subscription: sub("stream.online", "1", { broadcaster_user_id: "1337" }),
    event: { id: "9001", broadcaster_user_id: "1337", broadcaster_user_login: "cool_user", broadcaster_user_name: "Cool_User", type: "live", started_at: "2026-09-21T14:13:10.123456789Z" },
  });
  const id1 = uuid("twitch-online");
  const t1 = ts(3);
  const follow = JSON.stringify({
    subscription: sub("channel.follow", "2", { broadcaster_user_id: "1337", moderator_user_id: "1337" }),
    event: { user_id: "1234", user_login: "zoë_ångström", user_name: "Zoë_Ångström", broadcaster_user_id: "1337", broadcaster_user_login: "cool_user", broadcaster_user_name: "Cool_User", followed_at: "2026-09-21T14:13:15.987654321Z" },
  });
  const id2 = uuid("twitch-follow");
  const challenge = "pogchamp-kappa-360noscope-vohiyo";
  const verification = JSON.stringify({ challenge, subscription: sub("stream.online", "1", { broadcaster_user_id: "1337" }, "webhook_callback_verification_pending") });
  const id3 = uuid("twitch-verification");
  const revocation = JSON.stringify({ subscription: sub("stream.online", "1", { broadcaster_user_id: "1337" }, "authorization_revoked") });
  const id4 = uuid("twitch-revocation");
  const c = collector({ secrets: [SECRET] });

  c.ok("notification stream.online", { body: online, headers: headers("notification", "stream.online", "1", id1, t1, online), eventId: id1, timestamp: t1 });
  c.ok("notification channel.follow v2, non-ASCII names (UTF-8)", { body: follow, headers: headers("notification", "channel.follow", "2", id2, t1, follow), eventId: id2, timestamp: t1 });
  c.ok("webhook_callback_verification handshake: answer the challenge as text/plain", { body: verification, headers: headers("webhook_callback_verification", "stream.online", "1", id3, t1, verification), eventId: id3, timestamp: t1, answer: challenge });
  c.ok("revocation", { body: revocation, headers: headers("revocation", "stream.online", "1", id4, t1, revocation), eventId: id4, timestamp: t1 });
  const retried = { ...headers("notification", "stream.online", "1", id1, ts(540, "000000001"), online), "Twitch-Eventsub-Message-Retry": "2" };
  c.ok("a retry 9 minutes later (same message id, new timestamp)", { body: online, headers: retried, eventId: id1, timestamp: ts(540, "000000001"), reason: "Twitch re-signs each attempt; 540 s is inside 10 minutes" });
  c.ok("rotation: receiver holds two secrets", { secrets: [OTHER, SECRET], body: online, headers: headers("notification", "stream.online", "1", id1, t1, online), eventId: id1, timestamp: t1 });

  const good = headers("notification", "stream.online", "1", id1, t1, online);
  const sig = good["Twitch-Eventsub-Message-Signature"];
  const h = (over) => ({ ...good, ...over });
  const base = { body: online, eventId: id1, timestamp: t1 };
  c.bad("tampered body", "the broadcaster was changed after signing", { ...base, body: tamper(online, '"broadcaster_user_login":"cool_user"', '"broadcaster_user_login":"evil_user"'), headers: h({}) });
  c.bad("wrong secret", "signed under another secret", { ...base, secrets: [OTHER], headers: h({}) });
  const staleT = ts(601);
  c.bad("notification 10 min 1 s old", "Twitch: refuse a message older than 10 minutes", { ...base, headers: headers("notification", "stream.online", "1", id1, staleT, online), timestamp: staleT });
  c.bad("message id changed after signing", "the id is part of the signed message", { ...base, headers: h({ "Twitch-Eventsub-Message-Id": uuid("twitch-other") }) });
  const t1b = t1.replace("634234626", "634234627");
  c.bad("timestamp changed by one nanosecond after signing", "the timestamp is signed as text", { ...base, headers: h({ "Twitch-Eventsub-Message-Timestamp": t1b }), timestamp: t1b });
  const noSig = h({});
  delete noSig["Twitch-Eventsub-Message-Signature"];
  c.bad("signature header absent", "no signature", { ...base, headers: noSig });
  c.bad("sha256= with nothing after it", "an empty signature must never match", { ...base, headers: h({ "Twitch-Eventsub-Message-Signature": "sha256=" }) });
  c.bad("bare hex without sha256=", "Twitch sends sha256=<hex>", { ...base, headers: h({ "Twitch-Eventsub-Message-Signature": sig.slice(7) }) });
  c.bad("hex missing its last digit", "a prefix of the right signature", { ...base, headers: h({ "Twitch-Eventsub-Message-Signature": sig.slice(0, -1) }) });
  c.bad("sha256=<base64 of the right MAC>", "Twitch sends hex", { ...base, headers: h({ "Twitch-Eventsub-Message-Signature": "sha256=" + Buffer.from(sig.slice(7), "hex").toString("base64") }) });
  c.bad("sha1=<HMAC-SHA1 hex>", "Twitch's MAC is HMAC-SHA256", { ...base, headers: h({ "Twitch-Eventsub-Message-Signature": "sha1=" + mac("sha1", SECRET, id1 + t1 + online) }) });
  c.bad("v1=<right hex> (PagerDuty's prefix)", "the prefix is sha256=", { ...base, headers: h({ "Twitch-Eventsub-Message-Signature": "v1=" + sig.slice(7) }) });
  c.bad("HMAC of the body alone", "the signed message is id + timestamp + body", { ...base, headers: h({ "Twitch-Eventsub-Message-Signature": "sha256=" + mac("sha256", SECRET, online) }) });

  const futT = ts(-3600);
  c.edge("timestamp an hour in the future", "Twitch's docs and twurple bound only the age; a receiver may also bound the future", { ...base, headers: headers("notification", "stream.online", "1", id1, futT, online), timestamp: futT });
  const oldRev = ts(3600);
  c.edge("revocation an hour old", "twurple applies its 10-minute rule to notifications only; Twitch's recipe checks every message", { body: revocation, headers: headers("revocation", "stream.online", "1", id4, oldRev, revocation), eventId: id4, timestamp: oldRev });
  c.edge("upper-case hex", "Twitch sends lower case; twurple decodes hex and accepts, the recipe's string comparison refuses", { ...base, headers: h({ "Twitch-Eventsub-Message-Signature": "sha256=" + sig.slice(7).toUpperCase() }) });
  c.edge("right hex followed by zz", "twurple's Buffer.from(hex) stops at the first non-hex pair and accepts; a strict receiver refuses", { ...base, headers: h({ "Twitch-Eventsub-Message-Signature": sig + "zz" }) });
  const badT = "yesterday";
  c.edge("unparseable timestamp, correctly signed", "twurple's age check compares NaN and lets it pass; Twitch always sends RFC 3339, a receiver should refuse", { ...base, headers: headers("notification", "stream.online", "1", id1, badT, online), timestamp: badT });

  await check(c.vectors, [
    { label: `@twurple/eventsub-http ${V["@twurple/eventsub-http"]} EventSubHttpBase._verifyData + its 10-minute notification rule (third-party)`, verify: P.twurpleVerify },
    { label: `recipe: ${P.TWITCH_DOC}`, verify: P.twitchRecipeVerify },
  ]);
  writeVectors("twitch.json", {
    scheme: "Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256 of message id + timestamp + raw body>, key = the subscription's secret (10-100 ASCII characters); refuse timestamps older than 10 minutes",
    signature_header: "Twitch-Eventsub-Message-Signature",
    tolerance_seconds: 600,
    signer: "node:crypto following Twitch's documented recipe (Twitch publishes no library)",
    libraries: { "@twurple/eventsub-http (npm, third-party)": V["@twurple/eventsub-http"] },
    event_id: "Twitch-Eventsub-Message-Id header (signed, kept by retries)",
    generated_by: "tests/vectors/node/generate_more.mjs",
    vectors: c.vectors,
  });
}

// ------------------------------------------------------------------ GitLab

function gitlabBodies() {
  const project = { id: 15, name: "Diaspora", path_with_namespace: "mike/diaspora", web_url: "https://gitlab.example.com/mike/diaspora", default_branch: "main" };
  const push = JSON.stringify({
    object_kind: "push",
    event_name: "push",
    before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
    after: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    ref: "refs/heads/main",
    user_id: 4,
    user_name: "John Smith",
    user_username: "jsmith",
    project_id: 15,
    project,
    commits: [{ id: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", message: "Fix the café menu ☕\n", timestamp: "2026-09-21T16:13:00+02:00", author: { name: "John Smith", email: "jsmith@example.com" } }],
    total_commits_count: 1,
  });
  const mr = JSON.stringify({
    object_kind: "merge_request",
    event_type: "merge_request",
    user: { id: 1, name: "Administrator", username: "root" },
    project,
    object_attributes: { id: 99, iid: 1, title: "MS-Viewport", source_branch: "ms-viewport", target_branch: "main", state: "opened", action: "open", url: "https://gitlab.example.com/mike/diaspora/-/merge_requests/1" },
  });
  return { push, mr };
}

function gitlabHeaders(event, label) {
  return {
    "Content-Type": "application/json",
    "User-Agent": "GitLab/18.6.0",
    "X-Gitlab-Event": event,
    "X-Gitlab-Webhook-UUID": "b4d5e6f7-0a1b-4c2d-9e3f-405162738495",
    "X-Gitlab-Instance": "https://gitlab.example.com",
    "X-Gitlab-Event-UUID": uuid(`gitlab-event-${label}`),
    "Idempotency-Key": uuid(`gitlab-idempotency-${label}`),
  };
}

async function gitlab() {
  const TOKEN = "glwt-3f9a1c7e5b2d8e4a6c0f";
  const OTHER = "glwt-old-0123456789abcdef";
  const { push, mr } = gitlabBodies();
  const c = collector({ secrets: [TOKEN] });
  const hp = { ...gitlabHeaders("Push Hook", "push"), "X-Gitlab-Token": TOKEN };
  const hm = { ...gitlabHeaders("Merge Request Hook", "mr"), "X-Gitlab-Token": TOKEN };
  c.ok("Push Hook", { body: push, headers: hp, eventId: hp["Idempotency-Key"] });
  c.ok("Merge Request Hook", { body: mr, headers: hm, eventId: hm["Idempotency-Key"] });
  c.ok("rotation: receiver holds the old and the new token", { secrets: [OTHER, TOKEN], body: push, headers: hp, eventId: hp["Idempotency-Key"] });
  c.ok("body changed after sending: still accepted", { body: tamper(push, "John Smith", "Mallory"), headers: hp, eventId: hp["Idempotency-Key"], reason: "the token authenticates no byte of the body: anyone who saw one delivery can forge any other" });
  c.bad("wrong token", "another token", { secrets: [OTHER], body: push, headers: hp, eventId: hp["Idempotency-Key"] });
  const noTok = { ...hp };
  delete noTok["X-Gitlab-Token"];
  c.bad("X-Gitlab-Token absent", "no token (a webhook without a secret token sends none)", { body: push, headers: noTok, eventId: hp["Idempotency-Key"] });
  c.bad("X-Gitlab-Token empty", "an empty token must never match", { body: push, headers: { ...hp, "X-Gitlab-Token": "" }, eventId: hp["Idempotency-Key"] });
  c.bad("a prefix of the token", "compared whole", { body: push, headers: { ...hp, "X-Gitlab-Token": TOKEN.slice(0, -1) }, eventId: hp["Idempotency-Key"] });
  c.edge("the token with a trailing space", "HTTP strips the whitespace around a field value (RFC 9110, section 5.5), so a receiver behind an HTTP server never sees the space; the recipe compares the raw strings and refuses", { body: push, headers: { ...hp, "X-Gitlab-Token": TOKEN + " " }, eventId: hp["Idempotency-Key"] });
  c.bad("sha256=<HMAC of the body under the token>", "GitLab's token is not a MAC key: the header carries the token itself", { body: push, headers: { ...hp, "X-Gitlab-Token": "sha256=" + mac("sha256", TOKEN, push) }, eventId: hp["Idempotency-Key"] });
  await check(c.vectors, [{ label: `recipe: ${P.GITLAB_TOKEN_DOC}`, verify: P.gitlabTokenVerify }]);
  writeVectors("gitlab.json", {
    scheme: "X-Gitlab-Token: <the secret token as configured>, compared whole; no MAC, no time",
    signature_header: "X-Gitlab-Token",
    signer: "the documented behaviour (GitLab sends the configured token); no library involved",
    libraries: {},
    event_id: "Idempotency-Key header (unsigned; the same across retries of one event, GitLab 17.4+); X-Gitlab-Event-UUID (unsigned)",
    generated_by: "tests/vectors/node/generate_more.mjs",
    vectors: c.vectors,
  });

  // The signing token (Standard Webhooks), behind GitLab's webhook_signing_token feature flag.
  const KEY = "whsec_" + createHash("sha256").update("gitlab-signing-token").digest("base64");
  const OLDKEY = "whsec_" + createHash("sha256").update("gitlab-signing-token-old").digest("base64");
  const wh = new libs.standardwebhooks.Webhook(KEY);
  const signed = (body, label, t, key = wh, over = {}) => {
    const base = gitlabHeaders("Push Hook", label);
    const id = base["Idempotency-Key"];
    return { ...base, "webhook-id": id, "webhook-timestamp": String(t), "webhook-signature": key.sign(id, new Date(t * 1000), body), ...over };
  };
  const s = collector({ secrets: [KEY] });
  const T = NOW - 2;
  const hs = signed(push, "push", T);
  const eid = hs["webhook-id"];
  s.ok("Push Hook, signed", { body: push, headers: hs, eventId: eid, timestamp: String(T) });
  const hms = signed(mr, "mr", T);
  s.ok("Merge Request Hook, signed", { body: mr, headers: hms, eventId: hms["webhook-id"], timestamp: String(T) });
  s.ok("signed and with X-Gitlab-Token (both configured)", { body: push, headers: { ...hs, "X-Gitlab-Token": TOKEN }, eventId: eid, timestamp: String(T) });
  s.ok("rotation: receiver holds two signing tokens", { secrets: [OLDKEY, KEY], body: push, headers: hs, eventId: eid, timestamp: String(T) });
  s.bad("tampered body", "changed after signing", { body: tamper(push, "John Smith", "Mallory"), headers: hs, eventId: eid, timestamp: String(T) });
  s.bad("wrong signing token", "signed under another key", { secrets: [OLDKEY], body: push, headers: hs, eventId: eid, timestamp: String(T) });
  s.bad("webhook-timestamp 301 s old", "Standard Webhooks: 5 minutes either way", { body: push, headers: signed(push, "push", NOW - 301), eventId: eid, timestamp: String(NOW - 301) });
  s.bad("webhook-timestamp 301 s in the future", "Standard Webhooks: 5 minutes either way", { body: push, headers: signed(push, "push", NOW + 301), eventId: eid, timestamp: String(NOW + 301) });
  s.bad("webhook-id changed after signing", "the id is signed", { body: push, headers: { ...hs, "webhook-id": uuid("gitlab-other") }, eventId: uuid("gitlab-other"), timestamp: String(T) });
  s.bad("v1, with nothing after it", "an empty signature must never match", { body: push, headers: { ...hs, "webhook-signature": "v1," }, eventId: eid, timestamp: String(T) });
  const hexSig = "v1," + Buffer.from(hs["webhook-signature"].slice(3), "base64").toString("hex");
  s.bad("v1,<hex of the right MAC>", "the signature is base64", { body: push, headers: { ...hs, "webhook-signature": hexSig }, eventId: eid, timestamp: String(T) });
  const noSig = { ...hs };
  delete noSig["webhook-signature"];
  s.bad("webhook-signature absent (only X-Gitlab-Token)", "a receiver configured with a signing token requires the signature", { body: push, headers: { ...noSig, "X-Gitlab-Token": TOKEN }, eventId: eid, timestamp: String(T) });
  await check(s.vectors, [{ label: `standardwebhooks ${V.standardwebhooks} (Node) Webhook.verify`, verify: P.standardwebhooksVerify }]);
  writeVectors("gitlab_signing_token.json", {
    scheme: "Standard Webhooks: webhook-signature: v1,<base64 HMAC-SHA256 of \"{webhook-id}.{webhook-timestamp}.{body}\">, key = base64-decoded signing token (whsec_ + base64 of 32 bytes); webhook-id = Idempotency-Key",
    signature_header: "webhook-signature",
    tolerance_seconds: 300,
    signer: `standardwebhooks ${V.standardwebhooks} (npm) Webhook.sign, as GitLab's merge request 230944 describes`,
    libraries: { "standardwebhooks (npm)": V.standardwebhooks },
    event_id: "webhook-id header (signed) = Idempotency-Key",
    generated_by: "tests/vectors/node/generate_more.mjs",
    vectors: s.vectors,
  });
}

// ------------------------------------------------------------------ WorkOS

async function workos() {
  const SECRET = "wh_secret_8Jq2Lz5Xv9Nc3Rb7Tf1Hk6Pm";
  const OTHER = "wh_secret_0Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh";
  const tMs = NOW * 1000 - 1500;
  const sign = (t, body, secret = SECRET) => mac("sha256", secret, `${t}.${body}`);
  const header = (t, body, over = {}) => ({ "Content-Type": "application/json", "WorkOS-Signature": over.value ?? `t=${t}, v1=${sign(t, body, over.secret)}` });
  const user = JSON.stringify({
    id: "event_01K5TQH8J9X3N2M4P6R8T0V2W4",
    event: "user.created",
    data: { object: "user", id: "user_01K5TQG2A4B6C8D0E2F4G6H8J0", email: "todd@example.com", email_verified: true, first_name: "Todd", last_name: "Rundgren", created_at: iso(NOW - 3), updated_at: iso(NOW - 3) },
    created_at: iso(NOW - 2),
  });
  const dsync = JSON.stringify({
    id: "event_01K5TQJ1K2L3M4N5P6Q7R8S9T0",
    event: "dsync.user.created",
    data: { object: "directory_user", id: "directory_user_01E1X1B89NH8Z3SDFJR4H7RGX7", directory_id: "directory_01ECAZ4NV9QMV47GW873HDCX74", organization_id: "org_01EZTR6WYX1A0DSE2CYMGXQ24Y", first_name: "Renée", last_name: "Øster", emails: [{ primary: true, type: "work", value: "renee@example.com" }], state: "active", created_at: iso(NOW - 3), updated_at: iso(NOW - 3) },
    created_at: iso(NOW - 2),
  });
  const c = collector({ secrets: [SECRET] });
  const id = JSON.parse(user).id;
  c.ok("user.created", { body: user, headers: header(tMs, user), eventId: id, timestamp: String(tMs) });
  c.ok("dsync.user.created, non-ASCII names (UTF-8)", { body: dsync, headers: header(tMs, dsync), eventId: JSON.parse(dsync).id, timestamp: String(tMs) });
  c.ok("no space after the comma", { body: user, headers: header(tMs, user, { value: `t=${tMs},v1=${sign(tMs, user)}` }), eventId: id, timestamp: String(tMs), reason: "the SDK splits on ',' and takes the items by position" });
  c.ok("t exactly 180 000 ms old", { body: user, headers: header(NOW * 1000 - 180000, user), eventId: id, timestamp: String(NOW * 1000 - 180000), reason: "the SDK refuses only t < now - 180 000" });
  c.ok("rotation: receiver holds two secrets", { secrets: [OTHER, SECRET], body: user, headers: header(tMs, user), eventId: id, timestamp: String(tMs) });
  const good = header(tMs, user);
  const sig = sign(tMs, user);
  const base = { body: user, eventId: id, timestamp: String(tMs) };
  c.bad("tampered body", "changed after signing", { ...base, body: tamper(user, "todd@example.com", "mallory@example.com"), headers: good });
  c.bad("wrong secret", "signed under another secret", { ...base, secrets: [OTHER], headers: good });
  c.bad("t 180 001 ms old", "outside the SDK's default tolerance of 180 000 ms", { ...base, headers: header(NOW * 1000 - 180001, user), timestamp: String(NOW * 1000 - 180001) });
  c.bad("t in seconds, correctly signed", "WorkOS's t is milliseconds: read as ms, it is 1970", { ...base, headers: header(NOW - 1, user), timestamp: String(NOW - 1) });
  c.bad("t changed after signing", "t is signed as sent", { ...base, headers: header(tMs, user, { value: `t=${tMs + 1}, v1=${sig}` }), timestamp: String(tMs + 1) });
  c.bad("WorkOS-Signature absent", "no signature", { ...base, headers: { "Content-Type": "application/json" } });
  c.bad("v1= with nothing after it", "an empty signature must never match", { ...base, headers: header(tMs, user, { value: `t=${tMs}, v1=` }) });
  c.bad("hex missing its last digit", "a prefix of the right signature", { ...base, headers: header(tMs, user, { value: `t=${tMs}, v1=${sig.slice(0, -1)}` }) });
  c.bad("v1=<base64 of the right MAC>", "WorkOS sends hex", { ...base, headers: header(tMs, user, { value: `t=${tMs}, v1=${Buffer.from(sig, "hex").toString("base64")}` }) });
  c.bad("v1=<HMAC-SHA1 hex>", "WorkOS's MAC is HMAC-SHA256", { ...base, headers: header(tMs, user, { value: `t=${tMs}, v1=${mac("sha1", SECRET, `${tMs}.${user}`)}` }) });
  c.bad("MAC of the body alone", "the signed message is {t}.{body}", { ...base, headers: header(tMs, user, { value: `t=${tMs}, v1=${mac("sha256", SECRET, user)}` }) });
  c.bad("only v1, no t", "no timestamp", { ...base, headers: header(tMs, user, { value: `v1=${sig}` }) });
  c.edge("t an hour in the future, correctly signed", "the SDK bounds only the age", { ...base, headers: header(NOW * 1000 + 3600000, user), timestamp: String(NOW * 1000 + 3600000) });
  c.edge("second item named sha256= instead of v1=", "the SDK reads the items by position and ignores their names, so it accepts; a strict parser refuses", { ...base, headers: header(tMs, user, { value: `t=${tMs}, sha256=${sig}` }) });
  c.edge("upper-case hex", "WorkOS sends lower case; the SDK compares strings and refuses, a receiver that decodes hex accepts", { ...base, headers: header(tMs, user, { value: `t=${tMs}, v1=${sig.toUpperCase()}` }) });
  await check(c.vectors, [{ label: `@workos-inc/node ${V["@workos-inc/node"]} webhooks.verifyHeader`, verify: P.workosVerify }]);
  writeVectors("workos.json", {
    scheme: "WorkOS-Signature: t=<unix ms>, v1=<hex HMAC-SHA256 of \"{t}.{body}\">, key = the endpoint's secret (UTF-8); SDK tolerance 180 000 ms, past only",
    signature_header: "WorkOS-Signature",
    tolerance_seconds: 180,
    signer: "node:crypto following @workos-inc/node's SignatureProvider.computeSignature",
    libraries: { "@workos-inc/node (npm)": V["@workos-inc/node"] },
    event_id: "body id (event_…, signed)",
    generated_by: "tests/vectors/node/generate_more.mjs",
    vectors: c.vectors,
  });
}

// ------------------------------------------------------------------ Mux

async function mux() {
  const SECRET = "mux-wh-3q8ZkL2pX7vN5cR9tB1hJ6mF4sD0aGe";
  const OTHER = "mux-wh-old-1A2b3C4d5E6f7G8h9I0j";
  const T = NOW - 2;
  const sign = (t, body, secret = SECRET) => mac("sha256", secret, `${t}.${body}`);
  const header = (value) => ({ "Content-Type": "application/json", "Mux-Signature": value });
  const ready = JSON.stringify({
    type: "video.asset.ready",
    object: { type: "asset", id: "0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002" },
    id: "3a56ac3d-33da-4366-855b-f592d898409d",
    environment: { name: "Production", id: "j0863n" },
    data: { status: "ready", playback_ids: [{ policy: "public", id: "uNbxnGLKJ00yfbijDO8COxTOyVKT01xpxW" }], id: "0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002", duration: 23.8238, created_at: T - 60, aspect_ratio: "16:9", passthrough: "vidéo-42" },
    created_at: iso(T).replace(".000Z", ".000000Z"),
    attempts: [],
    accessor_source: null,
    accessor: null,
    request_id: null,
  });
  const id = JSON.parse(ready).id;
  const sig = sign(T, ready);
  const c = collector({ secrets: [SECRET], eventId: id });
  const base = { body: ready, timestamp: String(T) };
  c.ok("video.asset.ready", { ...base, headers: header(`t=${T},v1=${sig}`) });
  c.ok("two v1 items, the second right (rotation on Mux's side)", { ...base, headers: header(`t=${T},v1=${sign(T, ready, OTHER)},v1=${sig}`) });
  c.ok("rotation: receiver holds two secrets", { ...base, secrets: [OTHER, SECRET], headers: header(`t=${T},v1=${sig}`) });
  c.ok("t exactly 300 s old", { ...base, headers: header(`t=${NOW - 300},v1=${sign(NOW - 300, ready)}`), timestamp: String(NOW - 300), reason: "the SDK refuses only an age > 300 s" });
  c.bad("tampered body", "changed after signing", { ...base, body: tamper(ready, "vidéo-42", "vidéo-43"), headers: header(`t=${T},v1=${sig}`) });
  c.bad("wrong secret", "signed under another secret", { ...base, secrets: [OTHER], headers: header(`t=${T},v1=${sig}`) });
  c.bad("t 301 s old", "outside the SDK's 300 s", { ...base, headers: header(`t=${NOW - 301},v1=${sign(NOW - 301, ready)}`), timestamp: String(NOW - 301) });
  c.bad("t changed after signing", "t is signed", { ...base, headers: header(`t=${T + 1},v1=${sig}`), timestamp: String(T + 1) });
  c.bad("Mux-Signature absent", "no signature", { ...base, headers: { "Content-Type": "application/json" } });
  c.bad("v1= with nothing after it", "an empty signature must never match", { ...base, headers: header(`t=${T},v1=`) });
  c.bad("no t item", "no timestamp", { ...base, headers: header(`v1=${sig}`) });
  c.bad("v1=<base64 of the right MAC>", "Mux sends hex", { ...base, headers: header(`t=${T},v1=${Buffer.from(sig, "hex").toString("base64")}`) });
  c.bad("v1=<HMAC-SHA1 hex>", "Mux's MAC is HMAC-SHA256", { ...base, headers: header(`t=${T},v1=${mac("sha1", SECRET, `${T}.${ready}`)}`) });
  c.bad("v0=<right hex> only", "only v1 items are read", { ...base, headers: header(`t=${T},v0=${sig}`) });
  c.edge("space after the comma", "the SDK splits on ',' without trimming (' v1' is not v1) and refuses; a parser that allows optional whitespace around list items, as HTTP lists do, accepts", { ...base, headers: header(`t=${T}, v1=${sig}`) });
  c.edge("t an hour in the future, correctly signed", "the SDK bounds only the age", { ...base, headers: header(`t=${NOW + 3600},v1=${sign(NOW + 3600, ready)}`), timestamp: String(NOW + 3600) });
  c.edge("upper-case hex", "Mux sends lower case; the SDK compares strings and refuses, a receiver that decodes hex accepts", { ...base, headers: header(`t=${T},v1=${sig.toUpperCase()}`) });
  await check(c.vectors, [{ label: `@mux/mux-node ${V["@mux/mux-node"]} webhooks.verifySignature`, verify: P.muxVerify }]);
  writeVectors("mux.json", {
    scheme: "Mux-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of \"{t}.{body}\">[,v1=…], key = the webhook signing secret (UTF-8); SDK tolerance 300 s, past only",
    signature_header: "Mux-Signature",
    tolerance_seconds: 300,
    signer: "node:crypto following @mux/mux-node's Webhooks.computeSignature",
    libraries: { "@mux/mux-node (npm)": V["@mux/mux-node"] },
    event_id: "body id (UUID, signed)",
    generated_by: "tests/vectors/node/generate_more.mjs",
    vectors: c.vectors,
  });
}

// ------------------------------------------------------------------ Notion

async function notion() {
  const TOKEN = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl";
  const OTHER = "secret_0000000000aaaaaaaaaabbbbbbbbbbccccccccccdd";
  const created = JSON.stringify({
    id: "367cba44-b6f3-4c92-81e7-6a2e9659efd4",
    timestamp: iso(NOW - 2),
    workspace_id: "13950b26-c203-4f3b-b97d-93ec06319565",
    workspace_name: "Quantify Labs",
    subscription_id: "29d75c0d-5546-4414-8459-7b7a92f1fc4b",
    integration_id: "0ef2e755-4912-8096-91c1-00376a88a5ca",
    type: "page.created",
    authors: [{ id: "c7c11cca-1d73-471d-9b6e-bdef51470190", type: "person" }],
    accessible_by: [{ id: "556a1abf-4f08-40c6-878a-75890d2a88ba", type: "person" }],
    attempt_number: 1,
    entity: { id: "153104cd-477e-809d-8dc4-ff2d96ae3090", type: "page" },
    data: { parent: { id: "13950b26-c203-4f3b-b97d-93ec06319565", type: "space" } },
  });
  const id = JSON.parse(created).id;
  const sig = "sha256=" + mac("sha256", TOKEN, created);
  const h = (value) => ({ "Content-Type": "application/json", "X-Notion-Signature": value });
  const c = collector({ secrets: [TOKEN], eventId: id });
  c.ok("page.created", { body: created, headers: h(sig) });
  c.ok("rotation: receiver holds two verification tokens", { secrets: [OTHER, TOKEN], body: created, headers: h(sig) });
  const retried = JSON.stringify({ ...JSON.parse(created), attempt_number: 2 });
  c.ok("redelivery: attempt_number 2, the same id", { body: retried, headers: h("sha256=" + mac("sha256", TOKEN, retried)) });
  c.bad("tampered body", "changed after signing", { body: tamper(created, "page.created", "page.deleted"), headers: h(sig) });
  c.bad("wrong verification token", "signed under another token", { secrets: [OTHER], body: created, headers: h(sig) });
  c.bad("X-Notion-Signature absent", "no signature", { body: created, headers: { "Content-Type": "application/json" } });
  c.bad("sha256= with nothing after it", "an empty signature must never match", { body: created, headers: h("sha256=") });
  c.bad("bare hex without sha256=", "Notion sends sha256=<hex>", { body: created, headers: h(sig.slice(7)) });
  c.bad("hex missing its last digit", "a prefix of the right signature", { body: created, headers: h(sig.slice(0, -1)) });
  c.bad("sha256=<base64 of the right MAC>", "Notion sends hex", { body: created, headers: h("sha256=" + Buffer.from(sig.slice(7), "hex").toString("base64")) });
  c.bad("sha1=<HMAC-SHA1 hex>", "Notion's MAC is HMAC-SHA256", { body: created, headers: h("sha1=" + mac("sha1", TOKEN, created)) });
  c.bad("v1=<right hex> (another provider's prefix)", "the prefix is sha256=", { body: created, headers: h("v1=" + sig.slice(7)) });
  c.edge("upper-case hex", "Notion sends lower case (unconfirmed); the SDK lower-cases the hex before comparing and accepts", { body: created, headers: h("sha256=" + sig.slice(7).toUpperCase()) });
  await check(c.vectors, [{ label: `@notionhq/client ${V["@notionhq/client"]} verifyWebhookSignature`, verify: P.notionVerify }]);
  writeVectors("notion.json", {
    scheme: "X-Notion-Signature: sha256=<hex HMAC-SHA256 of the raw body>, key = the subscription's verification_token (UTF-8); no time",
    signature_header: "X-Notion-Signature",
    signer: "@notionhq/client's recipe (signWebhookPayload computes the same) via node:crypto",
    libraries: { "@notionhq/client (npm)": V["@notionhq/client"] },
    event_id: "body id (signed); attempt_number counts deliveries",
    generated_by: "tests/vectors/node/generate_more.mjs",
    vectors: c.vectors,
  });
}

await linear();
await zoom();
await shopify();
await twitch();
await gitlab();
await workos();
await mux();
await notion();

if (failures.length) {
  console.error("library verdicts differ from the vectors:\n  " + failures.join("\n  "));
  process.exit(1);
}

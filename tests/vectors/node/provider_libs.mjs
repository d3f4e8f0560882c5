// The providers' own Node libraries, wrapped as one kind of verifier.
//
// Shared by generate.mjs (which confirms every vector's verdict with them) and
// verify_deliveries.mjs (which checks deliveries made by this crate's signer).
// Each verifier takes the secrets a receiver has configured, the raw body (a
// Buffer), the request headers and the receiver's clock (Unix seconds, or null
// for the real clock), and answers { ok, message }; a library that throws is a
// refusal, and the message names the exception.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { createHmac } from "node:crypto";

const require = createRequire(import.meta.url);

// Loaded lazily so that a missing package is reported by the caller, by name.
export async function load() {
  const libs = {};
  libs.octokit = await import("@octokit/webhooks-methods");
  // The browser build (crypto.subtle), which parses the header differently.
  libs.octokitWeb = await import(
    new URL("./node_modules/@octokit/webhooks-methods/dist-web/index.js", import.meta.url)
  );
  libs.standardwebhooks = require("standardwebhooks");
  libs.svix = require("svix");
  libs.stripe = require("stripe");
  libs.commet = require("@commet/node");
  libs.linear = await import("@linear/sdk/webhooks");
  libs.zoom = await import("@zoom/rivet/meetings");
  await import("@shopify/shopify-api/adapters/web-api");
  libs.shopify = await import("@shopify/shopify-api");
  // Twurple checks signatures in a method of its HTTP listener's base class,
  // which the package does not export; the file is loaded by path.
  libs.twurple = require(new URL("./node_modules/@twurple/eventsub-http/lib/EventSubHttpBase.js", import.meta.url).pathname);
  libs.workos = await import("@workos-inc/node");
  libs.mux = await import("@mux/mux-node");
  libs.notion = require("@notionhq/client");
  return libs;
}

export function versions() {
  const version = (name) =>
    JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version;
  return {
    "@octokit/webhooks-methods": version("@octokit/webhooks-methods"),
    standardwebhooks: version("standardwebhooks"),
    svix: version("svix"),
    stripe: version("stripe"),
    "@commet/node": version("@commet/node"),
    "@linear/sdk": version("@linear/sdk"),
    "@zoom/rivet": version("@zoom/rivet"),
    "@shopify/shopify-api": version("@shopify/shopify-api"),
    "@twurple/eventsub-http": version("@twurple/eventsub-http"),
    "@workos-inc/node": version("@workos-inc/node"),
    "@mux/mux-node": version("@mux/mux-node"),
    "@notionhq/client": version("@notionhq/client"),
  };
}

export function header(headers, name) {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

async function withClock(now, run) {
  if (now === null || now === undefined) return run();
  const real = Date.now;
  Date.now = () => now * 1000;
  try {
    return await run();
  } finally {
    Date.now = real;
  }
}

// Accepted when any secret is; otherwise the distinct refusals, in order.
async function anySecret(secrets, attempt) {
  const refusals = [];
  for (const secret of secrets) {
    let result;
    try {
      result = await attempt(secret);
    } catch (error) {
      result = { ok: false, message: `threw ${error.constructor.name}: ${firstLine(error.message)}` };
    }
    if (result.ok) return { ok: true, message: "accepted", answer: result.answer };
    if (!refusals.includes(result.message)) refusals.push(result.message);
  }
  return { ok: false, message: refusals.join(" | ") };
}

function firstLine(text) {
  return String(text).split("\n")[0].trim();
}

export function stripeVerify(libs, secrets, body, headers, now, headerName = "Stripe-Signature", tolerance = 300) {
  const value = header(headers, headerName);
  return anySecret(secrets, (secret) => {
    libs.stripe.webhooks.signature.verifyHeader(
      body,
      value,
      secret,
      tolerance,
      undefined,
      now === null || now === undefined ? undefined : now * 1000,
    );
    return { ok: true };
  });
}

export function standardwebhooksVerify(libs, secrets, body, headers, now) {
  return withClock(now, () =>
    anySecret(secrets, (secret) => {
      new libs.standardwebhooks.Webhook(secret).verify(body, { ...headers }, { jsonParse: false });
      return { ok: true };
    }),
  );
}

export function svixVerify(libs, secrets, body, headers, now) {
  return withClock(now, () =>
    anySecret(secrets, (secret) => {
      new libs.svix.Webhook(secret).verify(body, { ...headers });
      return { ok: true };
    }),
  );
}

export function commetVerify(libs, secrets, body, headers) {
  const signature = header(headers, "X-Commet-Signature");
  return anySecret(secrets, (secret) => {
    const ok = new libs.commet.Webhooks().verify({ payload: body.toString("utf8"), signature, secret });
    return ok ? { ok: true } : { ok: false, message: "verify returned false" };
  });
}

// GitHub sends one signature; a receiver rotating secrets tries each one, as
// octokit's verifyWithFallback does.
export async function octokitVerify(libs, secrets, body, headers) {
  const signature = header(headers, "X-Hub-Signature-256");
  try {
    const ok = await libs.octokit.verifyWithFallback(secrets[0], body.toString("utf8"), signature, secrets.slice(1));
    return ok ? { ok: true, message: "accepted" } : { ok: false, message: "verifyWithFallback returned false" };
  } catch (error) {
    return { ok: false, message: `threw ${error.constructor.name}: ${firstLine(error.message)}` };
  }
}

export async function octokitWebVerify(libs, secrets, body, headers) {
  const signature = header(headers, "X-Hub-Signature-256");
  try {
    const ok = await libs.octokitWeb.verifyWithFallback(secrets[0], body.toString("utf8"), signature, secrets.slice(1));
    return ok ? { ok: true, message: "accepted" } : { ok: false, message: "verifyWithFallback returned false" };
  } catch (error) {
    return { ok: false, message: `threw ${error.constructor.name}: ${firstLine(error.message)}` };
  }
}

// Linear (@linear/sdk/webhooks): LinearWebhookClient.verify compares the hex
// MAC of the raw body as a string, then requires the body's webhookTimestamp
// (ms) within 60 s of Date.now(), both ways; it throws on any failure.
export function linearVerify(libs, secrets, body, headers, now) {
  const signature = header(headers, libs.linear.LINEAR_WEBHOOK_SIGNATURE_HEADER);
  return withClock(now, () =>
    anySecret(secrets, (secret) => {
      if (!signature) return { ok: false, message: "no linear-signature header (the SDK's handler answers 400 Missing webhook signature)" };
      new libs.linear.LinearWebhookClient(secret).verify(body, signature);
      return { ok: true };
    }),
  );
}

// Zoom (@zoom/rivet): the whole AWS Lambda receiver, as a request would meet
// it; it answers 200 for a verified event and for the url_validation
// handshake (with the answer as its body), 400 otherwise. Rivet signs
// JSON.stringify(JSON.parse(body)), not the raw body, and checks no time.
export async function zoomVerify(libs, secrets, body, headers) {
  const realDebug = console.debug;
  console.debug = () => {};
  try {
    return await anySecret(secrets, async (secret) => {
      const receiver = new libs.zoom.AwsLambdaReceiver({ webhooksSecretToken: secret });
      receiver.init({ eventEmitter: { emit: async () => {} } });
      const response = await receiver.start()({ body: body.toString("utf8"), headers: { ...headers }, isBase64Encoded: false }, {});
      if (response.statusCode !== 200) return { ok: false, message: `${response.statusCode} ${response.body}` };
      const answer = JSON.parse(response.body);
      return { ok: true, answer: "encryptedToken" in answer ? answer : undefined };
    });
  } finally {
    console.debug = realDebug;
  }
}

// Shopify (@shopify/shopify-api, web-api adapter): shopify.webhooks.validate,
// which checks the base64 HMAC (X-Shopify-Hmac-Sha256, or shopify-hmac-sha256
// for Events deliveries) and then requires the topic, shop domain, API version
// and webhook id headers. The app's client secret is the key.
export function shopifyVerify(libs, secrets, body, headers) {
  return anySecret(secrets, async (secret) => {
    const shopify = libs.shopify.shopifyApi({
      apiKey: "vectors-api-key",
      apiSecretKey: secret,
      apiVersion: libs.shopify.ApiVersion.October25,
      hostName: "vectors.example.com",
      isEmbeddedApp: false,
      logger: { log: async () => {}, level: libs.shopify.LogSeverity.Error },
    });
    const rawRequest = new Request("https://vectors.example.com/webhooks", { method: "POST", headers: { ...headers }, body });
    const result = await shopify.webhooks.validate({ rawBody: body.toString("utf8"), rawRequest });
    if (result.valid) return { ok: true };
    const missing = result.missingHeaders ? ` (${result.missingHeaders.join(", ")})` : "";
    return { ok: false, message: `validate: ${result.reason}${missing}` };
  });
}

// Twitch EventSub (@twurple/eventsub-http, a third-party library: Twitch
// publishes none): EventSubHttpBase._verifyData (sha256= prefix, hex decoded,
// compared as bytes), then, for notifications only, the listener's own rule
// that drops a message whose timestamp is more than 10 minutes old (it answers
// 202 first). Called on a bare object: the listener needs an API client.
export function twurpleVerify(libs, secrets, body, headers, now) {
  const id = header(headers, "Twitch-Eventsub-Message-Id");
  const timestamp = header(headers, "Twitch-Eventsub-Message-Timestamp");
  const signature = header(headers, "Twitch-Eventsub-Message-Signature");
  const type = header(headers, "Twitch-Eventsub-Message-Type");
  return withClock(now, () =>
    anySecret(secrets, (secret) => {
      if (signature === undefined) return { ok: false, message: "no signature header (twurple answers 410)" };
      const verified = libs.twurple.EventSubHttpBase.prototype._verifyData.call({ _secret: secret }, id, timestamp, body.toString("utf8"), signature);
      if (!verified) return { ok: false, message: "_verifyData returned false (twurple answers 410)" };
      if (type === "notification" && new Date(timestamp).getTime() < Date.now() - 10 * 60 * 1000) {
        return { ok: false, message: "dropped: older than 10 minutes (after answering 202)" };
      }
      return { ok: true };
    }),
  );
}

// WorkOS (@workos-inc/node): webhooks.verifyHeader. WorkOS-Signature is
// "t=<ms>, v1=<hex>"; the SDK takes the first two comma-separated items by
// position, signs "{t}.{body}" with t as sent, and refuses t older than
// 180 000 ms (no bound on the future).
export function workosVerify(libs, secrets, body, headers, now) {
  const sigHeader = header(headers, "WorkOS-Signature");
  return withClock(now, () =>
    anySecret(secrets, async (secret) => {
      if (sigHeader === undefined) return { ok: false, message: "no WorkOS-Signature header" };
      const workos = new libs.workos.WorkOS("sk_test_vectors");
      await workos.webhooks.verifyHeader({ payload: body.toString("utf8"), sigHeader, secret });
      return { ok: true };
    }),
  );
}

// Mux (@mux/mux-node): webhooks.verifySignature. Mux-Signature is
// "t=<s>,v1=<hex>"; every v1 is tried; t older than 300 s is refused (no bound
// on the future).
export function muxVerify(libs, secrets, body, headers, now) {
  return withClock(now, () =>
    anySecret(secrets, async (secret) => {
      const mux = new libs.mux.Mux({ tokenId: "vectors", tokenSecret: "vectors" });
      await mux.webhooks.verifySignature(body.toString("utf8"), { ...headers }, secret);
      return { ok: true };
    }),
  );
}

// Notion (@notionhq/client): verifyWebhookSignature, X-Notion-Signature:
// sha256=<hex>, key = the subscription's verification_token; hex is
// lower-cased before comparing; returns false rather than throwing.
export function notionVerify(libs, secrets, body, headers) {
  const signature = header(headers, "X-Notion-Signature");
  return anySecret(secrets, async (secret) => {
    const ok = await libs.notion.verifyWebhookSignature({ body: new Uint8Array(body), signature, verificationToken: secret });
    return ok ? { ok: true } : { ok: false, message: "verifyWebhookSignature returned false" };
  });
}

// ------------------------------------------------------------------ recipes
// Not libraries: the documented recipes of two providers, used beside twurple
// (Twitch) and alone (GitLab's token, which is no MAC), labelled "recipe".

export const TWITCH_DOC = "https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message";

// Twitch's documented recipe, for comparison with twurple: HMAC-SHA256 over
// id + timestamp + body, "sha256=" + lower-case hex compared whole; refuse a
// message whose timestamp is more than 10 minutes old.
export function twitchRecipeVerify(_libs, secrets, body, headers, now) {
  const id = header(headers, "Twitch-Eventsub-Message-Id");
  const timestamp = header(headers, "Twitch-Eventsub-Message-Timestamp");
  const signature = header(headers, "Twitch-Eventsub-Message-Signature");
  if (signature === undefined || id === undefined || timestamp === undefined) return { ok: false, message: "recipe: a required header is missing" };
  const fresh = Date.parse(timestamp) >= (now ?? Date.now() / 1000) * 1000 - 10 * 60 * 1000;
  for (const secret of secrets) {
    if ("sha256=" + createHmac("sha256", secret).update(Buffer.concat([Buffer.from(id + timestamp), body])).digest("hex") === signature) {
      return fresh ? { ok: true, message: "accepted" } : { ok: false, message: "recipe: older than 10 minutes" };
    }
  }
  return { ok: false, message: "recipe: signature mismatch" };
}

export const GITLAB_TOKEN_DOC = "https://docs.gitlab.com/user/project/integrations/webhooks/#create-a-webhook";

// GitLab's secret token is compared whole (GitLab sends it as configured).
export function gitlabTokenVerify(_libs, secrets, _body, headers) {
  const token = header(headers, "X-Gitlab-Token");
  if (token === undefined) return { ok: false, message: "recipe: no X-Gitlab-Token header" };
  return secrets.some((s) => s.length > 0 && s === token) ? { ok: true, message: "accepted" } : { ok: false, message: "recipe: token differs" };
}

export function bodyOf(entry) {
  if ("body" in entry) return Buffer.from(entry.body, "utf8");
  return Buffer.from(entry.body_base64, "base64");
}

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
    if (result.ok) return { ok: true, message: "accepted" };
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

export function bodyOf(entry) {
  if ("body" in entry) return Buffer.from(entry.body, "utf8");
  return Buffer.from(entry.body_base64, "base64");
}

// Writes github.json (signatures from @octokit/webhooks-methods) and adds the
// Node libraries' verdicts to stripe.json, standard_webhooks.json and
// commet.json, which tests/vectors/generate_providers.py wrote first.
//
// Rerun from the repository root, after the Python generator:
//
//     npm ci --prefix tests/vectors/node
//     node tests/vectors/node/generate.mjs
//
// Every GitHub signature comes from octokit's `sign`, except the legacy
// X-Hub-Signature (SHA-1), which octokit no longer makes: node:crypto computes
// it, and the file says so. For a "conformance" vector, octokit's Node build
// (the one a server loads) must agree with `valid`, and so must every Node
// library that reads a Python-made vector: the run stops otherwise. Deterministic.

import { createHmac, createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import * as P from "./provider_libs.mjs";

const HERE = new URL("../", import.meta.url);
const NOW = 1790000000;

let libs;
try {
  libs = await P.load();
} catch (error) {
  console.error(`missing provider library (${error.message}); run: npm ci --prefix tests/vectors/node`);
  process.exit(2);
}
const V = P.versions();
const failures = [];

function readVectors(name) {
  return JSON.parse(readFileSync(new URL(name, HERE), "utf8"));
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

// Runs each applicable verifier, records its verdict, and holds conformance
// vectors to `valid` unless the verifier is marked `informational`.
async function check(vectors, verifiers) {
  for (const entry of vectors) {
    entry.library ??= {};
    for (const { label, verify, applies = () => true, informational = false } of verifiers) {
      if (!applies(entry)) continue;
      const { ok, message } = await verify(libs, entry.secrets, P.bodyOf(entry), entry.headers, entry.now);
      entry.library[label] = message;
      if (entry.kind === "conformance" && !informational && ok !== entry.valid) {
        failures.push(`${entry.name}: ${label} says ${JSON.stringify(message)}, vector says valid=${entry.valid}`);
      }
    }
  }
}

const webhookHeaders = (entry) => !Object.keys(entry.headers).some((k) => k.toLowerCase().startsWith("svix-"));

// ------------------------------------------------------------ Python-made files

{
  const doc = readVectors("stripe.json");
  await check(doc.vectors, [{ label: `stripe ${V.stripe} (Node)`, verify: P.stripeVerify }]);
  doc.libraries["stripe (npm)"] = V.stripe;
  writeVectors("stripe.json", doc);
}
{
  const doc = readVectors("standard_webhooks.json");
  await check(doc.vectors, [
    { label: `standardwebhooks ${V.standardwebhooks} (Node)`, verify: P.standardwebhooksVerify, applies: webhookHeaders },
    { label: `svix ${V.svix} (Node)`, verify: P.svixVerify },
  ]);
  doc.libraries["standardwebhooks (npm)"] = V.standardwebhooks;
  doc.libraries["svix (npm)"] = V.svix;
  writeVectors("standard_webhooks.json", doc);
}
{
  const doc = readVectors("commet.json");
  await check(doc.vectors, [{ label: `@commet/node ${V["@commet/node"]}`, verify: P.commetVerify }]);
  doc.libraries["@commet/node (npm)"] = V["@commet/node"];
  writeVectors("commet.json", doc);
}

// ------------------------------------------------------------------- GitHub

// GitHub's published example (docs.github.com, "Validating webhook deliveries").
const PUBLISHED = {
  secret: "It's a Secret to Everybody",
  body: "Hello, World!",
  signature: "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
};
const SECRET = "gh-webhook-secret-3f8a1c9e7b2d4f60";
const OLD = "gh-webhook-secret-previous-0a1b2c3d";

const sign = (secret, body) => libs.octokit.sign(secret, body.toString("utf8"));
const sha1 = (secret, body) => "sha1=" + createHmac("sha1", secret).update(body).digest("hex");

// Deterministic stand-ins for GitHub's GUIDs.
function guid(label) {
  const h = createHash("sha256").update(label).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function ghHeaders(event, delivery, body, secret, overrides = {}) {
  return {
    "Content-Type": "application/json",
    "User-Agent": "GitHub-Hookshot/7a3c9e1",
    "X-GitHub-Event": event,
    "X-GitHub-Delivery": delivery,
    "X-GitHub-Hook-ID": "512345678",
    "X-GitHub-Hook-Installation-Target-Type": "repository",
    "X-GitHub-Hook-Installation-Target-ID": "987654321",
    "X-Hub-Signature": sha1(secret, body),
    ...overrides,
  };
}

function bodyFields(body) {
  const text = body.toString("utf8");
  return Buffer.from(text, "utf8").equals(body) ? { body: text } : { body_base64: body.toString("base64") };
}

function vector(name, kind, secrets, body, headers, { valid, reason, eventId } = {}) {
  const entry = { name, kind, secrets, ...bodyFields(body), headers, event_id: eventId ?? null, now: NOW };
  if (kind === "conformance") entry.valid = valid;
  if (reason) entry.reason = reason;
  return entry;
}

function longBody(label, size = 64 * 1024) {
  const head = `{"id":"${label}","data":"`;
  const tail = '"}';
  const unit = "lorem ipsum dolor sit amet — ünïcødé 🔑 ";
  let text = "";
  while (Buffer.byteLength(head + text + unit + tail) <= size) text += unit;
  const pad = size - Buffer.byteLength(head + text + tail);
  return Buffer.from(head + text + "x".repeat(pad) + tail, "utf8");
}

async function githubVectors() {
  const repo = { id: 987654321, name: "hello-world", full_name: "octo-org/hello-world", private: false };
  const issues = Buffer.from(
    JSON.stringify({
      action: "opened",
      issue: { id: 2468013579, number: 42, title: "Found a bug", user: { login: "octocat", id: 1 }, state: "open" },
      repository: repo,
      sender: { login: "octocat", id: 1 },
    }),
  );
  const d1 = guid("issues-opened");
  const sig = await sign(SECRET, issues);
  const v = [];
  const ok = (name, secrets, body, headers, eventId) => v.push(vector(name, "conformance", secrets, body, headers, { valid: true, eventId }));
  const bad = (name, secrets, body, headers, reason) =>
    v.push(vector(name, "conformance", secrets, body, headers, { valid: false, reason, eventId: d1 }));
  const edge = (name, secrets, body, headers, reason) => v.push(vector(name, "library-edge", secrets, body, headers, { reason, eventId: d1 }));

  const publishedBody = Buffer.from(PUBLISHED.body);
  const published = await sign(PUBLISHED.secret, publishedBody);
  if (published !== PUBLISHED.signature) {
    failures.push(`octokit no longer reproduces GitHub's published example: ${published}`);
  }
  ok("GitHub's published example", [PUBLISHED.secret], publishedBody, { "X-Hub-Signature-256": PUBLISHED.signature }, null);
  ok("issues.opened, both signature headers", [SECRET], issues, ghHeaders("issues", d1, issues, SECRET, { "X-Hub-Signature-256": sig }), d1);
  const ping = Buffer.from(JSON.stringify({ zen: "Design for failure.", hook_id: 512345678, repository: repo, sender: { login: "octocat", id: 1 } }));
  const d2 = guid("ping");
  ok("ping", [SECRET], ping, ghHeaders("ping", d2, ping, SECRET, { "X-Hub-Signature-256": await sign(SECRET, ping) }), d2);
  ok("one-character secret (GitHub takes any)", ["a"], issues, ghHeaders("issues", d1, issues, "a", { "X-Hub-Signature-256": await sign("a", issues) }), d1);
  const uniSecret = "clé-secrète-ünïcødé-🔑";
  ok("non-ASCII secret (its UTF-8 bytes are the key)", [uniSecret], issues,
    ghHeaders("issues", d1, issues, uniSecret, { "X-Hub-Signature-256": await sign(uniSecret, issues) }), d1);
  const uni = Buffer.from(JSON.stringify({ action: "edited", issue: { number: 42, title: "Zoë Ångström 山田 — naïve café 👍" }, repository: repo }));
  const d3 = guid("issues-edited");
  ok("non-ASCII body (UTF-8)", [SECRET], uni, ghHeaders("issues", d3, uni, SECRET, { "X-Hub-Signature-256": await sign(SECRET, uni) }), d3);
  const big = longBody("github_long_64k");
  const d4 = guid("long");
  ok("64 KiB body", [SECRET], big, ghHeaders("push", d4, big, SECRET, { "X-Hub-Signature-256": await sign(SECRET, big) }), d4);
  ok("rotation: receiver holds the old and the new secret, delivery signed under the new", [OLD, SECRET], issues,
    ghHeaders("issues", d1, issues, SECRET, { "X-Hub-Signature-256": sig }), d1);

  const hex = sig.slice("sha256=".length);
  const h = (overrides) => ghHeaders("issues", d1, issues, SECRET, overrides);
  bad("sha256= with nothing after it", [SECRET], issues, h({ "X-Hub-Signature-256": "sha256=" }), "an empty signature must never match");
  bad("bare hex without sha256=", [SECRET], issues, h({ "X-Hub-Signature-256": hex }), "GitHub sends sha256=<hex>");
  bad("SHA256= in capitals", [SECRET], issues, h({ "X-Hub-Signature-256": "SHA256=" + hex }), "the prefix is sha256=");
  bad("hex missing its last digit", [SECRET], issues, h({ "X-Hub-Signature-256": sig.slice(0, -1) }), "a prefix of the right signature");
  bad("hex truncated to 32 digits", [SECRET], issues, h({ "X-Hub-Signature-256": "sha256=" + hex.slice(0, 32) }), "a prefix of the right signature");
  bad("wrong secret", [OLD], issues, h({ "X-Hub-Signature-256": sig }), "signed under another secret");
  bad("tampered body", [SECRET], Buffer.from(issues.toString().replace("Found a bug", "Found two bugs")), h({ "X-Hub-Signature-256": sig }),
    "the title was changed after signing");
  bad("only the legacy X-Hub-Signature (SHA-1), though it is right", [SECRET], issues, h({}), "SHA-1 alone must not be accepted");
  const sha1hex = sha1(SECRET, issues).slice("sha1=".length);
  bad("the SHA-1 MAC under sha256=", [SECRET], issues, h({ "X-Hub-Signature-256": "sha256=" + sha1hex }), "a SHA-1 MAC is not a SHA-256 one");
  bad("sha1=<right SHA-1 MAC> in X-Hub-Signature-256", [SECRET], issues, h({ "X-Hub-Signature-256": "sha1=" + sha1hex }), "only sha256= is accepted");
  const noSignatures = ghHeaders("issues", d1, issues, SECRET);
  delete noSignatures["X-Hub-Signature"];
  bad("no signature header at all", [SECRET], issues, noSignatures, "no signature");

  edge("upper-case hex", [SECRET], issues, h({ "X-Hub-Signature-256": "sha256=" + hex.toUpperCase() }),
    "GitHub sends lower-case hex; octokit's Node build compares the strings, its browser build decodes the hex");
  const empty = Buffer.alloc(0);
  edge("empty body with the right MAC", [SECRET], empty,
    h({ "X-Hub-Signature-256": "sha256=" + createHmac("sha256", SECRET).update(empty).digest("hex"), "X-Hub-Signature": sha1(SECRET, empty) }),
    "octokit throws on an empty payload (node:crypto made this MAC); GitHub never sends one");
  return v;
}

{
  const vectors = await githubVectors();
  await check(vectors, [
    { label: `@octokit/webhooks-methods ${V["@octokit/webhooks-methods"]} (Node build)`, verify: P.octokitVerify },
    { label: `@octokit/webhooks-methods ${V["@octokit/webhooks-methods"]} (browser build)`, verify: P.octokitWebVerify, informational: true },
  ]);
  writeVectors("github.json", {
    scheme: "X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>, key = the secret's UTF-8 bytes",
    signature_header: "X-Hub-Signature-256",
    signer: `@octokit/webhooks-methods ${V["@octokit/webhooks-methods"]}: sign(secret, payload); the legacy X-Hub-Signature (sha1=) by node:crypto`,
    libraries: { "@octokit/webhooks-methods (npm)": V["@octokit/webhooks-methods"] },
    event_id: "the X-GitHub-Delivery header (unsigned GUID); a redelivery keeps it",
    generated_by: "tests/vectors/node/generate.mjs",
    vectors,
  });
}

if (failures.length) {
  console.error("library verdicts differ from the vectors:\n  " + failures.join("\n  "));
  process.exit(1);
}

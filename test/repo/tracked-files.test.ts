// Nothing secret and no work dir is ever committed: every tracked file's path and contents are checked here,
// so a key dropped under tmp/ (as happened once) fails the build instead of landing.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { test } from "node:test";

const tracked = execFileSync("git", ["ls-files", "-z"], { encoding: "utf8" }).split("\0").filter(Boolean);

/** Paths that only a run or a developer's machine makes: work dirs, warehouses, outboxes, keys. */
const FORBIDDEN_PATHS: readonly [RegExp, string][] = [
  [/(^|\/)((\.pulse[^/]*|tmp|out|dist)\/|node_modules(\/|$))/, "a work dir, dependencies or build output"],
  [/(^|\/)secrets\/[^/]+(?<!\.ts)$/, "a file in a secrets folder"],
  [/pii-hash-key/, "a PII hashing key file"],
  [/\.(duckdb|duckdb\.wal|eml|pptx|pem|p12|key)$/, "a warehouse, email, deck or key file"],
  [/(^|\/)\.env(\.|$)/, "an environment file"],
  [/pulse\.secrets\.json$/, "the local secrets file"],
];

/** Contents that look like a credential. */
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----/, "a private key"],
  [/"private_key"\s*:\s*"-----BEGIN/, "a service account key"],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
  [/\bEAA[A-Za-z0-9]{60,}\b/, "a Meta access token"],
  [/\bshpat_[a-fA-F0-9]{32}\b/, "a Shopify Admin API access token"],
  [/^\s*[0-9a-f]{64}\s*$/, "a bare 256-bit hex key (the shape of a generated PII key)"],
  [
    /smtps?:\/\/[^:\s/"'`]+:[^@\s"'`$]{6,}@(?!localhost|127\.0\.0\.1|host|example)/i,
    "an SMTP URL with a password",
  ],
];

test("no tracked file is a work dir, a key, a warehouse, an email or a deck", () => {
  const offenders = tracked.flatMap((path) =>
    FORBIDDEN_PATHS.filter(([pattern]) => pattern.test(path)).map(([, what]) => `${path}: ${what}`),
  );
  assert.deepEqual(offenders, []);
});

test("no tracked file contains something that looks like a secret", () => {
  const offenders: string[] = [];
  for (const path of tracked) {
    if (path === "package-lock.json") continue; // integrity hashes are base64, and checked by npm itself
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue; // deleted in the work tree but still in the index
    }
    if (text.includes("\0")) continue; // binary
    for (const [pattern, what] of SECRET_PATTERNS) {
      const flags = pattern.flags.includes("m") ? pattern.flags : `${pattern.flags}m`;
      if (new RegExp(pattern.source, flags).test(text)) offenders.push(`${path}: ${what}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test("the detectors themselves catch what they are meant to catch", () => {
  const sample = `${"ab".repeat(32)}\n`;
  assert.ok(SECRET_PATTERNS.some(([pattern]) => new RegExp(pattern.source, "m").test(sample)));
  assert.ok(FORBIDDEN_PATHS.some(([pattern]) => pattern.test("tmp/e2e/secrets/pii-hash-key")));
  assert.ok(FORBIDDEN_PATHS.some(([pattern]) => pattern.test(".pulse/bucket/x.csv")));
  assert.ok(
    !FORBIDDEN_PATHS.some(([pattern]) => pattern.test("functions/adapters/secrets/secret-manager.ts")),
  );
});

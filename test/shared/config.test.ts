import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  ConfigError,
  type Env,
  type FlagValues,
  loadConfig,
  secretsFromEnvironment,
  SETTINGS_FILE_NAME,
} from "../../functions/shared/config.ts";
import { optionsMarkdownTable } from "../../functions/shared/options.ts";

interface Row {
  name: string;
  env?: Env;
  flags?: FlagValues;
  /** The settings file's content in the work dir (an object is written as JSON). */
  file?: unknown;
  /** Dotted paths and the values they must have. */
  expect?: Record<string, unknown>;
  /** Every one of these must appear in the error message. */
  error?: (string | RegExp)[];
}

const ROWS: Row[] = [
  {
    name: "no file, no variable: today's defaults",
    expect: {
      mode: "local",
      "shop.name": "Maison Demo",
      "shop.timezone": "America/New_York",
      "email.to": ["founder@localhost"],
      lookbackDays: 7,
      deckPeriod: "monthly",
      // The README's demo shop: 2 years at ~300 orders a day; dated extracts kept 90 days.
      "demo.days": 730,
      "demo.ordersPerDay": 300,
      "demo.endDate": undefined,
      "local.extractRetentionDays": 90,
      "quality.freshness": { warnAfterHours: 24, criticalAfterHours: 48 },
      "quality.attribution.coverageMode": "history",
      "cloud.projectId": "dtc-pulse-local",
      logLevel: "info",
    },
  },
  {
    name: "the settings file sets what no variable sets, quality included",
    file: {
      version: 1,
      shop: { name: "Maison Fichier" },
      lookbackDays: 14,
      email: { to: ["a@shop.com", "b@shop.com"] },
      quality: {
        sources: { tiktok_ads: { expected: false }, facebook_ads: { warnAfterHours: 36 } },
        attribution: { coverageMode: "threshold", coverageThreshold: 0.8 },
      },
    },
    expect: {
      "shop.name": "Maison Fichier",
      lookbackDays: 14,
      "email.to": ["a@shop.com", "b@shop.com"],
      "quality.sources.tiktok_ads.expected": false,
      "quality.sources.facebook_ads.warnAfterHours": 36,
      "quality.attribution.coverageMode": "threshold",
      "quality.attribution.coverageThreshold": 0.8,
      "quality.attribution.maxCoverageDrop": 0.05,
    },
  },
  {
    name: "precedence: default < settings file < environment < flag",
    file: { version: 1, lookbackDays: 14, demo: { days: 100, ordersPerDay: 50 }, shop: { name: "Fichier" } },
    env: { PULSE_DEMO_DAYS: "200", PULSE_DEMO_ORDERS_PER_DAY: "60" },
    flags: { days: "300" },
    expect: { lookbackDays: 14, "demo.days": 300, "demo.ordersPerDay": 60, "shop.name": "Fichier" },
  },
  {
    name: "an empty variable counts as unset (Terraform passes empty optional values)",
    env: { PULSE_DASHBOARD_URL: "", PULSE_SHOP_NAME: "" },
    expect: { dashboardUrl: undefined, "shop.name": "Maison Demo" },
  },
  {
    name: "lists and numbers from text",
    env: {
      PULSE_EMAIL_TO: "a@x.com, b@x.com",
      PULSE_MAX_BYTES_BILLED: "2000000000",
      PULSE_LOG_LEVEL: "DEBUG",
    },
    expect: {
      "email.to": ["a@x.com", "b@x.com"],
      "cloud.maximumBytesBilled": 2_000_000_000,
      logLevel: "debug",
    },
  },
  {
    name: "PULSE_SETTINGS holds the settings file's JSON (the cloud)",
    env: { PULSE_SETTINGS: JSON.stringify({ version: 1, quality: { duplicateWindowDays: 10 } }) },
    file: { version: 1, quality: { duplicateWindowDays: 99 } },
    expect: { "quality.duplicateWindowDays": 10 },
  },
  {
    name: "unknown key: its full dotted path, the allowed keys and the file",
    file: { version: 1, quality: { anomaly: { sensitivty: 2 } } },
    error: [
      SETTINGS_FILE_NAME,
      "quality.anomaly.sensitivty: unknown setting; allowed here: sensitivity, trainingWeeks",
    ],
  },
  {
    name: "unknown source name",
    file: { version: 1, quality: { sources: { tiktok: { expected: false } } } },
    error: [
      "quality.sources.tiktok: unknown setting; allowed here: shopify, facebook_ads, tiktok_ads, google_ads",
    ],
  },
  {
    name: "wrong type",
    file: { version: 1, lookbackDays: "7" },
    error: [SETTINGS_FILE_NAME, "lookbackDays: Invalid input: expected number, received string"],
  },
  {
    name: "bad enum: the allowed values",
    file: { version: 1, quality: { attribution: { coverageMode: "fixed" } } },
    error: ['quality.attribution.coverageMode: Invalid option: expected one of "history"|"threshold"'],
  },
  {
    name: "a secret is not a setting",
    file: { version: 1, piiHashKey: "x".repeat(40) },
    error: ["piiHashKey: unknown setting"],
  },
  {
    name: "the version is required",
    file: { shop: { name: "x" } },
    error: ["version: expected 1"],
  },
  {
    name: "not JSON",
    file: "{ version: 1 ",
    error: [SETTINGS_FILE_NAME, "is not valid JSON"],
  },
  {
    name: "a bad variable is named with the setting",
    env: { PULSE_DECK_PERIOD: "daily" },
    error: ['$PULSE_DECK_PERIOD: deckPeriod: Invalid option: expected one of "monthly"|"weekly"'],
  },
  {
    // Both had passed: the report then failed with "Incorrect locale information provided", or formatted as en-US.
    name: "a locale the runtime cannot format is refused at the start, malformed or unknown",
    env: { PULSE_LOCALE: "fr_FR" },
    error: ["$PULSE_LOCALE: shop.locale: expected a BCP 47 locale"],
  },
  {
    name: "an unknown locale is refused too",
    env: { PULSE_LOCALE: "zz-ZZ" },
    error: ["$PULSE_LOCALE: shop.locale: expected a BCP 47 locale"],
  },
  {
    name: "a locale the runtime formats is taken as written",
    env: { PULSE_LOCALE: "fr-CA" },
    expect: { "shop.locale": "fr-CA" },
  },
  {
    name: "a bad flag is named with the setting",
    flags: { days: "abc" },
    error: ['--days: expected a number, got "abc"'],
  },
  {
    name: "a flag's value is validated like the setting",
    flags: { days: "10", "orders-per-day": "-1" },
    error: ["--days: demo.days: Too small", "--orders-per-day: demo.ordersPerDay: Too small"],
  },
  {
    name: "a settings file named on the command line must exist",
    flags: { config: "missing.json" },
    error: ["cannot read the settings file", "missing.json", "--config"],
  },
];

function valueAt(config: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], config);
}

describe("configuration", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-config-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  for (const [index, row] of ROWS.entries()) {
    it(row.name, async () => {
      const workDir = join(root, String(index));
      const env = { PULSE_WORK_DIR: workDir, ...row.env };
      if (row.file !== undefined) {
        await mkdir(workDir, { recursive: true });
        await writeFile(
          join(workDir, SETTINGS_FILE_NAME),
          typeof row.file === "string" ? row.file : JSON.stringify(row.file),
        );
      }
      const load = () => loadConfig({ env, flags: row.flags, cwd: root });
      if (row.error) {
        assert.throws(load, (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          for (const part of row.error ?? [])
            if (typeof part === "string") assert.ok(error.message.includes(part), error.message);
            else assert.match(error.message, part);
          return true;
        });
        return;
      }
      const config = load();
      assert.equal(config.workDir, workDir);
      assert.equal(config.local.duckdbPath, join(workDir, "warehouse.duckdb"));
      for (const [path, expected] of Object.entries(row.expect ?? {}))
        assert.deepEqual(valueAt(config, path), expected, path);
    });
  }

  it("resolves the work dir against the current directory, defaulting to .pulse", () => {
    assert.equal(loadConfig({ env: {}, cwd: "/srv/shop" }).workDir, "/srv/shop/.pulse");
    assert.equal(loadConfig({ env: {}, flags: { "work-dir": "/data" }, cwd: "/srv" }).workDir, "/data");
  });

  it("keeps secrets out of the configuration, validated apart", () => {
    assert.deepEqual(secretsFromEnvironment({ PULSE_PII_HASH_KEY: "k".repeat(40), PULSE_SMTP_URL: "" }), {
      piiHashKey: "k".repeat(40),
    });
    assert.throws(
      () => secretsFromEnvironment({ PULSE_PII_HASH_KEY: "short-secret" }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes("$PULSE_PII_HASH_KEY: the PII hashing key must be at least 32 characters") &&
        !error.message.includes("short-secret"),
    );
    const config = loadConfig({ env: { PULSE_PII_HASH_KEY: "k".repeat(40) }, cwd: "/srv" });
    assert.equal(JSON.stringify(config).includes("k".repeat(40)), false);
  });

  it("is documented in the README by the table generated from the options (npm run docs)", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const block = /<!-- options-table:start -->\n\n([\s\S]*?)\n\n<!-- options-table:end -->/.exec(
      readme,
    )?.[1];
    assert.equal(block, optionsMarkdownTable(), "run `npm run docs` to regenerate the README's table");
  });
});

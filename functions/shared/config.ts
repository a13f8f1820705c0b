// Configuration is parsed and validated once, at the edge (CLI or function start-up), into one typed object.
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { QualitySettingsSchema } from "../check-quality/settings.ts";
import { isIsoDate } from "../lib/calendar.ts";

const isoDate = z.string().refine(isIsoDate, "expected a date as YYYY-MM-DD");

const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, "expected an IANA time zone such as America/New_York");

const freshnessThresholds = z.object({
  warnAfterHours: z.number().positive(),
  criticalAfterHours: z.number().positive(),
});

export const ConfigSchema = z.object({
  /** local: DuckDB, a folder, an outbox; cloud: BigQuery, Cloud Storage, Pub/Sub, SMTP (functions/runtime). */
  mode: z.enum(["local", "cloud"]),
  shop: z.object({
    name: z.string().min(1).max(80),
    currency: z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 currency code such as USD"),
    locale: z.string().min(2),
    timezone: timeZone,
  }),
  /** Folder holding the local warehouse, bucket and outbox (git-ignored). */
  workDir: z.string().min(1),
  local: z.object({
    duckdbPath: z.string().min(1),
    bucketDir: z.string().min(1),
    outboxDir: z.string().min(1),
    /** DuckDB's memory ceiling; past it DuckDB spills to disk instead of growing (the benchmark's 1 GB target). */
    duckdbMemoryLimit: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, "expected a size such as 600MB")
      .optional(),
  }),
  email: z.object({
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    /** smtp://user:pass@host:port — when set, mail is really sent; otherwise it lands in the outbox. */
    smtpUrl: z.string().url().optional(),
  }),
  dashboardUrl: z.string().url().optional(),
  /** What the deck compares: month to date and the last full month, or week to date and the last full week. */
  deckPeriod: z.enum(["monthly", "weekly"]),
  /** Days before the run date that every incremental model rebuilds (late refunds and attribution). */
  lookbackDays: z.number().int().min(0).max(90),
  /** Secret for HMAC-SHA256 hashing of emails and phones; never committed, never logged. */
  /**
   * Only the steps that hash PII (transform) are given the key in the cloud: least privilege. A step that
   * needs it and lacks it fails with a clear message.
   */
  piiHashKey: z.string().min(32, "the PII hashing key must be at least 32 characters").optional(),
  freshness: z.object({
    default: freshnessThresholds,
    perSource: z.record(z.string(), freshnessThresholds),
  }),
  /** Check thresholds and anomaly sensitivity (functions/check-quality/settings.ts); every field defaulted. */
  quality: QualitySettingsSchema.prefault({}),
  demo: z.object({
    seed: z.number().int(),
    ordersPerDay: z.number().positive(),
    days: z.number().int().min(30),
    endDate: isoDate.optional(),
  }),
});

export type PulseConfig = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

function numberFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
  return value;
}

/**
 * Builds the configuration from environment variables (PULSE_*), defaults for the embedded local mode,
 * and the PII key found by the caller (a local key file or Secret Manager).
 */
export function loadConfig(env: Env, options: { cwd: string; piiHashKey: string | undefined }): PulseConfig {
  const workDirRaw = env.PULSE_WORK_DIR ?? ".pulse";
  const workDir = isAbsolute(workDirRaw) ? workDirRaw : join(options.cwd, workDirRaw);
  const candidate = {
    mode: env.PULSE_RUNTIME === "cloud" ? "cloud" : "local",
    shop: {
      name: env.PULSE_SHOP_NAME ?? "Maison Demo",
      currency: env.PULSE_CURRENCY ?? "USD",
      locale: env.PULSE_LOCALE ?? "en-US",
      timezone: env.PULSE_TIMEZONE ?? "America/New_York",
    },
    workDir,
    local: {
      duckdbPath: join(workDir, "warehouse.duckdb"),
      bucketDir: join(workDir, "bucket"),
      outboxDir: join(workDir, "outbox"),
      duckdbMemoryLimit: env.PULSE_DUCKDB_MEMORY_LIMIT || undefined,
    },
    email: {
      from: env.PULSE_EMAIL_FROM ?? "DTC Pulse <pulse@localhost>",
      to: (env.PULSE_EMAIL_TO ?? "founder@localhost")
        .split(",")
        .map((address) => address.trim())
        .filter(Boolean),
      smtpUrl: env.PULSE_SMTP_URL || undefined,
    },
    dashboardUrl: env.PULSE_DASHBOARD_URL || undefined,
    deckPeriod: env.PULSE_DECK_PERIOD || "monthly",
    lookbackDays: numberFrom(env, "PULSE_LOOKBACK_DAYS", 7),
    piiHashKey: options.piiHashKey,
    freshness: {
      default: { warnAfterHours: 24, criticalAfterHours: 48 },
      perSource: {},
    },
    quality: {},
    demo: {
      seed: numberFrom(env, "PULSE_DEMO_SEED", 42),
      ordersPerDay: numberFrom(env, "PULSE_DEMO_ORDERS_PER_DAY", 300),
      days: numberFrom(env, "PULSE_DEMO_DAYS", 730),
      endDate: env.PULSE_DEMO_END_DATE || undefined,
    },
  };
  const parsed = ConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}

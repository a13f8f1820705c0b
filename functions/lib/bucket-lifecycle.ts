// The bucket's lifecycle: what expires, and when. In the cloud, Cloud Storage applies these rules by itself
// (infra/storage.tf's lifecycle_rule blocks, held equal to these by test/infra/terraform.test.ts); on this machine,
// the folder bucket applies them at the end of each local run, so that a shop running DTC Pulse daily on one
// machine keeps what its cloud bucket would keep. Without them every daily run leaves a dated copy of each extract
// behind (all of its history: 11 MB a day at four years of 1,800 orders a day), and quarantined rows, which may
// hold plaintext PII, would stay forever.
import { EXTRACT_NAMES } from "../shared/pipeline.ts";
import { QUARANTINE_PREFIX } from "./bucket-layout.ts";

/** Days quarantined rows are kept: long enough to fix a mapping and drop the file again. */
export const QUARANTINE_RETENTION_DAYS = 90;

export interface LifecycleRule {
  /** What the rule removes, for the run's summary. */
  name: string;
  /** Object path prefixes the rule matches (Cloud Storage's matches_prefix). */
  prefixes: readonly string[];
  /** Objects this many days old or older are deleted (Cloud Storage's age condition). */
  ageDays: number;
}

/**
 * The rules, with the dated extracts kept `extractRetentionDays` days: extracts/<name>/dt=…/ (not extracts/latest/,
 * which Looker Studio reads; an interrupted compose's parts sit beside their destination and expire with it), and
 * quarantine/. Decks (reports/), the ledger (runs/) and state/ never expire.
 */
export function lifecycleRules(extractRetentionDays: number): LifecycleRule[] {
  return [
    {
      name: "dated extracts",
      prefixes: EXTRACT_NAMES.map((name) => `extracts/${name}/`),
      ageDays: extractRetentionDays,
    },
    { name: "quarantined rows", prefixes: [QUARANTINE_PREFIX], ageDays: QUARANTINE_RETENTION_DAYS },
  ];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** An object's age in whole days at `now`, as Cloud Storage counts it (0 for an object created in the future). */
export function ageInDays(createdAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / DAY_MS));
}

/** The rule that expires an object of this path and age, if any. */
export function expiringRule(
  rules: readonly LifecycleRule[],
  path: string,
  createdAt: Date,
  now: Date,
): LifecycleRule | undefined {
  const age = ageInDays(createdAt, now);
  return rules.find((rule) => age >= rule.ageDays && rule.prefixes.some((prefix) => path.startsWith(prefix)));
}

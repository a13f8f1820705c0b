// The bucket's lifecycle rules as values: what each matches and from what age. Their application to files is
// test/adapters/bucket/folder-bucket.test.ts's; their equality with the cloud bucket's, test/infra/terraform.test.ts's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ageInDays,
  expiringRule,
  lifecycleRules,
  QUARANTINE_RETENTION_DAYS,
} from "../../functions/lib/bucket-lifecycle.ts";
import {
  deckPath,
  extractChunksManifestPath,
  extractPath,
  latestExtractPath,
  quarantinePath,
  runPrefix,
} from "../../functions/lib/bucket-layout.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";

const NOW = new Date("2026-12-01T06:00:00Z");
const written = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);

describe("the bucket's lifecycle rules", () => {
  it("counts an object's age in whole days since it was written, never below zero", () => {
    assert.equal(ageInDays(written(0.99), NOW), 0);
    assert.equal(ageInDays(written(1), NOW), 1);
    assert.equal(ageInDays(written(89.5), NOW), 89);
    assert.equal(ageInDays(new Date(NOW.getTime() + 60_000), NOW), 0);
  });

  it("expires every extract's dated files after the retention, and quarantined rows after 90 days", () => {
    const rules = lifecycleRules(30);
    for (const name of EXTRACT_NAMES) {
      const dated = extractPath(name, "2026-10-01");
      assert.equal(expiringRule(rules, dated, written(29.9), NOW), undefined, `${dated} at 29 days`);
      assert.equal(
        expiringRule(rules, dated, written(30), NOW)?.name,
        "dated extracts",
        `${dated} at 30 days`,
      );
    }
    const quarantined = quarantinePath("2026-08-01", "0123456789abcdef", "orders.csv");
    // 90 days, as the README and infra/storage.tf promise (written out, not read from the constant).
    assert.equal(expiringRule(rules, quarantined, written(89.9), NOW), undefined);
    assert.equal(expiringRule(rules, quarantined, written(90), NOW)?.name, "quarantined rows");
    assert.equal(QUARANTINE_RETENTION_DAYS, 90);
  });

  it("never expires what Looker Studio reads, the decks, the ledger or the state", () => {
    const rules = lifecycleRules(1);
    const kept = [
      ...EXTRACT_NAMES.map((name) => latestExtractPath(name)),
      deckPath("2024-01-01"),
      `${runPrefix("2024-01-01")}/steps/ingest.json`,
      extractChunksManifestPath(EXTRACT_NAMES[0] ?? "", "0123456789abcdef"),
    ];
    for (const path of kept) assert.equal(expiringRule(rules, path, written(5000), NOW), undefined, path);
  });
});

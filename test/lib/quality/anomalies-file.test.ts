// The anomalies file people open in the bucket (runs/dt=<date>/anomalies.md) writes its dates as the shop's locale
// does, as the email and the deck do: a de-DE or ja-JP reader found "# Checks for 2026-11-21" and "last day
// 2026-11-16" there. anomalies.json, for tools, keeps the findings as stored. Written to a real folder bucket.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { FolderBucket } from "../../../functions/adapters/bucket/folder-bucket.ts";
import { anomaliesPaths } from "../../../functions/lib/bucket-layout.ts";
import { writeAnomaliesFiles } from "../../../functions/lib/quality/anomalies-file.ts";
import type { Finding } from "../../../functions/shared/findings.ts";
import { germanLongDate, japaneseLongDate } from "../../support/reader-dates.ts";

const RUN_DATE = "2026-11-21";

const FINDINGS: Finding[] = [
  {
    check: "source_freshness",
    step: "check-sources",
    severity: "critical",
    blocking: false,
    subject: "facebook_ads",
    source: "facebook_ads",
    table: "facebook_ads_insights",
    observed: "2026-11-16",
    expected: "data through 2026-11-21",
    message: "Meta Ads data is 5 days old (last day 2026-11-16).",
  },
  {
    check: "duplicated_raw_batch",
    step: "check-quality",
    severity: "warning",
    blocking: false,
    subject: "shopify_orders 2026-11-19",
    observed: 2,
    expected: "one batch per export",
    message: "Shopify orders of 2026-11-19 landed twice; the copy is in quarantine/dt=2026-11-21/orders.csv.",
  },
];

describe("the anomalies file in the shop's locale", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-anomalies-"));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function written(locale: string): Promise<{ markdown: string; json: string }> {
    const bucket = new FolderBucket(root);
    const paths = anomaliesPaths(RUN_DATE);
    assert.deepEqual(await writeAnomaliesFiles(bucket, RUN_DATE, FINDINGS, locale), [
      paths.markdown,
      paths.json,
    ]);
    return {
      markdown: await readFile(join(root, paths.markdown), "utf8"),
      json: await readFile(join(root, paths.json), "utf8"),
    };
  }

  it("expects the German reader's date README gives", () => {
    assert.equal(germanLongDate(RUN_DATE), "Sa. 21. Nov. 2026");
  });

  for (const [locale, longDate] of [
    ["de-DE", germanLongDate],
    ["ja-JP", japaneseLongDate],
  ] as const)
    it(`writes the run date and the findings' dates as ${locale} does, and a path's date as it is`, async () => {
      const { markdown, json } = await written(locale);
      const [runDay, lastDay, batchDay] = [RUN_DATE, "2026-11-16", "2026-11-19"].map(longDate);
      assert.ok(markdown.startsWith(`# Checks for ${runDay}\n`), markdown.split("\n")[0]);
      assert.ok(markdown.includes(`- Meta Ads data is 5 days old (last day ${lastDay}).\n`));
      assert.ok(
        markdown.includes(
          `- Shopify orders of ${batchDay} landed twice; the copy is in quarantine/dt=2026-11-21/orders.csv.\n`,
        ),
      );
      // The table's where, observed and expected cells are read too.
      assert.ok(
        markdown.includes(
          `| source_freshness | check-sources | facebook_ads, facebook_ads_insights | ${lastDay} | data through ${runDay} |`,
        ),
      );
      assert.ok(
        markdown.includes(
          `| duplicated_raw_batch | check-quality | shopify_orders ${batchDay} | 2 | one batch per export |`,
        ),
      );
      // The only ISO date left for a reader is the one in the quarantine path.
      assert.deepEqual(markdown.match(/\d{4}-\d{2}-\d{2}/g), ["2026-11-21"]);

      // For tools: the run date and every finding exactly as the checks stored them.
      const document = JSON.parse(json) as { runDate: string; findings: Finding[] };
      assert.equal(document.runDate, RUN_DATE);
      assert.deepEqual(
        document.findings.map((finding) => [finding.message, finding.observed, finding.expected]),
        FINDINGS.map((finding) => [finding.message, finding.observed, finding.expected]),
      );
    });
});

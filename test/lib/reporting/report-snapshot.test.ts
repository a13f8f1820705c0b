// The report data a run keeps for its own summary email (functions/lib/reporting/report-snapshot.ts), on a folder
// bucket: read back as written, by its own run and code only; never kept when JSON would change a number; an unreadable one
// set aside with the reason.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../../functions/adapters/bucket/folder-bucket.ts";
import { reportDataPath } from "../../../functions/lib/bucket-layout.ts";
import type { ReportData } from "../../../functions/lib/reporting/report-data.ts";
import { readReportSnapshot, saveReportSnapshot } from "../../../functions/lib/reporting/report-snapshot.ts";

const RUN_DATE = "2026-11-21";
const VERSION = "0123456789abcdef0123456789abcdef";
const by = (runId: string, codeVersion = VERSION) => ({ runId, codeVersion });

/** Report data with a few rows of each kind that matters to JSON: decimals, nulls, text, nesting. */
function reportData(orders: number): ReportData {
  return {
    shop: { name: "Test shop", timezone: "Europe/Paris", currency: "EUR", country: "FR" },
    runDate: RUN_DATE,
    daily: [{ date: RUN_DATE, orders, gross_revenue: 1312.86, cpa: null }],
    channels: [],
    topProducts: [{ product_title: "Mug «Café»", revenue: 10.5 }],
    marts: { rangesPeriod: "monthly", cohorts: [] },
    findings: [],
    sources: [],
    links: { deck: "/tmp/deck.pptx", dashboard: "https://lookerstudio.google.com/x" },
  } as unknown as ReportData;
}

describe("the report data kept for the summary email", () => {
  let root: string;
  let bucket: FolderBucket;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-report-snapshot-"));
    bucket = new FolderBucket(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("is read back as written, without its links, by the run that kept it", async () => {
    assert.equal(await saveReportSnapshot(bucket, by("run-1"), reportData(12)), true);
    const { links: _links, ...expected } = reportData(12);
    assert.deepEqual(await readReportSnapshot(bucket, RUN_DATE, by("run-1")), { data: expected });
  });

  it("is not used by another run of the date", async () => {
    const read = await readReportSnapshot(bucket, RUN_DATE, by("run-2"));
    assert.equal(read.data, undefined);
    assert.match(read.reason ?? "", /run-1's, not this run's \(run-2\)/);
  });

  it("is not used by the same run under another version of the code (a deploy between its steps)", async () => {
    const read = await readReportSnapshot(bucket, RUN_DATE, by("run-1", "fedcba9876543210fedcba9876543210"));
    assert.equal(read.data, undefined);
    assert.match(read.reason ?? "", /another version of the code wrote it \(0123456789abcdef/);
  });

  it("is not kept when a number would not survive JSON, and an earlier run's goes", async () => {
    assert.equal(await saveReportSnapshot(bucket, by("run-3"), reportData(Number.NaN)), false);
    assert.equal(await bucket.exists(reportDataPath(RUN_DATE)), false);
    assert.equal(
      (await readReportSnapshot(bucket, RUN_DATE, by("run-3"))).reason,
      "the report step kept none",
    );
  });

  it("is set aside when unreadable, with the reason", async () => {
    await writeFile(join(root, reportDataPath(RUN_DATE)), '{"runId": "run-4", "da');
    const read = await readReportSnapshot(bucket, RUN_DATE, by("run-4"));
    assert.equal(read.data, undefined);
    assert.match(read.corrupt?.reason ?? "", /not valid JSON/);
    assert.equal(await bucket.exists(read.corrupt?.setAsideTo ?? ""), true);
    assert.equal(await bucket.exists(reportDataPath(RUN_DATE)), false);
  });
});

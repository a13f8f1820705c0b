// loadReportData reads the report's marts at the warehouse's parallelReads at once (on BigQuery every query is a
// job with its own latency), never more, and every read gets its own rows back under its own name.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { FolderBucket } from "../../../functions/adapters/bucket/folder-bucket.ts";
import { sourcesStatusPath } from "../../../functions/lib/bucket-layout.ts";
import { loadReportData } from "../../../functions/lib/reporting/load-report-data.ts";
import type { Bucket, Row, SqlParams, TableInfo, Warehouse } from "../../../functions/shared/ports.ts";
import type { Ledger } from "../../../functions/shared/ledger.ts";
import type { JobRequest } from "../../../functions/adapters/warehouse/bigquery/client.ts";
import { BigQueryWarehouse } from "../../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { FakeBigQuery, SETTINGS } from "../../adapters/warehouse/bigquery/fake-client.ts";

/** A warehouse whose every query takes a few event-loop turns and answers with a row naming its query. */
function slowWarehouse(parallelReads: number) {
  const seen = { running: 0, most: 0, labels: [] as string[] };
  const warehouse = {
    parallelReads,
    async query<T extends object = Row>(_sql: string, _params?: SqlParams, options?: { label?: string }) {
      seen.running += 1;
      seen.most = Math.max(seen.most, seen.running);
      seen.labels.push(options?.label ?? "");
      for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      seen.running -= 1;
      return [{ label: options?.label }] as T[];
    },
    async listTables(): Promise<TableInfo[]> {
      return [];
    },
  } as unknown as Warehouse;
  return { warehouse, seen };
}

const bucket = { read: async () => undefined } as unknown as Bucket;
const ledger = { findings: async () => [] } as unknown as Ledger;
const config = {
  shop: { name: "Test shop", timezone: "Europe/Paris", currency: "EUR", country: "FR" },
  deckPeriod: "monthly",
  quality: { sources: {} },
} as never;

describe("loadReportData", () => {
  for (const parallelReads of [1, 3, 8]) {
    it(`reads up to ${parallelReads} at once, each read's rows under its own name`, async () => {
      const { warehouse, seen } = slowWarehouse(parallelReads);
      const data = await loadReportData(
        {
          ports: { warehouse, bucket } as never,
          config,
          message: { runDate: "2026-05-14" } as never,
          ledger,
        },
        {},
      );
      assert.equal(seen.most, parallelReads);
      assert.equal(seen.labels.length, 16);
      assert.deepEqual(data.daily, [{ label: "report daily_kpis" }]);
      assert.deepEqual(data.topProducts, [{ label: "report top products" }]);
      assert.deepEqual(data.marts.cohorts, [{ label: "report ltv_cohorts" }]);
      assert.deepEqual(data.marts.premiumProducts, [{ label: "report premium_products" }]);
      assert.equal(data.marts.rangesPeriod, "monthly");
      assert.equal(data.marts.reconciliation, undefined);
    });
  }

  it("on BigQuery reads 8 at once, each its own job (README: parallelReads, 8 jobs on BigQuery)", async () => {
    // The real BigQuery adapter over the recording fake, whose job creation takes a few event-loop turns (a job's
    // latency): the most jobs being created at once is what the report's reads pay in parallel.
    const seen = { running: 0, most: 0 };
    class SlowFake extends FakeBigQuery {
      override async createJob(request: JobRequest) {
        seen.running += 1;
        seen.most = Math.max(seen.most, seen.running);
        for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
        seen.running -= 1;
        return super.createJob(request);
      }
    }
    const fake = new SlowFake();
    await loadReportData(
      {
        ports: { warehouse: new BigQueryWarehouse(fake, SETTINGS), bucket } as never,
        config,
        message: { runDate: "2026-05-14" } as never,
        ledger,
      },
      {},
    );
    // One job per mart read (and one listing of the ops dataset, whether its reconciliation table exists).
    const reads = fake.requests.filter((request) => request.configuration.labels.kind === "query");
    assert.equal(reads.length, 16, "one job per read");
    assert.equal(seen.most, 8);
  });

  it("leaves out the explained days of a channel whose ad platform the shop does not use", async () => {
    // The explanations mart has every paid channel every day: a shop set up without Meta has "Meta Ads source
    // stale" on each of them, which its deck must not show as a problem.
    const gap = (channel: string, explanation: string) => ({
      channel,
      explanation,
      first_date: "2026-05-01",
      last_date: "2026-05-14",
      days: 14,
      spend: 0,
      attributed_revenue: 0,
    });
    const warehouse = {
      parallelReads: 4,
      async query<T extends object = Row>(_sql: string, _params?: SqlParams, options?: { label?: string }) {
        if (options?.label !== "report marketing_unified_with_explanations") return [] as T[];
        return [
          gap("meta", "Meta Ads source stale: no data after ever"),
          gap("tiktok", "no spend that day"),
          gap("google_ads", "Google Ads source stale: no data after 2026-04-30"),
        ] as T[];
      },
      async listTables(): Promise<TableInfo[]> {
        return [];
      },
    } as unknown as Warehouse;
    const withoutMeta = {
      ...(config as object),
      quality: { sources: { facebook_ads: { expected: false }, google_ads: { expected: true } } },
    } as never;
    const data = await loadReportData(
      {
        ports: { warehouse, bucket } as never,
        config: withoutMeta,
        message: { runDate: "2026-05-14" } as never,
        ledger,
      },
      {},
    );
    assert.deepEqual(
      data.marts.channelGaps.map((row) => row.channel),
      ["tiktok", "google_ads"],
    );
    // Every channel's days stay when the shop uses every source.
    const all = await loadReportData(
      { ports: { warehouse, bucket } as never, config, message: { runDate: "2026-05-14" } as never, ledger },
      {},
    );
    assert.deepEqual(
      all.marts.channelGaps.map((row) => row.channel),
      ["meta", "tiktok", "google_ads"],
    );
  });

  it("sets an unreadable sources' status aside and shows no source status, rather than failing", async () => {
    // docs/reliability.md, "State files": the sources' status (written by check-sources) that does not parse is set aside as
    // <name>.corrupt-<timestamp>; the deck and the email then show no source status for the day.
    const dir = await mkdtemp(join(tmpdir(), "pulse-report-data-"));
    try {
      const folder = new FolderBucket(dir);
      const path = sourcesStatusPath("2026-05-14");
      await folder.write(path, '[{"source":"shopify","sta');
      const { warehouse } = slowWarehouse(4);
      const data = await loadReportData(
        {
          ports: { warehouse, bucket: folder } as never,
          config,
          message: { runDate: "2026-05-14" } as never,
          ledger,
        },
        {},
      );
      assert.deepEqual(data.sources, []);
      assert.equal(await folder.exists(path), false);
      const aside = (await folder.list(dirname(path))).filter((name) => name.includes(".corrupt-"));
      assert.equal(aside.length, 1);
      assert.ok(aside[0]?.startsWith(`${path}.corrupt-`), aside[0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// The export step on a real DuckDB and a real folder bucket: a query with no rows is a header-only CSV, and
// latest/ follows the newest run date only (an older run writes its dated folder and leaves latest/ alone).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { Bucket } from "../../functions/shared/ports.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { runExport } from "../../functions/export/step.ts";
import { extractPath, latestExtractPath } from "../../functions/lib/bucket-layout.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { saveFindings } from "../../functions/lib/quality/findings-store.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { buildModels, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const finding = (subject: string): Finding => ({
  check: "source_freshness",
  step: "check-sources",
  severity: "warning",
  blocking: false,
  subject,
  message: `${subject} is late`,
});

describe("export step", { timeout: 60_000 }, () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  let bucket: FolderBucket;

  const exportFor = (runDate: string) =>
    runExport({
      step: "export",
      message: parseRunMessage({
        runDate,
        runId: `run-${runDate}`,
        trigger: "manual",
        options: { skip: [] },
      }),
      config: loadConfig({ env: {}, cwd: dir }),
      ports: { warehouse, bucket },
      log: silentLogger(),
    } as unknown as StepContext);
  const text = async (path: string) => (await bucket.read(path))?.toString("utf8");

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-export-"));
    bucket = new FolderBucket(join(dir, "bucket"));
    // A new shop: every model built, none with a row yet.
    warehouse = await openFixtureWarehouse();
    await buildModels(warehouse, "2026-11-21", { fullRefresh: true });
    await saveFindings(warehouse, "2026-11-21", []);
  });
  after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes a header-only CSV for every extract when no query returns a row", async () => {
    const result = await exportFor("2026-11-21");
    assert.deepEqual(result.rows, Object.fromEntries(EXTRACT_NAMES.map((name) => [name, 0])));
    for (const name of EXTRACT_NAMES) {
      const dated = await text(extractPath(name, "2026-11-21"));
      assert.ok(dated, `${name}: dated file written`);
      const records = parse(dated) as string[][];
      assert.equal(records.length, 1, `${name}: the header only`);
      assert.ok((records[0]?.length ?? 0) > 3, `${name}: its columns`);
      assert.equal(await text(latestExtractPath(name)), dated);
    }
    assert.equal(
      await text(latestExtractPath("findings")),
      "run_date,step,check_name,subject,severity,blocking,observed,expected,message,is_demo\n",
    );
  });

  it("keeps latest/ at the newest run date when an older date is exported", async () => {
    await saveFindings(warehouse, "2026-11-20", [finding("meta_ads")]);
    await saveFindings(warehouse, "2026-11-21", [finding("tiktok_ads")]);
    await exportFor("2026-11-21");
    const newest = await text(latestExtractPath("findings"));
    assert.match(newest ?? "", /tiktok_ads/);
    const latestBefore = new Map<string, string | undefined>();
    for (const name of EXTRACT_NAMES) latestBefore.set(name, await text(latestExtractPath(name)));

    const older = await exportFor("2026-11-20");
    for (const name of EXTRACT_NAMES) {
      assert.equal(await text(latestExtractPath(name)), latestBefore.get(name), `${name}: latest/ unchanged`);
    }
    assert.match(older.summary ?? "", /latest\/ kept at 2026-11-21/);
    // The older run's own folder holds its state: the findings up to its date, not the newer day's.
    const dated = await text(extractPath("findings", "2026-11-20"));
    assert.match(dated ?? "", /meta_ads/);
    assert.doesNotMatch(dated ?? "", /tiktok_ads/);
    assert.ok(!(older.outputs ?? []).some((path) => path.startsWith("extracts/latest/")));

    // A newer date moves latest/ forward again.
    await saveFindings(warehouse, "2026-11-22", [finding("google_ads")]);
    await exportFor("2026-11-22");
    assert.match((await text(latestExtractPath("findings"))) ?? "", /google_ads/);
  });

  // After the test above latest/ shows 2026-11-22. On the 23rd one extract's dated file dies: findings half-written
  // (one CSV chunk taken, then the write throws), daily_kpis at compose (the month-chunked path). Each in its own
  // run: the extracts are written one after the other on DuckDB, and the first failure ends the step.
  for (const dying of ["findings", "daily_kpis"]) {
    it(`replaces latest/ only once the dated file is whole: ${dying} dying leaves its latest/ as it was`, async () => {
      await saveFindings(warehouse, "2026-11-23", [finding("shopify")]);
      const latestBefore = await text(latestExtractPath(dying));
      const dyingPath = extractPath(dying, "2026-11-23");
      const attempted: string[] = [];
      const copiedTo: string[] = [];
      const real: Bucket = bucket;
      const faulty = Object.create(bucket) as Bucket;
      faulty.writeStream = async (path, chunks, options) => {
        attempted.push(path);
        if (path !== dyingPath) return real.writeStream(path, chunks, options);
        for await (const chunk of chunks) {
          assert.ok(chunk.length > 0);
          break;
        }
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
          code: "ENOSPC",
        });
      };
      faulty.compose = async (sources, destination, options) => {
        attempted.push(destination);
        if (destination === dyingPath) throw new Error(`compose of ${destination} failed`);
        return real.compose(sources, destination, options);
      };
      faulty.copy = async (from, to) => {
        copiedTo.push(to);
        return bucket.copy(from, to);
      };
      await assert.rejects(
        runExport({
          step: "export",
          message: parseRunMessage({ runDate: "2026-11-23", runId: `dying-${dying}`, trigger: "manual" }),
          config: loadConfig({ env: {}, cwd: dir }),
          ports: { warehouse, bucket: faulty },
          log: silentLogger(),
        } as unknown as StepContext),
        /ENOSPC|compose/,
      );
      assert.ok(attempted.includes(dyingPath), `the dated ${dying} file was attempted`);
      assert.ok(!copiedTo.includes(latestExtractPath(dying)), "no copy of a file that is not whole");
      assert.equal(await text(latestExtractPath(dying)), latestBefore, "latest/ unchanged");
    });
  }
});

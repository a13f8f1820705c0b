// Incremental extracts on a real DuckDB and a real folder bucket: the dated extracts re-query only the months that
// changed and compose the rest from chunks, and every file stays byte-identical to a full rewrite and to today's
// single whole query (the extract's SQL with its original `date <= @run_date` filter).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { csvChunks } from "../../functions/export/csv.ts";
import {
  type ChunkManifest,
  exportMonthChunks,
  extractFingerprint,
  monthsBetween,
  monthsOfRanges,
  planRequery,
  queryRanges,
} from "../../functions/export/month-chunks.ts";
import { runExport } from "../../functions/export/step.ts";
import { extractChunksRoot, extractPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { saveFindings } from "../../functions/lib/quality/findings-store.ts";
import { MODELS } from "../../functions/lib/sql/models.ts";
import { readSql } from "../../functions/lib/sql/sql-files.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { EXTRACT_SCHEMAS, extractSchema } from "../../functions/shared/extract-schemas.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";
import type { Bucket, Row, StreamBatch, Warehouse } from "../../functions/shared/ports.ts";
import { parseRunMessage, type Rebuilt } from "../../functions/shared/run-message.ts";
import { isTransient, type StepContext, type StepResult } from "../../functions/shared/step.ts";
import { runTransform } from "../../functions/transform/step.ts";
import { FIXTURE_PII_KEY, openFixtureWarehouse } from "../support/sql-fixtures.ts";
import { fixedSecrets } from "../support/secrets.ts";

const CHUNKED = EXTRACT_SCHEMAS.filter((schema) => schema.month_chunks_by !== undefined).map((s) => s.name);

describe("month chunks: the plan (pure)", () => {
  const manifest = (runDate: string, state: string | null, months: string[]): ChunkManifest => ({
    runDate,
    state,
    months: months.map((month) => ({ month, rows: 1, bytes: 1, path: `c/${month}` })),
  });
  const present = (months: string[]) => new Set(months.map((month) => `c/${month}`));
  const rebuilt = (fromState: string | null, days: Rebuilt["days"]): Rebuilt => ({
    fromState,
    toState: "2026-11-22@w2",
    days,
  });
  const ALL = ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"];

  it("rewrites every month without chunks, without a transform record, after a full build or another state", () => {
    const window = [{ start: "2026-11-15", end: "2026-11-22" }];
    const cases: [ChunkManifest | null, Rebuilt | undefined][] = [
      [null, rebuilt("2026-11-21@w1", window)],
      [manifest("2026-11-21", "2026-11-21@w1", ALL), undefined],
      [manifest("2026-11-21", "2026-11-21@w1", ALL), rebuilt("2026-11-21@w1", null)],
      [manifest("2026-11-21", "2026-11-20@w0", ALL), rebuilt("2026-11-21@w1", window)],
      [manifest("2026-11-21", null, ALL), rebuilt(null, window)],
      // Chunks cut at a later run date (a backfill of an older day follows them).
      [manifest("2026-11-25", "2026-11-21@w1", ALL), rebuilt("2026-11-21@w1", window)],
    ];
    for (const [chunks, record] of cases) {
      assert.equal(
        planRequery({ manifest: chunks, present: present(ALL), runDate: "2026-11-22", rebuilt: record }).all,
        true,
      );
    }
  });

  it("re-queries the rebuilt months, those the run date moved into, and missing chunks only", () => {
    const plan = planRequery({
      manifest: manifest("2026-10-31", "2026-10-31@w1", ALL.slice(0, 4)),
      present: present(["2026-07", "2026-09", "2026-10"]),
      runDate: "2026-11-01",
      rebuilt: rebuilt("2026-10-31@w1", [
        { start: "2026-10-25", end: "2026-11-01" },
        { start: "2026-08-03", end: "2026-08-03" },
      ]),
    });
    // 2026-08 rebuilt and missing, 2026-10/11 the window and the new run date's month.
    assert.deepEqual(plan, {
      all: false,
      months: ["2026-08", "2026-10", "2026-11"],
      reason: "3 rebuilt, 2 up to the new run date, 1 missing",
    });
    // The same transform's export again (a retry): nothing changed, only what is missing.
    const again = planRequery({
      manifest: manifest("2026-11-01", "2026-11-22@w2", ALL),
      present: present(ALL.filter((month) => month !== "2026-09")),
      runDate: "2026-11-01",
      rebuilt: rebuilt("2026-10-31@w1", [{ start: "2026-10-25", end: "2026-11-01" }]),
    });
    assert.deepEqual(again.all ? [] : again.months, ["2026-09"]);
    // A forced transform that found and left the same state (nothing landed, settings maybe changed): its days.
    const forced = planRequery({
      manifest: manifest("2026-11-01", "2026-11-01@w2", ALL),
      present: present(ALL),
      runDate: "2026-11-01",
      rebuilt: {
        fromState: "2026-11-01@w2",
        toState: "2026-11-01@w2",
        days: [{ start: "2026-10-25", end: "2026-11-01" }],
      },
    });
    assert.deepEqual(forced.all ? [] : forced.months, ["2026-10", "2026-11"]);
  });

  it("fingerprints the SQL, the declared columns and the demo mark", () => {
    const schema = extractSchema("daily_kpis");
    const sql = readSql("extracts/daily_kpis.sql");
    const base = extractFingerprint(sql, schema, false);
    assert.match(base, /^[0-9a-f]{16}$/);
    assert.equal(extractFingerprint(sql, { ...schema }, false), base, "stable");
    assert.notEqual(extractFingerprint(`${sql} `, schema, false), base);
    assert.notEqual(extractFingerprint(sql, schema, true), base);
    const renamed = schema.columns.map((column, index) =>
      index === 1 ? { ...column, name: "orders_count" } : column,
    );
    assert.notEqual(extractFingerprint(sql, { ...schema, columns: renamed }, false), base);
    const retyped = schema.columns.map((column, index) =>
      index === 1 ? { ...column, type: "FLOAT64" as const } : column,
    );
    assert.notEqual(extractFingerprint(sql, { ...schema, columns: retyped }, false), base);
  });

  it("filters every table a chunked extract reads on its partition column, to the months asked for", () => {
    for (const name of CHUNKED) {
      const sql = readSql(`extracts/${name}.sql`).replace(/--.*$/gm, "");
      const reads = [...sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)\.(\w+)(?:\s+AS\s+(\w+))?/g)];
      assert.ok(reads.length > 0, name);
      for (const [, layer, table, alias] of reads) {
        const model = MODELS.find((candidate) => candidate.layer === layer && candidate.name === table);
        assert.ok(model?.partitionColumn, `${name} reads ${layer}.${table}, a partitioned model`);
        const column = `${alias ? `${alias}.` : ""}${model.partitionColumn}`;
        assert.ok(
          sql.includes(`${column} BETWEEN @from_date AND @through_date`),
          `${name}: ${layer}.${table} is filtered on ${column}`,
        );
      }
    }
  });

  it("stops reading a stream whose rows come out of month order, and closes it (its connection goes back)", async () => {
    const folder = await mkdtemp(join(tmpdir(), "pulse-chunks-order-"));
    let closed = false;
    const schema = extractSchema("daily_kpis");
    const columns = schema.columns.map((column) => ({ name: column.name, type: column.type }));
    const row = (date: string) =>
      ({ ...Object.fromEntries(columns.map((column) => [column.name, null])), date }) as Row;
    async function* outOfOrder(): AsyncGenerator<StreamBatch> {
      try {
        yield {
          columns,
          rows: [row("2026-10-30"), row("2026-11-02")],
        };
        yield { columns, rows: [row("2026-10-31")] };
        yield { columns, rows: [row("2026-11-03")] };
      } finally {
        closed = true;
      }
    }
    try {
      await assert.rejects(
        exportMonthChunks({
          warehouse: { stream: outOfOrder } as unknown as Warehouse,
          bucket: new FolderBucket(folder),
          schema: { ...schema, month_chunks_by: "date" },
          sql: readSql("extracts/daily_kpis.sql"),
          runDate: "2026-11-21",
          isDemo: false,
          rebuilt: undefined,
          destination: extractPath("daily_kpis", "2026-11-21"),
        }),
        /rows of 2026-10 come after later months/,
      );
      assert.equal(closed, true);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("turns months into consecutive ranges, the last one cut at the run date", () => {
    assert.deepEqual(queryRanges(["2026-11", "2026-08", "2026-10", "2025-12", "2026-01"], "2026-11-22"), [
      { start: "2025-12-01", end: "2026-01-31" },
      { start: "2026-08-01", end: "2026-08-31" },
      { start: "2026-10-01", end: "2026-11-22" },
    ]);
    assert.deepEqual(monthsOfRanges([{ start: "2025-12-30", end: "2026-02-01" }]), [
      "2025-12",
      "2026-01",
      "2026-02",
    ]);
    assert.deepEqual(monthsBetween("2024-02", "2024-02"), ["2024-02"]);
  });
});

/** How many extract streams were being read at once, at most. */
const streams = { open: 0, most: 0 };

async function* counted(batches: AsyncIterable<StreamBatch>): AsyncIterable<StreamBatch> {
  streams.open += 1;
  streams.most = Math.max(streams.most, streams.open);
  try {
    yield* batches;
  } finally {
    streams.open -= 1;
  }
}

/** The warehouse, recording the label of every streamed query: the query log the tests count months with. */
function recording(warehouse: Warehouse, labels: string[]): Warehouse {
  return new Proxy(warehouse, {
    get(target, property, receiver) {
      if (property === "stream") {
        return (sql: string, params?: Record<string, never>, options?: { label?: string }) => {
          labels.push(options?.label ?? "");
          return counted(target.stream(sql, params, options));
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The bucket, failing once on the first operation `fails` picks: a crash at that point of the export. */
function failingOnce(bucket: FolderBucket, fails: (op: string, path: string) => boolean): Bucket {
  let failed = false;
  const trip = (op: string, path: string) => {
    if (!failed && fails(op, path)) {
      failed = true;
      throw new Error(`simulated crash at ${op} ${path}`);
    }
  };
  return new Proxy(bucket, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const path = property === "compose" ? String(args[1]) : String(args[0]);
        trip(String(property), path);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as Bucket;
}

const END = "2026-11-21";
const WARM = addDays(END, 1);
const NEXT = addDays(WARM, 1);
const OLD = addDays(WARM, -90);
const REFUND = 12.34;

/** The last day of a date's month (day 0 of the next month, by the JavaScript calendar). */
function monthEnd(date: string): string {
  const [year, month] = date.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

describe("month chunks on the demo shop", { timeout: 300_000 }, () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  let bucket: FolderBucket;
  const labels: string[] = [];
  const config = () => loadConfig({ env: {}, cwd: dir });

  const transform = async (runDate: string, fullRefresh = false): Promise<Rebuilt> => {
    const result: StepResult = await runTransform({
      step: "transform",
      message: parseRunMessage({
        runDate,
        runId: `t-${runDate}`,
        trigger: "manual",
        options: { fullRefresh },
      }),
      config: loadConfig({ env: { PULSE_LOOKBACK_DAYS: "7" }, cwd: "/tmp" }),
      ports: { warehouse, secrets: fixedSecrets({ piiHashKey: FIXTURE_PII_KEY }) },
      log: silentLogger(),
    } as unknown as StepContext);
    assert.ok(result.next?.rebuilt, "transform says what it rebuilt");
    return result.next.rebuilt;
  };
  const exportTo = (target: Bucket, runDate: string, rebuilt?: Rebuilt) =>
    runExport({
      step: "export",
      message: parseRunMessage({
        runDate,
        runId: `e-${runDate}`,
        trigger: "manual",
        options: { skip: [] },
        ...(rebuilt ? { rebuilt } : {}),
      }),
      config: config(),
      ports: { warehouse: recording(warehouse, labels), bucket: target },
      log: silentLogger(),
    } as unknown as StepContext);
  /** A full rewrite into a bucket of its own (no chunks, no transform record): every month queried afresh. */
  const fullRewrite = async (runDate: string) => {
    const fresh = new FolderBucket(await mkdtemp(join(dir, "full-")));
    await exportTo(fresh, runDate);
    return fresh;
  };
  /** Today's single whole query: the extract's SQL with its original filter, one CSV. */
  const wholeQuery = async (name: string, runDate: string) => {
    const sql = readSql(`extracts/${name}.sql`).replaceAll(
      "BETWEEN @from_date AND @through_date",
      "<= @run_date",
    );
    assert.doesNotMatch(sql, /@from_date|@through_date/);
    const parts: string[] = [];
    const batches: AsyncIterable<StreamBatch> = warehouse.stream(sql, { run_date: runDate, is_demo: false });
    for await (const part of csvChunks(batches, { rows: 0 })) parts.push(part);
    return parts.join("");
  };
  const text = async (target: Bucket, path: string) => (await target.read(path))?.toString("utf8") ?? "";
  const assertSameAsFull = async (runDate: string) => {
    const full = await fullRewrite(runDate);
    for (const name of EXTRACT_NAMES) {
      const path = extractPath(name, runDate);
      assert.equal(await text(bucket, path), await text(full, path), `${name} as a full rewrite`);
    }
    for (const name of CHUNKED) {
      assert.equal(
        await text(bucket, extractPath(name, runDate)),
        await wholeQuery(name, runDate),
        `${name} as one query`,
      );
    }
  };
  const monthsQueried = (name: string) =>
    labels
      .filter((label) => label.startsWith(`extract ${name} `))
      .map((label) => label.slice(`extract ${name} `.length));

  let endRebuilt: Rebuilt;
  let warmRebuilt: Rebuilt;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-chunks-"));
    bucket = new FolderBucket(join(dir, "bucket"));
    warehouse = await openFixtureWarehouse();
    // 200 days: seven months, so the late change is months away from the run window.
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(END),
      startDate: addDays(END, -200),
      ordersPerDay: 15,
    });
    endRebuilt = await transform(END, true);
    await saveFindings(warehouse, END, []);
  });
  after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("declares the daily and monthly mart extracts as month-chunked, each ordered by its month's column first", () => {
    assert.deepEqual(Object.fromEntries(CHUNKED.map((name) => [name, extractSchema(name).month_chunks_by])), {
      daily_kpis: "date",
      marketing_daily_channel: "date",
      product_daily_sales: "date",
      product_performance: "month",
      geographic_sales: "month",
      premium_products: "month",
      channel_mix: "month",
      campaign_daily: "date",
    });
    for (const name of CHUNKED) {
      const column = extractSchema(name).month_chunks_by ?? "";
      assert.match(
        readSql(`extracts/${name}.sql`),
        new RegExp(`ORDER BY (\\w+\\.)?${column}(,|\\s*$)`, "m"),
        name,
      );
      assert.doesNotMatch(
        readSql(`extracts/${name}.sql`),
        /@run_date/,
        `${name} reads only the months asked for`,
      );
    }
  });

  it("after a full build: every month in one query per extract, the files as a full rewrite and as one query", async () => {
    assert.equal(endRebuilt.days, null);
    labels.length = 0;
    const result = await exportTo(bucket, END, endRebuilt);
    for (const name of CHUNKED) assert.deepEqual(monthsQueried(name), [`2000-01-01 → ${END}`]);
    assert.equal(result.metrics?.chunkedRewrittenWhole, CHUNKED.length);
    // The extracts were read side by side, as many at once as the warehouse reads (DuckDB: its two connections).
    assert.equal(warehouse.parallelReads, 2);
    assert.equal(streams.most, 2);
    assert.equal(streams.open, 0);
    await assertSameAsFull(END);
  });

  it("a refund on a 90-day-old order: that month and the run window's are re-queried, nothing else", async () => {
    const beforeRows = parse(await text(bucket, extractPath("daily_kpis", END)), { columns: true }) as Record<
      string,
      string
    >[];
    const [order] = (
      await warehouse.rawConnection.runAndReadAll(`
      SELECT id FROM raw.shopify_orders
      WHERE cancelled_at IS NULL AND total_price IS NOT NULL AND json_array_length(refunds) = 0
        AND CAST(timezone('America/New_York', created_at) AS DATE) = DATE '${OLD}'
      ORDER BY id LIMIT 1`)
    ).getRowObjectsJS();
    assert.ok(order?.id, "an order of that day without a refund");
    const extracted = `${addDays(WARM, 1)}T06:00:00Z`;
    await warehouse.rawConnection.run(`
      INSERT INTO raw.shopify_orders
      SELECT * REPLACE ('[{"id": 990001, "created_at": "${extracted}", "transactions": [{"kind": "refund", "amount": "${REFUND}"}]}]'::JSON AS refunds,
        TIMESTAMPTZ '${extracted}' AS updated_at, TIMESTAMPTZ '${extracted}' AS _airbyte_extracted_at, 'late-1' AS _airbyte_raw_id)
      FROM (SELECT * FROM raw.shopify_orders WHERE id = ${String(order.id)} ORDER BY _airbyte_extracted_at DESC LIMIT 1)`);
    warmRebuilt = await transform(WARM);
    assert.equal(warmRebuilt.fromState, endRebuilt.toState);
    await saveFindings(warehouse, WARM, []);
    labels.length = 0;
    const result = await exportTo(bucket, WARM, warmRebuilt);
    // The month of the old order (whole), and the run window's month up to the run date: two queries each.
    const oldMonth = OLD.slice(0, 7);
    const windowMonths = [...new Set([addDays(WARM, -7).slice(0, 7), WARM.slice(0, 7)])];
    assert.deepEqual(windowMonths, ["2026-11"]);
    for (const name of CHUNKED) {
      assert.deepEqual(
        monthsQueried(name),
        [`${oldMonth}-01 → ${monthEnd(OLD)}`, `2026-11-01 → ${WARM}`],
        name,
      );
    }
    assert.equal(result.metrics?.chunkMonthsQueried, 2 * CHUNKED.length);
    assert.equal(result.metrics?.chunkedRewrittenWhole, 0);
    // The refund reached the composed file: that day's net revenue is down by exactly the refund.
    const afterRows = parse(await text(bucket, extractPath("daily_kpis", WARM)), { columns: true }) as Record<
      string,
      string
    >[];
    const was = Number(beforeRows.find((row) => row.date === OLD)?.net_revenue);
    const now = Number(afterRows.find((row) => row.date === OLD)?.net_revenue);
    assert.ok(Math.abs(now - (was - REFUND)) < 0.005, `${now} vs ${was} − ${REFUND}`);
    await assertSameAsFull(WARM);
  });

  it("a changed fingerprint (the extract's SQL) rewrites every month and drops the old chunks", async () => {
    const schema = extractSchema("daily_kpis");
    const sql = `${readSql("extracts/daily_kpis.sql")}\n-- a changed query\n`;
    const before = await bucket.list(extractChunksRoot("daily_kpis"));
    labels.length = 0;
    const result = await exportMonthChunks({
      warehouse: recording(warehouse, labels),
      bucket,
      schema: { ...schema, month_chunks_by: "date" },
      sql,
      runDate: WARM,
      isDemo: false,
      rebuilt: warmRebuilt,
      destination: "check/daily_kpis.csv",
    });
    assert.equal(result.plan.all, true);
    assert.deepEqual(labels, [`extract daily_kpis 2000-01-01 → ${WARM}`]);
    // Every month with a row, counted from the raw data's first order day to the run date.
    assert.equal(
      result.monthsQueried,
      monthsBetween(addDays(END, -200).slice(0, 7), WARM.slice(0, 7)).length,
    );
    assert.equal(
      await text(bucket, "check/daily_kpis.csv"),
      await text(bucket, extractPath("daily_kpis", WARM)),
    );
    const now = await bucket.list(extractChunksRoot("daily_kpis"));
    assert.ok(
      before.every((path) => !now.includes(path)),
      "the old fingerprint's chunks are gone",
    );
  });

  it("a crash after the chunks, before the manifest: the next run repairs it and leaves no orphan", async () => {
    // Put daily_kpis back on its own SQL's chunks (the test above moved them to another fingerprint).
    await exportTo(bucket, WARM);
    const nextRebuilt = await transform(NEXT);
    await saveFindings(warehouse, NEXT, []);
    // The crash hits daily_kpis' manifest: extracts export side by side, so "the first manifest" is any of them.
    const crashing = failingOnce(
      bucket,
      (op, path) =>
        op === "write" && path.startsWith(extractChunksRoot("daily_kpis")) && path.endsWith("/manifest.json"),
    );
    const manifestsBefore = await Promise.all(
      CHUNKED.map(async (name) =>
        (await bucket.list(extractChunksRoot(name))).filter((p) => p.endsWith("manifest.json")),
      ),
    );
    const oldManifest = await text(bucket, manifestsBefore[0]?.[0] ?? "");
    await assert.rejects(exportTo(crashing, NEXT, nextRebuilt), /simulated crash/);
    // The manifest in force is the old one, and the new chunks are orphans beside it.
    assert.equal(await text(bucket, manifestsBefore[0]?.[0] ?? ""), oldManifest);
    const named = (JSON.parse(oldManifest) as ChunkManifest).months.map((chunk) => chunk.path);
    const files = (await bucket.list(extractChunksRoot(CHUNKED[0] ?? ""))).filter((path) =>
      path.includes("/month="),
    );
    assert.ok(
      files.some((path) => !named.includes(path)),
      "chunks written before the crash",
    );
    labels.length = 0;
    const repaired = await exportTo(bucket, NEXT, nextRebuilt);
    // The put-back export had no transform record, yet its chunks hold the state NEXT's transform started from:
    // the repair queries only the months up to NEXT (its window's), not every month.
    assert.equal(nextRebuilt.fromState, warmRebuilt.toState);
    assert.equal(repaired.metrics?.chunkedRewrittenWhole, 0);
    assert.deepEqual(monthsQueried("daily_kpis"), [`2026-11-01 → ${NEXT}`]);
    await assertSameAsFull(NEXT);
    for (const name of CHUNKED) {
      const [manifestPath] = (await bucket.list(extractChunksRoot(name))).filter((p) =>
        p.endsWith("manifest.json"),
      );
      const manifest = JSON.parse(await text(bucket, manifestPath ?? "")) as ChunkManifest;
      const inForce = new Set([manifestPath, ...manifest.months.map((chunk) => chunk.path)]);
      const left = (await bucket.list(extractChunksRoot(name))).filter(
        (path) => !inForce.has(path) && !path.endsWith("header.csv"),
      );
      assert.deepEqual(left, [], `${name}: no orphan chunk`);
    }
  });

  it("a crash at compose, then a lost chunk: the next runs query nothing, then exactly that month", async () => {
    const crashing = failingOnce(
      bucket,
      (op, path) => op === "compose" && path === extractPath("daily_kpis", NEXT),
    );
    const [manifestPath] = (await bucket.list(extractChunksRoot("daily_kpis"))).filter((p) =>
      p.endsWith("manifest.json"),
    );
    const manifest = JSON.parse(await text(bucket, manifestPath ?? "")) as ChunkManifest;
    // The message the NEXT export had (its transform left the state in the manifest).
    const rebuilt: Rebuilt = {
      fromState: "before",
      toState: manifest.state ?? "",
      days: [{ start: addDays(NEXT, -7), end: NEXT }],
    };
    await bucket.delete(extractPath("daily_kpis", NEXT));
    await assert.rejects(exportTo(crashing, NEXT, rebuilt), /simulated crash/);
    labels.length = 0;
    await exportTo(bucket, NEXT, rebuilt);
    assert.deepEqual(monthsQueried("daily_kpis"), [], "the chunks already hold that transform's work");
    // A chunk named by the manifest disappears: only its month is queried again.
    const lost = manifest.months.find((chunk) => chunk.month === OLD.slice(0, 7));
    assert.ok(lost);
    await bucket.delete(lost.path);
    labels.length = 0;
    await exportTo(bucket, NEXT, rebuilt);
    assert.deepEqual(monthsQueried("daily_kpis"), [`${lost.month}-01 → ${monthEnd(OLD)}`]);
    await assertSameAsFull(NEXT);
  });

  it("a manifest that does not parse is set aside and every month queried again", async () => {
    const [manifestPath] = (await bucket.list(extractChunksRoot("daily_kpis"))).filter((p) =>
      p.endsWith("manifest.json"),
    );
    assert.ok(manifestPath);
    await bucket.write(manifestPath, '{"runDate": "2026-11-23", "months": [');
    const schema = extractSchema("daily_kpis");
    labels.length = 0;
    const result = await exportMonthChunks({
      warehouse: recording(warehouse, labels),
      bucket,
      schema: { ...schema, month_chunks_by: "date" },
      sql: readSql("extracts/daily_kpis.sql"),
      runDate: NEXT,
      isDemo: false,
      rebuilt: undefined,
      destination: extractPath("daily_kpis", NEXT),
    });
    assert.equal(result.plan.all, true);
    assert.match(result.corrupt?.reason ?? "", /not valid JSON/);
    assert.deepEqual(labels, [`extract daily_kpis 2000-01-01 → ${NEXT}`]);
    // Kept for a look beside the new manifest, and the file is whole again.
    assert.equal(await bucket.exists(result.corrupt?.setAsideTo ?? "none"), true);
    assert.equal(await text(bucket, extractPath("daily_kpis", NEXT)), await wholeQuery("daily_kpis", NEXT));
  });

  it("a chunk that vanishes before compose (another export cleaning up) is a retryable error, repaired by the retry", async () => {
    const schema = { ...extractSchema("daily_kpis"), month_chunks_by: "date" };
    const sql = readSql("extracts/daily_kpis.sql");
    const rebuilt: Rebuilt = { fromState: "another", toState: "race", days: [] };
    const run = (target: Bucket) =>
      exportMonthChunks({
        warehouse: recording(warehouse, labels),
        bucket: target,
        schema,
        sql,
        runDate: NEXT,
        isDemo: false,
        rebuilt,
        destination: extractPath("daily_kpis", NEXT),
      });
    // Chunks of state "race" (every month: the manifest before was of no known state).
    assert.equal((await run(bucket)).plan.all, true);
    const [manifestPath] = (await bucket.list(extractChunksRoot("daily_kpis"))).filter((p) =>
      p.endsWith("manifest.json"),
    );
    const manifest = JSON.parse(await text(bucket, manifestPath ?? "")) as ChunkManifest;
    const victim = manifest.months.find((chunk) => chunk.month === OLD.slice(0, 7));
    assert.ok(victim);
    // The bucket deletes that chunk just before the compose, as a concurrent export's cleanup would.
    const racing = new Proxy(bucket, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property === "compose") {
          return async (sources: string[], destination: string) => {
            await target.delete(victim.path);
            return target.compose(sources, destination);
          };
        }
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as unknown as Bucket;
    const error = await run(racing).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof Error && /vanished before compose/.test(error.message), String(error));
    assert.equal(isTransient(error), true);
    labels.length = 0;
    await run(bucket);
    assert.deepEqual(labels, [`extract daily_kpis ${OLD.slice(0, 7)}-01 → ${monthEnd(OLD)}`]);
    assert.equal(await text(bucket, extractPath("daily_kpis", NEXT)), await wholeQuery("daily_kpis", NEXT));
  });
});

// Measures file-drop ingest on a large generated Shopify orders export: rows per second and peak memory.
//   npx tsx tools/bench-ingest.ts [line rows, default 200000]
// The export is written to a temporary folder bucket, then ingested exactly as the step does (hash, keep as
// received, parse, load in chunks into DuckDB), and the folder is removed.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { FolderBucket } from "../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../functions/adapters/warehouse/duckdb/warehouse.ts";
import { createLogger } from "../functions/lib/logger.ts";
import { ingestDrop } from "../functions/ingest/file-drop.ts";
import { INBOX_PREFIX } from "../functions/lib/bucket-layout.ts";
import { BUILTIN_FORMATS } from "../functions/ingest/builtin-formats.ts";
import { detectFormat, mapRecords } from "../functions/ingest/map-records.ts";
import { openRecords } from "../functions/ingest/records.ts";
import { LOAD_CHUNK_ROWS } from "../functions/ingest/step.ts";

const HEADER =
  "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References";
const COLUMNS = HEADER.split(",");

/** One order's rows (1–3 line items), fake data only. */
function orderRows(index: number): string[][] {
  const lines = 1 + (index % 3);
  const day = 1 + (index % 28);
  const created = `2026-10-${String(day).padStart(2, "0")} ${String(index % 24).padStart(2, "0")}:15:00 -0400`;
  const price = 20 + (index % 7) * 5;
  const subtotal = price * lines;
  const rows: string[][] = [];
  for (let line = 0; line < lines; line++) {
    const cells = new Array<string>(COLUMNS.length).fill("");
    const set = (column: string, text: string) => (cells[COLUMNS.indexOf(column)] = text);
    set("Name", `#${100000 + index}`);
    set("Email", `customer${index % 5000}@example.com`);
    set("Created at", created);
    set("Lineitem quantity", "1");
    set("Lineitem name", `Product ${(index + line) % 50} - Size M`);
    set("Lineitem price", `${price}.00`);
    set("Lineitem sku", `SKU-${(index + line) % 50}`);
    if (line === 0) {
      set("Financial Status", "paid");
      set("Currency", "USD");
      set("Subtotal", `${subtotal}.00`);
      set("Shipping", "5.00");
      set("Taxes", "0.00");
      set("Total", `${subtotal + 5}.00`);
      set("Shipping Zip", "'02134");
      set("Shipping Province", "MA");
      set("Shipping Country", "US");
      set("Note Attributes", `utm_source: ${index % 2 ? "facebook" : "google"}\nutm_medium: cpc`);
      set("Id", String(5_000_000_000_000 + index));
      set("Source", "web");
    }
    rows.push(cells);
  }
  return rows;
}

const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

async function writeExport(path: string, targetRows: number): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  let written = 0;
  for (let order = 0; written < targetRows; order++) {
    for (const cells of orderRows(order)) {
      if (!out.write(`${cells.map(quote).join(",")}\n`)) await once(out, "drain");
      written++;
    }
  }
  out.end();
  await once(out, "finish");
  return written;
}

async function main(): Promise<void> {
  const targetRows = Number(process.argv[2] ?? 200_000);
  const dir = await mkdtemp(join(tmpdir(), "pulse-bench-ingest-"));
  try {
    const bucket = new FolderBucket(join(dir, "bucket"));
    const inboxPath = `${INBOX_PREFIX}orders_export_bench.csv`;
    const lineRows = await writeExport(bucket.pathOf(inboxPath), targetRows);
    const { size } = await stat(bucket.pathOf(inboxPath));
    const warehouse = await DuckDbWarehouse.open(join(dir, "bench.duckdb"));
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }, 50);
    const started = performance.now();
    const outcome = await ingestDrop(
      {
        warehouse,
        bucket,
        clock: { now: () => new Date("2026-11-01T12:00:00Z") },
        log: createLogger({ format: "pretty", minLevel: "warn" }),
      },
      {
        runDate: "2026-10-31",
        shopTimezone: "America/New_York",
        shopCurrency: "USD",
        formats: BUILTIN_FORMATS,
        chunkSize: LOAD_CHUNK_ROWS,
        latestEventDate: "2026-11-02",
      },
      inboxPath,
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await warehouse.close();
    const { manifest } = outcome;

    // The same file again without the warehouse: what reading, parsing and mapping alone cost.
    const parseStarted = performance.now();
    const opened = await openRecords(bucket.readStream(manifest.receivedPath));
    const detected = await detectFormat(opened.records, BUILTIN_FORMATS);
    await mapRecords(
      detected,
      {
        sha256: manifest.sha256,
        ingestedAt: "2026-11-01T12:00:00Z",
        latestEventDate: "2026-11-02",
        shopTimezone: "America/New_York",
        shopCurrency: "USD",
        preamble: [],
      },
      { load: async () => undefined, quarantine: () => undefined },
      { chunkSize: LOAD_CHUNK_ROWS, stamp: (row) => row },
    );
    const parseSeconds = (performance.now() - parseStarted) / 1000;
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      [
        `file: ${lineRows} line rows, ${manifest.rowsLanded} orders, ${mb(size)} (${manifest.status}${manifest.error ? `: ${manifest.error}` : ""})`,
        `time: ${seconds.toFixed(2)} s — ${Math.round(manifest.rowsRead / seconds)} line rows/s, ${Math.round(manifest.rowsLanded / seconds)} orders/s`,
        `parse + map only (no warehouse): ${parseSeconds.toFixed(2)} s — ${Math.round(manifest.rowsRead / parseSeconds)} line rows/s`,
        `rows: read ${manifest.rowsRead}, loaded ${manifest.rowsLoaded}, quarantined ${manifest.rowsQuarantined}`,
        `memory: peak RSS ${mb(peakRss)} (start ${mb(before.rss)}), peak heap ${mb(peakHeap)} (start ${mb(before.heapUsed)})`,
      ].join("\n"),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

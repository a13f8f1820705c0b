// Step 5: the marts as CSV extracts in the bucket: one file per extract and run date, and latest/ for Looker.
// latest/ follows the newest run date only: a backfill or a resume of an older date writes its dated files and
// leaves latest/ (what dashboards read) as it is, so dashboards never go back in time.
import { extractPath, LATEST_EXTRACTS_STATE_PATH, latestExtractPath } from "../lib/bucket-layout.ts";
import { latestExtractsRunDate } from "../lib/latest-extracts.ts";
import { currentWarehouseState } from "../lib/warehouse-state.ts";
import { type ExtractSchema, extractSchema } from "../shared/extract-schemas.ts";
import type { StreamBatch, Warehouse } from "../shared/ports.ts";
import { readSql } from "../lib/sql/sql-files.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { csvChunks } from "./csv.ts";
import { type ChunkedExport, exportMonthChunks } from "./month-chunks.ts";
import { mapLimited } from "../lib/concurrency.ts";
import { ensureLoadColumns } from "../lib/load-columns.ts";
import { RECONCILIATION_COLUMNS, RECONCILIATION_TABLE } from "../lib/quality/reconciliation-table.ts";
import { DATASETS, EXTRACT_NAMES } from "../shared/pipeline.ts";

interface ExportedExtract {
  rows: number;
  bytes: number;
  /** For a dated extract: how its months were planned and queried. */
  chunked?: ChunkedExport;
}

/** Whether an extract's source table is one that may not exist (a feature left off) and does not. */
async function sourceAbsent(warehouse: Warehouse, schema: ExtractSchema): Promise<boolean> {
  if (!schema.optional_source) return false;
  const [dataset = "", table = ""] = schema.source.split(".");
  return !(await warehouse.listTables(dataset)).some((info) => info.name === table);
}

/** The declared columns and no row: the extract of a table that does not exist yet is its header only. */
async function* headerOnly(schema: ExtractSchema): AsyncIterable<StreamBatch> {
  yield { columns: schema.columns.map((column) => ({ name: column.name, type: column.type })), rows: [] };
}

export async function runExport(context: StepContext): Promise<StepResult> {
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  const shown = await latestExtractsRunDate(bucket);
  // The same date again (a forced re-run) replaces latest/; only a newer date already shown keeps it.
  const updateLatest = shown === null || shown <= runDate;
  // Read before any query: a message without transform's record rewrites every month, and those chunks then
  // hold this state (a transform landing meanwhile only makes the next export rewrite them again).
  const stateBefore = context.message.rebuilt ? undefined : await currentWarehouseState(warehouse);
  // The extracts are independent (each its own files and chunk folder): parallelReads at once, since on BigQuery
  // every extract is a query job with its own latency.
  const exported = await mapLimited(EXTRACT_NAMES, warehouse.parallelReads ?? 1, async (name) => {
    const path = extractPath(name, runDate);
    const schema = extractSchema(name);
    const { month_chunks_by: chunkColumn } = schema;
    let written: ExportedExtract;
    if (chunkColumn !== undefined) {
      // A dated extract: only the months that may have changed are queried (month-chunks.ts).
      const result = await exportMonthChunks({
        warehouse,
        bucket,
        schema: { ...schema, month_chunks_by: chunkColumn },
        sql: readSql(`extracts/${name}.sql`),
        runDate,
        isDemo: context.message.demo === true,
        rebuilt: context.message.rebuilt,
        stateBefore,
        destination: path,
      });
      if (result.corrupt) {
        context.log.warn("an extract's chunk manifest did not parse: set aside, every month queried again", {
          ...result.corrupt,
        });
      }
      context.log.info("extract composed from month chunks", {
        extract: name,
        whole: result.plan.all,
        why: result.plan.reason,
        monthsQueried: result.monthsQueried,
      });
      written = { rows: result.rows, bytes: result.bytes, chunked: result };
    } else {
      const counter = { rows: 0 };
      // ops.reconciliation exists once check-sources reconciled; with reconciliation off the CSV is a header.
      const absent = await sourceAbsent(warehouse, schema);
      // One an earlier version made lacks the columns declared since (currency), until a reconciliation adds them:
      // added empty first, so that the extract's query finds them when reconciliation has been turned off since.
      if (!absent && schema.source === `${DATASETS.ops}.${RECONCILIATION_TABLE}`)
        await ensureLoadColumns(warehouse, DATASETS.ops, RECONCILIATION_TABLE, RECONCILIATION_COLUMNS);
      const batches = absent
        ? headerOnly(schema)
        : warehouse.stream(
            readSql(`extracts/${name}.sql`),
            { run_date: runDate, is_demo: context.message.demo === true },
            { label: `extract ${name}` },
          );
      const { bytes } = await bucket.writeStream(path, csvChunks(batches, counter), {
        contentType: "text/csv; charset=utf-8",
      });
      written = { rows: counter.rows, bytes };
    }
    // latest/ is replaced in one step only after the dated file is complete.
    if (updateLatest) await bucket.copy(path, latestExtractPath(name));
    return { name, path, ...written };
  });
  const rows: Record<string, number> = {};
  const outputs: string[] = [];
  let bytes = 0;
  const chunked = { extracts: 0, rewrittenWhole: 0, monthsQueried: 0, queries: 0 };
  for (const extract of exported) {
    rows[extract.name] = extract.rows;
    bytes += extract.bytes;
    outputs.push(extract.path, ...(updateLatest ? [latestExtractPath(extract.name)] : []));
    if (extract.chunked) {
      chunked.extracts += 1;
      chunked.rewrittenWhole += extract.chunked.plan.all ? 1 : 0;
      chunked.monthsQueried += extract.chunked.monthsQueried;
      chunked.queries += extract.chunked.queries;
    }
  }
  if (updateLatest) {
    await bucket.write(LATEST_EXTRACTS_STATE_PATH, `${JSON.stringify({ runDate })}\n`, {
      contentType: "application/json",
    });
  } else {
    context.log.info("latest/ kept: it shows a newer run date", { latest: shown, runDate });
  }
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  const latestNote = updateLatest ? "" : `; latest/ kept at ${shown} (newer than ${runDate})`;
  return {
    rows,
    outputs,
    metrics: {
      extracts: EXTRACT_NAMES.length,
      bytes,
      latestUpdated: updateLatest ? 1 : 0,
      chunkedExtracts: chunked.extracts,
      chunkedRewrittenWhole: chunked.rewrittenWhole,
      chunkMonthsQueried: chunked.monthsQueried,
      chunkQueries: chunked.queries,
    },
    summary: `${EXTRACT_NAMES.length} extracts, ${total} rows, ${(bytes / 1024).toFixed(0)} KiB; ${chunked.monthsQueried} months re-queried for ${chunked.extracts} dated extracts${latestNote}`,
  };
}

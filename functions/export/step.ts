// Step 5: the marts as CSV extracts in the bucket: one file per extract and run date, and latest/ for Looker.
import { extractPath, latestExtractPath } from "../lib/bucket-layout.ts";
import { EXTRACT_NAMES } from "../shared/pipeline.ts";
import { readSql } from "../lib/sql/sql-files.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { csvChunks } from "./csv.ts";

export async function runExport(context: StepContext): Promise<StepResult> {
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  const rows: Record<string, number> = {};
  const outputs: string[] = [];
  let bytes = 0;
  for (const name of EXTRACT_NAMES) {
    const counter = { rows: 0 };
    const path = extractPath(name, runDate);
    const batches = warehouse.stream(
      readSql(`extracts/${name}.sql`),
      { run_date: runDate },
      { label: `extract ${name}` },
    );
    const written = await bucket.writeStream(path, csvChunks(batches, counter), {
      contentType: "text/csv; charset=utf-8",
    });
    // latest/ is replaced in one step only after the dated file is complete.
    await bucket.copy(path, latestExtractPath(name));
    rows[name] = counter.rows;
    bytes += written.bytes;
    outputs.push(path, latestExtractPath(name));
  }
  return {
    rows,
    outputs,
    metrics: { extracts: EXTRACT_NAMES.length, bytes },
    summary: `${EXTRACT_NAMES.length} extracts, ${Object.values(rows).reduce((a, b) => a + b, 0)} rows, ${(bytes / 1024).toFixed(0)} KiB`,
  };
}

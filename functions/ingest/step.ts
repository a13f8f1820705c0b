// Step 1: land the run date's raw data. Sources that Airbyte/Fivetran land in the warehouse need nothing here;
// this step takes stock of what landed for the run date and of the files dropped in raw/inbox/.
import type { Finding } from "../shared/findings.ts";
import { DATASETS } from "../shared/pipeline.ts";
import { SOURCES } from "../shared/sources.ts";
import type { StepContext, StepResult } from "../shared/step.ts";

export const INBOX_PREFIX = "raw/inbox/";

export async function runIngest(context: StepContext): Promise<StepResult> {
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  const findings: Finding[] = [];
  const present = new Set((await warehouse.listTables(DATASETS.raw)).map((table) => table.name));
  const rows: Record<string, number> = {};
  for (const source of SOURCES) {
    if (!present.has(source.freshnessTable)) continue;
    const [landed] = await warehouse.query<{ rows: number }>(
      `SELECT COUNT(*) AS rows FROM ${DATASETS.raw}.${source.freshnessTable} WHERE ${source.eventDateSql} = @run_date`,
      { run_date: runDate, shop_timezone: context.config.shop.timezone },
      { label: `landed ${source.name}` },
    );
    rows[`${DATASETS.raw}.${source.freshnessTable}`] = landed?.rows ?? 0;
  }
  // File drops are kept exactly as received; the parsers for each export format read them from here.
  const dropped = (await bucket.list(INBOX_PREFIX)).filter((path) => !path.endsWith("/"));
  for (const path of dropped) {
    findings.push({
      step: "ingest",
      check: "file_drop_unrecognised",
      severity: "warning",
      blocking: false,
      subject: path,
      observed: path,
      expected: "a supported export (Shopify, Meta, Google Ads, TikTok)",
      message: `File ${path} is not a recognised export; it was kept as received and not loaded.`,
    });
  }
  const landedTotal = Object.values(rows).reduce((sum, value) => sum + value, 0);
  return {
    rows,
    findings,
    metrics: { filesInInbox: dropped.length },
    summary: `${landedTotal} raw rows landed for ${runDate} across ${Object.keys(rows).length} sources; ${dropped.length} file drops`,
  };
}

// The dashboard page of a run: reads the CSV extracts the export step wrote for the run date from the bucket,
// builds the model and renders the one HTML file. The edge of the dashboard: the model and renderer stay pure.
import { parse } from "csv-parse/sync";
import { extractPath } from "../lib/bucket-layout.ts";
import type { StepContext } from "../shared/step.ts";
import { buildDashboardModel } from "./dashboard-model.ts";
import { readChartJs, renderDashboardHtml } from "./dashboard-render.ts";
import {
  DASHBOARD_EXTRACTS,
  type ExtractRow,
  type ExtractTables,
  extractRowsSince,
} from "./dashboard-rows.ts";

/**
 * Parsed rows of one extract CSV (header row = column names; every cell kept as text). With `keep`, only the
 * rows whose `column` is on or after `since` are kept, decided row by row while parsing.
 */
export function parseExtract(text: string | Buffer, keep?: { column: string; since: string }): ExtractRow[] {
  return parse(text, {
    columns: true,
    skip_empty_lines: true,
    bom: true,
    on_record: keep
      ? (record: ExtractRow) => ((record[keep.column] ?? "") >= keep.since ? record : null)
      : undefined,
  }) as ExtractRow[];
}

/** Demo rows say so themselves (is_demo): a page built from them is marked even if the message was not. */
export function isDemoPage(demoRun: boolean, tables: ExtractTables): boolean {
  return demoRun || Object.values(tables).some((rows) => rows?.some((row) => row.is_demo === "true"));
}

/** The run date's extracts; a missing one is undefined (its page says so) rather than an error. */
export async function readExtracts(context: StepContext): Promise<ExtractTables> {
  const tables: ExtractTables = {};
  const since = extractRowsSince(context.message.runDate);
  for (const name of DASHBOARD_EXTRACTS) {
    const data = await context.ports.bucket.read(extractPath(name, context.message.runDate));
    tables[name] = data ? parseExtract(data, since[name]) : undefined;
  }
  return tables;
}

export async function buildDashboardPage(
  context: StepContext,
): Promise<{ html: string; pages: number; missing: string[] }> {
  const tables = await readExtracts(context);
  const model = buildDashboardModel(tables, {
    runDate: context.message.runDate,
    shop: context.config.shop,
    demo: isDemoPage(context.message.demo === true, tables),
  });
  const html = renderDashboardHtml(model, await readChartJs());
  return {
    html,
    pages: model.pages.length,
    missing: DASHBOARD_EXTRACTS.filter((name) => !tables[name]),
  };
}

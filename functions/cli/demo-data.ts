// Demo data for the embedded default: generated once into the local warehouse, on first use.
import { readQuery } from "../lib/sql/queries.ts";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDbWarehouse } from "../adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../demo/generate.ts";
import type { PulseConfig } from "../shared/config.ts";
import { addDays, localDate, yesterdayIn } from "../lib/calendar.ts";
import { DATASETS } from "../shared/pipeline.ts";

export function demoManifestPath(config: Pick<PulseConfig, "workDir">): string {
  return join(config.workDir, "demo-manifest.json");
}

/** Generates the demo shop unless raw data is already there; true when the raw data is demo data. */
export async function ensureDemoData(
  warehouse: DuckDbWarehouse,
  config: PulseConfig,
  options: { regenerate: boolean; write: (line: string) => void },
): Promise<boolean> {
  const manifestPath = demoManifestPath(config);
  const hasManifest = await readFile(manifestPath, "utf8").then(
    () => true,
    () => false,
  );
  const rawTables = await warehouse.listTables(DATASETS.raw);
  if (rawTables.some((table) => table.name === "shopify_orders") && !options.regenerate) return hasManifest;

  const endDate = config.demo.endDate ?? yesterdayIn(new Date(), config.shop.timezone);
  const demo = {
    ...defaultDemoOptions(endDate),
    seed: config.demo.seed,
    ordersPerDay: config.demo.ordersPerDay,
    startDate: addDays(endDate, -(config.demo.days - 1)),
    timezone: config.shop.timezone,
    currency: config.shop.currency,
  };
  options.write(
    `Generating demo data: ${config.demo.days} days (${demo.startDate} → ${endDate}), ~${demo.ordersPerDay} orders/day, seed ${demo.seed} …`,
  );
  let lastShown = -1;
  const manifest = await generateDemoData(warehouse.rawConnection, DATASETS.raw, demo, (done, total) => {
    const percent = Math.floor((done / total) * 10) * 10;
    if (percent !== lastShown) {
      lastShown = percent;
      options.write(`  demo data ${percent}%`);
    }
  });
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  options.write(
    `  ${manifest.orders.toLocaleString("en-US")} orders generated in ${manifest.seconds.toFixed(1)}s`,
  );
  return true;
}

/** The newest order day in the raw data that is over (a day still in progress is not reported on). */
export async function latestCompleteDay(warehouse: DuckDbWarehouse, config: PulseConfig): Promise<string> {
  const [row] = await warehouse.query<{ last_day: string | null }>(
    readQuery("cli/latest_order_day"),
    { shop_timezone: config.shop.timezone },
    { label: "latest order day" },
  );
  const today = localDate(new Date(), config.shop.timezone);
  const lastDay = row?.last_day;
  if (!lastDay)
    throw new Error("raw.shopify_orders holds no orders: there is no day to report on (pass --date)");
  return lastDay >= today ? addDays(today, -1) : lastDay;
}

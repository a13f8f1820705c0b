// A work dir holding a small generated demo shop, for the tests that run whole steps on realistic data.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";

/** A new work dir (under the system's temp dir) whose warehouse, left open, holds `days` days of 20 orders a day. */
export async function smallDemoShop(
  prefix: string,
  runDate: string,
  days = 60,
): Promise<{ workDir: string; config: PulseConfig; warehouse: DuckDbWarehouse }> {
  const workDir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const config = loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir });
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
  await generateDemoData(warehouse.rawConnection, "raw", {
    ...defaultDemoOptions(runDate),
    startDate: addDays(runDate, -(days - 1)),
    ordersPerDay: 20,
  });
  return { workDir, config, warehouse };
}

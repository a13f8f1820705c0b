// A run of the pipeline in a child process that the fault-injection test kills with SIGKILL: the chosen step
// does all its work, then says so on stdout and hangs before it can return (so its ledger record stays
// "running" and its claim stays in the bucket, as after an out-of-memory kill).
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { runCheckQuality } from "../../functions/check-quality/step.ts";
import { runCheckSources } from "../../functions/check-sources/step.ts";
import { runExport } from "../../functions/export/step.ts";
import { runIngest } from "../../functions/ingest/step.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runNotify } from "../../functions/notify/step.ts";
import { runReport } from "../../functions/report/step.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { StepName } from "../../functions/shared/pipeline.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepFunction } from "../../functions/shared/step.ts";
import { runTransform } from "../../functions/transform/step.ts";
import { fixedSecrets } from "../support/secrets.ts";

const REAL: Record<StepName, StepFunction> = {
  ingest: runIngest,
  "check-sources": runCheckSources,
  transform: runTransform,
  "check-quality": runCheckQuality,
  export: runExport,
  report: runReport,
  notify: runNotify,
};

const [workDir, runDate, victim] = process.argv.slice(2) as [string, string, StepName];
const config = loadConfig({
  env: { PULSE_WORK_DIR: workDir, PULSE_SHOP_NAME: "Maison Faults" },
  cwd: workDir,
});
const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
await runLocally(config, parseRunMessage({ runDate, runId: `doomed-${victim}`, trigger: "manual" }), {
  log: silentLogger(),
  warehouse,
  secrets: fixedSecrets({ piiHashKey: "f".repeat(40) }),
  overrides: {
    [victim]: async (context: Parameters<StepFunction>[0]) => {
      await REAL[victim](context);
      process.stdout.write(`REACHED ${victim}\n`);
      setInterval(() => undefined, 1000);
      return new Promise(() => undefined);
    },
  },
});
process.stdout.write("the run ended without reaching the victim\n");

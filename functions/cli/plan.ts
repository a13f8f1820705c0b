// pulse plan: what a run would do, step by step, without doing it. With a warehouse that can dry-run
// queries (BigQuery), each model also shows the bytes it would scan.
import type { PulseConfig } from "../shared/config.ts";
import { Ledger } from "../shared/ledger.ts";
import { DATASETS, EXTRACT_NAMES, STEP_NAMES } from "../shared/pipeline.ts";
import type { Bucket, Secrets, SqlParams, Warehouse } from "../shared/ports.ts";
import { isStepSelected, type RunMessage } from "../shared/run-message.ts";
import { readSql } from "../lib/sql/sql-files.ts";
import { deckPath, extractPath, latestExtractPath } from "../lib/bucket-layout.ts";
import { buildWindow, HISTORY_START } from "../lib/run-window.ts";
import { lastWatermark } from "../lib/warehouse-state.ts";
import {
  historySettingsOf,
  incrementalModelWindow,
  isKeyedModel,
  keyedModelWindow,
  modelParams,
  piiKeyPads,
} from "../transform/step.ts";
import { changedHistorySettings } from "../lib/history-settings.ts";
import { coverageGaps } from "../transform/export-periods.ts";
import { buildOrder, MODELS, modelPath } from "../lib/sql/models.ts";
import { describeColumnChanges } from "../shared/model-columns.ts";
import { formatBytes } from "../lib/bytes.ts";

/** A warehouse that can estimate a query's scanned bytes without running it. */
interface DryRunWarehouse extends Warehouse {
  estimateBytes(sql: string, params: SqlParams): Promise<number>;
}

function canDryRun(warehouse: Warehouse): warehouse is DryRunWarehouse {
  return typeof (warehouse as Partial<DryRunWarehouse>).estimateBytes === "function";
}

export async function planRun(
  message: RunMessage,
  config: PulseConfig,
  ports: { warehouse: Warehouse; bucket: Bucket; secrets: Secrets },
): Promise<string[]> {
  const lines: string[] = [];
  const ledger = new Ledger(ports.bucket);
  // As transform: through the newest run date built, when that is after this one.
  const lastRunDate = (await lastWatermark(ports.warehouse))?.runDate;
  const window = buildWindow(message.runDate, config.lookbackDays, lastRunDate);
  const existing = new Map<string, Set<string>>();
  for (const layer of ["staging", "unified", "marts"]) {
    existing.set(layer, new Set((await ports.warehouse.listTables(layer)).map((table) => table.name)));
  }
  const rawTables = await ports.warehouse.listTables(DATASETS.raw);
  let totalBytes = 0;

  for (const step of STEP_NAMES) {
    const record = await ledger.read(message.runDate, step);
    const selected = isStepSelected(step, message.options);
    const already = record?.status === "succeeded" && !message.options.force;
    const state = !selected
      ? "skipped (not selected)"
      : already
        ? `already done (${record?.finishedAt}); --force to redo`
        : "will run";
    lines.push(`${step}: ${state}`);
    if (!selected || already) continue;
    switch (step) {
      case "ingest":
        lines.push(`  take stock of ${rawTables.length} raw tables and the files in raw/inbox/`);
        break;
      case "check-sources":
        lines.push("  inventory against the baseline, freshness and volume per source");
        break;
      case "transform": {
        const pads = await piiKeyPads(ports.secrets);
        // As transform: all history, through the newest run date built when that is after this one.
        const allHistory = { start: HISTORY_START, end: window.end };
        const opsTables = (await ports.warehouse.listTables(DATASETS.ops)).map((table) => table.name);
        const settings = await historySettingsOf(ports.warehouse, config, pads, opsTables);
        // As transform: the days between the ad platforms' exports that none covers, and those their connectors
        // still owe, which unified.source_coverage reads.
        const gaps = await coverageGaps(ports.warehouse, opsTables);
        const changed = changedHistorySettings(settings.built, settings.now);
        const warm =
          !message.options.fullRefresh &&
          !changed.length &&
          MODELS.every((model) => existing.get(model.layer)?.has(model.name));
        // As transform: a keyed model reads what landed since the last run date.
        const keyedWindow = keyedModelWindow(window, warm ? lastRunDate : undefined, config.lateLandingHours);
        if (changed.length)
          lines.push(`  changed since the tables were built: ${changed.join("; ")}: all history is rebuilt`);
        // As transform: a model whose columns changed since its table was built (an upgrade) is rebuilt whole, with
        // every model built from it (transform/model-shapes.ts); the warehouse finds them as it would before a write.
        const columnsChangedIn = new Map<string, string>();
        const rebuiltFrom = new Map<string, string>();
        for (const model of buildOrder(MODELS)) {
          const id = `${model.layer}.${model.name}`;
          const root = model.dependencies.map((dependency) => rebuiltFrom.get(dependency)).find(Boolean);
          if (root) rebuiltFrom.set(id, root);
          const incremental =
            !message.options.fullRefresh &&
            !changed.length &&
            (model.partitionColumn !== undefined || model.uniqueKey !== undefined) &&
            existing.get(model.layer)?.has(model.name);
          const modelRange = incremental ? incrementalModelWindow(model, window, keyedWindow) : allHistory;
          const params = modelParams({ message, config }, modelRange, { ...pads }, gaps);
          const request = {
            dataset: model.layer,
            table: model.name,
            sql: readSql(modelPath(model)),
            params,
            partitionColumn: model.partitionColumn,
            clusterBy: model.clusterBy,
            uniqueKey: model.uniqueKey,
            window: modelRange,
          };
          const changes = incremental && !root ? await ports.warehouse.columnChanges(request) : undefined;
          if (changes) {
            columnsChangedIn.set(id, describeColumnChanges(changes));
            rebuiltFrom.set(id, id);
          }
          const whole = !incremental || rebuiltFrom.has(id);
          const range = whole ? allHistory : modelRange;
          const how = !whole
            ? isKeyedModel(model)
              ? `merge by ${model.uniqueKey} the records landed since ${range.start}`
              : `replace ${range.start} → ${range.end}`
            : !incremental
              ? "rebuild whole"
              : changes
                ? `rebuild whole: its columns changed since its table was built (${describeColumnChanges(changes)})`
                : `rebuild whole: built from ${rebuiltFrom.get(id)}, whose columns changed since its table was built`;
          let estimate = "";
          if (canDryRun(ports.warehouse)) {
            const bytes = await ports.warehouse.estimateBytes(
              request.sql,
              whole ? modelParams({ message, config }, range, { ...pads }, gaps) : params,
            );
            totalBytes += bytes;
            estimate = `, scans ~${formatBytes(bytes)}`;
          }
          lines.push(`  ${id}: ${how}${estimate}`);
        }
        if (columnsChangedIn.size)
          lines.push(
            `  ${columnsChangedIn.size} model${columnsChangedIn.size === 1 ? "'s" : "s'"} columns changed since their tables were built (${[...columnsChangedIn.keys()].join(", ")}): rebuilt whole from all history, with every model built from them`,
          );
        break;
      }
      case "check-quality":
        lines.push("  audits, business rules and anomaly detection over the window");
        break;
      case "export":
        for (const name of EXTRACT_NAMES)
          lines.push(`  ${extractPath(name, message.runDate)} → ${latestExtractPath(name)}`);
        break;
      case "report":
        lines.push(`  ${deckPath(message.runDate)}`);
        break;
      case "notify":
        lines.push(`  summary email to ${config.email.to.join(", ")} (once per run date)`);
        break;
    }
  }
  if (canDryRun(ports.warehouse))
    lines.push(`estimated bytes scanned by the models: ${formatBytes(totalBytes)}`);
  return lines;
}

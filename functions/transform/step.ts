// Step 3: build the models for the run window (or all of history on a full refresh or a first build).
import { hmacKeyPads } from "../lib/pii.ts";
import { HISTORY_START, runWindow, windowParams } from "../lib/run-window.ts";
import type { DateWindow, Secrets, SqlParams } from "../shared/ports.ts";
import { readSql } from "../lib/sql/sql-files.ts";
import { PermanentStepError, type StepContext, type StepResult } from "../shared/step.ts";
import { channelsParam } from "../lib/sql/channels.ts";
import { SOURCES } from "../shared/sources.ts";
import { type ModelDefinition, MODELS, modelPath } from "../lib/sql/models.ts";

/**
 * The HMAC key pads the staging models hash emails and phones with. Only transform asks for the key (in the
 * cloud only its service account may read it); a missing key fails with what to set.
 */
export async function piiKeyParams(secrets: Secrets): Promise<SqlParams> {
  const key = await secrets.get("piiHashKey");
  if (!key) {
    throw new PermanentStepError(
      "no PII hashing key: set PULSE_PII_HASH_KEY, or give this function the pulse-pii-hash-key secret (Secret Manager)",
    );
  }
  return { ...hmacKeyPads(key) };
}

/** A monthly model replaces whole months: its window starts on the first day of the window's first month. */
export function modelWindow(model: ModelDefinition, window: DateWindow): DateWindow {
  return model.partitionGrain === "month"
    ? { start: `${window.start.slice(0, 7)}-01`, end: window.end }
    : window;
}

/**
 * The sources the shop expects (all but those its quality settings mark `expected: false`), as a JSON array for
 * unified.source_coverage: a source the shop does not use never makes a day incomplete.
 */
export function expectedSourcesParam(config: Pick<StepContext["config"], "quality">): string {
  return JSON.stringify(
    SOURCES.filter((source) => config.quality.sources[source.name]?.expected !== false).map(
      (source) => source.name,
    ),
  );
}

/** What every model is run with: the window, the channel reference list, the expected sources and the PII key's pads. */
export function modelParams(
  context: Pick<StepContext, "message" | "config">,
  window: DateWindow,
  piiKey: SqlParams,
): SqlParams {
  return {
    ...windowParams(context, window),
    channels: channelsParam(),
    expected_sources: expectedSourcesParam(context.config),
    ...piiKey,
  };
}

export async function runTransform(context: StepContext): Promise<StepResult> {
  const { warehouse } = context.ports;
  const { message, config, log } = context;
  const incrementalWindow = runWindow(message.runDate, config.lookbackDays);
  const fullWindow: DateWindow = { start: HISTORY_START, end: message.runDate };
  const piiKey = await piiKeyParams(context.ports.secrets);
  const existing = new Map<string, Set<string>>();
  for (const layer of ["staging", "unified", "marts"] as const) {
    existing.set(layer, new Set((await warehouse.listTables(layer)).map((table) => table.name)));
  }

  const rows: Record<string, number> = {};
  let fullBuilds = 0;
  const started = performance.now();
  for (const model of MODELS) {
    const exists = existing.get(model.layer)?.has(model.name) ?? false;
    const incremental =
      !message.options.fullRefresh &&
      exists &&
      (model.partitionColumn !== undefined || model.uniqueKey !== undefined);
    const window = incremental ? modelWindow(model, incrementalWindow) : fullWindow;
    const modelStarted = performance.now();
    const result = await warehouse.materialize({
      dataset: model.layer,
      table: model.name,
      sql: readSql(modelPath(model)),
      params: modelParams(context, window, piiKey),
      partitionColumn: model.partitionColumn,
      clusterBy: model.clusterBy,
      uniqueKey: model.uniqueKey,
      window: incremental ? window : undefined,
      label: `${model.layer}.${model.name}`,
    });
    if (result.mode === "full") fullBuilds += 1;
    rows[`${model.layer}.${model.name}`] = result.rowsWritten;
    log.debug("model built", {
      model: `${model.layer}.${model.name}`,
      mode: result.mode,
      rows: result.rowsWritten,
      ms: Math.round(performance.now() - modelStarted),
    });
  }
  const mode =
    fullBuilds === MODELS.length
      ? "full build"
      : `window ${incrementalWindow.start} → ${incrementalWindow.end}`;
  return {
    rows,
    metrics: { models: MODELS.length, fullBuilds, ms: Math.round(performance.now() - started) },
    summary: `${MODELS.length} models built (${mode})`,
  };
}

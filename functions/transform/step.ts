// Step 3: build the models for the run window (or all of history on a full refresh or a first build).
import { hmacKeyPads } from "../lib/pii.ts";
import { HISTORY_START, runWindow, windowParams } from "../lib/run-window.ts";
import type { DateWindow, Secrets, SqlParams } from "../shared/ports.ts";
import { readSql } from "../lib/sql/sql-files.ts";
import { PermanentStepError, type StepContext, type StepResult } from "../shared/step.ts";
import { channelsParam } from "../lib/sql/channels.ts";
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

/** What every model is run with: the window, the channel reference list and the PII key's pads. */
export function modelParams(
  context: Pick<StepContext, "message" | "config">,
  window: DateWindow,
  piiKey: SqlParams,
): SqlParams {
  return { ...windowParams(context, window), channels: channelsParam(), ...piiKey };
}

/**
 * The models in build waves: a wave's models read only models of earlier waves (their `dependencies`), so the
 * models of one wave can be built at the same time. Waves keep MODELS' order inside them.
 */
export function buildWaves(models: readonly ModelDefinition[]): ModelDefinition[][] {
  const id = (model: ModelDefinition) => `${model.layer}.${model.name}`;
  const known = new Set(models.map(id));
  const built = new Set<string>();
  const waves: ModelDefinition[][] = [];
  let remaining = [...models];
  while (remaining.length > 0) {
    const wave = remaining.filter((model) =>
      model.dependencies.every((dependency) => built.has(dependency) || !known.has(dependency)),
    );
    if (wave.length === 0) {
      throw new Error(`the models' dependencies form a cycle among ${remaining.map(id).join(", ")}`);
    }
    waves.push(wave);
    for (const model of wave) built.add(id(model));
    remaining = remaining.filter((model) => !wave.includes(model));
  }
  return waves;
}

/**
 * Runs `task` on every item, at most `limit` at once. After a failure no new item starts; it waits for the ones
 * running (nothing keeps working once the step has answered) and rejects with the first failure.
 */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker),
  );
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure) throw failure.reason;
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
  const buildModel = async (model: ModelDefinition) => {
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
  };
  // Wave after wave; inside a wave, up to the warehouse's parallelWrites models at once (DuckDB: one).
  for (const wave of buildWaves(MODELS)) await eachLimited(wave, warehouse.parallelWrites ?? 1, buildModel);
  const mode =
    fullBuilds === MODELS.length
      ? "full build"
      : `window ${incrementalWindow.start} → ${incrementalWindow.end}`;
  return {
    // In MODELS' order, whatever order the parallel builds finished in.
    rows: Object.fromEntries(
      MODELS.map((model) => `${model.layer}.${model.name}`).map((name) => [name, rows[name] ?? 0]),
    ),
    metrics: { models: MODELS.length, fullBuilds, ms: Math.round(performance.now() - started) },
    summary: `${MODELS.length} models built (${mode})`,
  };
}

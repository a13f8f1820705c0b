// Step 3: build the models for the run window (or all of history on a full refresh or a first build).
import { addDays } from "../lib/calendar.ts";
import { type HmacKeyPads, hmacKeyPads, piiKeyId } from "../lib/pii.ts";
import { currencyMinorUnits } from "../lib/currency.ts";
import { mapInDependencyOrder } from "../lib/concurrency.ts";
import { buildWindow, HISTORY_START, windowParams } from "../lib/run-window.ts";
import type {
  DateWindow,
  MaterializeRequest,
  MaterializeResult,
  Secrets,
  SqlParams,
  Warehouse,
} from "../shared/ports.ts";
import { readSql } from "../lib/sql/sql-files.ts";
import { PermanentStepError, type StepContext, type StepResult } from "../shared/step.ts";
import { channelsParam } from "../lib/sql/channels.ts";
import { referenceParams } from "../lib/sql/reference-params.ts";
import { DATASETS } from "../shared/pipeline.ts";
import { SOURCES } from "../shared/sources.ts";
import {
  downstreamOf,
  type ModelDefinition,
  modelId,
  MODELS,
  modelPath,
  modelsRead,
  LAYERS,
} from "../lib/sql/models.ts";
import {
  changedDays,
  dayRanges,
  EPOCH_WATERMARK,
  extractionMarks,
  lastWatermark,
  newestExtraction,
  bothCatalogueChanges,
  changesCatalogue,
  keepCatalogueChanges,
  keepCoverageChanges,
  type LandedSpan,
  landedRows,
  landedSpan,
  NO_CATALOGUE_CHANGE,
  pendingCatalogueChanges,
  pendingCoverageDays,
  recataloguedDays,
  recataloguedProducts,
  relandedTables,
  renumberedDays,
  saveWatermark,
  staleCoverageDays,
  type Watermark,
  warehouseState,
  watermarkText,
} from "./changes.ts";
import type { Rebuilt } from "../shared/run-message.ts";
import {
  builtHistorySettings,
  changedHistorySettings,
  historySettings,
  type HistorySettings,
  sameHistorySettings,
  saveHistorySettings,
} from "../lib/history-settings.ts";
import { coverageGaps } from "./export-periods.ts";
import { explainTransformFailure } from "./raw-columns.ts";
import { ColumnChangeRebuilds } from "./model-shapes.ts";

/** The catalogue: a change to a product there reaches back to every day the product sold. */
export const CATALOGUE_MODEL = "staging.stg_shopify_products";
/** The line items, which take an orders export's products from the catalogue's SKUs. */
const LINE_ITEMS_MODEL = "staging.stg_shopify_line_items";
/** The models that carry the catalogue's title and category: every model reading it but the line items. */
const CATALOGUE_READERS = MODELS.filter(
  (model) =>
    model.dependencies.includes(CATALOGUE_MODEL) && `${model.layer}.${model.name}` !== LINE_ITEMS_MODEL,
).map((model) => `${model.layer}.${model.name}`);

/** Whether each source had landed through each day: the marts copy it as is_complete and missing_sources. */
const COVERAGE_MODEL = "unified.source_coverage";

/**
 * The HMAC key pads the staging models hash emails and phones with. Only transform asks for the key (in the
 * cloud only its service account may read it); a missing key fails with what to set.
 */
export async function piiKeyPads(secrets: Secrets): Promise<HmacKeyPads> {
  const key = await secrets.get("piiHashKey");
  if (!key) {
    throw new PermanentStepError(
      "no PII hashing key: set PULSE_PII_HASH_KEY, or give this function the pulse-pii-hash-key secret (Secret Manager)",
    );
  }
  return hmacKeyPads(key);
}

/**
 * The settings every day of history depends on: this run's (`now`), and those the tables were last built with
 * (`built`, empty before a transform saved them). `opsTables`: the ops tables, if listed.
 */
export async function historySettingsOf(
  warehouse: Warehouse,
  config: Pick<StepContext["config"], "shop">,
  pads: HmacKeyPads,
  opsTables?: readonly string[],
): Promise<{ now: HistorySettings; built: HistorySettings }> {
  const tables = opsTables ?? (await warehouse.listTables(DATASETS.ops)).map((table) => table.name);
  return {
    now: historySettings({
      timezone: config.shop.timezone,
      piiKeyId: piiKeyId(pads),
      channels: channelsParam(),
      currencyPlaces: currencyMinorUnits(config.shop.currency),
      currency: config.shop.currency,
    }),
    built: await builtHistorySettings(warehouse, tables),
  };
}

/** A monthly model replaces whole months: its window starts on the first day of the window's first month. */
export function modelWindow(model: ModelDefinition, window: DateWindow): DateWindow {
  return model.partitionGrain === "month"
    ? { start: `${window.start.slice(0, 7)}-01`, end: window.end }
    : window;
}

/**
 * The window a keyed model (a merge: the customers, the products) reads its raw records from: those extracted
 * since the last transform's run date, less the days of `lateLandingHours` (a record may land that much after a
 * transform read past it) and one more (a run date is the shop's day, extraction times are UTC, and a run may be
 * made for its own day, before the UTC day starts), so that every record landed after that transform read is
 * merged. That is further back than the run window when no transform ran for longer than it, and on consecutive
 * daily runs three days back, not the window's eight: a keyed model has no days to rebuild, and reading the window
 * re-merged a week of customers every day. A first or full build reads the run window; a run for a date before
 * the last one's reads from its own last day on. A partitioned model needs no such thing: the late changes
 * rebuild the days of its rows.
 */
export function keyedModelWindow(
  window: DateWindow,
  lastRunDate: string | undefined,
  lateLandingHours: number,
): DateWindow {
  if (lastRunDate === undefined) return window;
  const since = addDays(lastRunDate, -Math.ceil(lateLandingHours / 24) - 1);
  return { start: since < window.end ? since : window.end, end: window.end };
}

/** A keyed model: merged by its unique key, without partitions (the customers, the products). */
export function isKeyedModel(model: ModelDefinition): boolean {
  return model.uniqueKey !== undefined && model.partitionColumn === undefined;
}

/**
 * The window an incremental run builds a model for: a keyed model's from keyedModelWindow, a partitioned one's
 * from the run window (by its grain: modelWindow). The transform and `plan` both ask this.
 */
export function incrementalModelWindow(
  model: ModelDefinition,
  runWindow: DateWindow,
  keyedWindow: DateWindow,
): DateWindow {
  return modelWindow(model, isKeyedModel(model) ? keyedWindow : runWindow);
}

/**
 * The window of a model for days that changed late (before the run window): a monthly model rebuilds each
 * touched month whole, to its last day or the end of the build (the newest run date built), so a late refund
 * never leaves a month cut short.
 */
export function lateModelWindow(model: ModelDefinition, range: DateWindow, buildEnd: string): DateWindow {
  if (model.partitionGrain !== "month") return range;
  const [year, month] = range.end.split("-").map(Number) as [number, number];
  const nextMonth = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, "0")}-01`;
  const monthEnd = addDays(nextMonth, -1);
  return { start: `${range.start.slice(0, 7)}-01`, end: monthEnd < buildEnd ? monthEnd : buildEnd };
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

/**
 * What every model is run with: the window, the reference lists (referenceParams), the expected sources, the days
 * between the ad platforms' exports that none covers (`exportGapsJson`: exportGapsParam, "[]" without two exports) and the PII key's pads.
 */
export function modelParams(
  context: Pick<StepContext, "message" | "config">,
  window: DateWindow,
  piiKey: SqlParams,
  exportGapsJson: string,
): SqlParams {
  return {
    ...windowParams(context, window),
    ...referenceParams(),
    expected_sources: expectedSourcesParam(context.config),
    export_gaps: exportGapsJson,
    // Money ÷ count ratios are rounded to the shop currency's decimals (3 for KWD, 0 for JPY).
    currency_places: currencyMinorUnits(context.config.shop.currency),
    // Ad spend in another currency is converted to this one (unified.ad_performance).
    shop_currency: context.config.shop.currency,
    ...piiKey,
  };
}

export async function runTransform(context: StepContext): Promise<StepResult> {
  const pads = await piiKeyPads(context.ports.secrets);
  try {
    return await buildModels(context, pads);
  } catch (error) {
    // A raw table made before this version declared a column of it fails its model with the engine's bare
    // "no such column": named here, with the ingest run that adds it (only now, so a good run pays nothing).
    throw await explainTransformFailure(context, error);
  }
}

async function buildModels(context: StepContext, pads: HmacKeyPads): Promise<StepResult> {
  const { warehouse } = context.ports;
  const { message, config, log } = context;
  const piiKey: SqlParams = { ...pads };
  // The layers' tables and the ops tables, listed at once (independent reads: two at a time on DuckDB).
  const [layerTables, opsTableList] = await Promise.all([
    Promise.all(LAYERS.map((layer) => warehouse.listTables(layer))),
    warehouse.listTables(DATASETS.ops),
  ]);
  const existing = new Map<string, Set<string>>(
    LAYERS.map((layer, index) => [layer, new Set((layerTables[index] ?? []).map((table) => table.name))]),
  );
  const opsTables = opsTableList.map((table) => table.name);
  // The days between the ad platforms' exports that none covers, and those their connectors still owe, read once:
  // the coverage of every day built and of older days.
  const gaps = await coverageGaps(warehouse, opsTables);

  const rows: Record<string, number> = {};
  let fullBuilds = 0;
  const started = performance.now();

  // Late changes: the days of the rows extracted since the last transform, before the run window. The newest
  // extraction is read before building, so a row landing during the build is read again next time.
  const previous = await lastWatermark(warehouse, opsTables);
  const incrementalWindow = buildWindow(message.runDate, config.lookbackDays, previous?.runDate);
  // All history, through the newest run date built: a full build for an older date (a backfill) keeps the days
  // after it, which the next daily run's window would not bring back.
  const fullWindow: DateWindow = { start: HISTORY_START, end: incrementalWindow.end };
  // Rows a sync landed after the last transform had read past them (extracted before its mark): their table's
  // span of hours before the mark no longer holds what that transform read there. Asked beside the newest marks.
  const previousSpan = previous ? landedSpan(previous.watermark) : null;
  const [marks, spanNow] = await Promise.all([
    newestExtraction(warehouse, extractionMarks(previous?.watermark ?? EPOCH_WATERMARK)),
    previous && previousSpan
      ? landedRows(warehouse, extractionMarks(previous.watermark), previousSpan.hours)
      : null,
  ]);
  // Kept with the marks: what each table holds of the rows extracted in the hours before its mark. Asked again by
  // the next transform, a different answer says a sync landed rows there after this one read past them.
  const landingHours = config.lateLandingHours;
  const landed: LandedSpan | undefined = landingHours
    ? { hours: landingHours, tables: await landedRows(warehouse, marks, landingHours) }
    : undefined;
  const watermark = watermarkText(marks, landed);
  const built = MODELS.every((model) => existing.get(model.layer)?.has(model.name));
  // A setting every day depends on (time zone, PII key, channel list) changed since the tables were built: a
  // window would mix two versions of history, so this run rebuilds all of it.
  const { now: settings, built: builtWith } = await historySettingsOf(warehouse, config, pads, opsTables);
  const changedSettings = previous && built ? changedHistorySettings(builtWith, settings) : [];
  if (changedSettings.length)
    log.warn("settings changed since the tables were built: rebuilding all history", {
      changed: changedSettings.join("; "),
    });
  const rebuildAll = message.options.fullRefresh || changedSettings.length > 0;
  const warm = previous !== null && built && !rebuildAll;
  const keyedWindow = keyedModelWindow(
    incrementalWindow,
    warm ? previous.runDate : undefined,
    config.lateLandingHours,
  );
  if (warm && previous.runDate < incrementalWindow.start)
    log.warn("no transform ran since before the window: the keyed models merge the records landed since", {
      since: keyedWindow.start,
      lastRunDate: previous.runDate,
    });
  // Those hours are read again for the late days.
  const relanded = warm && previousSpan && spanNow ? relandedTables(previousSpan, spanNow) : [];
  if (relanded.length) {
    // Fewer rows there, and only that: a newer export replaced rows the last transform had read (a corrected
    // Shopify or Meta export), which is how corrections work. Anything else is a sync that landed late.
    const replacedOnly = relanded.every(
      (table) => (spanNow?.[table].rows ?? 0) < (previousSpan?.tables[table].rows ?? 0),
    );
    const fields = { tables: relanded.join(", "), hours: previousSpan?.hours };
    if (replacedOnly)
      log.info(
        "rows the last transform read were replaced since (a newer export): their days are rebuilt",
        fields,
      );
    else log.warn("rows landed after the last transform read past them: their days are rebuilt", fields);
  }
  const lateDays = warm
    ? (
        await changedDays(
          warehouse,
          extractionMarks(previous.watermark),
          message.runDate,
          config.shop.timezone,
          Object.fromEntries(relanded.map((table) => [table, previousSpan?.hours ?? 0])),
        )
      ).filter((day) => day < incrementalWindow.start)
    : [];
  // A product renamed, re-categorised, new to the catalogue or with new SKUs: asked before the main pass merges
  // the catalogue (it compares the landed products with the staged ones), and kept until its older days are
  // rebuilt after the main pass, with any a crashed run left.
  const products = MODELS.find((model) => `${model.layer}.${model.name}` === CATALOGUE_MODEL);
  const pendingChanges = await pendingCatalogueChanges(warehouse, opsTableList);
  const detected =
    warm && products
      ? await recataloguedProducts(
          warehouse,
          readSql(modelPath(products)),
          modelParams(context, modelWindow(products, keyedWindow), piiKey, gaps),
        )
      : NO_CATALOGUE_CHANGE;
  const recatalogued = warm ? bothCatalogueChanges(pendingChanges, detected) : NO_CATALOGUE_CHANGE;
  if (changesCatalogue(detected)) await keepCatalogueChanges(warehouse, recatalogued);
  const lateRanges = dayRanges(lateDays);
  const parallel = warehouse.parallelWrites ?? 1;
  /** The models, each after those of them it reads, up to `parallel` at once. */
  const inBuildOrder = (
    models: readonly ModelDefinition[],
    build: (model: ModelDefinition) => Promise<void>,
  ) => mapInDependencyOrder(models, parallel, modelsRead, build, modelId);
  // A model whose columns changed since its table was built (a code upgrade), found by the warehouse before it
  // writes a window: it and the models built from it are rebuilt whole in the main pass, late days included.
  const columnChanges = new ColumnChangeRebuilds(log);
  // After the main pass no whole build is left to take a refused window's days: a refusal then fails the run.
  let mainPassDone = false;
  /** A model's build over `window`: what every build of it shares, and `build`'s own fields. */
  const modelRequest = (
    model: ModelDefinition,
    window: DateWindow,
    build: Pick<MaterializeRequest, "label"> & Partial<MaterializeRequest>,
  ): MaterializeRequest => ({
    dataset: model.layer,
    table: model.name,
    sql: readSql(modelPath(model)),
    params: modelParams(context, window, piiKey, gaps),
    partitionColumn: model.partitionColumn,
    clusterBy: model.clusterBy,
    uniqueKey: model.uniqueKey,
    ...build,
  });
  const rebuildRange = async (
    range: DateWindow,
    models: (model: ModelDefinition) => boolean,
    why: string,
  ) => {
    await inBuildOrder(
      MODELS.filter((model) => model.partitionColumn && models(model)),
      async (model) => {
        // Due for a whole build in the main pass, late days included (its columns or a model's it reads changed).
        if (columnChanges.isDue(model)) return;
        const window = lateModelWindow(model, range, incrementalWindow.end);
        try {
          await warehouse.materialize(
            modelRequest(model, window, {
              window,
              label: `${model.layer}.${model.name} (${why} ${window.start} → ${window.end})`,
            }),
          );
        } catch (error) {
          if (mainPassDone || !columnChanges.columnsChanged(error)) throw error;
        }
      },
    );
  };
  // Late days first: the models rebuilt whole in the main pass (cohorts) then see them. Each model after the models
  // it reads, up to the warehouse's parallelWrites at once (DuckDB: two, a whole build of a big table alone).
  for (const range of lateRanges) {
    await rebuildRange(range, () => true, "late changes");
    log.info("late changes rebuilt", { from: range.start, to: range.end });
  }
  // A late change to one order renumbers its customer's later orders, on days no range above rebuilt: those
  // days' unified and mart partitions follow (their staging rows did not change). Orders in the run window are
  // newer than any late day, so the main pass numbers them afresh anyway.
  const renumbered = lateRanges.length
    ? (
        await renumberedDays(
          warehouse,
          { start: lateRanges[0]?.start ?? "", end: lateRanges.at(-1)?.end ?? "" },
          config.shop.timezone,
        )
      ).filter((day) => day < incrementalWindow.start && !lateDays.includes(day))
    : [];
  for (const range of dayRanges(renumbered)) {
    await rebuildRange(range, (model) => model.layer !== "staging", "renumbered orders");
    log.info("renumbered orders rebuilt", { from: range.start, to: range.end });
  }
  const rebuildEach = async (days: string[], models: Set<string>, why: string): Promise<DateWindow[]> => {
    const ranges = dayRanges(days);
    for (const range of ranges) {
      await rebuildRange(range, (model) => models.has(`${model.layer}.${model.name}`), why);
      log.info(`${why} rebuilt`, { from: range.start, to: range.end, models: models.size });
    }
    return ranges;
  };

  const buildModel = async (model: ModelDefinition) => {
    const exists = existing.get(model.layer)?.has(model.name) ?? false;
    const windowed =
      !rebuildAll && exists && (model.partitionColumn !== undefined || model.uniqueKey !== undefined);
    const build = (incremental: boolean) => {
      const window = incremental ? incrementalModelWindow(model, incrementalWindow, keyedWindow) : fullWindow;
      return warehouse.materialize(
        modelRequest(model, window, {
          key: model.key.map((column) => column.name),
          window: incremental ? window : undefined,
          inputInPartitionOrder: model.rowOrderFrom !== undefined,
          label: `${model.layer}.${model.name}`,
        }),
      );
    };
    const modelStarted = performance.now();
    let result: MaterializeResult;
    if (columnChanges.isDue(model)) {
      result = await build(false);
      columnChanges.rebuiltWhole(model, !windowed);
    } else {
      try {
        result = await build(windowed);
      } catch (error) {
        if (!columnChanges.columnsChanged(error)) throw error;
        // Refused before anything was written: the model whole, as --full-refresh builds it.
        result = await build(false);
        columnChanges.rebuiltWhole(model, false);
      }
    }
    if (result.mode === "full") fullBuilds += 1;
    rows[`${model.layer}.${model.name}`] = result.rowsWritten;
    log.debug("model built", {
      model: `${model.layer}.${model.name}`,
      mode: result.mode,
      rows: result.rowsWritten,
      ...(result.rowsChanged
        ? { deleted: result.rowsChanged.deleted, inserted: result.rowsChanged.inserted }
        : {}),
      ms: result.buildMs ?? Math.round(performance.now() - modelStarted),
      ...(result.rowOrder ? { rowOrder: result.rowOrder } : {}),
    });
  };
  await inBuildOrder(MODELS, buildModel);
  mainPassDone = true;
  // The catalogue is merged now. The days before the window a recatalogued product sold on: its product marts
  // take its current title and category; where an orders export's lines take a product by a new SKU (or a SKU
  // turns a gift card's, or their name turns a gift card's or stops being one), the line items and everything
  // built from them follow. After the main pass: the models built whole read no product's title, category or id,
  // and are built again below when lines took a SKU or a gift card verdict.
  const reached = changesCatalogue(recatalogued)
    ? await recataloguedDays(warehouse, recatalogued, incrementalWindow.start)
    : [];
  const recataloguedRanges = [
    ...(await rebuildEach(
      reached.filter((reach) => reach.linesRemapped).map((reach) => reach.day),
      downstreamOf([LINE_ITEMS_MODEL]),
      "catalogue change",
    )),
    ...(await rebuildEach(
      reached.filter((reach) => !reach.linesRemapped).map((reach) => reach.day),
      downstreamOf(CATALOGUE_READERS),
      "catalogue change",
    )),
  ];
  // Lines that took a product by its SKU, or whose name's verdict turned, may have turned from sales into gift
  // cards sold (the products export's "Gift Card") or back: those older days' revenue changed, and the models
  // built whole in the main pass (cohorts, the explained channel days) read it. They are built whole again, after
  // the days they read.
  if (reached.some((reach) => reach.linesRemapped)) {
    const readers = downstreamOf([LINE_ITEMS_MODEL]);
    await inBuildOrder(
      MODELS.filter(
        (model) => !model.partitionColumn && !model.uniqueKey && readers.has(`${model.layer}.${model.name}`),
      ),
      async (model) => {
        if (columnChanges.isDue(model)) return;
        await warehouse.materialize(
          modelRequest(model, fullWindow, {
            key: model.key.map((column) => column.name),
            inputInPartitionOrder: model.rowOrderFrom !== undefined,
            label: `${model.layer}.${model.name} (catalogue change)`,
          }),
        );
      },
    );
  }
  // Rebuilt (or a full build rebuilt everything): nothing is pending any more.
  if (changesCatalogue(pendingChanges) || changesCatalogue(detected))
    await keepCatalogueChanges(warehouse, NO_CATALOGUE_CHANGE);
  // The source coverage of days before the window, and the marts' completeness copied from it: a platform back
  // after an outage longer than the window, an export that covers a gap between two others (or opens one), or a
  // source the settings now expect or no longer expect. Asked after
  // the main pass has rebuilt the window's coverage; kept as pending before the rebuild, which makes the days
  // undetectable, for the retry of a run that dies before the marts are rebuilt too.
  const pendingCoverage = await pendingCoverageDays(warehouse, opsTables);
  const staleCoverage = warm
    ? await staleCoverageDays(warehouse, incrementalWindow.start, expectedSourcesParam(config), gaps)
    : [];
  const coverageDays = warm ? [...new Set([...pendingCoverage, ...staleCoverage])].sort() : [];
  if (staleCoverage.length) await keepCoverageChanges(warehouse, coverageDays);
  const coverageRanges = await rebuildEach(coverageDays, downstreamOf([COVERAGE_MODEL]), "source coverage");
  if (pendingCoverage.length || staleCoverage.length) await keepCoverageChanges(warehouse, []);
  // A backfill of an older date leaves the watermark to the newest run date (which reads from it again).
  const saved = !previous || message.runDate >= previous.runDate;
  if (saved) await saveWatermark(warehouse, { runDate: message.runDate, watermark });
  if (!sameHistorySettings(builtWith, settings)) await saveHistorySettings(warehouse, settings);
  // A model rebuilt whole for its columns changed on every day: the export reads every month again.
  const fullBuild = rebuildAll || !built || columnChanges.changedCount > 0;
  const rebuilt: Rebuilt = {
    fromState: previous ? warehouseState(previous) : null,
    toState: warehouseState(saved ? { runDate: message.runDate, watermark } : (previous as Watermark)),
    days: fullBuild
      ? null
      : [
          incrementalWindow,
          ...lateRanges,
          ...dayRanges(renumbered),
          ...recataloguedRanges,
          ...coverageRanges,
        ],
  };
  const late = lateRanges.length
    ? ` + ${lateDays.length} late-changed days (${lateRanges.map((range) => (range.start === range.end ? range.start : `${range.start} → ${range.end}`)).join(", ")})`
    : "";
  const catalogueChanges = [
    recatalogued.productIds.length ? `${recatalogued.productIds.length} recatalogued products` : "",
    recatalogued.lineNames.length
      ? `${recatalogued.lineNames.length} line names whose gift card verdict changed`
      : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const catalogue = reached.length ? ` + ${reached.length} days of ${catalogueChanges}` : "";
  const coverage = coverageDays.length ? ` + ${coverageDays.length} days of source coverage` : "";
  const columnsNote = columnChanges.changedCount
    ? `columns changed since the tables were built, ${columnChanges.describe()}`
    : "";
  const reshaped = columnsNote
    ? ` + ${columnChanges.rebuiltCount} model${columnChanges.rebuiltCount === 1 ? "" : "s"} rebuilt whole (${columnsNote})`
    : "";
  const fullReason = changedSettings.length
    ? `changed since the last build, ${changedSettings.join("; ")}`
    : columnsNote;
  const mode =
    fullBuilds === MODELS.length
      ? `full build${fullReason ? `: ${fullReason}` : ""}`
      : `window ${incrementalWindow.start} → ${incrementalWindow.end}${late}${catalogue}${coverage}${reshaped}`;
  return {
    // In MODELS' order, whatever order the parallel builds finished in.
    rows: Object.fromEntries(
      MODELS.map((model) => `${model.layer}.${model.name}`).map((name) => [name, rows[name] ?? 0]),
    ),
    metrics: {
      models: MODELS.length,
      fullBuilds,
      lateDays: lateDays.length,
      relandedTables: relanded.length,
      lateRanges: lateRanges.length,
      renumberedDays: renumbered.length,
      recataloguedProducts: recatalogued.productIds.length,
      recataloguedDays: reached.length,
      coverageDays: coverageDays.length,
      columnsChangedModels: columnChanges.changedCount,
      columnsChangedRebuilds: columnChanges.rebuiltCount,
      ms: Math.round(performance.now() - started),
    },
    summary: `${MODELS.length} models built (${mode})`,
    findings: columnChanges.findings(),
    next: { rebuilt },
  };
}

// The SQL models, read from the header each model file opens with (the format: sql/README.md, "Model headers"):
//
//   -- grain: one row per order
//   -- key: order_id
//   -- not null: channel                 (optional)
//   -- partition: order_date (day)
//   -- cluster: order_id
//   -- materialization: partitions
//   -- row order: staging.stg_shopify_orders  (optional; or a raw table it reads)
//
// Each model is sql/<layer>/<name>.sql and becomes the table <layer>.<name>. The build order is derived, not
// written down: layer by layer (staging → unified → marts), and within a layer each model after the models it
// reads (ties by name), so a new model needs nothing but its file.
import { readdirSync } from "node:fs";
import { readSql, sqlPath } from "./sql-files.ts";
import { tableReferences } from "./table-references.ts";

export const LAYERS = ["staging", "unified", "marts"] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * How the transform writes the table: `partitions` replaces the run window's date partitions, `merge` replaces
 * the rows whose key the model returns (keyed, undated tables), `full` rebuilds the whole table every run.
 */
export type Materialization = "partitions" | "merge" | "full";
const MATERIALIZATIONS: readonly Materialization[] = ["partitions", "merge", "full"];

export interface KeyColumn {
  name: string;
  /** Part of the key but may be NULL (written `column?`), e.g. the ad of a platform that reports ad groups only. */
  nullable: boolean;
}

export interface ModelDefinition {
  name: string;
  layer: Layer;
  /** "one row per …": what a row is. */
  grain: string;
  /** The columns that identify a row: unique together (audited). */
  key: readonly KeyColumn[];
  /** Columns that must never be NULL (audited): the key's non-nullable columns and the `not null` ones. */
  notNull: readonly string[];
  materialization: Materialization;
  /** Date column the table is partitioned on (BigQuery) and replaced by (the run window). */
  partitionColumn?: string;
  /** Monthly partitions start their window on the first day of the window's first month. */
  partitionGrain?: "day" | "month";
  clusterBy?: readonly string[];
  /** Keyed, undated tables: an incremental run merges the records that changed in the window by this key. */
  uniqueKey?: string;
  /** The models this one reads, as "<layer>.<name>". */
  dependencies: readonly string[];
  /**
   * The model (one of the dependencies, partitioned on the same column) whose partition order this one's rows
   * come out in: it drives the query and every join keeps its order. A whole build on DuckDB then keeps that
   * order instead of sorting, when a check after the build finds it kept (buildInInputOrder,
   * adapters/warehouse/duckdb/whole-builds.ts).
   */
  rowOrderFrom?: string;
}

const HEADER_FIELDS = [
  "grain",
  "key",
  "not null",
  "partition",
  "cluster",
  "materialization",
  "row order",
] as const;
type HeaderField = (typeof HEADER_FIELDS)[number];
const REQUIRED_FIELDS: readonly HeaderField[] = ["grain", "key", "partition", "cluster", "materialization"];
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function columnList(value: string, path: string, field: string): string[] {
  const columns = value.split(",").map((column) => column.trim());
  for (const column of columns) {
    if (!IDENTIFIER.test(column.replace(/\?$/, "")))
      throw new Error(`sql/${path}: "${field}: ${value}" must list column names separated by commas`);
  }
  return columns;
}

/** "<layer>.<name>", as a model's dependencies name the models it reads. */
export function modelId(model: Pick<ModelDefinition, "layer" | "name">): string {
  return `${model.layer}.${model.name}`;
}

/** The models a query reads: every `staging.x`, `unified.x` or `marts.x` outside comments. */
export function modelReferences(sql: string): string[] {
  return tableReferences(sql, LAYERS);
}

/** Pure: a model's definition from its layer, name and SQL text. Throws, naming the file, on a bad header. */
export function parseModel(layer: Layer, name: string, sql: string): ModelDefinition {
  const path = `${layer}/${name}.sql`;
  const fields = new Map<HeaderField, string>();
  for (const line of sql.split("\n")) {
    const field = /^--\s*([a-z ]+):\s*(.+?)\s*$/.exec(line);
    if (!field) break;
    const label = field[1] as HeaderField;
    if (!HEADER_FIELDS.includes(label)) throw new Error(`sql/${path}: unknown header field "${label}"`);
    fields.set(label, field[2] as string);
  }
  const missing = REQUIRED_FIELDS.filter((field) => !fields.has(field));
  if (missing.length > 0)
    throw new Error(
      `sql/${path} must open with its header; missing: ${missing.join(", ")} (see sql/README.md)`,
    );
  const get = (field: HeaderField) => fields.get(field) as string;

  const key = columnList(get("key"), path, "key").map((column) => ({
    name: column.replace(/\?$/, ""),
    nullable: column.endsWith("?"),
  }));
  const extraNotNull = fields.has("not null") ? columnList(get("not null"), path, "not null") : [];
  const notNull = [...key.filter((column) => !column.nullable).map((column) => column.name), ...extraNotNull];

  let partitionColumn: string | undefined;
  let partitionGrain: "day" | "month" | undefined;
  if (get("partition") !== "none") {
    const partition = /^([a-z_][a-z0-9_]*) \((day|month)\)$/.exec(get("partition"));
    if (!partition)
      throw new Error(
        `sql/${path}: "partition: ${get("partition")}" must be "<date column> (day|month)" or "none"`,
      );
    partitionColumn = partition[1];
    partitionGrain = partition[2] as "day" | "month";
  }
  const clusterBy = get("cluster") === "none" ? undefined : columnList(get("cluster"), path, "cluster");

  const materialization = get("materialization") as Materialization;
  if (!MATERIALIZATIONS.includes(materialization))
    throw new Error(`sql/${path}: materialization must be one of ${MATERIALIZATIONS.join(", ")}`);
  if ((materialization === "partitions") !== (partitionColumn !== undefined))
    throw new Error(
      `sql/${path}: a model is materialized by partitions exactly when it declares a partition`,
    );
  const [mergeKey] = key;
  if (materialization === "merge" && (key.length !== 1 || mergeKey?.nullable))
    throw new Error(`sql/${path}: a merged model needs a key of one non-nullable column`);

  const self = `${layer}.${name}`;
  const dependencies = modelReferences(sql).filter((reference) => reference !== self);
  const rowOrderFrom = fields.get("row order");
  // A raw table's order is its landing order: a warehouse loaded day by day holds its rows nearly in event order.
  const readsRaw = (table: string) => tableReferences(sql, ["raw"]).includes(table);
  if (
    rowOrderFrom !== undefined &&
    (!partitionColumn || !(dependencies.includes(rowOrderFrom) || readsRaw(rowOrderFrom)))
  )
    throw new Error(
      `sql/${path}: "row order: ${rowOrderFrom}" must name a model or raw table this partitioned model reads (see sql/README.md)`,
    );
  return {
    name,
    layer,
    grain: get("grain"),
    key,
    notNull,
    materialization,
    ...(partitionColumn ? { partitionColumn, partitionGrain } : {}),
    ...(clusterBy ? { clusterBy } : {}),
    ...(materialization === "merge" && mergeKey ? { uniqueKey: mergeKey.name } : {}),
    dependencies,
    ...(rowOrderFrom ? { rowOrderFrom } : {}),
  };
}

/** Pure: the models in build order (see the top of this file); throws on a cycle or an unknown model. */
export function buildOrder(models: readonly ModelDefinition[]): ModelDefinition[] {
  const byId = new Map(models.map((model) => [modelId(model), model]));
  const ordered: ModelDefinition[] = [];
  const done = new Set<string>();
  for (const layer of LAYERS) {
    const pending = models
      .filter((model) => model.layer === layer)
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const model of pending) {
      for (const dependency of model.dependencies) {
        const upstream = byId.get(dependency);
        if (!upstream) throw new Error(`${layer}.${model.name} reads ${dependency}, which is not a model`);
        if (LAYERS.indexOf(upstream.layer) > LAYERS.indexOf(layer))
          throw new Error(`${layer}.${model.name} reads ${dependency}, a later layer`);
      }
      const orderedLike = model.rowOrderFrom ? byId.get(model.rowOrderFrom) : undefined;
      if (orderedLike && orderedLike.partitionColumn !== model.partitionColumn)
        throw new Error(
          `${layer}.${model.name} keeps the row order of ${model.rowOrderFrom}, which is not partitioned on ${model.partitionColumn}`,
        );
    }
    while (pending.length > 0) {
      const next = pending.findIndex((model) =>
        model.dependencies.every((dependency) => done.has(dependency)),
      );
      if (next < 0)
        throw new Error(`models that read each other in a cycle: ${pending.map((m) => m.name).join(", ")}`);
      const [model] = pending.splice(next, 1) as [ModelDefinition];
      ordered.push(model);
      done.add(modelId(model));
    }
  }
  return ordered;
}

function loadModels(): ModelDefinition[] {
  return buildOrder(
    LAYERS.flatMap((layer) =>
      readdirSync(sqlPath(layer))
        .filter((file) => file.endsWith(".sql"))
        .map((file) => {
          const name = file.replace(/\.sql$/, "");
          return parseModel(layer, name, readSql(`${layer}/${file}`));
        }),
    ),
  );
}

export const MODELS: readonly ModelDefinition[] = loadModels();

const MODELS_BY_ID = new Map(MODELS.map((model) => [modelId(model), model]));

/** The models a model reads (its dependencies), for building each after them (mapInDependencyOrder). */
export function modelsRead(model: ModelDefinition): ModelDefinition[] {
  return model.dependencies.flatMap((dependency) => MODELS_BY_ID.get(dependency) ?? []);
}

export function modelPath(model: ModelDefinition): string {
  return `${model.layer}/${model.name}.sql`;
}

/**
 * Pure: the models that read any of `roots` ("<layer>.<name>"), directly or through other models, with the roots
 * themselves: what must be rebuilt after they change.
 */
export function downstreamOf(
  roots: readonly string[],
  models: readonly ModelDefinition[] = MODELS,
): Set<string> {
  const reached = new Set(roots);
  // In build order, a model's dependencies come before it: one pass reaches every reader of a reader.
  for (const model of buildOrder(models)) {
    if (model.dependencies.some((dependency) => reached.has(dependency))) reached.add(modelId(model));
  }
  return reached;
}

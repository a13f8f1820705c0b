// The bucket and BigQuery roles of infra/locals.tf (bucket_access, dataset_access) against what each step really
// touches: a whole local run of a small demo shop, each step's function given a bucket that records every object it
// reads or writes and a warehouse that records every dataset its statements read or write. In the cloud a function
// holds roles on the managed folders and the datasets listed for it only (raw and staging by authoritative
// bindings), so a read outside them is a 403 there (Cloud Storage or BigQuery denies it; the step fails for good
// every day), however well it runs locally.
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "@cdktf/hcl2json";
import { renameDatasets } from "../../functions/adapters/warehouse/bigquery/names.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { STEP_FUNCTIONS } from "../../functions/runtime/step-handlers.ts";
import type { PulseConfig } from "../../functions/shared/config.ts";
import { STEP_NAMES, type StepName } from "../../functions/shared/pipeline.ts";
import type { LoadRequest, MaterializeRequest } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepFunction } from "../../functions/shared/step.ts";
import { smallDemoShop } from "../support/demo-shop.ts";
import { fixedSecrets } from "../support/secrets.ts";

const RUN_DATE = "2026-11-21";
const INFRA = join(import.meta.dirname, "..", "..", "infra");

type Access = "read" | "write";

/** What each Bucket method needs of the folder of each path it is given. */
const BUCKET_ACCESS: Record<string, (args: unknown[]) => [Access, string][]> = {
  read: ([path]) => [["read", String(path)]],
  readRange: ([path]) => [["read", String(path)]],
  readStream: ([path]) => [["read", String(path)]],
  readVersioned: ([path]) => [["read", String(path)]],
  exists: ([path]) => [["read", String(path)]],
  list: ([prefix]) => [["read", String(prefix)]],
  // A signed link reads with the signer's own permissions: it opens only what the signer may read.
  linkFor: ([path]) => [["read", String(path)]],
  write: ([path]) => [["write", String(path)]],
  writeStream: ([path]) => [["write", String(path)]],
  createIfAbsent: ([path]) => [["write", String(path)]],
  replaceIfGeneration: ([path]) => [["write", String(path)]],
  deleteIfGeneration: ([path]) => [["write", String(path)]],
  delete: ([path]) => [["write", String(path)]],
  copy: ([from, to]) => [
    ["read", String(from)],
    ["write", String(to)],
  ],
  compose: ([sources, destination]) => [
    ...(sources as string[]).map((source): [Access, string] => ["read", source]),
    ["write", String(destination)],
  ],
};

/** The logical datasets a statement names outside its comments and string literals (as the adapter renames them). */
function datasetsNamed(sql: string): string[] {
  const named = new Set<string>();
  renameDatasets(sql, (dataset) => {
    named.add(dataset);
    return dataset;
  });
  return [...named];
}

/** The datasets a DDL or DML statement writes: the table after INSERT INTO, DELETE FROM, CREATE TABLE, … */
function datasetsWritten(sql: string): string[] {
  const target =
    /\b(?:INSERT\s+INTO|DELETE\s+FROM|UPDATE|MERGE(?:\s+INTO)?|TRUNCATE\s+TABLE|ALTER\s+TABLE|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|CREATE\s+(?:OR\s+REPLACE\s+)?TABLE(?:\s+IF\s+NOT\s+EXISTS)?)\s+`?([A-Za-z_]\w*)\./gi;
  return [...sql.matchAll(target)].map((match) => match[1] as string);
}

/** A statement reads every dataset it names and writes its DML or DDL targets (and `writes`). */
function statementAccess(sql: unknown, writes: string[] = []): [Access, string][] {
  return [
    ...datasetsNamed(String(sql)).map((dataset): [Access, string] => ["read", dataset]),
    ...[...datasetsWritten(String(sql)), ...writes].map((dataset): [Access, string] => ["write", dataset]),
  ];
}

/** What each Warehouse method needs of the datasets it is given. */
const WAREHOUSE_ACCESS: Record<string, (args: unknown[]) => [Access, string][]> = {
  query: ([sql]) => statementAccess(sql),
  stream: ([sql]) => statementAccess(sql),
  execute: ([sql]) => statementAccess(sql),
  estimateBytes: ([sql]) => statementAccess(sql),
  materialize: ([request]) =>
    statementAccess((request as MaterializeRequest).sql, [(request as MaterializeRequest).dataset]),
  load: ([request]) => [["write", (request as LoadRequest).dataset]],
  addColumns: ([dataset]) => [["write", String(dataset)]],
  listTables: ([dataset]) => [["read", String(dataset)]],
  listTablesWithRowCounts: ([dataset]) => [["read", String(dataset)]],
};

function recording<T extends object>(
  port: T,
  needs: Record<string, (args: unknown[]) => [Access, string][]>,
  seen: Set<string>,
): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        for (const [access, name] of needs[String(property)]?.(args) ?? []) seen.add(`${access} ${name}`);
        const result = (value as (...call: unknown[]) => unknown).apply(target, args);
        // A step's own view of the warehouse (BigQuery's forRun) is the one it queries through.
        return property === "forRun" && result ? recording(result as T, needs, seen) : result;
      };
    },
  });
}

type Grants = Record<string, { reads: string[]; writes: string[] }>;

/** A map of reads and writes per function from the Terraform's locals (bucket_access, dataset_access). */
async function grants(name: "bucket_access" | "dataset_access"): Promise<Grants> {
  const text = await readFile(join(INFRA, "locals.tf"), "utf8");
  const parsed = (await parse("locals.tf", text)) as { locals?: Record<string, unknown>[] };
  const locals = Object.assign({}, ...(parsed.locals ?? [])) as Record<string, unknown>;
  return locals[name] as Grants;
}

/** Each step's recorded accesses that its grants do not cover; `unit` is what a role is held on. */
function denied(granted: Grants, seen: Map<StepName, Set<string>>, unit: (name: string) => string): string[] {
  const refused: string[] = [];
  for (const step of STEP_NAMES) {
    const own = granted[step];
    assert.ok(own, `the grants list ${step}`);
    for (const entry of seen.get(step) ?? []) {
      const [kind, name] = entry.split(" ", 2) as [Access, string];
      // A write role (objectAdmin, dataEditor) includes what the read role (objectViewer, dataViewer) grants.
      const allowed = kind === "read" ? [...own.reads, ...own.writes] : own.writes;
      if (!allowed.includes(unit(name))) refused.push(`${step} ${kind}s ${name}`);
    }
  }
  return refused;
}

/** The managed folder an object or prefix falls in: its first path segment. */
function folderOf(path: string): string {
  return `${path.split("/")[0] ?? ""}/`;
}

describe(
  "each function's bucket folders and BigQuery datasets (infra/locals.tf) cover what its step touches",
  { timeout: 300_000 },
  () => {
    let workDir: string;
    let config: PulseConfig;
    let warehouse: DuckDbWarehouse;
    const objects = new Map<StepName, Set<string>>(STEP_NAMES.map((step) => [step, new Set<string>()]));
    const datasets = new Map<StepName, Set<string>>(STEP_NAMES.map((step) => [step, new Set<string>()]));

    before(async () => {
      ({ workDir, config, warehouse } = await smallDemoShop("pulse-function-access", RUN_DATE));
      const overrides = Object.fromEntries(
        STEP_NAMES.map((step) => [
          step,
          (async (context) =>
            STEP_FUNCTIONS[step]({
              ...context,
              ports: {
                ...context.ports,
                bucket: recording(context.ports.bucket, BUCKET_ACCESS, objects.get(step) as Set<string>),
                warehouse: recording(
                  context.ports.warehouse,
                  WAREHOUSE_ACCESS,
                  datasets.get(step) as Set<string>,
                ),
              },
            })) satisfies StepFunction,
        ]),
      );
      const report = await runLocally(
        config,
        parseRunMessage({ runDate: RUN_DATE, runId: "function-access", trigger: "manual", demo: true }),
        { log: silentLogger(), warehouse, secrets: fixedSecrets(), overrides },
      );
      assert.deepEqual(
        report.failures.map((record) => `${record.step}: ${record.error ?? record.status}`),
        [],
      );
      assert.deepEqual(report.notDone, []);
    });
    after(async () => {
      await warehouse.close();
      await rm(workDir, { recursive: true, force: true });
    });

    it("every step reads and writes only in the folders it holds a role on", async () => {
      assert.deepEqual(denied(await grants("bucket_access"), objects, folderOf), []);
    });

    it("the report step read the run date's extracts for the dashboard page (the case that needs extracts/)", () => {
      const reads = [...(objects.get("report") ?? [])].filter((entry) => entry.startsWith("read extracts/"));
      assert.ok(
        reads.some((entry) => entry.includes(`/dt=${RUN_DATE}/`)),
        JSON.stringify(reads),
      );
    });

    it("every step's statements read and write only the datasets it holds a role on", async () => {
      assert.deepEqual(
        denied(await grants("dataset_access"), datasets, (dataset) => dataset),
        [],
      );
    });

    it("recorded the datasets the SQL names (hand-checked: the models' layers, the extracts' own reads)", () => {
      for (const layer of ["staging", "unified", "marts"]) {
        assert.ok(datasets.get("transform")?.has(`write ${layer}`), `transform writes ${layer}`);
      }
      // sql/extracts/product_performance.sql counts refunded orders from staging.stg_shopify_line_items, and
      // geographic_sales.sql orders without a value from unified.shopify_unified.
      const exportReads = [...(datasets.get("export") ?? [])].sort();
      assert.deepEqual(exportReads, ["read marts", "read ops", "read staging", "read unified"]);
    });
  },
);

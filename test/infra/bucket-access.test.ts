// The bucket roles of infra/locals.tf (bucket_access) against what each step really touches: a whole local run
// of a small demo shop, each step's function given a bucket that records every object it reads or writes. In the
// cloud a function holds roles on the managed folders listed for it only, so a read outside its folders is a
// 403 there (Cloud Storage denies it; the step fails for good every day), however well it runs locally.
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "@cdktf/hcl2json";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import type { PulseConfig } from "../../functions/shared/config.ts";
import { STEP_NAMES, type StepName } from "../../functions/shared/pipeline.ts";
import type { Bucket } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepFunction } from "../../functions/shared/step.ts";
import { smallDemoShop } from "../support/demo-shop.ts";
import { fixedSecrets } from "../support/secrets.ts";

const RUN_DATE = "2026-11-21";
const INFRA = join(import.meta.dirname, "..", "..", "infra");

type Access = "read" | "write";

/** What each Bucket method needs of the folder of each path it is given. */
const ACCESS: Record<string, (args: unknown[]) => [Access, string][]> = {
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

function recording(bucket: Bucket, seen: Set<string>): Bucket {
  return new Proxy(bucket, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const needs = ACCESS[String(property)];
      return (...args: unknown[]) => {
        for (const [access, path] of needs?.(args) ?? []) seen.add(`${access} ${path}`);
        return (value as (...call: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const STEP_MODULES: Record<StepName, () => Promise<StepFunction>> = {
  ingest: async () => (await import("../../functions/ingest/step.ts")).runIngest,
  "check-sources": async () => (await import("../../functions/check-sources/step.ts")).runCheckSources,
  transform: async () => (await import("../../functions/transform/step.ts")).runTransform,
  "check-quality": async () => (await import("../../functions/check-quality/step.ts")).runCheckQuality,
  export: async () => (await import("../../functions/export/step.ts")).runExport,
  report: async () => (await import("../../functions/report/step.ts")).runReport,
  notify: async () => (await import("../../functions/notify/step.ts")).runNotify,
};

/** locals.bucket_access, read from the Terraform itself. */
async function bucketAccess(): Promise<Record<string, { reads: string[]; writes: string[] }>> {
  const text = await readFile(join(INFRA, "locals.tf"), "utf8");
  const parsed = (await parse("locals.tf", text)) as { locals?: Record<string, unknown>[] };
  const locals = Object.assign({}, ...(parsed.locals ?? [])) as Record<string, unknown>;
  return locals.bucket_access as Record<string, { reads: string[]; writes: string[] }>;
}

/** The managed folder an object or prefix falls in: its first path segment. */
function folderOf(path: string): string {
  return `${path.split("/")[0] ?? ""}/`;
}

describe(
  "each function's bucket folders (infra/locals.tf) cover what its step touches",
  { timeout: 300_000 },
  () => {
    let workDir: string;
    let config: PulseConfig;
    let warehouse: DuckDbWarehouse;
    const seen = new Map<StepName, Set<string>>(STEP_NAMES.map((step) => [step, new Set<string>()]));

    before(async () => {
      ({ workDir, config, warehouse } = await smallDemoShop("pulse-bucket-access", RUN_DATE));
      const overrides = Object.fromEntries(
        STEP_NAMES.map((step) => [
          step,
          (async (context) =>
            (await STEP_MODULES[step]())({
              ...context,
              ports: {
                ...context.ports,
                bucket: recording(context.ports.bucket, seen.get(step) as Set<string>),
              },
            })) satisfies StepFunction,
        ]),
      );
      const report = await runLocally(
        config,
        parseRunMessage({ runDate: RUN_DATE, runId: "bucket-access", trigger: "manual", demo: true }),
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
      const access = await bucketAccess();
      const denied: string[] = [];
      for (const step of STEP_NAMES) {
        const granted = access[step];
        assert.ok(granted, `bucket_access lists ${step}`);
        for (const entry of seen.get(step) ?? []) {
          const [kind, path] = entry.split(" ", 2) as [Access, string];
          const folder = folderOf(path);
          const allowed = kind === "read" ? [...granted.reads, ...granted.writes] : granted.writes;
          if (!allowed.includes(folder)) denied.push(`${step} ${kind}s ${path}`);
        }
      }
      assert.deepEqual(denied, []);
    });

    it("the report step read the run date's extracts for the dashboard page (the case that needs extracts/)", () => {
      const reads = [...(seen.get("report") ?? [])].filter((entry) => entry.startsWith("read extracts/"));
      assert.ok(
        reads.some((entry) => entry.includes(`/dt=${RUN_DATE}/`)),
        JSON.stringify(reads),
      );
    });
  },
);

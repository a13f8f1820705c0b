// Every extract of a generated demo shop, column by column, against digests recorded before: a change to the
// models, the translation layer or the export that moves any value in any CSV (a cent, a row, an order) fails
// here, naming the extract and its columns. It guards the performance work (issue 18): an optimisation must
// leave the extracts as they were. Whether the values are right is shown elsewhere, against independent
// queries over the raw tables (demo-marts, extract-schemas, local-run); this test only says they did not move.
//
// Two runs: a full build for the day before, then the warm daily run on it, so both the whole-history SQL and
// the incremental windows are held. A change meant to move values re-records the digests:
//   PULSE_RECORD_EXTRACTS=1 node --import tsx --test test/integration/extracts-unchanged.test.ts
// and its commit says which columns moved and why.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { extractPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";

const RUN_DATE = "2026-11-21";
const FULL_BUILD_DATE = addDays(RUN_DATE, -1);
const DEMO = { ...defaultDemoOptions(RUN_DATE), startDate: addDays(RUN_DATE, -399), ordersPerDay: 20 };
const RECORDED = new URL("./fixtures/demo-extract-digests.json", import.meta.url);
const RECORDING = process.env.PULSE_RECORD_EXTRACTS === "1";

/** One column of an extract: a digest of its values in file order, and their sum when every value is a number. */
interface ColumnDigest {
  sha256: string;
  sum?: string;
}

interface ExtractDigest {
  rows: number;
  columns: Record<string, ColumnDigest>;
}

/** run date → extract → digest. */
type Digests = Record<string, Record<string, ExtractDigest>>;

interface RecordedDigests {
  demo: typeof DEMO;
  runs: Digests;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** An extract's CSV as its row count and each column's digest (empty cells count as values, in order). */
function digestCsv(text: string): ExtractDigest {
  const [header = [], ...records] = parse(text, { relax_column_count: false }) as string[][];
  const columns: Record<string, ColumnDigest> = {};
  header.forEach((name, index) => {
    const values = records.map((record) => record[index] ?? "");
    const sha256 = createHash("sha256").update(values.join("\n")).digest("hex").slice(0, 32);
    const numbers = values.filter((value) => value !== "");
    // Summed in integer units of the finest scale seen, so the total is exact (no float drift in the record).
    const numeric = numbers.length > 0 && numbers.every((value) => NUMBER.test(value));
    columns[name] = numeric ? { sha256, sum: exactSum(numbers) } : { sha256 };
  });
  return { rows: records.length, columns };
}

function exactSum(values: readonly string[]): string {
  const scale = Math.max(...values.map((value) => value.split(".")[1]?.length ?? 0));
  const total = values.reduce((sum, value) => {
    const [whole = "0", fraction = ""] = value.replace("-", "").split(".");
    const units = BigInt(whole + fraction.padEnd(scale, "0"));
    return sum + (value.startsWith("-") ? -units : units);
  }, 0n);
  const sign = total < 0n ? "-" : "";
  const digits = (total < 0n ? -total : total).toString().padStart(scale + 1, "0");
  return scale ? `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}` : `${sign}${digits}`;
}

/** What moved between the recorded digests and today's, one line per extract or column. */
function differences(recorded: Digests, now: Digests): string[] {
  const lines: string[] = [];
  for (const runDate of new Set([...Object.keys(recorded), ...Object.keys(now)])) {
    const before = recorded[runDate] ?? {};
    const current = now[runDate] ?? {};
    for (const name of new Set([...Object.keys(before), ...Object.keys(current)])) {
      const was = before[name];
      const is = current[name];
      if (!was || !is) {
        lines.push(`${runDate} ${name}: ${was ? "no longer exported" : "not recorded"}`);
        continue;
      }
      if (was.rows !== is.rows) lines.push(`${runDate} ${name}: ${was.rows} rows recorded, ${is.rows} now`);
      for (const column of new Set([...Object.keys(was.columns), ...Object.keys(is.columns)])) {
        const a = was.columns[column];
        const b = is.columns[column];
        if (!a || !b) lines.push(`${runDate} ${name}.${column}: ${a ? "column dropped" : "column added"}`);
        else if (a.sha256 !== b.sha256) {
          const sums =
            a.sum !== b.sum ? ` (total ${a.sum ?? "not numeric"} → ${b.sum ?? "not numeric"})` : "";
          lines.push(`${runDate} ${name}.${column}: values moved${sums}`);
        }
      }
    }
  }
  return lines;
}

describe("the extracts of the demo shop, against the digests recorded before", { timeout: 240_000 }, () => {
  let workDir: string;
  let config: PulseConfig;
  let warehouse: DuckDbWarehouse;
  const now: Digests = {};

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-extracts-unchanged-"));
    config = loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir });
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    await generateDemoData(warehouse.rawConnection, "raw", DEMO);
    const secrets = fixedSecrets();
    for (const runDate of [FULL_BUILD_DATE, RUN_DATE]) {
      const report = await runLocally(
        config,
        parseRunMessage({ runDate, runId: `digests-${runDate}`, trigger: "manual" }),
        { log: silentLogger(), warehouse, secrets },
      );
      assert.deepEqual(report.failures, [], `the run for ${runDate} succeeded`);
      const extracts: Record<string, ExtractDigest> = {};
      for (const name of EXTRACT_NAMES) {
        const text = await readFile(join(config.local.bucketDir, extractPath(name, runDate)), "utf8");
        extracts[name] = digestCsv(text);
      }
      now[runDate] = extracts;
    }
    if (RECORDING) {
      await writeFile(RECORDED, `${JSON.stringify({ demo: DEMO, runs: now }, null, 2)}\n`);
      process.stdout.write(`recorded ${RECORDED.pathname}\n`);
    }
  });
  after(async () => {
    await warehouse?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("runs the full build, then the warm run, over the recorded demo shop", async () => {
    const recorded = JSON.parse(await readFile(RECORDED, "utf8")) as RecordedDigests;
    // Other demo settings would make other numbers: a change here is a change of the record, not of the code.
    assert.deepEqual(recorded.demo, DEMO, "the record was made on this demo shop");
    assert.deepEqual(Object.keys(recorded.runs), [FULL_BUILD_DATE, RUN_DATE]);
    // The record is not empty: every extract of both runs, with rows in most.
    for (const runDate of [FULL_BUILD_DATE, RUN_DATE]) {
      assert.deepEqual(Object.keys(recorded.runs[runDate] ?? {}), [...EXTRACT_NAMES]);
    }
    assert.ok((recorded.runs[RUN_DATE]?.daily_kpis?.rows ?? 0) > 300);
  });

  // While recording, the record is this run's own output: comparing the two would prove nothing.
  const recording = RECORDING ? { skip: "recording the digests (PULSE_RECORD_EXTRACTS=1)" } : {};
  it(
    "writes every extract, both days, with the same rows and the same values in every column",
    recording,
    async () => {
      const recorded = JSON.parse(await readFile(RECORDED, "utf8")) as RecordedDigests;
      const moved = differences(recorded.runs, now);
      assert.deepEqual(
        moved,
        [],
        `the extracts moved:\n${moved.join("\n")}\n(meant? re-record: PULSE_RECORD_EXTRACTS=1, and say why in the commit)`,
      );
    },
  );

  it("names what moved: a column's changed values with their totals, a changed row count, a new column", () => {
    const base = digestCsv("date,revenue,note\n2026-11-20,10.5,a\n2026-11-21,2.25,b\n");
    assert.deepEqual(base.columns.revenue, {
      sha256: createHash("sha256").update("10.5\n2.25").digest("hex").slice(0, 32),
      sum: "12.75",
    });
    assert.equal(base.columns.note?.sum, undefined, "text is not summed");
    const cent = digestCsv("date,revenue,note\n2026-11-20,10.51,a\n2026-11-21,2.25,b\n");
    const longer = digestCsv(
      "date,revenue,note,is_demo\n2026-11-20,10.5,a,true\n2026-11-21,2.25,b,true\n2026-11-22,,c,true\n",
    );
    assert.deepEqual(differences({ d: { x: base } }, { d: { x: cent } }), [
      "d x.revenue: values moved (total 12.75 → 12.76)",
    ]);
    assert.deepEqual(differences({ d: { x: base } }, { d: { x: longer } }), [
      "d x: 2 rows recorded, 3 now",
      "d x.date: values moved",
      "d x.revenue: values moved",
      "d x.note: values moved",
      "d x.is_demo: column added",
    ]);
    assert.deepEqual(differences({ d: { x: base } }, { d: {} }), ["d x: no longer exported"]);
    assert.equal(exactSum(["-0.05", "0.1", "3"]), "3.05");
    assert.equal(exactSum(["-7.25", "2"]), "-5.25");
  });
});

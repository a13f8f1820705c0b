// Fault injection on whole local runs: a SIGKILL at each step (a child process), a throw at each kind of ledger
// call, corrupted state files and a full disk (a bucket write that fails with ENOSPC). After every fault the next
// run must complete the day with extracts byte-identical to a clean run and exactly one summary email, or exit
// non-zero naming what is wrong. The counts of faults tried and survived are printed at the end.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { WarehouseFileDamagedError } from "../../functions/adapters/warehouse/duckdb/damaged-file.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import {
  INVENTORY_BASELINE_PATH,
  stepRecordPath,
  summaryEmailMarkerPath,
} from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { type LocalRunReport, runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { STEP_NAMES, type StepName } from "../../functions/shared/pipeline.ts";
import type { Bucket, Mailer } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { Ports } from "../../functions/shared/step.ts";
import { fixedSecrets } from "../support/secrets.ts";

const RUN_DATE = "2026-11-21";
const secrets = fixedSecrets({ piiHashKey: "f".repeat(40) });
const SUMMARY_EML = `summary-${RUN_DATE}_dtc-pulse.eml`;

interface Day {
  workDir: string;
  config: PulseConfig;
}

const tally = { tried: 0, survived: 0, failedLoudly: 0 };

/** Every file under extracts/, by path, as a hash of its bytes. */
async function extractHashes(config: PulseConfig): Promise<Record<string, string>> {
  const root = join(config.local.bucketDir, "extracts");
  const hashes: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    hashes[full.slice(root.length + 1)] = createHash("sha256")
      .update(await readFile(full))
      .digest("hex");
  }
  return hashes;
}

/** A mailer that counts the summary emails it sends. */
function counting(mailer: Mailer, sent: { summary: number }): Mailer {
  return {
    send: async (mail) => {
      const result = await mailer.send(mail);
      if (mail.messageId.startsWith("<summary-")) sent.summary += 1;
      return result;
    },
  };
}

/** The bucket, throwing `fault()`'s error on the operations it picks (once each, unless it says otherwise). */
function faulty(bucket: Bucket, fault: (op: string, path: string) => Error | undefined): Bucket {
  const check = (op: string, path: string) => {
    const error = fault(op, path);
    if (error) throw error;
  };
  return {
    location: bucket.location,
    scope: bucket.scope,
    write: async (path, data, options) => (check("write", path), bucket.write(path, data, options)),
    writeStream: async (path, chunks, options) => (
      check("write", path),
      bucket.writeStream(path, chunks, options)
    ),
    createIfAbsent: async (path, data, options) => (
      check("create", path),
      bucket.createIfAbsent(path, data, options)
    ),
    read: async (path) => (check("read", path), bucket.read(path)),
    readVersioned: async (path) => (check("read", path), bucket.readVersioned(path)),
    // A generator, so that the fault is thrown where the stream is read, as a failed download's would be.
    readStream: async function* (path) {
      check("read", path);
      yield* bucket.readStream(path);
    },
    readRange: async (path, start, end, generation) => (
      check("read", path),
      bucket.readRange(path, start, end, generation)
    ),
    replaceIfGeneration: async (path, data, generation, options) => (
      check("replace", path),
      bucket.replaceIfGeneration(path, data, generation, options)
    ),
    deleteIfGeneration: async (path, generation) => (
      check("delete", path),
      bucket.deleteIfGeneration(path, generation)
    ),
    exists: (path) => bucket.exists(path),
    list: (prefix) => bucket.list(prefix),
    copy: async (from, to) => (check("write", to), bucket.copy(from, to)),
    compose: async (sources, destination, options) => (
      check("write", destination),
      bucket.compose(sources, destination, options)
    ),
    delete: async (path) => (check("delete", path), bucket.delete(path)),
    linkFor: (path) => bucket.linkFor(path),
  };
}

describe("fault injection on whole runs", { timeout: 600_000 }, () => {
  let template: string;
  let clean: Record<string, string>;

  async function freshDay(): Promise<Day> {
    const workDir = await mkdtemp(join(tmpdir(), "pulse-fault-"));
    await cp(template, workDir, { recursive: true });
    return {
      workDir,
      config: loadConfig({
        env: { PULSE_WORK_DIR: workDir, PULSE_SHOP_NAME: "Maison Faults" },
        cwd: workDir,
      }),
    };
  }

  async function run(
    day: Day,
    runId: string,
    wrap?: (ports: Ports) => Ports,
  ): Promise<{ report: LocalRunReport; summaries: number }> {
    const warehouse = await DuckDbWarehouse.open(day.config.local.duckdbPath);
    const sent = { summary: 0 };
    try {
      const report = await runLocally(
        day.config,
        parseRunMessage({ runDate: RUN_DATE, runId, trigger: "manual" }),
        {
          log: silentLogger(),
          warehouse,
          secrets,
          wrapPorts: (ports) => {
            const wrapped = wrap ? wrap(ports) : ports;
            return { ...wrapped, mailer: counting(wrapped.mailer, sent) };
          },
        },
      );
      return { report, summaries: sent.summary };
    } finally {
      await warehouse.close();
    }
  }

  /** The day after a fault: complete, identical extracts, one summary email in all. */
  async function assertRecovered(day: Day, summariesBefore: number, label: string): Promise<void> {
    const { report, summaries } = await run(day, `recovery-${label.replace(/[^A-Za-z0-9]/g, "-")}`);
    assert.deepEqual(report.failures, [], `${label}: the recovery run fails`);
    assert.deepEqual(report.notDone, [], `${label}: the recovery run leaves steps undone`);
    assert.deepEqual(await extractHashes(day.config), clean, `${label}: extracts differ from a clean run`);
    assert.equal(summariesBefore + summaries, 1, `${label}: summary emails sent in all`);
    const outbox = await readdir(day.config.local.outboxDir);
    assert.ok(outbox.includes(SUMMARY_EML), `${label}: the summary email is in the outbox`);
    tally.survived += 1;
  }

  before(async () => {
    template = await mkdtemp(join(tmpdir(), "pulse-fault-template-"));
    const config = loadConfig({ env: { PULSE_WORK_DIR: template }, cwd: template });
    const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(RUN_DATE),
      startDate: addDays(RUN_DATE, -59),
      ordersPerDay: 20,
    });
    await warehouse.close();
    const day = await freshDay();
    const { report, summaries } = await run(day, "clean");
    assert.deepEqual(report.failures, []);
    assert.deepEqual(report.notDone, []);
    assert.equal(summaries, 1);
    clean = await extractHashes(day.config);
    assert.ok(Object.keys(clean).length >= 4, "the clean run made extracts");
    await rm(day.workDir, { recursive: true, force: true });
  });
  after(async () => {
    process.stdout.write(
      `# faults: ${tally.tried} tried, ${tally.survived} survived (next run completed the day), ${tally.failedLoudly} failed loudly (non-zero, named)\n`,
    );
    await rm(template, { recursive: true, force: true });
  });

  for (const victim of STEP_NAMES) {
    it(`survives a SIGKILL of ${victim} after its work, before it could record it`, async () => {
      tally.tried += 1;
      const day = await freshDay();
      try {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", join(import.meta.dirname, "fault-child.ts"), day.workDir, RUN_DATE, victim],
          { stdio: ["ignore", "pipe", "inherit"] },
        );
        await new Promise<void>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes(`REACHED ${victim}`)) {
              child.kill("SIGKILL");
              resolve();
            }
          });
          child.on("exit", () => reject(new Error(`the child ended before ${victim}: ${out}`)));
        });
        await new Promise((resolve) => child.on("exit", resolve));
        const record = JSON.parse(
          await readFile(join(day.config.local.bucketDir, stepRecordPath(RUN_DATE, victim)), "utf8"),
        ) as { status: string };
        assert.equal(record.status, "running", "the killed step's record is left running");
        const emailed = (await readdir(day.config.local.outboxDir).catch((): string[] => [])).includes(
          SUMMARY_EML,
        )
          ? 1
          : 0;
        try {
          await assertRecovered(day, emailed, `kill ${victim}`);
        } catch (error) {
          // DuckDB 1.5.6 leaves a file it no longer opens after some kills inside a CHECKPOINT (11 of 198 in a stress
          // loop, none of 102 between checkpoints: damaged-file.ts), which the background checkpoint can be at
          // this moment. No code of ours can survive that; the next run must stop on it, naming the file (the
          // command line then prints the commands that rebuild it: test/integration/real-shop.test.ts).
          if (!(error instanceof WarehouseFileDamagedError)) throw error;
          assert.equal(error.path, day.config.local.duckdbPath);
          tally.failedLoudly += 1;
        }
      } finally {
        await rm(day.workDir, { recursive: true, force: true });
      }
    });
  }

  // One throw at each kind of ledger call, at a step in the middle of the chain and at notify: the claim's
  // create, read and release, the record's read and its two writes.
  const LEDGER_FAULTS: { step: StepName; op: string; what: string; nth?: number }[] = [
    { step: "transform", op: "create", what: "claims" },
    { step: "transform", op: "read", what: "steps" },
    { step: "transform", op: "write", what: "steps", nth: 1 },
    { step: "transform", op: "write", what: "steps", nth: 2 },
    { step: "transform", op: "delete", what: "claims" },
    { step: "notify", op: "create", what: "claims" },
    { step: "notify", op: "write", what: "steps", nth: 1 },
    { step: "notify", op: "write", what: "steps", nth: 2 },
    { step: "export", op: "delete", what: "claims" },
  ];
  for (const fault of LEDGER_FAULTS) {
    it(`survives a throw at ${fault.step}'s ledger ${fault.op} of ${fault.what}${fault.nth ? ` (#${fault.nth})` : ""}`, async () => {
      tally.tried += 1;
      const day = await freshDay();
      try {
        let seen = 0;
        let thrown = false;
        const { report, summaries } = await run(day, "faulty", (ports) => ({
          ...ports,
          bucket: faulty(ports.bucket, (op, path) => {
            if (thrown || op !== fault.op || !path.includes(`/${fault.what}/${fault.step}.json`))
              return undefined;
            seen += 1;
            if (seen < (fault.nth ?? 1)) return undefined;
            thrown = true;
            return new Error(`injected: ${op} ${path} failed`);
          }),
        }));
        assert.ok(thrown, "the fault was reached");
        if (report.failures.length || report.notDone.length) tally.failedLoudly += 1;
        await assertRecovered(
          day,
          summaries,
          `ledger ${fault.step} ${fault.op} ${fault.what} ${fault.nth ?? 1}`,
        );
      } finally {
        await rm(day.workDir, { recursive: true, force: true });
      }
    });
  }

  it("survives corrupted state files: an empty ledger record, a torn email marker and baseline", async () => {
    tally.tried += 1;
    const day = await freshDay();
    try {
      const first = await run(day, "first");
      assert.deepEqual(first.report.notDone, []);
      const bucketDir = day.config.local.bucketDir;
      await writeFile(join(bucketDir, stepRecordPath(RUN_DATE, "export")), "");
      await writeFile(join(bucketDir, summaryEmailMarkerPath(RUN_DATE)), '{"status":"se');
      await writeFile(join(bucketDir, INVENTORY_BASELINE_PATH), "\u0000\u0000garbage");
      const files = await readdir(join(bucketDir, "runs", `dt=${RUN_DATE}`, "steps"));
      assert.ok(files.includes("export.json"));
      await assertRecovered(day, first.summaries, "corrupt state");
      const after = await readdir(join(bucketDir, "runs", `dt=${RUN_DATE}`, "steps"));
      assert.ok(
        after.some((name) => name.startsWith("export.json.corrupt-")),
        "the empty record is kept aside",
      );
    } finally {
      await rm(day.workDir, { recursive: true, force: true });
    }
  });

  it("fails loudly on a full disk (ENOSPC while writing an extract), then completes the day once there is room", async () => {
    tally.tried += 1;
    const day = await freshDay();
    try {
      const { report, summaries } = await run(day, "disk-full", (ports) => ({
        ...ports,
        bucket: faulty(ports.bucket, (op, path) =>
          op === "write" && path.startsWith("extracts/")
            ? Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: "ENOSPC" })
            : undefined,
        ),
      }));
      assert.deepEqual(
        report.failures.map((failure) => failure.step),
        ["export"],
      );
      assert.match(report.failures[0]?.error ?? "", /ENOSPC: no space left on device/);
      assert.ok(report.notDone.length > 0, "the CLI would exit non-zero");
      assert.equal(summaries, 0);
      tally.failedLoudly += 1;
      await assertRecovered(day, summaries, "full disk");
    } finally {
      await rm(day.workDir, { recursive: true, force: true });
    }
  });

  it("does not count a step that another live process holds as done", async () => {
    tally.tried += 1;
    const day = await freshDay();
    try {
      const { Ledger } = await import("../../functions/shared/ledger.ts");
      const { FolderBucket } = await import("../../functions/adapters/bucket/folder-bucket.ts");
      const held = await new Ledger(new FolderBucket(day.config.local.bucketDir)).claim(
        RUN_DATE,
        "transform",
        "another-run",
        () => new Date(),
      );
      assert.ok(held.acquired);
      const { report } = await run(day, "blocked");
      assert.deepEqual(
        report.notDone.map((item) => item.step),
        ["transform", "check-quality", "export", "report", "notify"],
      );
      assert.match(report.notDone[0]?.reason ?? "", /being run by another delivery/);
      tally.failedLoudly += 1;
      await held.lease.release();
      await assertRecovered(day, 0, "live holder");
      assert.ok((await stat(join(day.config.local.outboxDir, SUMMARY_EML))).size > 0);
    } finally {
      await rm(day.workDir, { recursive: true, force: true });
    }
  });
});

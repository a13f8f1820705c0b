// What a run without --date carries from its inbox load to the reported day's ingest: the file drops' findings,
// counts and files, and nothing the day's own ingest finds again (a mapping that does not parse, a connector's or
// the exchange rates' findings, which are the load date's). The end-to-end run is in
// test/integration/inbox-first-findings.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import {
  carriedDrops,
  joinPendingLoads,
  readPendingLoad,
  savePendingLoad,
  settlePendingLoad,
} from "../../functions/cli/inbox-first.ts";
import type { LocalRunReport } from "../../functions/runtime/local-run.ts";
import type { Finding } from "../../functions/shared/findings.ts";

const finding = (step: Finding["step"], check: string): Finding => ({
  step,
  check,
  severity: "warning",
  blocking: false,
  subject: `${check} subject`,
  observed: null,
  expected: "",
  message: check,
});

describe("carriedDrops", () => {
  it("keeps a failed file's, a quarantine's and a time zone's findings, and none found again on the day", () => {
    const carried = carriedDrops(
      [
        finding("ingest", "file_drop_failed"),
        finding("ingest", "file_drop_rejects"),
        finding("ingest", "file_drop_time_zone"),
        finding("ingest", "file_drop_mapping_invalid"),
        finding("ingest", "connector_failed"),
        finding("ingest", "fx_rates_missing"),
      ],
      {
        filesInInbox: 3,
        filesLoaded: 2,
        filesFailed: 1,
        fileRowsRead: 9,
        fileRowsQuarantined: 1,
        rowsLanded: 40,
      },
      ["raw/received/abc/orders.csv", "quarantine/dt=2026-12-06/abc-orders.csv"],
    );
    assert.deepEqual(
      carried.findings.map((kept) => kept.check),
      ["file_drop_failed", "file_drop_rejects", "file_drop_time_zone"],
    );
    assert.deepEqual(carried.metrics, {
      filesInInbox: 3,
      filesLoaded: 2,
      filesFailed: 1,
      filesDuplicate: 0,
      fileRowsRead: 9,
      fileRowsLoaded: 0,
      fileRowsQuarantined: 1,
      fileRowsReplaced: 0,
    });
    assert.deepEqual(carried.outputs, [
      "raw/received/abc/orders.csv",
      "quarantine/dt=2026-12-06/abc-orders.csv",
    ]);
  });
});

describe("joinPendingLoads", () => {
  it("carries a load that never reached its day's run to the next load's day, both loads' drops summed", () => {
    const metrics = (read: number, quarantined: number) =>
      Object.fromEntries(
        Object.entries(carriedDrops([], {}, []).metrics).map(([name]) => [
          name,
          name === "fileRowsRead" ? read : name === "fileRowsQuarantined" ? quarantined : 0,
        ]),
      ) as ReturnType<typeof carriedDrops>["metrics"];
    const earlier = {
      day: "2026-11-20",
      force: true,
      carried: {
        findings: [finding("ingest", "file_drop_rejects")],
        metrics: metrics(9, 1),
        outputs: ["raw/received/a.csv"],
      },
    };
    const later = {
      day: "2026-11-21",
      force: false,
      carried: {
        findings: [finding("ingest", "file_drop_failed")],
        metrics: metrics(4, 2),
        outputs: ["raw/received/b.csv"],
      },
    };
    const joined = joinPendingLoads(earlier, later);
    assert.equal(joined.day, "2026-11-21");
    assert.equal(joined.force, true, "the earlier load's day was to run again");
    assert.deepEqual(
      joined.carried.findings.map((one) => one.check),
      ["file_drop_rejects", "file_drop_failed"],
    );
    assert.equal(joined.carried.metrics.fileRowsRead, 13);
    assert.equal(joined.carried.metrics.fileRowsQuarantined, 3);
    assert.deepEqual(joined.carried.outputs, ["raw/received/a.csv", "raw/received/b.csv"]);
    assert.deepEqual(joinPendingLoads(undefined, later), later);
  });
});

describe("the pending load's state file", () => {
  it("reads back what was saved, and sets aside a file that is not a load (torn or edited), saying so", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pulse-inbox-load-"));
    try {
      const bucket = new FolderBucket(dir);
      const said: string[] = [];
      assert.equal(await readPendingLoad(bucket, (line) => said.push(line)), undefined);
      const pending = {
        day: "2026-11-21",
        force: true,
        carried: carriedDrops([finding("ingest", "file_drop_rejects")], { fileRowsRead: 9 }, ["a.csv"]),
      };
      await savePendingLoad(bucket, pending);
      assert.deepEqual(await readPendingLoad(bucket, (line) => said.push(line)), pending);
      assert.equal(said.length, 0, said.join("\n"));

      // A count that is not a number would have summed to NaN in the day's ingest.
      await writeFile(
        join(dir, "state", "inbox-load.json"),
        JSON.stringify({ ...pending, carried: { ...pending.carried, metrics: { fileRowsRead: "9" } } }),
      );
      assert.equal(await readPendingLoad(bucket, (line) => said.push(line)), undefined);
      assert.equal(said.length, 1);
      assert.match(
        said[0] ?? "",
        /^Warning: state file state\/inbox-load\.json was unreadable \(carried\.metrics\./,
      );
      const kept = await readdir(join(dir, "state"));
      assert.ok(
        kept.some((name) => name.startsWith("inbox-load.json.corrupt-")),
        `set aside, not lost: ${kept.join(", ")}`,
      );
      assert.ok(!kept.includes("inbox-load.json"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("settlePendingLoad", () => {
  it("forgets the load only once this run's ingest of its day succeeded: a failed ingest leaves it for the next run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pulse-inbox-settle-"));
    try {
      const bucket = new FolderBucket(dir);
      const pending = { day: "2026-11-21", force: false, carried: carriedDrops([], {}, []) };
      const ingest = (status: string, runId: string, runDate = pending.day) =>
        ({ records: [{ step: "ingest", runDate, runId, status }] }) as unknown as LocalRunReport;
      const waiting = async () => (await readPendingLoad(bucket, () => undefined)) !== undefined;

      await savePendingLoad(bucket, pending);
      await settlePendingLoad(bucket, pending, ingest("failed", "run-1"), "run-1");
      assert.equal(await waiting(), true, "the day's ingest failed");
      await settlePendingLoad(bucket, pending, ingest("succeeded", "earlier-run"), "run-2");
      assert.equal(await waiting(), true, "an earlier run's record, not this run's");
      await settlePendingLoad(bucket, pending, ingest("succeeded", "run-3", "2026-11-20"), "run-3");
      assert.equal(await waiting(), true, "another day's ingest");
      await settlePendingLoad(bucket, pending, ingest("succeeded", "run-4"), "run-4");
      assert.equal(await waiting(), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

describe("pulse command line", () => {
  let workDir: string;
  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-cli-"));
  });
  after(() => rm(workDir, { recursive: true, force: true }));

  const pulseWith = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "functions/cli/main.ts", ...args], {
      encoding: "utf8",
      env: { ...process.env, PULSE_WORK_DIR: workDir, ...env },
    });
  const pulse = (...args: string[]) => pulseWith({}, ...args);

  it("--help explains every option and exits 0", () => {
    const result = pulse("--help");
    assert.equal(result.status, 0);
    for (const option of [
      "--date",
      "--from",
      "--to",
      "--skip",
      "--force",
      "--full-refresh",
      "--work-dir",
      "--regenerate",
      "plan",
    ]) {
      assert.ok(result.stdout.includes(option), `help mentions ${option}`);
    }
  });

  it("rejects bad usage with exit status 2 and says what is wrong, before doing any work", () => {
    const badStep = pulse("--from", "deploy");
    assert.equal(badStep.status, 2);
    assert.match(badStep.stderr, /--from must be one of ingest, check-sources, transform/);
    const badDate = pulse("--date", "2026-02-30");
    assert.equal(badDate.status, 2);
    assert.match(badDate.stderr, /--date must be a real date/);
    const future = pulse("--date", "2030-01-01");
    assert.equal(future.status, 2);
    assert.match(
      future.stderr,
      /run date 2030-01-01 is after the latest complete day in the shop's time zone/,
    );
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Pacific/Kiritimati" }).format(new Date());
    const notEnded = pulseWith({ PULSE_TIMEZONE: "Pacific/Kiritimati" }, "--date", today);
    assert.equal(notEnded.status, 2, "the shop's today has not ended yet");
    assert.match(notEnded.stderr, /is after the latest complete day in the shop's time zone/);
    const unknown = pulse("--colour");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown option '--colour'/);
  });
});

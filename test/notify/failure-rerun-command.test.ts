// The failure email's re-run command: in the cloud it must resume the cloud run (rerun, which publishes to the
// failed step's topic), not run the day on the reader's machine against a local DuckDB.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { planRerun } from "../../functions/cli/rerun.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { notifyFailure } from "../../functions/notify/step.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { HandlerRuntime } from "../../functions/shared/handler.ts";
import type { Bus, OutgoingMail, Secrets, Warehouse } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";

const failed = parseRunMessage({
  runDate: "2026-11-21",
  runId: "scheduler-20261122T070000Z",
  trigger: "scheduler",
  failure: { step: "export", error: "Access Denied", at: "2026-11-22T07:20:00Z" },
});

/** The command line of the email's text part: the indented line after "RE-RUN"'s explanation. */
function commandIn(text: string): string {
  const lines = text.split("\n");
  const line = lines.slice(lines.indexOf("RE-RUN")).find((candidate) => candidate.startsWith("    npm "));
  assert.ok(line, text);
  return line.trim();
}

describe("the failure email's re-run command", () => {
  let root: string;
  const sent: OutgoingMail[] = [];

  const runtime = (env: Record<string, string>): HandlerRuntime => ({
    config: loadConfig({ env, cwd: root }),
    log: silentLogger(),
    ports: {
      bucket: new FolderBucket(root),
      mailer: {
        send: async (mail) => {
          sent.push(mail);
          return { messageId: mail.messageId, location: "smtp" };
        },
      },
      bus: {} as Bus,
      warehouse: {} as Warehouse,
      secrets: {} as Secrets,
      clock: { now: () => new Date("2026-11-22T07:30:00Z") },
    },
  });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-rerun-command-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("in the cloud, is `rerun` for the failed step, date and project, which publishes to that step's topic", async () => {
    sent.length = 0;
    await notifyFailure(
      failed,
      runtime({
        PULSE_RUNTIME: "cloud",
        PULSE_PROJECT_ID: "maison-lune-analytics",
        PULSE_BUCKET: "maison-lune-analytics-pulse",
      }),
    );
    assert.equal(sent.length, 1);
    const command = commandIn(sent[0]?.text ?? "");
    assert.equal(
      command,
      "npm start -- rerun --from export --date 2026-11-21 --project maison-lune-analytics",
    );
    // What the CLI makes of it: the export step's topic, in the deployment's project, for that date.
    const [npm, start, dashes, subcommand, ...argv] = command.split(" ");
    assert.deepEqual([npm, start, dashes, subcommand], ["npm", "start", "--", "rerun"]);
    const request = planRerun(argv, {}, new Date("2026-11-22T08:00:00Z"));
    assert.equal(request.topic, "pulse-export");
    assert.equal(request.projectId, "maison-lune-analytics");
    assert.equal(request.message.runDate, "2026-11-21");
    assert.equal(request.message.options.from, "export");
  });

  it("locally, runs the day again from the failed step", async () => {
    sent.length = 0;
    await notifyFailure({ ...failed, runId: "local-1" }, runtime({ PULSE_WORK_DIR: root }));
    assert.equal(commandIn(sent[0]?.text ?? ""), "npm start -- --date 2026-11-21 --from export");
  });
});

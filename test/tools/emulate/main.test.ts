// `npm run emulate`'s command line, as the README's examples use it (--date, --from, --keep-running): the options
// exist, and bad ones are refused with exit status 2 before anything starts. Then the command itself on a small demo
// shop (gcloud and Java needed, about 15 s): it waits for the run to end, prints the CLI's summary and stops
// everything it started, also on Ctrl-C. The chain's behaviour through the emulator is
// test/integration/emulator.test.ts's part.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { emulate } from "../../../tools/emulate/main.ts";

/** What emulate writes to stdout and stderr, and its exit status. */
async function run(t: TestContext, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  t.mock.method(process.stdout, "write", (chunk: string) => out.push(chunk) > 0);
  t.mock.method(process.stderr, "write", (chunk: string) => err.push(chunk) > 0);
  try {
    const code = await emulate(argv, {});
    return { code, out: out.join(""), err: err.join("") };
  } finally {
    t.mock.restoreAll();
  }
}

describe("npm run emulate's options", () => {
  it("lists the README's --date, --from and --keep-running, and the steps in order", async (t) => {
    const { code, out } = await run(t, ["--help"]);
    assert.equal(code, 0);
    for (const option of ["--date YYYY-MM-DD", "--from STEP", "--keep-running"]) {
      assert.ok(out.includes(option), option);
    }
    assert.match(out, /ingest → check-sources → transform → check-quality → export → report → notify/);
    assert.match(out, /dead-letter topic after 5 delivery attempts/);
  });

  it("refuses a bad date, an unknown step and an unknown option with status 2, naming the problem", async (t) => {
    const badDate = await run(t, ["--date", "20/11/2026"]);
    assert.equal(badDate.code, 2);
    assert.match(badDate.err, /--date must be YYYY-MM-DD/);
    const badStep = await run(t, ["--date", "2026-11-20", "--from", "exports"]);
    assert.equal(badStep.code, 2);
    assert.match(badStep.err, /--from must be one of ingest, check-sources, .*; got "exports"/);
    const unknown = await run(t, ["--keep-runing"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /keep-runing/);
  });
});

/** `npm run emulate` (tools/emulate/main.ts) on a small demo shop in its own work dir, with its output. */
function startEmulate(workDir: string, argv: string[] = []) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "tools/emulate/main.ts", "--timeout", "120", ...argv],
    {
      cwd: join(import.meta.dirname, "..", "..", ".."),
      env: {
        ...process.env,
        PULSE_WORK_DIR: workDir,
        PULSE_DEMO_DAYS: "60",
        PULSE_DEMO_ORDERS_PER_DAY: "20",
        PULSE_PII_HASH_KEY: "s".repeat(40),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output = { text: "" };
  child.stdout.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output, exited };
}

/** The emulator's host and the functions' URLs, from the line the command prints once everything is up. */
const UP = /Pub\/Sub emulator on (127\.0\.0\.1:\d+) .*functions on 127\.0\.0\.1 ports ([\d, ]+);/;
function startedUrls(text: string): string[] {
  const [, emulatorHost, ports = ""] = UP.exec(text) ?? [];
  return [`http://${emulatorHost}/`, ...ports.split(", ").map((port) => `http://127.0.0.1:${port}/`)];
}

describe("npm run emulate's run", { timeout: 180_000 }, () => {
  it("waits for the run to end, prints the CLI's summary, exits 0 and stops everything it started", async (t) => {
    // Needs gcloud and Java, as test/integration/emulator.test.ts does.
    const workDir = await mkdtemp(join(tmpdir(), "pulse-emulate-run-"));
    t.after(() => rm(workDir, { recursive: true, force: true }));
    const { output, exited } = startEmulate(workDir);
    assert.equal(await exited, 0, output.text);
    // The summary `npm start` prints (functions/cli/summary.ts), after notify: the email is in it.
    assert.match(output.text, /^ {2}email {6}\S+summary-\d{4}-\d{2}-\d{2}_dtc-pulse\.eml$/m);
    assert.match(output.text, /^Done in [\d.]+s/m);
    assert.match(output.text, /^\d+ deliveries pushed by the emulator/m);
    for (const url of startedUrls(output.text)) {
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2000) }), `${url} is closed`);
    }
  });
});

describe("npm run emulate stopped with Ctrl-C", { timeout: 180_000 }, () => {
  it("stops the emulator and every function server it started, and exits 130", async (t) => {
    // Needs gcloud and Java, as test/integration/emulator.test.ts does. A small demo shop in its own work dir.
    const workDir = await mkdtemp(join(tmpdir(), "pulse-emulate-sigint-"));
    t.after(() => rm(workDir, { recursive: true, force: true }));
    const { child, output, exited } = startEmulate(workDir);
    // Once everything is up (the line naming the emulator's host and the functions' ports), Ctrl-C.
    const deadline = Date.now() + 120_000;
    while (!UP.test(output.text)) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`never came up:\n${output.text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill("SIGINT");
    assert.equal(await exited, 130, output.text);
    assert.match(output.text, /SIGINT: stopping the emulator and the function servers/);
    for (const url of startedUrls(output.text)) {
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2000) }), `${url} is closed`);
    }
  });
});

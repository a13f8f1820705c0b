// `npm run emulate`'s command line, as the README's examples use it (--date, --from, --keep-running): the options
// exist, and bad ones are refused with exit status 2 before anything starts. The run itself, through the
// emulator, is test/integration/emulator.test.ts's part.
import assert from "node:assert/strict";
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

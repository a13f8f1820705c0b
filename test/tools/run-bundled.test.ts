// `npm start` runs the command line from a bundle (tools/run-bundled.mjs, tools/bundle.mjs): built on the first
// start, used again while none of its files changed, rebuilt when one did, and a failed build names the file,
// line and column and runs nothing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";

const RUNNER = resolve("tools/run-bundled.mjs");

describe("npm start's bundled command line", () => {
  let root: string;
  let bundleDir: string;
  const manifestFile = () => join(bundleDir, "bundle-inputs.json");
  before(async () => {
    // A copy of the runner in a small project of its own, resolving esbuild from this one's node_modules.
    root = await mkdtemp(join(tmpdir(), "pulse-run-bundled-"));
    await mkdir(join(root, "tools"), { recursive: true });
    await mkdir(join(root, "functions", "cli"), { recursive: true });
    await cp(RUNNER, join(root, "tools", "run-bundled.mjs"));
    await cp(resolve("tools/bundle.mjs"), join(root, "tools", "bundle.mjs"));
    await symlink(resolve("node_modules"), join(root, "node_modules"));
    await writeFile(join(root, "package.json"), JSON.stringify({ type: "module" }));
    await writeFile(
      join(root, "functions", "cli", "greeting.ts"),
      'export const greeting: string = "hello";\n',
    );
    await writeFile(
      join(root, "functions", "cli", "main.ts"),
      [
        'import { pathToFileURL } from "node:url";',
        'import { greeting } from "./greeting.ts";',
        "// The same main-module check as functions/cli/main.ts.",
        "if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {",
        '  const later = await import("./later.ts");',
        '  process.stdout.write(`${greeting} ${later.name} ${process.argv.slice(2).join(",")}\\n`);',
        "  if (process.argv.includes('--fail')) throw new Error('failed on purpose');",
        "}",
        "",
      ].join("\n"),
    );
    await writeFile(join(root, "functions", "cli", "later.ts"), 'export const name: string = "world";\n');
    bundleDir = join(root, "dist", "bundled", "functions", "cli", "main");
  });
  after(() => rm(root, { recursive: true, force: true }));

  const start = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, "tools", "run-bundled.mjs"), "functions/cli/main.ts", ...args], {
      cwd: root,
      encoding: "utf8",
    });

  it("builds the bundle on the first start and runs the entry with its arguments", async () => {
    const first = start("--date", "2026-11-20");
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, "hello world --date,2026-11-20\n");
    const files = await readdir(bundleDir);
    assert.ok(files.includes("main.js"), files.join(", "));
    // The dynamically imported module is a file of its own, loaded only when imported.
    assert.ok(files.filter((file) => /^later-.*\.js$/.test(file)).length === 1, files.join(", "));
    const manifest = JSON.parse(await readFile(manifestFile(), "utf8")) as { inputs: { path: string }[] };
    assert.deepEqual(
      manifest.inputs.map((input) => input.path),
      ["functions/cli/greeting.ts", "functions/cli/later.ts", "functions/cli/main.ts"],
    );
  });

  it("uses the bundle again while no file it was built from changed", async () => {
    const before = (await stat(manifestFile())).mtimeMs;
    const again = start();
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, "hello world \n");
    assert.equal((await stat(manifestFile())).mtimeMs, before);
  });

  it("rebuilds when a file changed, even one given an older time (a copy keeping its own)", async () => {
    await writeFile(
      join(root, "functions", "cli", "greeting.ts"),
      'export const greeting: string = "bonjour";\n',
    );
    const edited = start();
    assert.equal(edited.stdout, "bonjour world \n", edited.stderr);
    const later = join(root, "functions", "cli", "later.ts");
    await writeFile(later, 'export const name: string = "monde";\n');
    const past = new Date("2020-01-01T00:00:00Z");
    await utimes(later, past, past);
    const copied = start();
    assert.equal(copied.stdout, "bonjour monde \n", copied.stderr);
  });

  it("fails a build with the file, line and column, and runs nothing", async () => {
    const greeting = join(root, "functions", "cli", "greeting.ts");
    await writeFile(greeting, 'export const greeting: string = "bonjour"\nexport const = 1;\n');
    const broken = start();
    assert.equal(broken.status, 1);
    assert.equal(broken.stdout, "");
    assert.match(
      broken.stderr,
      /bundling the code failed \(1 error\):\n {2}functions\/cli\/greeting\.ts:2:14: /,
    );
    assert.match(broken.stderr, /npx tsx functions\/cli\/main\.ts/);
    await writeFile(greeting, 'export const greeting: string = "hello";\n');
    assert.equal(start().stdout, "hello monde \n");
  });

  it("shows an error's stack in the TypeScript source, and exits non-zero", () => {
    const failed = start("--fail");
    assert.notEqual(failed.status, 0);
    assert.match(failed.stderr, /failed on purpose/);
    assert.match(failed.stderr, /functions\/cli\/main\.ts:7:/);
  });

  it("says where the bundle could not be written, and how to start without it", async () => {
    const blocked = await mkdtemp(join(tmpdir(), "pulse-run-bundled-blocked-"));
    try {
      await cp(join(root, "tools"), join(blocked, "tools"), { recursive: true });
      await cp(join(root, "functions"), join(blocked, "functions"), { recursive: true });
      await cp(join(root, "package.json"), join(blocked, "package.json"));
      await symlink(resolve("node_modules"), join(blocked, "node_modules"));
      // A file where the bundle's folder goes (root writes anywhere, so a read-only folder would not stop it).
      await writeFile(join(blocked, "dist"), "");
      const refused = spawnSync(
        process.execPath,
        [join(blocked, "tools", "run-bundled.mjs"), "functions/cli/main.ts"],
        { cwd: blocked, encoding: "utf8" },
      );
      assert.equal(refused.status, 1);
      assert.equal(refused.stdout, "");
      assert.match(
        refused.stderr,
        /The bundle could not be written under .*dist\/bundled\/functions\/cli\/main: make that folder writable, or run the TypeScript directly: npx tsx functions\/cli\/main\.ts\n$/,
      );
    } finally {
      await rm(blocked, { recursive: true, force: true });
    }
  });

  it("asks for an entry", () => {
    const bare = spawnSync(process.execPath, [join(root, "tools", "run-bundled.mjs")], { encoding: "utf8" });
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /^usage: node tools\/run-bundled\.mjs <entry\.ts>/);
  });
});

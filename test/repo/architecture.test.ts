// The layering rules of functions/ (README "Where things are"), checked on every import: a step never imports
// another step's folder (what two steps share lives in lib/ or shared/), nothing deployed imports the command
// line or the developer tools, and no file grows past what one reader can hold.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import { STEP_NAMES } from "../../functions/shared/pipeline.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");
const MAX_LINES = 600;

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".ts"))
    .map((path) => join(folder, path).split("\\").join("/"))
    .sort();
}

/** Repository-relative paths of a file's relative imports (static, dynamic and re-exports). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) =>
      relative(ROOT, resolve(ROOT, dirname(file), specifier))
        .split("\\")
        .join("/"),
    );
}

/** The step folder a path is in, if any. */
function stepOf(path: string): string | undefined {
  const [root, folder] = path.split("/");
  return root === "functions" && (STEP_NAMES as readonly string[]).includes(folder ?? "")
    ? folder
    : undefined;
}

const FILES = sourceFiles("functions");
const IMPORTS = FILES.flatMap((file) => importsOf(file).map((target) => ({ file, target })));
const TOOL_FILES = sourceFiles("tools");

describe("architecture", () => {
  it("finds the code and its imports", () => {
    assert.ok(FILES.includes("functions/index.ts"));
    assert.ok(IMPORTS.some(({ target }) => target === "functions/shared/pipeline.ts"));
  });

  it("no step imports another step's folder", () => {
    const crossings = IMPORTS.filter(({ file, target }) => {
      const from = stepOf(file);
      const to = stepOf(target);
      return from !== undefined && to !== undefined && from !== to;
    }).map(({ file, target }) => `${file} -> ${target}`);
    assert.deepEqual(crossings, []);
  });

  it("the contract (shared/) and the shared behaviour (lib/) sit below the steps, adapters and wiring", () => {
    const below = (path: string) => path.startsWith("functions/shared/") || path.startsWith("functions/lib/");
    const offending = IMPORTS.filter(
      ({ file, target }) => below(file) && target.startsWith("functions/") && !below(target),
    ).map(({ file, target }) => `${file} -> ${target}`);
    assert.deepEqual(offending, []);
  });

  it("nothing under functions/ imports the command line or the developer tools", () => {
    const offending = IMPORTS.filter(
      ({ file, target }) =>
        target.startsWith("tools/") ||
        (target.startsWith("functions/cli/") && !file.startsWith("functions/cli/")),
    ).map(({ file, target }) => `${file} -> ${target}`);
    assert.deepEqual(offending, []);
  });

  it("the developer tools never import the tests (tests may import tools)", () => {
    assert.ok(TOOL_FILES.includes("tools/preview.ts"));
    const offending = TOOL_FILES.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith("test/"))
        .map((target) => `${file} -> ${target}`),
    );
    assert.deepEqual(offending, []);
  });

  it(`no file under functions/ is over ${MAX_LINES} lines`, () => {
    const oversized = FILES.map((file) => ({
      file,
      lines: readFileSync(join(ROOT, file), "utf8").split("\n").length - 1,
    }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    assert.deepEqual(oversized, []);
  });
});

describe("the README's folder map", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /\*\*Where things are\.\*\*[^`]*```\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  /** The paths in the map's left column (before its run of spaces), placeholders expanded. */
  const named = block
    .split("\n")
    .map((line) => line.split(/ {2,}/)[0]?.trim() ?? "")
    .flatMap((left) => left.split(/ → |, /))
    .filter((path) => path.includes("/"))
    .flatMap((path) =>
      path.includes("<step>")
        ? STEP_NAMES.map((step) => path.replace("<step>", step))
        : [path.replace(/<[a-z]+>\/$/, "")],
    );

  it("names only paths that exist, and every step's step.ts", () => {
    assert.ok(named.length > 15, named.join(", "));
    assert.ok(named.includes("functions/check-sources/step.ts"));
    const missing = named.filter((path) => !existsSync(join(ROOT, path)));
    assert.deepEqual(missing, []);
  });

  it("names every folder under functions/, and every adapter port", () => {
    const folders = readdirSync(join(ROOT, "functions"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !(STEP_NAMES as readonly string[]).includes(entry.name))
      .map((entry) => `functions/${entry.name}/`);
    assert.deepEqual(
      folders.filter((folder) => !named.includes(folder)),
      [],
    );
    const adapters = /functions\/adapters\/<port>\/ +(.*)/.exec(block)?.[1] ?? "";
    const ports = readdirSync(join(ROOT, "functions", "adapters"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    assert.deepEqual(
      ports.filter((port) => !new RegExp(`\\b${port} \\(`).test(adapters) && !adapters.endsWith(port)),
      [],
    );
  });
});

// The layering rules of functions/ (README "Where things are"), checked on every import: a step never imports
// another step's folder (what two steps share lives in lib/ or shared/), nothing deployed imports the command
// line or the developer tools, and no file grows past what one reader can hold.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
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

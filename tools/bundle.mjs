// The command line as one bundled program: `npm start` runs the CLI from a bundle that esbuild makes of its
// TypeScript, rebuilt only when one of the files in it changed since. Started through tsx instead, every run
// resolved, transformed and loaded ~230 modules one by one: on the demo shop, started directly (npx tsx on the
// source, node on the bundle), a run for a day already done took 2.1–2.5 s that way and 0.7–0.8 s bundled; a forced
// re-run of the day 4.6–5.0 s against 3.2–3.4 s (2026-12-05).
// Plain JavaScript, so that Node runs it without a TypeScript loader. The bench builds its measured runs here too
// (tools/bench-prepare.ts), so that they start as `npm start` does.
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { build, version } from "esbuild";

/**
 * Packages stay in node_modules (imported as they are installed; several find files beside their own code), and
 * each dynamic import of the project's own modules stays a separate file (splitting), so that what the code loads
 * only when needed (the Google Cloud clients, each step's libraries) is still loaded only then: one file with
 * everything in it started 0.6 s slower for `--help`, importing every cloud client at once.
 */
export const BUNDLE_OPTIONS = Object.freeze({
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "silent",
});

/** What a bundle was built from, kept beside it: its inputs, and the esbuild and options that built it. */
const MANIFEST = "bundle-inputs.json";

/**
 * The bundle of `entry` (a path relative to `root`, e.g. functions/cli/main.ts) in `outDir`, built first when it is
 * missing, was built by another esbuild or other options, or any file it was built from changed (isFresh). Returns
 * the bundled entry's path. A build that fails throws esbuild's messages, each naming its file, line and column.
 */
export async function bundledEntry(root, entry, outDir) {
  const entryFile = join(outDir, basename(entry).replace(/\.[cm]?ts$/, ".js"));
  if (await isFresh(root, outDir)) return entryFile;
  // Built beside the old bundle and moved into place whole: a run started meanwhile sees the old one or the new.
  const building = `${outDir}.building-${randomUUID().slice(0, 8)}`;
  const startedAt = Date.now();
  try {
    const result = await build({
      ...BUNDLE_OPTIONS,
      absWorkingDir: root,
      entryPoints: [entry],
      outdir: building,
      metafile: true,
    }).catch((error) => {
      throw new Error(buildFailure(error), { cause: error });
    });
    const manifest = {
      esbuild: version,
      options: BUNDLE_OPTIONS,
      inputs: await inputStamps(root, Object.keys(result.metafile.inputs).sort(), startedAt),
    };
    await writeFile(join(building, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
    await mkdir(dirname(outDir), { recursive: true });
    await rm(outDir, { recursive: true, force: true });
    await rename(building, outDir).catch(async (error) => {
      // Another start moved its build into place first: theirs is as new as this one.
      if (!(await isFresh(root, outDir))) throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return entryFile;
}

/** esbuild's errors as `file:line:column: text` lines. */
function buildFailure(error) {
  const errors = Array.isArray(error?.errors) ? error.errors : [];
  if (errors.length === 0)
    return `bundling failed: ${error instanceof Error ? error.message : String(error)}`;
  const lines = errors.map((message) => {
    const where = message.location
      ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: `
      : "";
    return `  ${where}${message.text}`;
  });
  return `bundling the code failed (${errors.length} error${errors.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

/**
 * Each input's size and modification time, which must be the same for the bundle to be used again (an edit, a
 * checkout or a copy of an older file all change one). A file changed while the build ran is stamped as changed.
 */
async function inputStamps(root, inputs, startedAt) {
  return Promise.all(
    inputs.map(async (input) => {
      const stats = await stat(resolve(root, input));
      return { path: input, size: stats.size, mtimeMs: stats.mtimeMs >= startedAt ? -1 : stats.mtimeMs };
    }),
  );
}

/** Whether outDir holds a bundle built by this esbuild and these options from files that are all as they were. */
async function isFresh(root, outDir) {
  let manifest;
  try {
    manifest = JSON.parse(await readFile(join(outDir, MANIFEST), "utf8"));
  } catch {
    return false;
  }
  if (manifest?.esbuild !== version) return false;
  if (JSON.stringify(manifest.options) !== JSON.stringify(BUNDLE_OPTIONS)) return false;
  if (!Array.isArray(manifest.inputs) || manifest.inputs.length === 0) return false;
  const same = await Promise.all(
    manifest.inputs.map((input) =>
      stat(resolve(root, String(input?.path))).then(
        (stats) => stats.size === input.size && stats.mtimeMs === input.mtimeMs,
        () => false,
      ),
    ),
  );
  return same.every(Boolean);
}

/** Where `npm start` keeps the bundle of an entry: dist/bundled/<entry's path without its extension>/. */
export function bundleFolder(root, entry) {
  const path = relative(root, resolve(root, entry)).replace(/\.[cm]?ts$/, "");
  return join(root, "dist", "bundled", path);
}

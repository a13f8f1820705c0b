// pulse reland: puts every file the inbox once loaded back into it, in the order it was loaded, so that the next run
// lands them again as they first landed: the rebuild of a warehouse file DuckDB damaged (damaged-warehouse.ts).
//
// The order is the point. Where two drops hold the same orders or ad-days (a corrected export of the same days), the
// one landed later wins; the bucket keeps each file as received under its content hash (raw/received/<sha256>/),
// so a plain copy of that folder into the inbox lands them in hash order, and the original could win over its
// correction. Each file's manifest says when it was loaded.
import { copyFile, mkdir, readdir, readFile, rename, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { FileManifest } from "../ingest/file-drop.ts";
import { INBOX_PREFIX, RELANDED_FOLDER } from "../lib/bucket-layout.ts";
import { terminalSafe } from "../lib/text-safety.ts";
import { loadConfig } from "../shared/config.ts";

export const RELAND_HELP = `Usage
  npm start -- reland

For rebuilding a warehouse file DuckDB cannot read, after moving that file aside (the message that names it says
how). Moves the manifests of the files dropped so far (bucket/raw/manifest/, which say which files are loaded)
aside to bucket/raw/manifest.relanded-<time>/, and copies each file that was loaded, as it was received
(bucket/raw/received/), back into the inbox, under ${INBOX_PREFIX}${RELANDED_FOLDER}/<position>/<file name>. The
next run reads them before any other file in the inbox, in the order they were first loaded, so that where two hold
the same orders or ad-days the one dropped later wins again. Files that failed to load are left out.

  -h, --help   this help`;

export class RelandUsageError extends Error {}

/** A loaded file to land again: its manifest's name and load time, and where the bucket keeps it. */
export interface RelandedFile {
  sha256: string;
  fileName: string;
  receivedPath: string;
  loadedAt: string;
}

/**
 * Pure: the files to land again, in the order they were loaded (a file's manifest is rewritten whenever it is
 * processed, so its receivedAt is its last load), and how many manifests were left out and why.
 */
export function relandOrder(manifests: readonly FileManifest[]): {
  files: RelandedFile[];
  notLoaded: number;
} {
  const loaded = manifests.filter((manifest) => manifest.status === "loaded" && manifest.receivedPath);
  const files = loaded
    .map((manifest) => ({
      sha256: manifest.sha256,
      fileName: manifest.fileName,
      receivedPath: manifest.receivedPath,
      loadedAt: manifest.receivedAt,
    }))
    .sort(
      (a, b) =>
        Date.parse(a.loadedAt) - Date.parse(b.loadedAt) ||
        compareText(a.fileName, b.fileName) ||
        compareText(a.sha256, b.sha256),
    );
  return { files, notLoaded: manifests.length - loaded.length };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The inbox path of the file at `index` (0-based) of relandOrder: its position, zero-padded to sort as a number. */
export function relandedInboxPath(index: number, receivedPath: string): string {
  return `${INBOX_PREFIX}${RELANDED_FOLDER}/${String(index + 1).padStart(6, "0")}/${basename(receivedPath)}`;
}

/** `reland`: the lines it prints go to `out`; a problem throws (RelandUsageError for one the user can fix). */
export async function runReland(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  out: (line: string) => void,
  now: Date = new Date(),
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: { help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    out(RELAND_HELP);
    return 0;
  }
  const config = loadConfig({ env, cwd });
  const warehouse = config.local.duckdbPath;
  if (await exists(warehouse)) {
    throw new RelandUsageError(
      `the warehouse file ${terminalSafe(warehouse)} is still there: reland is for rebuilding it, and its loaded files would land twice. Move it aside first (mv ${terminalSafe(warehouse)} ${terminalSafe(warehouse)}.damaged), as the message naming a damaged file says.`,
    );
  }
  const bucket = config.local.bucketDir;
  const manifestDir = join(bucket, "raw", "manifest");
  const names = (await readdir(manifestDir).catch(() => [] as string[])).filter((name) =>
    name.endsWith(".json"),
  );
  if (names.length === 0) {
    throw new RelandUsageError(
      `no manifests in ${terminalSafe(manifestDir)}: nothing says which files were loaded, so there is nothing to land again.`,
    );
  }
  const manifests = await Promise.all(
    names.map(async (name) => JSON.parse(await readFile(join(manifestDir, name), "utf8")) as FileManifest),
  );
  const { files, notLoaded } = relandOrder(manifests);
  const missing = [];
  for (const file of files) {
    if (!(await exists(join(bucket, file.receivedPath)))) missing.push(file.receivedPath);
  }
  if (missing.length) {
    throw new RelandUsageError(
      `${missing.length} loaded file(s) are missing from ${terminalSafe(join(bucket, "raw", "received"))} (${missing.map(terminalSafe).join(", ")}): nothing was moved or copied. Put them back, or drop their exports again after the rebuild.`,
    );
  }
  // Copied before the manifests go aside: stopped in between, the command can be run again (the copies are
  // overwritten), and a run meanwhile finds each copy's manifest saying it is loaded, and skips it.
  for (const [index, file] of files.entries()) {
    const target = join(bucket, relandedInboxPath(index, file.receivedPath));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(bucket, file.receivedPath), target);
  }
  // A manifest says its file is loaded: ingest would skip the copy in the inbox.
  const aside = join(bucket, "raw", `manifest.relanded-${now.toISOString().replace(/[:.]/g, "-")}`);
  await rename(manifestDir, aside);
  out(`Moved the manifests aside to ${terminalSafe(aside)}.`);
  out(
    `Copied ${files.length} loaded file(s) into ${terminalSafe(join(bucket, INBOX_PREFIX, RELANDED_FOLDER))}, in the order they were loaded:`,
  );
  for (const file of files) out(`  ${file.loadedAt}  ${terminalSafe(file.fileName)}`);
  if (notLoaded)
    out(`Left out ${notLoaded} file drop(s) that never loaded (failed, or still being processed).`);
  out("The next run lands them again: npm start -- --full-refresh --force");
  return 0;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

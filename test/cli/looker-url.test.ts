// `pulse looker-url` as a user runs it: the link parses as a Looker Studio Linking API URL, uses only the
// parameters the Linking API documents for the Google Cloud Storage connector, and binds one data source per
// extract to the very object the export step writes (checked by running the export into a folder bucket and
// reading the file each data source names).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { runExport } from "../../functions/export/step.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { saveFindings } from "../../functions/lib/quality/findings-store.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { extractSchema } from "../../functions/shared/extract-schemas.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { buildModels, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const BUCKET = "acme-pulse-data";
const TEMPLATE = "0B_U5RNpwhcE6SF85TENURnc4UjA";
/** The Linking API's data source parameters used for the Google Cloud Storage connector. */
const GCS_PARAMETERS = ["connector", "pathType", "path", "datasourceName", "refreshFields"];

describe("pulse looker-url", { timeout: 120_000 }, () => {
  let workDir: string;
  let bucket: FolderBucket;

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-looker-url-"));
    // What the export step writes, into a folder standing for the bucket.
    bucket = new FolderBucket(join(workDir, BUCKET));
    const warehouse = await openFixtureWarehouse();
    try {
      await buildModels(warehouse, "2026-11-21", { fullRefresh: true });
      await saveFindings(warehouse, "2026-11-21", []);
      await runExport({
        step: "export",
        message: parseRunMessage({ runDate: "2026-11-21", runId: "r", trigger: "manual", options: {} }),
        config: loadConfig({ env: {}, cwd: workDir }),
        ports: { warehouse, bucket },
        log: silentLogger(),
      } as unknown as StepContext);
    } finally {
      await warehouse.close();
    }
  });
  after(() => rm(workDir, { recursive: true, force: true }));

  const pulse = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "functions/cli/main.ts", "looker-url", ...args], {
      encoding: "utf8",
      env: { ...process.env, PULSE_WORK_DIR: join(workDir, "work"), ...env },
    });

  /** The object a data source's path names, read from the folder bucket: its CSV header. */
  async function headerAt(path: string | null | undefined): Promise<string[]> {
    if (!path?.startsWith(`${BUCKET}/`)) assert.fail(`${path} is not in the bucket`);
    const body = await bucket.read(path.slice(`${BUCKET}/`.length));
    assert.ok(body, `the export step wrote ${path}`);
    return (parse(body.toString("utf8")) as string[][])[0] ?? [];
  }

  it("--help explains the command, and the main help lists it", () => {
    const help = pulse({}, "--help");
    assert.equal(help.status, 0);
    for (const text of ["--bucket", "--template", "--report-name", "reporting/create", "extracts/latest"]) {
      assert.ok(help.stdout.includes(text), `help mentions ${text}`);
    }
    const main = spawnSync(process.execPath, ["--import", "tsx", "functions/cli/main.ts", "--help"], {
      encoding: "utf8",
    });
    assert.match(main.stdout, /looker-url \[--bucket NAME\] \[--template REPORT_ID\]/);
  });

  it("with a template: one link, one Cloud Storage data source per extract on the file export writes", async () => {
    const result = pulse({ PULSE_SHOP_NAME: "Acme & Co" }, "--bucket", BUCKET, "--template", TEMPLATE);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.equal(lines.length, 1);
    const url = new URL(lines[0] ?? "");
    assert.equal(`${url.origin}${url.pathname}`, "https://lookerstudio.google.com/reporting/create");
    assert.equal(url.searchParams.get("c.reportId"), TEMPLATE);
    assert.equal(url.searchParams.get("r.reportName"), "DTC Pulse — Acme & Co");

    const sources = new Map<string, Map<string, string>>();
    for (const [name, value] of url.searchParams) {
      if (name === "c.reportId" || name === "r.reportName") continue;
      const match = /^ds\.([^.]+)\.([A-Za-z]+)$/.exec(name);
      assert.ok(match, `${name} is a data source parameter`);
      const [, alias = "", parameter = ""] = match;
      assert.ok(GCS_PARAMETERS.includes(parameter), `${parameter} is a Cloud Storage connector parameter`);
      const source = sources.get(alias) ?? new Map<string, string>();
      assert.ok(!source.has(parameter), `${name} given once`);
      sources.set(alias, source.set(parameter, value));
    }
    assert.deepEqual([...sources.keys()].sort(), [...EXTRACT_NAMES].sort());
    for (const [alias, source] of sources) {
      assert.equal(source.get("connector"), "googleCloudStorage");
      assert.equal(source.get("pathType"), "FILE");
      assert.equal(source.get("refreshFields"), "false");
      assert.equal(source.get("datasourceName"), `DTC Pulse · ${alias}`);
      // The file the data source reads is that extract's: its header is the extract's declared columns.
      assert.deepEqual(
        await headerAt(source.get("path")),
        extractSchema(alias).columns.map((column) => column.name),
      );
    }
  });

  it("takes the template from the settings, and without one prints a default-report link per extract", async () => {
    const fromSettings = pulse({ PULSE_BUCKET: BUCKET, PULSE_LOOKER_TEMPLATE_REPORT_ID: TEMPLATE });
    assert.equal(fromSettings.status, 0, fromSettings.stderr);
    assert.equal(new URL(fromSettings.stdout.trim()).searchParams.get("c.reportId"), TEMPLATE);

    const result = pulse({ PULSE_BUCKET: BUCKET });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /No template report/);
    const lines = result.stdout.trim().split("\n");
    assert.deepEqual(
      lines.map((line) => line.split("\t")[0]),
      [...EXTRACT_NAMES],
    );
    for (const line of lines) {
      const [name = "", link = ""] = line.split("\t");
      const url = new URL(link);
      assert.equal(url.searchParams.get("c.reportId"), null, "Looker Studio's default report");
      assert.equal(url.searchParams.get("ds.connector"), "googleCloudStorage");
      assert.equal(url.searchParams.get("ds.pathType"), "FILE");
      assert.deepEqual(
        await headerAt(url.searchParams.get("ds.path")),
        extractSchema(name).columns.map((column) => column.name),
      );
    }
  });

  it("without a bucket, or with a gs:// one, exits 2 and says what to pass", () => {
    const none = pulse({ PULSE_BUCKET: "" });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no bucket: pass --bucket NAME or set PULSE_BUCKET/);
    const prefixed = pulse({}, "--bucket", `gs://${BUCKET}`);
    assert.equal(prefixed.status, 2);
    assert.match(prefixed.stderr, /expected a bucket name \(no gs:\/\/ prefix\)/);
  });
});

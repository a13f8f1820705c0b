// `reland`: rebuilding a damaged warehouse file lands the shop's dropped files again in the order they were first
// loaded, so that a corrected export still wins over the one it corrected. Before it, the printed advice copied
// raw/received/<sha256>/ into the inbox, which ingest reads by path: in content-hash order.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { relandedInboxPath, relandOrder } from "../../functions/cli/reland.ts";
import type { FileManifest } from "../../functions/ingest/file-drop.ts";
import { runCli } from "../support/cli.ts";

const DAY = "2026-11-21";

function pulse(workDir: string, ...args: string[]) {
  return runCli(workDir, args, { PULSE_PII_HASH_KEY: "r".repeat(40) });
}

const HEADER =
  "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Cancelled at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Id";
// Invented orders. The first export: #5001 for $30 and #5002 for $45, both paid: 2 orders, $75.
const FIRST = [
  HEADER,
  "#5001,c@example.com,paid,USD,30.00,0.00,0.00,30.00,2026-11-21 09:00:00 -0500,,1,Oak Board,30.00,OAK-1,9201",
  "#5002,d@example.com,paid,USD,45.00,0.00,0.00,45.00,2026-11-21 11:00:00 -0500,,1,Wool Throw,45.00,WOOL-1,9202",
  "",
].join("\n");

/**
 * The export downloaded again, under the same name, after #5001 gained a second board and #5002 was cancelled:
 * 1 order, $60. `variant` quotes some of #5001's text cells (the same values to a CSV reader) to change the file's
 * bytes, and so its content hash.
 */
function corrected(variant: number): string {
  const cells = ["#5001", "c@example.com", "paid", "USD", "60.00", "0.00", "0.00", "60.00"];
  const quoted = cells.map((cell, index) => ((variant >> index) & 1 ? `"${cell}"` : cell));
  return [
    HEADER,
    `${quoted.join(",")},2026-11-21 09:00:00 -0500,,2,Oak Board,30.00,OAK-1,9201`,
    "#5002,d@example.com,voided,USD,45.00,0.00,0.00,45.00,2026-11-21 11:00:00 -0500,2026-11-21 12:00:00 -0500,1,Wool Throw,45.00,WOOL-1,9202",
    "",
  ].join("\n");
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function dayKpis(workDir: string): Promise<{ orders: number; revenue: number }> {
  const csv = await readFile(join(workDir, "bucket", "extracts", "latest", "daily_kpis.csv"), "utf8");
  const row = (parse(csv, { columns: true }) as Record<string, string>[]).find((r) => r.date === DAY);
  assert.ok(row, `daily_kpis has ${DAY}`);
  return { orders: Number(row.orders), revenue: Number(row.gross_revenue) };
}

function manifest(sha: string, fileName: string, receivedAt: string, status: FileManifest["status"]) {
  return {
    sha256: sha,
    fileName,
    receivedPath: `raw/received/${sha}/${fileName}`,
    receivedAt,
    status,
  } as FileManifest;
}

describe("the files reland puts back", () => {
  it("are the loaded ones, in the order they were loaded, whatever their hashes and names", () => {
    const { files, notLoaded } = relandOrder([
      manifest("aa", "orders_export_1.csv", "2026-11-22T08:00:00.000Z", "loaded"),
      manifest("ff", "orders_export_1.csv", "2026-11-21T08:00:00.000Z", "loaded"),
      manifest("bb", "meta.csv", "2026-11-21T08:00:00.000Z", "loaded"),
      manifest("cc", "broken.csv", "2026-11-20T08:00:00.000Z", "failed"),
      manifest("dd", "half.csv", "2026-11-20T09:00:00.000Z", "processing"),
    ]);
    assert.deepEqual(
      files.map((file) => file.sha256),
      ["bb", "ff", "aa"],
    );
    assert.equal(notLoaded, 2);
    assert.equal(
      relandedInboxPath(11, "raw/received/aa/orders_export_1.csv"),
      "raw/inbox/relanded/000012/orders_export_1.csv",
    );
  });
});

describe("a warehouse rebuilt after a corrected export", { timeout: 240_000 }, () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-reland-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("keeps the correction's numbers, as the shop had them before the file was damaged", async () => {
    // The correction whose content hash sorts before the first export's: in hash order, the first would win.
    const variant = Array.from({ length: 256 }, (_, index) => index).find(
      (index) => sha256(corrected(index)) < sha256(FIRST),
    );
    assert.ok(variant !== undefined);
    const workDir = join(root, "shop");
    const inbox = join(workDir, "bucket", "raw", "inbox");
    await mkdir(inbox, { recursive: true });
    await writeFile(join(inbox, "orders_export_1.csv"), FIRST);
    const init = pulse(
      workDir,
      ...["init", "--shop-name", "Reland Test", "--sources", "shopify", "--timezone", "America/New_York"],
    );
    assert.equal(init.status, 0, init.stderr);
    const first = pulse(workDir, "--date", DAY);
    assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
    assert.deepEqual(await dayKpis(workDir), { orders: 2, revenue: 75 });

    await writeFile(join(inbox, "orders_export_1.csv"), corrected(variant));
    const again = pulse(workDir, "--date", DAY, "--force");
    assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
    assert.deepEqual(await dayKpis(workDir), { orders: 1, revenue: 60 });

    // Reland refuses while the warehouse file is there: its loaded files would land twice.
    const refused = pulse(workDir, "reland");
    assert.equal(refused.status, 2, refused.stdout);
    assert.match(refused.stderr, /warehouse file .*warehouse\.duckdb is still there/);
    assert.ok(existsSync(join(workDir, "bucket", "raw", "manifest")), "nothing moved");

    // 16 flipped bytes of the file's header, as in the real-shop test; then the commands the stop prints.
    const handle = await open(join(workDir, "warehouse.duckdb"), "r+");
    await handle.write(Buffer.alloc(16, 0xa5), 0, 16, 100);
    await handle.close();
    const stopped = pulse(workDir, "--date", DAY);
    assert.equal(stopped.status, 1, `${stopped.stdout}\n${stopped.stderr}`);
    const commands = stopped.stderr
      .split("\n")
      .filter((line) => /^ {2}(mv|rm|npm start) /.test(line))
      .map((line) => line.trim().split(/ {3}\(/)[0] ?? "");
    assert.deepEqual(
      commands.map((command) => command.split(" ").slice(0, 4).join(" ")),
      [
        `mv ${join(workDir, "warehouse.duckdb")} ${join(workDir, "warehouse.duckdb.damaged")}`,
        "npm start -- reland",
        `rm -f ${join(workDir, "bucket", "state", "connectors")}/*.json`,
        "npm start -- --full-refresh",
      ],
    );
    const mv = spawnSync("sh", ["-c", commands[0] ?? ""], { encoding: "utf8" });
    assert.equal(mv.status, 0, mv.stderr);
    const relanded = pulse(workDir, "reland");
    assert.equal(relanded.status, 0, `${relanded.stdout}\n${relanded.stderr}`);
    assert.match(
      relanded.stdout,
      /Copied 2 loaded file\(s\) into .*relanded, in the order they were loaded:/,
    );
    assert.deepEqual(await readdir(join(inbox, "relanded")), ["000001", "000002"]);
    assert.equal(
      await readFile(join(inbox, "relanded", "000002", "orders_export_1.csv"), "utf8"),
      corrected(variant),
    );
    assert.ok(!existsSync(join(workDir, "bucket", "raw", "manifest")), "the manifests are aside");

    const rebuilt = pulse(workDir, "--date", DAY, "--full-refresh", "--force");
    assert.equal(rebuilt.status, 0, `${rebuilt.stdout}\n${rebuilt.stderr}`);
    assert.deepEqual(await dayKpis(workDir), { orders: 1, revenue: 60 });
    assert.deepEqual(await readdir(inbox), [], "the inbox is emptied as each file lands");
  });

  it("says so, and moves nothing, in a work dir where no file was ever loaded", async () => {
    const workDir = join(root, "empty");
    await mkdir(workDir, { recursive: true });
    const nothing = pulse(workDir, "reland");
    assert.equal(nothing.status, 2, nothing.stdout);
    assert.match(nothing.stderr, /^no manifests in .*manifest: nothing says which files were loaded/m);
    assert.deepEqual(await readdir(workDir), []);
  });
});

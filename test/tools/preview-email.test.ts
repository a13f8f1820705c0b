// `npm run preview` renders the summary email at a phone's 390 px and a desktop's 720 px: one full-length PNG per
// width, read back here to check its size (PNG's IHDR holds the width and height).
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { previewEmail } from "../../tools/preview.ts";
import { buildReportData } from "../report/report-data-fixture.ts";

function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("npm run preview: the email", { timeout: 120_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-preview-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("writes email-390.png and email-720.png, each the email's full length at that width", async () => {
    const html = join(dir, "summary.html");
    await writeFile(html, buildSummaryEmail(buildReportData()).html);
    const pngs = await previewEmail(html, dir);
    assert.deepEqual(pngs, [join(dir, "email-390.png"), join(dir, "email-720.png")]);
    const [phone, desktop] = await Promise.all(pngs.map(async (png) => pngSize(await readFile(png))));
    assert.equal(phone?.width, 390);
    assert.equal(desktop?.width, 720);
    // The whole email, not one screen: longer than a screen, and longer on the narrow phone than on a desktop.
    assert.ok((desktop?.height ?? 0) > 1_000, `720px: ${desktop?.height}px tall`);
    assert.ok((phone?.height ?? 0) > (desktop?.height ?? 0), `390px: ${phone?.height}px tall`);
  });
});

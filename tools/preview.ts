// `npm run preview`: renders the newest deck to one PNG per slide (LibreOffice → PDF → pdftoppm) and the newest
// summary email's HTML to PNGs at a phone's 390px and a desktop's 720px (headless Chromium), and the newest
// dashboard page to full-page PNGs at 1280px and 390px, so that a person can look at what the run made before a board or an inbox
// does. Says plainly which tool is missing rather than failing half-way.
//
//   npm run preview                              newest deck and email under PULSE_WORK_DIR (default .pulse)
//   npm run preview -- --deck a.pptx --email b.html --dashboard c.html --out /tmp/preview
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import { loadConfig } from "../functions/shared/config.ts";
import { launchChromium } from "./chromium.ts";

const run = promisify(execFile);

/** The first of the candidates found on PATH, or null. */
async function which(candidates: readonly string[]): Promise<string | null> {
  for (const name of candidates) {
    try {
      const { stdout } = await run("sh", ["-c", `command -v ${name}`]);
      if (stdout.trim()) return stdout.trim();
    } catch {
      // not installed under this name
    }
  }
  return null;
}

/** Files under `dir` (recursively) whose name matches, newest first. */
async function newest(dir: string, pattern: RegExp): Promise<string | null> {
  const found: { path: string; mtime: number }[] = [];
  async function walk(folder: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (pattern.test(entry.name)) found.push({ path, mtime: (await stat(path)).mtimeMs });
    }
  }
  await walk(dir);
  found.sort((a, b) => b.mtime - a.mtime || b.path.localeCompare(a.path));
  return found[0]?.path ?? null;
}

/** The deck as LibreOffice lays it out, converted to a PDF in `outDir`; its path. */
export async function deckToPdf(deck: string, outDir: string): Promise<string> {
  const office = await which(["libreoffice", "soffice"]);
  if (!office)
    throw new Error(
      "LibreOffice is not installed (libreoffice/soffice not on PATH): cannot render the deck.",
    );
  // A private profile: a LibreOffice already open for someone else would otherwise swallow the conversion.
  const profile = await mkdtemp(join(tmpdir(), "pulse-lo-"));
  try {
    await run(
      office,
      [
        `-env:UserInstallation=${pathToFileURL(profile).toString()}`,
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        outDir,
        deck,
      ],
      { timeout: 180_000 },
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
  return join(outDir, basename(deck).replace(/\.pptx$/i, ".pdf"));
}

export async function previewDeck(deck: string, outDir: string): Promise<string[]> {
  const pdftoppm = await which(["pdftoppm"]);
  if (!pdftoppm)
    throw new Error("pdftoppm (poppler-utils) is not installed: cannot turn the deck's PDF into PNGs.");
  const pdf = await deckToPdf(deck, outDir);
  const prefix = join(outDir, "slide");
  await run(pdftoppm, ["-png", "-r", "110", pdf, prefix], { timeout: 180_000 });
  return (await readdir(outDir))
    .filter((name) => /^slide-\d+\.png$/.test(name))
    .sort()
    .map((name) => join(outDir, name));
}

/** The widths the summary email is checked at: a 390px phone and a 720px desktop reading pane. */
export const EMAIL_PREVIEW_WIDTHS = [390, 720] as const;

/**
 * The email as a reader sees it, one full-length PNG per width (email-390.png, email-720.png), through
 * headless Chromium driven by playwright-core. Says so when the email is wider than the screen (a phone would
 * scroll sideways).
 */
export async function previewEmail(
  html: string,
  outDir: string,
  widths: readonly number[] = EMAIL_PREVIEW_WIDTHS,
): Promise<string[]> {
  const browser = await launchChromium();
  const pngs: string[] = [];
  try {
    for (const width of widths) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(pathToFileURL(resolve(html)).toString());
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scrollWidth > width)
        console.warn(`  email is ${scrollWidth}px wide at ${width}px: it scrolls sideways`);
      const png = join(outDir, `email-${width}.png`);
      await page.screenshot({ path: png, fullPage: true });
      pngs.push(png);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return pngs;
}

/** The widths the dashboard page is looked at: a laptop and a 390px phone. */
export const DASHBOARD_PREVIEW_WIDTHS = [1280, 390] as const;

/**
 * The dashboard page as full-page PNGs (charts drawn: the page needs no network): `dashboard.png` at a laptop's
 * 1280px, then `dashboard-<width>.png` at each other width. Says so when the page is wider than the screen.
 */
export async function previewDashboard(
  html: string,
  outDir: string,
  widths: readonly number[] = DASHBOARD_PREVIEW_WIDTHS,
): Promise<string[]> {
  const browser = await launchChromium();
  const pngs: string[] = [];
  try {
    for (const width of widths) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(pathToFileURL(resolve(html)).toString());
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scrollWidth > width)
        console.warn(`  dashboard is ${scrollWidth}px wide at ${width}px: it scrolls sideways`);
      const png = join(outDir, width === 1280 ? "dashboard.png" : `dashboard-${width}.png`);
      await page.screenshot({ path: png, fullPage: true });
      pngs.push(png);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return pngs;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      deck: { type: "string" },
      email: { type: "string" },
      dashboard: { type: "string" },
      out: { type: "string" },
      "work-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      [
        "npm run preview -- [--deck FILE.pptx] [--email FILE.html] [--dashboard FILE.html] [--out DIR] [--work-dir DIR]",
        "",
        "Renders what people read as PNGs, to look at before a change lands: every slide of the deck (LibreOffice,",
        "then pdftoppm), the summary email at 390 px and 720 px wide and the dashboard page at 1280 px and 390 px",
        "(headless Chromium). Without a file it takes the newest deck and dashboard under <work dir>/bucket/reports",
        "and the newest summary email in <work dir>/outbox; PNGs go to --out (default <work dir>/preview).",
        "Exits 1 when something could not be found or rendered.",
      ].join("\n"),
    );
    return 0;
  }
  const { workDir } = loadConfig({
    env: process.env,
    flags: { "work-dir": values["work-dir"] },
    cwd: process.cwd(),
  });
  const outDir = resolve(values.out ?? join(workDir, "preview"));
  await mkdir(outDir, { recursive: true });
  const deck = values.deck ?? (await newest(join(workDir, "bucket", "reports"), /\.pptx$/i));
  const email = values.email ?? (await newest(join(workDir, "outbox"), /^summary-.*\.html$/));
  let failures = 0;
  if (!deck) {
    console.error(
      `No deck found under ${join(workDir, "bucket", "reports")}: run the pipeline first (npm start).`,
    );
    failures += 1;
  } else {
    try {
      const slides = await previewDeck(deck, outDir);
      console.log(`deck   ${deck}`);
      for (const slide of slides) console.log(`  slide  ${slide}`);
    } catch (error) {
      console.error(`deck   not rendered: ${(error as Error).message}`);
      failures += 1;
    }
  }
  if (!email) {
    console.error(
      `No summary email found under ${join(workDir, "outbox")}: run the pipeline first (npm start).`,
    );
    failures += 1;
  } else {
    try {
      console.log(`email  ${email}`);
      for (const png of await previewEmail(email, outDir)) console.log(`  png    ${png}`);
    } catch (error) {
      console.error(`email  not rendered: ${(error as Error).message}`);
      failures += 1;
    }
  }
  const dashboard =
    values.dashboard ?? (await newest(join(workDir, "bucket", "reports"), /^dashboard\.html$/));
  if (!dashboard) {
    console.error(
      `No dashboard page found under ${join(workDir, "bucket", "reports")}: run the pipeline first.`,
    );
    failures += 1;
  } else {
    try {
      console.log(`dashboard ${dashboard}`);
      for (const png of await previewDashboard(dashboard, outDir)) console.log(`  png    ${png}`);
    } catch (error) {
      console.error(`dashboard not rendered: ${(error as Error).message}`);
      failures += 1;
    }
  }
  return failures ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").toString()) {
  process.exitCode = await main();
}

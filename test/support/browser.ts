// A real headless Chromium (Debian's, installed by tools/ensure-chromium.sh) driven by playwright-core, for tests
// of anything rendered: the summary email at phone and desktop widths, the dashboard page.
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.PULSE_CHROMIUM ?? "/usr/bin/chromium";

/** Flags that keep Chromium off the network (this machine's network is closed) and fit a root sandbox. */
const QUIET_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: QUIET_FLAGS });
}

/** Opens a page of the given viewport width; console errors and page errors are collected for the test to check. */
export async function openPage(
  browser: Browser,
  width: number,
  height = 900,
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return { page, errors };
}

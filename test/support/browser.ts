// A real headless Chromium for tests of anything rendered (the summary email at phone and desktop widths, the
// dashboard page): the launcher of tools/chromium.ts, which `npm run preview` uses too.
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../tools/chromium.ts";

export { CHROMIUM_PATH } from "../../tools/chromium.ts";

export async function launchBrowser(): Promise<Browser> {
  return launchChromium();
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

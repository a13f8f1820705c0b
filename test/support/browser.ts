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

/** Where a Japanese date was drawn: the date and how many lines it took. */
export interface DrawnDate {
  date: string;
  lines: number;
}

// In-page code as text: tsx names the functions it compiles (__name), which the page does not have. Every date
// written as Japanese writes it (month and day with their marks, the year and weekday with them when there), and
// the number of lines it is drawn on (a text hidden from view, such as an email's preheader, is not drawn).
export const JAPANESE_DATE_LINES = `(() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent || "";
    for (const match of text.matchAll(/(?:\\d{4}年)?\\d{1,2}月\\d{1,2}日(?:\\([日月火水木金土]\\))?/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = Array.from(range.getClientRects()).filter((rect) => rect.width > 0);
      if (rects.length === 0) continue;
      found.push({ date: match[0], lines: Array.from(new Set(rects.map((rect) => Math.round(rect.top)))).length });
    }
  }
  return found;
})()`;

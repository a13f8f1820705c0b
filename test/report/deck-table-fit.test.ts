// The deck's tables of a Kuwaiti dinar shop in Arabic: an amount with three decimals and its four-character
// symbol ("١٠٠٫٦٣٢ د.ك.") must fit its column on one line, and the table with its note must end above the slide's
// footer. The widths are measured independently of the deck's own estimate: each cell's text is laid out by
// headless Chromium in Arial (Liberation Sans, its metric twin, where Arial is not installed, as LibreOffice
// substitutes it) at the cell's size and weight, against the column width the .pptx declares.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { decode, type OpenedDeck, openDeck, shapeNamed, slideWithTitle } from "./pptx-reader.ts";
import { buildReportData } from "./report-data-fixture.ts";

const KUWAIT_SHOP: ReportData["shop"] = {
  name: "Dar Al Oud",
  currency: "KWD",
  locale: "ar-KW",
  timezone: "Asia/Kuwait",
  country: "KW",
};

const EMU_PER_INCH = 914_400;
const PX_PER_INCH = 96;
// The slide's footer line (5.27 in from the top, as the content master draws it): nothing may run into it.
const FOOTER_TOP_INCHES = 5.27;
// Every table cell's left and right margin (0.06 in).
const CELL_MARGINS_INCHES = 0.12;

interface Cell {
  text: string;
  bold: boolean;
  points: number;
}

/** A table frame of a slide: its top, its column widths and row heights (inches), and its cells. */
function tableFrame(slideXml: string, name: string) {
  const frame = shapeNamed(slideXml, name);
  const inches = (emu: string | undefined) => Number(emu) / EMU_PER_INCH;
  const top = inches(/<a:off x="\d+" y="(\d+)"/.exec(frame)?.[1]);
  const columns = [...frame.matchAll(/<a:gridCol w="(\d+)"/g)].map((match) => inches(match[1]));
  const rows = [...frame.matchAll(/<a:tr h="(\d+)">([\s\S]*?)<\/a:tr>/g)].map((row) => ({
    height: inches(row[1]),
    cells: [...(row[2] ?? "").matchAll(/<a:tc[^>]*>([\s\S]*?)<\/a:tc>/g)].map((cell): Cell => {
      const xml = cell[1] ?? "";
      return {
        text: [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((match) => decode(match[1] ?? "")).join(""),
        bold: /<a:rPr[^>]* b="1"/.test(xml),
        points: Number(/<a:rPr[^>]* sz="(\d+)"/.exec(xml)?.[1] ?? "1000") / 100,
      };
    }),
  }));
  return { top, columns, rows };
}

/** The box of a text shape (inches). */
function textBox(slideXml: string, name: string) {
  const shape = shapeNamed(slideXml, name);
  const match = /<a:off x="\d+" y="(\d+)"\/><a:ext cx="\d+" cy="(\d+)"/.exec(shape);
  assert.ok(match, `${name} has no position`);
  return {
    top: Number(match[1]) / EMU_PER_INCH,
    bottom: (Number(match[1]) + Number(match[2])) / EMU_PER_INCH,
  };
}

describe("a dinar shop's deck tables fit their columns and their slide", { timeout: 120_000 }, () => {
  let deck: OpenedDeck;
  let browser: Browser;
  let page: Page;

  before(async () => {
    deck = await openDeck(await renderDeck(buildDeckContent({ ...buildReportData(), shop: KUWAIT_SHOP })));
    browser = await launchBrowser();
    page = (await openPage(browser, 1200)).page;
  });
  after(async () => {
    await browser?.close();
  });

  /** Each text's width in inches, as Chromium lays it out on one line in Arial. */
  async function widths(cells: Cell[]): Promise<number[]> {
    const pixels = await page.evaluate((list) => {
      document.body.innerHTML = "";
      return list.map((cell) => {
        const span = document.createElement("span");
        span.textContent = cell.text;
        span.style.cssText = `font-family:Arial;font-size:${cell.points}pt;font-weight:${cell.bold ? 700 : 400};white-space:pre`;
        document.body.append(span, document.createElement("br"));
        return span.getBoundingClientRect().width;
      });
    }, cells);
    return pixels.map((one) => one / PX_PER_INCH);
  }

  for (const [title, table] of [
    ["Sitewide overview", "sitewide-monthly"],
    ["Marketing efficiency", "efficiency"],
  ] as const)
    it(`${title}: every amount fits its column, and the table and its note end above the footer`, async () => {
      const { xml } = slideWithTitle(deck, title);
      const frame = tableFrame(xml, table);
      const body = frame.rows.slice(1).flatMap((row) => row.cells.map((cell, index) => ({ cell, index })));
      // The dinar's amounts are there, three decimals and all (AOV, CAC), to be measured.
      assert.ok(
        body.some(({ cell }) => /^\u200f[٠-٩٬]+٫[٠-٩]{3}\u00a0د\.ك\.\u200f\u200e$/.test(cell.text)),
        body.map(({ cell }) => cell.text).join(" | "),
      );
      const measured = await widths(body.map(({ cell }) => cell));
      body.forEach(({ cell, index }, at) => {
        const room = frame.columns[index]! - CELL_MARGINS_INCHES;
        if (!/\d/.test(cell.text.replace(/[٠-٩]/g, "0"))) return; // words may wrap at their spaces; figures not
        assert.ok(
          measured[at]! <= room,
          `"${cell.text}" is ${measured[at]!.toFixed(2)} in wide in a column of ${room.toFixed(2)} in`,
        );
      });
      const bottom = frame.top + frame.rows.reduce((sum, row) => sum + row.height, 0);
      const note = textBox(xml, `${table}-note`);
      assert.ok(
        bottom <= note.top + 0.01,
        `the table ends at ${bottom.toFixed(2)} in, its note starts at ${note.top.toFixed(2)} in`,
      );
      assert.ok(
        note.bottom <= FOOTER_TOP_INCHES,
        `the note ends at ${note.bottom.toFixed(2)} in, the footer is at ${FOOTER_TOP_INCHES} in`,
      );
    });
});

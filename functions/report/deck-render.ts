// Renders DeckContent to a .pptx with pptxgenjs: 16:9, two slide masters (cover, content: title bar and a footer
// with the shop, the period and the slide number), native editable charts, heat-shaded grids. Layout only:
// every string and number comes formatted from the content model.
import JSZip from "jszip";
import { escapeHtml } from "../lib/reporting/html.ts";
import yazl from "yazl";
import type { ContentSlide, DeckBlock, DeckContent, PlacedBlock } from "./deck-content.ts";
import { type Box, fixedHeight, renderKpis, renderTable, renderText, tableFontSize } from "./deck-blocks.ts";
import { renderChart } from "./deck-charts.ts";
import { defineMasters, renderCover } from "./deck-masters.ts";
import { joinDateCharacters } from "../lib/reporting/cjk-dates.ts";
import {
  COLORS,
  CONTENT_BOTTOM,
  CONTENT_MASTER,
  CONTENT_TOP,
  CONTENT_W,
  FONT,
  GAP,
  MARGIN_X,
  type PptxGenJS,
  PptxGenJSClass,
  SECTION_W,
  type Slide,
  SLIDE_H,
  SLIDE_W,
  TITLE_BAR_H,
  TITLE_PT,
  TITLE_W,
} from "./deck-style.ts";

function renderBlock(pptx: PptxGenJS, slide: Slide, block: DeckBlock, box: Box, fontSize: number): void {
  switch (block.type) {
    case "kpis":
      renderKpis(slide, block.cards, box);
      return;
    case "table":
      renderTable(slide, block.table, box, tableFontSize(block.table, fontSize));
      return;
    case "text":
      renderText(slide, block.lines, box, fontSize);
      return;
    case "chart":
      renderChart(pptx, slide, block.chart, box);
      return;
  }
}

/** Blocks grouped into rows: a "full" block is a row; consecutive left/right blocks share one. */
function rowsOf(blocks: PlacedBlock[]): PlacedBlock[][] {
  const rows: PlacedBlock[][] = [];
  for (const placed of blocks) {
    const last = rows[rows.length - 1];
    if (placed.region !== "full" && last && last[0]?.region !== "full") last.push(placed);
    else rows.push([placed]);
  }
  return rows;
}

interface RowLayout {
  columns: { x: number; w: number; blocks: DeckBlock[] }[];
  fixed: number | null;
}

function layoutRow(row: PlacedBlock[], fontSize: number): RowLayout {
  const halfW = (CONTENT_W - GAP) / 2;
  const columns =
    row[0]?.region === "full"
      ? [{ x: MARGIN_X, w: CONTENT_W, blocks: row.map((placed) => placed.block) }]
      : [
          { x: MARGIN_X, w: halfW, blocks: row.filter((p) => p.region === "left").map((p) => p.block) },
          {
            x: MARGIN_X + halfW + GAP,
            w: halfW,
            blocks: row.filter((p) => p.region === "right").map((p) => p.block),
          },
        ];
  let fixed: number | null = 0;
  for (const column of columns) {
    let height = 0;
    for (const block of column.blocks) {
      const h = fixedHeight(block, column.w, fontSize);
      if (h === null) {
        fixed = null;
        break;
      }
      height += h + GAP;
    }
    if (fixed !== null) fixed = Math.max(fixed, height - GAP);
  }
  return { columns, fixed };
}

// The text shrinks (down to 8 pt) to leave a chart this much height: under it, a line chart is a flat line
// beneath its own title, legend and axis labels (seen at 1.4 in.). It never takes more than what is left.
const PREFERRED_FLEX_H = 2.1;
const MIN_FLEX_H = 1.4;

/** The largest title size (at most TITLE_PT) at which the title fits the bar on one line. */
export function titleFontSize(title: string): number {
  // Bold Arial averages about 0.55 em per character; LibreOffice's substitute (DejaVu Sans Bold) about 0.63.
  const fits = Math.floor((TITLE_W * 72) / (Math.max(1, title.length) * 0.63));
  return Math.max(14, Math.min(TITLE_PT, fits));
}

function renderContent(pptx: PptxGenJS, slide: ContentSlide): void {
  const page = pptx.addSlide({ masterName: CONTENT_MASTER });
  // The size goes on the run: pptxgenjs lets the master placeholder's size win over the shape's options.
  const titleSize = titleFontSize(slide.title);
  page.addText([{ text: joinDateCharacters(slide.title), options: { fontSize: titleSize } }], {
    placeholder: "title",
    fontSize: titleSize,
  });
  page.addText(slide.section.toUpperCase(), {
    x: SLIDE_W - MARGIN_X - SECTION_W,
    y: 0.1,
    w: SECTION_W,
    h: TITLE_BAR_H - 0.2,
    fontFace: FONT,
    fontSize: 9,
    bold: true,
    color: "C7D2FE",
    align: "right",
    valign: "middle",
    margin: 0,
    charSpacing: 1,
    objectName: "section",
  });
  if (slide.notes) page.addNotes(slide.notes);
  let top = CONTENT_TOP;
  if (slide.subtitle) {
    page.addText(joinDateCharacters(slide.subtitle), {
      x: MARGIN_X,
      y: top - 0.05,
      w: CONTENT_W,
      h: 0.28,
      fontFace: FONT,
      fontSize: 11,
      color: COLORS.muted,
      margin: 0,
      fit: "shrink",
      objectName: "subtitle",
    });
    top += 0.3;
  }
  const available = CONTENT_BOTTOM - top;
  const rows = rowsOf(slide.blocks);
  // Smaller type before anything spills off the slide.
  let fontSize = 10;
  let layouts = rows.map((row) => layoutRow(row, fontSize));
  const need = (all: RowLayout[]) =>
    all.reduce((sum, row) => sum + (row.fixed ?? PREFERRED_FLEX_H), 0) + GAP * (all.length - 1);
  while (need(layouts) > available && fontSize > 8) {
    fontSize -= 1;
    layouts = rows.map((row) => layoutRow(row, fontSize));
  }
  const flexRows = layouts.filter((row) => row.fixed === null).length;
  const fixedTotal = layouts.reduce((sum, row) => sum + (row.fixed ?? 0), 0) + GAP * (layouts.length - 1);
  const flexH = flexRows ? Math.max(MIN_FLEX_H, (available - fixedTotal) / flexRows) : 0;
  let y = top;
  for (const row of layouts) {
    const rowH = row.fixed ?? flexH;
    for (const column of row.columns) {
      const fixedInColumn = column.blocks.map((block) => fixedHeight(block, column.w, fontSize));
      const flexibleInColumn = fixedInColumn.filter((h) => h === null).length;
      const usedFixed =
        fixedInColumn.reduce<number>((sum, h) => sum + (h ?? 0), 0) + GAP * (column.blocks.length - 1);
      const flexBlockH = flexibleInColumn ? (rowH - usedFixed) / flexibleInColumn : 0;
      let blockY = y;
      column.blocks.forEach((block, index) => {
        const h = fixedInColumn[index] ?? flexBlockH;
        renderBlock(pptx, page, block, { x: column.x, y: blockY, w: column.w, h }, fontSize);
        blockY += h + GAP;
      });
    }
    y += rowH + GAP;
  }
}

export async function renderDeck(content: DeckContent): Promise<Buffer> {
  const pptx = new PptxGenJSClass();
  pptx.layout = "LAYOUT_16x9";
  pptx.author = "DTC Pulse";
  // pptxgenjs 4.0.1 writes the company into docProps/app.xml as it is, where it escapes the title, subject and
  // author: a shop named "Salt & Pepper" made that part malformed XML. Its HTML escapes are XML's too.
  pptx.company = escapeHtml(content.shopName);
  pptx.title = `${content.shopName} — ${content.title}`;
  // An office app shows the subject in the file's properties, to people: its date is written as the slides write it.
  pptx.subject = `Daily performance for ${content.runDay}`;
  pptx.theme = { headFontFace: FONT, bodyFontFace: FONT };
  defineMasters(pptx, content);
  for (const slide of content.slides) {
    if (slide.kind === "cover") renderCover(pptx, slide);
    else renderContent(pptx, slide);
  }
  const output = await pptx.write({ outputType: "nodebuffer" });
  return deflated(Buffer.isBuffer(output) ? output : Buffer.from(output as ArrayBuffer));
}

/**
 * The deck with its parts deflated, as PowerPoint saves one: stored, as pptxgenjs writes it, the tables' XML made
 * a 31-slide deck 3.0 MB, a download link opened on a phone; deflated it is 0.24 MB. JSZip's deflate (pptxgenjs's
 * own option) is JavaScript and took 167 ms for that deck in a fresh process; reading the parts back and writing
 * them with yazl, whose deflate is Node's zlib, took 66 ms. The parts keep their names, order and times.
 */
async function deflated(stored: Buffer): Promise<Buffer> {
  const parts = await JSZip.loadAsync(stored);
  const zip = new yazl.ZipFile();
  for (const part of Object.values(parts.files)) {
    if (part.dir) continue;
    zip.addBuffer(await part.async("nodebuffer"), part.name, { compress: true, mtime: part.date });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const DECK_SLIDE_SIZE = { width: SLIDE_W, height: SLIDE_H } as const;

// Renders DeckContent to a .pptx with pptxgenjs: 16:9, two slide masters (cover, content: title bar and a footer
// with the shop, the period and the slide number), native editable charts, heat-shaded grids. Layout only:
// every string and number comes formatted from the content model.
import { createRequire } from "node:module";
import type PptxModule from "pptxgenjs";
import type {
  ChartSeries,
  ChartSpec,
  ContentSlide,
  CoverSlide,
  DeckBlock,
  DeckContent,
  Emphasis,
  KpiCard,
  PlacedBlock,
  TableSpec,
  TextLine,
} from "./deck-content.ts";

// pptxgenjs's types declare an ES default export inside a CommonJS package, which NodeNext resolves to the
// module object rather than the class; its CommonJS build exports the class itself, so load that one.
type PptxGenJS = PptxModule.default;
type Slide = PptxModule.default.Slide;
type TableRow = PptxModule.default.TableRow;
type TextProps = PptxModule.default.TextProps;
type ChartOptions = PptxModule.default.IChartOpts;
type ChartMulti = PptxModule.default.IChartMulti;
const require = createRequire(import.meta.url);
const PptxGenJSClass = require("pptxgenjs") as typeof PptxModule.default;

const FONT = "Arial";
const SLIDE_W = 10;
const SLIDE_H = 5.625;
const MARGIN_X = 0.4;
const CONTENT_W = SLIDE_W - 2 * MARGIN_X;
const TITLE_BAR_H = 0.7;
const FOOTER_Y = 5.27;
const CONTENT_TOP = TITLE_BAR_H + 0.15;
const CONTENT_BOTTOM = FOOTER_Y - 0.1;
const GAP = 0.12;
const SECTION_W = 1.7;
const TITLE_W = CONTENT_W - SECTION_W - 0.1;
const TITLE_PT = 20;

const COLORS = {
  navy: "1F2A44",
  ink: "1F2937",
  muted: "6B7280",
  rule: "D1D5DB",
  card: "F3F5F9",
  headerFill: "1F2A44",
  zebra: "F8FAFC",
  good: "1E8E3E",
  bad: "C5221F",
  warning: "B45309",
  info: "1D4ED8",
  revenue: "2F5597",
  spend: "E46C0A",
  lastYear: "9CA3AF",
  secondary: "8FAADC",
  white: "FFFFFF",
} as const;

const EMPHASIS_COLORS: Record<Emphasis, string> = {
  good: COLORS.good,
  bad: COLORS.bad,
  warning: COLORS.warning,
  info: COLORS.info,
  muted: COLORS.muted,
  none: COLORS.ink,
};

const COVER_MASTER = "PULSE_COVER";
const CONTENT_MASTER = "PULSE_CONTENT";

function defineMasters(pptx: PptxGenJS, content: DeckContent): void {
  const footer = `${content.shopName} · ${content.title} · ${content.periodLabel}`;
  const footerText = (color: string) => ({
    text: {
      text: footer,
      options: {
        x: MARGIN_X,
        y: FOOTER_Y,
        w: 8,
        h: 0.28,
        fontFace: FONT,
        fontSize: 9,
        color,
        fit: "shrink" as const,
      },
    },
  });
  const slideNumber = (color: string) => ({
    x: SLIDE_W - MARGIN_X - 0.6,
    y: FOOTER_Y,
    w: 0.6,
    h: 0.28,
    fontFace: FONT,
    fontSize: 9,
    color,
    align: "right" as const,
  });
  pptx.defineSlideMaster({
    title: CONTENT_MASTER,
    background: { color: COLORS.white },
    objects: [
      {
        rect: {
          x: 0,
          y: 0,
          w: SLIDE_W,
          h: TITLE_BAR_H,
          fill: { color: COLORS.navy },
          line: { color: COLORS.navy },
        },
      },
      {
        line: {
          x: MARGIN_X,
          y: FOOTER_Y - 0.04,
          w: CONTENT_W,
          h: 0,
          line: { color: COLORS.rule, width: 0.75 },
        },
      },
      footerText(COLORS.muted),
      {
        placeholder: {
          options: {
            name: "title",
            type: "title",
            x: MARGIN_X,
            y: 0.1,
            w: TITLE_W,
            h: TITLE_BAR_H - 0.2,
            fontFace: FONT,
            fontSize: TITLE_PT,
            bold: true,
            color: COLORS.white,
            align: "left",
            valign: "middle",
            margin: 0,
          },
          text: "",
        },
      },
    ],
    slideNumber: slideNumber(COLORS.muted),
  });
  pptx.defineSlideMaster({
    title: COVER_MASTER,
    background: { color: COLORS.navy },
    objects: [
      footerText("C7D2FE"),
      {
        placeholder: {
          options: {
            name: "title",
            type: "title",
            x: MARGIN_X + 0.2,
            y: 2.1,
            w: CONTENT_W - 0.4,
            h: 0.6,
            fontFace: FONT,
            fontSize: 26,
            color: COLORS.white,
            align: "left",
            valign: "middle",
            margin: 0,
          },
          text: "",
        },
      },
    ],
    slideNumber: slideNumber("C7D2FE"),
  });
}

function renderCover(pptx: PptxGenJS, slide: CoverSlide): void {
  const page = pptx.addSlide({ masterName: COVER_MASTER });
  page.addText(slide.shopName, {
    x: MARGIN_X + 0.2,
    y: 1.2,
    w: CONTENT_W - 0.4,
    h: 0.8,
    fontFace: FONT,
    fontSize: 36,
    bold: true,
    color: COLORS.white,
    fit: "shrink",
    objectName: "cover-shop",
  });
  page.addText(slide.title, { placeholder: "title" });
  page.addText(
    slide.lines.map((line) => ({ text: line, options: { breakLine: true } })),
    {
      x: MARGIN_X + 0.2,
      y: 2.9,
      w: CONTENT_W - 0.4,
      h: 1.9,
      fontFace: FONT,
      fontSize: 12,
      color: "E5E7EB",
      valign: "top",
      paraSpaceAfter: 4,
      fit: "shrink",
      objectName: "cover-period",
    },
  );
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

// Table sizing: pptxgenjs does not measure text, so estimate wrapped lines from the column width (an Arial
// character averages about half an em) to reserve each row's height and keep tables inside their frame.
const LINE_H_PER_PT = 1.2 / 72;
function charsPerLine(widthInches: number, fontSize: number): number {
  // 0.55 em: bold cells and word wrapping use more than the half-em average.
  return Math.max(4, Math.floor(((widthInches - 0.12) * 72) / (fontSize * 0.55)));
}

function columnWidths(table: TableSpec, width: number): number[] {
  const total = table.columns.reduce((sum, column) => sum + column.width, 0);
  return table.columns.map((column) => (column.width / total) * width);
}

function tableRowHeights(table: TableSpec, width: number, fontSize: number): number[] {
  const widths = columnWidths(table, width);
  const rowHeight = (texts: string[]) => {
    const lines = Math.max(
      1,
      ...texts.map((text, index) => Math.ceil(text.length / charsPerLine(widths[index] ?? width, fontSize))),
    );
    return 0.1 + lines * fontSize * LINE_H_PER_PT;
  };
  return [
    rowHeight(table.columns.map((column) => column.header)),
    ...table.rows.map((row) => rowHeight(row.map((cell) => cell.text))),
  ];
}

const NOTE_PT = 9;
const NOTE_LINE_H = 0.19;

/** A note under a table wraps onto as many lines as its length needs at 9 pt. */
function noteHeight(note: string | undefined, width: number): number {
  if (!note) return 0;
  return 0.08 + NOTE_LINE_H * Math.ceil(note.length / charsPerLine(width, NOTE_PT));
}
const TEXT_LINE_H = 0.3;

/** Dense grids (14 columns of cohorts) stay at 9 pt or less whatever room the slide has. */
function tableFontSize(table: TableSpec, fontSize: number): number {
  return table.dense ? Math.min(fontSize, 9) : fontSize;
}

/** Height a block needs at a font size, or null when it takes whatever is left (charts, KPI cards). */
function fixedHeight(block: DeckBlock, width: number, fontSize: number): number | null {
  switch (block.type) {
    case "table": {
      if (block.table.rows.length === 0) return 0.35 + noteHeight(block.table.note, width);
      const rows = tableRowHeights(block.table, width, tableFontSize(block.table, fontSize)).reduce(
        (sum, h) => sum + h,
        0,
      );
      return rows + noteHeight(block.table.note, width);
    }
    case "text":
      return block.lines.length * TEXT_LINE_H * (fontSize / 10);
    case "chart":
    case "kpis":
      return null;
  }
}

/** A heat-map cell: light blue to the revenue blue, with white text once the fill gets dark. */
function heatColors(heat: number): { fill: string; text: string } {
  const t = Math.max(0, Math.min(1, heat));
  const from = [0xe8, 0xef, 0xfa];
  const to = [0x2f, 0x55, 0x97];
  const fill = from
    .map((channel, index) => Math.round(channel + ((to[index] ?? channel) - channel) * t))
    .map((value) => value.toString(16).padStart(2, "0").toUpperCase())
    .join("");
  return { fill, text: t > 0.55 ? COLORS.white : COLORS.ink };
}

function renderTable(slide: Slide, table: TableSpec, box: Box, fontSize: number): void {
  if (table.rows.length === 0) {
    slide.addText(table.emptyText ?? "", {
      ...box,
      h: 0.35,
      fontFace: FONT,
      fontSize: fontSize + 1,
      italic: true,
      color: COLORS.muted,
      objectName: table.id,
    });
  } else {
    const header: TableRow = table.columns.map((column) => ({
      text: column.header,
      options: { bold: true, color: COLORS.white, fill: { color: COLORS.headerFill }, align: column.align },
    }));
    const body: TableRow[] = table.rows.map((row, rowIndex) =>
      row.map((cell, columnIndex) => {
        const heat = cell.heat === undefined ? null : heatColors(cell.heat);
        return {
          text: cell.text,
          options: {
            align: table.columns[columnIndex]?.align ?? "left",
            color: heat ? heat.text : EMPHASIS_COLORS[cell.emphasis ?? "none"],
            bold: cell.bold ?? false,
            fill: { color: heat ? heat.fill : rowIndex % 2 === 1 ? COLORS.zebra : COLORS.white },
          },
        };
      }),
    );
    const heights = tableRowHeights(table, box.w, fontSize);
    slide.addTable([header, ...body], {
      x: box.x,
      y: box.y,
      w: box.w,
      colW: columnWidths(table, box.w),
      rowH: heights,
      fontFace: FONT,
      fontSize,
      valign: "middle",
      margin: [0.03, 0.06, 0.03, 0.06],
      border: { type: "solid", pt: 0.5, color: COLORS.rule },
      autoPage: false,
      objectName: table.id,
    });
  }
  if (table.note) {
    slide.addText(table.note, {
      x: box.x,
      y: box.y + box.h - noteHeight(table.note, box.w) + 0.02,
      w: box.w,
      h: noteHeight(table.note, box.w) - 0.02,
      fontFace: FONT,
      fontSize: NOTE_PT,
      italic: true,
      color: COLORS.muted,
      valign: "top",
      margin: [0, 0.05, 0, 0.05],
      objectName: `${table.id}-note`,
    });
  }
}

function renderText(slide: Slide, lines: TextLine[], box: Box, fontSize: number): void {
  slide.addText(
    lines.map((line) => ({
      text: line.text,
      options: { breakLine: true, bold: line.bold ?? false, color: EMPHASIS_COLORS[line.emphasis ?? "none"] },
    })),
    { ...box, fontFace: FONT, fontSize: fontSize + 1, valign: "top", fit: "shrink", margin: 0 },
  );
}

function renderKpis(slide: Slide, cards: KpiCard[], box: Box): void {
  const columns = cards.length <= 4 ? Math.max(1, cards.length) : Math.ceil(cards.length / 2);
  const rows = Math.ceil(cards.length / columns);
  const gap = 0.1;
  const w = (box.w - gap * (columns - 1)) / columns;
  const h = Math.min(1.9, (box.h - gap * (rows - 1)) / rows);
  cards.forEach((card, index) => {
    const x = box.x + (index % columns) * (w + gap);
    const y = box.y + Math.floor(index / columns) * (h + gap);
    slide.addShape("roundRect", {
      x,
      y,
      w,
      h,
      fill: { color: COLORS.card },
      line: { color: COLORS.rule, width: 0.5 },
      rectRadius: 0.06,
      objectName: `kpi-card-${card.metric}`,
    });
    const runs: TextProps[] = [
      { text: card.label, options: { fontSize: 10, color: COLORS.muted, breakLine: true } },
      { text: card.value, options: { fontSize: 22, bold: true, color: COLORS.ink, breakLine: true } },
    ];
    for (const change of card.changes) {
      const color = EMPHASIS_COLORS[change.tone === "neutral" ? "muted" : change.tone];
      if (change.arrow) runs.push({ text: `${change.arrow} `, options: { fontSize: 9, color } });
      runs.push({ text: change.text, options: { fontSize: 9, bold: true, color } });
      runs.push({
        text: ` ${change.comparedWith}`,
        options: { fontSize: 9, color: COLORS.muted, breakLine: true },
      });
    }
    slide.addText(runs, {
      x: x + 0.05,
      y: y + 0.03,
      w: w - 0.1,
      h: h - 0.06,
      fontFace: FONT,
      valign: "middle",
      margin: 0.05,
      fit: "shrink",
      objectName: `kpi-${card.metric}`,
    });
  });
}

// pptxgenjs writes catAxisOrientation into <c:orientation> as given, but its typings only admit "minMax".
const REVERSED_AXIS = "maxMin" as string as "minMax";

const BAR_COLORS = ["8FAADC", "8FAADC", "7F7F7F", "59A14F"];
/** One distinct colour per slice, dark enough for white percentage labels. */
const PIE_COLORS = ["2F5597", "E46C0A", "59A14F", "7F7F7F", "9B59B6", "C5221F", "1D4ED8", "B45309"];
const LINE_COLORS = [COLORS.bad, "7F7F7F", "59A14F"];

const ROLE_COLORS: Record<NonNullable<ChartSeries["role"]>, string> = {
  revenue: COLORS.revenue,
  spend: COLORS.spend,
  last_year: COLORS.lastYear,
  secondary: COLORS.secondary,
};

/**
 * Exactly one colour per series (given a longer palette, pptxgenjs colours a lone bar series bar by bar), and
 * the same colour for revenue and for spend on every chart.
 */
function seriesColors(palette: readonly string[], series: readonly ChartSeries[]): string[] {
  return series.map(
    (one, index) => (one.role ? ROLE_COLORS[one.role] : palette[index % palette.length]) ?? COLORS.ink,
  );
}

function renderChart(pptx: PptxGenJS, slide: Slide, chart: ChartSpec, box: Box): void {
  if (chart.labels.length === 0 || chart.series.length === 0) {
    slide.addText(chart.emptyText, {
      ...box,
      fontFace: FONT,
      fontSize: 12,
      italic: true,
      color: COLORS.muted,
      align: "center",
      objectName: chart.id,
    });
    return;
  }
  // A missing mart value stays a gap in the chart (pptxgenjs writes an empty point), never a 0.
  const toData = (series: ChartSpec["series"]) =>
    series.map((one) => ({ name: one.name, labels: chart.labels, values: one.values as number[] }));
  const options: ChartOptions = {
    ...box,
    objectName: chart.id,
    altText: chart.title,
    showTitle: true,
    title: chart.title,
    titleFontFace: FONT,
    titleFontSize: 12,
    titleColor: COLORS.ink,
    showLegend: true,
    legendPos: "b",
    legendFontFace: FONT,
    legendFontSize: 9,
    catAxisLabelFontFace: FONT,
    catAxisLabelFontSize: chart.labels.length > 14 ? 7 : 9,
    valAxisLabelFontFace: FONT,
    valAxisLabelFontSize: 8,
    valAxisLabelFormatCode: chart.numberFormat,
    dataLabelFormatCode: chart.numberFormat,
    valGridLine: { color: "E5E7EB", size: 0.5 },
    ...(chart.fromZero ? { valAxisMinVal: 0 } : {}),
  };
  if (chart.kind === "doughnut") {
    slide.addChart(pptx.ChartType.doughnut, toData(chart.series), {
      ...options,
      chartColors: [...PIE_COLORS],
      showPercent: true,
      showValue: false,
      dataLabelFormatCode: "0%",
      dataLabelColor: COLORS.white,
      dataLabelFontSize: 11,
      dataLabelFontBold: true,
      holeSize: 55,
      legendPos: "r",
    });
    return;
  }
  const bars = chart.series.filter((one) => one.as === "bar");
  const lines = chart.series.filter((one) => one.as === "line");
  const barDir: "bar" | "col" = chart.kind === "bar" ? "bar" : "col";
  if (lines.length === 0) {
    slide.addChart(pptx.ChartType.bar, toData(bars), {
      ...options,
      barDir,
      // Horizontal bars list the first category at the bottom unless the axis is reversed; rankings read top down.
      // Horizontal rankings carry their values on the bars: the value axis would sit on top, far from them.
      ...(barDir === "bar"
        ? {
            catAxisOrientation: REVERSED_AXIS,
            valAxisHidden: true,
            valGridLine: { style: "none" as const },
            showValue: true,
            dataLabelPosition: "outEnd" as const,
            dataLabelFontSize: 8,
            dataLabelFontFace: FONT,
            dataLabelColor: COLORS.ink,
          }
        : {}),
      barGapWidthPct: 60,
      ...(chart.stacked ? { barGrouping: "stacked" } : {}),
      chartColors: seriesColors(BAR_COLORS, bars),
    });
    return;
  }
  if (bars.length === 0) {
    slide.addChart(pptx.ChartType.line, toData(lines), {
      ...options,
      lineSize: 2,
      lineDataSymbol: "none",
      chartColors: seriesColors(LINE_COLORS, lines),
    });
    return;
  }
  // Bars and lines share one value axis on purpose: spend against revenue on the same scale shows ROAS honestly.
  const combo: ChartMulti[] = [
    {
      type: pptx.ChartType.bar,
      data: toData(bars),
      options: { barDir, barGapWidthPct: 40, chartColors: seriesColors(BAR_COLORS, bars) },
    },
    {
      type: pptx.ChartType.line,
      data: toData(lines),
      // No markers: pptxgenjs colours a combo chart's markers by the series' overall index and picks a random
      // colour when that index is past the palette.
      options: { lineSize: 2, lineDataSymbol: "none", chartColors: seriesColors(LINE_COLORS, lines) },
    },
  ];
  // For combo charts pptxgenjs takes the options as the second argument; its typings only know the
  // single-type signature (type, data, options).
  slide.addChart(combo, options as unknown as never[]);
}

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

const MIN_FLEX_H = 1.4;

/** The largest title size (at most TITLE_PT) at which the title fits the bar on one line. */
export function titleFontSize(title: string): number {
  // Bold Arial averages about 0.55 em per character.
  const fits = Math.floor((TITLE_W * 72) / (Math.max(1, title.length) * 0.55));
  return Math.max(14, Math.min(TITLE_PT, fits));
}

function renderContent(pptx: PptxGenJS, slide: ContentSlide): void {
  const page = pptx.addSlide({ masterName: CONTENT_MASTER });
  page.addText(slide.title, { placeholder: "title", fontSize: titleFontSize(slide.title) });
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
  let top = CONTENT_TOP;
  if (slide.subtitle) {
    page.addText(slide.subtitle, {
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
    all.reduce((sum, row) => sum + (row.fixed ?? MIN_FLEX_H), 0) + GAP * (all.length - 1);
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
  pptx.company = content.shopName;
  pptx.title = `${content.shopName} — ${content.title}`;
  pptx.subject = `Daily performance for ${content.runDate}`;
  pptx.theme = { headFontFace: FONT, bodyFontFace: FONT };
  defineMasters(pptx, content);
  for (const slide of content.slides) {
    if (slide.kind === "cover") renderCover(pptx, slide);
    else renderContent(pptx, slide);
  }
  const output = await pptx.write({ outputType: "nodebuffer" });
  return Buffer.isBuffer(output) ? output : Buffer.from(output as ArrayBuffer);
}

export const DECK_SLIDE_SIZE = { width: SLIDE_W, height: SLIDE_H } as const;

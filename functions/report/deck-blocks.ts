// Tables, text and KPI cards on a slide, and how much height each needs: pptxgenjs does not measure text.
import type { DeckBlock, KpiCard, TableSpec, TextLine } from "./deck-content.ts";
import { COLORS, EMPHASIS_COLORS, FONT, type Slide, type TableRow, type TextProps } from "./deck-style.ts";
import { joinDateCharacters } from "../lib/reporting/cjk-dates.ts";

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

// Table sizing: pptxgenjs does not measure text, so estimate wrapped lines from the column width (an Arial
// character averages about half an em) to reserve each row's height and keep tables inside their frame.
const LINE_H_PER_PT = 1.2 / 72;
function charsPerLine(widthInches: number, fontSize: number, bold = false): number {
  // 0.58 em (0.64 bold): the renderers' substitute fonts (DejaVu for Arial) are wider than the half-em average.
  return Math.max(4, Math.floor(((widthInches - 0.12) * 72) / (fontSize * (bold ? 0.64 : 0.58))));
}

// ICU writes direction marks around every Arabic amount and percentage; they take no width, nor do the no-break
// joiners inside a Japanese date (joinDateCharacters). A no-break space (an
// amount and its currency: "١٠٠٫٦٣٢ د.ك.", "KWD 100.632") is a character where no line breaks, so only the
// other spaces part words.
const DIRECTION_MARKS = /[\u200e\u200f\u061c\ufeff]/g;
const BREAKING_SPACES = /[ \t\r\n]+/;
const visibleLength = (word: string) => word.replace(DIRECTION_MARKS, "").length;

/**
 * Lines a text takes in a column, wrapping at spaces as a renderer does (a long word breaks where it must):
 * counting characters alone underestimates, since a wrapped line rarely ends exactly at the edge.
 */
export function wrappedLines(text: string, perLine: number): number {
  let lines = 1;
  let used = 0;
  for (const word of text.split(BREAKING_SPACES).map(visibleLength).filter(Boolean)) {
    const need = used === 0 ? word : used + 1 + word;
    if (need <= perLine) {
      used = need;
      continue;
    }
    if (used > 0) lines += 1;
    lines += Math.max(0, Math.ceil(word / perLine) - 1);
    used = word % perLine || perLine;
  }
  return lines;
}

/**
 * Inches a column needs for the longest word of a text to stay whole on one line (charsPerLine, turned round), or
 * for all of it when it is one label (`whole`).
 */
function longestWordWidth(text: string, fontSize: number, bold = false, whole = false): number {
  const longest = whole
    ? visibleLength(text)
    : Math.max(0, ...text.split(BREAKING_SPACES).map(visibleLength));
  // A hair over, so that charsPerLine, rounding down, gives the word its whole line.
  return 0.121 + (longest * fontSize * (bold ? 0.64 : 0.58)) / 72;
}

/**
 * The columns' widths in proportion to their weights, except that a column is at least as wide as its longest
 * word (a figure and its currency never break: at its weight, a dinar shop's AOV column put "١٠٠٫٦٣٢ د.ك" over
 * "." and every row of the table took two lines, running it off the slide). That room comes from the columns
 * wider than their own longest word, in proportion to what each can spare; when they cannot spare enough, the
 * weights stand and the long words wrap, as the row heights count.
 */
export function columnWidths(table: TableSpec, width: number, fontSize: number): number[] {
  const total = table.columns.reduce((sum, column) => sum + column.width, 0);
  const widths = table.columns.map((column) => (column.width / total) * width);
  const needs = table.columns.map((column, index) =>
    Math.max(
      longestWordWidth(column.header, fontSize + 1, true),
      ...table.rows.map((row) =>
        longestWordWidth(row[index]?.text ?? "", fontSize, row[index]?.bold, row[index]?.whole),
      ),
    ),
  );
  const short = widths.map((one, index) => Math.max(0, needs[index]! - one));
  const spare = widths.map((one, index) => Math.max(0, one - needs[index]!));
  const deficit = short.reduce((sum, one) => sum + one, 0);
  const room = spare.reduce((sum, one) => sum + one, 0);
  if (deficit === 0 || room < deficit) return widths;
  return widths.map((one, index) =>
    short[index]! > 0 ? needs[index]! : one - (spare[index]! / room) * deficit,
  );
}

function tableRowHeights(table: TableSpec, width: number, fontSize: number): number[] {
  const widths = columnWidths(table, width, fontSize);
  const rowHeight = (cells: { text: string; bold?: boolean }[], size: number) => {
    const lines = Math.max(
      1,
      ...cells.map((one, index) =>
        wrappedLines(one.text, charsPerLine(widths[index] ?? width, size, one.bold)),
      ),
    );
    return 0.1 + lines * size * LINE_H_PER_PT;
  };
  return [
    // Header cells are bold and wrap most (short columns under long labels): measured a point larger, to be safe.
    rowHeight(
      table.columns.map((column) => ({ text: column.header, bold: true })),
      fontSize + 1,
    ),
    ...table.rows.map((row) => rowHeight(row, fontSize)),
  ];
}

const NOTE_PT = 9;
const NOTE_LINE_H = 0.19;

/** A note under a table wraps onto as many lines as its length needs at 9 pt. */
function noteHeight(note: string | undefined, width: number): number {
  if (!note) return 0;
  return 0.1 + NOTE_LINE_H * wrappedLines(note, charsPerLine(width, NOTE_PT));
}
const TEXT_LINE_H = 0.3;

/** Dense grids (14 columns of cohorts) stay at 9 pt or less whatever room the slide has. */
export function tableFontSize(table: TableSpec, fontSize: number): number {
  return table.dense ? Math.min(fontSize, 9) : fontSize;
}

/** Height a block needs at a font size, or null when it takes whatever is left (charts, KPI cards). */
export function fixedHeight(block: DeckBlock, width: number, fontSize: number): number | null {
  switch (block.type) {
    case "table": {
      if (block.table.rows.length === 0) return 0.35 + noteHeight(block.table.note, width);
      const rows = tableRowHeights(block.table, width, tableFontSize(block.table, fontSize)).reduce(
        (sum, h) => sum + h,
        0,
      );
      return rows + noteHeight(block.table.note, width);
    }
    case "text": {
      // Long sentences wrap: reserve every wrapped line, plus a little air between bulleted points.
      const perLine = charsPerLine(width - 0.25, fontSize + 1);
      return block.lines.reduce((sum, line) => {
        const wraps = wrappedLines(line.text, perLine);
        const extra = (wraps - 1) * (fontSize + 1) * LINE_H_PER_PT;
        return sum + TEXT_LINE_H * (fontSize / 10) + extra + (line.bullet ? 4 / 72 : 0);
      }, 0);
    }
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

export function renderTable(slide: Slide, table: TableSpec, box: Box, fontSize: number): void {
  if (table.rows.length === 0) {
    slide.addText(joinDateCharacters(table.emptyText ?? ""), {
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
      text: joinDateCharacters(column.header),
      options: { bold: true, color: COLORS.white, fill: { color: COLORS.headerFill }, align: column.align },
    }));
    const body: TableRow[] = table.rows.map((row, rowIndex) =>
      row.map((cell, columnIndex) => {
        const heat = cell.heat === undefined ? null : heatColors(cell.heat);
        return {
          text: joinDateCharacters(cell.text),
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
      colW: columnWidths(table, box.w, fontSize),
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
    slide.addText(joinDateCharacters(table.note), {
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

export function renderText(slide: Slide, lines: TextLine[], box: Box, fontSize: number): void {
  slide.addText(
    lines.map((line) => ({
      text: joinDateCharacters(line.text),
      options: {
        breakLine: true,
        bold: line.bold ?? false,
        color: EMPHASIS_COLORS[line.emphasis ?? "none"],
        ...(line.bullet ? { bullet: { indent: 12 }, paraSpaceAfter: 4 } : {}),
      },
    })),
    { ...box, fontFace: FONT, fontSize: fontSize + 1, valign: "top", fit: "shrink", margin: 0 },
  );
}

/**
 * The largest size (at most 22 pt) at which a KPI value fits its tile on one line: LibreOffice and Keynote do
 * not honour "shrink on overflow", so a $1,234,567 would otherwise wrap. Bold digits average ~0.62 em.
 */
export function valueFontSize(value: string, widthInches: number): number {
  const fits = Math.floor((widthInches * 72) / (Math.max(1, value.length) * 0.62));
  return Math.max(12, Math.min(22, fits));
}

export function renderKpis(slide: Slide, cards: KpiCard[], box: Box): void {
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
      {
        text: joinDateCharacters(card.label),
        options: { fontSize: 10, color: COLORS.muted, breakLine: true },
      },
      {
        text: card.value,
        options: {
          fontSize: valueFontSize(card.value, w - 0.2),
          bold: true,
          color: COLORS.ink,
          breakLine: true,
        },
      },
    ];
    if (card.caveat) {
      runs.push({
        text: joinDateCharacters(card.caveat),
        options: { fontSize: 8, color: EMPHASIS_COLORS.warning, breakLine: true },
      });
    }
    for (const change of card.changes) {
      const color = EMPHASIS_COLORS[change.tone === "neutral" ? "muted" : change.tone];
      if (change.arrow) runs.push({ text: `${change.arrow} `, options: { fontSize: 9, color } });
      runs.push({ text: change.text, options: { fontSize: 9, bold: true, color } });
      runs.push({
        text: joinDateCharacters(` ${change.comparedWith}`),
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

// Native, editable charts (bar, line, pie, combo) with the deck's palettes.
import type { ChartSeries, ChartSpec } from "./deck-content.ts";
import type { Box } from "./deck-blocks.ts";
import { joinDateCharacters } from "../lib/reporting/cjk-dates.ts";
import {
  type ChartMulti,
  type ChartOptions,
  COLORS,
  FONT,
  type PptxGenJS,
  type Slide,
} from "./deck-style.ts";

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

/**
 * A money format made compact for axes and bar labels ($1.6M, $650k): a board reads "$700,000" ticks as noise.
 * Excel's conditional sections do it natively, so the chart's data (and its embedded workbook) stay exact.
 * Formats that are not whole money amounts are returned unchanged.
 */
export function compactMoneyFormat(numberFormat: string, decimalsOfThousands = 0): string {
  const before = /^("[^"]*")#,##0$/.exec(numberFormat);
  const after = /^#,##0 ("[^"]*")$/.exec(numberFormat);
  const k = decimalsOfThousands > 0 ? `0.${"0".repeat(decimalsOfThousands)}` : "0";
  if (before?.[1]) {
    const symbol = before[1];
    return `[>=1000000]${symbol}0.0,,"M";[>=1000]${symbol}${k},"k";${symbol}0`;
  }
  if (after?.[1]) {
    const symbol = after[1];
    return `[>=1000000]0.0,,"M "${symbol};[>=1000]${k},"k "${symbol};0 ${symbol}`;
  }
  return numberFormat;
}

// A category's label gets its category's width, and LibreOffice wraps a wider one inside it (as "Nov / 2025" at its
// space). Japanese and Chinese may wrap between any two characters, and a chart's labels are wrapped by its own
// rules, whatever joiner the text carries: 13 monthly points of a ja-JP deck read "2025" / "年" / "11" / "月". Such
// labels, when wider than their category, are drawn on a slant, whole. Widths estimated as the tables' are: a
// Han character or kana an em, another character about half of one; the value axis takes about half an inch.
const CJK_CHARACTER = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/u;
function wrapsInsideDate(labels: readonly string[], fontSize: number, chartWidth: number): boolean {
  if (!labels.some((label) => CJK_CHARACTER.test(label))) return false;
  const em = fontSize / 72;
  const widest = Math.max(
    ...labels.map((label) =>
      [...label].reduce((sum, char) => sum + (CJK_CHARACTER.test(char) ? em : em * 0.55), 0),
    ),
  );
  return widest > (chartWidth - 0.5) / labels.length;
}

export function renderChart(pptx: PptxGenJS, slide: Slide, chart: ChartSpec, box: Box): void {
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
  const bars = chart.series.filter((one) => one.as === "bar");
  const lines = chart.series.filter((one) => one.as === "line");
  // A bar's length is its value: a value axis that starts above 0 (PowerPoint and LibreOffice start it there when
  // the values lie close together) shows a 15 % dip as a bar a third as tall. Negative bars keep the automatic axis.
  const barsFromZero =
    bars.length > 0 && bars.every((one) => one.values.every((value) => value === null || value >= 0));
  const labelSize = chart.labels.length > 14 ? 7 : 9;
  const options: ChartOptions = {
    ...box,
    objectName: chart.id,
    altText: chart.title,
    showTitle: true,
    title: joinDateCharacters(chart.title),
    titleFontFace: FONT,
    titleFontSize: 12,
    titleColor: COLORS.ink,
    showLegend: true,
    legendPos: "b",
    legendFontFace: FONT,
    legendFontSize: 9,
    catAxisLabelFontFace: FONT,
    catAxisLabelFontSize: labelSize,
    ...(wrapsInsideDate(chart.labels, labelSize, box.w) ? { catAxisLabelRotate: -45 } : {}),
    valAxisLabelFontFace: FONT,
    valAxisLabelFontSize: 8,
    valAxisLabelFormatCode: compactMoneyFormat(chart.numberFormat),
    dataLabelFormatCode: compactMoneyFormat(chart.numberFormat, 1),
    valGridLine: { color: "E5E7EB", size: 0.5 },
    ...(chart.fromZero || barsFromZero ? { valAxisMinVal: 0 } : {}),
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
    // A point with no value on either side (a shop's one month, a month between two without ad spend) has no
    // segment to draw: without a marker it is invisible. Such a chart marks every point.
    slide.addChart(pptx.ChartType.line, toData(lines), {
      ...options,
      lineSize: 2,
      ...(lines.some((line) => hasIsolatedPoint(line.values))
        ? { lineDataSymbol: "circle" as const, lineDataSymbolSize: 7 }
        : { lineDataSymbol: "none" as const }),
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

/** Whether a value stands alone: no value right before it nor right after it, so a line draws nothing there. */
export function hasIsolatedPoint(values: readonly (number | null)[]): boolean {
  const missing = (index: number) => index < 0 || index >= values.length || values[index] === null;
  return values.some((value, index) => value !== null && missing(index - 1) && missing(index + 1));
}

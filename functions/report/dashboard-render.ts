// The dashboard model as ONE self-contained HTML file: Chart.js's UMD build and the data inlined, no network at
// all (no CDN, no web fonts), so the file opens from a bucket link, an email attachment or a laptop offline.
// Tiles and tables are rendered here as HTML (readable before any script runs); the charts are drawn in the
// browser from the inlined chart specs. Shop names and product titles are user data: text is HTML-escaped, and
// the inlined JSON is escaped so that no `</script>` or U+2028 inside it can end or break the script.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { trailingDaysTitle } from "../lib/reporting/data-coverage.ts";
import { escapeHtml, htmlText } from "../lib/reporting/html.ts";
import {
  formatChange,
  formatDateRange,
  formatLongDate,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatPercent,
  formatRatio,
  formatWeekdayDate,
  type NumberLocale,
} from "../lib/reporting/display-format.ts";
import type {
  ChartSpec,
  DashboardModel,
  DashboardPage,
  TableSpec,
  Tile,
  ValueFormat,
} from "./dashboard-rows.ts";

/** Chart.js's browser (UMD) build, read from the installed package (its exports map hides dist/ paths). */
export async function readChartJs(): Promise<string> {
  const main = createRequire(import.meta.url).resolve("chart.js");
  const text = await readFile(join(dirname(main), "chart.umd.js"), "utf8");
  // The source map is not shipped inside the page: a devtools request for it would be the page's only fetch.
  return text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
}

/** JSON safe inside a <script> element: no `<`, `>`, `&` or line separators appear literally. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A money figure too wide for a tile (ten million and up) reads compact; the exact amount is its tooltip. */
const TILE_COMPACT_FROM = 10_000_000;

function formatValue(
  value: number | string | null,
  format: ValueFormat,
  fmt: NumberLocale,
  nullText?: string,
  moneyInMinorUnits?: boolean,
): string {
  if (typeof value === "string") return value;
  if (value === null && nullText !== undefined) return nullText;
  switch (format) {
    case "money":
      return formatMoney(value, fmt, moneyInMinorUnits ?? (value !== null && Math.abs(value) < 1000));
    case "ratio":
      return formatRatio(value, fmt.locale);
    case "percent":
      return formatPercent(value, fmt.locale, 2);
    case "number":
      return formatNumber(value, fmt.locale);
    default:
      return value === null ? "" : String(value);
  }
}

function tileText(tile: Tile, fmt: NumberLocale): string {
  if (tile.format === "money" && tile.value !== null && Math.abs(tile.value) >= TILE_COMPACT_FROM)
    return formatMoneyCompact(tile.value, fmt);
  if (tile.format === "percent") return formatPercent(tile.value, fmt.locale, 1);
  return formatValue(tile.value, tile.format, fmt);
}

/** Lower is better for these: a rise is drawn red. */
const LOWER_IS_BETTER = new Set(["cac"]);

function changeHtml(tile: Tile, fmt: NumberLocale, days: number): string {
  if (tile.change === undefined) return "";
  if (tile.change === null) return `<div class="tile-change" data-change="">no prior period</div>`;
  const good = LOWER_IS_BETTER.has(tile.id) ? tile.change < 0 : tile.change > 0;
  const tone = tile.changeIsPartial || Math.abs(tile.change) < 0.005 ? "neutral" : good ? "up" : "down";
  return `<div class="tile-change ${tone}" data-change="${tile.change}">${htmlText(formatChange(tile.change, fmt.locale))} vs prior ${days} days</div>`;
}

function tileHtml(tile: Tile, fmt: NumberLocale, days: number): string {
  const value = tile.value === null ? "" : String(tile.value);
  const exact = formatValue(tile.value, tile.format, fmt);
  return `<div class="tile${tile.caveat ? " partial" : ""}" data-tile="${escapeHtml(tile.id)}" data-value="${value}">
<div class="tile-label">${htmlText(tile.label)}${tile.caveat ? " *" : ""}</div>
<div class="tile-value" title="${escapeHtml(exact)}">${htmlText(tileText(tile, fmt))}</div>
${changeHtml(tile, fmt, days)}
${tile.note ? `<div class="tile-note">${htmlText(tile.note)}</div>` : ""}
${tile.caveat ? `<div class="tile-caveat">${htmlText(tile.caveat)}</div>` : ""}</div>`;
}

function chartHtml(chart: ChartSpec): string {
  // Sideways bars need the height for their labels; more than 4 series need it for the legend (on a phone the
  // legend of 5 campaign names would otherwise squash the plot to a strip).
  const tall = chart.horizontal || chart.series.length > 4 ? " tall" : "";
  return `<figure class="chart${tall}" data-chart="${escapeHtml(chart.id)}">
<figcaption>${htmlText(chart.title)}</figcaption>
<div class="canvas-box"><canvas id="chart-${escapeHtml(chart.id)}" role="img" aria-label="${escapeHtml(chart.title)}"></canvas></div>
${chart.caveat ? `<p class="caveat">${htmlText(chart.caveat)}</p>` : ""}</figure>`;
}

/**
 * Whether each money column shows the currency's minor units: when every amount in it is under 1,000, else whole
 * units, so that a column's cells read alike (a column of "1.055 €" beside "0,00 €" read as two kinds of number).
 */
function moneyColumnsInMinorUnits(table: Pick<TableSpec, "columns" | "rows">): (boolean | undefined)[] {
  return table.columns.map((column, index) =>
    column.format !== "money"
      ? undefined
      : table.rows.every((row) => {
          const cell = row[index];
          return typeof cell !== "number" || Math.abs(cell) < 1000;
        }),
  );
}

function tableHtml(table: TableSpec, fmt: NumberLocale): string {
  const marked = new Set(table.incompleteRows ?? []);
  const inMinorUnits = moneyColumnsInMinorUnits(table);
  // Short text columns (a step, a channel, a day) stay on one line; the last one (a message, a title) wraps.
  const cellClass = (format: ValueFormat, column: number) =>
    format === "day"
      ? "nowrap"
      : format !== "text"
        ? "num"
        : column < table.columns.length - 1
          ? "nowrap"
          : "";
  const head = table.columns
    .map((column, index) => `<th class="${cellClass(column.format, index)}">${htmlText(column.label)}</th>`)
    .join("");
  const body = table.rows.length
    ? table.rows
        .map((row, index) => {
          const cells = row
            .map((cell, column) => {
              const format = table.columns[column]?.format ?? "text";
              // A day in the shop's locale, as the page's other dates; the day itself in <time datetime>.
              if (format === "day" && typeof cell === "string" && DAY.test(cell))
                return `<td class="nowrap"><time datetime="${cell}">${htmlText(formatWeekdayDate(cell, fmt.locale))}</time></td>`;
              const text = formatValue(cell, format, fmt, table.nullText, inMinorUnits[column]);
              // The number behind the text, for a test or a script to read without parsing a locale's format.
              const value = typeof cell === "number" ? ` data-value="${cell}"` : "";
              return `<td class="${cellClass(format, column)}"${value}>${htmlText(text)}</td>`;
            })
            .join("");
          return `<tr${marked.has(index) ? ' class="partial"' : ""}>${cells}</tr>`;
        })
        .join("\n")
    : `<tr><td colspan="${table.columns.length}" class="empty">None.</td></tr>`;
  const groups = table.groups
    ? `<tr class="groups">${table.groups
        .map((group) => `<th colspan="${group.span}">${htmlText(group.label)}</th>`)
        .join("")}</tr>`
    : "";
  return `<section class="table${table.stack ? " stack" : ""}" data-table="${escapeHtml(table.id)}"><h3>${htmlText(table.title)}</h3>
<p class="scroll-hint" hidden>Scroll sideways for more columns →</p>
<div class="table-box"><div class="table-wrap" tabindex="0" role="region" aria-label="${escapeHtml(table.title)}"><table><thead>${groups}<tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div></div>${table.caveat ? `<p class="caveat">${htmlText(table.caveat)}</p>` : ""}</section>`;
}

function pageHtml(page: DashboardPage, fmt: NumberLocale, days: number): string {
  const missing = page.missing.length
    ? `<p class="missing">The extract${page.missing.length > 1 ? "s" : ""} ${page.missing
        .map((name) => `<code>${htmlText(name)}</code>`)
        .join(", ")} ${page.missing.length > 1 ? "are" : "is"} missing for this run: ${
        page.tiles.length || page.charts.length ? "part of this page is" : "this page has nothing to show"
      }.</p>`
    : "";
  return `<section class="page" id="${escapeHtml(page.id)}" data-page="${escapeHtml(page.id)}">
<h2>${htmlText(page.title)}</h2>
${missing}
${page.notes.map((note) => `<p class="note">${htmlText(note)}</p>`).join("\n")}
${page.tiles.length ? `<div class="tiles">${page.tiles.map((tile) => tileHtml(tile, fmt, days)).join("\n")}</div>` : ""}
${page.charts.length ? `<div class="charts">${page.charts.map(chartHtml).join("\n")}</div>` : ""}
${page.tables.map((table) => tableHtml(table, fmt)).join("\n")}
</section>`;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2937;background:#f3f4f6}
header{background:#111827;color:#f9fafb;padding:16px 20px}
header h1{margin:0;font-size:20px;font-weight:600;overflow-wrap:anywhere}
header p{margin:4px 0 0;color:#d1d5db}
.demo{background:#fef3c7;color:#92400e;font-weight:600;padding:8px 20px}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #e5e7eb;display:flex;flex-wrap:wrap;gap:4px;padding:8px 16px}
nav a{color:#1d4ed8;text-decoration:none;padding:4px 10px;border-radius:999px;background:#eff6ff;font-size:13px}
main{max-width:1280px;margin:0 auto;padding:8px 16px 32px}
.page{padding-top:12px;scroll-margin-top:56px}
.page h2{font-size:18px;margin:16px 0 10px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin-bottom:14px}
.tile{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px;min-width:0}
.tile.partial{border-color:#f59e0b;background:#fffbeb}
.tile-label{font-size:12px;color:#6b7280;text-transform:uppercase;letter-spacing:.03em}
.tile-value{font-size:22px;font-weight:600;margin-top:2px;white-space:nowrap}
.tile-change{font-size:12px;color:#6b7280;margin-top:2px}
.tile-change.up{color:#047857}
.tile-change.down{color:#b91c1c}
.tile-caveat{font-size:11px;color:#92400e;margin-top:4px}
.tile-note{font-size:12px;color:#4b5563;margin-top:2px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:12px}
.chart{margin:0;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px;min-width:0}
.chart figcaption{font-weight:600;margin-bottom:6px}
.canvas-box{position:relative;height:260px}
.chart.tall .canvas-box{height:340px}
.caveat{font-size:12px;color:#92400e;margin:6px 0 0}
.missing{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;border-radius:8px;padding:10px 12px}
.note{color:#4b5563}
.table{margin-top:14px}
.table h3{font-size:15px;margin:0 0 6px}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid #e5e7eb;border-radius:8px}
.scroll-hint{font-size:12px;color:#4b5563;margin:0 0 4px}
.scroll-hint[hidden]{display:none}
.table-box{position:relative}
.table-box::after{content:"";position:absolute;top:1px;right:1px;bottom:1px;width:28px;border-radius:0 8px 8px 0;pointer-events:none;opacity:0;background:linear-gradient(to right,rgba(17,24,39,0),rgba(17,24,39,.18))}
.table-box.more-right::after{opacity:1}
.table-box.sticky-first th:first-child,.table-box.sticky-first td:first-child{position:sticky;left:0;z-index:1;background:#fff;box-shadow:inset -1px 0 0 #e5e7eb}
.table-box.sticky-first thead th:first-child{background:#f9fafb}
.table-box.sticky-first tr.partial td:first-child{background:#fffbeb}
.table-box.sticky-first.more-left td:first-child,.table-box.sticky-first.more-left th:first-child{box-shadow:inset -1px 0 0 #d1d5db,4px 0 6px -2px rgba(17,24,39,.15)}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 10px;border-bottom:1px solid #f3f4f6;text-align:left;vertical-align:top}
th{background:#f9fafb;font-weight:600;white-space:nowrap}
tr.groups th{white-space:normal;text-align:center;border-left:1px solid #e5e7eb;font-weight:500;color:#374151}
td.num,th.num{text-align:right;white-space:nowrap}
th.num{white-space:normal;min-width:64px}
td.nowrap{white-space:nowrap}
tr.partial td{background:#fffbeb}
td.empty{color:#6b7280}
footer{color:#6b7280;font-size:12px;padding:0 16px 24px;max-width:1280px;margin:0 auto}
@media (max-width:600px){header{padding:12px 14px}main{padding:4px 10px 24px}.tile-value{font-size:18px}.canvas-box{height:220px}.tiles{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (max-width:600px){
.table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.table.stack table,.table.stack tbody{display:block}
.table.stack tr{display:flex;flex-wrap:wrap;column-gap:12px;padding:8px 10px;border-bottom:1px solid #f3f4f6}
.table.stack td{display:block;padding:0;border:0;white-space:normal;overflow-wrap:anywhere}
.table.stack td:first-child{font-weight:600}
.table.stack td:last-child{flex-basis:100%;margin-top:2px}
.table.stack td.num{text-align:left}
.table.stack td.empty{font-weight:400}
}
`;

// Runs in the browser: draws every chart from its spec. Axis ticks are compact in the shop's currency ($1.6M),
// tooltips exact; days whose inputs had not all landed are shaded behind the data.
const CLIENT = `(function () {
  "use strict";
  // A table wider than its box scrolls inside it: say so above it, fade its cut-off edge while there is more to
  // the right, and keep its first column (the month, the channel, the day) in view if it is narrow.
  function markScroll(box) {
    var wrap = box.firstElementChild;
    var more = wrap.scrollWidth - wrap.clientWidth > 1;
    var hint = box.previousElementSibling;
    if (hint && hint.classList.contains("scroll-hint")) hint.hidden = !more;
    box.classList.toggle("more-right", more && wrap.scrollLeft + wrap.clientWidth < wrap.scrollWidth - 1);
    box.classList.toggle("more-left", more && wrap.scrollLeft > 1);
    var first = wrap.querySelector("tbody td:first-child");
    box.classList.toggle("sticky-first", more && !!first && first.offsetWidth <= wrap.clientWidth * 0.4);
  }
  // A tile's amount stays on one line: broken, "١٬٤٩٥٬٣٢٢ د.ك." put the dinar's symbol under its number and a
  // long amount read as two figures. Where an amount (a dinar's three decimals, seven digits of yen, an Indian
  // grouping) is wider than its tile, the font shrinks until the whole amount fits, measured rather than guessed
  // from its length since its width depends on the reader's fonts and script; the tiles of a row of tiles share
  // the smallest size, so that no figure looks bigger than its neighbours for being shorter.
  var tileRows = Array.prototype.slice.call(document.querySelectorAll(".tiles"));
  function fittedSize(value) {
    var size = parseFloat(getComputedStyle(value).fontSize);
    var text = document.createRange();
    text.selectNodeContents(value);
    while (size > 10 && text.getBoundingClientRect().width > value.clientWidth) {
      size -= 0.5;
      value.style.fontSize = size + "px";
    }
    return size;
  }
  function fitTiles() {
    tileRows.forEach(function (row) {
      var values = Array.prototype.slice.call(row.querySelectorAll(".tile-value"));
      values.forEach(function (value) { value.style.fontSize = ""; });
      var size = Math.min.apply(null, values.map(fittedSize));
      values.forEach(function (value) { value.style.fontSize = size + "px"; });
    });
  }
  fitTiles();
  if (document.fonts) document.fonts.ready.then(fitTiles);
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".table-box"));
  boxes.forEach(function (box) {
    box.firstElementChild.addEventListener("scroll", function () { markScroll(box); }, { passive: true });
    markScroll(box);
  });
  window.addEventListener("resize", function () { fitTiles(); boxes.forEach(markScroll); });
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var locale = data.locale, currency = data.currency;
  function nf(options) { return new Intl.NumberFormat(locale, options); }
  var compact = {
    money: function (v) { return nf({ style: "currency", currency: currency, notation: "compact", maximumFractionDigits: 1 }).format(v).replace(/(\\d)K(?![A-Za-z])/, "$1k"); },
    number: function (v) { return nf({ notation: "compact", maximumFractionDigits: 1 }).format(v); },
    ratio: function (v) { return nf({ maximumFractionDigits: 1 }).format(v); },
    percent: function (v) { return nf({ style: "percent", maximumFractionDigits: 1 }).format(v); }
  };
  var exact = {
    money: function (v) { return nf({ style: "currency", currency: currency }).format(v); },
    number: function (v) { return nf({ maximumFractionDigits: 2 }).format(v); },
    ratio: function (v) { return nf({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v); },
    percent: function (v) { return nf({ style: "percent", maximumFractionDigits: 2 }).format(v); }
  };
  var palette = ["#2563eb", "#f97316", "#10b981", "#a855f7", "#ef4444", "#14b8a6", "#eab308", "#64748b", "#ec4899", "#84cc16"];
  var shade = {
    id: "incompleteDays",
    beforeDatasetsDraw: function (chart, args, options) {
      var indexes = (options && options.indexes) || [];
      var x = chart.scales.x, area = chart.chartArea;
      if (!indexes.length || !x || !area) return;
      var step = chart.data.labels.length > 1 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) : area.right - area.left;
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = "rgba(245, 158, 11, 0.18)";
      indexes.forEach(function (i) { ctx.fillRect(x.getPixelForValue(i) - step / 2, area.top, step, area.bottom - area.top); });
      ctx.restore();
    }
  };
  function shortLabel(text) { text = String(text); return text.length > 22 ? text.slice(0, 21) + "\\u2026" : text; }
  // A label that names its bars is never skipped: too wide for its share of the axis, it breaks between words.
  var measure = document.createElement("canvas").getContext("2d");
  function wrappedLabel(text, room) {
    text = shortLabel(text);
    measure.font = Chart.defaults.font.size + "px " + Chart.defaults.font.family;
    if (measure.measureText(text).width <= room) return text;
    var lines = [];
    text.split(" ").forEach(function (word) {
      var last = lines[lines.length - 1];
      if (last !== undefined && measure.measureText(last + " " + word).width <= room) lines[lines.length - 1] = last + " " + word;
      else lines.push(word);
    });
    return lines;
  }
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  data.charts.forEach(function (spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) return;
    var doughnut = spec.type === "doughnut";
    var valueAxis = spec.horizontal ? "x" : "y", categoryAxis = spec.horizontal ? "y" : "x";
    var datasets = spec.series.map(function (series, i) {
      var line = series.kind === "line" || spec.type === "line";
      var color = palette[i % palette.length];
      return {
        type: doughnut ? "doughnut" : line ? "line" : "bar",
        label: series.label,
        data: series.data,
        yAxisID: spec.horizontal ? undefined : series.axis === "y2" ? "y2" : "y",
        backgroundColor: doughnut ? spec.labels.map(function (_, j) { return palette[j % palette.length]; }) : color,
        borderColor: doughnut ? "#fff" : color,
        borderWidth: line ? 2 : doughnut ? 1 : 0,
        pointRadius: line ? 2 : undefined,
        spanGaps: false,
        order: line ? 0 : 1,
        valueFormat: series.axis === "y2" ? spec.format2 : spec.format
      };
    });
    var scales = {};
    if (!doughnut) {
      // Days and months may thin out on a phone; names never do (a bar group without its name reads as nothing).
      var categoryTicks = spec.sequence
        ? { autoSkip: true, autoSkipPadding: 8, maxRotation: 0, callback: function (value) { return shortLabel(this.getLabelForValue(value)); } }
        : { autoSkip: false, maxRotation: spec.horizontal ? 0 : 90, callback: function (value) {
            var label = this.getLabelForValue(value);
            return spec.horizontal ? shortLabel(label) : wrappedLabel(label, (this.maxWidth || this.chart.width) / Math.max(1, spec.labels.length) - 6);
          } };
      scales[categoryAxis] = { stacked: !!spec.stacked, grid: { display: false }, ticks: categoryTicks };
      // Counts get whole-number ticks: "2.5 findings" is not a thing.
      scales[valueAxis] = { stacked: !!spec.stacked, beginAtZero: true, max: spec.max, ticks: { maxRotation: 0, precision: spec.format === "number" ? 0 : undefined, callback: function (v) { return compact[spec.format](v); } } };
      if (spec.format2) scales.y2 = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: spec.format2 === "number" ? 0 : undefined, callback: function (v) { return compact[spec.format2](v); } } };
    }
    new Chart(canvas, {
      type: doughnut ? "doughnut" : spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: scales,
        plugins: {
          legend: { display: doughnut || datasets.length > 1 || !!spec.legend, position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (item) {
            var value = spec.horizontal ? item.parsed.x : doughnut ? item.parsed : item.parsed.y;
            return (item.dataset.label ? item.dataset.label + ": " : "") + (value === null ? "n/a" : exact[item.dataset.valueFormat || spec.format](value));
          } } },
          incompleteDays: { indexes: spec.incomplete || [] }
        }
      },
      plugins: [shade]
    });
  });
})();`;

/** The page's HTML; `chartJs` is the text of Chart.js's UMD build (readChartJs). */
export function renderDashboardHtml(model: DashboardModel, chartJs: string): string {
  const fmt: NumberLocale = { currency: model.currency, locale: model.locale };
  const charts = model.pages.flatMap((page) => page.charts);
  const data = { locale: model.locale, currency: model.currency, charts };
  // The browser's tab and bookmark name the day as the page's header does; the footer's path keeps the ISO date.
  const title = `${model.shopName} · dashboard · ${formatLongDate(model.runDate, model.locale)}`;
  return `<!doctype html>
<html lang="${escapeHtml(model.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(model.isDemo ? `DEMO DATA · ${title}` : title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${htmlText(model.shopName)}</h1>
<p>Dashboard for ${htmlText(formatLongDate(model.runDate, model.locale))} · ${htmlText(trailingDaysTitle(model.shown))}: ${htmlText(formatDateRange(model.shown.from, model.shown.to, model.locale))} · ${htmlText(model.currency)}</p>
</header>
${model.isDemo ? "<div class=\"demo\">DEMO DATA: the generated demo shop's numbers, not a real shop's.</div>" : ""}
<nav>${model.pages.map((page) => `<a href="#${escapeHtml(page.id)}">${htmlText(page.title)}</a>`).join("")}</nav>
<main>
${model.pages.map((page) => pageHtml(page, fmt, model.window.days)).join("\n")}
</main>
<footer>Built from the run's CSV extracts (extracts/&lt;name&gt;/dt=${escapeHtml(model.runDate)}/). A figure marked * or shaded counts only the sources that had landed.</footer>
<script type="application/json" id="dashboard-data">${scriptSafeJson(data)}</script>
<script>${chartJs.replace(/<\/script/gi, "<\\/script")}</script>
<script>${CLIENT}</script>
</body>
</html>
`;
}

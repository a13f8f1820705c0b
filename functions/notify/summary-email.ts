// The 7am summary email, laid out: the content model (summary-model.ts) as mail-client HTML and as plain text.
// The HTML is built for a phone first: one fluid column (max 640 px, no fixed width anywhere), tables for layout
// and inline styles only (mail clients drop <style>), numbers never wrapped and words that could be longer than a
// phone's line (product names, URLs, finding messages) allowed to break anywhere.
import type { Severity } from "../shared/findings.ts";
import { NOT_AVAILABLE } from "../lib/reporting/display-format.ts";
import {
  EMAIL_COLORS,
  emailDocument,
  escapeHtml,
  htmlText,
  type RenderedEmail,
  safeHref,
} from "../lib/reporting/html.ts";
import type { ChangeTone } from "../lib/reporting/kpi-comparisons.ts";
import type { ReportData } from "../lib/reporting/report-data.ts";
import { listText } from "./alert-groups.ts";
import {
  buildSummaryModel,
  type ComparisonCell,
  plural,
  type SummaryExtras,
  type SummaryModel,
} from "./summary-model.ts";

export type { RenderedEmail } from "../lib/reporting/html.ts";
export { DEMO_MARK, EMAIL_CHANNEL_DAYS, EMAIL_TOP_PRODUCTS, type SummaryExtras } from "./summary-model.ts";

// ---------- HTML ----------

const c = EMAIL_COLORS;
// Text into element content; an attribute takes escapeHtml alone.
const h = htmlText;
const TONE_COLORS: Record<ChangeTone, string> = { good: c.good, bad: c.bad, neutral: c.muted };
const SEVERITY_COLORS: Record<Severity, string> = { critical: c.bad, warning: c.warning, info: c.info };
const SEVERITY_BACKGROUNDS: Record<Severity, string> = {
  critical: "#fef2f2",
  warning: "#fffbeb",
  info: "#eff6ff",
};

/** Free text (names, messages, URLs) may break anywhere rather than push the column wider than the phone. */
const WRAP = "word-break:break-word;overflow-wrap:anywhere;";
const PAD_X = 16;
const cellStyle = `padding:6px 6px;border-bottom:1px solid ${c.rule};font-size:14px;line-height:20px;`;
const headStyle = `padding:6px 6px;border-bottom:2px solid ${c.rule};font-size:12px;line-height:16px;color:${c.muted};font-weight:bold;`;
const TABLE = `role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;"`;

function section(title: string, content: string): string {
  return [
    `<tr><td style="padding:16px ${PAD_X}px 0 ${PAD_X}px;">`,
    `<h2 style="margin:0 0 8px 0;font-size:16px;line-height:22px;color:${c.ink};">${h(title)}</h2>`,
    content,
    "</td></tr>",
  ].join("\n");
}

function dataTable(headers: { text: string; align: "left" | "right" }[], rows: string[][]): string {
  const head = headers
    .map(
      (header) =>
        `<th align="${header.align}" style="${headStyle}text-align:${header.align};">${h(header.text)}</th>`,
    )
    .join("");
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells
          .map((cell, index) => {
            const align = headers[index]?.align ?? "left";
            // Left cells hold names (wrap them); right cells hold numbers (never split one).
            const wrap = align === "left" ? WRAP : "white-space:nowrap;";
            return `<td align="${align}" valign="top" style="${cellStyle}text-align:${align};${wrap}">${cell}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("\n");
  return `<table ${TABLE}>\n<tr>${head}</tr>\n${body}\n</table>`;
}

function comparisonHtml(header: string, cell: ComparisonCell): string {
  const color = TONE_COLORS[cell.tone];
  const change = cell.arrow ? `${cell.arrow}&nbsp;${h(cell.change)}` : h(cell.change);
  // "vs Sat 22 Nov 2025: ▲ +55%" stays whole, and so does the base; a line breaks only between them (a narrow
  // phone) or between comparisons.
  return `<span style="white-space:nowrap;">${h(header)}: <span style="color:${color};font-weight:bold;">${change}</span></span> <span style="color:${c.muted};white-space:nowrap;">(${h(cell.base)})</span>`;
}

function dayFiguresHtml(model: SummaryModel): string {
  const tiles = model.day
    .map((figure) => {
      const mark = figure.caveat
        ? `<div style="font-size:12px;line-height:16px;color:${c.warning};font-weight:bold;">* incomplete</div>`
        : "";
      return [
        `<td width="33%" valign="top" style="padding:8px 5px;border-right:1px solid ${c.rule};">`,
        `<div style="font-size:12px;line-height:16px;color:${c.muted};text-transform:uppercase;letter-spacing:0.5px;">${h(figure.label)}</div>`,
        `<div style="font-size:20px;line-height:26px;font-weight:bold;color:${c.ink};white-space:nowrap;">${h(figure.value)}</div>`,
        `<div style="font-size:12px;line-height:16px;color:${TONE_COLORS[figure.tone]};">${h(figure.change)}</div>`,
        mark,
        "</td>",
      ].join("");
    })
    .join("\n");
  const notes = model.day
    .filter((figure) => figure.caveat)
    .map(
      (figure) =>
        `<p style="margin:6px 0 0 0;font-size:12px;line-height:16px;color:${c.warning};${WRAP}">${h(`* ${figure.label} incomplete: ${figure.caveat}.`)}</p>`,
    )
    .join("\n");
  const retailEvent = model.retailEvent
    ? `<p style="margin:6px 0 0 0;font-size:12px;line-height:16px;color:${c.muted};${WRAP}">${h(model.retailEvent)}</p>`
    : "";
  return [
    // Narrower margins than the sections: three seven-figure values fit side by side on a 390px phone.
    `<tr><td style="padding:12px ${PAD_X - 4}px 0 ${PAD_X - 4}px;">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;border:1px solid ${c.rule};">`,
    `<tr>\n${tiles}\n</tr>`,
    "</table>",
    notes,
    retailEvent,
    "</td></tr>",
  ].join("\n");
}

function incidentsHtml(model: SummaryModel): string {
  const rows = model.incidents.length
    ? model.incidents
        .map((group) => {
          const color = SEVERITY_COLORS[group.severity];
          return [
            `<tr><td style="padding:8px 10px;border-left:4px solid ${color};background-color:${SEVERITY_BACKGROUNDS[group.severity]};font-size:14px;line-height:20px;${WRAP}">`,
            `<strong style="color:${color};">${h(group.name)}</strong>: ${h(listText(group.problems))} — ${h(group.action)}`,
            `<br><span style="font-size:12px;line-height:16px;color:${c.muted};">${h(group.memory)}</span>`,
            "</td></tr>",
            `<tr><td style="height:6px;line-height:6px;font-size:6px;">&nbsp;</td></tr>`,
          ].join("");
        })
        .join("\n")
    : `<tr><td style="padding:8px 10px;font-size:14px;line-height:20px;color:${c.good};font-weight:bold;">No alerts today.</td></tr>`;
  const resolved = model.resolved.length
    ? `\n<p style="margin:2px 0 0 0;font-size:13px;line-height:18px;color:${c.good};${WRAP}">${h(`Resolved since yesterday: ${model.resolved.join("; ")}.`)}</p>`
    : "";
  const reconciliation = model.reconciliation
    ? `\n<p style="margin:8px 0 0 0;font-size:13px;line-height:18px;color:${model.reconciliation.includes("MISMATCH") ? c.bad : c.muted};${WRAP}">${h(model.reconciliation)}</p>`
    : "";
  const title = model.incidents.length
    ? plural(model.alerts.length, "alert", "alerts") +
      ` from ${plural(model.incidents.length, "source", "sources")}`
    : "Alerts";
  return section(title, `<table ${TABLE}>\n${rows}\n</table>${resolved}${reconciliation}`);
}

function headlineHtml(model: SummaryModel): string {
  const rows = model.headline
    .map((row) => {
      const caveat = row.caveat
        ? `<br><span style="color:${c.warning};font-size:12px;line-height:16px;">${h(`incomplete: ${row.caveat}`)}</span>`
        : "";
      const comparisons = row.comparisons
        .map((cell, index) => comparisonHtml(model.comparisonHeaders[index] ?? "", cell))
        .join(" &middot; ");
      // One row per metric: the label with its comparisons under it, the value on the right.
      const cell = `padding:8px 6px;border-bottom:1px solid ${c.rule};`;
      return [
        `<tr><td valign="top" style="${cell}font-size:14px;line-height:20px;${WRAP}">${h(row.label)}${caveat}`,
        `<div style="margin-top:2px;font-size:12px;line-height:18px;">${comparisons}</div></td>`,
        `<td align="right" valign="top" style="${cell}font-size:15px;line-height:20px;text-align:right;white-space:nowrap;"><strong>${h(row.value)}</strong></td></tr>`,
      ].join("\n");
    })
    .join("\n");
  const note = model.comparisonsNote
    ? `\n<p style="margin:8px 0 0 0;font-size:13px;line-height:18px;color:${c.muted};${WRAP}">${h(model.comparisonsNote)}</p>`
    : "";
  return section(
    "Compared",
    `<table ${TABLE}>\n${rows}\n</table>${note}\n<p style="margin:8px 0 0 0;font-size:13px;line-height:18px;color:${c.muted};${WRAP}">${h(model.monthToDate)}</p>`,
  );
}

const notAvailable = `<span style="color:${c.muted};">${h(NOT_AVAILABLE)}</span>`;

function channelsHtml(model: SummaryModel): string {
  return section(
    model.channelsHeading,
    model.channels.length
      ? dataTable(
          [
            { text: "Channel", align: "left" },
            { text: "Spend", align: "right" },
            { text: "Attributed revenue", align: "right" },
            { text: "ROAS", align: "right" },
          ],
          model.channels.map((channel) =>
            channel.spend === null
              ? [
                  `${h(channel.name)}<br><span style="color:${c.bad};font-size:12px;">${h(channel.missing ?? `no data since ${channel.lastDay}`)}</span>`,
                  notAvailable,
                  channel.attributedRevenue === null ? notAvailable : h(channel.attributedRevenue),
                  notAvailable,
                ]
              : [
                  h(channel.name),
                  h(channel.spend),
                  h(channel.attributedRevenue ?? NOT_AVAILABLE),
                  h(channel.roas ?? NOT_AVAILABLE),
                ],
          ),
        )
      : `<p style="margin:0;font-size:14px;color:${c.muted};">${h(model.channelsEmpty)}</p>`,
  );
}

function productsHtml(model: SummaryModel): string {
  return section(
    model.productsHeading,
    model.products.length
      ? dataTable(
          [
            { text: "Product", align: "left" },
            { text: "Units", align: "right" },
            { text: "Revenue", align: "right" },
          ],
          model.products.map((product) => [
            `${product.rank}. ${h(product.name)}`,
            h(product.units),
            h(product.revenue),
          ]),
        )
      : `<p style="margin:0;font-size:14px;color:${c.muted};">No product sales recorded.</p>`,
  );
}

function alertDetailsHtml(model: SummaryModel): string {
  const items = model.alerts.length
    ? model.alerts
        .map(
          (alert) =>
            `<tr><td style="${cellStyle}${WRAP}"><span style="color:${SEVERITY_COLORS[alert.tone]};font-weight:bold;font-size:12px;">${h(alert.severity)}</span> <span style="color:${c.muted};font-size:12px;">${h(`${alert.source} · ${alert.memory}`)}</span><br>${h(alert.message)}</td></tr>`,
        )
        .join("\n")
    : `<tr><td style="${cellStyle}color:${c.good};">No alerts.</td></tr>`;
  const infoNote = model.infoCount
    ? `\n<p style="margin:8px 0 0 0;font-size:13px;color:${c.muted};">${h(`${plural(model.infoCount, "informational finding", "informational findings")} in the deck.`)}</p>`
    : "";
  return section("Alert details", `<table ${TABLE}>\n${items}\n</table>${infoNote}`);
}

function linksHtml(model: SummaryModel): string {
  const links = model.links
    .map((link) => {
      const href = safeHref(link.url);
      return href
        ? `<a href="${escapeHtml(href)}" style="color:${c.info};font-weight:bold;text-decoration:underline;">${h(link.label)}</a>`
        : `${h(link.label)}: ${h(link.url)}`;
    })
    .join(" &nbsp;·&nbsp; ");
  return section("Links", `<p style="margin:0;font-size:14px;line-height:22px;${WRAP}">${links}</p>`);
}

/**
 * The line an inbox shows under the subject: the day's figures and the worst incident, so the list view alone
 * tells the day (the subject already has the shop and the date).
 */
function preheader(model: SummaryModel): string {
  const figures = model.day.map(
    (figure) => `${figure.label} ${figure.value}${figure.caveat ? " (incomplete)" : ""}`,
  );
  const worst = model.incidents[0];
  const incident = worst ? `${worst.name}: ${listText(worst.problems)}` : "No alerts today";
  return [...figures, incident].join(" · ");
}

function renderHtml(model: SummaryModel): string {
  const rows: string[] = [
    [
      `<tr><td style="padding:16px ${PAD_X}px;background-color:${c.accent};color:#ffffff;">`,
      `<div style="font-size:13px;line-height:18px;color:#c7d2fe;${WRAP}">${h(model.shopName)}</div>`,
      `<h1 style="margin:4px 0 0 0;font-size:20px;line-height:26px;color:#ffffff;">${h(model.heading)}</h1>`,
      "</td></tr>",
    ].join("\n"),
  ];
  if (model.staleShop) {
    rows.push(
      `<tr><td style="padding:12px ${PAD_X}px;background-color:#fef2f2;color:${c.bad};font-size:15px;line-height:20px;font-weight:bold;">${h(model.staleShop)}</td></tr>`,
    );
  }
  rows.push(dayFiguresHtml(model), incidentsHtml(model), headlineHtml(model));
  rows.push(channelsHtml(model), productsHtml(model), alertDetailsHtml(model));
  if (model.links.length) rows.push(linksHtml(model));
  rows.push(
    `<tr><td style="padding:20px ${PAD_X}px;font-size:12px;line-height:16px;color:${c.muted};${WRAP}">${h(model.footer)}</td></tr>`,
  );
  return emailDocument({ title: model.subject, preheader: preheader(model), body: rows.join("\n") });
}

// ---------- plain text ----------

function comparisonText(header: string, cell: ComparisonCell): string {
  const change = cell.arrow ? `${cell.arrow} ${cell.change}` : cell.change;
  return `${header}: ${cell.base} (${change})`;
}

function renderText(model: SummaryModel): string {
  const lines: string[] = [model.shopName, model.heading, ""];
  if (model.staleShop) lines.push(model.staleShop.toUpperCase(), "");
  for (const figure of model.day) {
    const caveat = figure.caveat ? ` (incomplete: ${figure.caveat})` : "";
    lines.push(`${figure.label}: ${figure.value} (${figure.change})${caveat}`);
  }
  if (model.retailEvent) lines.push(model.retailEvent);
  lines.push("");
  if (model.incidents.length) {
    lines.push(
      `${plural(model.alerts.length, "alert", "alerts")} from ${plural(model.incidents.length, "source", "sources")}`.toUpperCase(),
    );
    for (const group of model.incidents) {
      lines.push(`- ${group.name}: ${listText(group.problems)} — ${group.action} · ${group.memory}`);
    }
  } else {
    lines.push("ALERTS", "No alerts today.");
  }
  if (model.resolved.length) lines.push(`Resolved since yesterday: ${model.resolved.join("; ")}.`);
  if (model.reconciliation) lines.push(model.reconciliation);
  lines.push("", "COMPARED");
  for (const row of model.headline) {
    const comparisons = row.comparisons.map((cell, index) =>
      comparisonText(model.comparisonHeaders[index] ?? "", cell),
    );
    const caveat = row.caveat ? ` (incomplete: ${row.caveat})` : "";
    lines.push(
      `- ${row.label}: ${row.value}${caveat}${comparisons.length ? ` | ${comparisons.join(" | ")}` : ""}`,
    );
  }
  if (model.comparisonsNote) lines.push(model.comparisonsNote);
  lines.push(model.monthToDate, "", model.channelsHeading.toUpperCase());
  if (!model.channels.length) lines.push(model.channelsEmpty);
  for (const channel of model.channels) {
    lines.push(
      channel.spend === null
        ? `- ${channel.name}: spend ${NOT_AVAILABLE}, attributed revenue ${channel.attributedRevenue ?? NOT_AVAILABLE}, ROAS ${NOT_AVAILABLE} (${channel.missing ?? `no data since ${channel.lastDay}`})`
        : `- ${channel.name}: spend ${channel.spend}, attributed revenue ${channel.attributedRevenue}, ROAS ${channel.roas}`,
    );
  }
  lines.push("", model.productsHeading.toUpperCase());
  if (!model.products.length) lines.push("No product sales recorded.");
  for (const product of model.products) {
    lines.push(
      `${product.rank}. ${product.name}: ${product.units} unit${product.units === "1" ? "" : "s"}, ${product.revenue}`,
    );
  }
  lines.push("", "ALERT DETAILS");
  if (!model.alerts.length) lines.push("No alerts.");
  for (const alert of model.alerts) {
    lines.push(`- [${alert.severity}] ${alert.source} · ${alert.memory}: ${alert.message}`);
  }
  if (model.infoCount) {
    lines.push(`${plural(model.infoCount, "informational finding", "informational findings")} in the deck.`);
  }
  if (model.links.length) {
    lines.push("", "LINKS");
    for (const link of model.links) lines.push(`${link.label}: ${link.url}`);
  }
  lines.push("", model.footer, "");
  return lines.join("\n");
}

export function buildSummaryEmail(data: ReportData, extras: SummaryExtras = {}): RenderedEmail {
  const model = buildSummaryModel(data, extras);
  return { subject: model.subject, html: renderHtml(model), text: renderText(model) };
}

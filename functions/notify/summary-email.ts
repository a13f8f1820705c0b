// The 7am summary email: how the run day went against the day before, last week and last year, per channel,
// top products, and the alerts that matter. One content model feeds both the HTML and the plain-text part, so
// they cannot disagree on a number.
import { arrowFor, formatKpi } from "../lib/reporting/kpi-format.ts";
import { addDays } from "../lib/calendar.ts";
import type { Severity } from "../shared/findings.ts";
import { sortFindings } from "../shared/findings.ts";
import {
  formatChange,
  formatDateRange,
  formatLongDate,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatRatio,
  formatWeekday,
  formatWeekdayDate,
  NOT_AVAILABLE,
  type NumberLocale,
} from "../lib/reporting/display-format.ts";
import {
  EMAIL_COLORS,
  emailDocument,
  escapeHtml,
  type RenderedEmail,
  safeHref,
  sanitizeHeader,
} from "../lib/reporting/html.ts";
import {
  type ChangeTone,
  compareKpis,
  comparisonDates,
  type KpiMetric,
  type MetricChange,
  monthToDate,
  monthToDateRanges,
} from "../lib/reporting/kpi-comparisons.ts";
import type { ReportData } from "../lib/reporting/report-data.ts";
import { channelLabel } from "../lib/sql/channels.ts";
import {
  missingSourcesCaveat,
  periodSpendCaveat,
  sourceDisplayName,
  staleShopBanner,
} from "../lib/reporting/completeness.ts";

export type { RenderedEmail } from "../lib/reporting/html.ts";

export const EMAIL_TOP_PRODUCTS = 5;
/** How a demo run's email says its numbers are invented. */
export const DEMO_MARK = "DEMO DATA";
export const EMAIL_CHANNEL_DAYS = 28;

const HEADLINE_METRICS: readonly KpiMetric[] = [
  "gross_revenue",
  "orders",
  "aov",
  "new_customers",
  "ad_spend",
  "blended_roas",
  "mer",
];

const HEADLINE_LABELS: Partial<Record<KpiMetric, string>> = {
  gross_revenue: "Revenue (gross)",
  orders: "Orders",
  aov: "AOV",
  new_customers: "New customers",
  ad_spend: "Ad spend",
  blended_roas: "Blended ROAS",
  mer: "MER",
};

const SEVERITY_LABELS: Record<Severity, string> = { critical: "CRITICAL", warning: "WARNING", info: "INFO" };

interface ComparisonCell {
  base: string;
  change: string;
  arrow: string;
  tone: ChangeTone;
}

interface HeadlineRow {
  label: string;
  value: string;
  comparisons: ComparisonCell[];
  /** "excludes Meta, TikTok: no data since Tue 24 Nov" when a source the value needs had not landed. */
  caveat?: string;
}

interface ChannelLine {
  name: string;
  /** Null when the channel has no row for the run day (e.g. a stale source). */
  spend: string | null;
  attributedRevenue: string | null;
  roas: string | null;
  lastDay: string;
}

interface ProductLine {
  rank: number;
  name: string;
  units: string;
  revenue: string;
}

interface AlertLine {
  severity: string;
  tone: Severity;
  message: string;
}

interface SummaryModel {
  subject: string;
  /** The primary source (Shopify) is critically stale: said first, above everything else. */
  staleShop?: string;
  shopName: string;
  heading: string;
  comparisonHeaders: string[];
  headline: HeadlineRow[];
  monthToDate: string;
  channels: ChannelLine[];
  channelsHeading: string;
  products: ProductLine[];
  productsHeading: string;
  alerts: AlertLine[];
  infoCount: number;
  links: { label: string; url: string }[];
  footer: string;
}

function comparisonCell(metric: KpiMetric, change: MetricChange, fmt: NumberLocale): ComparisonCell {
  return {
    base: formatKpi(metric, change.base, fmt),
    change: formatChange(change.change, fmt.locale),
    arrow: arrowFor(change.direction),
    tone: change.tone,
  };
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function buildModel(data: ReportData): SummaryModel {
  const fmt: NumberLocale = { currency: data.shop.currency, locale: data.shop.locale };
  const { locale } = fmt;
  const dates = comparisonDates(data.runDate);
  const runDay = formatWeekdayDate(data.runDate, locale);
  const weekday = formatWeekday(data.runDate, locale);
  const comparisons = compareKpis(data.daily, data.runDate, HEADLINE_METRICS);
  const byMetric = new Map(comparisons.map((comparison) => [comparison.metric, comparison]));

  const findings = sortFindings(data.findings);
  const alerts = findings.filter((finding) => finding.severity !== "info");

  // Shopify critically stale: the day's sales are not in yet, so no number below is the day's business.
  const shopify = data.sources.find((source) => source.source === "shopify" && source.status === "critical");
  const staleShop = staleShopBanner(data, locale);
  const revenue = byMetric.get("gross_revenue");
  const roas = byMetric.get("blended_roas");
  // An incomplete ROAS is never the subject's headline: the subject says what it is waiting for instead.
  const roasMissing = roas?.missingSources ?? [];
  const subject = sanitizeHeader(
    [
      ...(data.demo ? [DEMO_MARK] : []),
      data.shop.name,
      runDay,
      shopify
        ? `Shopify data stale (last order day ${formatWeekdayDate(shopify.lastEventDate, locale)})`
        : `${formatMoneyCompact(revenue?.value, fmt)} revenue (${formatChange(revenue?.lastWeek.change, locale)} vs last ${weekday})`,
      roasMissing.length
        ? `ROAS incomplete (no ${roasMissing.map(sourceDisplayName).join(", ")} data)`
        : `ROAS ${formatRatio(roas?.value, locale, 1)}`,
      plural(alerts.length, "alert", "alerts"),
    ].join(" · "),
  );

  const mtd = monthToDate(data.daily, data.runDate);
  const ranges = monthToDateRanges(data.runDate);
  const mtdCaveat = periodSpendCaveat(data.daily, mtd.current, data.runDate, locale);
  const monthToDateLine = `Month to date (${formatDateRange(ranges.current.from, ranges.current.to, locale)}): revenue ${formatMoney(mtd.current?.gross_revenue, fmt)} vs ${formatMoney(mtd.previous?.gross_revenue, fmt)} for ${formatDateRange(ranges.previous.from, ranges.previous.to, locale)} (${formatChange(mtd.changes.gross_revenue.change, locale)}); ad spend ${formatMoney(mtd.current?.ad_spend, fmt)}; blended ROAS ${formatRatio(mtd.current?.blended_roas, locale, 2)}${mtdCaveat ? ` (incomplete: ${mtdCaveat})` : ""}.`;

  const windowStart = addDays(data.runDate, -(EMAIL_CHANNEL_DAYS - 1));
  const window = data.channels.filter((row) => row.date >= windowStart && row.date <= data.runDate);
  const channelNames = [...new Set(window.map((row) => row.channel))];
  const spendOf = (channel: string) =>
    window.filter((row) => row.channel === channel).reduce((sum, row) => sum + row.spend, 0);
  channelNames.sort((a, b) => spendOf(b) - spendOf(a) || a.localeCompare(b));
  const channels: ChannelLine[] = channelNames.map((channel) => {
    const rows = window.filter((row) => row.channel === channel);
    const today = rows.find((row) => row.date === data.runDate);
    const lastDay =
      rows
        .map((row) => row.date)
        .sort()
        .at(-1) ?? null;
    return {
      name: channelLabel(channel),
      spend: today ? formatMoney(today.spend, fmt) : null,
      attributedRevenue: today ? formatMoney(today.attributed_revenue, fmt) : null,
      roas: today ? formatRatio(today.roas, locale, 2) : null,
      lastDay: formatWeekdayDate(lastDay, locale),
    };
  });

  const links: SummaryModel["links"] = [];
  if (data.links.dashboard) links.push({ label: "Open the dashboard", url: data.links.dashboard });
  if (data.links.deck) links.push({ label: "Download the deck", url: data.links.deck });

  return {
    subject,
    ...(staleShop ? { staleShop } : {}),
    shopName: data.demo ? `${data.shop.name} — ${DEMO_MARK}, not a real shop's numbers` : data.shop.name,
    heading: `Daily summary — ${formatLongDate(data.runDate, locale)}`,
    comparisonHeaders: [
      `vs ${formatWeekdayDate(dates.previousDay, locale)}`,
      `vs ${formatWeekdayDate(dates.lastWeek, locale)}`,
      `vs ${formatLongDate(dates.lastYear, locale)}`,
    ],
    headline: comparisons.map((comparison) => ({
      label: HEADLINE_LABELS[comparison.metric] ?? comparison.metric,
      value: formatKpi(comparison.metric, comparison.value, fmt),
      comparisons: [comparison.previousDay, comparison.lastWeek, comparison.lastYear].map((change) =>
        comparisonCell(comparison.metric, change, fmt),
      ),
      ...(comparison.missingSources.length
        ? { caveat: missingSourcesCaveat(data.daily, comparison.missingSources, data.runDate, locale) }
        : {}),
    })),
    monthToDate: monthToDateLine,
    channels,
    channelsHeading: `Channels — ${runDay}`,
    products: data.topProducts.slice(0, EMAIL_TOP_PRODUCTS).map((product, index) => ({
      rank: index + 1,
      name: product.product_title,
      units: formatNumber(product.units, locale),
      revenue: formatMoney(product.revenue, fmt),
    })),
    productsHeading: `Top products — ${runDay}`,
    alerts: alerts.map((finding) => ({
      severity: SEVERITY_LABELS[finding.severity],
      tone: finding.severity,
      message: finding.message,
    })),
    infoCount: findings.length - alerts.length,
    links,
    footer: `Sent by DTC Pulse for ${data.shop.name}, run date ${data.runDate}.`,
  };
}

// ---------- HTML ----------

const c = EMAIL_COLORS;
const h = escapeHtml;
const TONE_COLORS: Record<ChangeTone, string> = { good: c.good, bad: c.bad, neutral: c.muted };
const SEVERITY_COLORS: Record<Severity, string> = { critical: c.bad, warning: c.warning, info: c.info };

const cellStyle = `padding:6px 8px;border-bottom:1px solid ${c.rule};font-size:14px;line-height:20px;`;
const headStyle = `padding:6px 8px;border-bottom:2px solid ${c.rule};font-size:12px;line-height:16px;color:${c.muted};font-weight:bold;`;

function section(title: string, content: string): string {
  return [
    '<tr><td style="padding:16px 24px 0 24px;">',
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
            return `<td align="${align}" style="${cellStyle}text-align:${align};">${cell}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("\n");
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">\n<tr>${head}</tr>\n${body}\n</table>`;
}

function comparisonHtml(cell: ComparisonCell): string {
  const color = TONE_COLORS[cell.tone];
  const change = cell.arrow ? `${cell.arrow}&nbsp;${h(cell.change)}` : h(cell.change);
  return `<span style="color:${color};font-weight:bold;">${change}</span><br><span style="color:${c.muted};font-size:12px;">${h(cell.base)}</span>`;
}

function renderHtml(model: SummaryModel): string {
  const rows: string[] = [];
  rows.push(
    [
      `<tr><td style="padding:20px 24px;background-color:${c.accent};color:#ffffff;">`,
      `<div style="font-size:13px;line-height:18px;color:#c7d2fe;">${h(model.shopName)}</div>`,
      `<h1 style="margin:4px 0 0 0;font-size:22px;line-height:28px;color:#ffffff;">${h(model.heading)}</h1>`,
      "</td></tr>",
    ].join("\n"),
  );
  if (model.staleShop) {
    rows.push(
      `<tr><td style="padding:12px 24px;background-color:#fef2f2;color:${c.bad};font-size:15px;font-weight:bold;">${h(model.staleShop)}</td></tr>`,
    );
  }
  if (model.alerts.length) {
    const worst = model.alerts[0]?.tone ?? "warning";
    rows.push(
      `<tr><td style="padding:12px 24px;background-color:#fef2f2;color:${SEVERITY_COLORS[worst]};font-size:14px;font-weight:bold;">${h(plural(model.alerts.length, "alert needs attention", "alerts need attention"))}: see below.</td></tr>`,
    );
  }
  rows.push(
    section(
      "Headline",
      dataTable(
        [
          { text: "Metric", align: "left" },
          { text: "Value", align: "right" },
          ...model.comparisonHeaders.map((text) => ({ text, align: "right" as const })),
        ],
        model.headline.map((row) => [
          row.caveat
            ? `${h(row.label)}<br><span style="color:${c.warning};font-size:12px;">${h(`incomplete: ${row.caveat}`)}</span>`
            : h(row.label),
          `<strong>${h(row.value)}</strong>`,
          ...row.comparisons.map(comparisonHtml),
        ]),
      ) +
        `\n<p style="margin:8px 0 0 0;font-size:13px;line-height:18px;color:${c.muted};">${h(model.monthToDate)}</p>`,
    ),
  );
  rows.push(
    section(
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
                    `${h(channel.name)}<br><span style="color:${c.bad};font-size:12px;">${h(`no data since ${channel.lastDay}`)}</span>`,
                    `<span style="color:${c.muted};">${h(NOT_AVAILABLE)}</span>`,
                    `<span style="color:${c.muted};">${h(NOT_AVAILABLE)}</span>`,
                    `<span style="color:${c.muted};">${h(NOT_AVAILABLE)}</span>`,
                  ]
                : [
                    h(channel.name),
                    h(channel.spend),
                    h(channel.attributedRevenue ?? NOT_AVAILABLE),
                    h(channel.roas ?? NOT_AVAILABLE),
                  ],
            ),
          )
        : `<p style="margin:0;font-size:14px;color:${c.muted};">No channel data in the last ${EMAIL_CHANNEL_DAYS} days.</p>`,
    ),
  );
  rows.push(
    section(
      model.productsHeading,
      model.products.length
        ? dataTable(
            [
              { text: "#", align: "right" },
              { text: "Product", align: "left" },
              { text: "Units", align: "right" },
              { text: "Revenue", align: "right" },
            ],
            model.products.map((product) => [
              String(product.rank),
              h(product.name),
              h(product.units),
              h(product.revenue),
            ]),
          )
        : `<p style="margin:0;font-size:14px;color:${c.muted};">No product sales recorded.</p>`,
    ),
  );
  const alertItems = model.alerts.length
    ? model.alerts
        .map(
          (alert) =>
            `<tr><td valign="top" style="${cellStyle}white-space:nowrap;color:${SEVERITY_COLORS[alert.tone]};font-weight:bold;font-size:12px;">${h(alert.severity)}</td><td style="${cellStyle}">${h(alert.message)}</td></tr>`,
        )
        .join("\n")
    : `<tr><td style="${cellStyle}color:${c.good};">No alerts.</td></tr>`;
  const infoNote = model.infoCount
    ? `\n<p style="margin:8px 0 0 0;font-size:13px;color:${c.muted};">${h(`${plural(model.infoCount, "informational finding", "informational findings")} in the deck.`)}</p>`
    : "";
  rows.push(
    section(
      "Alerts",
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">\n${alertItems}\n</table>${infoNote}`,
    ),
  );
  if (model.links.length) {
    const links = model.links
      .map((link) => {
        const href = safeHref(link.url);
        return href
          ? `<a href="${h(href)}" style="color:${c.info};font-weight:bold;text-decoration:underline;">${h(link.label)}</a>`
          : `${h(link.label)}: ${h(link.url)}`;
      })
      .join(" &nbsp;·&nbsp; ");
    rows.push(section("Links", `<p style="margin:0;font-size:14px;line-height:20px;">${links}</p>`));
  }
  rows.push(
    `<tr><td style="padding:20px 24px;font-size:12px;line-height:16px;color:${c.muted};">${h(model.footer)}</td></tr>`,
  );
  return emailDocument({ title: model.subject, preheader: model.subject, body: rows.join("\n") });
}

// ---------- plain text ----------

function comparisonText(header: string, cell: ComparisonCell): string {
  const change = cell.arrow ? `${cell.arrow} ${cell.change}` : cell.change;
  return `${header}: ${cell.base} (${change})`;
}

function renderText(model: SummaryModel): string {
  const lines: string[] = [model.shopName, model.heading, ""];
  if (model.staleShop) lines.push(model.staleShop.toUpperCase(), "");
  if (model.alerts.length) {
    lines.push(
      `${plural(model.alerts.length, "alert needs attention", "alerts need attention")}: see below.`,
      "",
    );
  }
  lines.push("HEADLINE");
  for (const row of model.headline) {
    const comparisons = row.comparisons.map((cell, index) =>
      comparisonText(model.comparisonHeaders[index] ?? "", cell),
    );
    const caveat = row.caveat ? ` (incomplete: ${row.caveat})` : "";
    lines.push(`- ${row.label}: ${row.value}${caveat} | ${comparisons.join(" | ")}`);
  }
  lines.push(model.monthToDate, "", model.channelsHeading.toUpperCase());
  if (!model.channels.length) lines.push(`No channel data in the last ${EMAIL_CHANNEL_DAYS} days.`);
  for (const channel of model.channels) {
    lines.push(
      channel.spend === null
        ? `- ${channel.name}: spend ${NOT_AVAILABLE}, attributed revenue ${NOT_AVAILABLE}, ROAS ${NOT_AVAILABLE} (no data since ${channel.lastDay})`
        : `- ${channel.name}: spend ${channel.spend}, attributed revenue ${channel.attributedRevenue}, ROAS ${channel.roas}`,
    );
  }
  lines.push("", model.productsHeading.toUpperCase());
  if (!model.products.length) lines.push("No product sales recorded.");
  for (const product of model.products) {
    lines.push(`${product.rank}. ${product.name}: ${product.units} units, ${product.revenue}`);
  }
  lines.push("", "ALERTS");
  if (!model.alerts.length) lines.push("No alerts.");
  for (const alert of model.alerts) lines.push(`- [${alert.severity}] ${alert.message}`);
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

export function buildSummaryEmail(data: ReportData): RenderedEmail {
  const model = buildModel(data);
  return { subject: model.subject, html: renderHtml(model), text: renderText(model) };
}

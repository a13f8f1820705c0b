// The dashboard's pages built on the Looker extracts that came later: campaigns (campaign_daily, the trailing
// window), geography (geographic_sales, the last 12 months) and cohorts (ltv_cohorts, the last 12 acquisition
// months). Each says which extract it lacks rather than failing the report.
import { formatMonthShort } from "../lib/reporting/display-format.ts";
import {
  COHORTS_SHOWN,
  type DashboardContext,
  GEOGRAPHY_MONTHS,
  type DashboardPage,
  type ExtractRow,
  type ExtractTables,
  groupRows,
  inWindow,
  incompleteCaveat,
  isTrue,
  label,
  missingPage,
  monthLabel,
  monthSpan,
  monthsBack,
  num,
  ratio,
  roundAmount,
  sum,
} from "./dashboard-rows.ts";

export const TOP_CAMPAIGNS = 10;
export const TOP_COUNTRIES = 10;
export const TOP_REGIONS = 10;
/** Cohorts drawn as lines on the revenue-per-customer chart (more would be unreadable on a phone). */
export const COHORT_LINES = 6;

function campaignsPage(tables: ExtractTables, context: DashboardContext): DashboardPage {
  const page = missingPage("campaigns", "Campaigns", ["campaign_daily"], tables);
  const source = tables.campaign_daily;
  if (!source) return page;
  const rows = inWindow(source, context.from, context.to);
  // A campaign is its platform's campaign id; a UTM campaign no platform knows keeps its text as its name.
  const groups = groupRows(rows, (row) => `${row.channel}|${row.campaign_id || row.campaign_name}`);
  const campaigns = [...groups.values()].map((own) => {
    const first = own[0] as ExtractRow;
    const spend = sum(own, "spend");
    const revenue = sum(own, "attributed_revenue");
    const incompleteDays = new Set(own.filter((row) => !isTrue(row, "is_complete")).map((row) => row.date))
      .size;
    return {
      channel: first.channel ?? "",
      name: first.campaign_name || first.campaign_id || "(no campaign)",
      spend,
      impressions: sum(own, "impressions"),
      clicks: sum(own, "clicks"),
      orders: sum(own, "attributed_orders"),
      revenue,
      platformValue: sum(own, "platform_conversion_value"),
      incompleteDays,
    };
  });
  // A platform that had not landed leaves no campaign rows at all for its days: the channel rows say which.
  const channelRows = tables.marketing_daily_channel
    ? inWindow(tables.marketing_daily_channel, context.from, context.to).filter((row) =>
        campaigns.some((item) => item.channel === row.channel),
      )
    : [];
  for (const item of campaigns)
    item.incompleteDays = Math.max(
      item.incompleteDays,
      channelRows.filter((row) => row.channel === item.channel && !isTrue(row, "is_complete")).length,
    );
  campaigns.sort((a, b) => b.spend - a.spend || b.revenue - a.revenue || a.name.localeCompare(b.name));
  const caveat = incompleteCaveat(rows, context.locale) ?? incompleteCaveat(channelRows, context.locale);
  const spend = roundAmount(campaigns.reduce((total, item) => total + item.spend, 0));
  // Revenue and ROAS are over the channels with spend, as on the channels page: the UTM campaigns of a channel no
  // ad platform reports for (a source the shop has not connected, or email) have orders but no spend, and their
  // revenue over the others' spend would flatter ROAS.
  const withSpend = new Set(campaigns.filter((item) => item.spend > 0).map((item) => item.channel));
  const revenue = roundAmount(
    campaigns.filter((item) => withSpend.has(item.channel)).reduce((total, item) => total + item.revenue, 0),
  );
  const leftOut = [
    ...new Set(
      campaigns
        .filter((item) => !withSpend.has(item.channel) && (item.revenue > 0 || item.orders > 0))
        .map((item) => label(item.channel)),
    ),
  ];
  const leftOutNote = leftOut.length
    ? `Channels with spend; leaves out ${leftOut.join(", ")}: no spend`
    : undefined;
  page.tiles = [
    {
      id: "campaigns_with_spend",
      label: "Campaigns with spend",
      value: campaigns.filter((item) => item.spend > 0).length,
      format: "number",
    },
    { id: "campaign_spend", label: "Campaign spend", value: spend, format: "money", caveat },
    {
      id: "campaign_revenue",
      label: "UTM-attributed revenue",
      value: revenue,
      format: "money",
      ...(leftOutNote ? { note: leftOutNote } : {}),
    },
    {
      id: "campaign_roas",
      label: "Campaign ROAS",
      value: ratio(revenue, spend, 2),
      format: "ratio",
      caveat,
      ...(leftOutNote ? { note: leftOutNote } : {}),
    },
  ];
  const top = campaigns.filter((item) => item.spend > 0).slice(0, TOP_CAMPAIGNS);
  const names = top.map((item) => `${item.name} (${label(item.channel)})${item.incompleteDays ? " *" : ""}`);
  if (top.length) {
    page.charts.push({
      id: "campaigns-top",
      title: `Top ${top.length} campaigns by spend`,
      type: "bar",
      horizontal: true,
      labels: names,
      series: [
        { label: "Spend", data: top.map((item) => item.spend) },
        { label: "Attributed revenue", data: top.map((item) => item.revenue) },
      ],
      format: "money",
      caveat: caveat ? `* ${caveat}` : undefined,
    });
    page.charts.push({
      id: "campaigns-roas",
      title: "ROAS: UTM-attributed against platform-reported",
      type: "bar",
      horizontal: true,
      labels: names,
      series: [
        { label: "Attributed ROAS", data: top.map((item) => ratio(item.revenue, item.spend, 2)) },
        { label: "Platform ROAS", data: top.map((item) => ratio(item.platformValue, item.spend, 2)) },
      ],
      format: "ratio",
      caveat:
        "Platform ROAS is what the ad platform claims; attributed ROAS counts the shop's orders by UTM.",
    });
  } else page.notes.push(`No campaign spent anything in the last ${context.shownDays.length} days.`);
  page.tables.push({
    id: "campaigns-table",
    title: `Campaigns, ${context.shownDays.length} days`,
    columns: [
      { label: "Campaign", format: "text" },
      { label: "Channel", format: "text" },
      { label: "Spend", format: "money" },
      { label: "Clicks", format: "number" },
      { label: "CTR", format: "percent" },
      { label: "Orders", format: "number" },
      { label: "Revenue", format: "money" },
      { label: "ROAS", format: "ratio" },
      { label: "Platform ROAS", format: "ratio" },
    ],
    rows: campaigns.map((item) => [
      item.name,
      label(item.channel),
      item.spend,
      item.clicks,
      ratio(item.clicks, item.impressions),
      item.orders,
      item.revenue,
      ratio(item.revenue, item.spend, 2),
      ratio(item.platformValue, item.spend, 2),
    ]),
    incompleteRows: campaigns.flatMap((item, index) => (item.incompleteDays ? [index] : [])),
  });
  return page;
}

function geographyPage(tables: ExtractTables, context: DashboardContext): DashboardPage {
  const page = missingPage("geography", "Geography", ["geographic_sales"], tables);
  const source = tables.geographic_sales;
  if (!source) return page;
  const firstMonth = monthsBack(context.to, GEOGRAPHY_MONTHS - 1);
  const rows = source.filter((row) => (row.month ?? "") >= firstMonth && (row.month ?? "") <= context.to);
  // The months the rows have: a shop whose data began this year is not said to span twelve months.
  const period = monthSpan(
    rows.map((row) => row.month ?? ""),
    context,
  );
  const totals = (groups: Map<string, ExtractRow[]>) =>
    [...groups.entries()]
      .map(([key, own]) => ({
        key,
        orders: sum(own, "orders"),
        revenue: sum(own, "revenue"),
        ordersWithValue: sum(own, "orders_with_value"),
      }))
      .sort((a, b) => b.revenue - a.revenue || a.key.localeCompare(b.key));
  const countries = totals(groupRows(rows, (row) => row.country_code || "unknown"));
  const regions = totals(
    groupRows(rows, (row) => `${row.country_code || "unknown"} · ${row.region_code || "unknown"}`),
  );
  const revenue = sum(rows, "revenue");
  const leader = countries[0];
  page.notes.push(`Months ${period}.`);
  // As many months as the rows have (12 once the shop has a year of data).
  const monthCount = new Set(rows.map((row) => (row.month ?? "").slice(0, 7))).size;
  const monthsCovered = `${monthCount} month${monthCount === 1 ? "" : "s"}`;
  page.tiles = [
    { id: "geo_revenue", label: `Revenue, ${monthsCovered}`, value: revenue, format: "money" },
    { id: "geo_orders", label: `Orders, ${monthsCovered}`, value: sum(rows, "orders"), format: "number" },
    {
      id: "countries",
      label: "Countries",
      value: countries.filter((item) => item.orders > 0).length,
      format: "number",
    },
    {
      id: "top_country_share",
      label: leader ? `Share of ${leader.key}` : "Top country's share",
      value: leader ? ratio(leader.revenue, revenue) : null,
      format: "percent",
    },
  ];
  if (!countries.length) {
    page.notes.push("No orders with a shipping country in these months.");
    return page;
  }
  const topCountries = countries.slice(0, TOP_COUNTRIES);
  page.charts.push({
    id: "geography-countries",
    title: `Revenue by country (top ${topCountries.length})`,
    type: "bar",
    labels: topCountries.map((item) => item.key),
    series: [
      { label: "Revenue", data: topCountries.map((item) => item.revenue) },
      { label: "Orders", data: topCountries.map((item) => item.orders), kind: "line", axis: "y2" },
    ],
    format: "money",
    format2: "number",
  });
  const topRegions = regions.slice(0, TOP_REGIONS);
  page.charts.push({
    id: "geography-regions",
    title: `Top ${topRegions.length} regions by revenue`,
    type: "bar",
    horizontal: true,
    labels: topRegions.map((item) => item.key),
    series: [{ label: "Revenue", data: topRegions.map((item) => item.revenue) }],
    format: "money",
  });
  const months = [...new Set(rows.map((row) => row.month ?? ""))].sort();
  const stacked = countries.slice(0, 5);
  page.charts.push({
    id: "geography-monthly",
    title: "Monthly revenue of the top 5 countries",
    type: "bar",
    stacked: true,
    sequence: true,
    labels: months.map((month) => monthLabel(month, context)),
    series: stacked.map((country) => ({
      label: country.key,
      data: months.map((month) =>
        sum(
          rows.filter((row) => row.month === month && (row.country_code || "unknown") === country.key),
          "revenue",
        ),
      ),
    })),
    format: "money",
  });
  page.tables.push({
    id: "geography-table",
    title: `Countries, ${period}`,
    columns: [
      { label: "Country", format: "text" },
      { label: "Orders", format: "number" },
      { label: "Revenue", format: "money" },
      { label: "AOV", format: "money" },
      { label: "Share", format: "percent" },
    ],
    rows: countries.map((item) => [
      item.key,
      item.orders,
      item.revenue,
      ratio(item.revenue, item.ordersWithValue, 2),
      ratio(item.revenue, revenue),
    ]),
  });
  return page;
}

function cohortsPage(tables: ExtractTables, context: DashboardContext): DashboardPage {
  const page = missingPage("cohorts", "Cohorts", ["ltv_cohorts"], tables);
  const source = tables.ltv_cohorts;
  if (!source) return page;
  const cohortMonths = [...new Set(source.map((row) => row.cohort_month ?? ""))]
    .filter((month) => month && month <= context.to)
    .sort()
    .slice(-COHORTS_SHOWN);
  const rows = source.filter((row) => cohortMonths.includes(row.cohort_month ?? ""));
  const cell = (cohort: string, age: number) =>
    rows.find((row) => row.cohort_month === cohort && num(row, "months_since_first_order") === age);
  const customers = cohortMonths.map((month) => num(cell(month, 0) ?? {}, "cohort_customers") ?? 0);
  const ages = Math.max(0, ...rows.map((row) => num(row, "months_since_first_order") ?? 0));
  /** Across the cohorts old enough to have reached `age` months: the customers-weighted value of a column. */
  const weighted = (age: number, column: string) => {
    let value = 0;
    let people = 0;
    for (const month of cohortMonths) {
      const row = cell(month, age);
      if (!row) continue;
      value += num(row, column) ?? 0;
      people += num(row, "cohort_customers") ?? 0;
    }
    return ratio(value, people);
  };
  page.notes.push(
    `Customers grouped by the month of their first order, the ${cohortMonths.length} most recent months; ` +
      "the newest months have not had time to come back yet.",
  );
  page.tiles = [
    {
      id: "cohort_customers",
      label: `New customers, ${cohortMonths.length} cohorts`,
      value: customers.reduce((a, b) => a + b, 0),
      format: "number",
    },
    {
      id: "retention_m1",
      label: "Back in month 1",
      value: weighted(1, "active_customers"),
      format: "percent",
    },
    {
      id: "revenue_per_customer_m3",
      label: "Revenue per customer by month 3",
      value: weighted(3, "cumulative_revenue"),
      format: "money",
    },
  ];
  if (!cohortMonths.length) {
    page.notes.push("No cohorts yet.");
    return page;
  }
  page.charts.push({
    id: "cohorts-customers",
    title: "New customers by cohort",
    type: "bar",
    sequence: true,
    labels: cohortMonths.map((month) => monthLabel(month, context)),
    series: [{ label: "New customers", data: customers }],
    format: "number",
  });
  // Every other cohort from the oldest: long lines (old cohorts) and short ones (recent) on one chart.
  const step = Math.max(1, Math.ceil(cohortMonths.length / COHORT_LINES));
  const lines = cohortMonths.filter((_, index) => index % step === 0).slice(0, COHORT_LINES);
  const ageLabels = Array.from({ length: ages + 1 }, (_, age) => `M${age}`);
  page.charts.push({
    id: "cohorts-ltv",
    title: "Cumulative revenue per customer, by months since first order",
    type: "line",
    sequence: true,
    labels: ageLabels,
    series: lines.map((month) => ({
      label: formatMonthShort(month, context.locale),
      data: ageLabels.map((_, age) => {
        const row = cell(month, age);
        return row ? num(row, "cumulative_revenue_per_customer") : null;
      }),
    })),
    format: "money",
  });
  page.tables.push({
    id: "cohorts-retention",
    title: "Share of each cohort that ordered again, by month since the first order",
    nullText: "",
    columns: [
      { label: "Cohort", format: "text" },
      { label: "Customers", format: "number" },
      ...ageLabels.slice(1).map((age) => ({ label: age, format: "percent" as const })),
    ],
    rows: cohortMonths.map((month, index) => [
      monthLabel(month, context),
      customers[index] ?? 0,
      ...ageLabels.slice(1).map((_, age) => {
        const row = cell(month, age + 1);
        return row ? num(row, "retention") : null;
      }),
    ]),
  });
  return page;
}

export function buildLookerPages(
  tables: ExtractTables,
  context: DashboardContext,
): { campaigns: DashboardPage; geography: DashboardPage; cohorts: DashboardPage } {
  return {
    campaigns: campaignsPage(tables, context),
    geography: geographyPage(tables, context),
    cohorts: cohortsPage(tables, context),
  };
}

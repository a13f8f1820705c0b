// The one declaration of the extracts (functions/shared/extract-schemas.json) against the real thing: the CSVs
// the export step writes from a demo shop built on a real DuckDB. Headers and types are the declared ones; every
// ratio, share and change column is recomputed here from its own row's (or month's) numerator and denominator,
// blank exactly where it is undefined; the campaign extract's spend and attributed orders are recomputed from
// the raw tables; docs/extracts.md is what `npm run docs` renders.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { runExport } from "../../functions/export/step.ts";
import { latestExtractPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { saveFindings } from "../../functions/lib/quality/findings-store.ts";
import {
  RECONCILIATION_COLUMNS,
  RECONCILIATION_TABLE,
} from "../../functions/lib/quality/reconciliation-table.ts";
import { readSql, sqlPath } from "../../functions/lib/sql/sql-files.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import {
  columnPlaces,
  declarationProblems,
  type ExtractColumn,
  type ExtractSchema,
  EXTRACT_SCHEMAS,
  extractSchema,
} from "../../functions/shared/extract-schemas.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { buildModels, openFixtureWarehouse } from "../support/sql-fixtures.ts";
import { EXTRACTS_DOC, formattedExtractsMarkdown } from "../../tools/extract-docs-file.ts";

const END = "2026-11-21";
const TZ = "America/New_York";

type Record = { [column: string]: string };

/** A CSV cell as a number, or null when empty. */
const num = (text: string | undefined): number | null =>
  text === undefined || text === "" ? null : Number(text);

/** DuckDB's type of a result column, as the family of the declared BigQuery type. */
function duckDbFamily(type: string): string {
  if (/^(BIGINT|HUGEINT|INTEGER|SMALLINT|TINYINT|UBIGINT|DOUBLE|FLOAT|DECIMAL)/.test(type)) return "number";
  if (type === "VARCHAR") return "text";
  if (type === "DATE") return "date";
  if (type === "BOOLEAN") return "bool";
  return `unknown ${type}`;
}
const DECLARED_FAMILY: { [type in ExtractColumn["type"]]: string } = {
  INT64: "number",
  FLOAT64: "number",
  NUMERIC: "number",
  STRING: "text",
  DATE: "date",
  BOOL: "bool",
};

/** Whether a CSV cell is a valid value of the declared type (empty is NULL). */
function cellFits(type: ExtractColumn["type"], cell: string): boolean {
  if (cell === "") return true;
  switch (type) {
    case "DATE":
      return /^\d{4}-\d{2}-\d{2}$/.test(cell);
    case "BOOL":
      return cell === "true" || cell === "false";
    case "INT64":
      return /^-?\d+$/.test(cell);
    case "FLOAT64":
    case "NUMERIC":
      return Number.isFinite(Number(cell));
    default:
      return true;
  }
}

/** What a derived column must hold on a row, from the row (or its partition) alone; null means blank. */
function expectedDerived(column: ExtractColumn, row: Record, records: readonly Record[]): number | null {
  switch (column.aggregation) {
    case "ratio": {
      const numerator = num(row[column.numerator]);
      const denominator = num(row[column.denominator]);
      if (column.requires_positive && !((num(row[column.requires_positive]) ?? 0) > 0)) return null;
      if (numerator === null || denominator === null || denominator === 0) return null;
      return numerator / denominator;
    }
    case "share": {
      const peers = records.filter((other) => column.within.every((key) => other[key] === row[key]));
      const total = peers.reduce((sum, other) => sum + (num(other[column.numerator]) ?? 0), 0);
      const numerator = num(row[column.numerator]);
      return numerator === null || total === 0 ? null : numerator / total;
    }
    case "change": {
      const current = num(row[column.current]);
      const previous = num(row[column.previous]);
      return current === null || previous === null || previous === 0 ? null : (current - previous) / previous;
    }
    default:
      throw new Error(`${column.name} is not derived`);
  }
}

// Each extract's columns as Looker Studio data sources were made with them (README, Extracts: "columns are only
// ever added at the end, before is_demo"). A data source maps fields by name, but a column moved, renamed or
// removed breaks the reports built on it: a new column goes at the end of its list here, the rest never change.
const PUBLISHED_COLUMNS: { [extract: string]: string } = {
  daily_kpis:
    "date,orders,gross_revenue,discounts,refunds,net_revenue,units,aov,new_customers,returning_customers,new_customer_revenue,returning_customer_revenue,ad_spend,blended_roas,mer,cac,orders_missing_value,is_complete,missing_sources,orders_with_value",
  marketing_daily_channel:
    "date,channel,spend,impressions,clicks,platform_conversions,platform_conversion_value,attributed_orders,attributed_revenue,roas,ctr,cpc,cpa,is_complete,missing_sources,attributed_new_customers,attributed_new_customer_revenue,new_customer_cpa,new_customer_roas",
  product_daily_sales: "date,product_id,product_title,category,units,orders,revenue",
  findings: "run_date,step,check_name,subject,severity,blocking,observed,expected,message",
  product_performance:
    "month,product_id,product_title,category,units,orders,revenue,refunded_orders,refund_rate,revenue_share,revenue_rank",
  geographic_sales: "month,country_code,region_code,orders,revenue,customers,aov,orders_with_value",
  ltv_cohorts:
    "cohort_month,months_since_first_order,cohort_customers,active_customers,orders,revenue,cumulative_revenue,cumulative_revenue_per_customer,retention",
  premium_products:
    "month,product_id,product_title,category,list_price,premium_threshold,units,orders,revenue,revenue_share,revenue_rank",
  executive_summary_monthly:
    "month,period_end,days,orders,gross_revenue,net_revenue,refunds,aov,new_customers,ad_spend,blended_roas,mer,cac,last_year_days,last_year_orders,last_year_gross_revenue,last_year_net_revenue,last_year_ad_spend,gross_revenue_yoy,orders_yoy,ad_spend_yoy,new_customers_yoy,incomplete_days,orders_with_value,last_year_new_customers",
  channel_mix:
    "month,channel,spend,attributed_orders,attributed_revenue,spend_share,orders_share,revenue_share,incomplete_days,is_complete",
  campaign_daily:
    "date,platform,channel,campaign_id,campaign_name,ad_group_id,ad_group_name,spend,impressions,clicks,platform_conversions,platform_conversion_value,attributed_orders,attributed_revenue,is_complete,missing_sources",
  reconciliation:
    "run_date,window_start,window_end,source,account_id,metric,api_value,warehouse_value,difference,relative_difference,status,mismatched_days",
};

describe("the extracts' declaration", () => {
  it("names pipeline.json's extracts in order, one query file each, with no dangling reference", () => {
    assert.deepEqual(declarationProblems(EXTRACT_SCHEMAS, EXTRACT_NAMES), []);
    assert.deepEqual(
      EXTRACT_SCHEMAS.map((schema) => schema.name),
      [...EXTRACT_NAMES],
    );
    const files = readdirSync(sqlPath("extracts"))
      .filter((name) => name.endsWith(".sql"))
      .map((name) => name.slice(0, -4))
      .sort();
    assert.deepEqual(files, [...EXTRACT_NAMES].sort());
  });

  it("are the twelve published extracts, each keeping its published columns in order, new ones only at the end before is_demo", () => {
    assert.deepEqual([...EXTRACT_NAMES], Object.keys(PUBLISHED_COLUMNS));
    assert.equal(EXTRACT_NAMES.length, 12);
    for (const schema of EXTRACT_SCHEMAS) {
      const published = (PUBLISHED_COLUMNS[schema.name] ?? "").split(",");
      const declared = schema.columns.map((column) => column.name);
      assert.deepEqual(
        declared.slice(0, published.length),
        published,
        `${schema.name}: published columns moved, renamed or removed`,
      );
      assert.equal(declared.at(-1), "is_demo", `${schema.name} ends with is_demo`);
    }
  });

  it("reports what is wrong with a broken declaration", () => {
    const kpis = extractSchema("daily_kpis");
    const broken: ExtractSchema = {
      ...kpis,
      columns: kpis.columns.map((column) =>
        column.name === "aov" ? { ...column, denominator: "no_such_column" } : column,
      ) as ExtractColumn[],
    };
    assert.deepEqual(declarationProblems([broken], ["daily_kpis"]), [
      "daily_kpis.aov: refers to no_such_column, not a column",
    ]);
    assert.match(declarationProblems([kpis], ["findings"]).join(";"), /differ from pipeline\.json/);
  });

  it("an amount per order or customer is rounded to the shop currency's decimals, a ratio that is not money to its own", () => {
    const places = (extract: string, name: string, currency: string) => {
      const column = extractSchema(extract).columns.find((item) => item.name === name);
      assert.ok(column && "decimals" in column, `${extract}.${name} is derived`);
      return columnPlaces(column, currency);
    };
    // ISO 4217: the dinar's fils (3), the yen (none), the dollar's cents (2).
    const money: [string, string][] = [
      ["daily_kpis", "aov"],
      ["daily_kpis", "cac"],
      ["marketing_daily_channel", "cpa"],
      ["marketing_daily_channel", "new_customer_cpa"],
      ["geographic_sales", "aov"],
      ["ltv_cohorts", "cumulative_revenue_per_customer"],
      ["executive_summary_monthly", "aov"],
      ["executive_summary_monthly", "cac"],
    ];
    for (const [extract, name] of money)
      assert.deepEqual(
        ["KWD", "JPY", "USD"].map((currency) => places(extract, name, currency)),
        [3, 0, 2],
        `${extract}.${name}`,
      );
    for (const [extract, name, own] of [
      ["daily_kpis", "blended_roas", 4],
      ["marketing_daily_channel", "ctr", 6],
      ["marketing_daily_channel", "cpc", 4],
      ["channel_mix", "spend_share", 4],
      ["executive_summary_monthly", "gross_revenue_yoy", 4],
    ] as const)
      assert.deepEqual(
        ["KWD", "JPY"].map((currency) => places(extract, name, currency)),
        [own, own],
        `${extract}.${name}`,
      );
  });

  it("reports decimals that are neither a number of places nor the currency's", () => {
    const mix = extractSchema("channel_mix");
    const broken: ExtractSchema = {
      ...mix,
      columns: mix.columns.map((column) =>
        column.name === "spend_share" ? { ...column, decimals: "currency" } : column,
      ) as ExtractColumn[],
    };
    assert.deepEqual(declarationProblems([broken], ["channel_mix"]), [
      'channel_mix.spend_share: "currency" decimals on a share',
    ]);
  });

  it("docs/extracts.md is what `npm run docs` renders from it", async () => {
    assert.equal(
      await readFile(EXTRACTS_DOC, "utf8"),
      await formattedExtractsMarkdown(),
      "run `npm run docs` to regenerate docs/extracts.md",
    );
  });
});

describe("the extracts of a demo shop, against their declaration", { timeout: 180_000 }, () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  let bucket: FolderBucket;
  const csv = new Map<string, { header: string[]; records: Record[] }>();
  const native = async (sql: string) => (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-extract-schemas-"));
    bucket = new FolderBucket(join(dir, "bucket"));
    warehouse = await openFixtureWarehouse();
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(END),
      startDate: addDays(END, -420),
      ordersPerDay: 20,
    });
    await buildModels(warehouse, END, { fullRefresh: true });
    await saveFindings(warehouse, END, []);
    // Reconciliation results as check-sources writes them, one with an API total of 0, in a table a version before
    // the currency column made: the export gives the table the column (empty), then reads it.
    await warehouse.load({
      dataset: "ops",
      table: RECONCILIATION_TABLE,
      columns: RECONCILIATION_COLUMNS.filter((column) => column.name !== "currency"),
      replaceWhere: { column: "run_date", value: END },
      rows: [
        ["facebook_ads", "111", "spend", 1000, 1000, 0, 0, "MATCH", "[]"],
        [
          "facebook_ads",
          "111",
          "clicks",
          0,
          12,
          12,
          null,
          "MISMATCH",
          '[{"day":"2026-11-18","api":0,"warehouse":12}]',
        ],
        ["shopify", "", "orders", 400, 380, -20, -0.05, "MISMATCH", "[]"],
      ].map(([source, account, metric, api, wh, difference, relative, status, days]) => ({
        run_date: END,
        window_start: "2026-11-06",
        window_end: "2026-11-19",
        source,
        account_id: account,
        metric,
        api_value: api,
        warehouse_value: wh,
        difference,
        relative_difference: relative,
        status,
        mismatched_days: days,
      })),
    });
    await runExport({
      step: "export",
      message: parseRunMessage({
        runDate: END,
        runId: "run-extract-schemas",
        trigger: "manual",
        options: { skip: [] },
        demo: true,
      }),
      config: loadConfig({ env: {}, cwd: dir }),
      ports: { warehouse, bucket },
      log: silentLogger(),
    } as unknown as StepContext);
    for (const name of EXTRACT_NAMES) {
      const text = (await bucket.read(latestExtractPath(name)))?.toString("utf8") ?? "";
      const [header = [], ...rows] = parse(text) as string[][];
      csv.set(name, {
        header,
        records: rows.map((row) => Object.fromEntries(header.map((column, i) => [column, row[i] ?? ""]))),
      });
    }
  });
  after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const schema of EXTRACT_SCHEMAS) {
    it(`${schema.name}: the declared columns in order, types, values and demo marks`, async () => {
      const { header, records } = csv.get(schema.name) ?? { header: [], records: [] };
      assert.deepEqual(
        header,
        schema.columns.map((column) => column.name),
      );
      if (schema.name !== "findings") assert.ok(records.length > 0, `${schema.name} has rows`);
      // The warehouse's own column types, family by family.
      const stream = warehouse.stream(readSql(`extracts/${schema.name}.sql`), {
        run_date: END,
        from_date: "2000-01-01",
        through_date: END,
        is_demo: true,
      });
      for await (const batch of stream) {
        assert.deepEqual(
          batch.columns.map((column) => `${column.name} ${duckDbFamily(column.type)}`),
          schema.columns.map((column) => `${column.name} ${DECLARED_FAMILY[column.type]}`),
        );
        break;
      }
      for (const column of schema.columns) {
        const bad = records.find((record) => !cellFits(column.type, record[column.name] ?? ""));
        assert.equal(
          bad,
          undefined,
          `${schema.name}.${column.name} is not ${column.type}: ${bad?.[column.name]}`,
        );
      }
      assert.ok(records.every((record) => record.is_demo === "true"));
    });
  }

  const derived = EXTRACT_SCHEMAS.flatMap((schema) =>
    schema.columns
      .filter((column) => ["ratio", "share", "change"].includes(column.aggregation))
      .map((column) => ({ schema, column })),
  );
  for (const { schema, column } of derived) {
    it(`${schema.name}.${column.name}: recomputed from its row to its declared places, blank exactly where undefined`, () => {
      const { records } = csv.get(schema.name) ?? { records: [] };
      // The demo shop sells in dollars (the default currency): "currency" places are 2.
      const decimals = "decimals" in column ? columnPlaces(column, "USD") : 4;
      let defined = 0;
      for (const record of records) {
        const expected = expectedDerived(column, record, records);
        const actual = record[column.name] ?? "";
        const where = `${schema.name} ${JSON.stringify(record).slice(0, 160)}`;
        if (expected === null) {
          assert.equal(actual, "", `${column.name} should be blank (undefined) at ${where}`);
          continue;
        }
        defined += 1;
        assert.notEqual(actual, "", `${column.name} should be ${expected} at ${where}`);
        assert.ok(
          (actual.split(".")[1] ?? "").length <= decimals,
          `${column.name} ${actual} has more than its ${decimals} places at ${where}`,
        );
        assert.ok(
          Math.abs(Number(actual) - expected) <= 0.5 * 10 ** -decimals + 1e-9,
          `${column.name} ${actual} vs ${expected} at ${where}`,
        );
      }
      // The demo shop has rows where each of them is defined (changes need a year of history).
      assert.ok(defined > 0, `${schema.name}.${column.name}: no row where it is defined`);
    });
  }

  it("marketing_daily_channel: a channel without spend has a blank CPA and ROAS, never a 0", () => {
    const { records } = csv.get("marketing_daily_channel") ?? { records: [] };
    const organic = records.filter((record) => record.channel === "direct_or_organic");
    assert.ok(organic.length > 300);
    assert.ok(organic.every((record) => record.spend === "0" && record.cpa === "" && record.roas === ""));
    assert.ok(organic.some((record) => Number(record.attributed_orders) > 0));
  });

  it("campaign_daily: spend per platform and orders per UTM campaign, from the raw tables", async () => {
    const { records } = csv.get("campaign_daily") ?? { records: [] };
    const sum = (rows: readonly Record[], column: string) =>
      rows.reduce((total, row) => total + (num(row[column]) ?? 0), 0);
    const raw = await native(`
      SELECT 'facebook_ads' AS platform, sum(spend)::DOUBLE AS spend FROM (
        SELECT spend, row_number() OVER (PARTITION BY date_start, ad_id ORDER BY _airbyte_extracted_at DESC) AS v
        FROM raw.facebook_ads_insights WHERE date_start <= DATE '${END}') WHERE v = 1
      UNION ALL
      SELECT 'tiktok_ads', sum(CAST(json_extract_string(metrics, '$.spend') AS DOUBLE)) FROM raw.tiktok_ads_reports_daily
        WHERE CAST(stat_time_day AS DATE) <= DATE '${END}'
      UNION ALL
      SELECT 'google_ads', sum(metrics_cost_micros) / 1e6 FROM raw.google_ads_campaign_stats
        WHERE segments_date <= DATE '${END}'`);
    for (const row of raw) {
      const spend = sum(
        records.filter((record) => record.platform === row.platform),
        "spend",
      );
      assert.ok(Math.abs(spend - Number(row.spend)) < 0.05, `${row.platform} spend ${spend} vs ${row.spend}`);
    }
    // Orders by the UTM source the channel list gives each platform, and the utm_campaign of the landing page.
    const orders = await native(`
      WITH latest AS (
        SELECT *, row_number() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, updated_at DESC) AS version
        FROM raw.shopify_orders
      ),
      utm AS (
        SELECT lower(regexp_extract(landing_site, '[?&]utm_source=([^&#]+)', 1)) AS source,
               lower(regexp_extract(landing_site, '[?&]utm_medium=([^&#]+)', 1)) AS medium,
               lower(regexp_extract(landing_site, '[?&]utm_campaign=([^&#]+)', 1)) AS campaign
        FROM latest
        WHERE version = 1 AND cancelled_at IS NULL AND CAST(timezone('${TZ}', created_at) AS DATE) <= DATE '${END}'
      )
      , paid AS (
        SELECT CASE WHEN source IN ('facebook', 'fb', 'instagram', 'ig', 'meta') THEN 'facebook_ads'
                    WHEN source = 'tiktok' THEN 'tiktok_ads'
                    WHEN source = 'google' AND medium IN ('cpc', 'ppc', 'paid_search') THEN 'google_ads' END AS platform,
               campaign
        FROM utm
      )
      SELECT platform, campaign, count(*)::INTEGER AS orders
      FROM paid WHERE platform IS NOT NULL GROUP BY platform, campaign ORDER BY platform, campaign`);
    assert.ok(orders.length >= 6, "the demo shop's paid orders carry campaigns");
    // A gap row (a paid channel's day whose platform had not landed, nothing else that day) has no number at all.
    const isGap = (row: Record) => row.ad_group_id === "" && row.attributed_orders === "";
    const attribution = records.filter((row) => row.ad_group_id === "" && !isGap(row));
    const attributed = new Map<string, number>();
    for (const record of attribution) {
      const key = `${record.platform} ${(record.campaign_name ?? "").toLowerCase()}`;
      attributed.set(key, (attributed.get(key) ?? 0) + Number(record.attributed_orders));
    }
    assert.deepEqual(
      Object.fromEntries(attributed),
      Object.fromEntries(orders.map((row) => [`${row.platform} ${row.campaign ?? ""}`, row.orders])),
    );
    // Every attribution row names a campaign the platform reported (the demo's UTMs all match one).
    assert.ok(attribution.every((row) => row.campaign_id !== ""));
    // Platform numbers sit on ad-group rows only, attributed numbers on campaign rows only.
    const measured = records.filter((row) => !isGap(row));
    assert.ok(measured.every((row) => (row.ad_group_id === "") === (row.spend === "")));
    assert.ok(measured.every((row) => (row.ad_group_id === "") === (row.attributed_orders !== "")));
    // The demo's stale Meta and TikTok days: each a gap row, incomplete, naming its own platform.
    const gaps = records.filter(isGap);
    assert.ok(gaps.length > 0, "the demo shop's stale platform days have gap rows");
    for (const gap of gaps) {
      assert.equal(gap.is_complete, "false", `gap ${gap.date} ${gap.platform}`);
      assert.equal(gap.missing_sources, gap.platform, `gap ${gap.date} ${gap.platform}`);
      assert.ok([gap.campaign_id, gap.campaign_name, gap.spend].every((cell) => cell === ""));
    }
  });

  it("reconciliation: the rows check-sources wrote, relative difference blank where the API said 0", () => {
    const { records } = csv.get("reconciliation") ?? { records: [] };
    assert.deepEqual(
      records.map((row) => [
        row.source,
        row.account_id,
        row.metric,
        row.api_value,
        row.relative_difference,
        row.currency,
      ]),
      [
        ["facebook_ads", "111", "clicks", "0", "", ""],
        ["facebook_ads", "111", "spend", "1000", "0", ""],
        ["shopify", "", "orders", "400", "-0.05", ""],
      ],
    );
    assert.deepEqual(JSON.parse(records[0]?.mismatched_days ?? "null"), [
      { day: "2026-11-18", api: 0, warehouse: 12 },
    ]);
  });
});

// The deck's "New customers by channel" figures on a generated demo shop built on a real DuckDB, read through the
// report's own query (loadPeriodMarts) and model (newCustomerChannels), against the first-order attribution
// recomputed here in plain TypeScript from the staging rows: each customer's first non-cancelled order (by time,
// then order id), counted for its order's UTM channel, with the ad platforms' spend summed from their staging rows.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { loadPeriodMarts } from "../../functions/lib/reporting/load-report-data.ts";
import type { ChannelMonthRow } from "../../functions/lib/reporting/report-data.ts";
import {
  type NewCustomerChannel,
  type NewCustomerMonth,
  newCustomerChannels,
} from "../../functions/report/new-customer-channels.ts";
import { buildModels, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const END = "2026-11-21";
const MONTHS = { current: "2026-11", previousMonth: "2026-10", lastYear: "2025-11" } as const;
const PAID = ["google_ads", "meta", "tiktok"];

interface Expected {
  spend: number;
  customers: number;
  revenue: number;
}

describe(
  "new customers by channel, against first orders recomputed from the demo shop's staging rows",
  {
    timeout: 180_000,
  },
  () => {
    let warehouse: DuckDbWarehouse;
    let lines: NewCustomerChannel[];
    let monthRows: ChannelMonthRow[];
    /** month (yyyy-mm) → channel → the test's own sums. */
    const expected = new Map<string, Map<string, Expected>>();
    const native = async (sql: string) =>
      (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS();

    const slot = (month: string, channel: string): Expected => {
      const byChannel = expected.get(month) ?? new Map<string, Expected>();
      expected.set(month, byChannel);
      const found = byChannel.get(channel) ?? { spend: 0, customers: 0, revenue: 0 };
      byChannel.set(channel, found);
      return found;
    };

    before(async () => {
      warehouse = await openFixtureWarehouse();
      await generateDemoData(warehouse.rawConnection, "raw", {
        ...defaultDemoOptions(END),
        startDate: addDays(END, -450),
        ordersPerDay: 20,
      });
      await buildModels(warehouse, END, { fullRefresh: true });

      // First orders: every staging order, cancelled ones left out, grouped by customer here.
      const orders = await native(`
      SELECT order_id::VARCHAR AS order_id, epoch_ms(created_at) AS at, order_date::VARCHAR AS day, channel,
             total_price::DOUBLE AS total, email_hash, customer_id::VARCHAR AS customer_id
      FROM staging.stg_shopify_orders WHERE NOT is_cancelled`);
      const first = new Map<string, (typeof orders)[number]>();
      for (const order of orders) {
        // A person is their hashed email, else their Shopify customer id; a guest with neither is no customer.
        const key = order.email_hash ?? (order.customer_id === null ? null : `customer:${order.customer_id}`);
        if (key === null) continue;
        const seen = first.get(String(key));
        const earlier =
          !seen ||
          Number(order.at) < Number(seen.at) ||
          (Number(order.at) === Number(seen.at) && String(order.order_id) < String(seen.order_id));
        if (earlier) first.set(String(key), order);
      }
      for (const order of first.values()) {
        if (String(order.day) > END) continue;
        const totals = slot(String(order.day).slice(0, 7), String(order.channel));
        totals.customers += 1;
        totals.revenue += Number(order.total ?? 0);
      }
      const spend = await native(`
      SELECT channel, date::VARCHAR AS day, spend::DOUBLE AS spend FROM staging.stg_facebook_ads_insights
      UNION ALL SELECT channel, date::VARCHAR, spend::DOUBLE FROM staging.stg_tiktok_ads_reports_daily
      UNION ALL SELECT channel, date::VARCHAR, spend::DOUBLE FROM staging.stg_google_ads_campaign_stats`);
      for (const row of spend) {
        if (String(row.day) > END) continue;
        slot(String(row.day).slice(0, 7), String(row.channel)).spend += Number(row.spend);
      }

      monthRows = (await loadPeriodMarts(warehouse, END)).channelMonths;
      lines = newCustomerChannels(monthRows, END);
    });
    after(() => warehouse.close());

    const near = (actual: number | null, wanted: number | null, what: string, tolerance = 0.005) => {
      assert.ok(actual !== null && wanted !== null, `${what}: ${actual} vs ${wanted}`);
      assert.ok(Math.abs(actual - wanted) <= tolerance, `${what}: ${actual} vs ${wanted}`);
    };
    const check = (got: NewCustomerMonth | null, want: Expected, what: string) => {
      assert.ok(got, `${what}: no month`);
      assert.equal(got.newCustomers, want.customers, `${what} new customers`);
      near(got.spend, want.spend, `${what} spend`);
      near(got.newCustomerRevenue, want.revenue, `${what} new-customer revenue`);
      near(got.cpa, want.spend / want.customers, `${what} CPA`, 1e-6);
      near(got.roas, want.revenue / want.spend, `${what} ROAS`, 1e-6);
    };

    it("has the demo shop's three paid channels, by spend, then their total", () => {
      const current = expected.get(MONTHS.current)!;
      const bySpend = [...PAID].sort((a, b) => current.get(b)!.spend - current.get(a)!.spend);
      assert.deepEqual(
        lines.map((line) => line.channel),
        [...bySpend, null],
      );
      // The demo shop has new customers on every paid channel in each compared month.
      for (const month of Object.values(MONTHS))
        for (const channel of PAID)
          assert.ok(expected.get(month)!.get(channel)!.customers > 0, `${month} ${channel}`);
    });

    for (const [which, month] of Object.entries(MONTHS) as [keyof typeof MONTHS, string][]) {
      it(`each channel's ${which === "current" ? "month to date" : which} (${month}): new customers, spend, CPA, ROAS`, () => {
        for (const channel of PAID) {
          const line = lines.find((one) => one.channel === channel)!;
          check(line[which], expected.get(month)!.get(channel)!, `${channel} ${month}`);
        }
        const total = lines.find((one) => one.channel === null)!;
        const sum = (pick: (one: Expected) => number) =>
          PAID.reduce((acc, channel) => acc + pick(expected.get(month)!.get(channel)!), 0);
        check(
          total[which],
          {
            spend: sum((one) => one.spend),
            customers: sum((one) => one.customers),
            revenue: sum((one) => one.revenue),
          },
          `all paid ${month}`,
        );
      });
    }

    it("the mart's own new_customer_cpa / new_customer_roas columns, rounded, agree; organic has none", () => {
      for (const row of monthRows.filter((one) => one.month.startsWith(MONTHS.current))) {
        const want = expected.get(MONTHS.current)?.get(row.channel);
        if (!row.is_paid_channel) {
          assert.equal(row.new_customer_cpa, null, `${row.channel} has no cost per new customer`);
          assert.equal(row.new_customer_roas, null, `${row.channel} has no new-customer ROAS`);
          continue;
        }
        near(
          Number(row.new_customer_cpa),
          want!.spend / want!.customers,
          `${row.channel} mart CPA`,
          0.005 + 1e-9,
        );
        near(
          Number(row.new_customer_roas),
          want!.revenue / want!.spend,
          `${row.channel} mart ROAS`,
          0.00005 + 1e-9,
        );
      }
    });
  },
);

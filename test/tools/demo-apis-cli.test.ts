// tools/demo-apis.ts as the README's "The demo as the four APIs" runs it: `npx tsx tools/demo-apis.ts --work-dir …`
// serves the last --days (60) of the work dir's demo data on 127.0.0.1, loses rows with --lose, refuses a token with
// --expire, and prints
// the connectors settings and secrets that point a run at it. The served days are counted here from the raw
// table, not from the tool's own output.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";

const END = "2026-11-21";

describe("demo APIs command", { timeout: 120_000 }, () => {
  it("serves the last 60 days on 127.0.0.1, loses and refuses as told, and prints settings and secrets that work", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "pulse-demo-apis-"));
    const warehouse = await DuckDbWarehouse.open(join(workDir, "warehouse.duckdb"));
    let metaRowsIn60Days: number;
    let metaRowsOnEnd: number;
    let shopifyOrdersOnEnd: number;
    try {
      // 90 days of demo data: the tool must serve only the newest 60.
      await generateDemoData(warehouse.rawConnection, "raw", {
        ...defaultDemoOptions(END),
        startDate: addDays(END, -89),
        ordersPerDay: 10,
        // Without the demo's injected problems (among them a Meta source gone stale): the last day has rows to lose.
        problems: false,
      });
      const reader = await warehouse.rawConnection.runAndReadAll(
        `SELECT COUNT(*)::INT AS n, COUNT(*) FILTER (WHERE date_start >= DATE '${addDays(END, -59)}')::INT AS recent,
           COUNT(*) FILTER (WHERE date_start = DATE '${END}')::INT AS last_day
         FROM raw.facebook_ads_insights`,
      );
      const [counts] = reader.getRowObjectsJS() as { n: number; recent: number; last_day: number }[];
      metaRowsIn60Days = counts?.recent ?? 0;
      metaRowsOnEnd = counts?.last_day ?? 0;
      // The orders of the last day in the shop's time zone (the demo's, New York).
      const orders = await warehouse.rawConnection.runAndReadAll(
        `SELECT COUNT(DISTINCT id)::INT AS n FROM raw.shopify_orders
         WHERE CAST(timezone('America/New_York', created_at) AS DATE) = DATE '${END}'`,
      );
      shopifyOrdersOnEnd = (orders.getRowObjectsJS() as { n: number }[])[0]?.n ?? 0;
      assert.ok(shopifyOrdersOnEnd >= 5, "enough orders on the last day to lose 30 % of");
      assert.ok(metaRowsOnEnd >= 5, "enough rows on the last day to lose 40 % of");
      assert.ok(metaRowsIn60Days > 0 && (counts?.n ?? 0) > metaRowsIn60Days, "older Meta rows exist too");
    } finally {
      await warehouse.close();
    }
    const child = spawn(
      process.execPath,
      [
        ...["--import", "tsx", "tools/demo-apis.ts", "--work-dir", workDir],
        ...["--lose", `facebook_ads:${END}:0.4`, "--lose", `shopify:${END}:0.3`, "--expire", "tiktok_ads"],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const printed = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          if (out.includes("Ctrl-C stops it.")) resolve(out);
        });
        child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
        child.on("exit", (code) => reject(new Error(`demo-apis exited ${code}: ${err}`)));
      });
      const url = /Demo platform APIs on (http:\/\/127\.0\.0\.1:\d+):/.exec(printed)?.[1];
      assert.ok(url, printed);
      assert.equal(
        Number(/(\d+) Meta/.exec(printed)?.[1]),
        metaRowsIn60Days,
        "the last 60 days of Meta rows",
      );
      const settings = JSON.parse(/Settings[^\n]*\n([\s\S]*?)\nSecrets/.exec(printed)?.[1] ?? "{}") as {
        connectors: Record<
          string,
          { enabled: boolean; baseUrl: string; accountIds?: string[]; advertiserIds?: string[] }
        >;
      };
      assert.deepEqual(Object.keys(settings.connectors).sort(), [
        "facebook_ads",
        "google_ads",
        "shopify",
        "tiktok_ads",
      ]);
      for (const connector of Object.values(settings.connectors)) {
        assert.equal(connector.enabled, true);
        assert.equal(connector.baseUrl, url);
      }
      const secret = (name: string) => new RegExp(`${name}=(\\S+)`).exec(printed)?.[1] ?? "";
      // The printed TikTok token is refused as expired (--expire tiktok_ads): TikTok's code 40105.
      const tiktok = (await (
        await fetch(
          `${url}/open_api/v1.3/report/integrated/get/?${new URLSearchParams({
            advertiser_id: settings.connectors.tiktok_ads?.advertiserIds?.[0] ?? "",
            report_type: "BASIC",
            data_level: "AUCTION_AD",
            dimensions: JSON.stringify(["ad_id", "stat_time_day"]),
            metrics: JSON.stringify(["spend"]),
            start_date: addDays(END, -6),
            end_date: END,
            page: "1",
            page_size: "10",
          }).toString()}`,
          { headers: { "Access-Token": secret("PULSE_TIKTOK_ACCESS_TOKEN") } },
        )
      ).json()) as { code: number; data?: { list?: unknown[] } };
      assert.equal(tiktok.code, 40105);
      const account = settings.connectors.facebook_ads?.accountIds?.[0] ?? "";
      const meta = (await (
        await fetch(
          `${url}/v24.0/${account.startsWith("act_") ? account : `act_${account}`}/insights?${new URLSearchParams(
            {
              level: "ad",
              time_increment: "1",
              time_range: JSON.stringify({ since: END, until: END }),
              limit: "1000",
              access_token: secret("PULSE_META_ACCESS_TOKEN"),
            },
          ).toString()}`,
        )
      ).json()) as { data?: unknown[] };
      // The printed Meta token is accepted, and 40 % of the last day's rows are lost (--lose facebook_ads:…:0.4).
      assert.equal(meta.data?.length, metaRowsOnEnd - Math.round(metaRowsOnEnd * 0.4));
      // The printed Shopify token is accepted, and 30 % of the last day's orders are lost (--lose shopify:…:0.3):
      // the orders created on END in New York (UTC-5 in November), page by page.
      let served = 0;
      let after: string | null = null;
      for (let pages = 0; pages < 50; pages += 1) {
        const answer = (await (
          await fetch(`${url}/admin/api/2026-10/graphql.json`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "X-Shopify-Access-Token": secret("PULSE_SHOPIFY_ACCESS_TOKEN"),
            },
            body: JSON.stringify({
              query: "query Orders($first: Int!, $after: String, $query: String) { orders { nodes { id } } }",
              variables: {
                first: 50,
                after,
                query: `created_at:>='${END}T05:00:00Z' created_at:<'${addDays(END, 1)}T05:00:00Z'`,
              },
            }),
          })
        ).json()) as {
          data?: {
            orders?: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
          };
        };
        const orders = answer.data?.orders;
        assert.ok(orders, JSON.stringify(answer));
        served += orders.nodes.length;
        if (!orders.pageInfo.hasNextPage) break;
        after = orders.pageInfo.endCursor;
      }
      assert.equal(served, shopifyOrdersOnEnd - Math.round(shopifyOrdersOnEnd * 0.3));
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on("exit", resolve));
        child.kill("SIGINT");
        await exited;
      }
      await rm(workDir, { recursive: true, force: true });
    }
  });
});

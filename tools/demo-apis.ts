// The demo shop as its four platform APIs on 127.0.0.1, so the real connector code runs end to end locally.
//   npx tsx tools/demo-apis.ts [--work-dir .pulse] [--days 60] [--port 8787, default any free one]
//                              [--lose facebook_ads:2026-11-10:0.4[:account]] [--lose shopify:2026-11-12:0.3]
//                              [--expire shopify|facebook_ads|tiktok_ads|google_ads]
// It reads the last --days of the demo's raw data from the work dir's warehouse (run `npm start` once first),
// closes it, and serves it until Ctrl-C; it prints the settings and secrets that point a run at it.
import { parseArgs } from "node:util";
import { join } from "node:path";
import { DuckDbWarehouse } from "../functions/adapters/warehouse/duckdb/warehouse.ts";
import { addDays } from "../functions/lib/calendar.ts";
import { readQuery } from "../functions/lib/sql/queries.ts";
import { GOOGLE_CUSTOMER_ID, META_ACCOUNT_ID, TIKTOK_ADVERTISER_ID } from "../functions/demo/ad-campaigns.ts";
import { platformDataFromRaw } from "./demo-apis/from-raw.ts";
import { type Fault, type Loss, type Platform, startPlatformServer, TOKENS } from "./demo-apis/server.ts";

const PLATFORMS: readonly Platform[] = ["shopify", "facebook_ads", "tiktok_ads", "google_ads"];

function parseLoss(text: string): Loss {
  const [platform, day = "", share = "", account] = text.split(":");
  if (
    (platform !== "shopify" && platform !== "facebook_ads") ||
    !/^\d{4}-\d{2}-\d{2}$/.test(day) ||
    !(Number(share) > 0)
  )
    throw new Error(`--lose ${text}: expected shopify|facebook_ads:YYYY-MM-DD:share[:account]`);
  return { platform, day, share: Number(share), ...(account ? { account } : {}) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "work-dir": { type: "string", default: ".pulse" },
      days: { type: "string", default: "60" },
      port: { type: "string", default: "0" },
      timezone: { type: "string", default: "America/New_York" },
      lose: { type: "string", multiple: true, default: [] },
      expire: { type: "string", multiple: true, default: [] },
    },
  });
  const losses = (values.lose ?? []).map(parseLoss);
  const faults: Fault[] = (values.expire ?? []).map((platform) => {
    if (!PLATFORMS.includes(platform as Platform)) throw new Error(`--expire ${platform}: unknown platform`);
    return { platform: platform as Platform, request: 1, through: Number.MAX_SAFE_INTEGER, kind: "expired" };
  });
  const warehouse = await DuckDbWarehouse.open(join(values["work-dir"] ?? ".pulse", "warehouse.duckdb"));
  let data;
  try {
    const [latest] = await warehouse.query<{ last_day: string | null }>(readQuery("cli/latest_order_day"), {
      shop_timezone: values.timezone ?? "America/New_York",
    });
    const endDate = latest?.last_day;
    if (!endDate) throw new Error("no demo orders in the work dir: run `npm start` first");
    const startDate = addDays(endDate, -(Number(values.days) - 1));
    data = await platformDataFromRaw(
      warehouse,
      { startDate, endDate },
      values.timezone ?? "America/New_York",
    );
  } finally {
    await warehouse.close();
  }
  const server = await startPlatformServer(data, { losses, faults, port: Number(values.port) });
  const settings = {
    connectors: {
      shopify: { enabled: true, shopDomain: "demo.myshopify.com", baseUrl: server.url },
      facebook_ads: { enabled: true, accountIds: [META_ACCOUNT_ID], baseUrl: server.url },
      tiktok_ads: { enabled: true, advertiserIds: [String(TIKTOK_ADVERTISER_ID)], baseUrl: server.url },
      google_ads: {
        enabled: true,
        customerIds: [String(GOOGLE_CUSTOMER_ID)],
        baseUrl: server.url,
        tokenUrl: `${server.url}/oauth/token`,
      },
    },
  };
  process.stdout.write(
    [
      `Demo platform APIs on ${server.url}: ${data.shopifyOrders.length} orders, ${data.metaInsights.length} Meta, ${data.tiktokRows.length} TikTok and ${data.googleRows.length} Google Ads rows.`,
      "Settings (merge into the run's settings file):",
      JSON.stringify(settings, null, 2),
      "Secrets (environment):",
      `  PULSE_SHOPIFY_ACCESS_TOKEN=${TOKENS.shopify} PULSE_META_ACCESS_TOKEN=${TOKENS.meta} PULSE_TIKTOK_ACCESS_TOKEN=${TOKENS.tiktok}`,
      `  PULSE_GOOGLE_ADS_OAUTH='${JSON.stringify(TOKENS.googleOauth)}'`,
      `  (or, as a Dev Dashboard app: PULSE_SHOPIFY_ACCESS_TOKEN='${JSON.stringify(TOKENS.shopifyApp)}')`,
      "Ctrl-C stops it.",
      "",
    ].join("\n"),
  );
  process.on("SIGINT", () => {
    void server.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

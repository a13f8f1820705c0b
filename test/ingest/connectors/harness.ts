// A connector bench: the local platform server (tools/demo-apis/server.ts) on 127.0.0.1, an in-memory DuckDB
// with the raw tables, a folder bucket for the cursors, the credentials through a Secrets port, and an
// injected sleep that records every wait instead of spending it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FolderBucket } from "../../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { type ConnectorsResult, runConnectors } from "../../../functions/ingest/connectors/run.ts";
import { silentLogger } from "../../../functions/lib/logger.ts";
import type { ApiIo } from "../../../functions/lib/platform-apis/http.ts";
import { loadConfig, type PulseConfig } from "../../../functions/shared/config.ts";
import { Ledger } from "../../../functions/shared/ledger.ts";
import type { SecretName } from "../../../functions/shared/options.ts";
import { parseRunMessage } from "../../../functions/shared/run-message.ts";
import type { StepContext } from "../../../functions/shared/step.ts";
import {
  type PlatformData,
  type PlatformServer,
  type ServerOptions,
  startPlatformServer,
  TOKENS,
} from "../../../tools/demo-apis/server.ts";
import { openFixtureWarehouse } from "../../support/sql-fixtures.ts";
import { GOOGLE_CUSTOMER, META_ACCOUNTS, RUN_DATE, TIKTOK_ADVERTISER, TIMEZONE } from "./fixtures.ts";

/** What a shop connecting today gives: no Google Ads developer token (sunset by Google on 9 September 2026). */
export const ALL_SECRETS: Partial<Record<SecretName, string>> = {
  shopifyAccessToken: TOKENS.shopify,
  metaAccessToken: TOKENS.meta,
  tiktokAccessToken: TOKENS.tiktok,
  googleAdsOauth: JSON.stringify(TOKENS.googleOauth),
};

/** Connector settings pointing every enabled platform at the local server. */
export function connectorSettings(
  url: string,
  overrides: Record<string, object> = {},
): Record<string, object> {
  return {
    shopify: {
      enabled: true,
      shopDomain: "maison-test.myshopify.com",
      apiVersion: "2026-10",
      // As many orders as one query may ask for: Shopify refuses a query over 1000 points, and an order with its
      // first 10 line items and refund transactions costs 124 (tools/demo-apis/shopify-cost.ts): 2 + 8 × 124 = 994.
      pageSize: 8,
      initialDays: 30,
      baseUrl: url,
      ...overrides.shopify,
    },
    facebook_ads: {
      enabled: true,
      accountIds: META_ACCOUNTS.map((id) => `act_${id}`),
      pageSize: 10,
      lookbackDays: 7,
      // A first run pulls the look-back alone, as before history was pulled (ad-history.test.ts pulls more).
      initialDays: 7,
      baseUrl: url,
      ...overrides.facebook_ads,
    },
    tiktok_ads: {
      enabled: true,
      advertiserIds: [TIKTOK_ADVERTISER],
      pageSize: 7,
      lookbackDays: 7,
      initialDays: 7,
      baseUrl: url,
      ...overrides.tiktok_ads,
    },
    google_ads: {
      enabled: true,
      customerIds: [GOOGLE_CUSTOMER],
      lookbackDays: 7,
      initialDays: 7,
      baseUrl: url,
      tokenUrl: `${url}/oauth/token`,
      ...overrides.google_ads,
    },
    retry: { maxAttempts: 4, maxDelaySeconds: 30, ...overrides.retry },
    ...(overrides.reconciliation ? { reconciliation: overrides.reconciliation } : {}),
  };
}

export interface Bench {
  server: PlatformServer;
  warehouse: DuckDbWarehouse;
  bucket: FolderBucket;
  sleeps: number[];
  io: ApiIo;
  config(overrides?: Record<string, object>): PulseConfig;
  context(
    runDate?: string,
    overrides?: Record<string, object>,
    secrets?: Partial<Record<SecretName, string>>,
  ): StepContext;
  pull(
    runDate?: string,
    overrides?: Record<string, object>,
    secrets?: Partial<Record<SecretName, string>>,
  ): Promise<ConnectorsResult>;
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function openBench(data: PlatformData, options: ServerOptions = {}): Promise<Bench> {
  const server = await startPlatformServer(data, options);
  const dir = await mkdtemp(join(tmpdir(), "pulse-connectors-"));
  const bucket = new FolderBucket(join(dir, "bucket"));
  const warehouse = await openFixtureWarehouse();
  const sleeps: number[] = [];
  let tick = 0;
  const io: ApiIo = {
    fetch: (input, init) => fetch(input, init),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => new Date(Date.parse("2026-11-22T11:00:00Z") + tick++),
  };
  const config = (overrides: Record<string, object> = {}) =>
    loadConfig({
      env: {
        PULSE_SETTINGS: JSON.stringify({
          version: 1,
          shop: { timezone: TIMEZONE },
          connectors: connectorSettings(server.url, overrides),
        }),
      },
      cwd: dir,
    });
  const context = (runDate = RUN_DATE, overrides: Record<string, object> = {}, secrets = ALL_SECRETS) =>
    ({
      step: "ingest",
      message: parseRunMessage({ runDate, runId: `run-${runDate}`, trigger: "manual" }),
      config: config(overrides),
      ports: {
        warehouse,
        bucket,
        secrets: { get: async (name: SecretName) => secrets[name] },
        clock: { now: () => new Date(`${runDate}T23:30:00Z`) },
      },
      ledger: new Ledger(bucket),
      log: silentLogger(),
    }) as unknown as StepContext;
  return {
    server,
    warehouse,
    bucket,
    sleeps,
    io,
    config,
    context,
    pull: (runDate, overrides, secrets) => runConnectors(context(runDate, overrides, secrets), io),
    async rows<T>(sql: string) {
      const reader = await warehouse.rawConnection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as T[];
    },
    async close() {
      await server.close();
      await warehouse.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a recorded Shopify request asked for orders (not customers, products or totals). */
export function isOrdersQuery(body: unknown): boolean {
  return /query Orders\b/.test((body as { query?: string } | undefined)?.query ?? "");
}

// The demo data generator: a realistic shop's raw Shopify and ad-platform data, in the shapes Airbyte lands in the
// raw dataset, with the story's problems injected. Deterministic for given options, streamed day by day.

import type { DuckDBConnection } from "@duckdb/node-api";
import { duckDbCreateRawTable } from "../adapters/warehouse/duckdb/types.ts";
import { addDays, daysBetween, isIsoDate } from "../lib/calendar.ts";
import { RAW_TABLES, rawTable } from "../shared/raw-schemas.ts";
import { CampaignTally, type Platform } from "./ad-campaigns.ts";
import {
  FACEBOOK_COLUMNS,
  GOOGLE_CAMPAIGN_COLUMNS,
  GOOGLE_COLUMNS,
  TIKTOK_COLUMNS,
  writeAdDay,
} from "./ad-platforms.ts";
import { AIRBYTE_COLUMNS, jsonString, money, RowWriter, writeAirbyteColumns } from "./appender.ts";
import { CUSTOMER_COLUMNS, CustomerBase, writeCustomers } from "./customers.ts";
import { ORDER_COLUMNS, type OrderStream, writeOrderDay } from "./orders.ts";
import { Rng } from "./prng.ts";
import { PRODUCTS, productDates, VENDOR } from "./catalogue.ts";
import { dayContext, growthFactor, seasonalFactor } from "./seasonality.ts";
import { type LocalDay, ShopClock } from "../lib/calendar.ts";

export interface DemoOptions {
  seed: number;
  /** YYYY-MM-DD, first order day (shop time zone). */
  startDate: string;
  /** YYYY-MM-DD, last complete day of data (inclusive). */
  endDate: string;
  /** Average over the whole period; the daily count follows seasonality and growth around it. */
  ordersPerDay: number;
  /** Shop time zone; order days are days in this zone. */
  timezone: string;
  currency: string;
  /** Inject the known problems (stale Meta/TikTok, broken attribution, a duplicated batch, NULL order values). */
  problems: boolean;
}

export interface DemoManifest {
  options: DemoOptions;
  /** Rows written per raw table. */
  rows: Record<string, number>;
  /** Distinct orders. */
  orders: number;
  injected: {
    staleSources: { source: string; lastDay: string }[];
    brokenAttribution: { channel: string; from: string; to: string }[];
    /** With problems off: day "" and rows 0. */
    duplicatedBatch: { table: string; day: string; rows: number };
    nullOrderValues: { count: number; days: string[] };
  };
  seconds: number;
}

const GENERATION_ID = 1;
const SHOPIFY_SYNC_BASE = 10_000;
const NULL_TOTAL_ORDERS = 15;

const PRODUCT_COLUMNS = [
  "id",
  "title",
  "product_type",
  "vendor",
  "status",
  "created_at",
  "updated_at",
  "variants",
  ...AIRBYTE_COLUMNS,
];

export function defaultDemoOptions(endDate: string): DemoOptions {
  return {
    seed: 42,
    startDate: addDays(endDate, -729),
    endDate,
    ordersPerDay: 300,
    timezone: "America/New_York",
    currency: "USD",
    problems: true,
  };
}

function validate(options: DemoOptions): void {
  if (!isIsoDate(options.startDate))
    throw new Error(`startDate must be YYYY-MM-DD, got "${options.startDate}"`);
  if (!isIsoDate(options.endDate)) throw new Error(`endDate must be YYYY-MM-DD, got "${options.endDate}"`);
  if (options.startDate > options.endDate) throw new Error("startDate must not be after endDate");
  if (!(options.ordersPerDay > 0)) throw new Error("ordersPerDay must be positive");
  if (!Number.isInteger(options.seed)) throw new Error("seed must be an integer");
  if (!/^[A-Z]{3}$/.test(options.currency))
    throw new Error(`currency must be an ISO code, got "${options.currency}"`);
  new Intl.DateTimeFormat("en-US", { timeZone: options.timezone });
}

function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid dataset name "${name}"`);
  return `"${name}"`;
}

interface ProblemPlan {
  staleLastIndex: Record<Platform, number>;
  brokenFromIndex: number;
  duplicateIndex: number;
  nullQuota: Map<number, number>;
}

function planProblems(options: DemoOptions, dayCount: number): ProblemPlan | null {
  if (!options.problems) return null;
  const last = dayCount - 1;
  const nullQuota = new Map<number, number>();
  const rng = Rng.derive(options.seed, 5);
  for (let i = 0; i < NULL_TOTAL_ORDERS; i++) {
    const index = last - rng.int(Math.min(10, dayCount));
    nullQuota.set(index, (nullQuota.get(index) ?? 0) + 1);
  }
  return {
    staleLastIndex: { meta: last - 5, tiktok: last - 4, google: last },
    brokenFromIndex: Math.max(0, last - 6),
    duplicateIndex: Math.max(0, last - 20),
    nullQuota,
  };
}

/** Distinct positions among a day's orders, drawn deterministically. */
function pickPositions(rng: Rng, quota: number, count: number): Set<number> {
  const positions = new Set<number>();
  const wanted = Math.min(quota, count);
  while (positions.size < wanted) positions.add(rng.int(count));
  return positions;
}

/**
 * Creates the dataset's raw tables (dropping any previous ones) and fills them. `onProgress` is called after each
 * day with (days done, total days).
 */
export async function generateDemoData(
  connection: DuckDBConnection,
  dataset: string,
  options: DemoOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<DemoManifest> {
  validate(options);
  const started = performance.now();
  const schema = quoteIdentifier(dataset);
  await connection.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  for (const table of RAW_TABLES) {
    await connection.run(`DROP TABLE IF EXISTS ${schema}."${table.name}"`);
    await connection.run(duckDbCreateRawTable(dataset, table));
  }

  const { seed } = options;
  const dayCount = daysBetween(options.startDate, options.endDate) + 1;
  const clock = new ShopClock(options.timezone);
  // One entry per day (and the day after endDate, whose night sync lands the last day): O(days), not O(rows).
  const days: LocalDay[] = [];
  for (let index = 0; index <= dayCount; index++) days.push(clock.day(addDays(options.startDate, index)));

  // Daily order counts: seasonality × growth × noise, scaled so the period averages ordersPerDay.
  const weights = new Float64Array(dayCount);
  let weightSum = 0;
  for (let index = 0; index < dayCount; index++) {
    const context = dayContext(days[index] as LocalDay, index, dayCount);
    const weight = seasonalFactor(context) * growthFactor(index) * Rng.derive(seed, 1, index).noise(0.07);
    weights[index] = weight;
    weightSum += weight;
  }
  const counts = new Int32Array(dayCount);
  let totalOrders = 0;
  for (let index = 0; index < dayCount; index++) {
    const expected = (options.ordersPerDay * dayCount * (weights[index] ?? 0)) / weightSum;
    counts[index] = Rng.derive(seed, 2, index).roundRandom(expected);
    totalOrders += counts[index] ?? 0;
  }

  // The Shopify connection syncs nightly, 02:00-03:00 shop time, after the day's last order.
  const extractedMs = new Float64Array(dayCount);
  for (let index = 0; index < dayCount; index++) {
    const nextStart = (days[index + 1] as LocalDay).startMs;
    extractedMs[index] = nextStart + 2 * 3_600_000 + Rng.derive(seed, 3, index).int(3300) * 1000;
  }
  const backfillMs = (days[0] as LocalDay).startMs + 3_600_000;
  const syncs = { extractedMs, syncIdBase: SHOPIFY_SYNC_BASE };

  const problems = planProblems(options, dayCount);

  const open = (name: string, columns: readonly string[]) =>
    RowWriter.open(connection, dataset, rawTable(name), columns);
  const orderWriter = await open("shopify_orders", ORDER_COLUMNS);
  const customerWriter = await open("shopify_customers", CUSTOMER_COLUMNS);
  const productWriter = await open("shopify_products", PRODUCT_COLUMNS);
  const facebookWriter = await open("facebook_ads_insights", FACEBOOK_COLUMNS);
  const tiktokWriter = await open("tiktok_ads_reports_daily", TIKTOK_COLUMNS);
  const googleWriter = await open("google_ads_campaign_stats", GOOGLE_COLUMNS);
  const googleCampaignWriter = await open("google_ads_campaign_totals", GOOGLE_CAMPAIGN_COLUMNS);
  const writers = [
    orderWriter,
    customerWriter,
    productWriter,
    facebookWriter,
    tiktokWriter,
    googleWriter,
    googleCampaignWriter,
  ];

  try {
    const lastSync = dayCount - 1;
    writeProducts(
      productWriter,
      options,
      dayCount,
      extractedMs[lastSync] ?? 0,
      SHOPIFY_SYNC_BASE + lastSync,
      seed,
    );

    // A shop two years in already has customers: they come back during the period like everyone else.
    const priorCount = Math.round(options.ordersPerDay * 90);
    const customers = new CustomerBase(priorCount + totalOrders);
    const priorRng = Rng.derive(seed, 4);
    const startMs = (days[0] as LocalDay).startMs;
    for (let i = 0; i < priorCount; i++) {
      const createdMs = startMs - (10 + priorRng.int(900)) * 86_400_000 - priorRng.int(86_400) * 1000;
      const index = customers.add(createdMs, -1);
      const prior = 1 + Math.floor(3 * priorRng.next() ** 2);
      customers.ordersCount[index] = prior;
      customers.spentCents[index] = prior * (3500 + priorRng.int(7500));
      customers.updatedMs[index] =
        createdMs + Math.floor((priorRng.next() * (startMs - createdMs - 3_600_000)) / 1000) * 1000;
    }

    const stream: OrderStream = {
      seed,
      currency: options.currency,
      dayCount,
      orderSeq: 0,
      lineSeq: 0,
      customers,
      customersAtDay: new Int32Array(dayCount),
      syncs,
      rawIds: Rng.derive(seed, 0xa1, 0),
      generationId: GENERATION_ID,
      rows: { duplicated: 0 },
    };
    const tally = new CampaignTally();
    const adRawIds: Record<Platform | "googleCampaigns", Rng> = {
      meta: Rng.derive(seed, 0xa1, 3),
      tiktok: Rng.derive(seed, 0xa1, 4),
      google: Rng.derive(seed, 0xa1, 5),
      googleCampaigns: Rng.derive(seed, 0xa1, 6),
    };
    const nullDays: string[] = [];
    let nullCount = 0;

    for (let index = 0; index < dayCount; index++) {
      const day = days[index] as LocalDay;
      const context = dayContext(day, index, dayCount);
      const count = counts[index] ?? 0;
      const quota = problems?.nullQuota.get(index) ?? 0;
      const nullTotals =
        quota > 0 ? pickPositions(Rng.derive(seed, 6, index), quota, count) : new Set<number>();
      if (nullTotals.size > 0) {
        nullDays.push(day.date);
        nullCount += nullTotals.size;
      }
      tally.reset();
      const { revenueCents } = writeOrderDay(
        stream,
        {
          context,
          rng: Rng.derive(seed, 10, index),
          count,
          attributionBroken: problems !== null && index >= problems.brokenFromIndex,
          duplicateBatch: problems !== null && index === problems.duplicateIndex,
          nullTotals,
        },
        tally,
        orderWriter,
      );
      writeAdDay(
        {
          context,
          rng: Rng.derive(seed, 20, index),
          platformRng: {
            meta: Rng.derive(seed, 21, index),
            tiktok: Rng.derive(seed, 22, index),
            google: Rng.derive(seed, 23, index),
          },
          currency: options.currency,
          revenueCents,
          tally,
          include: {
            meta: problems === null || index <= problems.staleLastIndex.meta,
            tiktok: problems === null || index <= problems.staleLastIndex.tiktok,
            google: true,
          },
          generationId: GENERATION_ID,
        },
        {
          facebook: facebookWriter,
          tiktok: tiktokWriter,
          google: googleWriter,
          googleCampaigns: googleCampaignWriter,
          rawIds: adRawIds,
        },
      );
      onProgress?.(index + 1, dayCount);
    }

    writeCustomers(
      customerWriter,
      customers,
      seed,
      options.currency,
      {
        extractedMs: (syncIndex) => (syncIndex < 0 ? backfillMs : (extractedMs[syncIndex] ?? backfillMs)),
        syncId: (syncIndex) => SHOPIFY_SYNC_BASE + syncIndex,
      },
      Rng.derive(seed, 0xa1, 1),
      GENERATION_ID,
    );

    for (const writer of writers) writer.close();

    const dayAt = (index: number) => addDays(options.startDate, index);
    const rows: Record<string, number> = {};
    for (const writer of writers) rows[writer.table] = writer.rows;
    return {
      options: { ...options },
      rows,
      orders: totalOrders,
      injected: problems
        ? {
            staleSources: [
              { source: "facebook_ads", lastDay: dayAt(problems.staleLastIndex.meta) },
              { source: "tiktok_ads", lastDay: dayAt(problems.staleLastIndex.tiktok) },
            ],
            brokenAttribution: [
              { channel: "meta", from: dayAt(problems.brokenFromIndex), to: options.endDate },
              { channel: "tiktok", from: dayAt(problems.brokenFromIndex), to: options.endDate },
            ],
            duplicatedBatch: {
              table: "shopify_orders",
              day: dayAt(problems.duplicateIndex),
              rows: stream.rows.duplicated,
            },
            nullOrderValues: { count: nullCount, days: nullDays },
          }
        : {
            staleSources: [],
            brokenAttribution: [],
            duplicatedBatch: { table: "shopify_orders", day: "", rows: 0 },
            nullOrderValues: { count: 0, days: [] },
          },
      seconds: Math.round((performance.now() - started) / 10) / 100,
    };
  } catch (error) {
    for (const writer of writers) {
      try {
        writer.close();
      } catch {
        // The original error is the one worth reporting.
      }
    }
    throw error;
  }
}

function writeProducts(
  writer: RowWriter,
  options: DemoOptions,
  dayCount: number,
  extractedMs: number,
  syncId: number,
  seed: number,
): void {
  const rawIds = Rng.derive(seed, 0xa1, 2);
  const startMs = Date.parse(`${options.startDate}T15:00:00Z`);
  for (const product of PRODUCTS) {
    const { createdMs } = productDates(product, options.startDate, dayCount);
    const archived = product.archiveAt !== undefined;
    // Products are edited now and then (copy, images, prices); the latest edit falls somewhere in the period.
    const editDay = archived
      ? Math.floor((product.archiveAt ?? 0) * (dayCount - 1))
      : (product.index * 53 + 11) % Math.max(1, dayCount);
    const updatedMs = Math.max(
      createdMs + 3_600_000,
      startMs + editDay * 86_400_000 + product.index * 60_000,
    );
    const variants = product.variants
      .map(
        (variant) =>
          `{"id":${variant.id},"sku":"${variant.sku}","price":"${money(variant.priceCents)}","title":${jsonString(variant.title)}}`,
      )
      .join(",");
    writer.int(product.id);
    writer.str(product.title);
    writer.str(product.category);
    writer.str(VENDOR);
    writer.str(archived ? "archived" : "active");
    writer.ts(createdMs);
    writer.ts(Math.min(updatedMs, extractedMs - 3_600_000));
    writer.json(`[${variants}]`);
    writeAirbyteColumns(writer, rawIds.uuid(), extractedMs, syncId, GENERATION_ID);
    writer.end();
  }
}

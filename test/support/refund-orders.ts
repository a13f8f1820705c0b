// Shopify orders with tips, gift cards and refunds of them, as Airbyte lands Shopify's REST orders, and what their
// refunds returned computed from the raw order alone (never from the refund transactions the models read): the
// fixtures of test/sql/tip-refunds.test.ts and test/sql/gift-card-refunds.test.ts, and the readings both compare.
import { readFile } from "node:fs/promises";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { baselineSql } from "../../tools/bench-baseline.ts";
import { paidOrderOfDay } from "./sql-fixtures.ts";

/** The run date of both suites: every order and refund is before it. */
export const REFUNDS_RUN_DATE = "2026-11-25";

const SHIRT = 5;
const GIFT_CARD = 7;

export interface RawLine {
  id: number;
  product_id: number | null;
  sku?: string | null;
  title: string;
  quantity: number;
  price: string;
  total_discount: string;
  gift_card?: boolean;
  tip_payment_gateway?: string;
  tip_payment_method?: string;
}

export interface RawRefundLine {
  line_item_id: number;
  line_item: RawLine;
  quantity: number;
  subtotal: number;
  total_tax: number;
}

export interface RawRefund {
  id: number;
  created_at: string;
  refund_line_items?: RawRefundLine[];
  transactions: { amount: string; kind: string; status: string }[];
}

export interface RawOrder {
  id: number;
  created_at: string;
  total_tax: string;
  total_shipping_price_set: { shop_money: { amount: string } };
  line_items: RawLine[];
  refunds: RawRefund[];
}

export const shirts = (orderId: number, quantity: number): RawLine => ({
  id: orderId * 10,
  product_id: SHIRT,
  title: "Shirt",
  quantity,
  price: "30.00",
  total_discount: "0.00",
  gift_card: false,
});

/** A $50 gift card as Shopify's REST order lists it: its line says gift_card. */
export const giftCard = (orderId: number): RawLine => ({
  id: orderId * 10 + 1,
  product_id: GIFT_CARD,
  title: "Gift Card",
  quantity: 1,
  price: "50.00",
  total_discount: "0.00",
  gift_card: true,
});

/** A tip as Shopify's REST order lists it: a line of its own, with the gateway and method it was paid by. */
export const tipLine = (orderId: number, amount: string): RawLine => ({
  id: orderId * 10 + 9,
  product_id: null,
  title: "Tip",
  quantity: 1,
  price: amount,
  total_discount: "0.00",
  gift_card: false,
  tip_payment_gateway: "shopify_payments",
  tip_payment_method: "card",
});

export const isTip = (line: RawLine) =>
  line.tip_payment_gateway !== undefined || line.tip_payment_method !== undefined;

/**
 * A raw paid order of `lines` on `day`, with its total and tips as Shopify gives them (gift cards are in the
 * subtotal and total, tips in the total only).
 */
export function order(
  id: number,
  day: string,
  parts: { lines: RawLine[]; tax: number; shipping: number; refunds: RawRefund[] },
) {
  const lineTotal = (line: RawLine) => Number(line.price) * line.quantity - Number(line.total_discount);
  const subtotal = parts.lines.filter((line) => !isTip(line)).reduce((sum, line) => sum + lineTotal(line), 0);
  const tips = parts.lines.filter(isTip).reduce((sum, line) => sum + lineTotal(line), 0);
  return {
    ...paidOrderOfDay(id, day, 0, `buyer${id}@example.com`),
    subtotal_price: subtotal.toFixed(2),
    total_tax: parts.tax.toFixed(2),
    total_shipping_price_set: { shop_money: { amount: parts.shipping.toFixed(2), currency_code: "USD" } },
    total_price: (subtotal + parts.shipping + parts.tax + tips).toFixed(2),
    total_tip_received: tips.toFixed(2),
    line_items: parts.lines,
    refunds: parts.refunds,
    _airbyte_extracted_at: `${REFUNDS_RUN_DATE}T06:00:00Z`,
  };
}

/** A refund of `lines` (each [line, quantity, tax]), paid back by `transactions` (each [amount, status]). */
export function refund(
  id: number,
  lines: [RawLine, number, number][],
  transactions: [string, string][],
): RawRefund {
  return {
    id,
    created_at: "2026-11-24T20:00:00Z",
    refund_line_items: lines.map(([line, quantity, tax]) => ({
      line_item_id: line.id,
      line_item: line,
      quantity,
      subtotal: Number(line.price) * quantity,
      total_tax: tax,
    })),
    transactions: transactions.map(([amount, status]) => ({ amount, kind: "refund", status })),
  };
}

export const cents = (value: unknown) => Math.round(Number(value) * 100);

/** Money that went back: a refund whose transactions all failed returned nothing. */
export const returned = (one: RawRefund) =>
  one.transactions.some((transaction) => transaction.status === "success");

/**
 * From the raw order alone: its sales (gift cards and tips aside), what its refunds returned of them, and of its
 * gift cards and tips, in cents. `isGiftCard` says which lines sold a gift card.
 */
export function expected(
  raw: RawOrder,
  isGiftCard: (line: RawLine) => boolean = (line) => line.gift_card === true,
) {
  const sale = (line: RawLine) => !isTip(line) && !isGiftCard(line);
  const sold = raw.line_items
    .filter(sale)
    .reduce((sum, line) => sum + cents(line.price) * line.quantity - cents(line.total_discount), 0);
  const gross = sold + cents(raw.total_shipping_price_set.shop_money.amount) + cents(raw.total_tax);
  const refundedLines = raw.refunds.filter(returned).flatMap((one) => one.refund_line_items ?? []);
  // The line a refund line gives back, as the order lists it.
  const soldLine = (item: RawRefundLine) => raw.line_items.find((line) => line.id === item.line_item_id);
  const returns = refundedLines
    .filter((item) => sale(soldLine(item) as RawLine))
    .reduce((sum, item) => sum + cents(item.subtotal) + cents(item.total_tax), 0);
  const giftCardsBack = refundedLines
    .filter((item) => isGiftCard(soldLine(item) as RawLine))
    .reduce((sum, item) => sum + cents(item.subtotal), 0);
  const tipsBack = refundedLines
    .filter((item) => isTip(soldLine(item) as RawLine))
    .reduce((sum, item) => sum + cents(item.subtotal), 0);
  return {
    order: raw.id,
    date: raw.created_at.slice(0, 10),
    gross,
    returns,
    giftCardsBack,
    tipsBack,
    net: gross - returns,
  };
}

/** Each order of unified.shopify_unified: its revenue, its refunds of sales, of gift cards and of tips, in cents. */
export async function orderRefunds(warehouse: DuckDbWarehouse) {
  const rows = await warehouse.query(
    `SELECT order_id, order_revenue, refunded_amount, refunded_gift_cards, refunded_tips
     FROM unified.shopify_unified ORDER BY order_id`,
    {},
    { label: "test" },
  );
  return rows.map((row) => ({
    order: Number(row.order_id),
    gross: cents(row.order_revenue),
    returns: cents(row.refunded_amount),
    giftCardsBack: cents(row.refunded_gift_cards),
    tipsBack: cents(row.refunded_tips),
  }));
}

/** Each day's gross revenue, refunds and net revenue in marts.daily_kpis, in cents. */
export async function dailyNet(warehouse: DuckDbWarehouse) {
  const rows = await warehouse.query(
    `SELECT CAST(date AS STRING) AS date, gross_revenue, refunds, net_revenue
     FROM marts.daily_kpis WHERE orders > 0 ORDER BY date`,
    {},
    { label: "test" },
  );
  return rows.map((row) => ({
    date: String(row.date),
    gross: cents(row.gross_revenue),
    returns: cents(row.refunds),
    net: cents(row.net_revenue),
  }));
}

/** Each day's refunded orders in marts.shopify_daily_metrics. */
export async function refundedOrders(warehouse: DuckDbWarehouse) {
  const rows = await warehouse.query(
    "SELECT CAST(date AS STRING) AS date, refunded_orders FROM marts.shopify_daily_metrics ORDER BY date",
    {},
    { label: "test" },
  );
  return rows.map((row) => ({ date: String(row.date), refunded: Number(row.refunded_orders) }));
}

/** Each day's refunds and net revenue as the bench's independent baseline (tools/bench-baseline.ts) computes them. */
export async function baselineNet(warehouse: DuckDbWarehouse) {
  const { channels } = JSON.parse(await readFile("sql/reference/channels.json", "utf8")) as {
    channels: never[];
  };
  for (const statement of baselineSql("America/New_York", REFUNDS_RUN_DATE, channels)) {
    await warehouse.rawConnection.run(statement);
  }
  const rows = await warehouse.query(
    "SELECT CAST(date AS STRING) AS date, refunds, net_revenue FROM base_daily_kpis WHERE orders > 0 ORDER BY date",
    {},
    { label: "test" },
  );
  return rows.map((row) => ({
    date: String(row.date),
    returns: cents(row.refunds),
    net: cents(row.net_revenue),
  }));
}

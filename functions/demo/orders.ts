// One day of Shopify orders: who buys, what, through which channel, what they pay, and every raw row Airbyte's
// incremental sync lands for it (the first landing the next night, and a new row when a refund changes it later).

import { CAMPAIGNS, type CampaignPicker, type CampaignTally, campaignPicker } from "./ad-campaigns.ts";
import { AIRBYTE_COLUMNS, jsonString, money, type RowWriter, writeAirbyteColumns } from "./appender.ts";
import {
  CUSTOMER_SALT,
  type CustomerBase,
  customerJson,
  GUEST_SALT,
  type Profile,
  profileOf,
} from "./customers.ts";
import { PRODUCTS } from "./catalogue.ts";
import { cumulative, type Rng } from "./prng.ts";
import { type DayContext, productWeights } from "./seasonality.ts";
import {
  Channel,
  channelTables,
  discountCodeFor,
  discountShare,
  EMAIL_CAMPAIGNS,
  ORGANIC_SOCIAL_REFERRERS,
  REFERRAL_REFERRERS,
  shippingCents,
} from "./shop-model.ts";
import { isoSeconds, localToUtc } from "../lib/calendar.ts";

export const ORDER_COLUMNS = [
  "id",
  "name",
  "email",
  "phone",
  "created_at",
  "updated_at",
  "processed_at",
  "cancelled_at",
  "currency",
  "financial_status",
  "fulfillment_status",
  "subtotal_price",
  "total_discounts",
  "total_tax",
  "total_shipping_price_set",
  "total_price",
  "source_name",
  "landing_site",
  "referring_site",
  "customer",
  "line_items",
  "refunds",
  "shipping_address",
  "discount_codes",
  "note_attributes",
  "test",
  "total_tip_received",
  ...AIRBYTE_COLUMNS,
];

const ORDER_ID_BASE = 5_612_345_000_000;
const ORDER_ID_STEP = 1_009;
const LINE_ID_BASE = 13_912_345_000_000;
const REFUND_ID_BASE = 1_023_456_000_000;
const FIRST_ORDER_NUMBER = 1001;

/** Orders by local hour: quiet at night, a lunch bump and an evening peak. */
const HOUR_CDF = cumulative([
  0.8, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.0, 1.4, 1.7, 1.9, 2.0, 2.2, 2.1, 2.0, 1.9, 1.9, 2.0, 2.2, 2.5, 2.7,
  2.6, 2.1, 1.4,
]);
const LINE_COUNT_CDF = cumulative([55, 28, 12, 5]);
const QUANTITY_CDF = cumulative([85, 12, 3]);

const CANCEL_RATE = 0.008;
const REFUND_RATE = 0.047;
const GUEST_RATE = 0.025;

export interface ShopifySyncs {
  /** Extraction instant of the Shopify sync that runs after local day `index` (the last is after endDate). */
  extractedMs: Float64Array;
  syncIdBase: number;
}

/** State that runs across days. */
export interface OrderStream {
  seed: number;
  currency: string;
  dayCount: number;
  orderSeq: number;
  lineSeq: number;
  customers: CustomerBase;
  /** customers.count at the start of each day, for "recent customer" picks. */
  customersAtDay: Int32Array;
  syncs: ShopifySyncs;
  rawIds: Rng;
  generationId: number;
  rows: { duplicated: number };
}

export interface OrderDayPlan {
  context: DayContext;
  rng: Rng;
  count: number;
  /** Meta and TikTok orders lose their UTMs (a tracking break). */
  attributionBroken: boolean;
  /** Land this day's first rows twice (a retried sync batch). */
  duplicateBatch: boolean;
  /** Positions (in the day's order sequence) whose total_price lands NULL. */
  nullTotals: Set<number>;
}

export interface OrderDayResult {
  revenueCents: number;
}

interface LineItem {
  productIndex: number;
  variantIndex: number;
  quantity: number;
  discountCents: number;
}

function orderSyncIndex(syncs: ShopifySyncs, instantMs: number, from: number): number {
  // First sync strictly after the instant; syncs are sorted, and there are only a few hundred of them.
  let index = from;
  const last = syncs.extractedMs.length;
  while (index < last && (syncs.extractedMs[index] ?? 0) <= instantMs) index++;
  return index;
}

export function writeOrderDay(
  stream: OrderStream,
  plan: OrderDayPlan,
  tally: CampaignTally,
  writer: RowWriter,
): OrderDayResult {
  const { context, rng } = plan;
  const { customers, syncs } = stream;
  const dayIndex = context.index;
  stream.customersAtDay[dayIndex] = customers.count;

  const productCdf = productWeights(context);
  const channels = channelTables(context.progress);
  const pickers: Record<"meta" | "tiktok" | "google", CampaignPicker> = {
    meta: campaignPicker("meta", context),
    tiktok: campaignPicker("tiktok", context),
    google: campaignPicker("google", context),
  };
  const emailCampaigns = [...EMAIL_CAMPAIGNS.always];
  if (context.isBfcm) emailCampaigns.push(EMAIL_CAMPAIGNS.bfcm, EMAIL_CAMPAIGNS.bfcm);
  if (context.isHolidayGifting) emailCampaigns.push(EMAIL_CAMPAIGNS.holiday, EMAIL_CAMPAIGNS.holiday);
  const returningShare = 0.25 + 0.1 * context.progress;
  const discountRate = discountShare(context);
  const recentFrom = stream.customersAtDay[Math.max(0, dayIndex - 60)] ?? 0;
  const isRecentDay = dayIndex >= stream.dayCount - 2;
  const lastSync = syncs.extractedMs.length - 1;

  // Times first, sorted, so order ids and names increase with created_at as Shopify's do.
  const seconds = new Float64Array(plan.count);
  for (let i = 0; i < plan.count; i++) seconds[i] = rng.pick(HOUR_CDF) * 3600 + rng.int(3600);
  seconds.sort();

  let revenueCents = 0;
  const lines: LineItem[] = [];

  for (let position = 0; position < plan.count; position++) {
    const seq = stream.orderSeq++;
    const orderId = ORDER_ID_BASE + seq * ORDER_ID_STEP + rng.int(ORDER_ID_STEP);
    const createdMs = localToUtc(context.day, seconds[position] ?? 0);

    // Who buys.
    let customerIndex = -1;
    let profile: Profile;
    let returning = false;
    if (rng.chance(GUEST_RATE)) {
      profile = profileOf(stream.seed, GUEST_SALT, seq);
    } else {
      if (customers.count > 0 && rng.chance(returningShare)) {
        // Recent buyers come back more often than old ones.
        const from = rng.chance(0.6) && recentFrom < customers.count ? recentFrom : 0;
        customerIndex = from + rng.int(customers.count - from);
        returning = true;
      } else {
        customerIndex = customers.add(createdMs - rng.int(600) * 1000, dayIndex);
      }
      profile = profileOf(stream.seed, CUSTOMER_SALT, customerIndex);
    }

    // What they buy.
    lines.length = 0;
    const lineCount = rng.pick(LINE_COUNT_CDF) + 1;
    for (let attempt = 0; lines.length < lineCount && attempt < lineCount * 3; attempt++) {
      const productIndex = rng.pick(productCdf);
      if (lines.some((line) => line.productIndex === productIndex)) continue;
      const product = PRODUCTS[productIndex];
      if (!product) continue;
      const variantIndex = product.variants.length > 1 && rng.chance(0.35) ? 1 : 0;
      lines.push({ productIndex, variantIndex, quantity: rng.pick(QUANTITY_CDF) + 1, discountCents: 0 });
    }

    // Through which channel.
    const channel = rng.pick(returning ? channels.returning : channels.newCustomers);
    let campaignName = "";
    let adName = "";
    let platform: "meta" | "tiktok" | "google" | null = null;
    if (channel === Channel.Facebook || channel === Channel.Instagram) platform = "meta";
    else if (channel === Channel.TikTok) platform = "tiktok";
    else if (channel === Channel.GoogleCpc) platform = "google";
    let campaignIndex = -1;
    if (platform !== null) {
      const picker = pickers[platform];
      const campaign = picker.campaigns[rng.pick(picker.cdf)];
      if (campaign) {
        campaignIndex = campaign.index;
        campaignName = campaign.name;
        const tree = CAMPAIGNS[campaign.index];
        const group = tree?.groups[rng.int(tree.groups.length)];
        adName = group?.ads[rng.int(group.ads.length)]?.name ?? "";
      }
    } else if (channel === Channel.Email) {
      campaignName = emailCampaigns[rng.int(emailCampaigns.length)] ?? "weekly_newsletter";
    }

    // What they pay.
    const discount = rng.chance(discountRate)
      ? discountCodeFor(context, returning, channel === Channel.TikTok, rng.next())
      : null;
    let grossCents = 0;
    let discountCents = 0;
    for (const line of lines) {
      const price = PRODUCTS[line.productIndex]?.variants[line.variantIndex]?.priceCents ?? 0;
      const lineGross = price * line.quantity;
      line.discountCents = discount ? Math.round((lineGross * discount.percent) / 100) : 0;
      grossCents += lineGross;
      discountCents += line.discountCents;
    }
    const subtotalCents = grossCents - discountCents;
    const region = profile.region;
    const shipping = shippingCents(region, subtotalCents, rng.chance(0.07));
    const taxCents = Math.round(subtotalCents * region.taxRate);
    const totalCents = subtotalCents + shipping + taxCents;

    // What happens afterwards: a cancellation within hours, or a refund days or weeks later.
    const fate = rng.next();
    let eventMs = -1;
    let refundCents = 0;
    const cancelled = fate < CANCEL_RATE;
    if (cancelled) {
      eventMs = createdMs + (900 + rng.int(8 * 3600)) * 1000;
      refundCents = totalCents;
    } else if (fate < CANCEL_RATE + REFUND_RATE) {
      const days = Math.min(60, Math.max(0.5, Math.exp(Math.log(8) + 0.8 * rng.normal())));
      eventMs = createdMs + Math.round(days * 86_400) * 1000;
      refundCents = rng.chance(0.55)
        ? totalCents
        : Math.max(100, Math.round(totalCents * rng.range(0.2, 0.6)));
    }
    if (!cancelled) revenueCents += totalCents;

    // Customer state after this order.
    let customerText = "null";
    if (customerIndex >= 0) {
      const count = (customers.ordersCount[customerIndex] ?? 0) + 1;
      customers.ordersCount[customerIndex] = count;
      customers.spentCents[customerIndex] = (customers.spentCents[customerIndex] ?? 0) + totalCents;
      customers.updatedMs[customerIndex] = createdMs;
      customers.syncIndex[customerIndex] = dayIndex;
      customerText = customerJson(
        customerIndex,
        profile,
        customers.createdMs[customerIndex] ?? createdMs,
        count,
      );
    }
    if (campaignIndex >= 0) {
      tally.orders[campaignIndex] = (tally.orders[campaignIndex] ?? 0) + 1;
      tally.revenueCents[campaignIndex] = (tally.revenueCents[campaignIndex] ?? 0) + totalCents;
    }

    // The order's fixed JSON parts.
    const firstProduct = PRODUCTS[lines[0]?.productIndex ?? 0];
    const pathDraw = rng.next();
    const path =
      pathDraw < 0.7
        ? `/products/${firstProduct?.handle ?? ""}`
        : pathDraw < 0.9
          ? "/"
          : "/collections/best-sellers";
    const broken = plan.attributionBroken && (platform === "meta" || platform === "tiktok");
    const tracked = landingFor(channel, path, campaignName, adName, rng);
    // A site change strips the query string (and the referrer) from paid-social landings: the platforms still see
    // their conversions, the shop's UTMs do not.
    const { landing, referrer } = broken ? { landing: path, referrer: null } : tracked;

    let lineText = "[";
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as LineItem;
      const product = PRODUCTS[line.productIndex];
      const variant = product?.variants[line.variantIndex];
      if (!product || !variant) continue;
      const lineId = LINE_ID_BASE + stream.lineSeq++ * 37;
      lineText += `${i > 0 ? "," : ""}{"id":${lineId},"product_id":${product.id},"variant_id":${variant.id},"sku":"${variant.sku}","title":${jsonString(product.title)},"quantity":${line.quantity},"price":"${money(variant.priceCents)}","total_discount":"${money(line.discountCents)}"}`;
    }
    lineText += "]";
    const shippingText = `{"shop_money":{"amount":"${money(shipping)}","currency_code":"${stream.currency}"}}`;
    const discountText = discount
      ? `[{"code":"${discount.code}","amount":"${money(discountCents)}","type":"percentage"}]`
      : "[]";
    const noteText = rng.chance(context.isHolidayGifting || context.isBfcm ? 0.08 : 0.02)
      ? `[{"name":"gift_message","value":"${GIFT_MESSAGES[rng.int(GIFT_MESSAGES.length)]}"}]`
      : "[]";
    // Now and then the checkout email differs in case or spacing from the customer record.
    const emailDraw = rng.next();
    const email =
      emailDraw < 0.02
        ? ` ${profile.email} `
        : emailDraw < 0.04
          ? profile.email.toUpperCase()
          : profile.email;
    const phone = profile.phone !== null && rng.chance(0.7) ? profile.phone : null;
    const processedMs = createdMs;
    const firstUpdateMs = createdMs + (60 + rng.int(1800)) * 1000;
    const nullTotal = plan.nullTotals.has(position);

    const common: OrderRow = {
      id: orderId,
      name: `#${FIRST_ORDER_NUMBER + seq}`,
      email,
      phone,
      createdMs,
      processedMs,
      currency: stream.currency,
      fulfillment: cancelled || isRecentDay ? null : "fulfilled",
      subtotalCents,
      discountCents,
      taxCents,
      shippingText,
      totalCents: nullTotal ? null : totalCents,
      landing,
      referrer,
      customerText,
      lineText,
      shippingAddress: profile.address,
      discountText,
      noteText,
    };

    const firstSync = dayIndex;
    const eventSync = eventMs >= 0 ? orderSyncIndex(syncs, eventMs, firstSync) : -1;
    const refundState: RefundState | null =
      eventMs >= 0
        ? {
            atMs: eventMs,
            cancelled,
            cents: refundCents,
            full: refundCents >= totalCents,
            id: REFUND_ID_BASE + seq * 7,
          }
        : null;

    // First landing: the refund shows already if it happened before the night's sync.
    const refundedAtFirst = refundState !== null && eventSync === firstSync;
    const firstExtracted = syncs.extractedMs[firstSync] ?? 0;
    const firstSyncId = syncs.syncIdBase + firstSync;
    writeOrderRow(
      writer,
      common,
      refundedAtFirst ? refundState : null,
      refundedAtFirst ? (refundState?.atMs ?? firstUpdateMs) : firstUpdateMs,
    );
    writeAirbyteColumns(writer, stream.rawIds.uuid(), firstExtracted, firstSyncId, stream.generationId);
    writer.end();
    if (plan.duplicateBatch) {
      // The retried batch: same content, a new raw id, landed minutes later.
      writeOrderRow(
        writer,
        common,
        refundedAtFirst ? refundState : null,
        refundedAtFirst ? (refundState?.atMs ?? firstUpdateMs) : firstUpdateMs,
      );
      writeAirbyteColumns(
        writer,
        stream.rawIds.uuid(),
        firstExtracted + 420_000,
        firstSyncId,
        stream.generationId,
      );
      writer.end();
      stream.rows.duplicated++;
    }
    // A later refund: the incremental sync lands the changed order again.
    if (refundState !== null && !refundedAtFirst && eventSync <= lastSync) {
      writeOrderRow(writer, common, refundState, refundState.atMs);
      writeAirbyteColumns(
        writer,
        stream.rawIds.uuid(),
        syncs.extractedMs[eventSync] ?? 0,
        syncs.syncIdBase + eventSync,
        stream.generationId,
      );
      writer.end();
      if (customerIndex >= 0) {
        customers.spentCents[customerIndex] = (customers.spentCents[customerIndex] ?? 0) - refundState.cents;
        if (eventSync > (customers.syncIndex[customerIndex] ?? -1)) {
          customers.updatedMs[customerIndex] = refundState.atMs;
          customers.syncIndex[customerIndex] = eventSync;
        }
      }
    } else if (refundedAtFirst && customerIndex >= 0) {
      customers.spentCents[customerIndex] =
        (customers.spentCents[customerIndex] ?? 0) - (refundState?.cents ?? 0);
    }
  }
  return { revenueCents };
}

const GIFT_MESSAGES = [
  "Happy birthday! Love you",
  "Merry Christmas, enjoy the pampering",
  "Congrats on the new job!",
  "Thinking of you",
  "Happy anniversary xx",
];

interface OrderRow {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  createdMs: number;
  processedMs: number;
  currency: string;
  fulfillment: string | null;
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  shippingText: string;
  totalCents: number | null;
  landing: string;
  referrer: string | null;
  customerText: string;
  lineText: string;
  shippingAddress: string;
  discountText: string;
  noteText: string;
}

interface RefundState {
  atMs: number;
  cancelled: boolean;
  cents: number;
  full: boolean;
  id: number;
}

function writeOrderRow(
  writer: RowWriter,
  row: OrderRow,
  refund: RefundState | null,
  updatedMs: number,
): void {
  writer.int(row.id);
  writer.str(row.name);
  writer.str(row.email);
  writer.str(row.phone);
  writer.ts(row.createdMs);
  writer.ts(updatedMs);
  writer.ts(row.processedMs);
  writer.ts(refund?.cancelled ? refund.atMs : null);
  writer.str(row.currency);
  writer.str(refund === null ? "paid" : refund.full ? "refunded" : "partially_refunded");
  writer.str(row.fulfillment);
  writer.num(row.subtotalCents / 100);
  writer.num(row.discountCents / 100);
  writer.num(row.taxCents / 100);
  writer.json(row.shippingText);
  writer.num(row.totalCents === null ? null : row.totalCents / 100);
  writer.str("web");
  writer.str(row.landing);
  writer.str(row.referrer);
  writer.json(row.customerText === "null" ? null : row.customerText);
  writer.json(row.lineText);
  writer.json(
    refund === null
      ? "[]"
      : `[{"id":${refund.id},"created_at":"${isoSeconds(refund.atMs)}","transactions":[{"amount":"${money(refund.cents)}","kind":"refund"}]}]`,
  );
  writer.json(row.shippingAddress);
  writer.json(row.discountText);
  writer.json(row.noteText);
  // The demo shop's checkouts are real sales; Airbyte lands Shopify's flag as false.
  writer.bool(false);
  // The demo shop takes no tips: Shopify says 0.00 for an order without one.
  writer.num(0);
}

function clickId(rng: Rng): string {
  return `${rng.uint32().toString(36)}${rng.uint32().toString(36)}`;
}

function landingFor(
  channel: number,
  path: string,
  campaign: string,
  ad: string,
  rng: Rng,
): { landing: string; referrer: string | null } {
  switch (channel) {
    case Channel.Facebook:
      return {
        landing: `${path}?utm_source=facebook&utm_medium=paid_social&utm_campaign=${campaign}&utm_content=${ad}&fbclid=IwAR${clickId(rng)}`,
        referrer: rng.chance(0.7) ? "https://m.facebook.com/" : "https://l.facebook.com/",
      };
    case Channel.Instagram:
      return {
        landing: `${path}?utm_source=instagram&utm_medium=paid_social&utm_campaign=${campaign}&utm_content=${ad}&fbclid=PAAa${clickId(rng)}`,
        referrer: "https://l.instagram.com/",
      };
    case Channel.TikTok:
      return {
        landing: `${path}?utm_source=tiktok&utm_medium=paid_social&utm_campaign=${campaign}&utm_content=${ad}&ttclid=E.C.P.${clickId(rng)}`,
        referrer: rng.chance(0.5) ? "https://www.tiktok.com/" : null,
      };
    case Channel.GoogleCpc:
      return {
        landing: `${path}?utm_source=google&utm_medium=cpc&utm_campaign=${campaign}&gclid=Cj0KCQ${clickId(rng)}`,
        referrer: "https://www.google.com/",
      };
    case Channel.Email:
      return {
        landing: `${path}?utm_source=klaviyo&utm_medium=email&utm_campaign=${campaign}`,
        referrer: null,
      };
    case Channel.OrganicSearch:
      return {
        landing: path,
        referrer: rng.chance(0.85) ? "https://www.google.com/" : "https://www.bing.com/",
      };
    case Channel.OrganicSocial:
      return {
        landing: path,
        referrer: ORGANIC_SOCIAL_REFERRERS[rng.int(ORGANIC_SOCIAL_REFERRERS.length)] ?? null,
      };
    case Channel.Referral:
      return { landing: path, referrer: REFERRAL_REFERRERS[rng.int(REFERRAL_REFERRERS.length)] ?? null };
    default:
      return { landing: path, referrer: null };
  }
}

// The customer base. A customer's identity (name, email, phone, address) is a pure function of (seed, index), so
// only the few fields that change over time are stored, in typed arrays: a few bytes per customer, not per day.

import { AIRBYTE_COLUMNS, jsonString, type RowWriter, writeAirbyteColumns } from "./appender.ts";
import { Rng } from "./prng.ts";
import { FIRST_NAMES, LAST_NAMES, REGION_CDF, REGIONS, type Region } from "./geography.ts";
import { isoSeconds } from "../lib/calendar.ts";

const CUSTOMER_ID_BASE = 6_904_123_000_000;
const CUSTOMER_ID_STEP = 131;

function ascii(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

const FIRST_ASCII = FIRST_NAMES.map(ascii);
const LAST_ASCII = LAST_NAMES.map(ascii);

export interface Profile {
  firstName: string;
  lastName: string;
  /** As stored on the customer record: mostly lower case, a few typed with capitals. */
  email: string;
  phone: string | null;
  region: Region;
  address: string;
  acceptsMarketing: boolean;
}

/** Identity of customer `index` (or of a guest checkout, with a different salt). */
export function profileOf(seed: number, salt: number, index: number): Profile {
  const rng = Rng.derive(seed, salt, index);
  const firstIndex = rng.int(FIRST_NAMES.length);
  const lastIndex = rng.int(LAST_NAMES.length);
  const firstName = FIRST_NAMES[firstIndex] ?? "Alex";
  const lastName = LAST_NAMES[lastIndex] ?? "Smith";
  const local = `${FIRST_ASCII[firstIndex]}.${LAST_ASCII[lastIndex]}${index + (salt === GUEST_SALT ? 500_000_000 : 1)}`;
  const style = rng.next();
  // A few shoppers type their address with capitals; normalisation has to make them match their other orders.
  const email =
    style < 0.02
      ? `${capitalise(local)}@Example.com`
      : style < 0.03
        ? `${local.toUpperCase()}@EXAMPLE.COM`
        : `${local}@example.com`;
  const region = REGIONS[rng.pick(REGION_CDF)] ?? (REGIONS[0] as Region);
  const [city, zipPrefix] = region.cities[rng.int(region.cities.length)] ?? ["", ""];
  const zip = zipFor(region, zipPrefix, rng);
  const phone = rng.chance(0.45) ? phoneFor(region, rng) : null;
  const address = `{"country_code":"${region.country}","province_code":${region.province === null ? "null" : `"${region.province}"`},"city":${jsonString(city)},"zip":"${zip}"}`;
  return { firstName, lastName, email, phone, region, address, acceptsMarketing: rng.chance(0.58) };
}

export const CUSTOMER_SALT = 0xc0ffee;
export const GUEST_SALT = 0xbeef;

function capitalise(local: string): string {
  return local
    .split(".")
    .map((part) => (part[0] ?? "").toUpperCase() + part.slice(1))
    .join(".");
}

function digits(rng: Rng, count: number): string {
  let text = "";
  for (let i = 0; i < count; i++) text += String(rng.int(10));
  return text;
}

function zipFor(region: Region, prefix: string, rng: Rng): string {
  switch (region.country) {
    case "US":
      return prefix + digits(rng, 2);
    case "CA":
      return `${prefix} ${rng.int(10)}${"ABCEGHJKLMNPRSTVXY"[rng.int(18)]}${rng.int(10)}`;
    case "GB":
      return `${prefix} ${rng.int(10)}${"ABDEFGHJLNPQRSTUWXYZ"[rng.int(20)]}${"ABDEFGHJLNPQRSTUWXYZ"[rng.int(20)]}`;
    default:
      return prefix;
  }
}

/** Fictional numbers (555-01xx in North America), in the mix of formats people type at checkout. */
function phoneFor(region: Region, rng: Rng): string {
  if (region.dial === "+1") {
    const area = String(201 + rng.int(780));
    const line = `01${digits(rng, 2)}`;
    const format = rng.int(3);
    if (format === 0) return `+1${area}555${line}`;
    if (format === 1) return `(${area}) 555-${line}`;
    return `${area}-555-${line}`;
  }
  if (region.dial === "+44") return `+44 7700 900${digits(rng, 3)}`;
  return `${region.dial} ${digits(rng, 9)}`;
}

/** Mutable customer state; index = creation order (the pre-existing base first). */
export class CustomerBase {
  count = 0;
  readonly createdMs: Float64Array;
  readonly updatedMs: Float64Array;
  /** Shopify sync that last landed this customer (-1: the initial backfill). */
  readonly syncIndex: Int32Array;
  readonly ordersCount: Uint32Array;
  readonly spentCents: Float64Array;

  constructor(capacity: number) {
    this.createdMs = new Float64Array(capacity);
    this.updatedMs = new Float64Array(capacity);
    this.syncIndex = new Int32Array(capacity);
    this.ordersCount = new Uint32Array(capacity);
    this.spentCents = new Float64Array(capacity);
  }

  add(createdMs: number, syncIndex: number): number {
    const index = this.count++;
    this.createdMs[index] = createdMs;
    this.updatedMs[index] = createdMs;
    this.syncIndex[index] = syncIndex;
    return index;
  }

  static idOf(index: number): number {
    return CUSTOMER_ID_BASE + index * CUSTOMER_ID_STEP;
  }
}

export const CUSTOMER_COLUMNS = [
  "id",
  "email",
  "phone",
  "first_name",
  "last_name",
  "created_at",
  "updated_at",
  "orders_count",
  "total_spent",
  "currency",
  "accepts_marketing",
  "default_address",
  ...AIRBYTE_COLUMNS,
];

export interface CustomerSyncs {
  /** Extraction instant and sync id of Shopify sync `index` (-1 = backfill). */
  extractedMs(index: number): number;
  syncId(index: number): number;
}

/**
 * shopify_customers: the latest state of every customer, landed by the sync after its last change. The rows go
 * in landing order (the backfill first, then sync after sync), as Airbyte appends them to its raw table; in
 * creation order instead, a customer who came back last week would sit among those of two years ago.
 */
export function writeCustomers(
  writer: RowWriter,
  base: CustomerBase,
  seed: number,
  currency: string,
  syncs: CustomerSyncs,
  rawIds: Rng,
  generationId: number,
): void {
  for (const index of landingOrder(base)) {
    const profile = profileOf(seed, CUSTOMER_SALT, index);
    const syncIndex = base.syncIndex[index] ?? -1;
    writer.int(CustomerBase.idOf(index));
    writer.str(profile.email);
    writer.str(profile.phone);
    writer.str(profile.firstName);
    writer.str(profile.lastName);
    writer.ts(base.createdMs[index] ?? 0);
    writer.ts(base.updatedMs[index] ?? 0);
    writer.int(base.ordersCount[index] ?? 0);
    writer.num(Math.round(base.spentCents[index] ?? 0) / 100);
    writer.str(currency);
    writer.bool(profile.acceptsMarketing);
    writer.json(profile.address);
    writeAirbyteColumns(
      writer,
      rawIds.uuid(),
      syncs.extractedMs(syncIndex),
      syncs.syncId(syncIndex),
      generationId,
    );
    writer.end();
  }
}

/** The `customer` object embedded in an order. */
export function customerJson(
  index: number,
  profile: Profile,
  createdMs: number,
  ordersCount: number,
): string {
  return `{"id":${CustomerBase.idOf(index)},"email":${jsonString(profile.email)},"first_name":${jsonString(profile.firstName)},"last_name":${jsonString(profile.lastName)},"created_at":"${isoSeconds(createdMs)}","orders_count":${ordersCount}}`;
}

/** Customer indexes by the sync that landed them, creation order within a sync (a counting sort). */
export function landingOrder(base: CustomerBase): Int32Array {
  // Slot 0 is the backfill (sync -1), slot s + 1 is sync s.
  const slotOf = (index: number) => (base.syncIndex[index] ?? -1) + 1;
  let slots = 0;
  for (let index = 0; index < base.count; index++) slots = Math.max(slots, slotOf(index) + 1);
  // next[slot]: where that slot's next customer goes, after every customer of the slots before it.
  const next = new Int32Array(slots + 1);
  for (let index = 0; index < base.count; index++) next[slotOf(index) + 1]! += 1;
  for (let slot = 1; slot <= slots; slot++) next[slot]! += next[slot - 1]!;
  const order = new Int32Array(base.count);
  for (let index = 0; index < base.count; index++) order[next[slotOf(index)]!++] = index;
  return order;
}

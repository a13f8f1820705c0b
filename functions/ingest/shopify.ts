// Shopify admin exports (orders, customers, products) to the raw tables in Airbyte's shape. The orders export has
// one row per line item and the order's own fields on its first row only: rows are grouped back into orders.
import { localDate } from "../lib/calendar.ts";
import type { Row } from "../shared/ports.ts";
import { FileError } from "./records.ts";
import {
  type Columns,
  columnReason,
  ConsecutiveGroups,
  type DataRecord,
  type FormatSpec,
  type MapContext,
  type MapOutput,
  type RecordMapper,
  productKeyOf,
} from "./format-spec.ts";
import { productKeyIds, stableId } from "../lib/stable-ids.ts";
import {
  cleanCell,
  isNegativeDecimal,
  type Parsed,
  parseBoolean,
  parseDecimal,
  parseInstant,
  parseInteger,
} from "./parse-values.ts";

const reject = (records: DataRecord[], reason: string): MapOutput[] => [{ type: "reject", records, reason }];

/** Collects the first failed parse of a row, so one reason names the first bad column. */
class FieldErrors {
  reason: string | undefined;

  take<T>(column: string, parsed: Parsed<T>, fallback: T): T {
    if (parsed.ok) return parsed.value;
    this.reason ??= columnReason(column, parsed);
    return fallback;
  }

  require(column: string, present: boolean): void {
    if (!present) this.reason ??= `column "${column}" is empty`;
  }

  check(condition: boolean, reason: string): void {
    if (!condition) this.reason ??= reason;
  }
}

/** "utm_source: facebook" lines (how the export writes cart attributes) as name/value pairs. */
export function parseNoteAttributes(text: string): { name: string; value: string }[] {
  return text
    .split(/\r\n|\n|\r/)
    .map((line) => /^\s*([^:]+?)\s*:\s*(.*?)\s*$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ name: match[1] ?? "", value: match[2] ?? "" }));
}

const UTM_NAME = /^utm[ _-]?(source|medium|campaign|content|term)$/i;

/** utm_* keys found anywhere in a tracking app's JSON attribute (Elevar, Triple Whale, custom checkouts …). */
function utmsInJson(value: string): { name: string; value: string }[] {
  const text = value.trim();
  if (!text.startsWith("{")) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const found: { name: string; value: string }[] = [];
  const visit = (node: unknown, depth: number) => {
    if (depth > 4 || node === null || typeof node !== "object") return;
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      const match = UTM_NAME.exec(key.trim());
      if (match && (typeof child === "string" || typeof child === "number") && String(child).trim())
        found.push({ name: `utm_${(match[1] ?? "").toLowerCase()}`, value: String(child).trim() });
      else visit(child, depth + 1);
    }
  };
  visit(parsed, 0);
  return found;
}

/** Whether a URL carries a non-empty `name` parameter, read as staging reads it ((?i)[?&]utm_source=([^&#]+)). */
const hasParameter = (url: string, name: string): boolean => new RegExp(`[?&]${name}=[^&#]`, "i").test(url);

const queryOf = (utms: readonly { name: string; value: string }[]): string =>
  utms.map(({ name, value }) => `${name}=${encodeURIComponent(value)}`).join("&");

/**
 * The landing site with its UTM query, as staging reads it. Its base is a landing URL among the attributes when it
 * carries UTMs (kept whole: utm_content, utm_term, gclid, fbclid …), else "/". Each UTM the URL lacks is then added
 * from the UTM attributes (utm_source, "UTM Source", utm-medium …), else from the utm_* keys of a tracking app's
 * JSON attribute: a landing URL with only utm_content=video1 and an attribute "utm_source: facebook" keeps both.
 * Null when the order has no UTMs.
 *
 * When the URL and an attribute both give the same UTM, the URL's wins: it is what the visitor actually landed
 * with, while the attributes are a copy a tracking app wrote, usually from that same URL (or from another visit).
 */
export function landingSiteFrom(attributes: readonly { name: string; value: string }[]): string | null {
  let url: string | undefined;
  for (const { value } of attributes) {
    const match = /(?:https?:\/\/[^/\s]+)?(\/[^\s"]*\?[^\s"]*utm_[a-z]+=[^\s"]*)/i.exec(value);
    if (match?.[1] && !value.trim().startsWith("{")) {
      url = match[1];
      break;
    }
  }
  const named = attributes.flatMap(({ name, value }) => {
    const match = UTM_NAME.exec(name.trim());
    return match && value.trim()
      ? [{ name: `utm_${(match[1] ?? "").toLowerCase()}`, value: value.trim() }]
      : [];
  });
  const utms = named.length ? named : attributes.flatMap(({ value }) => utmsInJson(value));
  if (url === undefined && utms.length === 0) {
    // A JSON attribute may hold the landing URL itself.
    for (const { value } of attributes) {
      const match = /(\/[^\s"]*\?[^\s"]*utm_[a-z]+=[^\s"]*)/i.exec(value);
      if (match?.[1]) return match[1];
    }
    return null;
  }
  const seen = new Set<string>();
  const first = utms.filter(({ name }) => !seen.has(name) && seen.add(name));
  if (url === undefined) return `/?${queryOf(first)}`;
  const base = url;
  const missing = first.filter(({ name }) => !hasParameter(base, name));
  if (missing.length === 0) return url;
  // Added to the query, before any #fragment.
  const hash = url.indexOf("#");
  const [path, fragment] = hash < 0 ? [url, ""] : [url.slice(0, hash), url.slice(hash)];
  const separator = !path.includes("?") ? "?" : /[?&]$/.test(path) ? "" : "&";
  return `${path}${separator}${queryOf(missing)}${fragment}`;
}

/**
 * The names Shopify gives its Bogus Gateway: "bogus" is its gateway name (an order's payment_gateway_names, its
 * transactions' gateway), "Bogus Gateway" the name its card details and Shopify's help pages use. Every order placed
 * with it is a test order (Shopify's help, "Place a test order"). Names are compared whole, case aside, so a real
 * gateway whose name merely contains the word stays a real sale.
 */
const BOGUS_GATEWAY_NAMES = new Set(["bogus", "bogus gateway"]);

/**
 * Whether the export's "Payment Method" cell names the Bogus Gateway among the gateways Shopify joins there (with
 * "+" or ","): such an order is a test order, as the API's Order.test says. Null when the export has no "Payment
 * Method" column, so nothing is known; false for every other order, a Shopify Payments test-mode order included:
 * the export names its gateway as it names a real payment's (see README, "Test orders").
 */
export function paidWithBogusGateway(header: Columns, paymentMethod: string): boolean | null {
  if (!header.has("Payment Method")) return null;
  return paymentMethod
    .split(/[+,]/)
    .some((gateway) => BOGUS_GATEWAY_NAMES.has(cleanCell(gateway).toLowerCase()));
}

const ORDER_REQUIRED = [
  "Name",
  "Id",
  "Created at",
  "Currency",
  "Total",
  "Lineitem quantity",
  "Lineitem name",
  "Lineitem price",
];

/** 6.85269E+12: what Excel shows, and saves, for a long number it did not keep as text. */
const EXCEL_SCIENTIFIC = /^\d(?:[.,]\d+)?E\+\d+$/i;

function orderRow(header: Columns, records: DataRecord[], context: MapContext): MapOutput[] {
  const first = records[0] as DataRecord;
  const get = (name: string, record: DataRecord = first) => header.cell(record, name);
  const errors = new FieldErrors();
  const decimal = context.decimal ?? ".";
  const idText = cleanCell(get("Id"));
  if (EXCEL_SCIENTIFIC.test(idText)) {
    throw new FileError(
      `line ${first.line}: column "Id" holds ${idText}, an order id that Excel turned into scientific notation; the digits it dropped cannot be recovered. Export the orders from Shopify again and drop the CSV as downloaded, without opening and saving it in Excel (or import it into Excel with the Id column as Text)`,
      first.line,
    );
  }
  const id = errors.take("Id", parseInteger(get("Id")), null);
  errors.require("Id", id !== null);
  const createdAt = errors.take("Created at", parseInstant(get("Created at")), null);
  errors.require("Created at", createdAt !== null);
  context.offsets?.addText(get("Created at"));
  const currency = cleanCell(get("Currency")).toUpperCase();
  errors.check(/^[A-Z]{3}$/.test(currency), `column "Currency" is not a 3-letter currency code`);
  const total = errors.take("Total", parseDecimal(get("Total"), decimal), null);
  errors.require("Total", total !== null);
  const subtotal = errors.take("Subtotal", parseDecimal(get("Subtotal"), decimal), null);
  const shipping = errors.take("Shipping", parseDecimal(get("Shipping"), decimal), null);
  const taxes = errors.take("Taxes", parseDecimal(get("Taxes"), decimal), null);
  const discount = errors.take("Discount Amount", parseDecimal(get("Discount Amount"), decimal), null);
  const refunded = errors.take("Refunded Amount", parseDecimal(get("Refunded Amount"), decimal), null);
  for (const [column, value] of [
    ["Total", total],
    ["Subtotal", subtotal],
    ["Shipping", shipping],
    ["Taxes", taxes],
    ["Refunded Amount", refunded],
  ] as const) {
    errors.check(!isNegativeDecimal(value), `column "${column}" is negative`);
  }
  const cancelledAt = errors.take("Cancelled at", parseInstant(get("Cancelled at")), null);
  const paidAt = errors.take("Paid at", parseInstant(get("Paid at")), null);
  if (errors.reason) return reject(records, errors.reason);

  const lineItems: Row[] = [];
  for (const [position, record] of records.entries()) {
    const lineErrors = new FieldErrors();
    const quantity = lineErrors.take(
      "Lineitem quantity",
      parseInteger(get("Lineitem quantity", record)),
      null,
    );
    lineErrors.require("Lineitem quantity", quantity !== null);
    lineErrors.check(quantity === null || quantity > 0, `column "Lineitem quantity" is not positive`);
    const price = lineErrors.take(
      "Lineitem price",
      parseDecimal(get("Lineitem price", record), decimal),
      null,
    );
    lineErrors.require("Lineitem price", price !== null);
    lineErrors.check(!isNegativeDecimal(price), `column "Lineitem price" is negative`);
    const lineDiscount = lineErrors.take(
      "Lineitem discount",
      parseDecimal(get("Lineitem discount", record), decimal),
      null,
    );
    if (lineErrors.reason) {
      return reject(records, `line item on line ${record.line}: ${lineErrors.reason}`);
    }
    const sku = cleanCell(get("Lineitem sku", record));
    const title = get("Lineitem name", record).trim();
    // The export has no product id: the SKU, else the line's name (product title - variant title), is the key.
    const productKey = productKeyOf(sku, title);
    const { productId, variantId } = productKeyIds(productKey);
    lineItems.push({
      id: stableId("shopify-line-item", String(id), String(position)),
      product_id: productId,
      variant_id: variantId,
      sku: sku || null,
      title,
      quantity,
      price,
      total_discount: lineDiscount ?? "0",
    });
  }

  const attributes = parseNoteAttributes(get("Note Attributes"));
  const country = cleanCell(get("Shipping Country")) || cleanCell(get("Billing Country"));
  const province = cleanCell(get("Shipping Province")) || cleanCell(get("Billing Province"));
  const email = get("Email").trim() || null;
  const phone =
    cleanCell(get("Phone")) || cleanCell(get("Shipping Phone")) || cleanCell(get("Billing Phone"));
  const code = cleanCell(get("Discount Code"));
  const row: Row = {
    id,
    name: cleanCell(get("Name")),
    email,
    phone: phone || null,
    created_at: createdAt,
    updated_at: cancelledAt ?? createdAt,
    processed_at: paidAt ?? createdAt,
    cancelled_at: cancelledAt,
    currency,
    financial_status: cleanCell(get("Financial Status")).toLowerCase() || null,
    fulfillment_status: cleanCell(get("Fulfillment Status")).toLowerCase() || null,
    // The export's Subtotal is after discounts, as Shopify's subtotal_price is.
    subtotal_price: subtotal,
    total_discounts: discount ?? "0",
    total_tax: taxes ?? "0",
    total_shipping_price_set: { shop_money: { amount: shipping ?? "0", currency_code: currency } },
    total_price: total,
    source_name: cleanCell(get("Source")) || null,
    landing_site: landingSiteFrom(attributes),
    referring_site: null,
    customer: email === null ? null : { id: null, email },
    line_items: lineItems,
    refunds:
      refunded !== null && refunded !== "0"
        ? [
            {
              // One refund per order in the export (its total), keyed by the order.
              id: stableId("shopify-refund", String(id)),
              created_at: null,
              transactions: [{ amount: refunded, kind: "refund" }],
            },
          ]
        : [],
    shipping_address:
      country || province
        ? {
            country_code: country || null,
            province_code: province || null,
            city: cleanCell(get("Shipping City")) || null,
            zip: cleanCell(get("Shipping Zip")) || null,
          }
        : null,
    discount_codes: code ? [{ code, amount: discount ?? "0", type: null }] : [],
    note_attributes: attributes,
    // Derived, as landing_site is: the export has no test column, only the gateway it was paid with.
    test: paidWithBogusGateway(header, get("Payment Method")),
  };
  return [
    {
      type: "load",
      row,
      eventDate: localDate(new Date(createdAt as string), context.shopTimezone),
      records,
    },
  ];
}

export const SHOPIFY_ORDERS: FormatSpec = {
  kind: "shopify_orders_export",
  label: "Shopify orders export",
  table: "shopify_orders",
  replacement: "keyed",
  amountColumns: ["Total", "Subtotal", "Shipping", "Taxes", "Lineitem price"],
  matches: (header) => header.hasAll(["Name", "Financial Status", "Lineitem quantity", "Lineitem name"]),
  required: (header) => header.missing(ORDER_REQUIRED),
  createMapper(header, context): RecordMapper {
    const groups = new ConsecutiveGroups((_key, records) => orderRow(header, records, context), "order");
    return {
      push(record) {
        const name = cleanCell(header.cell(record, "Name"));
        if (!name) return reject([record], `column "Name" is empty`);
        return groups.push(name, record, false);
      },
      refuse(record, reason) {
        const name = cleanCell(header.cell(record, "Name"));
        return name ? groups.refuse(name, record, reason) : reject([record], reason);
      },
      finish: () => groups.close(),
    };
  },
};

export const SHOPIFY_CUSTOMERS: FormatSpec = {
  kind: "shopify_customers_export",
  label: "Shopify customers export",
  table: "shopify_customers",
  replacement: "snapshot",
  matches: (header) =>
    !header.has("Lineitem quantity") &&
    header.hasAll(["First Name", "Last Name", "Email"]) &&
    (header.has("Accepts Email Marketing") || header.has("Accepts Marketing")),
  required: (header) => header.missing(["Email"]),
  createMapper(header, context): RecordMapper {
    const pick = (...names: string[]) => header.pick(...names);
    const columns = {
      id: pick("Customer ID"),
      accepts: pick("Accepts Email Marketing", "Accepts Marketing"),
      country: pick("Default Address Country Code", "Country Code"),
      province: pick("Default Address Province Code", "Province Code"),
      city: pick("Default Address City", "City"),
      zip: pick("Default Address Zip", "Zip"),
      phone: pick("Phone", "Default Address Phone"),
    };
    return {
      push(record) {
        const get = (name: string | undefined) => header.cell(record, name);
        const errors = new FieldErrors();
        const email = get("Email").trim();
        let id = columns.id ? errors.take("Customer ID", parseInteger(get(columns.id)), null) : null;
        // The legacy export has no id: the normalised email stands in, hashed, so re-exports land on the same id.
        if (id === null && email) id = stableId("shopify-customer-email", email.toLowerCase());
        errors.check(id !== null, `neither "Customer ID" nor "Email" has a value`);
        const spent = errors.take("Total Spent", parseDecimal(get("Total Spent")), null);
        const orders = errors.take("Total Orders", parseInteger(get("Total Orders")), null);
        const accepts = columns.accepts
          ? errors.take(columns.accepts, parseBoolean(get(columns.accepts)), null)
          : null;
        if (errors.reason) return reject([record], errors.reason);
        const country = cleanCell(get(columns.country));
        return [
          {
            type: "load",
            eventDate: null,
            records: [record],
            row: {
              id,
              email: email || null,
              phone: cleanCell(get(columns.phone)) || null,
              first_name: get("First Name").trim() || null,
              last_name: get("Last Name").trim() || null,
              created_at: null,
              updated_at: null,
              orders_count: orders,
              total_spent: spent,
              currency: context.shopCurrency,
              accepts_marketing: accepts,
              default_address: country
                ? {
                    country_code: country,
                    province_code: cleanCell(get(columns.province)) || null,
                    city: cleanCell(get(columns.city)) || null,
                    zip: cleanCell(get(columns.zip)) || null,
                  }
                : null,
            },
          },
        ];
      },
      finish: () => [],
    };
  },
};

/**
 * A variant's title as Shopify writes it (ProductVariant.title): its option values joined with " / ", "Default
 * Title" for a product without options. An orders export names a line "<product title> - <variant title>", or the
 * product title alone for "Default Title" (sql/staging/stg_shopify_line_items.sql matches a line on it).
 */
export function variantTitle(optionValues: readonly string[]): string | null {
  const values = optionValues.map((value) => value.trim()).filter((value) => value !== "");
  return values.length ? values.join(" / ") : null;
}

function productRow(header: Columns, handle: string, records: DataRecord[]): MapOutput[] {
  const first = records[0] as DataRecord;
  const get = (name: string, record: DataRecord = first) => header.cell(record, name);
  const title = get("Title").trim();
  if (!title) return reject(records, `product ${handle}: column "Title" is empty on its first row`);
  // The export's "Gift Card" (TRUE or FALSE, on a product's first row: Shopify's help, "Using CSV files to import
  // and export products") is the one place a file drop says a product is a gift card: an orders export's lines do
  // not, and a gift card sold is no sale until spent (sql/unified/shopify_unified.sql). Absent or empty: unknown.
  const giftCard = parseBoolean(get("Gift Card"));
  if (!giftCard.ok) return reject(records, `line ${first.line}: ${columnReason("Gift Card", giftCard)}`);
  const variants: Row[] = [];
  for (const record of records) {
    const sku = cleanCell(get("Variant SKU", record));
    const priceText = get("Variant Price", record);
    // Image-only rows continue a product without a variant.
    if (!sku && !cleanCell(priceText)) continue;
    const price = parseDecimal(priceText);
    if (!price.ok) return reject(records, `line ${record.line}: ${columnReason("Variant Price", price)}`);
    if (isNegativeDecimal(price.value))
      return reject(records, `line ${record.line}: "Variant Price" is negative`);
    variants.push({
      id: null,
      sku: sku || null,
      price: price.value,
      title: variantTitle([
        get("Option1 Value", record),
        get("Option2 Value", record),
        get("Option3 Value", record),
      ]),
      // The product's flag on each of its variants, where an orders export's line finds its variant.
      ...(giftCard.value === null ? {} : { gift_card: giftCard.value }),
    });
  }
  const status = cleanCell(get("Status")).toLowerCase();
  const published = parseBoolean(get("Published"));
  return [
    {
      type: "load",
      eventDate: null,
      records,
      row: {
        id: stableId("shopify-product", handle),
        title,
        product_type: get("Type").trim() || null,
        vendor: get("Vendor").trim() || null,
        status: status || (published.ok && published.value === false ? "draft" : "active"),
        created_at: null,
        updated_at: null,
        variants,
      },
    },
  ];
}

export const SHOPIFY_PRODUCTS: FormatSpec = {
  kind: "shopify_products_export",
  label: "Shopify products export",
  table: "shopify_products",
  replacement: "snapshot",
  matches: (header) => header.hasAll(["Handle", "Title", "Body (HTML)"]),
  required: (header) => header.missing(["Handle", "Title", "Variant Price"]),
  createMapper(header): RecordMapper {
    const groups = new ConsecutiveGroups((handle, records) => productRow(header, handle, records), "product");
    return {
      push(record) {
        const handle = cleanCell(header.cell(record, "Handle"));
        if (!handle) return reject([record], `column "Handle" is empty`);
        return groups.push(handle, record, false);
      },
      refuse(record, reason) {
        const handle = cleanCell(header.cell(record, "Handle"));
        return handle ? groups.refuse(handle, record, reason) : reject([record], reason);
      },
      finish: () => groups.close(),
    };
  },
};

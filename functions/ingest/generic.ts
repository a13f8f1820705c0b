// Any other sales export (an ERP, a wine-trade invoicing tool, a marketplace) with a declared mapping: which
// column is the order id, the date, the amount, and how the file writes numbers, dates and text. Its rows land
// in the Shopify orders shape with source_name = the mapping's name, so staging and the marts treat them alike.
import { z } from "zod";
import { localNoonInstant } from "../lib/calendar.ts";
import type { Row } from "../shared/ports.ts";
import {
  type Columns,
  columnReason,
  ConsecutiveGroups,
  type DataRecord,
  type FormatSpec,
  type MapContext,
  type MapOutput,
  productKeyOf,
} from "./format-spec.ts";
import { productKeyIds, stableId } from "../lib/stable-ids.ts";
import {
  addDecimals,
  cleanCell,
  DATE_FORMATS,
  type DateFormat,
  isNegativeDecimal,
  parseDate,
  parseDecimal,
  parseInteger,
  subtractDecimals,
} from "./parse-values.ts";

const column = z.string().min(1);

export const MappingSchema = z
  .object({
    /** Lower-case id; becomes source_name and the kind "generic:<name>". */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "use lower-case letters, digits, - and _"),
    target: z.literal("orders").default("orders"),
    /** Header columns that identify the file; all must be present. Defaults to the mapped columns. */
    match: z.array(column).min(1).optional(),
    encoding: z.enum(["auto", "utf-8", "windows-1252"]).default("auto"),
    delimiter: z.enum(["auto", ",", ";", "\t", "|"]).default("auto"),
    decimalSeparator: z.enum([".", ","]).default("."),
    dateFormat: z.enum(DATE_FORMATS as [DateFormat, ...DateFormat[]]).default("yyyy-mm-dd"),
    /** Currency of the amounts when the file has no currency column. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    /** XLSX only: the worksheet to read (the first one otherwise). */
    sheet: z.string().optional(),
    columns: z.object({
      orderId: column,
      date: column,
      /** The row's amount including tax; an order's total is the sum of its rows. */
      amount: column,
      currency: column.optional(),
      quantity: column.optional(),
      unitPrice: column.optional(),
      productTitle: column.optional(),
      sku: column.optional(),
      tax: column.optional(),
      shipping: column.optional(),
      email: column.optional(),
      country: column.optional(),
      region: column.optional(),
    }),
  })
  .strict();

export type Mapping = z.infer<typeof MappingSchema>;

/** Parses a mapping file, with a message naming the file and each problem. */
export function parseMapping(path: string, text: string): { mapping: Mapping } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { error: `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = MappingSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    return { error: `${path} is not a valid mapping: ${problems.join("; ")}` };
  }
  return { mapping: parsed.data };
}

function mappedColumns(mapping: Mapping): string[] {
  return Object.values(mapping.columns).filter((value): value is string => typeof value === "string");
}

interface Line {
  amount: string;
  tax: string;
  shipping: string;
  item: Row;
}

function orderFrom(
  mapping: Mapping,
  header: Columns,
  orderKey: string,
  records: DataRecord[],
  context: MapContext,
): MapOutput[] {
  const { columns } = mapping;
  const decimal = mapping.decimalSeparator;
  const first = records[0] as DataRecord;
  const get = (name: string | undefined, record: DataRecord = first) => header.cell(record, name);
  const fail = (reason: string): MapOutput[] => [{ type: "reject", records, reason }];
  const date = parseDate(get(columns.date), mapping.dateFormat);
  if (!date.ok) return fail(columnReason(columns.date, date));
  if (date.value === null) return fail(`column "${columns.date}" is empty`);
  const orderId = stableId(`generic:${mapping.name}`, orderKey);
  const lines: Line[] = [];
  for (const [position, record] of records.entries()) {
    const at = records.length > 1 ? `line ${record.line}: ` : "";
    const amount = parseDecimal(get(columns.amount, record), decimal);
    if (!amount.ok) return fail(at + columnReason(columns.amount, amount));
    if (amount.value === null) return fail(`${at}column "${columns.amount}" is empty`);
    if (isNegativeDecimal(amount.value)) {
      return fail(`${at}column "${columns.amount}" is negative (credit notes are not sales)`);
    }
    const tax = parseDecimal(get(columns.tax, record), decimal);
    if (!tax.ok) return fail(at + columnReason(columns.tax ?? "", tax));
    const shipping = parseDecimal(get(columns.shipping, record), decimal);
    if (!shipping.ok) return fail(at + columnReason(columns.shipping ?? "", shipping));
    const quantity = parseInteger(get(columns.quantity, record), decimal);
    if (!quantity.ok) return fail(at + columnReason(columns.quantity ?? "", quantity));
    const units = quantity.value ?? 1;
    if (units <= 0) return fail(`${at}column "${columns.quantity}" is not positive`);
    const unitPrice = parseDecimal(get(columns.unitPrice, record), decimal);
    if (!unitPrice.ok) return fail(at + columnReason(columns.unitPrice ?? "", unitPrice));
    const sku = cleanCell(get(columns.sku, record));
    const title = get(columns.productTitle, record).trim();
    // No product id in such a file: the SKU, else the title, keys the product, as a Shopify orders export's lines
    // are keyed (the same SKU is the same product in both, and staging finds it in the catalogue).
    const productKey = productKeyOf(sku, title);
    const { productId, variantId } = productKeyIds(productKey);
    lines.push({
      amount: amount.value,
      tax: tax.value ?? "0",
      shipping: shipping.value ?? "0",
      item: {
        id: stableId(`generic:${mapping.name}:line`, orderKey, String(position)),
        product_id: productId,
        variant_id: variantId,
        sku: sku || null,
        title: title || null,
        quantity: units,
        price: unitPrice.value ?? String(Number((Number(amount.value) / units).toFixed(6))),
        total_discount: "0",
      },
    });
  }
  const sum = (pick: (line: Line) => string) =>
    lines.reduce((total, line) => addDecimals(total, pick(line)), "0");
  const total = sum((line) => line.amount);
  const tax = sum((line) => line.tax);
  const shipping = sum((line) => line.shipping);
  const currency = (
    cleanCell(get(columns.currency)) ||
    mapping.currency ||
    context.shopCurrency
  ).toUpperCase();
  const createdAt = localNoonInstant(date.value, context.shopTimezone);
  const email = get(columns.email).trim() || null;
  const country = cleanCell(get(columns.country)).toUpperCase();
  const row: Row = {
    id: orderId,
    name: orderKey,
    email,
    phone: null,
    created_at: createdAt,
    updated_at: createdAt,
    processed_at: createdAt,
    cancelled_at: null,
    currency,
    financial_status: "paid",
    fulfillment_status: null,
    // Balanced by construction: subtotal + shipping + tax = total.
    subtotal_price: subtractDecimals(total, addDecimals(tax, shipping)),
    total_discounts: "0",
    total_tax: tax,
    total_shipping_price_set: { shop_money: { amount: shipping, currency_code: currency } },
    total_price: total,
    source_name: mapping.name,
    landing_site: null,
    referring_site: null,
    customer: email === null ? null : { id: null, email },
    line_items: lines.map((line) => line.item),
    refunds: [],
    shipping_address: country
      ? {
          country_code: country,
          province_code: cleanCell(get(columns.region)) || null,
          city: null,
          zip: null,
        }
      : null,
    discount_codes: [],
    note_attributes: [],
  };
  return [{ type: "load", row, eventDate: date.value, records }];
}

/** A mapping as a format: recognised by its header columns, landing in shopify_orders. */
export function genericFormat(mapping: Mapping): FormatSpec {
  const identifying = mapping.match ?? mappedColumns(mapping);
  return {
    kind: `generic:${mapping.name}`,
    label: `sales export "${mapping.name}" (declared mapping)`,
    table: "shopify_orders",
    replacement: "period",
    matches: (header) => header.hasAll(identifying),
    required: (header) => header.missing(mappedColumns(mapping)),
    reader: {
      encoding: mapping.encoding === "auto" ? undefined : mapping.encoding,
      delimiter: mapping.delimiter === "auto" ? undefined : mapping.delimiter,
      decimal: mapping.decimalSeparator,
      dateFormat: mapping.dateFormat,
      sheet: mapping.sheet,
    },
    createMapper(header, context) {
      const groups = new ConsecutiveGroups(
        (key, records) => orderFrom(mapping, header, key, records, context),
        "order",
      );
      return {
        push(record) {
          const key = cleanCell(header.cell(record, mapping.columns.orderId));
          if (!key)
            return [
              { type: "reject", records: [record], reason: `column "${mapping.columns.orderId}" is empty` },
            ];
          return groups.push(key, record, false);
        },
        refuse(record, reason) {
          const key = cleanCell(header.cell(record, mapping.columns.orderId));
          return key ? groups.refuse(key, record, reason) : [{ type: "reject", records: [record], reason }];
        },
        finish: () => groups.close(),
      };
    },
  };
}

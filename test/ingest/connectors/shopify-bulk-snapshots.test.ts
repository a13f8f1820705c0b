// A backfill takes customers and products through bulk operations too: customers one JSONL line each, products a
// line each with every variant on a line of its own carrying __parentId. Against the local server, the bulk pull
// lands the same raw rows as the paged pull of the same hand-made customers and products, and the variants are
// those of the fixture, product by product.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type {
  ShopifyCustomerNode,
  ShopifyProductNode,
} from "../../../functions/lib/platform-apis/shopify-nodes.ts";
import { buildPlatformData, RUN_DATE } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

const ONLY_SHOPIFY = {
  facebook_ads: { enabled: false },
  tiktok_ads: { enabled: false },
  google_ads: { enabled: false },
};
const BULK = { shopify: { initialDays: 30, bulkThresholdDays: 14, bulkPollSeconds: 5 }, ...ONLY_SHOPIFY };
const PAGED = { shopify: { initialDays: 30, bulkThresholdDays: 30 }, ...ONLY_SHOPIFY };

/**
 * 37 customers (more than one page of 25), every third with no address, every seventh with no email address; the
 * email and phone in Customer.defaultEmailAddress and defaultPhoneNumber, as the API answers since 2025-04.
 */
function customers(): ShopifyCustomerNode[] {
  return Array.from({ length: 37 }, (_, index) => ({
    id: `gid://shopify/Customer/${7000 + index}`,
    defaultEmailAddress:
      index % 7 === 0
        ? null
        : {
            emailAddress: `customer${index}@example.test`,
            marketingState: index % 2 ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
          },
    defaultPhoneNumber: index % 5 === 0 ? { phoneNumber: `+1555000${String(index).padStart(4, "0")}` } : null,
    firstName: `First${index}`,
    lastName: `Last${index}`,
    createdAt: `2026-0${1 + (index % 9)}-1${index % 10}T10:00:00Z`,
    updatedAt: `2026-10-${String(1 + (index % 28)).padStart(2, "0")}T0${index % 10}:30:00Z`,
    numberOfOrders: String(index % 4),
    amountSpent: { amount: `${index * 12}.50`, currencyCode: "USD" },
    defaultAddress:
      index % 3 === 0
        ? null
        : { countryCodeV2: "US", provinceCode: "NY", city: "Brooklyn", zip: `112${index % 10}0` },
  }));
}

/** 12 products with 0 to 3 variants each. */
function products(): ShopifyProductNode[] {
  return Array.from({ length: 12 }, (_, index) => ({
    id: `gid://shopify/Product/${900 + index}`,
    title: `Product ${index}`,
    productType: index % 2 ? "Candle" : "Soap",
    vendor: "Maison Test",
    status: index === 11 ? "ARCHIVED" : "ACTIVE",
    createdAt: "2025-12-01T00:00:00Z",
    updatedAt: `2026-09-${String(10 + index).padStart(2, "0")}T12:00:00Z`,
    variants: {
      nodes: Array.from({ length: index % 4 }, (_, variant) => ({
        id: `gid://shopify/ProductVariant/${90000 + index * 10 + variant}`,
        sku: `SKU-${index}-${variant}`,
        price: `${10 + variant}.00`,
        title: `Size ${variant}`,
      })),
    },
  }));
}

const rowsOf = (bench: Bench, table: string) =>
  bench.rows<Record<string, unknown>>(`SELECT * EXCLUDE (_airbyte_meta) FROM raw.${table} ORDER BY id`);
const bulkConnections = (bench: Bench) =>
  bench.server.requests
    .filter((request) =>
      ((request.body as { query?: string })?.query ?? "").includes("bulkOperationRunQuery"),
    )
    .map(
      (request) =>
        /^\{\s*(\w+)\(/.exec(String((request.body as { variables: { query: string } }).variables.query))?.[1],
    );
const pagedSnapshots = (bench: Bench) =>
  bench.server.requests.filter((request) =>
    /query (Customers|Products)\b/.test((request.body as { query?: string })?.query ?? ""),
  ).length;

describe("Shopify customers and products through bulk operations", () => {
  it("a backfill lands the same customers and products as the paged pull, variants under their product", async () => {
    const data = {
      ...buildPlatformData(61, RUN_DATE, 20),
      shopifyCustomers: customers(),
      shopifyProducts: products(),
    };
    const paged = await openBench(data);
    const bulk = await openBench(data, { shopifyBulk: { runningPolls: 1 } });
    try {
      assert.deepEqual((await paged.pull(RUN_DATE, PAGED)).findings, []);
      assert.deepEqual((await bulk.pull(RUN_DATE, BULK)).findings, []);
      assert.deepEqual(bulkConnections(paged), []);
      assert.ok(pagedSnapshots(paged) >= 3, "37 customers in pages of 25, and the products");
      assert.deepEqual(bulkConnections(bulk), ["orders", "customers", "products"]);
      assert.equal(pagedSnapshots(bulk), 0, "no customer or product page on a bulk backfill");

      const bulkCustomers = await rowsOf(bulk, "shopify_customers");
      const bulkProducts = await rowsOf(bulk, "shopify_products");
      // Independently of both pulls: the fixture's customers and products, and each product's variants.
      assert.equal(bulkCustomers.length, 37);
      assert.deepEqual(
        bulkCustomers.map((row) => String(row.id)).sort(),
        customers()
          .map((customer) => customer.id.replace(/\D/g, ""))
          .sort(),
      );
      // Each customer's email, phone and consent, as Airbyte's stream lands them, from the default email
      // address and phone number: 6 of the 37 have no email, 8 a phone, 15 are subscribed.
      const contact = (row: Record<string, unknown>) => [
        String(row.id),
        row.email ?? null,
        row.phone ?? null,
        row.accepts_marketing,
      ];
      assert.deepEqual(
        bulkCustomers.map(contact),
        Array.from({ length: 37 }, (_, index) => [
          String(7000 + index),
          index % 7 === 0 ? null : `customer${index}@example.test`,
          index % 5 === 0 ? `+1555000${String(index).padStart(4, "0")}` : null,
          index % 7 !== 0 && index % 2 === 1,
        ]),
      );
      assert.deepEqual(
        [
          bulkCustomers.filter((row) => row.email === null).length,
          bulkCustomers.filter((row) => row.phone !== null).length,
          bulkCustomers.filter((row) => row.accepts_marketing === true).length,
        ],
        [6, 8, 15],
      );
      assert.equal(bulkProducts.length, 12);
      for (const product of products()) {
        const row = bulkProducts.find((candidate) => String(candidate.id) === product.id.replace(/\D/g, ""));
        assert.ok(row, product.id);
        assert.deepEqual(
          (JSON.parse(String(row.variants)) as { id: number; sku: string }[]).map((variant) => [
            variant.id,
            variant.sku,
          ]),
          product.variants.nodes.map((variant) => [Number(variant.id.replace(/\D/g, "")), variant.sku]),
        );
      }
      // Row for row, column for column (the run bookkeeping in _airbyte_meta aside), the same as the paged pull.
      assert.deepEqual(bulkCustomers, await rowsOf(paged, "shopify_customers"));
      assert.deepEqual(bulkProducts, await rowsOf(paged, "shopify_products"));

      // With the cursors written, the next run pages again and lands no copies.
      await bulk.pull(RUN_DATE, BULK);
      assert.equal(bulkConnections(bulk).length, 3);
      assert.equal((await rowsOf(bulk, "shopify_customers")).length, 37);
      assert.equal((await rowsOf(bulk, "shopify_products")).length, 12);
    } finally {
      await paged.close();
      await bulk.close();
    }
  });

  it("the run's bulkMaxPolls are shared: customers given up on are resumed by the next run", async () => {
    const data = {
      ...buildPlatformData(62, RUN_DATE, 20),
      shopifyCustomers: customers(),
      shopifyProducts: products(),
    };
    // Every operation answers RUNNING three times, then COMPLETED: 4 polls each. With 6 polls for the run, the
    // orders complete (4) and the customers are given up after 2, still running.
    const bench = await openBench(data, { shopifyBulk: { runningPolls: 3 } });
    const settings = (maxPolls: number) => ({
      ...BULK,
      shopify: { ...BULK.shopify, bulkMaxPolls: maxPolls },
    });
    try {
      const first = await bench.pull(RUN_DATE, settings(6));
      assert.equal(first.findings.length, 1);
      assert.match(
        first.findings[0]?.message ?? "",
        /Shopify bulk operation gid:\/\/shopify\/BulkOperation\/2 was still RUNNING after 2 polls \(the run's bulkMaxPolls, 6, are spent\)/,
      );
      assert.deepEqual(bulkConnections(bench), ["orders", "customers"]);
      assert.ok((await rowsOf(bench, "shopify_orders")).length > 0, "the orders landed before the customers");
      assert.equal((await rowsOf(bench, "shopify_customers")).length, 0);

      const second = await bench.pull(RUN_DATE, settings(40));
      assert.deepEqual(second.findings, []);
      // The customers' operation was polled on, not started again; then the products got theirs.
      assert.deepEqual(bulkConnections(bench), ["orders", "customers", "products"]);
      assert.equal((await rowsOf(bench, "shopify_customers")).length, 37);
      assert.equal((await rowsOf(bench, "shopify_products")).length, 12);
    } finally {
      await bench.close();
    }
  });
});

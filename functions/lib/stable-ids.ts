// Ids for rows whose export carries none, derived from what names them: the same names always give the same id,
// so a re-export lands on the same keys. Ingest derives them (functions/ingest/); ad-export-accounts.ts holds the
// ones that stand for an ad export naming no account.
import { createHash } from "node:crypto";

/**
 * A stable positive INT64 id (below 2^53, so JS readers stay exact) for rows whose export carries no id:
 * the same name always gives the same id, so re-exports of the same thing replace rather than add.
 */
export function stableId(...parts: string[]): number {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  // 52 bits, offset into a range no platform's real ids use, so synthetic ids are recognisable.
  const high = digest.readUInt32BE(0) & 0xfffff;
  const low = digest.readUInt32BE(4);
  return 4_000_000_000_000_000 + (high * 2 ** 32 + low);
}

/** A stable string id for STRING id columns (Meta), prefixed so it is never mistaken for a platform id. */
export function stableKey(...parts: string[]): string {
  return `file-${createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16)}`;
}

// A file drop's lines name the same few products over and over: each product key's ids are hashed once. Bounded,
// so that an export of a million distinct titles cannot grow it without end.
const PRODUCT_KEY_CACHE_LIMIT = 50_000;
const productKeyIdCache = new Map<string, ProductKeyIds>();

export interface ProductKeyIds {
  productId: number;
  variantId: number;
}

/**
 * The product and variant ids of a sold line whose export has no product id, from its product key (the SKU, else
 * the line's name): the same key always gives the same ids, in every format that keys its lines so.
 */
export function productKeyIds(productKey: string): ProductKeyIds {
  let ids = productKeyIdCache.get(productKey);
  if (!ids) {
    ids = {
      productId: stableId("shopify-product-key", productKey),
      variantId: stableId("shopify-variant-key", productKey),
    };
    if (productKeyIdCache.size >= PRODUCT_KEY_CACHE_LIMIT) productKeyIdCache.clear();
    productKeyIdCache.set(productKey, ids);
  }
  return ids;
}

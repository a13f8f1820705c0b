// A file drop's product ids are hashed once per product key; they must stay the ids stored so far, the SHA-256 of
// the key's name, whatever was asked before.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { productKeyIds } from "../../functions/lib/stable-ids.ts";

/** The id as documented: 52 bits of SHA-256("<kind>\0<key>") above 4·10^15. */
function expectedId(kind: string, key: string): number {
  const digest = createHash("sha256").update(`${kind}\u0000${key}`).digest();
  return 4_000_000_000_000_000 + (digest.readUInt32BE(0) & 0xfffff) * 2 ** 32 + digest.readUInt32BE(4);
}

describe("productKeyIds", () => {
  it("gives each key its own product and variant ids, the same on every call", () => {
    const keys = ["SKU-1", "Shea butter - 200 ml", "sku-1", ""];
    for (let round = 0; round < 2; round++) {
      for (const key of keys) {
        assert.deepEqual(productKeyIds(key), {
          productId: expectedId("shopify-product-key", key),
          variantId: expectedId("shopify-variant-key", key),
        });
      }
    }
  });

  it("stays right past its cache's bound", () => {
    for (let index = 0; index < 50_100; index++) productKeyIds(`key-${index}`);
    assert.equal(productKeyIds("key-3").productId, expectedId("shopify-product-key", "key-3"));
    assert.equal(productKeyIds("key-50099").variantId, expectedId("shopify-variant-key", "key-50099"));
  });
});

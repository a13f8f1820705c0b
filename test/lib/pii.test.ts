import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { hashPii, hmacKeyPads, normaliseEmail } from "../../functions/lib/pii.ts";

// The models compute SHA256(outer || SHA256(inner || m)); this replays that formula with node's SHA-256 and
// compares it with node's own HMAC, so the SQL formula and the key pads are proven equal to RFC 2104.
function hmacFromPads(secret: string, message: string): string {
  const pads = hmacKeyPads(secret);
  const inner = createHash("sha256").update(pads.pii_inner_key).update(message, "utf8").digest();
  return createHash("sha256").update(pads.pii_outer_key).update(inner).digest("hex");
}

describe("PII hashing", () => {
  for (const secret of [
    "a".repeat(32),
    "k".repeat(64),
    "a secret longer than the sixty-four byte block of SHA-256 .........",
  ]) {
    it(`the key pads reproduce HMAC-SHA256 for a ${secret.length}-character key`, () => {
      for (const value of ["jane.doe@example.com", "élodie@example.fr", "+14155550100", "😀@example.com"]) {
        assert.equal(hmacFromPads(secret, value), createHmac("sha256", secret).update(value).digest("hex"));
        assert.equal(hashPii(value, secret), hmacFromPads(secret, value));
      }
    });
  }

  it("normalises emails so that the same person hashes the same", () => {
    assert.equal(normaliseEmail("  Jane.Doe@Example.COM "), "jane.doe@example.com");
    // As BigQuery's TRIM: Unicode white space at either end goes (tab, line breaks, NEL, no-break and ideographic
    // spaces); a byte-order mark or zero-width space is not white space and stays.
    assert.equal(normaliseEmail("\t Jane@Example.COM \r\n"), "jane@example.com");
    assert.equal(normaliseEmail("\u00a0\u0085jane@example.com\u2028\u3000"), "jane@example.com");
    assert.equal(normaliseEmail("\ufeffjane@example.com\u200b"), "\ufeffjane@example.com\u200b");
    assert.equal(normaliseEmail("jane doe@example.com"), "jane doe@example.com");
    // Lower-cased with the full case mapping, as BigQuery's LOWER: İ becomes i and a combining dot above.
    assert.equal(normaliseEmail("İlker@Example.com"), "i\u0307lker@example.com");
    const key = "x".repeat(40);
    assert.equal(
      hashPii(normaliseEmail(" JANE@example.com"), key),
      hashPii(normaliseEmail("jane@example.com "), key),
    );
  });
});

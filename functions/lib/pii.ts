// HMAC-SHA256 of normalised emails and phones, computed inside the warehouse (no plaintext leaves staging).
// BigQuery has SHA256 but no HMAC, so the models spell HMAC out (RFC 2104):
//   HMAC(K, m) = SHA256((K' xor opad) || SHA256((K' xor ipad) || m))
// and the two key pads travel as BYTES query parameters, never as text in SQL or logs.
import { createHash, createHmac } from "node:crypto";

const BLOCK_SIZE = 64;

export interface HmacKeyPads {
  pii_inner_key: Uint8Array;
  pii_outer_key: Uint8Array;
}

export function hmacKeyPads(secret: string): HmacKeyPads {
  let key = Buffer.from(secret, "utf8");
  if (key.length > BLOCK_SIZE) key = createHash("sha256").update(key).digest();
  const padded = Buffer.alloc(BLOCK_SIZE);
  key.copy(padded);
  const inner = Buffer.alloc(BLOCK_SIZE);
  const outer = Buffer.alloc(BLOCK_SIZE);
  for (let index = 0; index < BLOCK_SIZE; index += 1) {
    inner[index] = (padded[index] ?? 0) ^ 0x36;
    outer[index] = (padded[index] ?? 0) ^ 0x5c;
  }
  return { pii_inner_key: new Uint8Array(inner), pii_outer_key: new Uint8Array(outer) };
}

/**
 * Unicode's White_Space code points: what BigQuery's TRIM removes (JavaScript's own trim differs: it removes U+FEFF
 * and keeps U+0085).
 */
const WHITE_SPACE =
  "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const EDGE_WHITE_SPACE = new RegExp(`^${WHITE_SPACE}+|${WHITE_SPACE}+$`, "g");

/** The same normalisation the staging models apply to emails: LOWER(TRIM(email)). */
export function normaliseEmail(email: string): string {
  return email.replace(EDGE_WHITE_SPACE, "").toLowerCase();
}

/** Reference implementation, for tests and for hashing in JS at the edge (file drops). */
export function hashPii(normalisedValue: string, secret: string): string {
  return createHmac("sha256", secret).update(normalisedValue, "utf8").digest("hex");
}

/**
 * A name for the key that tells two keys apart without revealing either: SHA-256 of a label and the key's pads,
 * 16 hex digits. The transform keeps it with the tables the key hashed, to see the key change (a rotated secret).
 */
export function piiKeyId(pads: HmacKeyPads): string {
  return createHash("sha256")
    .update("dtc-pulse PII key id\n")
    .update(pads.pii_inner_key)
    .update(pads.pii_outer_key)
    .digest("hex")
    .slice(0, 16);
}

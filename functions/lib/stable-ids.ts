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

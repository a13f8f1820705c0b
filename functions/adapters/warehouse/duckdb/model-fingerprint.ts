// What builds a DuckDB table, as the comment the warehouse keeps on it (warehouse.ts).
import { createHash } from "node:crypto";
import type { MaterializeRequest } from "../../../shared/ports.ts";

/**
 * A fingerprint of what builds a table: the model's SQL as DuckDB runs it and its layout, kept as the table's
 * comment (BigQuery keeps its own as a label). A window or a merge into a table with another one checks the
 * model's columns first (changesOn).
 */
export function modelFingerprint(select: string, request: MaterializeRequest): string {
  const digest = createHash("sha256")
    .update(
      JSON.stringify([
        select,
        request.partitionColumn ?? null,
        request.clusterBy ?? [],
        request.uniqueKey ?? null,
      ]),
    )
    .digest("hex")
    .slice(0, 32);
  return `pulse_model:${digest}`;
}

// Audits: queries that must return zero rows: the files under sql/audits/, and the uniqueness and not-null
// audits generated from every model's header (functions/lib/sql/model-audits.ts). Each opens with a header
// that says whether a failure blocks the run and what it checks, optionally followed by the table and column
// it is about:
//
//   -- Audit (blocking): unified.shopify_unified has exactly one row per order.
//   -- Table: unified.shopify_unified
//   -- Column: order_id
import { readdirSync } from "node:fs";
import { modelAudits } from "../lib/sql/model-audits.ts";
import { MODELS } from "../lib/sql/models.ts";
import { readSql, sqlPath } from "../lib/sql/sql-files.ts";

export interface AuditDefinition {
  name: string;
  blocking: boolean;
  description: string;
  table?: string;
  column?: string;
  sql: string;
}

/** Pure: the definition of one audit from its file name and text. */
export function parseAudit(file: string, sql: string): AuditDefinition {
  const header = /^--\s*Audit \((blocking|warning)\):\s*(.+)$/m.exec(sql);
  if (!header)
    throw new Error(`sql/audits/${file} must start with "-- Audit (blocking|warning): <what it checks>"`);
  const table = /^--\s*Table:\s*(\S+)\s*$/m.exec(sql)?.[1];
  const column = /^--\s*Column:\s*(\S+)\s*$/m.exec(sql)?.[1];
  return {
    name: file.replace(/\.sql$/, ""),
    blocking: header[1] === "blocking",
    description: (header[2] ?? "").trim(),
    ...(table ? { table } : {}),
    ...(column ? { column } : {}),
    sql,
  };
}

export function loadAudits(): AuditDefinition[] {
  const written = readdirSync(sqlPath("audits"))
    .filter((file) => file.endsWith(".sql"))
    .map((file) => ({ file, sql: readSql(`audits/${file}`) }));
  return [...written, ...modelAudits(MODELS)]
    .sort((a, b) => a.file.localeCompare(b.file))
    .map(({ file, sql }) => parseAudit(file, sql));
}

// Audits: queries under sql/audits/ that must return zero rows. Each file's first line declares whether a
// failure blocks the run ("-- Audit (blocking): …") or only warns.
import { readdirSync } from "node:fs";
import { readSql, sqlPath } from "../shared/sql-files.ts";

export interface AuditDefinition {
  name: string;
  blocking: boolean;
  description: string;
  sql: string;
}

export function loadAudits(): AuditDefinition[] {
  return readdirSync(sqlPath("audits"))
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const sql = readSql(`audits/${file}`);
      const header = /^--\s*Audit \((blocking|warning)\):\s*(.+)$/m.exec(sql);
      if (!header)
        throw new Error(`sql/audits/${file} must start with "-- Audit (blocking|warning): <what it checks>"`);
      return {
        name: file.replace(/\.sql$/, ""),
        blocking: header[1] === "blocking",
        description: header[2] ?? "",
        sql,
      };
    });
}

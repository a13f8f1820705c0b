// A raw table as the warehouse lists it: its declared columns, less those an earlier version did not have.
import type { TableInfo } from "../../functions/shared/ports.ts";
import { rawTable } from "../../functions/shared/raw-schemas.ts";

export const listedRawTable = (name: string, without: readonly string[] = []): TableInfo => ({
  dataset: "raw",
  name,
  columns: rawTable(name)
    .columns.filter((column) => !without.includes(column.name))
    .map((column) => ({ name: column.name, type: column.type })),
});

// What an export format is to the ingest: how to recognise its header, which raw table it lands in, and a mapper
// from its records to that table's rows. Mappers are pure: records in, rows or rejections out.
import type { Row } from "../shared/ports.ts";
import type { DateFormat, DecimalSeparator, Parsed } from "./parse-values.ts";
import type { Delimiter, TextEncoding } from "./sniff.ts";
import type { OffsetSampler } from "./time-zone-fit.ts";

/** A data record with its header-named cells. */
export interface DataRecord {
  cells: string[];
  line: number;
}

export interface MapContext {
  sha256: string;
  /** Ingest time (the step's clock), ISO. */
  ingestedAt: string;
  /** Rows dated after this day are refused as future-dated (today in the shop's zone, plus one day). */
  latestEventDate: string;
  shopTimezone: string;
  shopCurrency: string;
  /** Lines above the header (report titles, a date-range line), joined cell text. */
  preamble: readonly string[];
  /** The file's decimal separator, decided from its amounts (formats that declare amountColumns). */
  decimal?: DecimalSeparator;
  /** Collects the UTC offsets the file writes on its timestamps, to check the shop's time zone against. */
  offsets?: OffsetSampler;
}

export type MapOutput =
  | {
      type: "load";
      /** The raw table's business columns (the pipeline adds the _airbyte_* ones). */
      row: Row;
      /** The day the row reports on, in the shop's zone (for the period and future-date check); null if none. */
      eventDate: string | null;
      records: DataRecord[];
      /** Source records the row stands for, when more than `records` holds (a summed row keeps its first). */
      count?: number;
    }
  | {
      type: "reject";
      records: DataRecord[];
      /** What is wrong, naming the column; never a PII value. */
      reason: string;
    };

export interface RecordMapper {
  push(record: DataRecord): MapOutput[];
  /**
   * A record that cannot be read as a row (its fields do not line up with the header), with why. A mapper that
   * groups records (an order's lines) quarantines the whole group the record belongs to, so that an order never
   * loads without one of its lines; without this method the record is quarantined alone.
   */
  refuse?(record: DataRecord, reason: string): MapOutput[];
  /** Whatever the mapper still holds at the end of the file (the last order of a grouped export). */
  finish(): MapOutput[];
}

export interface ReaderOverrides {
  encoding?: TextEncoding;
  delimiter?: Delimiter;
  decimal?: DecimalSeparator;
  dateFormat?: DateFormat;
  sheet?: string;
}

export interface FormatSpec {
  /** Stable id, stored in _airbyte_meta.kind and the manifest (e.g. "shopify_orders_export"). */
  kind: string;
  label: string;
  /** Raw table the rows land in. */
  table: string;
  /** Whether a header row is this format's (by distinctive column names). */
  matches(header: Columns): boolean;
  /** Columns without which no row can be mapped; their absence fails the file. */
  required(header: Columns): string[];
  /** Rows that summarise others (Google Ads "Total:" rows): neither data nor errors. */
  isSummary?(cells: readonly string[]): boolean;
  /**
   * "period": a newer file replaces earlier files' rows of the same kind for the days it covers.
   * "snapshot": rows have no business day (customers, products); later extractions win in staging.
   * "keyed": rows are keyed by id (Shopify orders): a newer file's version of an id replaces the earlier files'
   * versions of that id, and a file never removes ids it does not hold, so overlapping or partial-day exports
   * lose nothing whatever their drop order.
   */
  replacement: "period" | "snapshot" | "keyed";
  reader?: ReaderOverrides;
  /**
   * Columns whose amounts tell the file's decimal separator: an export re-saved by Excel in a decimal-comma
   * locale writes "1234,56" (see decideDecimalSeparator). A pattern stands for a column whose name varies (Meta's
   * spend column names the account's currency).
   */
  amountColumns?: readonly (string | RegExp)[];
  createMapper(header: Columns, context: MapContext): RecordMapper;
}

export function normaliseColumnName(name: string): string {
  return name
    .replace(/^\ufeff/, "")
    .replace(/^"|"$/g, "")
    .trim()
    .replace(/\s+/g, " ")
    .toLowerCase();
}

/** A header row, looked up case- and space-insensitively. */
export class Columns {
  private readonly positions = new Map<string, number>();

  constructor(readonly names: readonly string[]) {
    names.forEach((name, index) => {
      const key = normaliseColumnName(name);
      if (key && !this.positions.has(key)) this.positions.set(key, index);
    });
  }

  get size(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return this.positions.has(normaliseColumnName(name));
  }

  hasAll(names: readonly string[]): boolean {
    return names.every((name) => this.has(name));
  }

  /** The first of the alternatives this header has. */
  pick(...alternatives: string[]): string | undefined {
    return alternatives.find((name) => this.has(name));
  }

  /** The first column whose name matches a pattern. */
  matching(pattern: RegExp): string | undefined {
    return this.names.find((name) => pattern.test(name.trim()));
  }

  missing(names: readonly string[]): string[] {
    return names.filter((name) => !this.has(name));
  }

  /** The cell of a column, or "" when the header lacks it or the record is short. */
  cell(record: DataRecord, name: string | undefined): string {
    if (name === undefined) return "";
    const index = this.positionOf(name);
    return index === undefined ? "" : (record.cells[index] ?? "");
  }

  // A mapper asks for the same few names on every record: each name is normalised once, not per cell read (on
  // 100,000 rows of a Shopify export, normalising per read was 0.9 s of the ingest's processor time).
  private readonly positionsByName = new Map<string, number | undefined>();

  private positionOf(name: string): number | undefined {
    if (this.positionsByName.has(name)) return this.positionsByName.get(name);
    const index = this.positions.get(normaliseColumnName(name));
    this.positionsByName.set(name, index);
    return index;
  }

  /** Whether the record repeats the header (a second export pasted under the first). */
  isHeaderRepeat(cells: readonly string[]): boolean {
    if (cells.length < this.names.length) return false;
    return this.names.every(
      (name, index) => normaliseColumnName(cells[index] ?? "") === normaliseColumnName(name),
    );
  }
}

/** A failed parse as a rejection reason naming the column (the parse reason quotes only non-PII values). */
export function columnReason(column: string, parsed: Parsed<unknown>): string {
  return parsed.ok ? "" : `column "${column}": ${parsed.reason}`;
}

/**
 * A sold line's product key where the file has no product id: its SKU, else its name (a Shopify export writes
 * "product title - variant title"). Keyed alike in every format, the same SKU is the same product.
 */
export function productKeyOf(sku: string, lineItemName: string): string {
  return sku ? `sku:${sku}` : `title:${lineItemName.replace(/\s+/g, " ").toLowerCase()}`;
}

/**
 * Groups consecutive records by a key (an order's name, a product's handle). A key that reappears after
 * others is refused: merging it would need the whole file in memory, and a silent second copy would be
 * deduplicated away downstream.
 */
export class ConsecutiveGroups {
  private current:
    { key: string; records: DataRecord[]; refused?: { line: number; reason: string } } | undefined;
  private readonly closed = new Set<string>();

  constructor(
    private readonly emit: (key: string, records: DataRecord[]) => MapOutput[],
    /** What a group is, for messages: "order", "product". */
    private readonly noun: string,
  ) {}

  push(key: string, record: DataRecord, startsGroup: boolean): MapOutput[] {
    const out: MapOutput[] = [];
    if (this.current && (this.current.key !== key || startsGroup)) out.push(...this.close());
    if (!this.current) {
      if (this.closed.has(key)) {
        return [
          ...out,
          {
            type: "reject",
            records: [record],
            reason: `${this.noun} ${key} appears again after other rows; the rows of one ${this.noun} must be consecutive`,
          },
        ];
      }
      this.current = { key, records: [] };
    }
    this.current.records.push(record);
    return out;
  }

  /**
   * A record of the group `key` that cannot be read (see RecordMapper.refuse): it joins its group as push does,
   * and the whole group is quarantined when it closes, with the first such record's line and reason.
   */
  refuse(key: string, record: DataRecord, reason: string): MapOutput[] {
    const out = this.push(key, record, false);
    if (this.current?.key === key && this.current.records.at(-1) === record) {
      this.current.refused ??= { line: record.line, reason };
    }
    return out;
  }

  close(): MapOutput[] {
    if (!this.current) return [];
    const { key, records, refused } = this.current;
    this.current = undefined;
    this.closed.add(key);
    if (refused !== undefined) {
      const whole =
        records.length === 1
          ? ""
          : `; all ${records.length} of its rows are quarantined, as the ${this.noun} must not load without that line`;
      const reason = `${this.noun} ${key}: line ${refused.line} ${refused.reason}${whole}`;
      return [{ type: "reject", records, reason }];
    }
    return this.emit(key, records);
  }
}

// The decimal separator of a dropped file, from its own amounts: a Shopify export re-saved by Excel in a
// decimal-comma locale writes "1234,56" with ";" between fields.
import type { FormatSpec } from "./format-spec.ts";
import { detectFormat } from "./map-records.ts";
import { type DecimalSeparator, decideDecimalSeparator } from "./parse-values.ts";
import { openRecords } from "./records.ts";
import type { EncodingGuess } from "./sniff.ts";

/** Amount cells read to decide a file's decimal separator. */
const DECIMAL_SAMPLE_RECORDS = 5_000;

/**
 * The decimal separator of a file whose format declares amount columns, from its first records' amounts (a
 * second, bounded read of the file). Undefined when the format declares none or its reader fixes one.
 */
export async function sniffDecimal(
  chunks: () => AsyncIterable<Uint8Array>,
  encoding: EncodingGuess,
  format: FormatSpec,
): Promise<DecimalSeparator | undefined> {
  if (!format.amountColumns?.length || format.reader?.decimal) return undefined;
  const opened = await openRecords(chunks(), { encoding });
  const detected = await detectFormat(opened.records, [format]);
  const positions = format.amountColumns
    .map((column) =>
      detected.header.names.findIndex((candidate) =>
        typeof column === "string" ? candidate.trim() === column : column.test(candidate.trim()),
      ),
    )
    .filter((index) => index >= 0);
  const cells: string[] = [];
  let records = 0;
  for await (const record of { [Symbol.asyncIterator]: () => detected.rest }) {
    for (const index of positions) cells.push(record.cells[index] ?? "");
    if (++records >= DECIMAL_SAMPLE_RECORDS) break;
  }
  await detected.rest.return?.();
  return decideDecimalSeparator(cells);
}

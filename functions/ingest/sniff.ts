// Recognising how a dropped file is written — encoding, container and delimiter — from its bytes, never from its
// name. Pure functions over buffers and strings.

export type TextEncoding = "utf-8" | "windows-1252" | "utf-16le" | "utf-16be";

export interface EncodingGuess {
  encoding: TextEncoding;
  bom: boolean;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** XLSX (and any OOXML) is a zip: "PK\x03\x04". */
export function isZip(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]);
}

/** The BOM-declared encoding, if any. */
export function bomEncoding(bytes: Uint8Array): EncodingGuess | undefined {
  if (startsWith(bytes, UTF8_BOM)) return { encoding: "utf-8", bom: true };
  if (startsWith(bytes, [0xff, 0xfe])) return { encoding: "utf-16le", bom: true };
  if (startsWith(bytes, [0xfe, 0xff])) return { encoding: "utf-16be", bom: true };
  return undefined;
}

/**
 * Incremental UTF-8 validity over a whole file, chunk by chunk: a strict decoder throws on the first invalid
 * sequence (which a lenient decode would have turned into U+FFFD). A file that fails is Windows-1252, the
 * encoding Excel on Windows writes; Latin-1 is its subset for the letters that matter here.
 */
export class Utf8Validator {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private valid = true;
  private sawHighByte = false;

  push(chunk: Uint8Array): void {
    if (!this.valid) return;
    if (!this.sawHighByte && chunk.some((byte) => byte >= 0x80)) this.sawHighByte = true;
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      this.valid = false;
    }
  }

  /** Whether every byte so far (and the end of the file, when `final`) was valid UTF-8. */
  finish(): boolean {
    if (!this.valid) return false;
    try {
      this.decoder.decode(new Uint8Array(), { stream: false });
    } catch {
      this.valid = false;
    }
    return this.valid;
  }

  get hasNonAscii(): boolean {
    return this.sawHighByte;
  }
}

/** The encoding of a whole file from its first bytes and its UTF-8 validity (see Utf8Validator). */
export function decideEncoding(head: Uint8Array, wholeFileIsUtf8: boolean): EncodingGuess {
  const declared = bomEncoding(head);
  if (declared) return declared;
  return { encoding: wholeFileIsUtf8 ? "utf-8" : "windows-1252", bom: false };
}

/** The encoding from a sample alone (for streams that are not hashed first); the sample's cut is allowed. */
export function sniffEncoding(sample: Uint8Array): EncodingGuess {
  const declared = bomEncoding(sample);
  if (declared) return declared;
  // A multi-byte character may be cut at the sample's end: drop up to three trailing bytes before judging.
  let end = sample.length;
  for (let back = 0; back < 3 && end > 0 && ((sample[end - 1] ?? 0) & 0xc0) === 0x80; back++) end--;
  if (end > 0 && (sample[end - 1] ?? 0) >= 0xc0) end--;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(0, end));
    return { encoding: "utf-8", bom: false };
  } catch {
    return { encoding: "windows-1252", bom: false };
  }
}

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Fields per line for one delimiter, quote-aware (a quoted field may hold delimiters and line breaks). */
function fieldCounts(text: string, delimiter: string, maxLines: number): number[] {
  const counts: number[] = [];
  let fields = 1;
  let quoted = false;
  let lineHasContent = false;
  for (let index = 0; index < text.length && counts.length < maxLines; index++) {
    const char = text[index];
    if (char === '"') {
      if (quoted && text[index + 1] === '"') index++;
      else quoted = !quoted;
      lineHasContent = true;
    } else if (!quoted && char === delimiter) {
      fields++;
      lineHasContent = true;
    } else if (!quoted && (char === "\n" || char === "\r")) {
      if (lineHasContent) counts.push(fields);
      if (char === "\r" && text[index + 1] === "\n") index++;
      fields = 1;
      lineHasContent = false;
    } else if (char !== " ") lineHasContent = true;
  }
  return counts;
}

/**
 * The delimiter that splits the sample's widest line into the most fields, so title lines and a date-range
 * line above the header (Google Ads) do not mislead it; ties go to the consistency of the data lines below.
 */
export function sniffDelimiter(sample: string): Delimiter {
  let best: Delimiter = ",";
  let bestScore = -1;
  for (const delimiter of DELIMITERS) {
    const counts = fieldCounts(sample, delimiter, 50);
    const widest = Math.max(1, ...counts);
    if (widest < 2) continue;
    const consistent = counts.filter((count) => count === widest).length;
    const score = widest * 1000 + consistent;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Finds files that mix UTF-8 and Windows-1252 text (rows pasted together from two exports, or an editor that
 * saved only some lines anew): decoded either way, part of them would be mojibake. Tracks, over the whole file,
 * the first line holding a valid multi-byte UTF-8 character and the first line holding a byte UTF-8 cannot start.
 */
export class MixedEncodingScan {
  private line = 1;
  private need = 0;
  private firstUtf8Line: number | undefined;
  private firstInvalidLine: number | undefined;

  push(chunk: Uint8Array): void {
    for (const byte of chunk) {
      if (this.need > 0) {
        if ((byte & 0xc0) === 0x80) {
          this.need--;
          if (this.need === 0) this.firstUtf8Line ??= this.line;
          continue;
        }
        this.firstInvalidLine ??= this.line;
        this.need = 0;
      }
      if (byte < 0x80) {
        if (byte === 0x0a) this.line++;
      } else if (byte >= 0xc2 && byte <= 0xdf) this.need = 1;
      else if (byte >= 0xe0 && byte <= 0xef) this.need = 2;
      else if (byte >= 0xf0 && byte <= 0xf4) this.need = 3;
      else this.firstInvalidLine ??= this.line;
    }
  }

  /** Lines that show the mix, when the file holds both UTF-8 characters and bytes that are not UTF-8. */
  get mixed(): { utf8Line: number; otherLine: number } | undefined {
    if (this.firstUtf8Line === undefined || this.firstInvalidLine === undefined) return undefined;
    return { utf8Line: this.firstUtf8Line, otherLine: this.firstInvalidLine };
  }
}

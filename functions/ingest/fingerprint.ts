// A dropped file's identity from one streaming pass over its bytes: the content hash, the size, whether it is
// valid UTF-8, its first bytes (for the encoding and the zip signature) and, for a zip, its last bytes (where the
// zip directory is, checked against the XLSX caps before the workbook is parsed).
import { createHash } from "node:crypto";
import { isZip, MixedEncodingScan, Utf8Validator } from "./sniff.ts";
import { ZIP_TAIL_BYTES } from "./xlsx-limits.ts";

export interface Fingerprint {
  sha256: string;
  size: number;
  head: Uint8Array;
  utf8: boolean;
  /** The last bytes of the file (up to ZIP_TAIL_BYTES), where a zip keeps its directory. */
  tail?: Buffer;
  /** Set when the file mixes UTF-8 characters with bytes that are not UTF-8 (Windows-1252). */
  mixedEncoding?: { utf8Line: number; otherLine: number };
}

/** One streaming pass: the content hash, the size, whether every byte is valid UTF-8 (and if not, whether UTF-8 and Windows-1252 lines are mixed). */
export async function fingerprint(chunks: AsyncIterable<Uint8Array>): Promise<Fingerprint> {
  const hash = createHash("sha256");
  const validator = new Utf8Validator();
  const scan = new MixedEncodingScan();
  let size = 0;
  let head = new Uint8Array();
  let tail = Buffer.alloc(0);
  for await (const chunk of chunks) {
    hash.update(chunk);
    validator.push(chunk);
    scan.push(chunk);
    if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4)]);
    size += chunk.length;
    if (isZip(head)) {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > 2 * ZIP_TAIL_BYTES) tail = tail.subarray(tail.length - ZIP_TAIL_BYTES);
    }
  }
  if (tail.length > ZIP_TAIL_BYTES) tail = tail.subarray(tail.length - ZIP_TAIL_BYTES);
  const utf8 = validator.finish();
  return {
    sha256: hash.digest("hex"),
    size,
    head,
    utf8,
    tail,
    mixedEncoding: utf8 ? undefined : scan.mixed,
  };
}

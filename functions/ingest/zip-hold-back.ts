// exceljs reads a workbook as a stream through unzipper, and unzipper's Parse ends its stream as soon as it has
// read the zip's directory, whether or not its reader has taken the parts it parsed last: a part small enough to sit
// in the streams' buffers is parsed without waiting for the reader, and once the directory is reached the parts still
// buffered are never handed out. Reading a worksheet to a temporary file (which exceljs does while the shared strings
// are still to come) is enough of a wait: the workbook's last parts are lost, its row of sheet names with them ("Cannot
// read properties of undefined (reading 'sheets')"), or its shared strings, whose cells then read empty. A stored part
// larger than those buffers, added after the last one, holds unzipper back until the reader has taken every part
// before it (test/ingest/zip-hold-back.test.ts shows both with the libraries themselves).
import { crc32 } from "node:zlib";
import { endOfCentralDirectory, ZIP_TAIL_BYTES } from "./xlsx-limits.ts";

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;

/** The added part's name: outside xl/, so no reader takes it for a part of the workbook. */
export const HOLD_BACK_PART = "pulse-hold-back.bin";
/** Far more than a stream buffers (16 KiB on Node 20, 64 KiB on Node 22) at each of the three stages between. */
const HOLD_BACK_BYTES = 1024 * 1024;
const HOLD_BACK_DATA = Buffer.alloc(HOLD_BACK_BYTES);
const HOLD_BACK_CRC = crc32(HOLD_BACK_DATA);
const HOLD_BACK_NAME = Buffer.from(HOLD_BACK_PART, "utf8");

/**
 * The zip's bytes as they come, with a stored part of HOLD_BACK_BYTES zeros added after its last part and its
 * directory moved after it. The parts keep their offsets; the chunks are passed on as they come but for the last
 * ZIP_TAIL_BYTES or a little more (the directory must be among them: checkZipDirectory's rule), so a large workbook
 * is never held whole.
 */
export async function* withHoldBackPart(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let passedOn = 0;
  for await (const chunk of source) {
    pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    pendingBytes += chunk.byteLength;
    // Pass on the oldest chunks while what stays is still ZIP_TAIL_BYTES at least.
    while (pending.length > 1 && pendingBytes - (pending[0]?.length ?? 0) >= ZIP_TAIL_BYTES) {
      const oldest = pending.shift() as Buffer;
      pendingBytes -= oldest.length;
      passedOn += oldest.length;
      yield oldest;
    }
  }
  yield* holdBackParts(Buffer.concat(pending), passedOn);
}

/**
 * Pure: the zip's last bytes (`tail`, from offset `tailStart`) with the added part before its directory; as they are
 * when the directory cannot be found or moved (a damaged or ZIP64 file: the reader then fails it with its reason, as
 * checkZipDirectory does first for a dropped file). An error here would surface in no one's hands: exceljs reads this
 * stream without listening for its errors.
 */
export function holdBackParts(tail: Buffer, tailStart: number): Buffer[] {
  const eocd = endOfCentralDirectory(tail);
  if (eocd < 0) return [tail];
  const entries = tail.readUInt16LE(eocd + 10);
  const directorySize = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  const directoryAt = directoryOffset - tailStart;
  const movable =
    entries < 0xfffe &&
    directoryOffset !== 0xffffffff &&
    directoryAt >= 0 &&
    directoryAt + directorySize <= eocd;
  if (!movable) return [tail];

  const local = Buffer.alloc(30 + HOLD_BACK_NAME.length);
  local.writeUInt32LE(LOCAL, 0);
  local.writeUInt16LE(10, 4); // version needed: 1.0, a stored part
  local.writeUInt16LE(0, 6); // no flags: sizes and CRC are in this header
  local.writeUInt16LE(0, 8); // stored
  local.writeUInt32LE(0, 10); // DOS time and date: 0
  local.writeUInt32LE(HOLD_BACK_CRC, 14);
  local.writeUInt32LE(HOLD_BACK_BYTES, 18);
  local.writeUInt32LE(HOLD_BACK_BYTES, 22);
  local.writeUInt16LE(HOLD_BACK_NAME.length, 26);
  local.writeUInt16LE(0, 28);
  HOLD_BACK_NAME.copy(local, 30);

  const central = Buffer.alloc(46 + HOLD_BACK_NAME.length);
  central.writeUInt32LE(CENTRAL, 0);
  central.writeUInt16LE(20, 4); // made by: 2.0
  central.writeUInt16LE(10, 6);
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(0, 10);
  central.writeUInt32LE(0, 12);
  central.writeUInt32LE(HOLD_BACK_CRC, 16);
  central.writeUInt32LE(HOLD_BACK_BYTES, 20);
  central.writeUInt32LE(HOLD_BACK_BYTES, 24);
  central.writeUInt16LE(HOLD_BACK_NAME.length, 28);
  // Extra field, comment, disk number, internal and external attributes: none (already 0).
  central.writeUInt32LE(directoryOffset, 42); // its local header is where the directory was
  HOLD_BACK_NAME.copy(central, 46);

  const end = Buffer.from(tail.subarray(eocd));
  end.writeUInt16LE(entries + 1, 8);
  end.writeUInt16LE(entries + 1, 10);
  end.writeUInt32LE(directorySize + central.length, 12);
  end.writeUInt32LE(directoryOffset + local.length + HOLD_BACK_BYTES, 16);

  return [
    tail.subarray(0, directoryAt),
    local,
    HOLD_BACK_DATA,
    tail.subarray(directoryAt, directoryAt + directorySize),
    central,
    end,
  ];
}

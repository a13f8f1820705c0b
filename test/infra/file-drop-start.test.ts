// The file-drop message transform (infra/file-drop-start.js), run as Pub/Sub runs it: the file's code, its
// function called with the message Cloud Storage publishes (JSON_API_V1 payload, notification attributes). What
// it returns must be a start message the first step's handler accepts (resolveStartMessage).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { INBOX_PREFIX } from "../../functions/lib/bucket-layout.ts";
import { deadFileDrop } from "../../functions/shared/dead-letter-drop.ts";
import { resolveStartMessage } from "../../functions/shared/run-message.ts";
import {
  loadFileDropTransform,
  storageNotification,
  type UdfMessage,
} from "../../tools/emulate/file-drop-transform.ts";

const fileDropStart = loadFileDropTransform();

/** What Cloud Storage publishes for an object (the JSON API's object resource, and the notification attributes). */
function notification(
  name: string,
  eventType = "OBJECT_FINALIZE",
  generation = "1764500000123456",
): UdfMessage {
  return storageNotification(
    { bucket: "shop-pulse", name, generation, size: 5120, timeCreated: "2026-11-22T09:14:03.120Z" },
    eventType,
  );
}

const METADATA = { message_id: "1234", publish_time: "2026-11-22T09:14:04Z" };

describe("the file-drop message transform", () => {
  it("turns a file finalized in the inbox into a forced start of the last complete day, from ingest", () => {
    const out = fileDropStart(notification(`${INBOX_PREFIX}orders_export.csv`), METADATA);
    assert.ok(out);
    assert.deepEqual(
      { ...out.attributes },
      {
        trigger: "file-drop",
        object: `${INBOX_PREFIX}orders_export.csv`,
        generation: "1764500000123456",
        droppedAt: "2026-11-22T09:14:03.120Z",
        size: "5120",
      },
    );
    // Its dead letter names the file either way: as transformed, or as Cloud Storage published it.
    const original = notification(`${INBOX_PREFIX}orders_export.csv`);
    const expected = {
      object: `${INBOX_PREFIX}orders_export.csv`,
      fileName: "orders_export.csv",
      droppedAt: "2026-11-22T09:14:03.120Z",
      sizeBytes: 5120,
      generation: "1764500000123456",
    };
    assert.deepEqual(deadFileDrop(JSON.parse(out.data), out.attributes), expected);
    assert.deepEqual(deadFileDrop(JSON.parse(original.data), original.attributes), expected);
    assert.equal(deadFileDrop({ trigger: "scheduler" }, {}), undefined, "a start message is no file drop");
    // What the ingest function's handler makes of it, at 09:14 UTC on 22 November for a Paris shop.
    const message = resolveStartMessage(
      JSON.parse(out.data),
      new Date("2026-11-22T09:14:04Z"),
      "Europe/Paris",
    );
    assert.equal(message.runDate, "2026-11-21");
    assert.equal(message.trigger, "file-drop");
    assert.equal(message.runId, "file-drop-1764500000123456", "the generation names the drop");
    assert.equal(message.options.force, true);
    assert.equal(message.options.from, undefined, "from the first step: ingest");
  });

  it("drops everything else: other prefixes, the inbox folder itself, deletions, unreadable payloads", () => {
    assert.equal(fileDropStart(notification("raw/received/abc/orders.csv"), METADATA), null);
    assert.equal(fileDropStart(notification("extracts/latest/daily_kpis.csv"), METADATA), null);
    assert.equal(fileDropStart(notification(INBOX_PREFIX), METADATA), null);
    assert.equal(fileDropStart(notification(`${INBOX_PREFIX}sub/`), METADATA), null);
    assert.equal(fileDropStart(notification(`${INBOX_PREFIX}a.csv`, "OBJECT_DELETE"), METADATA), null);
    assert.equal(
      fileDropStart({ data: "not json", attributes: { eventType: "OBJECT_FINALIZE" } }, METADATA),
      null,
    );
  });

  it("is the same run for a duplicate notification of the same object generation", () => {
    const first = fileDropStart(notification(`${INBOX_PREFIX}a.csv`), METADATA);
    const again = fileDropStart(notification(`${INBOX_PREFIX}a.csv`), { ...METADATA, message_id: "5678" });
    assert.equal(first?.data, again?.data);
  });
});

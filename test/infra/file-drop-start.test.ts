// The file-drop message transform (infra/file-drop-start.js), run as Pub/Sub runs it: the file's code, its
// function called with the message Cloud Storage publishes (JSON_API_V1 payload, notification attributes). What
// it returns must be a start message the first step's handler accepts (resolveStartMessage).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runInNewContext } from "node:vm";
import { INBOX_PREFIX } from "../../functions/lib/bucket-layout.ts";
import { deadFileDrop } from "../../functions/shared/dead-letter-drop.ts";
import { resolveStartMessage } from "../../functions/shared/run-message.ts";

interface UdfMessage {
  data: string;
  attributes: Record<string, string>;
}
type Udf = (message: UdfMessage, metadata: Record<string, string>) => UdfMessage | null;

const code = readFileSync(join(import.meta.dirname, "..", "..", "infra", "file-drop-start.js"), "utf8");
const sandbox: Record<string, unknown> = {};
runInNewContext(`${code}\nthis.udf = fileDropStart;`, sandbox);
const fileDropStart = sandbox.udf as Udf;

/** What Cloud Storage publishes for an object (the JSON API's object resource, and the notification attributes). */
function notification(
  name: string,
  eventType = "OBJECT_FINALIZE",
  generation = "1764500000123456",
): UdfMessage {
  return {
    data: JSON.stringify({
      kind: "storage#object",
      id: `shop-pulse/${name}/${generation}`,
      name,
      bucket: "shop-pulse",
      generation,
      metageneration: "1",
      contentType: "text/csv",
      size: "5120",
      timeCreated: "2026-11-22T09:14:03.120Z",
    }),
    attributes: {
      notificationConfig: "projects/_/buckets/shop-pulse/notificationConfigs/1",
      eventType,
      payloadFormat: "JSON_API_V1",
      bucketId: "shop-pulse",
      objectId: name,
      objectGeneration: generation,
      eventTime: "2026-11-22T09:14:03.120Z",
    },
  };
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

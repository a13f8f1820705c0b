// The file-drop subscription's message transform (infra/file-drop-start.js, a Pub/Sub JavaScript UDF), run here
// as Pub/Sub runs it: the file's own code, its function called with the message Cloud Storage publishes. The
// emulator has no message transforms, so the emulated pipeline applies this one before it publishes a drop; the
// infrastructure test runs the same file through it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";

/** A Pub/Sub message as a JavaScript UDF sees it: its data as text, and its attributes. */
export interface UdfMessage {
  data: string;
  attributes: Record<string, string>;
}

/** The UDF's metadata argument (message_id, publish_time…). */
export type UdfMetadata = Record<string, string>;

export type MessageTransform = (message: UdfMessage, metadata: UdfMetadata) => UdfMessage | null;

const TRANSFORM_FILE = join(import.meta.dirname, "..", "..", "infra", "file-drop-start.js");

/** infra/file-drop-start.js's fileDropStart, evaluated in a context of its own as Pub/Sub's runtime does. */
export function loadFileDropTransform(): MessageTransform {
  const sandbox: { udf?: MessageTransform } = {};
  runInNewContext(`${readFileSync(TRANSFORM_FILE, "utf8")}\nthis.udf = fileDropStart;`, sandbox);
  if (typeof sandbox.udf !== "function")
    throw new Error(`${TRANSFORM_FILE} defines no fileDropStart function`);
  return sandbox.udf;
}

/** An object as Cloud Storage's JSON API describes it, the part a notification carries that the transform reads. */
export interface StorageObject {
  bucket: string;
  name: string;
  /** The object's generation: its creation time in microseconds since the epoch, as a decimal string. */
  generation: string;
  size: number;
  timeCreated: string;
  contentType?: string;
}

/**
 * The notification Cloud Storage publishes for an object (payload format JSON_API_V1): the object resource as
 * data, and the notification's attributes.
 */
export function storageNotification(object: StorageObject, eventType = "OBJECT_FINALIZE"): UdfMessage {
  return {
    data: JSON.stringify({
      kind: "storage#object",
      id: `${object.bucket}/${object.name}/${object.generation}`,
      name: object.name,
      bucket: object.bucket,
      generation: object.generation,
      metageneration: "1",
      contentType: object.contentType ?? "text/csv",
      size: String(object.size),
      timeCreated: object.timeCreated,
    }),
    attributes: {
      notificationConfig: `projects/_/buckets/${object.bucket}/notificationConfigs/1`,
      eventType,
      payloadFormat: "JSON_API_V1",
      bucketId: object.bucket,
      objectId: object.name,
      objectGeneration: object.generation,
      eventTime: object.timeCreated,
    },
  };
}

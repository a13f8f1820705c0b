// A dead-lettered file-drop notification: which file it announced. Cloud Storage's OBJECT_FINALIZE notification for
// an object in raw/inbox/ reaches the first step through the file-drop subscription, whose message transform
// (infra/file-drop-start.js) turns it into a start message; its dead letter may come either way (the notification
// as Cloud Storage published it, or the transform's start message), and both name the file.
import { INBOX_PREFIX } from "../lib/bucket-layout.ts";

export interface DeadFileDrop {
  /** The object's path, raw/inbox/… */
  object: string;
  /** Its name as ingest records it (ops.file_drops.file_name): the path's last segment. */
  fileName: string;
  /** When it was dropped (the object's creation), ISO; undefined when the dead letter does not say. */
  droppedAt?: string;
  /** Its size in bytes, when the dead letter says. */
  sizeBytes?: number;
  /** The object's generation (which names the drop's run, file-drop-<generation>). */
  generation?: string;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== ""
    ? value
    : typeof value === "number"
      ? String(value)
      : undefined;
}

function isoTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * The file a dead letter announced, or undefined when it is not a file drop. `data` is the decoded message data
 * (an object, or whatever did not parse), `attributes` its attributes.
 */
export function deadFileDrop(data: unknown, attributes: Record<string, string>): DeadFileDrop | undefined {
  const body = record(data);
  const notification = attributes.eventType !== undefined || body.kind === "storage#object";
  const transformed = attributes.trigger === "file-drop" || body.trigger === "file-drop";
  if (!notification && !transformed) return undefined;
  const object = notification
    ? (text(attributes.objectId) ?? text(body.name))
    : (text(attributes.object) ?? text(body.object));
  if (!object || !object.startsWith(INBOX_PREFIX) || object.endsWith("/")) return undefined;
  const runGeneration = /^file-drop-(\d+)$/.exec(text(body.runId) ?? "")?.[1];
  const generation = notification
    ? (text(attributes.objectGeneration) ?? text(body.generation))
    : (text(attributes.generation) ?? runGeneration);
  const size = Number(notification ? (text(body.size) ?? "") : (text(attributes.size) ?? ""));
  // A Cloud Storage generation is the object's creation time in microseconds since the epoch: the last resort.
  const fromGeneration =
    generation && /^\d{13,}$/.test(generation)
      ? new Date(Number(generation) / 1000).toISOString()
      : undefined;
  const droppedAt =
    isoTime(notification ? (text(body.timeCreated) ?? attributes.eventTime) : attributes.droppedAt) ??
    fromGeneration;
  return {
    object,
    fileName: object.slice(object.lastIndexOf("/") + 1),
    ...(droppedAt ? { droppedAt } : {}),
    ...(Number.isInteger(size) && size > 0 ? { sizeBytes: size } : {}),
    ...(generation ? { generation } : {}),
  };
}

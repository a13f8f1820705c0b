// A Pub/Sub single message transform (JavaScript UDF) on the file-drop subscription (pubsub.tf): a Cloud Storage
// OBJECT_FINALIZE notification for a file in raw/inbox/ becomes the start message the ingest function expects,
// and every other notification is dropped. test/infra/file-drop-start.test.ts runs this very file.
//
// The start message re-runs the last complete day from ingest, forced: the file is landed and the day's models,
// extracts and deck are rebuilt with it (no second summary email: notify sends it once per date). The run id is
// the object's generation, so the ledger names the drop that started the run. The attributes name the file, when it
// was dropped and its size: a dead letter of this message (functions/shared/dead-letter-drop.ts) says what became of
// that file.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Pub/Sub calls it by name
function fileDropStart(message, metadata) {
  const attributes = message.attributes || {};
  if (attributes.eventType !== "OBJECT_FINALIZE") return null;
  let object;
  try {
    object = JSON.parse(message.data);
  } catch {
    return null;
  }
  const name = String(object.name || "");
  const inbox = "raw/inbox/";
  if (!name.startsWith(inbox) || name.length === inbox.length || name.endsWith("/")) return null;
  const generation = String(object.generation || (metadata && metadata.message_id) || "0");
  return {
    data: JSON.stringify({
      trigger: "file-drop",
      runId: `file-drop-${generation}`,
      options: { force: true },
    }),
    attributes: {
      trigger: "file-drop",
      object: name,
      generation,
      droppedAt: String(object.timeCreated || attributes.eventTime || ""),
      size: String(object.size || ""),
    },
  };
}

// The embedded default: DuckDB for the warehouse, a folder for the bucket, an outbox (or SMTP) for mail, secrets
// from <work dir>/secrets/, and the chat webhook when chat.kind is set.
import { join } from "node:path";
import { FolderBucket } from "../adapters/bucket/folder-bucket.ts";
import { chatFor } from "../adapters/chat/webhook-chat.ts";
import { OnDemandSmtpMailer } from "../adapters/mailer/on-demand-smtp-mailer.ts";
import { OutboxMailer } from "../adapters/mailer/outbox-mailer.ts";
import { LocalFileSecrets } from "../adapters/secrets/local-file-secrets.ts";
import { DuckDbWarehouse } from "../adapters/warehouse/duckdb/warehouse.ts";
import type { PulseConfig } from "../shared/config.ts";
import type { SecretName } from "../shared/options.ts";
import type { Bus, Clock, Secrets } from "../shared/ports.ts";
import type { Ports } from "../shared/step.ts";

export const systemClock: Clock = { now: () => new Date() };

/** The work dir's secret files, unless the environment gives a value (secretsFromEnvironment). */
export function localSecrets(config: PulseConfig, provided: Partial<Record<SecretName, string>>): Secrets {
  return new LocalFileSecrets(join(config.workDir, "secrets"), provided);
}

export async function createLocalPorts(
  config: PulseConfig,
  bus: Bus,
  options: { clock?: Clock; warehouse?: DuckDbWarehouse; secrets: Secrets },
): Promise<Ports & { warehouse: DuckDbWarehouse; bucket: FolderBucket }> {
  const chat = chatFor(config.chat.kind, options.secrets);
  return {
    ...(chat ? { chat } : {}),
    warehouse:
      options.warehouse ??
      (await DuckDbWarehouse.open(config.local.duckdbPath, { memoryLimit: config.local.duckdbMemoryLimit })),
    bucket: new FolderBucket(config.local.bucketDir),
    bus,
    mailer: new OnDemandSmtpMailer(options.secrets, () => new OutboxMailer(config.local.outboxDir)),
    secrets: options.secrets,
    clock: options.clock ?? systemClock,
  };
}

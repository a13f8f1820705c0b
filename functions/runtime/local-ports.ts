// The embedded default: DuckDB for the warehouse, a folder for the bucket, an outbox (or SMTP) for mail.
import { FolderBucket } from "../adapters/bucket/folder-bucket.ts";
import { OutboxMailer } from "../adapters/mailer/outbox-mailer.ts";
import { SmtpMailer } from "../adapters/mailer/smtp-mailer.ts";
import { DuckDbWarehouse } from "../adapters/warehouse/duckdb/warehouse.ts";
import type { PulseConfig } from "../shared/config.ts";
import type { Bus, Clock, Mailer } from "../shared/ports.ts";
import type { Ports } from "../shared/step.ts";

export const systemClock: Clock = { now: () => new Date() };

export function createMailer(config: PulseConfig): Mailer {
  return config.email.smtpUrl
    ? new SmtpMailer(config.email.smtpUrl)
    : new OutboxMailer(config.local.outboxDir);
}

export async function createLocalPorts(
  config: PulseConfig,
  bus: Bus,
  options: { clock?: Clock; warehouse?: DuckDbWarehouse } = {},
): Promise<Ports & { warehouse: DuckDbWarehouse }> {
  return {
    warehouse:
      options.warehouse ??
      (await DuckDbWarehouse.open(config.local.duckdbPath, { memoryLimit: config.local.duckdbMemoryLimit })),
    bucket: new FolderBucket(config.local.bucketDir),
    bus,
    mailer: createMailer(config),
    clock: options.clock ?? systemClock,
  };
}

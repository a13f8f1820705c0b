// The cloud ports: BigQuery, Cloud Storage, Pub/Sub, Secret Manager and SMTP (its URL a secret), from the
// configuration's `cloud.*` settings, which the Terraform passes to every function (infra/functions.tf).
import { BigQuery } from "@google-cloud/bigquery";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { type Bucket as StorageBucket, Storage } from "@google-cloud/storage";
import { type GcsBucketHandle, GcsBucket } from "../adapters/bucket/gcs-bucket.ts";
import { PubSubBus } from "../adapters/bus/pubsub-bus.ts";
import { type ChatKind, chatFor } from "../adapters/chat/webhook-chat.ts";
import { OnDemandSmtpMailer } from "../adapters/mailer/on-demand-smtp-mailer.ts";
import { type SecretManagerClient, SecretManagerSecrets } from "../adapters/secrets/secret-manager.ts";
import type { BigQueryClient } from "../adapters/warehouse/bigquery/client.ts";
import { BigQueryWarehouse } from "../adapters/warehouse/bigquery/warehouse.ts";
import { ConfigError, type PulseConfig } from "../shared/config.ts";
import { type SecretName, SETTING_OPTIONS } from "../shared/options.ts";
import type { Bus, Clock, Secrets } from "../shared/ports.ts";
import type { Ports } from "../shared/step.ts";

/** The cloud part of the configuration (functions/shared/options.ts, `cloud.*`). */
/**
 * The library's bucket as the slice GcsBucket uses; compose's destination is a File whose metadata carries the
 * content type (the library otherwise guesses it from the name, dropping "; charset=utf-8").
 */
export function storageHandle(bucket: StorageBucket): GcsBucketHandle {
  return {
    name: bucket.name,
    file: (path, options) => bucket.file(path, options),
    getFiles: (query) => bucket.getFiles(query),
    combine: async (sources, destination, contentType) => {
      const file = bucket.file(destination);
      if (contentType) file.metadata = { ...file.metadata, contentType };
      return bucket.combine(sources, file);
    },
  };
}

export type CloudSettings = PulseConfig["cloud"];

/**
 * Secret Manager behind the Secrets port; the values Terraform resolved into the environment come first. The
 * client is made on the first read, so a function that never needs a secret never builds one.
 */
export function cloudSecrets(
  settings: CloudSettings,
  provided: Partial<Record<SecretName, string>>,
  client?: SecretManagerClient,
): Secrets {
  let made: SecretManagerClient | undefined = client;
  const lazyClient: SecretManagerClient = {
    accessSecretVersion: (request) =>
      (made ??= new SecretManagerServiceClient()).accessSecretVersion(request),
  };
  return new SecretManagerSecrets(lazyClient, {
    projectId: settings.projectId,
    piiHashKeySecret: settings.piiHashKeySecret,
    smtpUrlSecret: settings.smtpUrlSecret,
    provided,
  });
}

export interface CloudClients {
  bigquery?: BigQueryClient;
  bucket?: GcsBucketHandle;
  bus?: Bus;
}

export interface CloudPorts extends Ports {
  warehouse: BigQueryWarehouse;
  bucket: GcsBucket;
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Builds the cloud ports. `clients` replaces the Google clients (tests); by default they use Application Default
 * Credentials, i.e. the function's own service account.
 */
export function createCloudPorts(
  settings: CloudSettings,
  options: { secrets: Secrets; clock?: Clock; clients?: CloudClients; chatKind?: ChatKind },
): CloudPorts {
  const clock = options.clock ?? systemClock;
  if (!settings.bucket)
    throw new ConfigError(
      `cloud.bucket: required in the cloud (${SETTING_OPTIONS["cloud.bucket"].env?.join(", ")})`,
    );
  const bigquery =
    options.clients?.bigquery ?? new BigQuery({ projectId: settings.projectId, location: settings.location });
  const bucketHandle =
    options.clients?.bucket ??
    storageHandle(new Storage({ projectId: settings.projectId }).bucket(settings.bucket));
  const pubsub = options.clients?.bus ? undefined : new PubSubBus(settings.projectId);
  const mailer = new OnDemandSmtpMailer(options.secrets);
  const warehouse = new BigQueryWarehouse(bigquery, {
    projectId: settings.projectId,
    location: settings.location,
    datasetPrefix: settings.datasetPrefix,
    maximumBytesBilled: settings.maximumBytesBilled,
    labels: settings.environment ? { env: settings.environment } : undefined,
  });
  const chat = chatFor(options.chatKind, options.secrets);
  return {
    ...(chat ? { chat } : {}),
    warehouse,
    bucket: new GcsBucket(bucketHandle, { linkTtlSeconds: settings.linkTtlSeconds, clock }),
    bus: options.clients?.bus ?? (pubsub as PubSubBus),
    mailer,
    secrets: options.secrets,
    clock,
    async close() {
      await warehouse.close();
      await pubsub?.close();
      mailer.close();
    },
  };
}

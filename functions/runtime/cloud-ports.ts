// The cloud ports: BigQuery, Cloud Storage, Pub/Sub and SMTP (credentials from Secret Manager), from settings
// that the Terraform passes to every function as environment variables (infra/functions.tf).
import { BigQuery } from "@google-cloud/bigquery";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { Storage } from "@google-cloud/storage";
import { z } from "zod";
import { type GcsBucketHandle, GcsBucket, MAX_SIGNED_URL_SECONDS } from "../adapters/bucket/gcs-bucket.ts";
import { PubSubBus } from "../adapters/bus/pubsub-bus.ts";
import { SmtpMailer } from "../adapters/mailer/smtp-mailer.ts";
import { type SecretManagerClient, SecretManagerSecrets } from "../adapters/secrets/secret-manager.ts";
import type { BigQueryClient } from "../adapters/warehouse/bigquery/client.ts";
import { BigQueryWarehouse } from "../adapters/warehouse/bigquery/warehouse.ts";
import type { Bus, Clock, Mailer, OutgoingMail, SentMail } from "../shared/ports.ts";
import { PermanentStepError, type Ports } from "../shared/step.ts";

const GIB = 1024 ** 3;

export const CloudSettingsSchema = z.object({
  projectId: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "expected a Google Cloud project id such as my-shop-analytics"),
  /** BigQuery location of the datasets and jobs (US, EU or a region). */
  location: z.string().min(2).default("US"),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "expected a bucket name (no gs:// prefix)"),
  /** Prepended to the dataset names of pipeline.json (e.g. "dev_" → dev_raw, dev_staging, …). */
  datasetPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_]*$/, "letters, digits and _ only")
    .default(""),
  maximumBytesBilled: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * GIB),
  piiHashKeySecret: z.string().min(1).default("pulse-pii-hash-key"),
  smtpUrlSecret: z.string().min(1).default("pulse-smtp-url"),
  linkTtlSeconds: z.coerce
    .number()
    .int()
    .positive()
    .max(MAX_SIGNED_URL_SECONDS)
    .default(MAX_SIGNED_URL_SECONDS),
  /** Extra label on every BigQuery job, e.g. the environment. */
  environment: z
    .string()
    .regex(/^[a-z0-9_-]{0,63}$/)
    .default(""),
});

export type CloudSettings = z.infer<typeof CloudSettingsSchema>;

type Env = Record<string, string | undefined>;

/** The variables functions.tf sets; empty strings count as unset. */
export function cloudSettingsFromEnv(env: Env): CloudSettings {
  const value = (name: string): string | undefined => (env[name] === "" ? undefined : env[name]);
  const parsed = CloudSettingsSchema.safeParse({
    projectId: value("PULSE_PROJECT_ID") ?? value("GOOGLE_CLOUD_PROJECT"),
    location: value("PULSE_BQ_LOCATION"),
    bucket: value("PULSE_BUCKET"),
    datasetPrefix: value("PULSE_DATASET_PREFIX"),
    maximumBytesBilled: value("PULSE_MAX_BYTES_BILLED"),
    piiHashKeySecret: value("PULSE_PII_HASH_KEY_SECRET"),
    smtpUrlSecret: value("PULSE_SMTP_URL_SECRET"),
    linkTtlSeconds: value("PULSE_LINK_TTL_SECONDS"),
    environment: value("PULSE_ENVIRONMENT"),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid cloud settings (PULSE_* variables):\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}

export interface CloudSecrets {
  piiHashKey?: string;
  smtpUrl?: string;
}

/**
 * The secrets a function needs. Deployed functions get them as environment variables (Terraform's
 * secret_environment_variables: PULSE_PII_HASH_KEY, PULSE_SMTP_URL), each only where its service account may
 * read it; Secret Manager is asked only for what is needed and not already in the environment (e.g. the CLI
 * run against a cloud project).
 */
export async function readCloudSecrets(
  settings: CloudSettings,
  env: Env,
  needs: { piiHashKey: boolean; smtpUrl: boolean },
  client?: SecretManagerClient,
): Promise<CloudSecrets> {
  const secrets: CloudSecrets = {
    piiHashKey: env.PULSE_PII_HASH_KEY || undefined,
    smtpUrl: env.PULSE_SMTP_URL || undefined,
  };
  const missingKey = needs.piiHashKey && !secrets.piiHashKey;
  const missingSmtp = needs.smtpUrl && !secrets.smtpUrl;
  if (!missingKey && !missingSmtp) return secrets;
  const reader = new SecretManagerSecrets(client ?? new SecretManagerServiceClient(), {
    projectId: settings.projectId,
    piiHashKeySecret: settings.piiHashKeySecret,
    smtpUrlSecret: settings.smtpUrlSecret,
  });
  if (missingKey) secrets.piiHashKey = await reader.piiHashKey();
  if (missingSmtp) secrets.smtpUrl = await reader.smtpUrl();
  return secrets;
}

/** Stands in when no SMTP URL was granted: the step that tries to mail says exactly what is missing. */
class UnconfiguredMailer implements Mailer {
  constructor(private readonly secret: string) {}
  async send(mail: OutgoingMail): Promise<SentMail> {
    throw new PermanentStepError(
      `cannot send "${mail.subject}": no SMTP URL. Add a version to secret ${this.secret} and grant this function roles/secretmanager.secretAccessor on it.`,
    );
  }
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
  options: { smtpUrl?: string; clock?: Clock; clients?: CloudClients } = {},
): CloudPorts {
  const clock = options.clock ?? systemClock;
  const bigquery =
    options.clients?.bigquery ?? new BigQuery({ projectId: settings.projectId, location: settings.location });
  const bucketHandle =
    options.clients?.bucket ?? new Storage({ projectId: settings.projectId }).bucket(settings.bucket);
  const pubsub = options.clients?.bus ? undefined : new PubSubBus(settings.projectId);
  const smtp = options.smtpUrl ? new SmtpMailer(options.smtpUrl) : undefined;
  const warehouse = new BigQueryWarehouse(bigquery, {
    projectId: settings.projectId,
    location: settings.location,
    datasetPrefix: settings.datasetPrefix,
    maximumBytesBilled: settings.maximumBytesBilled,
    labels: settings.environment ? { env: settings.environment } : undefined,
  });
  return {
    warehouse,
    bucket: new GcsBucket(bucketHandle, { linkTtlSeconds: settings.linkTtlSeconds, clock }),
    bus: options.clients?.bus ?? (pubsub as PubSubBus),
    mailer: smtp ?? new UnconfiguredMailer(settings.smtpUrlSecret),
    clock,
    async close() {
      await warehouse.close();
      await pubsub?.close();
      smtp?.close();
    },
  };
}

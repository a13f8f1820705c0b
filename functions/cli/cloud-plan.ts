// pulse plan --cloud: what the cloud run of a date would do, read from the cloud itself (BigQuery's tables, the
// bucket's ledger, the PII key in Secret Manager), with each model's bytes from a BigQuery dry run: what the
// morning's transform will scan before it does, and whether that grows with the shop's history.
import type { CloudClients } from "../runtime/cloud-ports.ts";
import type { SecretManagerClient } from "../adapters/secrets/secret-manager.ts";
import { ConfigError, type PulseConfig, secretsFromEnvironment } from "../shared/config.ts";
import { SETTING_OPTIONS } from "../shared/options.ts";
import type { Bus } from "../shared/ports.ts";
import type { RunMessage } from "../shared/run-message.ts";
import { planRun } from "./plan.ts";

/** A plan publishes nothing: a bus that says so if anything tried. */
const NO_BUS: Bus = {
  publish: async (topic) => {
    throw new Error(`plan publishes nothing (asked to publish to ${topic})`);
  },
};

/**
 * The plan against the cloud ports of `config.cloud` (Application Default Credentials: `gcloud auth
 * application-default login`). `clients` replaces the Google clients (tests).
 */
export async function planCloudRun(
  message: RunMessage,
  config: PulseConfig,
  env: Record<string, string | undefined>,
  clients: Omit<CloudClients, "bus"> & { secretManager?: SecretManagerClient } = {},
): Promise<string[]> {
  const project = SETTING_OPTIONS["cloud.projectId"];
  if (config.cloud.projectId === project.default) {
    // The local default (the Pub/Sub emulator's project) names no real project.
    throw new ConfigError(
      `cloud.projectId: plan --cloud needs the shop's project (${project.env?.join(" or ")})`,
    );
  }
  // Imported here: a local run never loads the Google clients.
  const { cloudSecrets, createCloudPorts } = await import("../runtime/cloud-ports.ts");
  const { secretManager, ...google } = clients;
  const secrets = cloudSecrets(config.cloud, secretsFromEnvironment(env), secretManager);
  const ports = createCloudPorts(config.cloud, { secrets, clients: { ...google, bus: NO_BUS } });
  try {
    return [
      `cloud: project ${config.cloud.projectId}, BigQuery in ${config.cloud.location}, bucket gs://${config.cloud.bucket}`,
      ...(await planRun(message, config, ports)),
    ];
  } finally {
    await ports.close();
  }
}

// Settings of the Airbyte sync trigger (functions/check-sources/airbyte-sync.ts), under `airbyte` in the settings
// file: where the shop lands its data with Airbyte, check-sources can start the sync of a stale source itself
// instead of someone starting it by hand. Off unless enabled; the API token is a secret (airbyteApiToken in
// SECRET_OPTIONS), read through the Secrets port.
import { z } from "zod";

/** Airbyte's connection ids are UUIDs (the part of the connection's address in Airbyte's UI after /connections/). */
const connectionId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    "expected an Airbyte connection id (a UUID)",
  );

export const AirbyteSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Airbyte's public API: Airbyte Cloud's unless set (self-managed: http://<host>:8000/api/public/v1). */
  apiUrl: z.url().default("https://api.airbyte.com/v1"),
  /** The Airbyte connection that loads each source; a stale source without one is left alone. */
  connections: z
    .strictObject({
      shopify: connectionId.optional(),
      facebook_ads: connectionId.optional(),
      tiktok_ads: connectionId.optional(),
      google_ads: connectionId.optional(),
    })
    .prefault({}),
  /** Attempts of one request when Airbyte answers 5xx or not at all (check-sources does not wait long for it). */
  maxAttempts: z.number().int().min(1).max(5).default(2),
  /** Seconds a request may wait for Airbyte's answer: an Airbyte that hangs must not hold check-sources up. */
  requestTimeoutSeconds: z.number().int().min(1).max(120).default(30),
});

export type AirbyteSettings = z.output<typeof AirbyteSettingsSchema>;

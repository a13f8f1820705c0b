// The Airbyte sync trigger against a local server speaking Airbyte's public API (tools/demo-apis/airbyte.ts): a
// stale source's connection gets one sync per run date, with the Bearer token; a sync already running (409), a
// disabled connection (409 too, told apart by the connection's status), a refused token (401) and an Airbyte that
// does not answer are warnings that say what to do, never critical; and in the real check-sources step only the
// stale sources' connections are synced.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { LocalFileSecrets } from "../../functions/adapters/secrets/local-file-secrets.ts";
import { connectorSecretId } from "../../functions/adapters/secrets/secret-manager.ts";
import { syncStaleSources } from "../../functions/check-sources/airbyte-sync.ts";
import { runCheckSources } from "../../functions/check-sources/step.ts";
import { airbyteSyncMarkerPath, sourcesStatusPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import type { ApiIo } from "../../functions/lib/platform-apis/http.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { SECRET_OPTIONS, type SecretName } from "../../functions/shared/options.ts";
import type { SourceName } from "../../functions/shared/raw-schemas.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import {
  AIRBYTE_APPLICATION,
  AIRBYTE_TOKEN,
  type AirbyteServer,
  startAirbyteServer,
} from "../../tools/demo-apis/airbyte.ts";
import { buildPlatformData, RUN_DATE, TIMEZONE } from "../ingest/connectors/fixtures.ts";
import { openBench } from "../ingest/connectors/harness.ts";
import { startScriptedServer } from "../support/scripted-server.ts";

const CONNECTIONS: Record<SourceName, string> = {
  shopify: "0c1e1a52-3f4b-4d8e-9a6b-1f2e3d4c5b6a",
  facebook_ads: "1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
  tiktok_ads: "2e3f4051-6b7c-4d8e-9fa0-b1c2d3e4f5a6",
  google_ads: "3f405162-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
};

interface Harness {
  context(runDate: string, airbyte?: object, secrets?: Partial<Record<SecretName, string>>): StepContext;
  bucket: FolderBucket;
  io: ApiIo;
  calls: string[];
  sleeps: number[];
}

async function harness(dir: string): Promise<Harness> {
  const bucket = new FolderBucket(join(dir, "bucket"));
  const calls: string[] = [];
  const sleeps: number[] = [];
  const io: ApiIo = {
    fetch: (input, init) => {
      calls.push(`${init?.method ?? "GET"} ${String(input)}`);
      return fetch(input, init);
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => new Date("2026-11-22T06:05:00Z"),
  };
  const context = (
    runDate: string,
    airbyte: object = {},
    secrets: Partial<Record<SecretName, string>> = { airbyteApiToken: AIRBYTE_TOKEN },
  ) =>
    ({
      step: "check-sources",
      message: parseRunMessage({ runDate, runId: `run-${runDate}`, trigger: "manual" }),
      config: loadConfig({
        env: { PULSE_SETTINGS: JSON.stringify({ version: 1, airbyte: { enabled: true, ...airbyte } }) },
        cwd: dir,
      }),
      ports: { bucket, secrets: { get: async (name: SecretName) => secrets[name] } },
      ledger: new Ledger(bucket),
      log: silentLogger(),
    }) as unknown as StepContext;
  return { context, bucket, io, calls, sleeps };
}

const jobPosts = (server: AirbyteServer) =>
  server.requests.filter((request) => request.method === "POST" && request.path === "/v1/jobs");

describe("Airbyte sync of stale sources", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-airbyte-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("starts one sync per stale source and run date, with the Bearer token, and reports the job", async () => {
    const server = await startAirbyteServer({ connections: Object.values(CONNECTIONS), firstJobId: 123 });
    const bench = await harness(join(dir, "once"));
    const settings = { apiUrl: server.url, connections: CONNECTIONS };
    try {
      const first = await syncStaleSources(bench.context(RUN_DATE, settings), ["facebook_ads"], bench.io);
      const posts = jobPosts(server);
      assert.equal(posts.length, 1);
      assert.deepEqual(posts[0]?.body, { connectionId: CONNECTIONS.facebook_ads, jobType: "sync" });
      assert.equal(posts[0]?.authorization, `Bearer ${AIRBYTE_TOKEN}`);
      const job = server.jobs[0];
      assert.equal(job?.jobId, 123);
      assert.equal(first.findings.length, 1);
      assert.equal(first.findings[0]?.severity, "info");
      assert.equal(first.findings[0]?.check, "airbyte_sync");
      assert.match(
        first.findings[0]?.message ?? "",
        /^Meta Ads is stale: Airbyte sync started, job 123 running/,
      );
      assert.equal(first.metrics["airbyte.started"], 1);
      // README: "remembered in the bucket at `state/airbyte-sync/dt=<run date>/<source>.json`".
      const markerPath = `state/airbyte-sync/dt=${RUN_DATE}/facebook_ads.json`;
      assert.equal(airbyteSyncMarkerPath(RUN_DATE, "facebook_ads"), markerPath);
      const marker = JSON.parse((await bench.bucket.read(markerPath))?.toString() ?? "{}") as {
        jobId?: number;
        connectionId?: string;
      };
      assert.equal(marker.jobId, 123);
      assert.equal(marker.connectionId, CONNECTIONS.facebook_ads);

      // The sync ends; a re-run of the same day asks for the job's status instead of starting another.
      server.setStatus(123, "succeeded");
      const again = await syncStaleSources(bench.context(RUN_DATE, settings), ["facebook_ads"], bench.io);
      assert.equal(jobPosts(server).length, 1, "no second sync on the same run date");
      assert.ok(
        server.requests.some((request) => request.method === "GET" && request.path === "/v1/jobs/123"),
      );
      assert.equal(again.findings[0]?.severity, "info");
      assert.match(
        again.findings[0]?.message ?? "",
        /sync started earlier for this run date, job 123 succeeded/,
      );
      assert.equal(again.metrics["airbyte.earlier"], 1);

      // The next run date is a new day: a new sync.
      await syncStaleSources(bench.context(addDays(RUN_DATE, 1), settings), ["facebook_ads"], bench.io);
      assert.equal(jobPosts(server).length, 2);
      assert.equal(server.jobs[1]?.jobId, 124);
    } finally {
      await server.close();
    }
  });

  it("a sync started earlier that failed is a warning on the re-run, and is not restarted that day", async () => {
    const server = await startAirbyteServer({ connections: Object.values(CONNECTIONS), firstJobId: 77 });
    const bench = await harness(join(dir, "failed"));
    const settings = { apiUrl: server.url, connections: CONNECTIONS };
    try {
      await syncStaleSources(bench.context(RUN_DATE, settings), ["shopify"], bench.io);
      server.setStatus(77, "failed");
      const again = await syncStaleSources(bench.context(RUN_DATE, settings), ["shopify"], bench.io);
      assert.equal(jobPosts(server).length, 1);
      assert.equal(again.findings[0]?.severity, "warning");
      assert.match(again.findings[0]?.message ?? "", /job 77 failed.*open the job's log in Airbyte/);
    } finally {
      await server.close();
    }
  });

  it("never asks Airbyte when it is off, or for a stale source without a connection", async () => {
    const server = await startAirbyteServer({ connections: Object.values(CONNECTIONS) });
    const bench = await harness(join(dir, "off"));
    try {
      const off = await syncStaleSources(
        bench.context(RUN_DATE, { enabled: false, apiUrl: server.url, connections: CONNECTIONS }),
        ["shopify", "google_ads"],
        bench.io,
      );
      const unmapped = await syncStaleSources(
        bench.context(RUN_DATE, { apiUrl: server.url, connections: { shopify: CONNECTIONS.shopify } }),
        ["google_ads"],
        bench.io,
      );
      assert.deepEqual([off.findings, unmapped.findings], [[], []]);
      assert.deepEqual(server.requests, []);
      assert.deepEqual(bench.calls, []);
    } finally {
      await server.close();
    }
  });

  it("409: a sync already running is reported (that job), not started again, and not re-asked that day", async () => {
    const server = await startAirbyteServer({ connections: Object.values(CONNECTIONS), firstJobId: 500 });
    const bench = await harness(join(dir, "conflict"));
    const settings = { apiUrl: server.url, connections: CONNECTIONS };
    try {
      server.seedJob(CONNECTIONS.shopify, "succeeded"); // 500, an older sync
      const running = server.seedJob(CONNECTIONS.shopify, "running"); // 501, started by hand in Airbyte
      const result = await syncStaleSources(bench.context(RUN_DATE, settings), ["shopify"], bench.io);
      assert.deepEqual(
        jobPosts(server).map((request) => request.status),
        [409],
      );
      assert.equal(server.jobs.length, 2, "no job created");
      const [finding] = result.findings;
      assert.equal(finding?.severity, "warning");
      assert.equal(finding?.observed, `job ${running.jobId} running (started ${running.startTime})`);
      assert.match(
        finding?.message ?? "",
        /already syncing it: job 501 running .*no second sync was started/,
      );
      assert.equal(result.metrics["airbyte.alreadyRunning"], 1);

      await syncStaleSources(bench.context(RUN_DATE, settings), ["shopify"], bench.io);
      assert.equal(jobPosts(server).length, 1, "the found job is remembered for the day");
    } finally {
      await server.close();
    }
  });

  it("409 for a disabled connection: a warning saying to enable it, no marker, and the next run starts the sync", async () => {
    const server = await startAirbyteServer({ connections: Object.values(CONNECTIONS), firstJobId: 700 });
    const bench = await harness(join(dir, "disabled"));
    const settings = { apiUrl: server.url, connections: CONNECTIONS };
    try {
      server.setConnectionStatus(CONNECTIONS.tiktok_ads, "inactive");
      server.seedJob(CONNECTIONS.tiktok_ads, "succeeded"); // 700: its last sync, before it was disabled
      const result = await syncStaleSources(bench.context(RUN_DATE, settings), ["tiktok_ads"], bench.io);
      assert.deepEqual(
        server.requests.map(
          (request) => `${request.method} ${request.path.replace(/\?.*/, "")} ${request.status}`,
        ),
        ["POST /v1/jobs 409", "GET /v1/jobs 200", `GET /v1/connections/${CONNECTIONS.tiktok_ads} 200`],
      );
      assert.equal(server.jobs.length, 1, "no job created");
      const [finding] = result.findings;
      assert.equal(finding?.severity, "warning");
      assert.equal(finding?.observed, "connection inactive");
      assert.match(
        finding?.message ?? "",
        new RegExp(
          `TikTok Ads is stale and Airbyte cannot sync it: its connection ${CONNECTIONS.tiktok_ads} is inactive in Airbyte ` +
            "\\(HTTP 409: .*\\)\\. Enable the connection in Airbyte and start its sync, or remove airbyte\\.connections\\.tiktok_ads",
        ),
      );
      assert.deepEqual(result.metrics, { "airbyte.notActive": 1 });
      assert.equal(await bench.bucket.exists(airbyteSyncMarkerPath(RUN_DATE, "tiktok_ads")), false);

      // Enabled again in Airbyte: the same run date's next run starts the sync.
      server.setConnectionStatus(CONNECTIONS.tiktok_ads, "active");
      const again = await syncStaleSources(bench.context(RUN_DATE, settings), ["tiktok_ads"], bench.io);
      assert.deepEqual(again.metrics, { "airbyte.started": 1 });
      assert.equal(server.jobs.at(-1)?.status, "running");
    } finally {
      await server.close();
    }
  });

  it("409 that is neither: no running job and an active connection is still reported as a conflict", async () => {
    // Airbyte may answer 409 while its job list lags behind the job it just refused for.
    const scripted = await startScriptedServer([
      { status: 409, body: { status: 409, title: "try-again-later", detail: "A sync is already running" } },
      { status: 200, body: { data: [] } },
      { status: 200, body: { connectionId: CONNECTIONS.shopify, status: "active" } },
    ]);
    const bench = await harness(join(dir, "conflict-lagging"));
    try {
      const result = await syncStaleSources(
        bench.context(RUN_DATE, { apiUrl: `${scripted.url}/v1`, connections: CONNECTIONS }),
        ["shopify"],
        bench.io,
      );
      assert.deepEqual(
        scripted.requests.map((request) => `${request.method} ${request.path.replace(/\?.*/, "")}`),
        ["POST /v1/jobs", "GET /v1/jobs", `GET /v1/connections/${CONNECTIONS.shopify}`],
      );
      assert.deepEqual(result.metrics, { "airbyte.alreadyRunning": 1 });
      assert.match(result.findings[0]?.message ?? "", /no running job of connection .* could be found/);
    } finally {
      await scripted.close();
    }
  });

  it("401: a refused token is a warning naming the secret, with no marker, so the next run asks again", async () => {
    const server = await startAirbyteServer({ connections: Object.values(CONNECTIONS) });
    const bench = await harness(join(dir, "refused"));
    const settings = { apiUrl: server.url, connections: CONNECTIONS };
    try {
      const result = await syncStaleSources(
        bench.context(RUN_DATE, settings, { airbyteApiToken: "an-expired-token" }),
        ["tiktok_ads"],
        bench.io,
      );
      assert.deepEqual(
        server.requests.map((request) => `${request.method} ${request.path} ${request.status}`),
        ["POST /v1/jobs 401"],
      );
      assert.equal(server.requests[0]?.authorization, "Bearer an-expired-token");
      const [finding] = result.findings;
      assert.equal(finding?.severity, "warning");
      assert.match(
        finding?.message ?? "",
        /Airbyte refused the credentials of the airbyteApiToken secret \(HTTP 401/,
      );
      assert.match(
        finding?.message ?? "",
        /Start the sync in Airbyte by hand; replace the Airbyte application's credentials/,
      );
      assert.equal(await bench.bucket.exists(airbyteSyncMarkerPath(RUN_DATE, "tiktok_ads")), false);
      assert.equal(bench.sleeps.length, 0, "a 401 is not retried");
      assert.equal(result.metrics["airbyte.failed"], 1);

      const missing = await syncStaleSources(bench.context(RUN_DATE, settings, {}), ["tiktok_ads"], bench.io);
      assert.equal(missing.findings[0]?.severity, "warning");
      assert.match(missing.findings[0]?.message ?? "", /the airbyteApiToken secret is not set/);
      assert.equal(server.requests.length, 1, "no request without a token");

      const denied = bench.context(RUN_DATE, settings);
      const unreadable = await syncStaleSources(
        {
          ...denied,
          ports: {
            ...denied.ports,
            secrets: {
              get: async () => {
                throw new Error("Permission denied on secret pulse-airbyte-api-token");
              },
            },
          },
        },
        ["tiktok_ads"],
        bench.io,
      );
      assert.equal(unreadable.findings[0]?.severity, "warning");
      assert.match(
        unreadable.findings[0]?.message ?? "",
        /the airbyteApiToken secret could not be read \(Permission denied on secret pulse-airbyte-api-token\)/,
      );
    } finally {
      await server.close();
    }
  });

  it("403: a token Airbyte refuses for this workspace is a warning like 401, not retried, with no marker", async () => {
    // An access token of a user without permission on the connection's workspace: Airbyte answers 403.
    const server = await startScriptedServer([
      {
        status: 403,
        body: {
          type: "https://reference.airbyte.com/reference/errors#forbidden",
          title: "forbidden",
          status: 403,
          detail: "Caller does not have the required permissions",
        },
      },
    ]);
    const bench = await harness(join(dir, "forbidden"));
    try {
      const result = await syncStaleSources(
        bench.context(RUN_DATE, { apiUrl: `${server.url}/v1`, connections: CONNECTIONS, maxAttempts: 3 }),
        ["shopify"],
        bench.io,
      );
      assert.deepEqual(
        server.requests.map((request) => `${request.method} ${request.path}`),
        ["POST /v1/jobs"],
        "asked once: a 403 is not retried",
      );
      assert.equal(server.requests[0]?.headers.authorization, `Bearer ${AIRBYTE_TOKEN}`);
      const [finding] = result.findings;
      assert.equal(finding?.severity, "warning");
      assert.match(
        finding?.message ?? "",
        /^Shopify is stale and its Airbyte sync could not be started: .*Airbyte refused the credentials of the airbyteApiToken secret \(HTTP 403: Caller does not have the required permissions\)/,
      );
      assert.match(
        finding?.message ?? "",
        /Start the sync in Airbyte by hand; replace the Airbyte application's credentials/,
      );
      assert.equal(result.metrics["airbyte.failed"], 1);
      assert.equal(await bench.bucket.exists(airbyteSyncMarkerPath(RUN_DATE, "shopify")), false);
    } finally {
      await server.close();
    }
  });

  it("404: a connection Airbyte does not know is a warning naming the setting to check", async () => {
    const server = await startAirbyteServer({ connections: [CONNECTIONS.shopify] });
    const bench = await harness(join(dir, "unknown"));
    try {
      const result = await syncStaleSources(
        bench.context(RUN_DATE, { apiUrl: server.url, connections: CONNECTIONS }),
        ["facebook_ads"],
        bench.io,
      );
      assert.deepEqual(
        jobPosts(server).map((request) => request.status),
        [404],
      );
      assert.equal(result.findings[0]?.severity, "warning");
      assert.match(
        result.findings[0]?.message ?? "",
        new RegExp(`check airbyte\\.connections\\.facebook_ads \\(${CONNECTIONS.facebook_ads}\\)`),
      );
      assert.equal(await bench.bucket.exists(airbyteSyncMarkerPath(RUN_DATE, "facebook_ads")), false);
    } finally {
      await server.close();
    }
  });

  it("the token is the airbyteApiToken secret: its local file, variable, Secret Manager id and only reader", async () => {
    const folder = join(dir, "secrets");
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, "airbyte-api-token"), `${JSON.stringify(AIRBYTE_APPLICATION)}\n`);
    assert.equal(
      await new LocalFileSecrets(folder).get("airbyteApiToken"),
      JSON.stringify(AIRBYTE_APPLICATION),
    );
    assert.equal(
      await new LocalFileSecrets(join(dir, "none"), { airbyteApiToken: "from-the-environment" }).get(
        "airbyteApiToken",
      ),
      "from-the-environment",
    );
    assert.deepEqual(SECRET_OPTIONS.airbyteApiToken.env, ["PULSE_AIRBYTE_API_TOKEN"]);
    assert.equal(connectorSecretId("airbyteApiToken"), "pulse-airbyte-api-token");
    const locals = await readFile("infra/locals.tf", "utf8");
    assert.match(
      locals,
      /airbyte_api_token += \{ enabled = var\.airbyte_sync, secret_id = "pulse-airbyte-api-token", env = "PULSE_AIRBYTE_API_TOKEN", readers = \["check-sources"\] \}/,
    );
    assert.match(
      locals,
      /airbyte_api_token += lookup\(var\.connector_credentials, "airbyte_api_token", null\)/,
    );
  });

  it("exchanges the application's client id and secret for a token on every run, then syncs with it", async () => {
    const server = await startAirbyteServer({ connections: Object.values(CONNECTIONS) });
    const bench = await harness(join(dir, "application"));
    try {
      const result = await syncStaleSources(
        bench.context(
          RUN_DATE,
          { apiUrl: server.url, connections: CONNECTIONS },
          { airbyteApiToken: JSON.stringify(AIRBYTE_APPLICATION) },
        ),
        ["shopify", "google_ads"],
        bench.io,
      );
      const [exchange, ...rest] = server.requests;
      assert.equal(exchange?.path, "/v1/applications/token");
      assert.deepEqual(exchange?.body, { ...AIRBYTE_APPLICATION, grant_type: "client_credentials" });
      assert.equal(rest.length, 2, "one token for both syncs");
      const issued = rest[0]?.authorization;
      assert.match(issued ?? "", /^Bearer issued-/);
      assert.deepEqual(
        rest.map((request) => [
          request.status,
          (request.body as { connectionId: string }).connectionId,
          request.authorization,
        ]),
        [
          [200, CONNECTIONS.shopify, issued],
          [200, CONNECTIONS.google_ads, issued],
        ],
      );
      assert.deepEqual(
        result.findings.map((finding) => finding.severity),
        ["info", "info"],
      );

      // The next run exchanges the application's id and secret again (Airbyte's tokens expire within minutes).
      await syncStaleSources(
        bench.context(
          addDays(RUN_DATE, 1),
          { apiUrl: server.url, connections: CONNECTIONS },
          { airbyteApiToken: JSON.stringify(AIRBYTE_APPLICATION) },
        ),
        ["facebook_ads"],
        bench.io,
      );
      const next = server.requests.slice(3);
      assert.deepEqual(
        next.map((request) => `${request.method} ${request.path} ${request.status}`),
        ["POST /v1/applications/token 200", "POST /v1/jobs 200"],
      );
      assert.match(next[1]?.authorization ?? "", /^Bearer issued-/);
      assert.notEqual(next[1]?.authorization, issued, "a new token, not the last run's");
    } finally {
      await server.close();
    }
  });

  it("Airbyte down: retried, then a warning saying to sync by hand; the next run starts it", async () => {
    const server = await startAirbyteServer({ connections: Object.values(CONNECTIONS) });
    const downUrl = server.url;
    await server.close(); // the port now refuses connections
    const bench = await harness(join(dir, "down"));
    const settings = { apiUrl: downUrl, connections: CONNECTIONS, maxAttempts: 3 };
    const result = await syncStaleSources(bench.context(RUN_DATE, settings), ["google_ads"], bench.io);
    assert.deepEqual(bench.calls, Array(3).fill(`POST ${downUrl}/jobs`));
    assert.equal(bench.sleeps.length, 2);
    const [finding] = result.findings;
    assert.equal(finding?.severity, "warning");
    assert.match(
      finding?.message ?? "",
      /^Google Ads is stale and its Airbyte sync could not be started: POST \/v1\/jobs kept failing: no answer .* after 3 attempts\. Start the sync in Airbyte by hand; the next run asks again\.$/,
    );
    assert.equal(await bench.bucket.exists(airbyteSyncMarkerPath(RUN_DATE, "google_ads")), false);

    const back = await startAirbyteServer({ connections: Object.values(CONNECTIONS) });
    try {
      const retried = await syncStaleSources(
        bench.context(RUN_DATE, { ...settings, apiUrl: back.url }),
        ["google_ads"],
        bench.io,
      );
      assert.equal(jobPosts(back).length, 1);
      assert.equal(retried.findings[0]?.severity, "info");
    } finally {
      await back.close();
    }
  });

  it("an Airbyte that accepts the connection but never answers is given up after requestTimeoutSeconds", async () => {
    const hanging = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const { port } = hanging.address() as AddressInfo;
    const bench = await harness(join(dir, "hanging"));
    const started = Date.now();
    try {
      const result = await syncStaleSources(
        bench.context(RUN_DATE, {
          apiUrl: `http://127.0.0.1:${port}/v1`,
          connections: CONNECTIONS,
          maxAttempts: 2,
          requestTimeoutSeconds: 1,
        }),
        ["tiktok_ads"],
        bench.io,
      );
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 2000 && elapsed < 10_000, `two attempts of 1 s each (${elapsed} ms)`);
      assert.equal(result.findings[0]?.severity, "warning");
      assert.match(
        result.findings[0]?.message ?? "",
        /kept failing: no answer \(.*timeout.*\) after 2 attempts/i,
      );
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it("in check-sources, only the stale sources' connections are synced", async () => {
    const data = buildPlatformData(5, RUN_DATE, 20);
    const bench = await openBench(data);
    const server = await startAirbyteServer({ connections: Object.values(CONNECTIONS) });
    try {
      await bench.pull(RUN_DATE, {
        facebook_ads: { lookbackDays: 20 },
        tiktok_ads: { lookbackDays: 20 },
        google_ads: { lookbackDays: 20 },
      });
      // Three days after the data ends, every source is 72 h behind: stale at the default 24 h, except Shopify,
      // whose own threshold is 1000 h.
      const runDate = addDays(RUN_DATE, 3);
      const base = bench.context(runDate);
      const config = loadConfig({
        env: {
          PULSE_SETTINGS: JSON.stringify({
            version: 1,
            shop: { timezone: TIMEZONE },
            quality: { sources: { shopify: { warnAfterHours: 1000, criticalAfterHours: 2000 } } },
            airbyte: { enabled: true, apiUrl: server.url, connections: CONNECTIONS },
          }),
        },
        cwd: tmpdir(),
      });
      const secrets = {
        get: async (name: SecretName) => (name === "airbyteApiToken" ? AIRBYTE_TOKEN : undefined),
      };
      const result = await runCheckSources({
        ...base,
        step: "check-sources",
        config,
        ports: { ...base.ports, secrets },
      });
      const statuses = JSON.parse(
        (await bench.bucket.read(sourcesStatusPath(runDate)))?.toString() ?? "[]",
      ) as {
        source: string;
        status: string;
      }[];
      assert.deepEqual(
        statuses.map((status) => `${status.source}:${status.status === "ok" ? "fresh" : "stale"}`),
        ["shopify:fresh", "facebook_ads:stale", "tiktok_ads:stale", "google_ads:stale"],
      );
      assert.deepEqual(
        jobPosts(server)
          .map((request) => (request.body as { connectionId: string }).connectionId)
          .sort(),
        [CONNECTIONS.facebook_ads, CONNECTIONS.tiktok_ads, CONNECTIONS.google_ads].sort(),
      );
      assert.deepEqual(
        result.findings
          ?.filter((finding) => finding.check === "airbyte_sync")
          .map((finding) => `${finding.source}:${finding.severity}`),
        ["facebook_ads:info", "tiktok_ads:info", "google_ads:info"],
      );
      assert.equal(result.metrics?.["airbyte.started"], 3);
    } finally {
      await server.close();
      await bench.close();
    }
  });
});

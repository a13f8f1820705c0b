import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalFileSecrets } from "../../../functions/adapters/secrets/local-file-secrets.ts";
import { localSecrets } from "../../../functions/runtime/local-ports.ts";
import { loadConfig } from "../../../functions/shared/config.ts";

describe("local file secrets", () => {
  let folder: string;
  before(async () => {
    folder = join(await mkdtemp(join(tmpdir(), "pulse-secrets-")), "secrets");
  });
  after(() => rm(join(folder, ".."), { recursive: true, force: true }));

  it("generates the PII key once, readable by its owner only, and reuses it", async () => {
    const key = await new LocalFileSecrets(folder).get("piiHashKey");
    assert.match(key ?? "", /^[0-9a-f]{64}$/);
    assert.equal((await stat(join(folder, "pii-hash-key"))).mode & 0o777, 0o600);
    assert.equal((await stat(folder)).mode & 0o777, 0o700);
    const [again, concurrent] = await Promise.all([
      new LocalFileSecrets(folder).get("piiHashKey"),
      new LocalFileSecrets(folder).get("piiHashKey"),
    ]);
    assert.equal(again, key);
    assert.equal(concurrent, key);
    assert.equal((await readFile(join(folder, "pii-hash-key"), "utf8")).trim(), key);
  });

  it("reads the connectors' credentials from their files, never generating one", async () => {
    assert.equal(await new LocalFileSecrets(folder).get("metaAccessToken"), undefined);
    await writeFile(join(folder, "meta-access-token"), "EAA-file-token\n");
    await writeFile(join(folder, "google-ads-oauth"), '{"client_id":"c"}\n');
    assert.equal(await new LocalFileSecrets(folder).get("metaAccessToken"), "EAA-file-token");
    assert.equal(await new LocalFileSecrets(folder).get("googleAdsOauth"), '{"client_id":"c"}');
    assert.equal(await new LocalFileSecrets(folder).get("shopifyAccessToken"), undefined);
  });

  it("has no SMTP URL unless a file or the environment gives one; the environment wins", async () => {
    assert.equal(await new LocalFileSecrets(folder).get("smtpUrl"), undefined);
    await writeFile(join(folder, "smtp-url"), "smtp://u:p@mail:587\n", { mode: 0o600 });
    assert.equal(await new LocalFileSecrets(folder).get("smtpUrl"), "smtp://u:p@mail:587");
    const given = new LocalFileSecrets(folder, { smtpUrl: "smtp://env:587", piiHashKey: "e".repeat(40) });
    assert.equal(await given.get("smtpUrl"), "smtp://env:587");
    assert.equal(await given.get("piiHashKey"), "e".repeat(40));
  });

  it("generates no key file when the environment gives the key", async () => {
    const fresh = join(folder, "..", "given");
    const given = new LocalFileSecrets(fresh, { piiHashKey: "g".repeat(40) });
    assert.equal(await given.get("piiHashKey"), "g".repeat(40));
    await assert.rejects(stat(join(fresh, "pii-hash-key")), { code: "ENOENT" });
  });

  it("keeps the local run's key in .pulse/secrets/pii-hash-key, which git ignores", async () => {
    // README, "PII": "Locally the key is generated once into .pulse/secrets/pii-hash-key (git-ignored)". The work
    // dir's default and the local ports' secrets folder make that path; git answers for the ignoring.
    const cwd = join(folder, "..", "shop");
    const key = await localSecrets(loadConfig({ env: {}, cwd }), {}).get("piiHashKey");
    assert.equal((await readFile(join(cwd, ".pulse", "secrets", "pii-hash-key"), "utf8")).trim(), key);
    const root = join(import.meta.dirname, "..", "..", "..");
    assert.doesNotThrow(() =>
      execFileSync("git", ["check-ignore", "-q", ".pulse/secrets/pii-hash-key"], { cwd: root }),
    );
  });
});

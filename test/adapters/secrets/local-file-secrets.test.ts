import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalFileSecrets } from "../../../functions/adapters/secrets/local-file-secrets.ts";

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
});

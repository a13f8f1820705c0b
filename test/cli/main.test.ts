import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

/** The shop settings init wrote in a work dir. */
const writtenShop = (shopDir: string) =>
  (
    JSON.parse(readFileSync(join(shopDir, "pulse.config.json"), "utf8")) as {
      shop: Record<string, string | undefined>;
    }
  ).shop;

describe("pulse command line", () => {
  let workDir: string;
  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-cli-"));
  });
  after(() => rm(workDir, { recursive: true, force: true }));

  const pulseWith = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "functions/cli/main.ts", ...args], {
      encoding: "utf8",
      env: { ...process.env, PULSE_WORK_DIR: workDir, ...env },
    });
  const pulse = (...args: string[]) => pulseWith({}, ...args);

  it("--help explains every option and exits 0", () => {
    const result = pulse("--help");
    assert.equal(result.status, 0);
    for (const option of [
      "--date",
      "--from",
      "--to",
      "--skip",
      "--force",
      "--full-refresh",
      "--verbose",
      "--work-dir",
      "--regenerate",
      "--data-only",
      "--orders-per-day",
      "--cloud",
      "plan",
      "demo",
      "init",
      "rerun",
      "looker-url",
    ]) {
      assert.ok(result.stdout.includes(option), `help mentions ${option}`);
    }
    // README's Quick start promises that --help explains every option it shows: each one it writes after
    // `npm start --` must be in the help, as it is spelled there.
    const quickStart = readFileSync("README.md", "utf8").split("\n## How it works")[0] ?? "";
    const shown = new Set(
      quickStart
        .split("\n")
        .filter((line) => line.includes("npm start --"))
        .flatMap((line) => [...line.matchAll(/\s(--[a-z][a-z-]*)/g)].map((match) => match[1])),
    );
    assert.ok(shown.size >= 10, [...shown].join(" "));
    for (const option of shown) assert.ok(result.stdout.includes(`${option} `), `help explains ${option}`);
    // And the help's outputs name every file in the bucket that the Quick start's list of outputs names.
    const bucketPaths = [...quickStart.matchAll(/^\.pulse\/bucket\/(\S+)/gm)].map(
      (match) => match[1] as string,
    );
    assert.ok(bucketPaths.length >= 4, bucketPaths.join(" "));
    for (const path of bucketPaths.filter((name) => !name.endsWith("…")))
      assert.ok(result.stdout.includes(path), `help names ${path}`);
  });

  it("starts without the cloud clients: --help and the local runner load no Google Cloud library", async () => {
    // Pub/Sub's client alone took ~0.45 s to import (2026-12-05): --help took 1.0 s with it, 0.5 s without.
    const cloudPackage = /^(@google-cloud\/|google-gax$|@grpc\/|google-auth-library$)/;
    let children = 0;
    const loadedBy = async (...args: string[]) => {
      const file = join(workDir, `loaded-packages-${(children += 1)}.txt`);
      const result = spawnSync(
        process.execPath,
        ["--import", "tsx", "--import", "./test/support/loaded-packages.ts", ...args],
        {
          encoding: "utf8",
          env: { ...process.env, PULSE_WORK_DIR: workDir, PULSE_LOADED_PACKAGES_FILE: file },
        },
      );
      assert.equal(result.status, 0, result.stderr);
      return (await readFile(file, "utf8")).split("\n");
    };
    const help = await loadedBy("functions/cli/main.ts", "--help");
    assert.ok(help.includes("@duckdb/node-api"), "the record holds the packages a start loads");
    assert.deepEqual(
      help.filter((name) => cloudPackage.test(name)),
      [],
    );
    // So does `npm start`, which runs the same command line bundled (tools/run-bundled.mjs).
    const bundledHelp = await loadedBy("tools/run-bundled.mjs", "functions/cli/main.ts", "--help");
    assert.ok(bundledHelp.includes("@duckdb/node-api"), "the bundled start loads the packages as they are");
    assert.deepEqual(
      bundledHelp.filter((name) => cloudPackage.test(name)),
      [],
    );
    const localRunner = await loadedBy(
      "--input-type=module",
      "--eval",
      'await import("./functions/runtime/local-run.ts"); await import("./functions/cli/rerun.ts");',
    );
    assert.deepEqual(
      localRunner.filter((name) => cloudPackage.test(name)),
      [],
    );
    // The check sees them when they load: the Pub/Sub bus does.
    const bus = await loadedBy(
      "--input-type=module",
      "--eval",
      'await import("./functions/adapters/bus/pubsub-bus.ts");',
    );
    assert.ok(bus.includes("@google-cloud/pubsub"));
  });

  it("stops writing, without a stack trace, when the reader of its output has gone (| head)", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "functions/cli/main.ts", "--help"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Closed before the help is written: every write meets a closed pipe (EPIPE).
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(stderr, "");
    assert.equal(status, 0);
  });

  it("names the nearest known option for a mistyped one", () => {
    const typo = pulse("--dat", "2026-11-20");
    assert.equal(typo.status, 2);
    assert.match(
      typo.stderr,
      /^unknown option --dat \(did you mean --date\?\)\n\nRun with --help for usage\.$/m,
    );
    const far = pulse("--frobnicate");
    assert.equal(far.status, 2);
    assert.match(far.stderr, /^unknown option --frobnicate\n/);
  });

  it("rejects bad usage with exit status 2 and says what is wrong, before doing any work", () => {
    const badStep = pulse("--from", "deploy");
    assert.equal(badStep.status, 2);
    assert.match(badStep.stderr, /--from must be one of ingest, check-sources, transform/);
    const badDate = pulse("--date", "2026-02-30");
    assert.equal(badDate.status, 2);
    assert.match(badDate.stderr, /--date must be a real date/);
    const future = pulse("--date", "2030-01-01");
    assert.equal(future.status, 2);
    assert.match(
      future.stderr,
      /run date 2030-01-01 is after the latest complete day in the shop's time zone/,
    );
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Pacific/Kiritimati" }).format(new Date());
    const notEnded = pulseWith({ PULSE_TIMEZONE: "Pacific/Kiritimati" }, "--date", today);
    assert.equal(notEnded.status, 2, "the shop's today has not ended yet");
    assert.match(notEnded.stderr, /is after the latest complete day in the shop's time zone/);
    const unknown = pulse("--colour");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^unknown option --colour/);
    // A misspelled work dir gets advice, not two years of demo data generated into it.
    const missing = join(workDir, "maison-lnue");
    const typo = pulse("--work-dir", missing, "--date", "2026-11-20");
    assert.equal(typo.status, 2);
    assert.match(
      typo.stderr,
      /maison-lnue does not exist\. For your shop: npm start -- init --work-dir .*demo --work-dir/,
    );
    assert.equal(existsSync(missing), false, "nothing was created there");
    // The same through PULSE_WORK_DIR, as the README says of either.
    const byEnv = pulseWith({ PULSE_WORK_DIR: missing }, "--date", "2026-11-20");
    assert.equal(byEnv.status, 2);
    assert.match(byEnv.stderr, /maison-lnue does not exist\. For your shop: npm start -- init --work-dir /);
    assert.equal(existsSync(missing), false, "nothing was created there either");
  });

  it("prints what it quotes without letting it drive the terminal: an escape sequence shows as U+FFFD", async () => {
    const hostileDir = join(workDir, "shop\u001b[2J\u001b[31mred\u0007");
    const result = pulse("init", "--shop-name", "Escape", "--work-dir", hostileDir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Wrote .*shop\ufffd\[2J\ufffd\[31mred\ufffd/);
    assert.ok(!(result.stdout + result.stderr).includes("\u001b"), "no ESC printed");
    assert.ok(!(result.stdout + result.stderr).includes("\u0007"), "no BEL printed");
    await rm(hostileDir, { recursive: true, force: true });
  });

  it("init validates what it would write through the options table, and writes nothing on a mistake", () => {
    const badZone = pulse("init", "--shop-name", "A", "--timezone", "Mars/Base");
    assert.equal(badZone.status, 2);
    assert.match(badZone.stderr, /shop\.timezone: expected an IANA time zone/);
    const badSource = pulse("init", "--shop-name", "A", "--sources", "shopify,snapchat");
    assert.equal(badSource.status, 2);
    assert.match(badSource.stderr, /unknown source "snapchat"/);
    const noName = pulse("init");
    assert.equal(noName.status, 2);
    assert.match(noName.stderr, /--shop-name is required/);
    const badCountry = pulse("init", "--shop-name", "A", "--country", "Germany");
    assert.equal(badCountry.status, 2);
    assert.match(badCountry.stderr, /shop\.country: expected an ISO 3166 country code/);
    const written = pulse("init", "--shop-name", "Maison A", "--currency", "eur", "--sources", "shopify");
    assert.equal(written.status, 0, written.stderr);
    // Without --country the shop gets the US retail calendar, and is told how to change it.
    assert.match(written.stdout, /Retail calendar: US .*--country DE/);
    const again = pulse("init", "--shop-name", "Maison B");
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already exists; --force replaces it/);
    const german = pulse(
      "init",
      "--shop-name",
      "Nordlicht",
      "--country",
      "de",
      "--currency",
      "EUR",
      "--force",
    );
    assert.equal(german.status, 0, german.stderr);
    assert.doesNotMatch(german.stdout, /Retail calendar/);
    const settings = JSON.parse(readFileSync(join(workDir, "pulse.config.json"), "utf8")) as {
      shop: Record<string, string>;
    };
    assert.deepEqual([settings.shop.country, settings.shop.currency], ["DE", "EUR"]);
  });

  it("init takes the shop's country from the --timezone given when --country is not", () => {
    const shopDir = join(workDir, "zone-country");
    const init = (...args: string[]) =>
      pulse("init", "--shop-name", "Lune", "--work-dir", shopDir, "--force", ...args);
    const countryOf = () => writtenShop(shopDir).country;

    const paris = init("--timezone", "Europe/Paris");
    assert.equal(paris.status, 0, paris.stderr);
    assert.equal(countryOf(), "FR");
    assert.match(paris.stdout, /Retail calendar: FR, the country of Europe\/Paris .*--country/);
    // The example of another market is never the one written.
    const berlin = init("--timezone", "Europe/Berlin");
    assert.equal(countryOf(), "DE");
    assert.match(
      berlin.stdout,
      /Retail calendar: DE, the country of Europe\/Berlin .*\(e\.g\. --country FR\)/,
    );
    // The tz database keeps Amsterdam as a link to Brussels' rules, but for the Netherlands.
    assert.equal(init("--timezone", "Europe/Amsterdam").status, 0);
    assert.equal(countryOf(), "NL");
    // A zone of no country leaves the default market, and says which it is.
    const utc = init("--timezone", "UTC");
    assert.equal(utc.status, 0, utc.stderr);
    assert.equal(countryOf(), undefined);
    assert.match(utc.stdout, /Retail calendar: US \(Black Friday, holidays\)/);
    // --country wins over the zone's.
    const given = init("--timezone", "Europe/Paris", "--country", "be");
    assert.equal(given.status, 0, given.stderr);
    assert.equal(countryOf(), "BE");
    assert.doesNotMatch(given.stdout, /Retail calendar/);
  });

  it("init fits the time zone to the Shopify exports already in the inbox, and warns when --timezone does not", async () => {
    const shopDir = join(workDir, "zone-fit");
    const inbox = join(shopDir, "bucket", "raw", "inbox");
    await mkdir(inbox, { recursive: true });
    // Its timestamps are all written at UTC-05:00 in November: New York's winter offset, never Paris's.
    await copyFile("test/ingest/fixtures/shopify-orders.csv", join(inbox, "orders_export.csv"));
    const zoneOf = () => writtenShop(shopDir).timezone;

    const fitted = pulse("init", "--shop-name", "Fit", "--work-dir", shopDir);
    assert.equal(fitted.status, 0, fitted.stderr);
    assert.equal(zoneOf(), "America/New_York");
    // New York's offsets are Toronto's too: the zone proposed from them names no country, the default stays.
    assert.match(fitted.stdout, /Retail calendar: US \(Black Friday, holidays\)/);
    assert.doesNotMatch(fitted.stdout, /WARNING/);

    const paris = pulse(
      "init",
      "--shop-name",
      "Fit",
      "--timezone",
      "Europe/Paris",
      "--work-dir",
      shopDir,
      "--force",
    );
    assert.equal(paris.status, 0, paris.stderr);
    assert.equal(zoneOf(), "Europe/Paris", "the given zone is written, warned about, not replaced");
    assert.match(
      paris.stdout,
      /WARNING: the exports in the inbox write UTC offsets -05:00, which Europe\/Paris does not give; they fit [^\n]*America\/New_York/,
    );
    assert.ok(existsSync(join(inbox, "orders_export.csv")), "init reads the inbox, never empties it");

    // Offsets no zone gives (+05:17): the default is written, and said to be a guess.
    const odd = (await readFile("test/ingest/fixtures/shopify-orders.csv", "utf8")).replaceAll(
      " -0500",
      " +0517",
    );
    await writeFile(join(inbox, "orders_export.csv"), odd);
    const unfitted = pulse("init", "--shop-name", "Fit", "--work-dir", shopDir, "--force");
    assert.equal(unfitted.status, 0, unfitted.stderr);
    assert.equal(zoneOf(), undefined, "the default applies");
    assert.match(
      unfitted.stdout,
      /WARNING: the exports in the inbox write UTC offsets \+05:17, which no time zone gives at their dates; America\/New_York is written/,
    );
  });

  it("init takes the currency of the Shopify orders exports already in the inbox, and warns when --currency differs", async () => {
    const shopDir = join(workDir, "currency-fit");
    const inbox = join(shopDir, "bucket", "raw", "inbox");
    await mkdir(inbox, { recursive: true });
    // The fixture export's orders, in euros.
    const euros = (await readFile("test/ingest/fixtures/shopify-orders.csv", "utf8")).replaceAll(
      ",USD,",
      ",EUR,",
    );
    await writeFile(join(inbox, "orders_export.csv"), euros);
    const orders = euros.split("\n").filter((line) => line.includes(",EUR,")).length;
    const currencyOf = () => writtenShop(shopDir).currency;
    const init = (...args: string[]) =>
      pulse("init", "--shop-name", "Lune", "--work-dir", shopDir, "--force", ...args);

    const fitted = init();
    assert.equal(fitted.status, 0, fitted.stderr);
    assert.equal(currencyOf(), "EUR");
    assert.match(
      fitted.stdout,
      new RegExp(
        `Currency EUR: the one the orders of the Shopify exports in the inbox are in \\(EUR \\(${orders} orders\\)\\)`,
      ),
    );
    assert.doesNotMatch(fitted.stdout, /WARNING/);

    const dollars = init("--currency", "usd");
    assert.equal(dollars.status, 0, dollars.stderr);
    assert.equal(currencyOf(), "USD", "the given currency is written, warned about, not replaced");
    assert.match(
      dollars.stdout,
      /WARNING: the orders of the Shopify exports in the inbox are in EUR \(\d+ orders\); those not in USD would be added up as USD/,
    );

    // No export in the inbox: the default, and how to change it.
    await rm(join(inbox, "orders_export.csv"));
    const none = init();
    assert.equal(none.status, 0, none.stderr);
    assert.equal(currencyOf(), undefined);
    assert.match(none.stdout, /Currency: USD; a shop that sells in another currency sets --currency/);
    assert.match(none.stdout, /Time zone: America\/New_York; a shop elsewhere sets --timezone/);
  });
});

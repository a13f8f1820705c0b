import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildFailureEmail } from "../../functions/notify/failure-email.ts";
import { germanLongDate, japaneseLongDate } from "../support/reader-dates.ts";

const shop = { name: "Northwind Goods", currency: "USD", locale: "en-US", timezone: "America/New_York" };
const rerunCommand = "npm start -- --date 2026-11-21 --from transform";
const input = {
  shop,
  runDate: "2026-11-21",
  runId: "run-2026-11-21-7f3a",
  step: "transform",
  error: `Audit unique_order_ids failed: 12 rows in <unified.orders> share an order_id & "name".\nat runModel (models.ts:42)`,
  rerunCommand,
};

describe("failure email", () => {
  it("names the shop, the failed step and the run date in the subject", () => {
    // The run date as the en-US shop reads its dates in the summary email, not as the run message carries it.
    assert.equal(
      buildFailureEmail(input).subject,
      "Northwind Goods · run FAILED at transform · Sat 21 Nov 2026",
    );
  });

  for (const [locale, longDate] of [
    ["de-DE", germanLongDate],
    ["ja-JP", japaneseLongDate],
  ] as const)
    it(`writes the run date as ${locale} does, and the re-run command's and the run id's as typed`, () => {
      const runDay = longDate("2026-11-21");
      const { subject, text, html } = buildFailureEmail({ ...input, shop: { ...shop, locale } });
      assert.equal(subject, `Northwind Goods · run FAILED at transform · ${runDay}`);
      assert.ok(text.split("\n").includes(`Run date: ${runDay}`), text);
      // The HTML's detail cell, without the tags that keep a Japanese date on one line.
      const cells = [...html.matchAll(/<td style="[^"]*">(.*?)<\/td>/g)].map((m) =>
        m[1]?.replace(/<[^>]+>/g, ""),
      );
      assert.equal(cells[cells.indexOf("Run date") + 1], runDay);
      assert.ok(text.includes("Run id: run-2026-11-21-7f3a"));
      assert.ok(text.split("\n").some((line) => line.trim() === rerunCommand));
    });

  it("writes a dropped file's times as the shop's clock showed them, in its locale", () => {
    const drop = {
      file: "orders_export.csv",
      droppedAt: "2026-11-21T23:30:00.000Z",
      outcome: "not-read" as const,
      sameLoadedAt: "2026-11-20T08:00:00.000Z",
    };
    const berlin = { ...shop, locale: "de-DE", timezone: "Europe/Berlin" };
    const { text } = buildFailureEmail({ ...input, shop: berlin, step: "ingest", fileDrop: drop });
    // By hand: 23:30 UTC on the 21st is 00:30 on the 22nd in Berlin (UTC+1), 08:00 UTC on the 20th is 09:00 there.
    const time = (instant: string) =>
      new Intl.DateTimeFormat("de-DE", {
        timeZone: "Europe/Berlin",
        hour: "numeric",
        minute: "2-digit",
        timeZoneName: "short",
      }).format(new Date(instant));
    assert.equal(time(drop.droppedAt), "00:30 MEZ");
    assert.ok(
      text.split("\n").includes(`Dropped at: ${germanLongDate("2026-11-22")} ${time(drop.droppedAt)}`),
      text,
    );
    assert.ok(
      text.includes(`was loaded at ${germanLongDate("2026-11-20")} ${time(drop.sameLoadedAt)}: if this drop`),
      text,
    );
    assert.ok(text.split("\n").includes(`Run date: ${germanLongDate("2026-11-21")}`), text);
  });

  it("keeps CR/LF out of the subject", () => {
    const { subject } = buildFailureEmail({
      ...input,
      shop: { ...shop, name: "Evil\r\nBcc: x@example.com" },
      step: "ex\nport",
    });
    assert.doesNotMatch(subject, /[\r\n]/);
    assert.equal(subject, "Evil Bcc: x@example.com · run FAILED at ex port · Sat 21 Nov 2026");
  });

  it("gives step, error, run date, run id and the exact re-run command in the plain-text part", () => {
    const { text } = buildFailureEmail(input);
    assert.ok(text.includes("Step: transform"));
    assert.ok(text.includes("Run date: Sat 21 Nov 2026"));
    assert.ok(text.includes("Run id: run-2026-11-21-7f3a"));
    assert.ok(text.includes(input.error));
    assert.ok(text.split("\n").some((line) => line.trim() === rerunCommand));
  });

  it("gives the same in the HTML part, with the error escaped", () => {
    const { html } = buildFailureEmail(input);
    assert.ok(html.includes(">transform<"));
    assert.ok(html.includes(">Sat 21 Nov 2026<"));
    assert.ok(html.includes(">run-2026-11-21-7f3a<"));
    assert.ok(
      html.includes(
        "Audit unique_order_ids failed: 12 rows in &lt;unified.orders&gt; share an order_id &amp; &quot;name&quot;.\nat runModel (models.ts:42)",
      ),
    );
    assert.ok(!html.includes("<unified.orders>"));
    assert.ok(html.includes(`<code>${rerunCommand}</code>`));
    assert.ok(html.includes("max-width:640px"));
    assert.ok(!/<style|<script/i.test(html));
  });

  it("escapes a hostile shop name and re-run command in the HTML", () => {
    const { html, text } = buildFailureEmail({
      ...input,
      shop: { ...shop, name: "<b>Shop</b>" },
      rerunCommand: `npm start -- --date 2026-11-21 --from "transform" && echo '<done>'`,
    });
    assert.ok(!html.includes("<b>Shop</b>"));
    assert.ok(html.includes("&lt;b&gt;Shop&lt;/b&gt;"));
    assert.ok(
      html.includes(
        "npm start -- --date 2026-11-21 --from &quot;transform&quot; &amp;&amp; echo &#39;&lt;done&gt;&#39;",
      ),
    );
    assert.ok(text.includes(`npm start -- --date 2026-11-21 --from "transform" && echo '<done>'`));
  });
});

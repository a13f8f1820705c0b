import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildFailureEmail } from "../../functions/notify/failure-email.ts";

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
    assert.equal(buildFailureEmail(input).subject, "Northwind Goods · run FAILED at transform · 2026-11-21");
  });

  it("keeps CR/LF out of the subject", () => {
    const { subject } = buildFailureEmail({
      ...input,
      shop: { ...shop, name: "Evil\r\nBcc: x@example.com" },
      step: "ex\nport",
    });
    assert.doesNotMatch(subject, /[\r\n]/);
    assert.equal(subject, "Evil Bcc: x@example.com · run FAILED at ex port · 2026-11-21");
  });

  it("gives step, error, run date, run id and the exact re-run command in the plain-text part", () => {
    const { text } = buildFailureEmail(input);
    assert.ok(text.includes("Step: transform"));
    assert.ok(text.includes("Run date: 2026-11-21"));
    assert.ok(text.includes("Run id: run-2026-11-21-7f3a"));
    assert.ok(text.includes(input.error));
    assert.ok(text.split("\n").some((line) => line.trim() === rerunCommand));
  });

  it("gives the same in the HTML part, with the error escaped", () => {
    const { html } = buildFailureEmail(input);
    assert.ok(html.includes(">transform<"));
    assert.ok(html.includes(">2026-11-21<"));
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

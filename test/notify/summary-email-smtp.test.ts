// The summary email through a real SMTP conversation: built from the fixture's mart rows, sent with the
// production SmtpMailer to a server started here, parsed back with postal-mime, and checked as a reader would
// receive it: one-line subject, both parts, the numbers of the marts, hostile names escaped.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import PostalMime, { type Email } from "postal-mime";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import type { OutgoingMail } from "../../functions/shared/ports.ts";
import { sendThroughSmtpServer } from "../support/smtp.ts";
import {
  buildReportData,
  figuresOn,
  KEY_DAYS,
  RUN_DATE,
  TOP_PRODUCTS,
} from "../report/report-data-fixture.ts";

const HOSTILE = `<script>alert(1)</script> & "Co"`;

async function sendAndReceive(mail: OutgoingMail): Promise<{ parsed: Email; raw: string }> {
  const received = await sendThroughSmtpServer(mail);
  assert.equal(received.length, 1, "exactly one message delivered");
  const raw = received[0] ?? Buffer.alloc(0);
  return { parsed: await PostalMime.parse(raw), raw: raw.toString("utf8") };
}

describe("summary email over SMTP", () => {
  const products = [
    { product_title: HOSTILE, category: "Apparel", units: 30, orders: 25, revenue: 2_400 },
    ...TOP_PRODUCTS.slice(0, 4).map((product) => ({ ...product })),
  ];
  const data = buildReportData({ topProducts: products, shopName: "Maison X" });
  const email = buildSummaryEmail(data);
  let parsed: Email;
  let raw: string;

  before(async () => {
    ({ parsed, raw } = await sendAndReceive({
      from: "DTC Pulse <pulse@example.com>",
      to: ["founder@example.com"],
      subject: email.subject,
      html: email.html,
      text: email.text,
      messageId: `<summary-${RUN_DATE}@dtc-pulse>`,
    }));
  });

  it("arrives with the one-line subject: shop, day, revenue and its change, ROAS, alert count", () => {
    const today = KEY_DAYS[RUN_DATE]!;
    const lastSat = KEY_DAYS["2026-11-14"]!;
    const change = Math.round(((today.gross - lastSat.gross) / lastSat.gross) * 100);
    assert.equal(
      parsed.subject,
      `Maison X · Sat 21 Nov · $${(today.gross / 1000).toFixed(1)}k revenue (+${change}% vs last Sat) · ROAS ${(today.gross / today.spend).toFixed(1)} · 2 alerts`,
    );
    assert.ok(!/[\r\n]/.test(parsed.subject ?? ""), "the decoded subject is one line");
    assert.match(raw, /^Subject: /m);
    assert.equal(parsed.messageId, `<summary-${RUN_DATE}@dtc-pulse>`);
  });

  it("carries an HTML part and a plain-text part with the same figures from the marts", () => {
    assert.ok(parsed.html && parsed.text, "both parts");
    const today = KEY_DAYS[RUN_DATE]!;
    const usd = (value: number, decimals = 0) =>
      `$${value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}`;
    const expected = [
      usd(today.gross), // run-day gross revenue
      String(today.orders),
      usd(today.gross / today.orders, 2), // AOV
      String(today.newCustomers),
      usd(today.spend),
      `${(today.gross / today.spend).toFixed(2)}×`, // blended ROAS
      `${((today.gross - today.refunds) / today.spend).toFixed(2)}×`, // MER
      usd(KEY_DAYS["2026-11-20"]!.gross), // the day before
      usd(KEY_DAYS["2025-11-22"]!.gross), // the same weekday last year
      usd(2_400), // the top product's revenue
    ];
    let monthToDate = 0;
    for (let day = 1; day <= 21; day += 1)
      monthToDate += figuresOn(`2026-11-${String(day).padStart(2, "0")}`).gross;
    expected.push(usd(monthToDate));
    for (const value of expected) {
      assert.ok(parsed.text!.includes(value), `text part shows ${value}`);
      assert.ok(parsed.html!.includes(value), `HTML part shows ${value}`);
    }
    assert.ok(parsed.text!.includes("- Google Ads: spend $3,000, attributed revenue $9,000, ROAS 3.00"));
  });

  it("escapes a hostile product name in the HTML and keeps it verbatim in the text", () => {
    assert.ok(!parsed.html!.includes("<script>"));
    assert.ok(parsed.html!.includes("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
    assert.ok(parsed.text!.includes(`1. ${HOSTILE}: 30 units, $2,400`));
  });

  it("lists the alerts most severe first in both parts", () => {
    for (const part of [parsed.text!, parsed.html!]) {
      const critical = part.indexOf("Meta Ads data is 5 days old");
      const warning = part.indexOf("TikTok spent $1,000 with $0 attributed revenue");
      assert.ok(critical > 0 && warning > critical);
    }
  });

  it("never lets CR/LF from data reach a header", async () => {
    const hostile = buildSummaryEmail(buildReportData({ shopName: "Evil\r\nBcc: victim@example.com" }));
    const { parsed: received } = await sendAndReceive({
      from: "pulse@example.com",
      to: ["founder@example.com"],
      subject: hostile.subject,
      html: hostile.html,
      text: hostile.text,
      messageId: "<summary-hostile@dtc-pulse>",
    });
    assert.equal(received.bcc, undefined);
    assert.ok(received.subject?.startsWith("Evil Bcc: victim@example.com · Sat 21 Nov"));
  });
});

// NUMERIC ÷ NUMERIC (SAFE_DIVIDE of two NUMERIC casts) as translated, over thousands of generated pairs, against
// an independent computation in JavaScript BigInt: both operands as integers of 10⁻⁹, the quotient
// a·10⁹ ÷ b rounded half away from zero, as BigQuery's NUMERIC division does. The pairs cover every number of
// decimals, both signs, dividends from 10⁻⁹ to 10¹⁹, quotients beyond a DOUBLE's 16 digits, exact ties on the 9th
// decimal (where an estimate in DOUBLE cannot tell which way to go) and zero divisors.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { translateToDuckDb } from "../../../../../functions/adapters/warehouse/duckdb/dialect/translator.ts";
import { openSessionConnection, type SessionConnection } from "../../../../support/duckdb-session.ts";

const SCALE = 1_000_000_000n;

/** A decimal text with up to 9 decimals as an integer of 10⁻⁹. */
function units(text: string): bigint {
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = text.replace(/^-/, "").split(".");
  const value = BigInt(whole) * SCALE + BigInt(fraction.padEnd(9, "0"));
  return negative ? -value : value;
}

/** An integer of 10⁻⁹ as decimal text with 9 decimals, as DuckDB prints a DECIMAL(38, 9). */
function text(value: bigint): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const fraction = (magnitude % SCALE).toString().padStart(9, "0");
  return `${negative ? "-" : ""}${magnitude / SCALE}.${fraction}`;
}

/** The quotient a ÷ b rounded half away from zero to 9 decimals, in integers only; null for b = 0. */
function expectedQuotient(a: string, b: string): string | null {
  const [ua, ub] = [units(a), units(b)];
  if (ub === 0n) return null;
  const numerator = (ua < 0n ? -ua : ua) * SCALE;
  const denominator = ub < 0n ? -ub : ub;
  const rounded = (2n * numerator + denominator) / (2n * denominator);
  return text(ua < 0n !== ub < 0n ? -rounded : rounded);
}

/** A deterministic generator (xorshift32), so that a failure names the same pair on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function pairs(count: number): { a: string; b: string }[] {
  const random = generator(20261203);
  const digits = (length: number) => Array.from({ length }, () => Math.floor(random() * 10)).join("");
  /** A decimal with 1–`wholeDigits` whole digits and 0–9 decimals, either sign. */
  const decimal = (wholeDigits: number) => {
    const whole = digits(1 + Math.floor(random() * wholeDigits)).replace(/^0+(?=\d)/, "");
    const decimals = Math.floor(random() * 10);
    const sign = random() < 0.3 ? "-" : "";
    return `${sign}${whole}${decimals ? `.${digits(decimals)}` : ""}`;
  };
  const found: { a: string; b: string }[] = [];
  while (found.length < count) {
    const kind = found.length % 4;
    if (kind === 0) {
      // Money-like: a sum over a count or another sum.
      found.push({ a: decimal(7), b: random() < 0.5 ? String(1 + Math.floor(random() * 500)) : decimal(5) });
    } else if (kind === 1) {
      // Large dividends (up to 10¹⁹) and small divisors: quotients past 16 significant digits.
      found.push({ a: decimal(19), b: random() < 0.5 ? `0.${digits(9)}` : decimal(3) });
    } else if (kind === 2) {
      // An exact tie on the 9th decimal: a = m·(2k + 1)·10⁻⁹ and b = 2m, so a ÷ b = (k + ½)·10⁻⁹.
      const m = BigInt(1 + Math.floor(random() * 100_000));
      const k = BigInt(Math.floor(random() * 1e12));
      const sign = random() < 0.5 ? -1n : 1n;
      found.push({ a: text(sign * m * (2n * k + 1n)), b: text(2n * m * SCALE) });
    } else {
      // Anything, zero divisors included.
      found.push({ a: decimal(12), b: random() < 0.1 ? "0" : decimal(12) });
    }
  }
  return found;
}

describe("NUMERIC ÷ NUMERIC as translated, against BigInt arithmetic", () => {
  let session: SessionConnection;
  before(async () => {
    session = await openSessionConnection();
  });
  after(() => session.close());

  it("equals the exactly rounded quotient for every generated pair", async () => {
    const generated = pairs(4_000);
    const values = generated.map((pair, index) => `(${index}, '${pair.a}', '${pair.b}')`).join(",\n");
    await session.connection.run(
      `CREATE TEMP TABLE pairs AS SELECT * FROM (VALUES ${values}) AS t(id, a, b)`,
    );
    const sql = translateToDuckDb(
      "SELECT id, CAST(SAFE_DIVIDE(CAST(a AS NUMERIC), CAST(b AS NUMERIC)) AS STRING) AS quotient FROM pairs ORDER BY id",
    );
    const rows = (await session.connection.runAndReadAll(sql)).getRowObjectsJS();
    assert.equal(rows.length, generated.length);
    const wrong = rows.flatMap((row) => {
      const pair = generated[Number(row.id)];
      if (!pair) return [`no pair ${String(row.id)}`];
      const expected = expectedQuotient(pair.a, pair.b);
      return row.quotient === expected
        ? []
        : [`${pair.a} ÷ ${pair.b}: ${String(row.quotient)}, not ${expected}`];
    });
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${rows.length} quotients wrong`);
    // The pairs do reach what they are meant to: ties, zero divisors, quotients a DOUBLE cannot hold.
    const ties = generated.filter((pair) => {
      const [ua, ub] = [units(pair.a), units(pair.b)];
      return ub !== 0n && ((ua < 0n ? -ua : ua) * SCALE * 2n) % (ub < 0n ? -ub : ub) === 0n;
    });
    assert.ok(ties.length >= 1_000, `${ties.length} ties`);
    assert.ok(generated.filter((pair) => units(pair.b) === 0n).length > 10, "zero divisors");
    const longQuotients = generated.filter((pair) => {
      const expected = expectedQuotient(pair.a, pair.b);
      return expected !== null && expected.replace(/[-.]/g, "").replace(/^0+/, "").length > 17;
    });
    assert.ok(longQuotients.length >= 500, `${longQuotients.length} quotients of more than 17 digits`);
  });
});

// Money in integer micros (millionths of a currency unit) with BigInt, for the SQL tests that compute the models'
// amounts and ratios independently of the warehouse: exact sums, and the rounding BigQuery's ROUND gives a NUMERIC.

/** An amount in micros as the decimal text a platform writes: 1234500n → "1.2345". */
export function decimalText(micros: bigint): string {
  const whole = micros / 1_000_000n;
  const fraction = String(micros % 1_000_000n)
    .padStart(6, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

export const amount = (micros: bigint): number => Number(decimalText(micros));

export const sum = (values: readonly bigint[]): bigint => values.reduce((total, value) => total + value, 0n);

/** numerator ÷ denominator to whole units, half away from zero, both ≥ 0 (denominator > 0). */
export const roundDiv = (numerator: bigint, denominator: bigint): bigint =>
  (2n * numerator + denominator) / (2n * denominator);

/** numerator ÷ denominator to `places` decimals, half away from zero (BigQuery's ROUND of a NUMERIC), both > 0. */
export function roundedQuotient(numerator: bigint, denominator: bigint, places: number): number {
  const scale = 10n ** BigInt(places);
  return Number(roundDiv(numerator * scale, denominator)) / Number(scale);
}

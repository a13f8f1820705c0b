// How many decimals (minor units) a currency has, from ISO 4217: the places the marts round money ÷ count ratios
// (AOV, CAC, CPA, revenue per customer) to, so that a Kuwaiti dinar's average keeps its fils (12.346, not 12.35)
// and a yen's has no decimals. ISO's list, not the browser's (CLDR), which gives, for one, the Hungarian forint 0
// places for cash: the marts keep what the currency has, the deck and the email round where they show it.

/** The currencies whose minor unit is not the hundredth (ISO 4217's list of 2024). */
const MINOR_UNITS_OTHER_THAN_TWO: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** The decimals of an ISO 4217 currency code (2 for USD and EUR, 3 for KWD, 0 for JPY). */
export function currencyMinorUnits(currency: string): number {
  return MINOR_UNITS_OTHER_THAN_TWO[currency.toUpperCase()] ?? 2;
}

// The export formats the ingest knows, in the order headers are tried: the most specific signatures first.
import { GOOGLE_ADS, META_ADS, TIKTOK_ADS } from "./ads.ts";
import type { FormatSpec } from "./format-spec.ts";
import { FX_RATES } from "./fx-rates.ts";
import { SHOPIFY_CUSTOMERS, SHOPIFY_ORDERS, SHOPIFY_PRODUCTS } from "./shopify.ts";

export const BUILTIN_FORMATS: readonly FormatSpec[] = [
  SHOPIFY_ORDERS,
  SHOPIFY_CUSTOMERS,
  SHOPIFY_PRODUCTS,
  META_ADS,
  GOOGLE_ADS,
  TIKTOK_ADS,
  FX_RATES,
];

// The demo shop: a skincare/haircare DTC brand. Catalogue, geography, names and the calendar that shapes demand.
// Numbers are plausible for a brand of this size, not fitted to any real shop.

import { cumulative } from "./prng.ts";
import { dateUtcMs, type LocalDay } from "../lib/calendar.ts";

export const VENDOR = "Lumen Botanics";

export type Category = "Skincare" | "Haircare" | "Body" | "Bundles" | "Accessories";

export interface Variant {
  id: number;
  sku: string;
  /** Variant title, e.g. "30 ml"; "Default Title" for single-variant products, as Shopify names them. */
  title: string;
  priceCents: number;
}

export interface Product {
  index: number;
  id: number;
  title: string;
  handle: string;
  category: Category;
  variants: Variant[];
  /** Relative popularity. */
  weight: number;
  /** Demand multiplier by season (summer for SPF, December for gifts). */
  season: "none" | "summer" | "winter" | "gifting";
  /** Fraction of the period after which it is on sale (a launch), or before which it is archived. */
  launchAt?: number;
  archiveAt?: number;
}

interface ProductSpec {
  title: string;
  category: Category;
  code: string;
  sizes: [string, number][];
  weight: number;
  season?: Product["season"];
  launchAt?: number;
  archiveAt?: number;
}

const PRODUCT_SPECS: ProductSpec[] = [
  { title: "Gentle Foaming Cleanser", category: "Skincare", code: "GFC", sizes: [["150 ml", 30]], weight: 8 },
  {
    title: "Hydrating Hyaluronic Serum",
    category: "Skincare",
    code: "HHS",
    sizes: [
      ["30 ml", 38],
      ["50 ml", 56],
    ],
    weight: 9,
  },
  {
    title: "Vitamin C Brightening Serum",
    category: "Skincare",
    code: "VCS",
    sizes: [
      ["30 ml", 42],
      ["50 ml", 62],
    ],
    weight: 10,
  },
  { title: "Retinol Night Repair", category: "Skincare", code: "RNR", sizes: [["30 ml", 78]], weight: 4 },
  {
    title: "Daily Mineral Sunscreen SPF 50",
    category: "Skincare",
    code: "SPF",
    sizes: [["50 ml", 34]],
    weight: 6,
    season: "summer",
  },
  {
    title: "Barrier Repair Moisturizer",
    category: "Skincare",
    code: "BRM",
    sizes: [
      ["50 ml", 44],
      ["100 ml", 72],
    ],
    weight: 7,
    season: "winter",
  },
  { title: "Overnight Recovery Mask", category: "Skincare", code: "ORM", sizes: [["75 ml", 52]], weight: 3 },
  { title: "Exfoliating AHA Toner", category: "Skincare", code: "AHA", sizes: [["200 ml", 28]], weight: 4 },
  {
    title: "Peptide Eye Cream",
    category: "Skincare",
    code: "PEC",
    sizes: [["15 ml", 58]],
    weight: 4,
    launchAt: 0.4,
  },
  {
    title: "Clarifying Clay Mask",
    category: "Skincare",
    code: "CCM",
    sizes: [["100 ml", 32]],
    weight: 2,
    archiveAt: 0.6,
  },
  { title: "Squalane Face Oil", category: "Skincare", code: "SFO", sizes: [["30 ml", 46]], weight: 2.5 },
  {
    title: "Micellar Cleansing Water",
    category: "Skincare",
    code: "MCW",
    sizes: [["400 ml", 18]],
    weight: 3,
  },
  { title: "Niacinamide Pore Serum", category: "Skincare", code: "NPS", sizes: [["30 ml", 36]], weight: 4 },
  {
    title: "Lip Repair Balm",
    category: "Skincare",
    code: "LRB",
    sizes: [["15 ml", 14]],
    weight: 3,
    season: "winter",
  },
  {
    title: "Age-Defying Ceramide Cream",
    category: "Skincare",
    code: "ADC",
    sizes: [["50 ml", 96]],
    weight: 2,
  },
  {
    title: "Repair Shampoo",
    category: "Haircare",
    code: "RSH",
    sizes: [
      ["250 ml", 26],
      ["500 ml", 42],
    ],
    weight: 6,
  },
  {
    title: "Repair Conditioner",
    category: "Haircare",
    code: "RCO",
    sizes: [
      ["250 ml", 26],
      ["500 ml", 42],
    ],
    weight: 5,
  },
  { title: "Scalp Renewal Scrub", category: "Haircare", code: "SRS", sizes: [["200 ml", 34]], weight: 2 },
  { title: "Bond Building Hair Mask", category: "Haircare", code: "BBM", sizes: [["200 ml", 39]], weight: 3 },
  { title: "Argan Hair Oil", category: "Haircare", code: "AHO", sizes: [["50 ml", 32]], weight: 3 },
  { title: "Heat Protect Spray", category: "Haircare", code: "HPS", sizes: [["150 ml", 24]], weight: 2 },
  {
    title: "Volumizing Dry Shampoo",
    category: "Haircare",
    code: "VDS",
    sizes: [["200 ml", 22]],
    weight: 2.5,
  },
  {
    title: "Hair Growth Serum",
    category: "Haircare",
    code: "HGS",
    sizes: [["60 ml", 64]],
    weight: 4,
    launchAt: 0.7,
  },
  {
    title: "Shea Body Butter",
    category: "Body",
    code: "SBB",
    sizes: [["200 ml", 29]],
    weight: 5,
    season: "winter",
  },
  { title: "Exfoliating Body Polish", category: "Body", code: "EBP", sizes: [["250 ml", 32]], weight: 2.5 },
  { title: "Nourishing Body Oil", category: "Body", code: "NBO", sizes: [["100 ml", 36]], weight: 2.5 },
  {
    title: "Hand Cream Trio",
    category: "Body",
    code: "HCT",
    sizes: [["3 x 30 ml", 27]],
    weight: 2,
    season: "gifting",
  },
  { title: "Firming Body Lotion", category: "Body", code: "FBL", sizes: [["250 ml", 38]], weight: 2 },
  { title: "Coconut Body Wash", category: "Body", code: "CBW", sizes: [["400 ml", 19]], weight: 3.5 },
  {
    title: "Magnesium Bath Soak",
    category: "Body",
    code: "MBS",
    sizes: [["500 g", 24]],
    weight: 2,
    season: "winter",
  },
  { title: "Natural Deodorant Cream", category: "Body", code: "NDC", sizes: [["60 g", 16]], weight: 3 },
  {
    title: "Morning Glow Routine",
    category: "Bundles",
    code: "MGR",
    sizes: [["Default Title", 98]],
    weight: 3,
  },
  {
    title: "Night Repair Routine",
    category: "Bundles",
    code: "NRR",
    sizes: [["Default Title", 135]],
    weight: 2,
    season: "gifting",
  },
  { title: "Hair Revival Kit", category: "Bundles", code: "HRK", sizes: [["Default Title", 88]], weight: 2 },
  {
    title: "Signature Ritual Set",
    category: "Bundles",
    code: "SRT",
    sizes: [["Default Title", 180]],
    weight: 1,
    season: "gifting",
  },
  {
    title: "Travel Minis Set",
    category: "Bundles",
    code: "TMS",
    sizes: [["Default Title", 45]],
    weight: 2.5,
    season: "gifting",
  },
  {
    title: "Jade Facial Roller",
    category: "Accessories",
    code: "JFR",
    sizes: [["Default Title", 28]],
    weight: 2,
  },
  { title: "Gua Sha Stone", category: "Accessories", code: "GSS", sizes: [["Default Title", 24]], weight: 2 },
  {
    title: "Bamboo Makeup Remover Pads",
    category: "Accessories",
    code: "BMP",
    sizes: [["Default Title", 12]],
    weight: 3,
  },
  {
    title: "Mulberry Silk Pillowcase",
    category: "Accessories",
    code: "MSP",
    sizes: [["Default Title", 79]],
    weight: 1.5,
    season: "gifting",
  },
  {
    title: "Microcurrent Toning Device",
    category: "Accessories",
    code: "MTD",
    sizes: [["Default Title", 169]],
    weight: 0.8,
    season: "gifting",
  },
];

const CATEGORY_PREFIX: Record<Category, string> = {
  Skincare: "SKN",
  Haircare: "HAI",
  Body: "BOD",
  Bundles: "BUN",
  Accessories: "ACC",
};

function handleOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export const PRODUCTS: readonly Product[] = PRODUCT_SPECS.map((spec, index) => {
  const id = 8_112_345_000_000 + index * 1_303_771;
  const product: Product = {
    index,
    id,
    title: spec.title,
    handle: handleOf(spec.title),
    category: spec.category,
    weight: spec.weight,
    season: spec.season ?? "none",
    variants: spec.sizes.map(([size, dollars], variantIndex) => ({
      id: 44_123_456_000_000 + index * 2_718_281 + variantIndex * 97,
      sku:
        spec.sizes.length === 1
          ? `${CATEGORY_PREFIX[spec.category]}-${spec.code}`
          : `${CATEGORY_PREFIX[spec.category]}-${spec.code}-${size.replace(/\D/g, "")}`,
      title: size,
      priceCents: dollars * 100,
    })),
  };
  if (spec.launchAt !== undefined) product.launchAt = spec.launchAt;
  if (spec.archiveAt !== undefined) product.archiveAt = spec.archiveAt;
  return product;
});

// ---------------------------------------------------------------------------------------------------------------
// Geography: share of customers, sales tax (added on top, as the raw totals expect) and a few cities.

export interface Region {
  country: string;
  province: string | null;
  weight: number;
  taxRate: number;
  cities: [string, string][];
  /** Phone prefix for fake numbers. */
  dial: string;
}

const US: [string, number, number, [string, string][]][] = [
  [
    "CA",
    12,
    0.0875,
    [
      ["Los Angeles", "900"],
      ["San Francisco", "941"],
      ["San Diego", "921"],
    ],
  ],
  [
    "TX",
    9,
    0.0825,
    [
      ["Houston", "770"],
      ["Austin", "787"],
      ["Dallas", "752"],
    ],
  ],
  [
    "FL",
    7,
    0.07,
    [
      ["Miami", "331"],
      ["Orlando", "328"],
      ["Tampa", "336"],
    ],
  ],
  [
    "NY",
    7,
    0.08875,
    [
      ["New York", "100"],
      ["Brooklyn", "112"],
      ["Buffalo", "142"],
    ],
  ],
  [
    "IL",
    4,
    0.0875,
    [
      ["Chicago", "606"],
      ["Naperville", "605"],
    ],
  ],
  [
    "PA",
    4,
    0.06,
    [
      ["Philadelphia", "191"],
      ["Pittsburgh", "152"],
    ],
  ],
  [
    "OH",
    3.5,
    0.0725,
    [
      ["Columbus", "432"],
      ["Cleveland", "441"],
    ],
  ],
  ["GA", 3.2, 0.07, [["Atlanta", "303"]]],
  [
    "NC",
    3.2,
    0.07,
    [
      ["Charlotte", "282"],
      ["Raleigh", "276"],
    ],
  ],
  ["MI", 3, 0.06, [["Detroit", "482"]]],
  ["NJ", 3, 0.06625, [["Jersey City", "073"]]],
  ["VA", 2.6, 0.053, [["Richmond", "232"]]],
  ["WA", 2.4, 0.1025, [["Seattle", "981"]]],
  ["AZ", 2.2, 0.084, [["Phoenix", "850"]]],
  ["MA", 2.2, 0.0625, [["Boston", "021"]]],
  ["TN", 2, 0.0955, [["Nashville", "372"]]],
  ["CO", 1.9, 0.077, [["Denver", "802"]]],
  ["MN", 1.8, 0.0788, [["Minneapolis", "554"]]],
  ["OR", 1.4, 0, [["Portland", "972"]]],
  ["MD", 1.8, 0.06, [["Baltimore", "212"]]],
  ["UT", 1.1, 0.0725, [["Salt Lake City", "841"]]],
];

function usRegions(): Region[] {
  const total = US.reduce((sum, [, weight]) => sum + weight, 0);
  return US.map(([province, weight, taxRate, cities]) => ({
    country: "US",
    province,
    weight: (weight / total) * 78,
    taxRate,
    cities,
    dial: "+1",
  }));
}

export const REGIONS: readonly Region[] = [
  ...usRegions(),
  {
    country: "CA",
    province: "ON",
    weight: 3.4,
    taxRate: 0.13,
    cities: [
      ["Toronto", "M5V"],
      ["Ottawa", "K1P"],
    ],
    dial: "+1",
  },
  { country: "CA", province: "QC", weight: 1.8, taxRate: 0.14975, cities: [["Montréal", "H2X"]], dial: "+1" },
  { country: "CA", province: "BC", weight: 1.6, taxRate: 0.12, cities: [["Vancouver", "V6B"]], dial: "+1" },
  { country: "CA", province: "AB", weight: 1.2, taxRate: 0.05, cities: [["Calgary", "T2P"]], dial: "+1" },
  {
    country: "GB",
    province: null,
    weight: 6,
    taxRate: 0.2,
    cities: [
      ["London", "SW1A"],
      ["Manchester", "M1"],
      ["Bristol", "BS1"],
    ],
    dial: "+44",
  },
  {
    country: "AU",
    province: "NSW",
    weight: 2.2,
    taxRate: 0.1,
    cities: [["Sydney", "2000"]],
    dial: "+61",
  },
  { country: "AU", province: "VIC", weight: 1.8, taxRate: 0.1, cities: [["Melbourne", "3000"]], dial: "+61" },
  {
    country: "DE",
    province: null,
    weight: 2,
    taxRate: 0.19,
    cities: [
      ["Berlin", "10115"],
      ["München", "80331"],
    ],
    dial: "+49",
  },
  {
    country: "FR",
    province: null,
    weight: 2,
    taxRate: 0.2,
    cities: [
      ["Paris", "75001"],
      ["Lyon", "69001"],
    ],
    dial: "+33",
  },
];

export const REGION_CDF = cumulative(REGIONS.map((region) => region.weight));

export const FIRST_NAMES = [
  "Emma",
  "Olivia",
  "Ava",
  "Sophia",
  "Isabella",
  "Mia",
  "Charlotte",
  "Amelia",
  "Harper",
  "Evelyn",
  "Abigail",
  "Emily",
  "Ella",
  "Madison",
  "Scarlett",
  "Grace",
  "Chloe",
  "Lily",
  "Hannah",
  "Zoe",
  "Nora",
  "Riley",
  "Layla",
  "Aria",
  "Sofia",
  "Camila",
  "Lucy",
  "Maya",
  "Naomi",
  "Priya",
  "Aaliyah",
  "Mei",
  "Yuki",
  "Fatima",
  "Chiara",
  "Léa",
  "Marie",
  "Hanna",
  "Freya",
  "Isla",
  "Jessica",
  "Sarah",
  "Rachel",
  "Lauren",
  "Megan",
  "Ashley",
  "Nicole",
  "Jennifer",
  "Michael",
  "James",
  "Daniel",
  "David",
  "Ethan",
  "Noah",
  "Liam",
  "Lucas",
  "Oliver",
  "Ben",
  "Sam",
  "Alex",
];

export const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Gonzalez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Perez",
  "Thompson",
  "White",
  "Harris",
  "Sanchez",
  "Clark",
  "Ramirez",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "Allen",
  "King",
  "Wright",
  "Scott",
  "Torres",
  "Nguyen",
  "Hill",
  "Flores",
  "Green",
  "Adams",
  "Nelson",
  "Baker",
  "Hall",
  "Rivera",
  "Campbell",
  "Mitchell",
  "Carter",
  "Roberts",
  "Patel",
  "Kim",
  "Chen",
  "Müller",
  "Schmidt",
  "Dubois",
  "Bernard",
  "Murphy",
  "Kelly",
  "Walsh",
];

// ---------------------------------------------------------------------------------------------------------------
// Calendar: weekly and yearly seasonality, and the retail events that shape a beauty brand's year.

/** Sunday first; Sunday/Monday strongest (payday and weekend browsing), Friday weakest. */
export const WEEKDAY_FACTOR = [1.13, 1.1, 1.02, 0.98, 0.95, 0.84, 0.98];

/** Monthly level at mid-month (Jan … Dec): January dip, summer dip, Q4 peak. */
const MONTH_LEVEL = [0.82, 0.92, 1.0, 1.0, 1.04, 0.92, 0.86, 0.88, 0.97, 1.02, 1.08, 1.2];

/** Black Friday: the day after the fourth Thursday of November. */
export function blackFriday(year: number): number {
  const firstOfNov = Date.UTC(year, 10, 1);
  const weekday = new Date(firstOfNov).getUTCDay();
  const firstThursday = 1 + ((4 - weekday + 7) % 7);
  return Date.UTC(year, 10, firstThursday + 21 + 1);
}

function secondSundayOfMay(year: number): number {
  const firstOfMay = Date.UTC(year, 4, 1);
  const weekday = new Date(firstOfMay).getUTCDay();
  return Date.UTC(year, 4, 1 + ((7 - weekday) % 7) + 7);
}

export interface DayContext {
  day: LocalDay;
  index: number;
  /** Position in the period, 0 … 1. */
  progress: number;
  month: number;
  dayOfMonth: number;
  /** Days from this year's Black Friday (negative before it). */
  fromBlackFriday: number;
  isBfcm: boolean;
  isHolidayGifting: boolean;
  isSummer: boolean;
}

export function dayContext(day: LocalDay, index: number, dayCount: number): DayContext {
  const date = new Date(day.civilMs);
  const month = date.getUTCMonth();
  const bf = blackFriday(date.getUTCFullYear());
  const fromBlackFriday = Math.round((day.civilMs - bf) / 86_400_000);
  return {
    day,
    index,
    progress: dayCount <= 1 ? 0 : index / (dayCount - 1),
    month,
    dayOfMonth: date.getUTCDate(),
    fromBlackFriday,
    isBfcm: fromBlackFriday >= -7 && fromBlackFriday <= 4,
    isHolidayGifting: month === 11 && date.getUTCDate() <= 20,
    isSummer: month >= 5 && month <= 7,
  };
}

const BFCM_FACTOR: Record<number, number> = { 0: 2.8, 1: 2.1, 2: 1.9, 3: 2.5, 4: 1.4 };

/** Expected demand relative to an average day, before growth and noise. */
export function seasonalFactor(context: DayContext): number {
  const { day, month, dayOfMonth, fromBlackFriday } = context;
  // Interpolate between mid-month levels so month boundaries do not show as steps.
  const daysInMonth = new Date(Date.UTC(new Date(day.civilMs).getUTCFullYear(), month + 1, 0)).getUTCDate();
  const position = (dayOfMonth - 0.5) / daysInMonth - 0.5;
  const neighbour = position < 0 ? (month + 11) % 12 : (month + 1) % 12;
  const here = MONTH_LEVEL[month] ?? 1;
  const there = MONTH_LEVEL[neighbour] ?? 1;
  let factor = here + (there - here) * Math.abs(position);

  if (fromBlackFriday >= -7 && fromBlackFriday < 0) factor *= 1.2;
  factor *= BFCM_FACTOR[fromBlackFriday] ?? 1;
  if (month === 11) {
    if (dayOfMonth >= 21 && dayOfMonth <= 24) factor *= 0.85;
    else if (dayOfMonth === 25) factor *= 0.55;
  }
  if (month === 0 && dayOfMonth <= 14) factor *= 0.92;
  if (month === 1 && dayOfMonth <= 13) factor *= 1.1;
  const year = new Date(day.civilMs).getUTCFullYear();
  const mothersDay = secondSundayOfMay(year);
  const toMothersDay = Math.round((mothersDay - day.civilMs) / 86_400_000);
  if (toMothersDay >= 1 && toMothersDay <= 10) factor *= 1.18;
  return factor * (WEEKDAY_FACTOR[day.weekday] ?? 1);
}

/** ~35% a year. */
export function growthFactor(daysFromStart: number): number {
  return 1.35 ** (daysFromStart / 365);
}

/** Per-day product weights (launches, archives, seasonal demand). */
export function productWeights(context: DayContext): Float64Array {
  return cumulative(
    PRODUCTS.map((product) => {
      if (product.launchAt !== undefined && context.progress < product.launchAt) return 0;
      if (product.archiveAt !== undefined && context.progress >= product.archiveAt) return 0;
      let weight = product.weight;
      if (product.season === "summer" && context.isSummer) weight *= 1.8;
      if (product.season === "winter" && (context.month >= 10 || context.month <= 1)) weight *= 1.4;
      if (product.season === "gifting" && (context.isBfcm || context.isHolidayGifting)) weight *= 2.5;
      if (product.category === "Bundles" && context.isBfcm) weight *= 1.5;
      return weight;
    }),
  );
}

/** Created/updated dates of the catalogue, relative to the period, for shopify_products. */
export function productDates(product: Product, startDate: string, dayCount: number): { createdMs: number } {
  const start = dateUtcMs(startDate);
  if (product.launchAt !== undefined) {
    return { createdMs: start + Math.floor(product.launchAt * (dayCount - 1)) * 86_400_000 - 5 * 86_400_000 };
  }
  return { createdMs: start - (200 + ((product.index * 37) % 400)) * 86_400_000 };
}

// ---------------------------------------------------------------------------------------------------------------
// Acquisition channels. The order's channel decides its landing_site UTMs and referring_site.

export const Channel = {
  Facebook: 0,
  Instagram: 1,
  TikTok: 2,
  GoogleCpc: 3,
  Email: 4,
  OrganicSearch: 5,
  Direct: 6,
  OrganicSocial: 7,
  Referral: 8,
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

/** Channel mix for new and for returning customers (returning ones come back through email and direct). */
const NEW_MIX = [25, 11, 13, 17, 4, 12, 10, 5, 3];
const RETURNING_MIX = [12, 6, 5, 14, 28, 10, 22, 2, 1];

export function channelTables(progress: number): { newCustomers: Float64Array; returning: Float64Array } {
  // TikTok grows its share over the period at the expense of Meta.
  const tiktokLift = 0.7 + 0.6 * progress;
  const metaDamp = 1.05 - 0.1 * progress;
  const adjust = (mix: number[]) =>
    cumulative(
      mix.map((weight, channel) => {
        if (channel === Channel.TikTok) return weight * tiktokLift;
        if (channel === Channel.Facebook || channel === Channel.Instagram) return weight * metaDamp;
        return weight;
      }),
    );
  return { newCustomers: adjust(NEW_MIX), returning: adjust(RETURNING_MIX) };
}

export const EMAIL_CAMPAIGNS = {
  always: ["welcome_series", "abandoned_cart", "winback_60d", "weekly_newsletter", "post_purchase_replenish"],
  bfcm: "bfcm_early_access",
  holiday: "holiday_gift_guide",
};

export const ORGANIC_SOCIAL_REFERRERS = [
  "https://www.instagram.com/",
  "https://www.tiktok.com/",
  "https://www.pinterest.com/",
];
export const REFERRAL_REFERRERS = [
  "https://www.allure.com/",
  "https://www.reddit.com/r/SkincareAddiction/",
  "https://www.byrdie.com/",
];

// ---------------------------------------------------------------------------------------------------------------
// Discounts and shipping.

export interface DiscountCode {
  code: string;
  percent: number;
}

export function discountCodeFor(
  context: DayContext,
  returning: boolean,
  fromTikTok: boolean,
  draw: number,
): DiscountCode {
  if (context.isBfcm && draw < 0.8) return { code: "BFCM25", percent: 25 };
  if (context.isHolidayGifting && draw < 0.5) return { code: "HOLIDAY20", percent: 20 };
  if (context.isSummer && draw < 0.3) return { code: "SUMMER15", percent: 15 };
  if (fromTikTok && draw < 0.7)
    return draw < 0.35 ? { code: "GLOWWITHMAYA", percent: 15 } : { code: "JESS20", percent: 20 };
  if (returning) return draw < 0.6 ? { code: "VIP15", percent: 15 } : { code: "THANKYOU10", percent: 10 };
  return { code: "WELCOME10", percent: 10 };
}

/** Share of orders using a discount code on this day (~20% on a normal day, most orders during BFCM). */
export function discountShare(context: DayContext): number {
  if (context.fromBlackFriday >= 0 && context.fromBlackFriday <= 4) return 0.6;
  if (context.isBfcm) return 0.35;
  if (context.isHolidayGifting) return 0.28;
  return 0.17;
}

export function shippingCents(region: Region, subtotalCents: number, expedited: boolean): number {
  if (expedited) return region.country === "US" ? 1495 : 2995;
  if (region.country === "US") return subtotalCents >= 6000 ? 0 : 595;
  if (region.country === "CA") return subtotalCents >= 9000 ? 0 : 995;
  return subtotalCents >= 15000 ? 0 : 1495;
}

// The demo shop's catalogue: a skincare/haircare DTC brand's products and variants, and when each was created.
// Numbers are plausible for a brand of this size, not fitted to any real shop.
import { dateUtcMs } from "../lib/calendar.ts";

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

/** Created/updated dates of the catalogue, relative to the period, for shopify_products. */
export function productDates(product: Product, startDate: string, dayCount: number): { createdMs: number } {
  const start = dateUtcMs(startDate);
  if (product.launchAt !== undefined) {
    return { createdMs: start + Math.floor(product.launchAt * (dayCount - 1)) * 86_400_000 - 5 * 86_400_000 };
  }
  return { createdMs: start - (200 + ((product.index * 37) % 400)) * 86_400_000 };
}

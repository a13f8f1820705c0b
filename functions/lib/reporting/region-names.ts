// Region names for people: "California, US" instead of "US-CA". Countries through Intl.DisplayNames (in the
// shop's locale); US states, Canadian provinces and Japanese prefectures from small tables, since Intl has no
// subdivision names.
// Codes we do not know stay as they are, so nothing is ever hidden.

const US_STATES: Record<string, string> = {
  AL: "Alabama",
  AK: "Alaska",
  AZ: "Arizona",
  AR: "Arkansas",
  CA: "California",
  CO: "Colorado",
  CT: "Connecticut",
  DE: "Delaware",
  DC: "Washington DC",
  FL: "Florida",
  GA: "Georgia",
  HI: "Hawaii",
  ID: "Idaho",
  IL: "Illinois",
  IN: "Indiana",
  IA: "Iowa",
  KS: "Kansas",
  KY: "Kentucky",
  LA: "Louisiana",
  ME: "Maine",
  MD: "Maryland",
  MA: "Massachusetts",
  MI: "Michigan",
  MN: "Minnesota",
  MS: "Mississippi",
  MO: "Missouri",
  MT: "Montana",
  NE: "Nebraska",
  NV: "Nevada",
  NH: "New Hampshire",
  NJ: "New Jersey",
  NM: "New Mexico",
  NY: "New York",
  NC: "North Carolina",
  ND: "North Dakota",
  OH: "Ohio",
  OK: "Oklahoma",
  OR: "Oregon",
  PA: "Pennsylvania",
  RI: "Rhode Island",
  SC: "South Carolina",
  SD: "South Dakota",
  TN: "Tennessee",
  TX: "Texas",
  UT: "Utah",
  VT: "Vermont",
  VA: "Virginia",
  WA: "Washington",
  WV: "West Virginia",
  WI: "Wisconsin",
  WY: "Wyoming",
  PR: "Puerto Rico",
};

const CA_PROVINCES: Record<string, string> = {
  AB: "Alberta",
  BC: "British Columbia",
  MB: "Manitoba",
  NB: "New Brunswick",
  NL: "Newfoundland and Labrador",
  NS: "Nova Scotia",
  NT: "Northwest Territories",
  NU: "Nunavut",
  ON: "Ontario",
  PE: "Prince Edward Island",
  QC: "Quebec",
  SK: "Saskatchewan",
  YT: "Yukon",
};

// Shopify codes Japan's prefectures by number (JP-01 to JP-47, ISO 3166-2:JP): unnamed, a Tokyo shop's top region
// read "13".
const JP_PREFECTURES: Record<string, string> = {
  "01": "Hokkaido",
  "02": "Aomori",
  "03": "Iwate",
  "04": "Miyagi",
  "05": "Akita",
  "06": "Yamagata",
  "07": "Fukushima",
  "08": "Ibaraki",
  "09": "Tochigi",
  "10": "Gunma",
  "11": "Saitama",
  "12": "Chiba",
  "13": "Tokyo",
  "14": "Kanagawa",
  "15": "Niigata",
  "16": "Toyama",
  "17": "Ishikawa",
  "18": "Fukui",
  "19": "Yamanashi",
  "20": "Nagano",
  "21": "Gifu",
  "22": "Shizuoka",
  "23": "Aichi",
  "24": "Mie",
  "25": "Shiga",
  "26": "Kyoto",
  "27": "Osaka",
  "28": "Hyogo",
  "29": "Nara",
  "30": "Wakayama",
  "31": "Tottori",
  "32": "Shimane",
  "33": "Okayama",
  "34": "Hiroshima",
  "35": "Yamaguchi",
  "36": "Tokushima",
  "37": "Kagawa",
  "38": "Ehime",
  "39": "Kochi",
  "40": "Fukuoka",
  "41": "Saga",
  "42": "Nagasaki",
  "43": "Kumamoto",
  "44": "Oita",
  "45": "Miyazaki",
  "46": "Kagoshima",
  "47": "Okinawa",
};

const SUBDIVISIONS: Record<string, Record<string, string>> = {
  US: US_STATES,
  CA: CA_PROVINCES,
  JP: JP_PREFECTURES,
};

/** "United Kingdom" for GB in English; the code itself when Intl does not know it (or it is "unknown"). */
export function countryName(code: string, locale = "en-US"): string {
  if (!/^[A-Z]{2}$/.test(code)) return code;
  try {
    return new Intl.DisplayNames([locale], { type: "region", fallback: "code" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * A region as a board reads it: "California" for a US state, "Ontario (Canada)" for a province elsewhere,
 * the country's name when the region is unknown. The shop's home market (its main country) needs no country.
 */
export function regionName(country: string, region: string, locale = "en-US", homeCountry = "US"): string {
  const regionCode = region.includes("-") ? (region.split("-").at(-1) ?? region) : region;
  if (region === "unknown" || region === "") return countryName(country, locale);
  const known = SUBDIVISIONS[country]?.[regionCode];
  const name = known ?? `${regionCode}`;
  if (country === homeCountry) return name;
  return `${name} (${countryName(country, locale)})`;
}

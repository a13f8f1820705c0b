// Region names for people: "California, US" instead of "US-CA". Countries through Intl.DisplayNames (in the
// shop's locale); US states and Canadian provinces from a small table, since Intl has no subdivision names.
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

const SUBDIVISIONS: Record<string, Record<string, string>> = { US: US_STATES, CA: CA_PROVINCES };

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

// Text from the shop's data (product titles, campaign names, file names) on its way into a CSV, a deck or an
// email: control characters are dropped (NUL, VT, FF and ESC make a deck's XML invalid and hide text in a
// terminal), keeping tab, line feed and carriage return, which CSV quoting and the renderers handle.

// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u009f\ufffe\uffff]/g;

export function stripControlCharacters(text: string): string {
  return text.replace(CONTROL, "");
}

/** The same value with every string in it (at any depth of plain objects and arrays) stripped. */
export function stripControlCharactersDeep<T>(value: T): T {
  if (typeof value === "string") return stripControlCharacters(value) as T;
  if (Array.isArray(value)) return value.map((item) => stripControlCharactersDeep(item)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, stripControlCharactersDeep(item)]),
    ) as T;
  }
  return value;
}

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

// What a terminal acts on rather than shows: C0 controls but tab and line feed (ESC starts a sequence that can
// clear the screen, recolour or retitle it; CR overwrites a line), DEL, C1 controls (U+009B is a one-byte CSI on
// some terminals) and the bidirectional overrides and isolates that show a name reversed. Not the direction marks
// (U+200E, U+200F, U+061C): they only set the direction of the neutral characters beside them, and ICU writes them
// into every Arabic amount and percentage, so a right-to-left shop's own figures would read "�٤٧٬٦٢٥٫٣٥٠ د.ك.�".
const TERMINAL_CONTROLS =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A line for the terminal, whatever it quotes (a dropped file's name, an error from a file): every character a
 * terminal would act on shown as U+FFFD, so the reader sees that something was there and nothing is hidden.
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_CONTROLS, "\ufffd");
}

// Text from the shop's files on its way to a terminal: what a terminal would act on is shown, not obeyed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { terminalSafe } from "../../functions/lib/text-safety.ts";

describe("terminalSafe", () => {
  it("shows escape sequences, carriage returns, C1 controls and bidi overrides as U+FFFD", () => {
    // A file name that would clear the screen, turn the text red and retitle the window.
    assert.equal(
      terminalSafe("a\u001b[2J\u001b[31mX\u001b]0;t\u0007.csv"),
      "a\ufffd[2J\ufffd[31mX\ufffd]0;t\ufffd.csv",
    );
    // A carriage return would let the rest overwrite the line's start.
    assert.equal(terminalSafe("ok\rCRITICAL"), "ok\ufffdCRITICAL");
    // U+009B (a one-byte CSI on some terminals), U+0085 and DEL.
    assert.equal(terminalSafe("a\u009b31mb\u0085c\u007f"), "a\ufffd31mb\ufffdc\ufffd");
    // Right-to-left override and isolates: "rtl\u202Evsc.exe" would read "rtlexe.csv".
    assert.equal(terminalSafe("rtl\u202evsc.exe \u2066x\u2069"), "rtl\ufffdvsc.exe \ufffdx\ufffd");
  });

  it("keeps tabs, line feeds and every printable character, accents and emoji included", () => {
    const text = "Stoneware Mug ☕ Émile\tline 1\nline 2 — 100 % «ok» 日本";
    assert.equal(terminalSafe(text), text);
  });

  it("keeps the direction marks a right-to-left shop's own amounts, percentages and dates carry", () => {
    // ICU writes a right-to-left mark around an Arabic amount and an Arabic letter mark after a percentage; the
    // deck's dates sit between a right-to-left and a left-to-right mark. Marks set the direction of the neutral
    // characters next to them and reorder nothing else: an Arabic shop's summary read "�٤٧٬٦٢٥٫٣٥٠ د.ك.�".
    const amount = new Intl.NumberFormat("ar-KW", { style: "currency", currency: "KWD" }).format(47625.35);
    const percent = new Intl.NumberFormat("ar-KW", { style: "percent" }).format(0.27);
    const line = `revenue ${amount} · ${percent} · \u200f٥ ديسمبر\u200e`;
    assert.match(line, /\u200f/u, "the amount as ICU writes it has its mark");
    assert.match(line, /\u061c/u, "the percentage too");
    assert.equal(terminalSafe(line), line);
  });
});

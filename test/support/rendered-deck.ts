// A deck as a reader of it in LibreOffice gets it: the .pptx converted to PDF by LibreOffice (the converter of
// `npm run preview`), then read back with poppler's pdftotext, per page, as text in reading order and as words with
// the boxes they were drawn in (points from the page's top left; a 16:9 slide is 720 × 405 pt).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { deckToPdf } from "../../tools/preview.ts";

const run = promisify(execFile);

export interface DrawnWord {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

export interface DrawnLine {
  /** The line's words joined by a space. */
  text: string;
  words: DrawnWord[];
  yMin: number;
}

export interface RenderedPage {
  /** Every line of the page in reading order, joined by newlines (pdftotext -raw). */
  text: string;
  /** The lines LibreOffice drew, each with its words and their boxes (pdftotext -bbox-layout). */
  lines: DrawnLine[];
}

const decode = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

function bboxLines(xhtml: string): DrawnLine[][] {
  return xhtml
    .split("<page ")
    .slice(1)
    .map((page) =>
      [...page.matchAll(/<line [^>]*>([\s\S]*?)<\/line>/g)].map((line) => {
        const words = [
          ...(line[1] ?? "").matchAll(
            /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
          ),
        ].map((word) => ({
          xMin: Number(word[1]),
          yMin: Number(word[2]),
          xMax: Number(word[3]),
          yMax: Number(word[4]),
          text: decode(word[5] ?? ""),
        }));
        return {
          text: words.map((word) => word.text).join(" "),
          words,
          yMin: Math.min(...words.map((word) => word.yMin)),
        };
      }),
    );
}

/** Renders the deck with LibreOffice and reads each page (one per slide) back. */
export async function renderDeckPages(pptx: Buffer): Promise<RenderedPage[]> {
  const dir = await mkdtemp(join(tmpdir(), "pulse-rendered-deck-"));
  try {
    const deck = join(dir, "deck.pptx");
    await writeFile(deck, pptx);
    const pdf = await deckToPdf(deck, dir);
    const [{ stdout: raw }, { stdout: boxes }] = await Promise.all([
      run("pdftotext", ["-raw", "-enc", "UTF-8", pdf, "-"], { maxBuffer: 64 * 1024 * 1024 }),
      run("pdftotext", ["-bbox-layout", "-enc", "UTF-8", pdf, "-"], { maxBuffer: 64 * 1024 * 1024 }),
    ]);
    const texts = raw.split("\f");
    return bboxLines(boxes).map((lines, index) => ({ text: texts[index] ?? "", lines }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// A Japanese date as pdftotext gives it back: a space between two glyphs drawn apart (the font changes at each
// mark) and the zero-width joiners the deck puts between its characters are not the reader's.
const JAPANESE_DATE = /(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:\([日月火水木金土]\))?/g;
const DATE_GLYPHS = "[\\d年月日()日月火水木金土～]";
const GAPS = new RegExp(`(?<=${DATE_GLYPHS})\\s+(?=${DATE_GLYPHS})`, "g");

export interface DrawnDate {
  date: string;
  /** LibreOffice began it on one line and ended it on the next. */
  broken: boolean;
}

/** Every Japanese date drawn on a page, and whether a line broke inside it. */
export function japaneseDates(page: RenderedPage): DrawnDate[] {
  const lines = page.text.split("\n").map((line) => line.replace(/\ufeff|\u2060/g, "").replace(GAPS, ""));
  const starts: number[] = [];
  let joined = "";
  for (const line of lines) {
    starts.push(joined.length);
    joined += line;
  }
  return [...joined.matchAll(JAPANESE_DATE)].map((match) => ({
    date: match[0],
    broken: starts.some((start) => start > match.index && start < match.index + match[0].length),
  }));
}

/**
 * The texts LibreOffice drew on a page, each a run of words on one line with no more than `gap` points between two
 * of them: pdftotext gives a Japanese label's digits and marks as separate words (the font changes at each mark),
 * while two labels of a chart's axis stand further apart.
 */
export function drawnRuns(page: RenderedPage, gap = 2): string[] {
  return page.lines.flatMap((line) => {
    const words = [...line.words].sort((a, b) => a.xMin - b.xMin);
    const runs: DrawnWord[][] = [];
    for (const word of words) {
      const last = runs.at(-1);
      if (last && word.xMin - last.at(-1)!.xMax <= gap) last.push(word);
      else runs.push([word]);
    }
    return runs.map((run) => run.map((word) => word.text.replace(/\ufeff|\u2060/g, "")).join(""));
  });
}

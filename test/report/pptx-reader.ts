// Reading a generated .pptx back (a zip of XML) for the deck tests, and the tests' own en-US/USD formatting, so
// that expected strings never come from the code under test.
import assert from "node:assert/strict";
import JSZip from "jszip";

// ---------- the test's own formatting ----------

export const usd = (value: number, decimals = 0) =>
  `${value < 0 ? "-" : ""}$${Math.abs(value).toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}`;
export const count = (value: number) => value.toLocaleString("en-US");
export const times = (value: number) => `${value.toFixed(2)}×`;
// Halves round away from zero, as Intl does (Math.round would turn -22.5 into -22).
export const pct = (value: number, base: number) => {
  const exact = ((value - base) / base) * 100;
  const rounded = Math.sign(exact) * Math.round(Math.abs(exact));
  return rounded === 0 ? "0%" : `${rounded > 0 ? "+" : ""}${rounded}%`;
};
export const GREEN = "1E8E3E";
export const RED = "C5221F";
export const GREY = "6B7280";

// ---------- reading the .pptx ----------

export const decode = (xml: string) =>
  xml
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

export const texts = (xml: string) =>
  [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((match) => decode(match[1] ?? ""));

export interface OpenedDeck {
  zip: JSZip;
  slides: string[];
}

export async function openDeck(buffer: Buffer): Promise<OpenedDeck> {
  const zip = await JSZip.loadAsync(buffer);
  const names = Object.keys(zip.files)
    .map((name) => /^ppt\/slides\/slide(\d+)\.xml$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((match) => match[0]);
  const slides = await Promise.all(names.map((name) => zip.file(name)!.async("string")));
  return { zip, slides };
}

/** The blocks (shapes or graphic frames) of a slide, by their object name. */
export function shapeNamed(slideXml: string, name: string): string {
  const blocks = slideXml.split(/(?=<p:sp>|<p:graphicFrame>)/);
  const found = blocks.find((block) => block.includes(`name="${name}"`));
  assert.ok(found, `no shape named ${name}`);
  return found;
}

export function slideTitle(slideXml: string): string {
  const blocks = slideXml.split(/(?=<p:sp>|<p:graphicFrame>)/);
  const title = blocks.find((block) => /<p:ph[^>]*type="title"/.test(block));
  assert.ok(title, "slide has no title placeholder");
  return texts(title).join("");
}

/** Paragraph texts of a shape. */
export function paragraphs(shapeXml: string): string[] {
  return [...shapeXml.matchAll(/<a:p>([\s\S]*?)<\/a:p>/g)].map((match) => texts(match[1] ?? "").join(""));
}

/** The colour of the run whose text is exactly `text`. */
export function runColor(shapeXml: string, text: string): string | undefined {
  for (const match of shapeXml.matchAll(/<a:r>([\s\S]*?)<\/a:r>/g)) {
    const run = match[1] ?? "";
    if (texts(run).join("") === text) return /<a:srgbClr val="([0-9A-F]{6})"/.exec(run)?.[1];
  }
  return undefined;
}

export function tableRows(slideXml: string, name: string): string[][] {
  const frame = shapeNamed(slideXml, name);
  return [...frame.matchAll(/<a:tr[^>]*>([\s\S]*?)<\/a:tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<a:tc[^>]*>([\s\S]*?)<\/a:tc>/g)].map((cell) =>
      texts(cell[1] ?? "").join(""),
    ),
  );
}

export interface Series {
  name: string;
  categories: string[];
  values: (number | null)[];
}

/** The chart part (ppt/charts/chartN.xml) of the native chart named `name` on a slide. */
export async function chartXmlOnSlide(deck: OpenedDeck, slideNumber: number, name: string): Promise<string> {
  const slideXml = deck.slides[slideNumber - 1] ?? "";
  const frame = shapeNamed(slideXml, name);
  const relId = /<c:chart r:id="([^"]+)"/.exec(frame)?.[1];
  assert.ok(relId, `${name} is not a native chart`);
  const rels = await deck.zip.file(`ppt/slides/_rels/slide${slideNumber}.xml.rels`)!.async("string");
  const target = new RegExp(`Id="${relId}"[^>]*Target="([^"]+)"`).exec(rels)?.[1];
  assert.ok(target);
  const path = target.replace(/^\//, "").replace(/^\.\.\//, "ppt/");
  return deck.zip.file(path)!.async("string");
}

export async function chartOnSlide(deck: OpenedDeck, slideNumber: number, name: string): Promise<Series[]> {
  const chartXml = await chartXmlOnSlide(deck, slideNumber, name);
  return [...chartXml.matchAll(/<c:ser>([\s\S]*?)<\/c:ser>/g)].map((match) => {
    const ser = match[1] ?? "";
    const pick = (tag: string) => {
      const inner = new RegExp(`<c:${tag}>([\\s\\S]*?)</c:${tag}>`).exec(ser)?.[1] ?? "";
      return [...inner.matchAll(/<c:v>([^<]*)<\/c:v>/g)].map((v) => decode(v[1] ?? ""));
    };
    return {
      name: pick("tx")[0] ?? "",
      categories: pick("cat"),
      values: pick("val").map((v) => (v === "" ? null : Number(v))),
    };
  });
}

export function slideWithTitle(deck: OpenedDeck, prefix: string): { xml: string; number: number } {
  const index = deck.slides.findIndex((xml) => slideTitle(xml).startsWith(prefix));
  assert.ok(index >= 0, `no slide titled ${prefix}…`);
  return { xml: deck.slides[index] ?? "", number: index + 1 };
}

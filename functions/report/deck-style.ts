// The deck's look, shared by every renderer: pptxgenjs loaded, slide geometry, fonts, colours and the master names.
import { createRequire } from "node:module";
import type PptxModule from "pptxgenjs";
import type { Emphasis } from "./deck-content.ts";

// pptxgenjs's types declare an ES default export inside a CommonJS package, which NodeNext resolves to the
// module object rather than the class; its CommonJS build exports the class itself, so load that one.
export type PptxGenJS = PptxModule.default;
export type Slide = PptxModule.default.Slide;
export type TableRow = PptxModule.default.TableRow;
export type TextProps = PptxModule.default.TextProps;
export type ChartOptions = PptxModule.default.IChartOpts;
export type ChartMulti = PptxModule.default.IChartMulti;
const require = createRequire(import.meta.url);
export const PptxGenJSClass = require("pptxgenjs") as typeof PptxModule.default;

export const FONT = "Arial";
export const SLIDE_W = 10;
export const SLIDE_H = 5.625;
export const MARGIN_X = 0.4;
export const CONTENT_W = SLIDE_W - 2 * MARGIN_X;
export const TITLE_BAR_H = 0.7;
export const FOOTER_Y = 5.27;
export const CONTENT_TOP = TITLE_BAR_H + 0.15;
export const CONTENT_BOTTOM = FOOTER_Y - 0.1;
export const GAP = 0.12;
export const SECTION_W = 1.7;
export const TITLE_W = CONTENT_W - SECTION_W - 0.1;
export const TITLE_PT = 20;

export const COLORS = {
  navy: "1F2A44",
  ink: "1F2937",
  muted: "6B7280",
  rule: "D1D5DB",
  card: "F3F5F9",
  headerFill: "1F2A44",
  zebra: "F8FAFC",
  good: "1E8E3E",
  bad: "C5221F",
  warning: "B45309",
  info: "1D4ED8",
  revenue: "2F5597",
  spend: "E46C0A",
  lastYear: "9CA3AF",
  secondary: "8FAADC",
  white: "FFFFFF",
} as const;

export const EMPHASIS_COLORS: Record<Emphasis, string> = {
  good: COLORS.good,
  bad: COLORS.bad,
  warning: COLORS.warning,
  info: COLORS.info,
  muted: COLORS.muted,
  none: COLORS.ink,
};

export const COVER_MASTER = "PULSE_COVER";
export const CONTENT_MASTER = "PULSE_CONTENT";

// The two slide masters (cover; content with its title bar and a footer with the shop, the period and the slide
// number) and the cover slide.
import type { CoverSlide, DeckContent } from "./deck-content.ts";
import { joinDateCharacters } from "../lib/reporting/cjk-dates.ts";
import {
  COLORS,
  CONTENT_MASTER,
  CONTENT_W,
  COVER_MASTER,
  FONT,
  FOOTER_Y,
  MARGIN_X,
  type PptxGenJS,
  SLIDE_W,
  TITLE_BAR_H,
  TITLE_PT,
  TITLE_W,
} from "./deck-style.ts";

export function defineMasters(pptx: PptxGenJS, content: DeckContent): void {
  const footer = `${content.shopName} · ${content.title} · ${content.periodLabel}`;
  const footerText = (color: string) => ({
    text: {
      text: footer,
      options: {
        x: MARGIN_X,
        y: FOOTER_Y,
        w: 8,
        h: 0.28,
        fontFace: FONT,
        fontSize: 9,
        color,
        fit: "shrink" as const,
      },
    },
  });
  const slideNumber = (color: string) => ({
    x: SLIDE_W - MARGIN_X - 0.6,
    y: FOOTER_Y,
    w: 0.6,
    h: 0.28,
    fontFace: FONT,
    fontSize: 9,
    color,
    align: "right" as const,
  });
  pptx.defineSlideMaster({
    title: CONTENT_MASTER,
    background: { color: COLORS.white },
    objects: [
      {
        rect: {
          x: 0,
          y: 0,
          w: SLIDE_W,
          h: TITLE_BAR_H,
          fill: { color: COLORS.navy },
          line: { color: COLORS.navy },
        },
      },
      {
        line: {
          x: MARGIN_X,
          y: FOOTER_Y - 0.04,
          w: CONTENT_W,
          h: 0,
          line: { color: COLORS.rule, width: 0.75 },
        },
      },
      footerText(COLORS.muted),
      {
        placeholder: {
          options: {
            name: "title",
            type: "title",
            x: MARGIN_X,
            y: 0.1,
            w: TITLE_W,
            h: TITLE_BAR_H - 0.2,
            fontFace: FONT,
            fontSize: TITLE_PT,
            bold: true,
            color: COLORS.white,
            align: "left",
            valign: "middle",
            margin: 0,
          },
          text: "",
        },
      },
    ],
    slideNumber: slideNumber(COLORS.muted),
  });
  pptx.defineSlideMaster({
    title: COVER_MASTER,
    background: { color: COLORS.navy },
    objects: [
      footerText("C7D2FE"),
      {
        placeholder: {
          options: {
            name: "title",
            type: "title",
            x: MARGIN_X + 0.2,
            y: 2.1,
            w: CONTENT_W - 0.4,
            h: 0.6,
            fontFace: FONT,
            fontSize: 26,
            color: COLORS.white,
            align: "left",
            valign: "middle",
            margin: 0,
          },
          text: "",
        },
      },
    ],
    slideNumber: slideNumber("C7D2FE"),
  });
}

export function renderCover(pptx: PptxGenJS, slide: CoverSlide): void {
  const page = pptx.addSlide({ masterName: COVER_MASTER });
  page.addText(slide.shopName, {
    x: MARGIN_X + 0.2,
    y: 1.2,
    w: CONTENT_W - 0.4,
    h: 0.8,
    fontFace: FONT,
    fontSize: 36,
    bold: true,
    color: COLORS.white,
    fit: "shrink",
    objectName: "cover-shop",
  });
  page.addText(slide.title, { placeholder: "title" });
  page.addText(
    slide.lines.map((line) => ({ text: joinDateCharacters(line), options: { breakLine: true } })),
    {
      x: MARGIN_X + 0.2,
      y: 2.9,
      w: CONTENT_W - 0.4,
      h: 1.9,
      fontFace: FONT,
      fontSize: 12,
      color: "E5E7EB",
      valign: "top",
      paraSpaceAfter: 4,
      fit: "shrink",
      objectName: "cover-period",
    },
  );
}

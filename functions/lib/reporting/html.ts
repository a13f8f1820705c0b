// Escaping for the emails: product names, channel names, finding messages and the shop's name come from data
// that other people control (a Shopify product title is free text), so none of it reaches HTML or a mail
// header unescaped.
import { pathToFileURL } from "node:url";
import { CJK_DATE } from "./cjk-dates.ts";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Safe in element content and in double- or single-quoted attribute values. */
export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? "").replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** Escaped HTML with each Japanese or Chinese date in a span that keeps it on one line. */
export function keepDatesWhole(html: string): string {
  return html.replace(CJK_DATE, (date) => `<span style="white-space:nowrap;">${date}</span>`);
}

/** Text as an element's content (not an attribute's value, nor a <title>'s): escaped, its dates kept whole. */
export function htmlText(value: string | number | null | undefined): string {
  return keepDatesWhole(escapeHtml(value));
}

// C0 and C1 control characters (CR and LF among them), DEL, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const HEADER_BREAKERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line fit for a mail header: no line breaks or control characters, runs of spaces collapsed. */
export function sanitizeHeader(value: string): string {
  return value
    .replace(HEADER_BREAKERS, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
}

/**
 * A link fit for an href, or null. Only http(s) and file links qualify (a `javascript:` URL in configuration
 * must never become clickable); a local absolute path (the folder bucket's deck link) becomes a file URL.
 */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  if (url.startsWith("/")) return pathToFileURL(url).toString();
  try {
    const parsed = new URL(url);
    return ["https:", "http:", "file:"].includes(parsed.protocol) ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/** An email ready for the mailer: a one-line subject, an HTML part and a plain-text part with the same content. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export const EMAIL_COLORS = {
  page: "#f3f4f6",
  card: "#ffffff",
  ink: "#111827",
  muted: "#6b7280",
  rule: "#e5e7eb",
  good: "#1e7e34",
  bad: "#b91c1c",
  warning: "#92400e",
  info: "#1d4ed8",
  accent: "#1f2a44",
} as const;

/**
 * The shell every email shares: a centred column at most 640px wide (fluid below) on a light page, inline styles only (mail clients drop
 * <style> blocks and external CSS). `title` and `preheader` are plain text and escaped here; `body` is HTML
 * that the caller has already escaped.
 */
export function emailDocument(input: { title: string; preheader: string; body: string }): string {
  const c = EMAIL_COLORS;
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${escapeHtml(input.title)}</title>`,
    "</head>",
    `<body style="margin:0;padding:0;-webkit-text-size-adjust:100%;background-color:${c.page};color:${c.ink};font-family:Arial,Helvetica,sans-serif;">`,
    `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${escapeHtml(input.preheader)}</div>`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:${c.page};">`,
    '<tr><td align="center" style="padding:12px 6px;">',
    // Outlook for Windows ignores max-width: only it sees the 640px ghost table. Every other client gets a fluid
    // column, so nothing is wider than a 390px phone.
    '<!--[if mso]><table role="presentation" width="640" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->',
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px;background-color:${c.card};color:${c.ink};border:1px solid ${c.rule};">`,
    input.body,
    "</table>",
    "<!--[if mso]></td></tr></table><![endif]-->",
    "</td></tr>",
    "</table>",
    "</body>",
    "</html>",
  ].join("\n");
}

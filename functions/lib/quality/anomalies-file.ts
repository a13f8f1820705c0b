// The run's readable anomalies file in the bucket: runs/dt=<date>/anomalies.md for people and anomalies.json
// for tools, with every finding of the run so far (ingest, check sources, check quality). Both check steps
// rewrite it, so it is complete whichever step ran last. Rendering is pure; writing is one helper.
// The JSON keeps the findings as stored (ISO dates, the same in every locale) for tools to compare; the markdown is
// read by people, so its dates are written in the shop's locale, as the email, the deck and the dashboard write them.
import { anomaliesPaths } from "../bucket-layout.ts";
import { formatFindingText, formatLongDate } from "../reporting/display-format.ts";
import { type Finding, SEVERITY_RANK, sortFindings } from "../../shared/findings.ts";
import type { Bucket } from "../../shared/ports.ts";

export interface AnomaliesDocument {
  runDate: string;
  counts: { critical: number; warning: number; info: number; blocking: number };
  findings: Finding[];
}

export function anomaliesDocument(runDate: string, findings: readonly Finding[]): AnomaliesDocument {
  const sorted = sortFindings(findings);
  return {
    runDate,
    counts: {
      critical: sorted.filter((finding) => finding.severity === "critical").length,
      warning: sorted.filter((finding) => finding.severity === "warning").length,
      info: sorted.filter((finding) => finding.severity === "info").length,
      blocking: sorted.filter((finding) => finding.blocking).length,
    },
    findings: sorted,
  };
}

/** Markdown cells cannot hold pipes or line breaks. */
function cell(value: unknown): string {
  if (value === undefined || value === null || value === "") return "—";
  return String(value).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function where(finding: Finding): string {
  const parts = [
    finding.source,
    finding.table,
    finding.column ? `column ${finding.column}` : undefined,
    finding.metric ? `metric ${finding.metric}` : undefined,
  ].filter((part): part is string => Boolean(part));
  return parts.length ? parts.join(", ") : finding.subject;
}

const HEADINGS: Record<Finding["severity"], string> = {
  critical: "Critical",
  warning: "Warnings",
  info: "For information",
};

/** A cell people read: its ISO dates ("last day 2026-11-16", "data through 2026-11-21") in the locale. */
function readableCell(value: unknown, locale: string): string {
  return cell(typeof value === "string" ? formatFindingText(value, locale) : value);
}

export function renderAnomaliesMarkdown(document: AnomaliesDocument, locale: string): string {
  const { runDate, counts, findings } = document;
  const lines = [`# Checks for ${formatLongDate(runDate, locale)}`, ""];
  if (findings.length === 0) {
    lines.push("Every check passed: nothing to report.", "");
    return lines.join("\n");
  }
  lines.push(
    `${counts.critical} critical, ${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ${counts.info} for information.` +
      (counts.blocking
        ? ` ${counts.blocking} blocking: the run stopped before export.`
        : " Nothing blocks the run."),
    "",
  );
  const severities: Finding["severity"][] = ["critical", "warning", "info"];
  for (const severity of severities.sort((a, b) => SEVERITY_RANK[a] - SEVERITY_RANK[b])) {
    const group = findings.filter((finding) => finding.severity === severity);
    if (group.length === 0) continue;
    lines.push(`## ${HEADINGS[severity]}`, "");
    for (const finding of group)
      lines.push(
        `- ${finding.blocking ? "**Blocking.** " : ""}${formatFindingText(finding.message, locale)}`,
      );
    lines.push("");
    lines.push("| check | step | where | observed | expected |", "| --- | --- | --- | --- | --- |");
    for (const finding of group) {
      lines.push(
        `| ${cell(finding.check)} | ${cell(finding.step)} | ${readableCell(where(finding), locale)} | ${readableCell(finding.observed, locale)} | ${readableCell(finding.expected, locale)} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

export async function writeAnomaliesFiles(
  bucket: Bucket,
  runDate: string,
  findings: readonly Finding[],
  locale: string,
): Promise<string[]> {
  const document = anomaliesDocument(runDate, findings);
  const paths = anomaliesPaths(runDate);
  await bucket.write(paths.json, `${JSON.stringify(document, null, 2)}\n`, {
    contentType: "application/json",
  });
  await bucket.write(paths.markdown, renderAnomaliesMarkdown(document, locale), {
    contentType: "text/markdown; charset=utf-8",
  });
  return [paths.markdown, paths.json];
}

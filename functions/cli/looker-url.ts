// pulse looker-url: prints the Looker Studio Linking API link that creates the dashboard over the bucket's
// extracts (docs/dashboard.md). Prints only: following the link is the reader's, with their own Google account.
import { parseArgs } from "node:util";
import { lookerLinks } from "../lib/looker-linking.ts";
import { loadConfig } from "../shared/config.ts";
import { EXTRACT_NAMES } from "../shared/pipeline.ts";

export const LOOKER_URL_HELP = `Usage
  npm run pulse -- looker-url [--bucket NAME] [--template REPORT_ID] [--report-name NAME]

Prints a Looker Studio Linking API link (https://lookerstudio.google.com/reporting/create?...) that creates
the DTC Pulse dashboard with one Google Cloud Storage data source per extract, each bound to
<bucket>/extracts/latest/<extract>.csv. Whoever opens it needs read access to the bucket's extracts/ folder
(Terraform's analysts_group) and saves the copy with "Edit and share".

  --bucket NAME          the Cloud Storage bucket (default: the cloud.bucket setting, PULSE_BUCKET)
  --template REPORT_ID   the template report to copy, whose data sources have the extracts' names as aliases
                         (default: the looker.templateReportId setting, PULSE_LOOKER_TEMPLATE_REPORT_ID).
                         Without one: a link per extract, each a copy of Looker Studio's default report
  --report-name NAME     the new report's name (default: "DTC Pulse — <shop name>")
  -h, --help             this help

Extracts: ${EXTRACT_NAMES.join(", ")}.
docs/dashboard.md lays out the report's pages, charts and calculated fields; docs/extracts.md the columns.`;

export class LookerUrlUsageError extends Error {}

/** `looker-url`: the link(s) on stdout, one per line (a note on stderr without a template); the exit status. */
export function runLookerUrl(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      bucket: { type: "string" },
      template: { type: "string" },
      "report-name": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    out(LOOKER_URL_HELP);
    return 0;
  }
  const config = loadConfig({
    env: {
      ...env,
      ...(values.bucket !== undefined ? { PULSE_BUCKET: values.bucket } : {}),
      ...(values.template !== undefined ? { PULSE_LOOKER_TEMPLATE_REPORT_ID: values.template } : {}),
    },
    cwd,
  });
  const bucket = config.cloud.bucket;
  if (!bucket) {
    throw new LookerUrlUsageError(
      "no bucket: pass --bucket NAME or set PULSE_BUCKET (cloud.bucket in pulse.config.json)",
    );
  }
  const templateReportId = config.looker.templateReportId;
  const links = lookerLinks({
    bucket,
    reportName: values["report-name"] ?? `DTC Pulse — ${config.shop.name}`,
    extracts: EXTRACT_NAMES,
    ...(templateReportId ? { templateReportId } : {}),
  });
  if (!templateReportId) {
    err(
      "No template report (--template, PULSE_LOOKER_TEMPLATE_REPORT_ID): one link per extract, each a copy of " +
        "Looker Studio's default report. docs/dashboard.md says how to build the template once.",
    );
    for (const link of links) out(`${link.extracts}\t${link.url}`);
  } else {
    for (const link of links) out(link.url);
  }
  return 0;
}

// Looker Studio Linking API links (https://developers.google.com/looker-studio/integrate/linking-api): a URL
// that opens a copy of a template report with each of its data sources replaced by a Google Cloud Storage data
// source over one extract in the bucket. The parameter names are the Linking API's: c.reportId (the template),
// r.reportName, and per data source alias ds.<alias>.connector=googleCloudStorage, .pathType (FILE: one file;
// FOLDER would merge every CSV of extracts/latest/, which have different columns), .path (bucket/object, no
// gs://), .datasourceName and .refreshFields.
import { latestExtractPath } from "./bucket-layout.ts";

export const LINKING_API_CREATE_URL = "https://lookerstudio.google.com/reporting/create";

export interface LookerLinkRequest {
  bucket: string;
  reportName: string;
  /** The extracts, one data source each; in the template each data source's alias is its extract's name. */
  extracts: readonly string[];
  /** The template report; without one, Looker Studio's default report takes one data source only. */
  templateReportId?: string;
}

export interface LookerLink {
  /** The extract the link binds, or "all" for the template report's link. */
  extracts: string;
  url: string;
}

/** The Linking API's encoding: each value URL-encoded ("/" as %2F, space as %20), the names as they are. */
function query(parameters: readonly (readonly [string, string])[]): string {
  return parameters.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&");
}

/** The GCS connector's configuration of one extract's latest file, under a data source alias ("" for none). */
function dataSourceParameters(bucket: string, extract: string, alias: string): [string, string][] {
  const prefix = alias ? `ds.${alias}.` : "ds.";
  return [
    [`${prefix}connector`, "googleCloudStorage"],
    [`${prefix}pathType`, "FILE"],
    [`${prefix}path`, `${bucket}/${latestExtractPath(extract)}`],
    [`${prefix}datasourceName`, `DTC Pulse · ${extract}`],
  ];
}

/**
 * With a template: one link creating the whole report, every data source (aliased by its extract's name)
 * replaced by its extract, keeping the template's field settings (refreshFields=false: the template was built on
 * the same columns, with ratio fields set to no aggregation). Without one: a link per extract, each a copy of
 * Looker Studio's default report over that extract alone (the default report has one data source).
 */
export function lookerLinks(request: LookerLinkRequest): LookerLink[] {
  const { bucket, reportName, extracts, templateReportId } = request;
  if (templateReportId) {
    const parameters: [string, string][] = [
      ["c.reportId", templateReportId],
      ["r.reportName", reportName],
      ...extracts.flatMap((extract) => [
        ...dataSourceParameters(bucket, extract, extract),
        [`ds.${extract}.refreshFields`, "false"] as [string, string],
      ]),
    ];
    return [{ extracts: "all", url: `${LINKING_API_CREATE_URL}?${query(parameters)}` }];
  }
  return extracts.map((extract) => ({
    extracts: extract,
    url: `${LINKING_API_CREATE_URL}?${query([
      ["r.reportName", `${reportName} · ${extract}`],
      ...dataSourceParameters(bucket, extract, ""),
    ])}`,
  }));
}

// The slice of the BigQuery REST shapes and of @google-cloud/bigquery that this adapter uses. Kept local and small
// so that tests can hand in a recording fake, and so that a library upgrade is checked in one place (cloud-ports).

export interface QueryParameterType {
  type: string;
  arrayType?: QueryParameterType;
  structTypes?: { name: string; type: QueryParameterType }[];
}

export interface QueryParameterValue {
  /** Absent for NULL. */
  value?: string;
  arrayValues?: QueryParameterValue[];
  structValues?: Record<string, QueryParameterValue>;
}

export interface QueryParameter {
  name: string;
  parameterType: QueryParameterType;
  parameterValue: QueryParameterValue;
}

export interface QueryJobConfiguration {
  query: string;
  useLegacySql: boolean;
  parameterMode: "NAMED";
  queryParameters: QueryParameter[];
  defaultDataset: { projectId: string; datasetId: string };
  /** int64 as a decimal string, as the REST API wants it. */
  maximumBytesBilled: string;
}

export interface JobRequest {
  /** Absent for dry runs, which create no job. */
  jobId?: string;
  location: string;
  configuration: { query: QueryJobConfiguration; labels: Record<string, string>; dryRun?: boolean };
}

export interface JobErrorProto {
  reason?: string;
  message?: string;
  location?: string;
}

export interface SchemaField {
  name?: string;
  type?: string;
  mode?: string;
  fields?: SchemaField[];
}

export interface JobMetadata {
  id?: string;
  jobReference?: { jobId?: string; location?: string };
  status?: { state?: string; errorResult?: JobErrorProto | null; errors?: JobErrorProto[] | null };
  statistics?: {
    startTime?: string;
    endTime?: string;
    totalSlotMs?: string;
    query?: {
      totalBytesProcessed?: string;
      totalBytesBilled?: string;
      numDmlAffectedRows?: string;
      schema?: { fields?: SchemaField[] };
    };
  };
}

export interface RawCell {
  v?: unknown;
}

export interface RawRow {
  f?: RawCell[];
}

export interface QueryResultsPage {
  jobComplete?: boolean;
  schema?: { fields?: SchemaField[] };
  rows?: RawRow[];
  pageToken?: string;
  totalRows?: string;
}

export interface QueryResultsRequest {
  maxResults: number;
  pageToken?: string;
  autoPaginate: false;
  /** Rows stay in the REST f/v form; this adapter decodes them itself (see decodeValue). */
  skipParsing: true;
}

export interface BigQueryJobHandle {
  getMetadata(): Promise<[JobMetadata, ...unknown[]]>;
  getQueryResults(
    request: QueryResultsRequest,
  ): Promise<[unknown, unknown?, QueryResultsPage?, ...unknown[]]>;
}

export interface BigQueryClient {
  createJob(request: JobRequest): Promise<[BigQueryJobHandle, ...unknown[]]>;
  job(id: string, options: { location: string }): BigQueryJobHandle;
}

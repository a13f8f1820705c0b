// Pure: turn a failure to list the raw dataset into a sentence that says what to fix. The causes differ in
// their cure (credentials, project, dataset), and a raw driver message rarely says which one it is.

export type WarehouseProblem = "credentials" | "permission" | "project" | "dataset" | "unknown";

export interface WarehouseDiagnosis {
  problem: WarehouseProblem;
  message: string;
}

function textOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error);
}

export function diagnoseWarehouseError(error: unknown, dataset: string): WarehouseDiagnosis {
  const reason = textOf(error);
  const status = (error as { code?: unknown; status?: unknown } | undefined)?.code;
  const code = typeof status === "number" ? status : (error as { status?: unknown } | undefined)?.status;
  const lower = reason.toLowerCase();
  if (
    code === 401 ||
    /could not load the default credentials|invalid_grant|unauthenticated|invalid credentials|login required/.test(
      lower,
    )
  ) {
    return {
      problem: "credentials",
      message: `The warehouse rejected the credentials: check GOOGLE_APPLICATION_CREDENTIALS or the function's service account (${reason}).`,
    };
  }
  if (code === 403 || /permission|access denied|forbidden/.test(lower)) {
    return {
      problem: "permission",
      message: `The service account may not read dataset "${dataset}": grant it BigQuery Data Viewer and Job User (${reason}).`,
    };
  }
  if (/project/.test(lower) && /not found|does not exist|invalid/.test(lower)) {
    return {
      problem: "project",
      message: `The warehouse project was not found: check the project id in the configuration (${reason}).`,
    };
  }
  if (code === 404 || /not found|does not exist|catalog error/.test(lower)) {
    return {
      problem: "dataset",
      message: `The raw dataset "${dataset}" does not exist: check the dataset name, or that the loader (Airbyte, file ingest) has run at least once (${reason}).`,
    };
  }
  return {
    problem: "unknown",
    message: `The warehouse is not reachable or the raw dataset "${dataset}" cannot be listed (check credentials, project and dataset): ${reason}`,
  };
}

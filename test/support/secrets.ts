// Secrets ports for tests: fixed values, nothing read from disk or Secret Manager (tools/fixed-secrets.ts).
export { fixedSecrets, TEST_PII_KEY } from "../../tools/fixed-secrets.ts";

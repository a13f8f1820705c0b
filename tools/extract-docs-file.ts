// docs/extracts.md as committed: the rendering of the extracts' declaration, formatted by the repository's
// Prettier settings (so that `npm run lint` accepts the generated file as it is).
import { format, resolveConfig } from "prettier";
import { extractsMarkdown } from "../functions/lib/extract-docs.ts";

export const EXTRACTS_DOC = new URL("../docs/extracts.md", import.meta.url);

export async function formattedExtractsMarkdown(): Promise<string> {
  const options = (await resolveConfig(EXTRACTS_DOC)) ?? {};
  return format(extractsMarkdown(), { ...options, parser: "markdown" });
}

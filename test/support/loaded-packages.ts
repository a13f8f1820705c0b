// Imported first into a child process (node --import tsx --import ./test/support/loaded-packages.ts): at its
// exit, writes the npm packages it loaded through require, one a line, to $PULSE_LOADED_PACKAGES_FILE. Every
// CommonJS package counts, whether imported from ESM or required: the Google Cloud clients are all CommonJS.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const loaded = createRequire(import.meta.url).cache;

process.on("exit", () => {
  const packages = new Set<string>();
  for (const file of Object.keys(loaded)) {
    const name = /node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(file)?.[1];
    if (name) packages.add(name);
  }
  writeFileSync(process.env.PULSE_LOADED_PACKAGES_FILE ?? "", [...packages].sort().join("\n"));
});

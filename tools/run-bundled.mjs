// `npm start`: runs a TypeScript entry (the command line, functions/cli/main.ts) from its bundle, built first when
// missing or out of date (tools/bundle.mjs). Usage: node tools/run-bundled.mjs <entry.ts> [its arguments…]
import { dirname, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundledEntry, bundleFolder } from "./bundle.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: node tools/run-bundled.mjs <entry.ts> [arguments…]\n");
  process.exit(2);
}
let bundled;
try {
  bundled = await bundledEntry(root, entry, bundleFolder(root, entry));
} catch (error) {
  const said = error instanceof Error ? error.message : String(error);
  // A build error names the code to fix; anything else is where the bundle goes (dist/bundled/ not writable).
  const todo = said.startsWith("bundling the code failed")
    ? "Fix the code above"
    : `The bundle could not be written under ${bundleFolder(root, entry)}: make that folder writable`;
  process.stderr.write(`${said}\n${todo}, or run the TypeScript directly: npx tsx ${entry}\n`);
  process.exit(1);
}
// Stack traces name the TypeScript files and lines, as they did under tsx.
process.setSourceMapsEnabled(true);
// The entry runs as if started itself: its main-module check compares its own URL with argv[1].
process.argv = [process.argv[0] ?? process.execPath, bundled, ...args];
await import(pathToFileURL(bundled).href);

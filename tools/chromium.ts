// The one headless Chromium of the repository: Debian's (installed by tools/ensure-test-tools.sh; Playwright's own
// browser download cannot work on a closed network) driven by playwright-core. `npm run preview` renders with
// it, and the browser tests (test/support/browser.ts) launch it through here, so tools never reach into test/.
import { access, constants } from "node:fs/promises";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.PULSE_CHROMIUM ?? "/usr/bin/chromium";

/** Flags that keep Chromium off the network (this machine's network is closed) and fit a root sandbox. */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
] as const;

/** A headless Chromium, or an error that says where it looked and how to get one. */
export async function launchChromium(): Promise<Browser> {
  try {
    await access(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: run tools/ensure-test-tools.sh or set PULSE_CHROMIUM.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS] });
}

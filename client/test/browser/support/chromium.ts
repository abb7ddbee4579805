import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

// Debian's Chromium (apt-get install -y chromium), driven by playwright-core; playwright's own
// browser download does not work offline.

export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

export const hasChromium = existsSync(CHROMIUM_PATH);

export const SKIP_MESSAGE = `browser tests skipped: ${CHROMIUM_PATH} is absent (install it with \`apt-get install -y chromium\`)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

import { randomBytes } from "node:crypto";

// Secrets in the shapes core's validateSecret accepts, unique per call, so a test can search
// every response, log line and row for them.

const tail = (length = 40): string => randomBytes(length).toString("base64url").slice(0, length);

export const secrets = {
  anthropicKey: (): string => `sk-ant-api03-${tail()}`,
  anthropicSubscription: (): string => `sk-ant-oat01-${tail()}`,
  openaiKey: (): string => `sk-proj-${tail()}`,
  codexAuthJson: (): string =>
    JSON.stringify({ tokens: { access_token: `eyJ${tail(60)}`, refresh_token: `rt_${tail()}` } }),
  geminiKey: (): string => `AIza${tail(35)}`,
  copilotToken: (): string => `gho_${tail(36)}`,
};

/** Valid session/user ids that exist nowhere. */
export const unknownId = (): string => crypto.randomUUID();

import { describe, expect, it } from "vitest";
import { scrub } from "../src/scrub.js";

describe("scrub", () => {
  const secret = "my-very-private-credential-0123456789";

  it("removes the secret wherever it appears", () => {
    const out = scrub(`key ${secret} refused; again: ${secret}.`, [secret]);
    expect(out).not.toContain(secret);
    expect(out).toBe("key [redacted] refused; again: [redacted].");
  });

  it("removes a truncated or masked echo of the secret", () => {
    const out = scrub(`Incorrect key ${secret.slice(0, 14)}****${secret.slice(-9)}`, [secret]);
    expect(out).not.toContain(secret.slice(0, 14));
    expect(out).not.toContain(secret.slice(-9));
  });

  it("removes anything shaped like a provider key or token, even when it is not the secret", () => {
    const samples = [
      "sk-ant-api03-AbCdEfGhIjKlMnOpQrSt",
      "sk-ant-oat01-AbCdEfGhIjKlMnOpQrSt",
      "sk-proj-AbCdEf****wxyz",
      "AIzaSyA1b2C3d4E5f6G7h8I9j0",
      "ghp_0123456789abcdefABCDEF",
      "github_pat_0123456789_abcdefABCDEF",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    ];
    for (const sample of samples) {
      expect(scrub(`before ${sample} after`)).toBe("before [redacted] after");
    }
  });

  it("keeps the scheme of an Authorization header and the name of a key parameter", () => {
    expect(scrub("Authorization: Bearer abc.def-ghi")).toBe("Authorization: Bearer [redacted]");
    expect(scrub("GET /v1beta/models?key=abc123&alt=sse")).toBe(
      "GET /v1beta/models?key=[redacted]&alt=sse",
    );
  });

  it("leaves ordinary provider messages readable", () => {
    const message = "Anthropic request failed (HTTP 529): Overloaded, try again later";
    expect(scrub(message, [secret])).toBe(message);
  });
});

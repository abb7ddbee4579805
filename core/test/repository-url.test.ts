import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isAppError } from "../src/errors/app-error.js";
import {
  isCommitRef,
  isForbiddenRepositoryAddress,
  parseRepositoryRef,
  parseRepositoryUrl,
  REPOSITORY_URL_MAX,
} from "../src/repository/repository-url.js";

/** A GitHub-token-shaped secret made at run time (none is committed). */
const githubToken = (): string => `ghp_${randomBytes(27).toString("base64url").slice(0, 36)}`;

/** The refusal's message, asserting it is BAD_USER_INPUT on the field and never repeats the input. */
function refusal(run: () => unknown, input: string, field = "repoUrl"): string {
  try {
    run();
  } catch (error) {
    if (!isAppError(error)) throw error;
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.details).toEqual({ field });
    if (input.length > 12) expect(error.message).not.toContain(input);
    return error.message;
  }
  throw new Error(`accepted: ${input}`);
}

describe("parseRepositoryUrl", () => {
  it("accepts https URLs of any host, normalised, and blank as none", () => {
    expect(parseRepositoryUrl("  https://github.com/acme/app.git ")).toBe(
      "https://github.com/acme/app.git",
    );
    expect(parseRepositoryUrl("https://gitlab.example:8443/group/sub/app")).toBe(
      "https://gitlab.example:8443/group/sub/app",
    );
    expect(parseRepositoryUrl("https://[2001:db8::1]/x/y.git")).toBe(
      "https://[2001:db8::1]/x/y.git",
    );
    expect(parseRepositoryUrl("   ")).toBeNull();
    expect(parseRepositoryUrl(null)).toBeNull();
    expect(parseRepositoryUrl(undefined)).toBeNull();
  });

  it("refuses other schemes, credentials, metadata and link-local hosts, queries, oversize", () => {
    const cases: [string, RegExp][] = [
      ["http://github.com/acme/app.git", /https/],
      ["ssh://git@github.com/acme/app.git", /https/],
      ["git://github.com/acme/app.git", /https/],
      ["git@github.com:acme/app.git", /https/],
      ["file:///etc/passwd", /https/],
      ["/srv/repo.git", /https/],
      ["javascript:alert(1)", /https/],
      ["ext::sh -c touch% /tmp/pwned", /spaces/],
      [`https://x-access-token:${githubToken()}@github.com/a/b`, /token/],
      [`https://${githubToken()}@github.com/a/b`, /token/],
      ["https://user@github.com/a/b", /user name/],
      ["https://169.254.169.254/latest/meta-data", /metadata/],
      ["https://169.254.1.1/a/b", /metadata/],
      ["https://2852039166/a/b", /metadata/], // 169.254.169.254 in decimal
      ["https://0xa9.0xfe.0xa9.0xfe/a/b", /metadata/],
      ["https://[fd00:ec2::254]/a/b", /metadata/],
      ["https://[fe80::1]/a/b", /metadata/],
      ["https://[::ffff:169.254.169.254]/a/b", /metadata/],
      ["https://metadata.google.internal/computeMetadata/v1/", /metadata/],
      ["https://METADATA.google.internal./x", /metadata/],
      ["https://127.0.0.1/a/b", /this machine/],
      ["https://localhost/a/b", /this machine/],
      ["https://[::1]/a/b", /this machine/],
      ["https://0.0.0.0/a/b", /metadata/],
      ["https://github.com/a/b?token=1", /query/],
      ["https://github.com/a/b#x", /fragment/],
      ["https://github.com/", /name a repository/],
      ["https://github.com/a/b\nhttps://evil/x", /control/],
      ["https://github.com/a/b\u0000", /control/],
      [`https://github.com/${"r".repeat(REPOSITORY_URL_MAX)}`, /too long/],
      [`https://github.com/${"r".repeat(REPOSITORY_URL_MAX * 3)}`, /too long/],
      ["not a url", /spaces/],
      ["https://", /https/],
    ];
    for (const [input, message] of cases) {
      expect(
        refusal(() => parseRepositoryUrl(input), input),
        input,
      ).toMatch(message);
    }
  });

  it("accepts loopback http(s) only when the tests' rule allows it", () => {
    const local = "http://127.0.0.1:40123/private.git";
    refusal(() => parseRepositoryUrl(local), local);
    expect(parseRepositoryUrl(local, { allowLoopback: true })).toBe(local);
    expect(parseRepositoryUrl("https://localhost:1/a", { allowLoopback: true })).toBe(
      "https://localhost:1/a",
    );
    // The rule opens loopback, nothing else: plain http elsewhere and metadata stay refused.
    const remote = "http://github.com/acme/app.git";
    refusal(() => parseRepositoryUrl(remote, { allowLoopback: true }), remote);
    const metadata = "http://169.254.169.254/latest";
    refusal(() => parseRepositoryUrl(metadata, { allowLoopback: true }), metadata);
  });
});

describe("parseRepositoryRef", () => {
  it("accepts branch and tag names and commits", () => {
    expect(parseRepositoryRef("main")).toBe("main");
    expect(parseRepositoryRef("release/1.2")).toBe("release/1.2");
    expect(parseRepositoryRef("refs/heads/feature/x")).toBe("feature/x");
    expect(parseRepositoryRef("v1.0.0")).toBe("v1.0.0");
    expect(parseRepositoryRef("ABCDEF1")).toBe("abcdef1");
    expect(parseRepositoryRef("a".repeat(40))).toBe("a".repeat(40));
    expect(parseRepositoryRef(" ")).toBeNull();
    expect(isCommitRef("abcdef1")).toBe(true);
    expect(isCommitRef("main")).toBe(false);
  });

  it("refuses what git would read as an option or a revision expression", () => {
    for (const input of [
      "--upload-pack=touch /tmp/x",
      "-b",
      "main..evil",
      "HEAD@{1}",
      "a b",
      "a~1",
      "a^",
      "a:b",
      "a?",
      "a*",
      "a[",
      "a\\b",
      "a//b",
      "/main",
      "main/",
      "main.",
      "feature/.hidden",
      "main.lock",
      "@",
      "x\ny",
      "x".repeat(256),
    ]) {
      refusal(() => parseRepositoryRef(input), input, "repoRef");
    }
  });
});

describe("isForbiddenRepositoryAddress", () => {
  it("refuses what a host name may resolve to: link-local, metadata, unspecified, loopback", () => {
    for (const address of [
      "169.254.169.254",
      "fd00:ec2::254",
      "fe80::1",
      "0.0.0.0",
      "::",
      "127.0.0.1",
      "::1",
      "::ffff:169.254.169.254",
      "::ffff:a9fe:a9fe",
      "::ffff:127.0.0.1",
    ]) {
      expect(isForbiddenRepositoryAddress(address), address).toBe(true);
    }
    expect(isForbiddenRepositoryAddress("140.82.112.3")).toBe(false);
    expect(isForbiddenRepositoryAddress("2606:50c0:8000::154")).toBe(false);
    expect(isForbiddenRepositoryAddress("127.0.0.1", { allowLoopback: true })).toBe(false);
  });
});

import { isIP } from "node:net";
import { AppError } from "../errors/app-error.js";

// A session's repository, checked where it is stored (createSession) and again where it is
// used (the worker's clone and push), since a row may predate the rules. The worker hands the
// URL to git with the user's repository token, so the rules are about where that token may go:
// https only, no credential in the URL itself (it would be stored and shown in the clear), and
// never the cloud metadata endpoints (a token-bearing request there, or a clone of one, is the
// classic server-side request forgery).

/** The longest repository URL accepted. */
export const REPOSITORY_URL_MAX = 2048;
/** The longest branch, tag or commit accepted as the ref to check out. */
export const REPOSITORY_REF_MAX = 255;

export interface RepositoryUrlRules {
  /**
   * Tests only (REPOSITORY_ALLOW_LOOPBACK): also accept http:// and https:// to 127.0.0.1,
   * ::1 and localhost, where a test's own git server listens. Off in every real deployment.
   */
  readonly allowLoopback?: boolean;
}

const badInput = (message: string, field: string): AppError =>
  new AppError("BAD_USER_INPUT", message, { field });

const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata.goog", "metadata"]);

/** 169.254.0.0/16 (link-local, where AWS, GCP and Azure answer metadata requests). */
const isLinkLocalV4 = (address: string): boolean => address.startsWith("169.254.");

function isLoopback(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** IPv6 link-local (fe80::/10), AWS's fd00:ec2::254, and IPv4 ones mapped into IPv6. */
function isForbiddenV6(address: string): boolean {
  const lower = address.toLowerCase();
  if (/^fe[89ab][0-9a-f]:/.test(lower)) return true;
  if (/^fd00:ec2:(0:){0,4}:?254$/.test(lower) || lower === "fd00:ec2::254") return true;
  // ::ffff:169.254.169.254 as a resolver gives it, or as URL writes it (::ffff:a9fe:a9fe).
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  if (dotted !== undefined) return isLinkLocalV4(dotted) || dotted === "0.0.0.0";
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (mapped !== null) {
    const high = Number.parseInt(mapped[1] ?? "0", 16);
    return high >> 8 === 169 && (high & 0xff) === 254;
  }
  return false;
}

/**
 * A repository URL as stored: trimmed, `https://host/path` (see the module comment), at most
 * REPOSITORY_URL_MAX characters; null when blank. Throws BAD_USER_INPUT `{ field }` saying
 * which rule it breaks, never repeating the URL (it may hold a credential).
 */
export function parseRepositoryUrl(
  value: string | null | undefined,
  rules: RepositoryUrlRules = {},
  field = "repoUrl",
): string | null {
  if (value === null || value === undefined) return null;
  if (value.length > REPOSITORY_URL_MAX * 2) {
    throw badInput(`${field} is too long (at most ${REPOSITORY_URL_MAX} characters)`, field);
  }
  const text = value.trim();
  if (text === "") return null;
  if (text.length > REPOSITORY_URL_MAX) {
    throw badInput(`${field} is too long (at most ${REPOSITORY_URL_MAX} characters)`, field);
  }
  // Control characters and spaces would reach git's argument list and its credential protocol.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(text)) {
    throw badInput(`${field} must not contain spaces or control characters`, field);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput(
      `${field} must be an https:// URL (e.g. https://github.com/acme/app.git)`,
      field,
    );
  }
  // URL normalises the host: decimal and hex IPv4 forms (https://2852039166/) become dotted.
  const host = url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  const loopbackOk = rules.allowLoopback === true && isLoopback(host);
  if (url.protocol !== "https:" && !(loopbackOk && url.protocol === "http:")) {
    throw badInput(
      `${field} must be an https:// URL (e.g. https://github.com/acme/app.git)`,
      field,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw badInput(
      `${field} must not contain a user name, password or token; store the token as the repository token instead`,
      field,
    );
  }
  if (host === "") throw badInput(`${field} has no host`, field);
  if (
    METADATA_HOSTS.has(host) ||
    (isIP(host) === 4 && (isLinkLocalV4(host) || host === "0.0.0.0")) ||
    (isIP(host) === 6 && (isForbiddenV6(host) || host === "::"))
  ) {
    throw badInput(`${field} points at a link-local or cloud metadata address`, field);
  }
  if (isLoopback(host) && !loopbackOk) {
    throw badInput(`${field} must not point at this machine (localhost)`, field);
  }
  if (url.search !== "" || url.hash !== "") {
    throw badInput(`${field} must not have a query (?…) or fragment (#…)`, field);
  }
  if (url.pathname === "/" || url.pathname === "") {
    throw badInput(`${field} must name a repository (https://host/owner/name)`, field);
  }
  return url.toString();
}

/**
 * Whether an IP address is one a repository may not be fetched from: link-local (the cloud
 * metadata endpoints among them), unspecified, or loopback unless the tests' rule allows it.
 * For the worker, which checks what a host name resolves to before git talks to it.
 */
export function isForbiddenRepositoryAddress(
  address: string,
  rules: RepositoryUrlRules = {},
): boolean {
  const host = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
  if (mapped !== undefined) return isForbiddenRepositoryAddress(mapped, rules);
  if (isLoopback(host)) return rules.allowLoopback !== true;
  if (isIP(host) === 4) return isLinkLocalV4(host) || host === "0.0.0.0";
  if (isIP(host) === 6) return isForbiddenV6(host) || host === "::";
  return true;
}

const HEX_COMMIT = /^[0-9a-f]{7,64}$/i;

/**
 * A branch, tag or commit to check out after the clone; null when blank. A commit is 7 to 64
 * hex digits; a name follows `git check-ref-format` (no `..`, `@{`, `//`, control characters,
 * spaces or `~^:?*[\`, no component starting with `.` or ending `.lock`, not starting with `-`),
 * so it can never be read as an option or a revision expression.
 */
export function parseRepositoryRef(
  value: string | null | undefined,
  field = "repoRef",
): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === "") return null;
  if (text.length > REPOSITORY_REF_MAX) {
    throw badInput(`${field} is too long (at most ${REPOSITORY_REF_MAX} characters)`, field);
  }
  if (HEX_COMMIT.test(text)) return text.toLowerCase();
  const name = text.startsWith("refs/heads/") ? text.slice("refs/heads/".length) : text;
  const invalid =
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0020\u007f~^:?*[\\]/.test(name) ||
    name.includes("..") ||
    name.includes("@{") ||
    name.includes("//") ||
    name === "@" ||
    name.startsWith("-") ||
    name.startsWith("/") ||
    name.endsWith("/") ||
    name.endsWith(".") ||
    name.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"));
  if (invalid) {
    throw badInput(
      `${field} must be a branch or tag name (e.g. main, release/1.2) or a commit (7 to 64 hex digits)`,
      field,
    );
  }
  return name;
}

/** Whether a parsed ref names a commit (rather than a branch or tag). */
export const isCommitRef = (ref: string): boolean => HEX_COMMIT.test(ref);

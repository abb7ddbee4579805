import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

// The address a request comes from, for rate limits. Behind a reverse proxy every request comes
// from the proxy, so the proxy's X-Forwarded-For is believed, but only from the addresses the
// operator listed (TRUSTED_PROXIES): anyone else could write any address there.

/** "::ffff:10.0.0.1" (IPv4 on an IPv6 socket) and "10.0.0.1" are one client. */
const normalize = (address: string): string => address.trim().replace(/^::ffff:(?=\d+\.)/i, "");

/** The TRUSTED_PROXIES list (comma-separated addresses) as a set. */
export function parseTrustedProxies(list: string): ReadonlySet<string> {
  return new Set(
    list
      .split(",")
      .map(normalize)
      .filter((address) => address !== ""),
  );
}

/**
 * The client's address: the socket's peer, or, when the peer is a trusted proxy, the nearest
 * X-Forwarded-For entry that is not one (read from the right: each proxy appends its peer).
 */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  let address = normalize(req.socket.remoteAddress ?? "unknown");
  if (!trustedProxies.has(address)) return address;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map(normalize);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i] ?? "";
    if (isIP(hop) === 0) break;
    address = hop;
    if (!trustedProxies.has(hop)) break;
  }
  return address;
}

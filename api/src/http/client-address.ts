import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

// The address a request comes from, for rate limits. Behind a reverse proxy every request comes
// from the proxy, so the proxy's X-Forwarded-For is believed, but only from the addresses the
// operator listed (TRUSTED_PROXIES): anyone else could write any address there.

/** "::ffff:10.0.0.1" (IPv4 on an IPv6 socket) and "10.0.0.1" are one client. */
const normalize = (address: string): string => address.trim().replace(/^::ffff:(?=\d+\.)/i, "");

/** Peers whose trust is remembered at most (then the memo starts over). */
const KNOWN_PEERS_MAX = 10_000;

/** Which addresses are trusted proxies. */
export interface TrustedProxies {
  has(address: string): boolean;
}

/**
 * The TRUSTED_PROXIES list: comma-separated addresses or CIDR ranges (a container network's,
 * e.g. 172.16.0.0/12). Entries that are neither are ignored.
 */
export function parseTrustedProxies(list: string): TrustedProxies {
  const trusted = new BlockList();
  for (const entry of list.split(",").map(normalize)) {
    const [address = "", bits] = entry.split("/");
    const family = isIP(address);
    if (family === 0) continue;
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) trusted.addAddress(address, type);
    else if (/^\d{1,3}$/.test(bits)) trusted.addSubnet(address, Number(bits), type);
  }
  // Every request asks about its peer, and BlockList's check costs more than the rest of a
  // small request's bookkeeping: the answers are remembered (a bounded set of peers).
  const known = new Map<string, boolean>();
  return {
    has: (address) => {
      let trustedHere = known.get(address);
      if (trustedHere === undefined) {
        const family = isIP(address);
        trustedHere = family !== 0 && trusted.check(address, family === 4 ? "ipv4" : "ipv6");
        if (known.size >= KNOWN_PEERS_MAX) known.clear();
        known.set(address, trustedHere);
      }
      return trustedHere;
    },
  };
}

/**
 * The client's address: the socket's peer, or, when the peer is a trusted proxy, the nearest
 * X-Forwarded-For entry that is not one (read from the right: each proxy appends its peer).
 */
export function clientAddress(req: IncomingMessage, trustedProxies: TrustedProxies): string {
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

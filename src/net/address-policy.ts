/**
 * Which network addresses upload-by-URL may reach. Anything but ordinary public unicast is
 * refused (loopback, private, link-local incl. cloud metadata, CGNAT, multicast, reserved…), so a
 * URL cannot be used to probe the network Pictor runs in. Operators exempt their own sources with
 * an allow-list of host names or CIDRs.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface AddressPolicy {
  /** An allow-listed host name skips every address check. */
  exemptsHost(hostname: string): boolean;
  /** Why the address may not be reached (e.g. "a loopback address"), or undefined if it may. */
  refusalFor(address: string): string | undefined;
}

/**
 * Names refused before any lookup: they never mean a public image host, and a resolver (or
 * /etc/hosts) may map them somewhere internal. The address check stays the real guard.
 */
const refusedNames = new Set([
  'localhost',
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

export function isRefusedHostName(hostname: string): boolean {
  const name = normalizeHostName(hostname);
  return refusedNames.has(name) || name.endsWith('.localhost');
}

/** Throws on a malformed CIDR so a configuration typo is not silently ignored. */
export function createAddressPolicy(allow: readonly string[]): AddressPolicy {
  const allowedHosts = new Set<string>();
  const allowedRanges: Array<[Address, number]> = [];
  for (const entry of allow) {
    if (entry.includes('/')) allowedRanges.push(parseAllowedRange(entry));
    else if (ipaddr.isValid(entry)) {
      const address = ipaddr.process(entry);
      allowedRanges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else allowedHosts.add(normalizeHostName(entry));
  }

  const isAllowListed = (address: Address) =>
    allowedRanges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));

  return {
    exemptsHost: (hostname) => allowedHosts.has(normalizeHostName(hostname)),
    refusalFor(text) {
      if (!ipaddr.isValid(text)) return 'not an IP address';
      // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1) so it is judged as the IPv4 it is.
      const address = ipaddr.process(text);
      if (isAllowListed(address)) return undefined;
      const label = classify(address);
      return label === 'public' ? undefined : label;
    },
  };
}

function parseAllowedRange(cidr: string): [Address, number] {
  if (!ipaddr.isValidCIDR(cidr)) throw new Error(`Upload-by-URL allow-list entry is not a valid CIDR: ${cidr}`);
  return ipaddr.parseCIDR(cidr);
}

function normalizeHostName(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

const rangeLabels: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  uniqueLocal: 'a private address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a shared (CGNAT) address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  unspecified: 'an unspecified address',
};

const ipv6GlobalUnicast = ipaddr.parseCIDR('2000::/3');
const nat64WellKnownPrefix = ipaddr.parseCIDR('64:ff9b::/96');

/** 'public' or a phrase naming the kind of address that is refused. */
function classify(address: Address): string {
  if (address instanceof ipaddr.IPv6) {
    // Translation and tunnel prefixes carry an IPv4 address the packet may end up at.
    const embedded = embeddedIPv4(address);
    if (embedded) return classify(embedded);
    // Nothing outside 2000::/3 is globally routed, including the deprecated IPv4-compatible ::a.b.c.d.
    if (!address.match(ipv6GlobalUnicast)) return rangeLabels[address.range()] ?? 'a reserved address';
  }
  const range = address.range();
  return range === 'unicast' ? 'public' : (rangeLabels[range] ?? 'a reserved address');
}

function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const bytes = address.toByteArray();
  switch (address.range()) {
    case 'rfc6145': // ::ffff:0:a.b.c.d (SIIT)
      return new ipaddr.IPv4(bytes.slice(12, 16));
    case 'rfc6052': // NAT64; only the well-known /96 puts the IPv4 address in the last 32 bits
      return address.match(nat64WellKnownPrefix) ? new ipaddr.IPv4(bytes.slice(12, 16)) : undefined;
    case '6to4': // 2002:AABB:CCDD::/48
      return new ipaddr.IPv4(bytes.slice(2, 6));
    default:
      return undefined;
  }
}

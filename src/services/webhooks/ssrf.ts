/**
 * The SSRF guard for webhook delivery: an endpoint may only reach the public internet, unless the
 * operator allows more with `OPENLINE_WEBHOOK_ALLOWED_CIDRS` (`serve --demo` allows loopback).
 *
 * Two checks, both needed by the dispatcher on every send:
 * - `assertEndpointUrl(url, allowed)`: shape (http/https, no credentials) and a literal IP host.
 *   Node connects to a literal IP without calling `lookup`, so this is the only check it gets.
 * - `guardedLookup(allowed)` as `http.request({ lookup })`: resolves every address of a host name,
 *   refuses if any is blocked, and hands back exactly the checked addresses, so the socket connects
 *   to what was checked (a second resolution, the DNS-rebinding trick, never happens).
 */
import dns from 'node:dns'
import type { LookupAddress, LookupAllOptions, LookupOptions } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import type { LookupFunction } from 'node:net'
import { InvalidInputError, BusinessRuleError } from '../../domain/shared/errors.js'

export type IpFamily = 'ipv4' | 'ipv6'
export interface Cidr {
  address: string
  prefix: number
  family: IpFamily
}

const CIDR_EXAMPLE = 'for example 10.0.0.0/8, fd00::/8 or 192.0.2.7'

/** Comma-separated IPv4/IPv6 CIDRs (a bare address is a single host); throws naming the first bad entry. */
export function parseAllowedCidrs(value: string | undefined): Cidr[] {
  if (value === undefined) return []
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [address = '', prefixText, extra] = entry.split('/')
      const version = isIP(address)
      const max = version === 6 ? 128 : 32
      const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN
      if (version === 0 || extra !== undefined || !(prefix <= max))
        throw new Error(`'${entry}' is not an IPv4 or IPv6 CIDR (${CIDR_EXAMPLE})`)
      return { address, prefix, family: version === 6 ? 'ipv6' : 'ipv4' }
    })
}

export const LOOPBACK_CIDRS: readonly Cidr[] = parseAllowedCidrs('127.0.0.0/8,::1/128')

/**
 * Everything that is not global unicast. IPv6 outside 2000::/3 (loopback, unspecified, IPv4-compatible,
 * NAT64 64:ff9b::/96 and 64:ff9b:1::/48, discard 100::/64, unique-local fc00::/7, link-local fe80::/10,
 * site-local, multicast ff00::/8) is refused as a whole; IPv4-mapped ::ffff:0:0/96 is checked as IPv4.
 */
const BLOCKED: ReadonlyArray<[string, number, IpFamily]> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", 0.0.0.0 (unspecified)
  ['10.0.0.0', 8, 'ipv4'], // private
  ['100.64.0.0', 10, 'ipv4'], // CGNAT shared address space
  ['127.0.0.0', 8, 'ipv4'], // loopback
  ['169.254.0.0', 16, 'ipv4'], // link-local (cloud metadata at 169.254.169.254)
  ['172.16.0.0', 12, 'ipv4'], // private
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.0.2.0', 24, 'ipv4'], // documentation TEST-NET-1
  ['192.88.99.0', 24, 'ipv4'], // 6to4 relay anycast
  ['192.168.0.0', 16, 'ipv4'], // private
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['198.51.100.0', 24, 'ipv4'], // documentation TEST-NET-2
  ['203.0.113.0', 24, 'ipv4'], // documentation TEST-NET-3
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, and 255.255.255.255 broadcast
  ['::', 3, 'ipv6'], // 0000::/3: ::, ::1, NAT64, discard-only, IPv4-compatible
  ['4000::', 2, 'ipv6'], // 4000::/2 and 8000::/1: unassigned, fc00::/7, fe80::/10, fec0::/10, ff00::/8
  ['8000::', 1, 'ipv6'],
  ['2001::', 23, 'ipv6'], // IETF protocol assignments: Teredo, benchmarking 2001:2::/48, ORCHID
  ['2001:db8::', 32, 'ipv6'], // documentation
  ['2002::', 16, 'ipv6'], // 6to4 (embeds an IPv4 address)
  ['3fff::', 20, 'ipv6'], // documentation
]

/**
 * One BlockList per family: node matches an IPv4 address against IPv6 rules through its mapped form, so in
 * a single list ::/3 would also hold every IPv4 address.
 */
type FamilyLists = Record<IpFamily, BlockList>
function blockListsOf(cidrs: ReadonlyArray<[string, number, IpFamily]>): FamilyLists {
  const lists = { ipv4: new BlockList(), ipv6: new BlockList() }
  for (const [address, prefix, family] of cidrs) lists[family].addSubnet(address, prefix, family)
  return lists
}

const blocked = blockListsOf(BLOCKED)
const allowLists = new WeakMap<readonly Cidr[], FamilyLists>()
function allowListsOf(allowed: readonly Cidr[]): FamilyLists {
  let lists = allowLists.get(allowed)
  if (!lists) allowLists.set(allowed, (lists = blockListsOf(allowed.map((c) => [c.address, c.prefix, c.family]))))
  return lists
}

/** An IP address as BlockList checks it: zone id dropped, IPv4-mapped IPv6 as its IPv4. */
function normalize(ip: string): { address: string; family: IpFamily } | undefined {
  const address = ip.replace(/%.*$/, '')
  const version = isIP(address)
  if (version === 4) return { address, family: 'ipv4' }
  if (version !== 6) return undefined
  // The URL parser writes IPv6 in its canonical compressed form, so a mapped address always reads ::ffff:hhhh:hhhh.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1)
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical)
  if (!mapped) return { address: canonical, family: 'ipv6' }
  const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)]
  return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), family: 'ipv4' }
}

/** True when `ip` is not a public unicast address and no allowed CIDR holds it. Not an IP at all: blocked. */
export function isBlockedAddress(ip: string, allowed: readonly Cidr[]): boolean {
  const target = normalize(ip)
  if (!target) return true
  const { address, family } = target
  return !allowListsOf(allowed)[family].check(address, family) && blocked[family].check(address, family)
}

/** Host of a URL without IPv6 brackets; the WHATWG parser already turned 0x7f.1 or 2130706433 into 127.0.0.1. */
const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1')

/**
 * An endpoint URL must be http(s), carry no username or password and name a host (400
 * `webhook_endpoint.url_invalid`); a literal IP host that is blocked is a 422 `webhook_endpoint.url_blocked`.
 * A host name is only checked when it is resolved, at send time (see `guardedLookup`).
 */
export function assertEndpointUrl(url: string, allowed: readonly Cidr[]): URL {
  const invalid = (message: string) =>
    new InvalidInputError('webhook_endpoint.url_invalid', message, { url }, [{ path: '/body/url', message }])
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw invalid('must be an absolute http:// or https:// URL')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid('must use http:// or https://')
  if (parsed.username !== '' || parsed.password !== '') throw invalid('must not contain a username or password')
  const host = hostOf(parsed)
  if (host === '') throw invalid('must name a host')
  if (isIP(host) !== 0 && isBlockedAddress(host, allowed)) {
    const message = `the address ${host} is loopback, private or reserved`
    throw new BusinessRuleError(
      'webhook_endpoint.url_blocked',
      `Webhooks may not be sent to ${host}: ${message}. An operator can allow it with OPENLINE_WEBHOOK_ALLOWED_CIDRS.`,
      { url, address: host },
      [{ path: '/body/url', message }],
    )
  }
  return parsed
}

export const BLOCKED_ERROR_CODE = 'EWEBHOOKBLOCKED'

/** The part of `dns.lookup` the guard uses: every address of a name. */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void

/**
 * A `net.LookupFunction` for `http.request({ lookup })`: resolves all addresses, refuses with an
 * `EWEBHOOKBLOCKED` error if any one is blocked (a name answering both public and private could otherwise
 * be steered to the private one), and answers from that same resolution, one address or all of them.
 */
export function guardedLookup(allowed: readonly Cidr[], resolve: Resolver = dns.lookup): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '')
      const refused = addresses.find((a) => isBlockedAddress(a.address, allowed))
      if (refused || addresses.length === 0) {
        const why = refused
          ? `it resolves to ${refused.address}, a loopback, private or reserved address not in OPENLINE_WEBHOOK_ALLOWED_CIDRS`
          : 'it resolves to no address'
        const error = Object.assign(new Error(`Refused to send a webhook to '${hostname}': ${why}.`), {
          code: refused ? BLOCKED_ERROR_CODE : 'ENOTFOUND',
          hostname,
          address: refused?.address,
        })
        return callback(error, '')
      }
      if (options.all) return callback(null, addresses)
      callback(null, addresses[0]!.address, addresses[0]!.family)
    })
  }
}

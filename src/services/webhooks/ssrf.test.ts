import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LookupAddress } from 'node:dns'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BusinessRuleError, InvalidInputError } from '../../domain/shared/errors.js'
import type { Cidr, Resolver } from './ssrf.js'
import { LOOPBACK_CIDRS, assertEndpointUrl, guardedLookup, isBlockedAddress, parseAllowedCidrs } from './ssrf.js'

// Addresses below are only strings handed to the checks: nothing but 127.0.0.1 is ever contacted.
const NONE: Cidr[] = []

describe('parseAllowedCidrs', () => {
  it('reads comma-separated IPv4 and IPv6 CIDRs, a bare address as one host, and nothing as none', () => {
    expect(parseAllowedCidrs(' 10.1.0.0/16, fd00::/8 ,192.0.2.7,, ')).toEqual([
      { address: '10.1.0.0', prefix: 16, family: 'ipv4' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
      { address: '192.0.2.7', prefix: 32, family: 'ipv4' },
    ])
    expect(parseAllowedCidrs(undefined)).toEqual([])
    expect(parseAllowedCidrs('')).toEqual([])
  })

  it.each(['10.0.0.0/33', '::/129', 'example.com', '10.0.0/8', '10.0.0.0/8/1', '10.0.0.0/', '10.0.0.0/x', '/8'])(
    'names the bad entry %s',
    (entry) => {
      expect(() => parseAllowedCidrs(`127.0.0.0/8,${entry}`)).toThrow(`'${entry}' is not an IPv4 or IPv6 CIDR`)
    },
  )
})

describe('isBlockedAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['10.0.0.1', 'private 10/8'],
    ['10.255.255.255', 'private 10/8'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.10', 'TEST-NET-1'],
    ['192.88.99.1', '6to4 relay'],
    ['192.168.1.1', 'private 192.168/16'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.10', 'TEST-NET-2'],
    ['203.0.113.10', 'TEST-NET-3'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'IPv4-mapped link-local, long form'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::8.8.8.8', 'NAT64'],
    ['64:ff9b:1::1', 'local NAT64'],
    ['100::1', 'discard-only'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with a zone'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['2001::1', 'Teredo'],
    ['2001:2::1', 'benchmarking'],
    ['2001:10::1', 'ORCHID'],
    ['2001:db8::1', 'documentation'],
    ['2002:7f00:1::1', '6to4'],
    ['3fff::1', 'documentation'],
    ['1fff::1', 'unassigned'],
    ['4000::1', 'unassigned'],
    ['8000::1', 'unassigned'],
    ['not-an-ip', 'not an address'],
    ['', 'empty'],
  ])('refuses %s (%s)', (ip) => {
    expect(isBlockedAddress(ip, NONE)).toBe(true)
  })

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '::ffff:8.8.8.8',
    '2606:4700:4700::1111',
    '2a00:1450:4001::1',
    '2001:200::1',
  ])('lets the public address %s through', (ip) => {
    expect(isBlockedAddress(ip, NONE)).toBe(false)
  })

  it('lets through what an allowed CIDR holds, and only that', () => {
    const allowed = parseAllowedCidrs('127.0.0.0/8,::1/128,10.20.0.0/16')
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '10.20.3.4'])
      expect(isBlockedAddress(ip, allowed)).toBe(false)
    for (const ip of ['10.21.0.1', '192.168.0.1', '::2', 'fe80::1', '169.254.169.254'])
      expect(isBlockedAddress(ip, allowed)).toBe(true)
  })

  it('keeps the families apart: an IPv6 allowance does not open IPv4, nor the other way round', () => {
    expect(isBlockedAddress('10.0.0.1', parseAllowedCidrs('::/0'))).toBe(true)
    expect(isBlockedAddress('fd00::1', parseAllowedCidrs('0.0.0.0/0'))).toBe(true)
    expect(isBlockedAddress('fd00::1', parseAllowedCidrs('::/0'))).toBe(false)
  })
})

describe('assertEndpointUrl', () => {
  const errorOf = (url: string, allowed = NONE): unknown => {
    try {
      assertEndpointUrl(url, allowed)
    } catch (error) {
      return error
    }
    return undefined
  }

  it('accepts http and https URLs with a public or named host, and returns the parsed URL', () => {
    expect(assertEndpointUrl('https://hooks.example.com/openline?x=1', NONE).hostname).toBe('hooks.example.com')
    expect(assertEndpointUrl('http://8.8.8.8:8080/in', NONE).port).toBe('8080')
    expect(assertEndpointUrl('https://[2606:4700:4700::1111]/', NONE).hostname).toBe('[2606:4700:4700::1111]')
    // A name is checked when it is resolved, not here.
    expect(assertEndpointUrl('http://localhost:3000/', NONE).hostname).toBe('localhost')
  })

  it.each([
    ['not a url', 'absolute'],
    ['/relative/path', 'absolute'],
    ['ftp://example.com/', 'http'],
    ['file:///etc/passwd', 'http'],
    ['gopher://example.com/', 'http'],
    ['https://user@example.com/', 'username or password'],
    ['https://user:secret@example.com/', 'username or password'],
    ['https://:secret@example.com/', 'username or password'],
  ])('refuses %s as invalid input on the field url', (url, mention) => {
    const error = errorOf(url)
    expect(error).toBeInstanceOf(InvalidInputError)
    expect(error).toMatchObject({ code: 'webhook_endpoint.url_invalid', fieldErrors: [{ path: '/body/url' }] })
    expect((error as Error).message).toContain(mention)
  })

  it.each([
    ['http://127.0.0.1:8080/', '127.0.0.1'],
    ['http://127.0.0.1./', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['https://10.0.0.5/', '10.0.0.5'],
    ['http://[::1]:3000/', '::1'],
    ['http://[::ffff:192.168.0.1]/', '::ffff:c0a8:1'],
    ['http://[fd00::1]/', 'fd00::1'],
  ])('refuses the blocked literal %s with a 422 naming %s', (url, address) => {
    const error = errorOf(url)
    expect(error).toBeInstanceOf(BusinessRuleError)
    expect(error).toMatchObject({
      code: 'webhook_endpoint.url_blocked',
      details: { url, address },
      fieldErrors: [{ path: '/body/url' }],
    })
    expect((error as Error).message).toContain('OPENLINE_WEBHOOK_ALLOWED_CIDRS')
  })

  it('accepts a blocked literal that an allowed CIDR holds', () => {
    expect(errorOf('http://127.0.0.1:8080/', [...LOOPBACK_CIDRS])).toBeUndefined()
    expect(errorOf('http://[::1]:8080/', [...LOOPBACK_CIDRS])).toBeUndefined()
    expect(errorOf('http://10.0.0.5/', [...LOOPBACK_CIDRS])).toBeInstanceOf(BusinessRuleError)
  })
})

/** A resolver that answers from a table and records what it was asked, in place of DNS. */
function stubResolver(table: Record<string, string[]>) {
  const calls: { hostname: string; all: boolean; family: unknown }[] = []
  const resolve: Resolver = (hostname, options, callback) => {
    calls.push({ hostname, all: options.all, family: options.family })
    const addresses = table[hostname]
    if (!addresses) {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`)
      error.code = 'ENOTFOUND'
      return queueMicrotask(() => callback(error, []))
    }
    const answer: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
    queueMicrotask(() => callback(null, answer))
  }
  return { resolve, calls }
}

type LookupResult = { err: NodeJS.ErrnoException | null; address: unknown; family?: number }
function lookupWith(resolve: Resolver, allowed: readonly Cidr[], hostname: string, all: boolean) {
  return new Promise<LookupResult>((done) =>
    guardedLookup(allowed, resolve)(hostname, { all, family: 0 }, (err, address, family) =>
      done({ err, address, family }),
    ),
  )
}

describe('guardedLookup', () => {
  const { resolve, calls } = stubResolver({
    'public.test': ['8.8.8.8', '2606:4700:4700::1111'],
    'loopback.test': ['127.0.0.1'],
    'mixed.test': ['8.8.8.8', '10.0.0.7'],
    'mapped.test': ['::ffff:169.254.169.254'],
    'empty.test': [],
  })

  it('always resolves every address, and hands back one or all of the checked ones', async () => {
    expect(await lookupWith(resolve, NONE, 'public.test', false)).toEqual({
      err: null,
      address: '8.8.8.8',
      family: 4,
    })
    expect(await lookupWith(resolve, NONE, 'public.test', true)).toMatchObject({
      err: null,
      address: [
        { address: '8.8.8.8', family: 4 },
        { address: '2606:4700:4700::1111', family: 6 },
      ],
    })
    expect(calls.slice(-2)).toEqual([
      { hostname: 'public.test', all: true, family: 0 },
      { hostname: 'public.test', all: true, family: 0 },
    ])
  })

  it.each([
    ['loopback.test', '127.0.0.1'],
    ['mixed.test', '10.0.0.7'],
    ['mapped.test', '::ffff:169.254.169.254'],
  ])('refuses %s, naming the host and the blocked address %s', async (hostname, address) => {
    for (const all of [false, true]) {
      const { err } = await lookupWith(resolve, NONE, hostname, all)
      expect(err).toMatchObject({ code: 'EWEBHOOKBLOCKED', hostname, address })
      expect(err?.message).toContain(`'${hostname}'`)
      expect(err?.message).toContain(address)
    }
  })

  it('lets an allowed address through', async () => {
    expect(await lookupWith(resolve, LOOPBACK_CIDRS, 'loopback.test', false)).toEqual({
      err: null,
      address: '127.0.0.1',
      family: 4,
    })
  })

  it('passes resolver errors on, and refuses a name without addresses', async () => {
    expect((await lookupWith(resolve, NONE, 'unknown.test', false)).err).toMatchObject({ code: 'ENOTFOUND' })
    expect((await lookupWith(resolve, NONE, 'empty.test', true)).err).toMatchObject({ code: 'ENOTFOUND' })
  })
})

describe('a request through the guarded lookup (loopback only)', () => {
  let server: http.Server
  let port: number
  let connections = 0
  const bodies: string[] = []
  const { resolve } = stubResolver({ 'receiver.test': ['127.0.0.1'] })

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        bodies.push(body)
        res.writeHead(204).end()
      })
    })
    server.on('connection', () => connections++)
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((done) => server.close(() => done())))

  const post = (allowed: readonly Cidr[]) =>
    new Promise<number>((done, fail) => {
      const req = http.request(
        `http://receiver.test:${port}/hook`,
        { method: 'POST', lookup: guardedLookup(allowed, resolve), agent: false },
        (res) => {
          res.resume()
          res.on('end', () => done(res.statusCode ?? 0))
        },
      )
      req.on('error', fail)
      req.end('{"eventId":"e1"}')
    })

  it('refuses a name resolving to loopback when loopback is not allowed: the server sees no connection', async () => {
    await expect(post(NONE)).rejects.toMatchObject({ code: 'EWEBHOOKBLOCKED', hostname: 'receiver.test' })
    expect(connections).toBe(0)
    expect(bodies).toEqual([])
  })

  it('delivers to the checked address when 127.0.0.0/8 is allowed', async () => {
    expect(await post(parseAllowedCidrs('127.0.0.0/8'))).toBe(204)
    expect(connections).toBe(1)
    expect(bodies).toEqual(['{"eventId":"e1"}'])
  })
})

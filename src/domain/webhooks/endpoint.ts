import type { CodeWithStatus } from '../shared/error-codes.js'
import type { FieldError } from '../shared/errors.js'
import { InvalidInputError } from '../shared/errors.js'

/** Headers Openline sets itself on every delivery; an endpoint's own headers may not replace them. */
const RESERVED_HEADERS = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
  'content-length',
  'user-agent',
  'host',
  'connection',
  'transfer-encoding',
])
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,1000}$/

/**
 * The shape rules of an endpoint URL: http(s), no credentials, no fragment. Where it may point
 * (SSRF: private, loopback, link-local … addresses) is checked by the URL policy at creation and
 * again at every send.
 */
export function checkEndpointUrl(raw: string, pointer = '/body/url'): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw invalid('webhook_endpoint.url_invalid', `'${raw}' is not a URL.`, pointer, 'must be an http(s) URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid(
      'webhook_endpoint.url_invalid',
      'A webhook URL must be http or https.',
      pointer,
      'must be an http(s) URL',
    )
  if (url.username || url.password)
    throw invalid(
      'webhook_endpoint.url_invalid',
      'A webhook URL may not carry credentials; send them as endpoint headers.',
      pointer,
      'must not contain credentials',
    )
  if (url.hash)
    throw invalid('webhook_endpoint.url_invalid', 'A webhook URL has no fragment.', pointer, 'must not contain #')
  return url.toString()
}

/** An endpoint's own headers: valid names and values, none that Openline sets itself. */
export function checkEndpointHeaders(
  headers: Record<string, string>,
  pointer = '/body/headers',
): Record<string, string> {
  const errors: FieldError[] = []
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (!HEADER_NAME.test(name)) errors.push({ path: `${pointer}/${name}`, message: 'is not a valid header name' })
    else if (RESERVED_HEADERS.has(lower))
      errors.push({ path: `${pointer}/${name}`, message: 'is set by Openline and cannot be replaced' })
    else if (!HEADER_VALUE.test(value))
      errors.push({ path: `${pointer}/${name}`, message: 'is not a valid header value' })
    else out[lower] = value
  }
  if (errors.length > 0)
    throw new InvalidInputError(
      'webhook_endpoint.invalid_headers',
      `Invalid endpoint header(s): ${errors.map((e) => e.path.split('/').at(-1)).join(', ')}.`,
      {},
      errors,
    )
  return out
}

const invalid = (code: CodeWithStatus<400>, message: string, path: string, rule: string) =>
  new InvalidInputError(code, message, {}, [{ path, message: rule }])

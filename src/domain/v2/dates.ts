import { isValidLocalDate, startOfLocalDate, startOfNextLocalDay } from '../scheduling/calendar.js'
import { InvalidInputError } from '../shared/errors.js'

/**
 * ISO 8601 values as the V2 API takes them, in bodies and in date filters. A value stands for the
 * span it names: a date (`2024-03-01`) is that whole day in the tenant's time zone; a date-time
 * (offset or `Z` required) is the span of its last digit, so `…T03:30:15Z` is that second and
 * `…T03:30:15.250Z` that millisecond. Filters compare against the span; a body's date is its start.
 */
export interface Span {
  start: Date
  /** Exclusive. */
  end: Date
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i

export function parseSpan(value: string, timeZone: string): Span | undefined {
  // A `+` in an unencoded query string arrives as a space: `…T10:00:00 01:00` meant `+01:00`.
  const text = value.trim().replace(/ (\d{2}:\d{2})$/, '+$1')
  if (isValidLocalDate(text)) {
    const start = startOfLocalDate(text, timeZone)
    return { start, end: startOfNextLocalDay(start, timeZone) }
  }
  const match = DATE_TIME.exec(text)
  if (!match) return undefined
  const [date, hours, minutes, offset] = [match[1], match[2], match[3], match[6]] as [string, string, string, string]
  const [seconds, fraction] = [match[4], match[5]]
  if (
    !isValidLocalDate(date) ||
    Number(hours) > 23 ||
    Number(minutes) > 59 ||
    Number(seconds ?? 0) > 59 ||
    !/^(Z|[+-](0\d|1[0-4]):[0-5]\d)$/i.test(offset)
  )
    return undefined
  const start = new Date(
    `${date}T${hours}:${minutes}:${seconds ?? '00'}.${(fraction ?? '').padEnd(3, '0').slice(0, 3)}${offset.toUpperCase()}`,
  )
  if (Number.isNaN(start.getTime())) return undefined
  const precisionMs =
    seconds === undefined ? 60_000 : fraction === undefined ? 1000 : Math.max(1, 10 ** (3 - fraction.length))
  return { start, end: new Date(start.getTime() + precisionMs) }
}

const EXPECTED = 'must be an ISO 8601 date (2024-03-01) or date-time with an offset (2024-03-01T10:00:00Z)'

/** The instant a body's date or date-time means (its start); a 400 naming `path` otherwise. */
export function parseInstant(value: string, timeZone: string, path: string): Date {
  const span = parseSpan(value, timeZone)
  if (!span)
    throw new InvalidInputError('request.invalid_date', `${path.split('/').at(-1)} ${EXPECTED}.`, { value }, [
      { path, message: EXPECTED },
    ])
  return span.start
}

export const DATE_OPERATORS = ['eq', 'lt', 'lte', 'gt', 'gte'] as const
export type DateOperator = (typeof DATE_OPERATORS)[number]
export type DateFilter = Partial<Record<DateOperator, Span>>

const isOperator = (key: string): key is DateOperator => (DATE_OPERATORS as readonly string[]).includes(key)

/**
 * A DateFilterEnum query parameter in any of the three spellings clients use: a bare value
 * (`eq`), a JSON object (`{"gte":"2024-01-01T00:00:00Z","lt":"2024-02-01T00:00:00Z"}`), or
 * bracketed keys (`name[gte]=…`, which the query parser has already made an object). Anything
 * else is a 400 naming the parameter (and the operator).
 */
export function parseDateFilter(raw: unknown, name: string, timeZone: string): DateFilter | undefined {
  if (raw === undefined) return undefined
  const path = `/query/${name}`
  const fail = (message: string, at = path): never => {
    throw new InvalidInputError('request.invalid_filter', `The ${name} filter ${message}.`, { parameter: name }, [
      { path: at, message },
    ])
  }
  let operands: unknown = raw
  if (typeof raw === 'string') {
    const text = raw.trim()
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        operands = JSON.parse(text)
      } catch {
        fail('is not valid JSON')
      }
    } else operands = { eq: text }
  }
  if (typeof operands !== 'object' || operands === null || Array.isArray(operands))
    return fail(`must be one value, a JSON object or ${name}[op]=value (sent once)`)
  const entries = Object.entries(operands as Record<string, unknown>)
  if (entries.length === 0) fail(`names no operator (use ${DATE_OPERATORS.join(', ')})`)
  const filter: DateFilter = {}
  for (const [operator, value] of entries) {
    if (!isOperator(operator))
      fail(`has an unknown operator '${operator}' (use ${DATE_OPERATORS.join(', ')})`, `${path}/${operator}`)
    const span = typeof value === 'string' ? parseSpan(value, timeZone) : undefined
    if (!span) fail(`${operator} ${EXPECTED}`, `${path}/${operator}`)
    filter[operator as DateOperator] = span
  }
  return filter
}

/** True when `instant` satisfies every operator of the filter (compared with each value's span). */
export function matchesDateFilter(filter: DateFilter, instant: Date): boolean {
  const at = instant.getTime()
  const { eq, lt, lte, gt, gte } = filter
  return (
    (!eq || (at >= eq.start.getTime() && at < eq.end.getTime())) &&
    (!lt || at < lt.start.getTime()) &&
    (!lte || at < lte.end.getTime()) &&
    (!gt || at >= gt.end.getTime()) &&
    (!gte || at >= gte.start.getTime())
  )
}

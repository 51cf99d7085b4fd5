import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../shared/errors.js'
import { matchesDateFilter, parseDateFilter, parseInstant, parseSpan } from './dates.js'

const iso = (span: { start: Date; end: Date } | undefined) => span && [span.start.toISOString(), span.end.toISOString()]

describe('V2 date values', () => {
  it('reads a date as the whole day in the tenant’s zone, and a date-time as the span of its last digit', () => {
    expect(iso(parseSpan('2024-03-01', 'Europe/Madrid'))).toEqual([
      '2024-02-29T23:00:00.000Z',
      '2024-03-01T23:00:00.000Z',
    ])
    expect(iso(parseSpan('2024-03-31', 'Europe/Madrid'))).toEqual([
      '2024-03-30T23:00:00.000Z',
      '2024-03-31T22:00:00.000Z',
    ])
    expect(iso(parseSpan('2023-01-05T03:30:15Z', 'UTC'))).toEqual([
      '2023-01-05T03:30:15.000Z',
      '2023-01-05T03:30:16.000Z',
    ])
    expect(iso(parseSpan('2023-01-05T03:30Z', 'UTC'))).toEqual(['2023-01-05T03:30:00.000Z', '2023-01-05T03:31:00.000Z'])
    expect(iso(parseSpan('2023-01-05T03:30:15.25+01:00', 'UTC'))).toEqual([
      '2023-01-05T02:30:15.250Z',
      '2023-01-05T02:30:15.260Z',
    ])
    expect(iso(parseSpan('2023-01-05T03:30:15.123456Z', 'UTC'))).toEqual([
      '2023-01-05T03:30:15.123Z',
      '2023-01-05T03:30:15.124Z',
    ])
    // A `+` sent unencoded in a query string arrives as a space.
    expect(iso(parseSpan('2023-01-05T03:30:15 01:00', 'UTC'))?.[0]).toBe('2023-01-05T02:30:15.000Z')
  })

  it('refuses what is not a real ISO 8601 date or date-time with an offset', () => {
    for (const bad of [
      '2024-02-30',
      '2024-02-30T00:00:00Z',
      '2024-03-01T24:00:00Z',
      '2024-03-01T10:00:00',
      '2024-3-1',
      'yesterday',
      '1709251200',
      '2024-03-01T10:00:00+25:00',
    ]) {
      expect(parseSpan(bad, 'UTC'), bad).toBeUndefined()
    }
    expect(() => parseInstant('soon', 'UTC', '/body/activation_date')).toThrow(InvalidInputError)
    try {
      parseInstant('soon', 'UTC', '/body/activation_date')
    } catch (error) {
      expect((error as InvalidInputError).fieldErrors[0]?.path).toBe('/body/activation_date')
    }
  })
})

describe('V2 date filters', () => {
  const at = (instant: string) => new Date(instant)
  const filter = (raw: unknown) => parseDateFilter(raw, 'activation_date', 'UTC')

  it('accepts a bare value (eq), a JSON object and bracketed keys alike', () => {
    const json = filter('{"gte":"2024-01-01T00:00:00Z","lt":"2024-02-01T00:00:00Z"}')
    const brackets = filter({ gte: '2024-01-01T00:00:00Z', lt: '2024-02-01T00:00:00Z' })
    expect(json).toEqual(brackets)
    expect(filter('2024-01-05T03:30:15Z')).toEqual(filter({ eq: '2024-01-05T03:30:15Z' }))
    expect(filter(undefined)).toBeUndefined()
  })

  it('compares each operator with the span of its value', () => {
    const cases: [Record<string, string>, string, boolean][] = [
      [{ eq: '2024-01-05T03:30:15Z' }, '2024-01-05T03:30:15.900Z', true],
      [{ eq: '2024-01-05T03:30:15Z' }, '2024-01-05T03:30:16Z', false],
      [{ eq: '2024-01-05' }, '2024-01-05T23:59:59Z', true],
      [{ eq: '2024-01-05' }, '2024-01-06T00:00:00Z', false],
      [{ lt: '2024-01-05' }, '2024-01-04T23:59:59Z', true],
      [{ lt: '2024-01-05' }, '2024-01-05T00:00:00Z', false],
      [{ lte: '2024-01-05' }, '2024-01-05T23:59:59Z', true],
      [{ lte: '2024-01-05T10:00:00Z' }, '2024-01-05T10:00:00.500Z', true],
      [{ lte: '2024-01-05T10:00:00Z' }, '2024-01-05T10:00:01Z', false],
      [{ gt: '2024-01-05' }, '2024-01-05T23:59:59Z', false],
      [{ gt: '2024-01-05' }, '2024-01-06T00:00:00Z', true],
      [{ gte: '2024-01-05T10:00:00Z' }, '2024-01-05T10:00:00Z', true],
      [{ gte: '2024-01-05T10:00:00Z' }, '2024-01-05T09:59:59.999Z', false],
      [{ gte: '2024-01-01', lt: '2024-02-01' }, '2024-01-31T12:00:00Z', true],
      [{ gte: '2024-01-01', lt: '2024-02-01' }, '2024-02-01T00:00:00Z', false],
    ]
    for (const [operators, instant, expected] of cases)
      expect(matchesDateFilter(filter(operators)!, at(instant)), `${JSON.stringify(operators)} ${instant}`).toBe(
        expected,
      )
  })

  it('names the parameter, and the operator, of a malformed filter', () => {
    const pathOf = (raw: unknown) => {
      try {
        filter(raw)
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError)
        return (error as InvalidInputError).fieldErrors[0]?.path
      }
      return 'accepted'
    }
    expect(pathOf('{"gte":')).toBe('/query/activation_date')
    expect(pathOf('{}')).toBe('/query/activation_date')
    expect(pathOf('["2024-01-01"]')).toBe('/query/activation_date')
    expect(pathOf(['2024-01-01', '2024-01-02'])).toBe('/query/activation_date')
    expect(pathOf('not-a-date')).toBe('/query/activation_date/eq')
    expect(pathOf({ gte: 'tomorrow' })).toBe('/query/activation_date/gte')
    expect(pathOf({ between: '2024-01-01' })).toBe('/query/activation_date/between')
    expect(pathOf('{"gte": 20240101}')).toBe('/query/activation_date/gte')
  })
})

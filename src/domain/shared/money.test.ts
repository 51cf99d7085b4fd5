import { describe, expect, it } from 'vitest'
import { minorUnitExponent, percentOf, toMajor, toMinor } from './money.js'

describe('money', () => {
  it('knows each currency’s minor unit', () => {
    expect([
      minorUnitExponent('USD'),
      minorUnitExponent('sek'),
      minorUnitExponent('JPY'),
      minorUnitExponent('KWD'),
    ]).toEqual([2, 2, 0, 3])
    expect(() => minorUnitExponent('US')).toThrow(/ISO 4217/)
    // Three letters are not enough: the code must be one ISO 4217 assigns.
    expect(() => minorUnitExponent('ABC')).toThrow(/ISO 4217/)
  })

  it('converts exactly both ways', () => {
    expect(toMinor(137.39, 'USD')).toBe(13739)
    expect(toMinor(0.1 + 0.2, 'USD')).toBe(30)
    expect(toMajor(13739, 'USD')).toBe(137.39)
    expect(toMinor(500, 'JPY')).toBe(500)
    expect(toMajor(1234, 'KWD')).toBe(1.234)
  })

  it('refuses amounts finer than the currency allows', () => {
    expect(() => toMinor(1.005, 'USD')).toThrow(/at most 2 decimals/)
    expect(() => toMinor(1.5, 'JPY')).toThrow(/at most 0 decimals/)
    expect(() => toMinor(Number.NaN, 'USD')).toThrow()
  })

  it('rounds percentages half away from zero', () => {
    expect(percentOf(1000, 8.25)).toBe(83)
    expect(percentOf(200, 12.5)).toBe(25)
    expect(percentOf(-200, 12.5)).toBe(-25)
  })
})

import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../shared/errors.js'
import { addressCheck, assertValues, canonicalBillingMethod, canonicalLocale, valueErrors } from './contact.js'
import type { ValueCheck, ValueKind } from './contact.js'
import { compact, patched } from './party.js'

const ok = (kind: ValueKind, value: string) => valueErrors([[kind, '/x', value]]).length === 0

describe('value rules', () => {
  it.each(['a@example.com', 'first.last+tag@sub.example.co.uk', 'A_B@EXAMPLE.SE'])('accepts the e-mail %s', (v) =>
    expect(ok('email', v)).toBe(true),
  )
  it.each([
    'plain',
    'a@',
    '@example.com',
    'a@@example.com',
    'a b@example.com',
    'a@example',
    `${'a'.repeat(250)}@example.com`,
  ])('refuses the e-mail %j', (v) => expect(ok('email', v)).toBe(false))

  it.each(['+46701234567', '+15551234567', '+4412345', '+123456789012345'])('accepts the E.164 number %s', (v) =>
    expect(ok('msisdn', v)).toBe(true),
  )
  it.each(['46701234567', '+046701234567', '+46 70 123 45 67', '+46-70-1234567', '+1234567890123456', '+123456', ''])(
    'refuses the number %j',
    (v) => expect(ok('msisdn', v)).toBe(false),
  )

  it.each(['sv', 'sv-SE', 'en-us', 'zh-Hant-TW', 'es-419', 'de-CH-1996', 'sr-Latn-RS'])('accepts the locale %s', (v) =>
    expect(ok('locale', v)).toBe(true),
  )
  it.each(['english', 'sv_SE', 'e', 'sv-SE-u-ca-buddhist', 'x-private', 'sv-', '-SE', 'sv-S'])(
    'refuses the locale %j',
    (v) => expect(ok('locale', v)).toBe(false),
  )

  it('checks countries and currencies as upper-case ISO codes', () => {
    expect(ok('country', 'SE')).toBe(true)
    for (const bad of ['se', 'SWE', 'S']) expect(ok('country', bad)).toBe(false)
    expect(ok('currency', 'SEK')).toBe(true)
    for (const bad of ['sek', 'SE', 'SEKK']) expect(ok('currency', bad)).toBe(false)
  })

  it('treats absent and null values as fine', () => {
    expect(
      valueErrors([
        ['email', '/a', undefined],
        ['msisdn', '/b', null],
        addressCheck(undefined, '/c'),
        addressCheck({}, '/d'),
      ]),
    ).toEqual([])
  })

  it('reports every bad value with its path, as the 400 a schema violation gets', () => {
    const checks: ValueCheck[] = [
      ['email', '/body/contact/email', 'x'],
      ['msisdn', '/body/contact/msisdn', '+46701234567'],
      addressCheck({ country: 'se' }, '/body/billing/address'),
    ]
    expect(() => assertValues(checks)).toThrow(InvalidInputError)
    try {
      assertValues(checks)
    } catch (error) {
      expect(error).toMatchObject({
        code: 'request.validation_failed',
        fieldErrors: [{ path: '/body/contact/email' }, { path: '/body/billing/address/country' }],
      })
    }
    expect(() => assertValues([])).not.toThrow()
  })
})

describe('canonical forms', () => {
  it.each([
    ['SV-se', 'sv-SE'],
    ['ZH-hant-tw', 'zh-Hant-TW'],
    ['es-419', 'es-419'],
    ['DE-ch-1996', 'de-CH-1996'],
    ['en', 'en'],
  ])('writes the locale %s as %s', (input, canonical) => expect(canonicalLocale(input)).toBe(canonical))

  it('stores the older EMAIL_INVOICE spelling as E_INVOICE and keeps the others', () => {
    expect(canonicalBillingMethod('EMAIL_INVOICE')).toBe('E_INVOICE')
    expect(canonicalBillingMethod('E_INVOICE')).toBe('E_INVOICE')
    expect(canonicalBillingMethod('CARD')).toBe('CARD')
  })
})

describe('partial updates', () => {
  it('keep a value when absent, clear it on null, replace it otherwise', () => {
    expect(patched('a', undefined)).toBe('a')
    expect(patched('a', null)).toBeUndefined()
    expect(patched('a', 'b')).toBe('b')
    expect(patched(undefined, 'b')).toBe('b')
  })

  it('render without absent members', () => {
    expect(compact({ a: 1, b: undefined, c: null, d: 0, e: '' })).toEqual({ a: 1, d: 0, e: '' })
  })
})

import { describe, expect, it } from 'vitest'
import { parseCsv } from './csv.js'
import { DEFAULT_QUARANTINE_DAYS, checkNumberRows, hashLeaseToken, newLeaseToken, quarantineDays } from './numbers.js'
import { checkSimRows, isIccid, luhnValid, withLuhnDigit } from './sims.js'

const at = (i: number) => `/rows/${i}`

describe('number rows', () => {
  it('refuses a field a row does not have, naming it (a misspelt grade is not silently dropped)', () => {
    expect(checkNumberRows([{ msisdn: '+46701234567', type: 'CELL', grdae: 3 }], at)).toEqual([
      { path: '/rows/0/grdae', message: 'is not a known field (did you mean "grade"?)' },
    ])
    expect(
      checkSimRows([{ iccid: withLuhnDigit('8946000000000000001'), type: 'PHYSICAL', colour: 'red' }], at),
    ).toEqual([{ path: '/rows/0/colour', message: 'is not a known field' }])
  })

  it('accepts good rows and lists every problem of bad ones with its path', () => {
    expect(
      checkNumberRows(
        [
          { msisdn: '+46701234567', type: 'CELL', grade: 5, metadata: { region: 'north' } },
          { msisdn: '+15551234567', type: 'M2M' },
        ],
        at,
      ),
    ).toEqual([])
    const errors = checkNumberRows(
      [
        { msisdn: '0701234567', type: 'cell', grade: -1 },
        { msisdn: '+46701234567', type: 'CELL', metadata: [] },
        { msisdn: '+46701234567', type: 'DATA', grade: 1.5 },
        'x',
      ],
      at,
    )
    expect(errors.map((e) => e.path)).toEqual([
      '/rows/0/msisdn',
      '/rows/0/type',
      '/rows/0/grade',
      '/rows/1/metadata',
      '/rows/2/msisdn',
      '/rows/2/grade',
      '/rows/3',
    ])
    expect(errors[4]?.message).toContain('first at /rows/1')
  })

  it('reads the quarantine length from the tenant settings, else 90 days', () => {
    expect(quarantineDays({})).toBe(DEFAULT_QUARANTINE_DAYS)
    expect(quarantineDays({ numberQuarantineDays: 30 })).toBe(30)
    expect(quarantineDays({ numberQuarantineDays: 0 })).toBe(0)
    expect(quarantineDays({ numberQuarantineDays: -1 })).toBe(90)
    expect(quarantineDays({ numberQuarantineDays: '30' })).toBe(90)
  })

  it('makes lease tokens of at least 128 random bits, stored only as a hash', () => {
    const token = newLeaseToken()
    expect(token).toMatch(/^lease_[A-Za-z0-9_-]{32}$/)
    expect(newLeaseToken()).not.toBe(token)
    expect(hashLeaseToken(token)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashLeaseToken(token)).toBe(hashLeaseToken(token))
  })
})

describe('SIM rows', () => {
  it('checks the ICCID Luhn digit', () => {
    expect(luhnValid('79927398713')).toBe(true)
    expect(luhnValid('79927398710')).toBe(false)
    const iccid = withLuhnDigit('894600000000000000')
    expect(isIccid(iccid)).toBe(true)
    expect(isIccid(`${iccid.slice(0, -1)}${(Number(iccid.at(-1)) + 1) % 10}`)).toBe(false)
  })

  it('needs an activation code for an eSIM only, and never echoes a PUK', () => {
    const good = withLuhnDigit('894600000000000001')
    const other = withLuhnDigit('894600000000000002')
    expect(
      checkSimRows(
        [
          { iccid: good, type: 'ESIM', lpa: '1$rsp.example.com$ABCD1234', puk1: '12345678' },
          { iccid: other, type: 'PHYSICAL', imsi: '240011234567890' },
        ],
        at,
      ),
    ).toEqual([])
    const errors = checkSimRows(
      [
        { iccid: good, type: 'ESIM' },
        { iccid: other, type: 'PHYSICAL', lpa: '1$x$y', puk1: 'secret-99', pin: '12' },
        { iccid: good, type: 'ESIM', lpa: 'LPA:1$x$y', status: 'IN_USE' },
        { iccid: '8946000000000000000', type: 'CARD', imsi: 'x' },
      ],
      at,
    )
    expect(errors.map((e) => e.path)).toEqual([
      '/rows/0/lpa',
      '/rows/1/lpa',
      '/rows/1/puk1',
      '/rows/1/pin',
      '/rows/2/iccid',
      '/rows/2/status',
      '/rows/2/lpa',
      '/rows/3/iccid',
      '/rows/3/type',
      '/rows/3/imsi',
    ])
    expect(JSON.stringify(errors)).not.toContain('secret-99')
  })
})

describe('CSV', () => {
  it("reads a header, quoted fields, CRLF and blank lines, with each record's line", () => {
    const { header, records, errors } = parseCsv(
      '\uFEFFmsisdn, type ,grade,Region\r\n+46701234567,CELL,5,"Stock, holm"\r\n\r\n+46701234568,DATA,,"say ""hi"""\n',
    )
    expect(errors).toEqual([])
    expect(header).toEqual(['msisdn', 'type', 'grade', 'Region'])
    expect(records).toEqual([
      { line: 2, cells: { msisdn: '+46701234567', type: 'CELL', grade: '5', Region: 'Stock, holm' } },
      { line: 4, cells: { msisdn: '+46701234568', type: 'DATA', Region: 'say "hi"' } },
    ])
  })

  it('reports too many cells, an unclosed quote and an empty file', () => {
    expect(parseCsv('a,b\n1,2,3\n"open,4').errors).toEqual([
      { path: '/line/2', message: 'has 3 cells but the header has 2' },
      { path: '/line/3', message: 'a quoted field is not closed' },
    ])
    expect(parseCsv('').errors).toEqual([{ path: '/line/1', message: 'the file is empty: expected a header line' }])
  })
})

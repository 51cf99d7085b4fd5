import { describe, expect, it } from 'vitest'
import { withLuhnDigit } from '../inventory/sims.js'
import {
  PASSCODE_MASK,
  checkDetails,
  correctedDetails,
  knownDetails,
  maskedDetails,
  portingCountry,
  swedishIdentityProblem,
  withoutSecrets,
} from './details.js'

const US = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  address: { street1: '1 Main St', city: 'San Francisco', state: 'CA', zip: '94105' },
  accountNumber: 'ACC-1234',
  passcode: '1234',
}
const SE = { identityNumber: '19811218-9876', currentOperator: 'Telia' }

describe('porting country', () => {
  it('is the number’s: +1 is US, +46 is Sweden, others none', () => {
    expect(portingCountry('+15551234567')).toBe('US')
    expect(portingCountry('+46701234567')).toBe('SE')
    expect(portingCountry('+447911123456')).toBeNull()
  })
})

describe('US details', () => {
  it('complete details have nothing missing and nothing wrong', () => {
    expect(checkDetails('US', US)).toEqual({ missing: [], errors: [] })
  })

  it('refuse a field the country does not have, at any depth, instead of dropping it', () => {
    expect(checkDetails('US', { ...US, address: { ...US.address, zipcode: '94105' }, pin: '1' }).errors).toEqual([
      { property: 'address.zipcode', message: 'is not a known field (did you mean "zip"?)' },
      { property: 'pin', message: 'is not a known field' },
    ])
    expect(checkDetails('SE', { ...SE, passcode: '1234' }).errors).toEqual([
      { property: 'passcode', message: 'is not a known field' },
    ])
  })

  it('name every missing field as a dotted path; a whole missing address is one field', () => {
    expect(checkDetails('US', {}).missing).toEqual(['firstName', 'lastName', 'address', 'accountNumber', 'passcode'])
    expect(checkDetails('US', { ...US, address: { street1: '1 Main St' } }).missing).toEqual([
      'address.city',
      'address.state',
      'address.zip',
    ])
    expect(checkDetails('US', { ...US, firstName: '' }).missing).toEqual(['firstName'])
  })

  it('name every bad value', () => {
    const check = checkDetails('US', {
      ...US,
      lastName: 7,
      address: { ...US.address, zip: '9410', state: 'California', country: 'SE' },
      passcode: '12',
    })
    expect(check.missing).toEqual([])
    expect(check.errors.map((e) => e.property)).toEqual([
      'lastName',
      'address.state',
      'address.zip',
      'address.country',
      'passcode',
    ])
    expect(checkDetails('US', { ...US, address: 'somewhere' }).errors).toEqual([
      { property: 'address', message: 'must be an object' },
    ])
    expect(checkDetails('US', [1]).errors).toEqual([{ property: '', message: 'must be an object' }])
  })

  it('take the masked passcode as "keep the stored one", never as a passcode', () => {
    expect(checkDetails('US', { ...US, passcode: PASSCODE_MASK }).errors.map((e) => e.property)).toEqual(['passcode'])
    expect(correctedDetails({ ...US, passcode: undefined }, { ...US, passcode: PASSCODE_MASK }).passcode).toBe(
      PASSCODE_MASK,
    )
    expect(correctedDetails(US, { ...US, firstName: 'Ada M.', passcode: PASSCODE_MASK })).toEqual({
      ...US,
      firstName: 'Ada M.',
      passcode: '1234',
    })
    expect(correctedDetails(US, { ...US, passcode: '9999' }).passcode).toBe('9999')
  })

  it('keep only the known fields, show the passcode masked and drop it once ended', () => {
    expect(knownDetails('US', { ...US, colour: 'blue', address: { ...US.address, planet: 'Earth' } })).toEqual(US)
    expect(maskedDetails(US).passcode).toBe(PASSCODE_MASK)
    expect(withoutSecrets(US)).not.toHaveProperty('passcode')
  })
})

describe('Swedish details', () => {
  it('need an identity number and the current operator', () => {
    expect(checkDetails('SE', SE)).toEqual({ missing: [], errors: [] })
    expect(checkDetails('SE', {}).missing).toEqual(['identityNumber', 'currentOperator'])
  })

  it('take a personnummer, samordningsnummer or organisationsnummer with a valid check digit', () => {
    for (const valid of [
      '19811218-9876',
      '198112189876',
      '811218-9876',
      '811218+9876',
      '556036-0793',
      '5560360793',
      '701063-2391',
    ])
      expect(swedishIdentityProblem(valid), valid).toBeNull()
    expect(swedishIdentityProblem('19811218-9875')).toBe('fails its check digit')
    expect(swedishIdentityProblem(withLuhnDigit('811318987'))).toBe('is not a valid date of birth')
    expect(swedishIdentityProblem('12345')).toMatch(/personnummer/)
  })
})

import { luhnValid } from '../inventory/sims.js'
import { unknownFieldMessage } from '../shared/strict.js'

/**
 * Porting details: what the donor operator needs to release a number. They vary by country, and
 * the country is the number's: `+1` (North American numbering plan) takes the US details the
 * reference shows, `+46` the Swedish ones Openline defines (the reference leaves them open,
 * question 9). Other numbers cannot be ported in yet.
 *
 *   US  {firstName, lastName, address {street1, street2?, city, state, zip, country?}, accountNumber, passcode}
 *   SE  {identityNumber, currentOperator}: the holder's personnummer (or samordningsnummer) or
 *       organisationsnummer, Luhn-checked, and the operator the number is with today.
 *
 * Fields are reported as dotted paths (`address.zip`), the order validation's `missingFields` style.
 */
export type PortingCountry = 'US' | 'SE'

const COUNTRY_CODES: [prefix: string, country: PortingCountry][] = [
  ['+1', 'US'],
  ['+46', 'SE'],
]

/** The country whose porting rules apply to a number, or null when Openline cannot port it in. */
export function portingCountry(msisdn: string): PortingCountry | null {
  return COUNTRY_CODES.find(([prefix]) => msisdn.startsWith(prefix))?.[1] ?? null
}

export const SUPPORTED_PREFIXES = COUNTRY_CODES.map(([prefix, country]) => `${country} (${prefix})`).join(' and ')

export interface DetailsProblem {
  property: string
  message: string
}

export interface DetailsCheck {
  /** Required fields without a value. */
  missing: string[]
  /** Fields with a value that cannot be right. */
  errors: DetailsProblem[]
}

/**
 * What the port-out PIN or passcode reads as in responses and events: it is what a fraudster needs
 * to port the number away again, so it never leaves Openline once given. Sending the mask back
 * keeps the stored passcode.
 */
/** How a stored passcode is shown; sent back, it means "keep the stored one" (never a passcode itself). */
export const PASSCODE_MASK = '****'

type Rule = { path: string; required: boolean; check?: (value: string) => string | null }

const text = (max: number) => (v: string) =>
  v.trim().length === 0 ? 'must not be blank' : v.length > max ? `must be at most ${max} characters` : null

const US_RULES: Rule[] = [
  { path: 'firstName', required: true, check: text(100) },
  { path: 'lastName', required: true, check: text(100) },
  { path: 'address.street1', required: true, check: text(200) },
  { path: 'address.street2', required: false, check: text(200) },
  { path: 'address.city', required: true, check: text(100) },
  {
    path: 'address.state',
    required: true,
    check: (v) => (/^[A-Z]{2}$/.test(v) ? null : 'must be a two-letter state code (CA)'),
  },
  {
    path: 'address.zip',
    required: true,
    check: (v) => (/^[0-9]{5}(-[0-9]{4})?$/.test(v) ? null : 'must be a ZIP code (94105 or 94105-1234)'),
  },
  { path: 'address.country', required: false, check: (v) => (v === 'US' ? null : 'must be US for a +1 number') },
  { path: 'accountNumber', required: true, check: text(50) },
  {
    path: 'passcode',
    required: true,
    check: (v) =>
      /^[A-Za-z0-9]{4,20}$/.test(v)
        ? null
        : 'must be 4-20 letters or digits (the PIN the current operator gave for porting)',
  },
]

const SE_RULES: Rule[] = [
  { path: 'identityNumber', required: true, check: swedishIdentityProblem },
  { path: 'currentOperator', required: true, check: text(100) },
]

const RULES: Record<PortingCountry, Rule[]> = { US: US_RULES, SE: SE_RULES }

/** Checks details against the rules of their country: every missing field and every bad value. */
export function checkDetails(country: PortingCountry, details: unknown): DetailsCheck {
  const result: DetailsCheck = { missing: [], errors: [] }
  if (!isObject(details)) {
    result.errors.push({ property: '', message: 'must be an object' })
    return result
  }
  const missingParents = new Set<string>()
  for (const rule of RULES[country]) {
    const parent = rule.path.includes('.') ? rule.path.slice(0, rule.path.indexOf('.')) : null
    if (parent !== null && details[parent] !== undefined && !isObject(details[parent])) {
      if (!result.errors.some((e) => e.property === parent))
        result.errors.push({ property: parent, message: 'must be an object' })
      continue
    }
    const value = valueAt(details, rule.path)
    if (value === undefined || value === null || value === '') {
      // A whole object left out is one missing field (`address`), not one per field inside it.
      if (!rule.required) continue
      if (parent !== null && details[parent] === undefined) {
        if (!missingParents.has(parent)) result.missing.push(parent)
        missingParents.add(parent)
      } else result.missing.push(rule.path)
      continue
    }
    if (typeof value !== 'string') {
      result.errors.push({ property: rule.path, message: 'must be a string' })
      continue
    }
    const problem = rule.check?.(value) ?? null
    if (problem) result.errors.push({ property: rule.path, message: problem })
  }
  result.errors.push(...unknownFields(RULES[country], details))
  return result
}

/** Fields no rule of the country names, at any depth (`address.zipcode`): refused, not dropped. */
function unknownFields(rules: Rule[], details: Record<string, unknown>): DetailsProblem[] {
  const known = new Map<string, string[]>([['', []]])
  for (const rule of rules) {
    const [head, leaf] = rule.path.split('.') as [string, string | undefined]
    known.get('')?.push(head)
    if (leaf !== undefined) known.set(head, [...(known.get(head) ?? []), leaf])
  }
  const problems: DetailsProblem[] = []
  const walk = (object: Record<string, unknown>, prefix: string) => {
    const names = [...new Set(known.get(prefix) ?? [])]
    for (const [name, value] of Object.entries(object)) {
      const path = prefix ? `${prefix}.${name}` : name
      if (!names.includes(name)) problems.push({ property: path, message: unknownFieldMessage(name, names) })
      else if (!prefix && known.has(name) && isObject(value)) walk(value, name)
    }
  }
  walk(details, '')
  return problems
}

/** The details as stored: the country's fields only (`checkDetails` refuses any other). */
export function knownDetails(country: PortingCountry, details: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {}
  for (const rule of RULES[country]) {
    const value = valueAt(details, rule.path)
    if (value === undefined || value === null) continue
    const [head, leaf] = rule.path.split('.') as [string, string | undefined]
    if (leaf === undefined) kept[head] = value
    else kept[head] = { ...(kept[head] as Record<string, unknown> | undefined), [leaf]: value }
  }
  return kept
}

/** A correction: the new details, where a masked passcode keeps the stored one. */
export function correctedDetails(
  stored: Record<string, unknown>,
  incoming: Record<string, unknown>,
): Record<string, unknown> {
  return incoming.passcode === PASSCODE_MASK && typeof stored.passcode === 'string'
    ? { ...incoming, passcode: stored.passcode }
    : incoming
}

/** The details as clients see them: the passcode masked. */
export function maskedDetails(details: Record<string, unknown>): Record<string, unknown> {
  return typeof details.passcode === 'string' ? { ...details, passcode: PASSCODE_MASK } : details
}

/** The details kept once a port-in has ended: nothing needs the passcode any more. */
export function withoutSecrets(details: Record<string, unknown>): Record<string, unknown> {
  const { passcode: _passcode, ...rest } = details
  return rest
}

/**
 * A Swedish personnummer or samordningsnummer (YYMMDD-NNNN, with or without the century and the
 * dash; `+` for people over 100) or an organisationsnummer (NNNNNN-NNNN, its third digit 2 or more),
 * each ending in a Luhn check digit over its last ten digits.
 */
export function swedishIdentityProblem(value: string): string | null {
  const match = /^(?:[0-9]{2})?([0-9]{6})[-+]?([0-9]{4})$/.exec(value)
  if (!match) return 'must be a personnummer (YYYYMMDD-NNNN) or organisationsnummer (NNNNNN-NNNN)'
  const ten = `${match[1]}${match[2]}`
  if (!luhnValid(ten)) return 'fails its check digit'
  const month = Number(ten.slice(2, 4))
  if (month >= 20) return null // an organisationsnummer
  const day = Number(ten.slice(4, 6))
  const validDay = (day >= 1 && day <= 31) || (day >= 61 && day <= 91) // 61-91: a samordningsnummer
  return month >= 1 && month <= 12 && validDay ? null : 'is not a valid date of birth'
}

function valueAt(details: Record<string, unknown>, path: string): unknown {
  let value: unknown = details
  for (const key of path.split('.')) value = isObject(value) ? value[key] : undefined
  return value
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

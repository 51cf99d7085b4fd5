import { randomInt } from 'node:crypto'

/**
 * A customer's `humanReadableId` (`29A-BY3Z-X78`): what a person reads out on the phone or types
 * into a support form, so it must survive being misheard and mistyped.
 *
 * Alphabet: the digits 2-9 and the letters A-Z without I, L, O and U: 30 symbols. 0/O and 1/I/L
 * are dropped because they look alike in many fonts and are confused when read aloud; U is dropped
 * (as in Crockford's base 32) so that random ids cannot spell the commoner English obscenities.
 * Everything is upper case, so case never matters either.
 *
 * Entropy: 10 symbols in groups of 3-4-3 give 30^10 ≈ 5.9 × 10^14 ids (≈ 49 bits). With ten million
 * customers in one tenant, a fresh id collides with probability ≈ 1.7 × 10^-8, and the insert
 * retries on a collision (the id is unique per tenant), so uniqueness never rests on luck. Fewer
 * symbols (e.g. 8, ≈ 39 bits) would still retry rarely but make ids guessable enough to enumerate;
 * more would stop fitting in a person's short-term memory.
 */
export const HUMAN_READABLE_ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ'
export const HUMAN_READABLE_ID_GROUPS = [3, 4, 3] as const

const SHAPE = new RegExp(`^${HUMAN_READABLE_ID_GROUPS.map((n) => `[${HUMAN_READABLE_ID_ALPHABET}]{${n}}`).join('-')}$`)

/** `randomBelow(n)` returns an integer in [0, n), uniformly; the default is the CSPRNG. */
export function generateHumanReadableId(randomBelow: (n: number) => number = randomInt): string {
  const size = HUMAN_READABLE_ID_ALPHABET.length
  return HUMAN_READABLE_ID_GROUPS.map((length) =>
    Array.from({ length }, () => HUMAN_READABLE_ID_ALPHABET[randomBelow(size)] as string).join(''),
  ).join('-')
}

export const isHumanReadableId = (value: string): boolean => SHAPE.test(value)

/**
 * Unknown fields are refused, not ignored: a misspelt `scheduleAt` that is dropped silently turns
 * "activate on the 1st" into "activate now". These helpers close JSON schemas and word the refusal.
 */

type Node = Record<string, unknown>

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A copy of `schema` in which every object schema that lists its `properties` and says nothing
 * about other ones refuses them (`additionalProperties: false`), at every depth: properties, array items, and each
 * branch of `anyOf`/`oneOf`. An object that states `additionalProperties` (free-form `metadata`,
 * `currencyOptions`) or `patternProperties` keeps its rule. The members of an `allOf` are left
 * open, since each would refuse the others' properties.
 */
export function closeObjects<T>(schema: T): T {
  return close(schema, true) as T
}

function close(value: unknown, closable: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => close(item, closable))
  if (!isNode(value)) return value
  const out: Node = {}
  for (const [key, child] of Object.entries(value)) {
    if (key === 'properties' && isNode(child))
      out[key] = Object.fromEntries(Object.entries(child).map(([name, s]) => [name, close(s, true)]))
    else if (key === 'items' || key === 'anyOf' || key === 'oneOf' || key === 'additionalProperties')
      out[key] = close(child, true)
    else if (key === 'allOf') out[key] = close(child, false)
    else out[key] = child
  }
  // Only a schema that lists properties is closed: a bare `{type: 'object'}` is any object, and one
  // whose shapes are its `oneOf` branches (order line items) is closed branch by branch.
  if (
    closable &&
    isNode(value.properties) &&
    value.additionalProperties === undefined &&
    value.patternProperties === undefined
  )
    out.additionalProperties = false
  return out
}

/** The known name closest to an unknown one, when it is plausibly a typo, a case slip or a longer or shorter spelling of it. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  let best: { name: string; distance: number } | undefined
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase())
    if (!best || distance < best.distance) best = { name: candidate, distance }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(name.length / 4)))
  if (best && best.distance <= allowed) return best.name
  // `zipcode` for `zip`, `email` for `emailAddress`: one name holds the other.
  return known.find((candidate) => {
    const [short, long] = candidate.length < name.length ? [candidate, name] : [name, candidate]
    return short.length >= 3 && long.toLowerCase().includes(short.toLowerCase())
  })
}

/** The message for an unknown field: `is not a known field (did you mean "scheduledAt"?)`. */
export function unknownFieldMessage(name: string, known: readonly string[], noun = 'field'): string {
  const guess = closestName(name, known)
  return `is not a known ${noun}${guess ? ` (did you mean "${guess}"?)` : ''}`
}

/** Levenshtein distance, with a transposition counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[]
    const prev = rows[i - 1] as number[]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1)
    }
  }
  return (rows[a.length] as number[])[b.length] as number
}

/** The prefix that marks your own reference where the API takes an id (`rid_crm-123`). */
export const RID_PREFIX = 'rid_'

/**
 * Your own reference (a `referenceId` you gave a customer, subscription, order…) as the API takes
 * it in place of a UUID, in paths, bodies and filters: `rid('crm-123')` is `'rid_crm-123'`.
 */
export function rid(reference: string): string {
  if (reference.length === 0 || reference.length > 255) throw new RangeError('A reference is 1 to 255 characters long.')
  return `${RID_PREFIX}${reference}`
}

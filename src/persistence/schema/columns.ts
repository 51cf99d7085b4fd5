import { timestamp } from 'drizzle-orm/pg-core'

/** Every instant is a `timestamptz` read as a Date: the one timestamp column type of the schema. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * Route schemas compiled on first use. Fastify compiles every route's validators and response
 * serializers as the app starts: with some hundred routes that is about 50 MB of a process's memory
 * (docs/performance.md, "Memory"), most of it for routes a given deployment seldom or never calls.
 * Compiled on first use, a process holds only what it serves. Until then each one waits in
 * `pending`, so a test can compile them all (`compilePendingSchemas`) and a schema that does not
 * compile fails there rather than on some route's first request.
 */
const pending = new Set<() => unknown>()

/** A function that compiles `compile()` the first time it is called and then runs what it built. */
export function compiledOnFirstUse<A extends unknown[], R>(compile: () => (...args: A) => R): (...args: A) => R {
  let built: ((...args: A) => R) | undefined
  const build = () => {
    pending.delete(build)
    return (built ??= compile())
  }
  pending.add(build)
  return (...args) => (built ?? build())(...args)
}

// `never` for the context: Ajv's functions take their own type, which the wrapper passes on unread.
type Validator = ((data: unknown, context?: never) => unknown) & { errors?: unknown }

/**
 * An Ajv validator compiled on first use. The wrapper carries the compiled one's `errors`, and a
 * `schemaEnv` as Ajv's own functions do, so Fastify passes it the parent object (`{ parentData,
 * parentDataProperty }`) with which Ajv may replace a root value; the wrapper passes it on.
 */
export function validatorOnFirstUse(compile: () => Validator): Validator {
  const run = compiledOnFirstUse(() => {
    const validate = compile()
    return (data: unknown, context?: never) => {
      const result = validate(data, context)
      wrapper.errors = validate.errors
      return result
    }
  })
  const wrapper: Validator & { schemaEnv: true } = Object.assign(
    (data: unknown, context?: never) => run(data, context),
    {
      errors: undefined as unknown,
      schemaEnv: true as const,
    },
  )
  return wrapper
}

/** Compiles every schema not yet used; throws the first one that does not compile. */
export function compilePendingSchemas(): number {
  const builds = [...pending]
  for (const build of builds) build()
  return builds.length
}

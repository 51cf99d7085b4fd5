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
export function compiledOnFirstUse<A, R>(compile: () => (data: A) => R): (data: A) => R {
  let built: ((data: A) => R) | undefined
  const build = () => {
    pending.delete(build)
    return (built ??= compile())
  }
  pending.add(build)
  return (data) => (built ?? build())(data)
}

/** An Ajv-style validator compiled on first use: the wrapper carries the compiled one's `errors`. */
export function validatorOnFirstUse<V extends ((data: unknown) => unknown) & { errors?: unknown }>(
  compile: () => V,
): (data: unknown) => unknown {
  const run = compiledOnFirstUse(() => {
    const validate = compile()
    return (data: unknown) => {
      const result = validate(data)
      wrapper.errors = validate.errors
      return result
    }
  })
  const wrapper = Object.assign((data: unknown) => run(data), { errors: undefined as unknown })
  return wrapper
}

/** Compiles every schema not yet used; throws the first one that does not compile. */
export function compilePendingSchemas(): number {
  const builds = [...pending]
  for (const build of builds) build()
  return builds.length
}

import type { FastifyReply, FastifyRequest } from 'fastify'

export interface RespondOptions<T> {
  /**
   * What a replay of this request answers, when it must differ from the first response: a secret
   * shown once is never stored, so its replay carries a placeholder instead.
   */
  replayAs?: (result: T) => unknown
}

/**
 * Runs a use case and sends its result as `status`, rendered by `toWire`. When the request carries
 * an idempotency key, the service stores the response inside its own transaction (through the
 * request context), so the effect and the stored response commit together; the route then sends
 * those same bytes.
 */
export async function respond<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  toWire: (result: T) => unknown,
  run: () => Promise<T>,
  options: RespondOptions<T> = {},
): Promise<void> {
  const state = req.idempotency
  if (state) {
    const serialize =
      (reply.getSerializationFunction(String(status)) as ((payload: unknown) => string) | undefined) ?? JSON.stringify
    const stored = options.replayAs ?? toWire
    state.render = { status, toBody: (result) => serialize(stored(result as T)) }
  }
  const result = await run()
  reply.code(status)
  // Awaiting the reply waits until it is sent, so the handler never resolves before its response.
  if (state?.payload !== undefined && !options.replayAs)
    await reply.type('application/json; charset=utf-8').send(state.payload)
  else await reply.send(toWire(result))
}

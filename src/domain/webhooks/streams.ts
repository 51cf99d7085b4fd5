/**
 * The key of the stream an event is numbered in (a subscription's stream holds its add-ons,
 * top-ups and port-in; see EmitInput.stream): per endpoint and stream, deliveries go out in order.
 */
export const streamKeyOf = (event: { streamType: string; streamId: string }): string =>
  `${event.streamType}:${event.streamId}`

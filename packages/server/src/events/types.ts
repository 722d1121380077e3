/** An event as delivered: the CloudEvents 1.0 attributes TokoBapak uses. */
export interface EventEnvelope<T = unknown> {
  specversion: '1.0';
  /** Globally unique event id (`evt_…`). */
  id: string;
  /** Dotted event type, e.g. `user.deleted`. */
  type: string;
  /** The service that published it. */
  source: string;
  /** ISO 8601 time of the change. */
  time: string;
  /** The id of the entity the event is about. */
  subject: string | null;
  data: T;
}

/** What a publisher supplies; the runtime fills in id, source and time. */
export interface NewEvent<T = unknown> {
  type: string;
  subject?: string;
  data: T;
}

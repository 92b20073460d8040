/** Routing could not be changed: a bad name or host, or Caddy's admin API refused the change. */
export class RoutingError extends Error {
  constructor(
    message: string,
    /** The admin API's HTTP status, when Caddy answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RoutingError';
  }
}

import type { Clock, RequestsRepository } from '../../domain/ports.ts';

/** What the steps that end a request need. */
export interface EndDeps {
  requests: RequestsRepository;
  clock: Clock;
}

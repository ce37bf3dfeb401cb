import type { Clock, RequestsRepository } from '../../domain/ports.ts';
import type { RequesterMail } from './tell-requester.ts';

/** What the steps that end a request need. */
export interface EndDeps {
  requests: RequestsRepository;
  clock: Clock;
  /** Tells requesters who asked for it that their report ended; absent when e-mail is off. */
  mail?: RequesterMail | undefined;
}

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from './emulators.ts';

/** The local stand-ins for AWS endpoints listen on loopback only. */
export async function listenOnLoopback(server: Server, port = 0): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return runningServer(server);
}

/** A listening loopback server as the local stack starts and stops it. */
export function runningServer(server: Server): RunningServer {
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A loopback server that listens without serving yet: the local stack must know its API's address
 * before the handlers load (the messages they send link to it). Holding the port, rather than
 * probing for a free one and listening later, keeps a parallel process from taking it in between.
 */
export async function holdLoopbackPort(port = 0): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** A request's whole body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

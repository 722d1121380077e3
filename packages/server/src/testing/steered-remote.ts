import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a steered remote service does with the next calls: close the connection with no answer (its
 * process died mid-request), answer 503, accept and never answer (alive but stuck), send 200 and
 * its headers and the start of a body and then nothing more (stuck mid-answer), or answer 200 with
 * the body it was started with.
 */
export type RemoteBehaviour = 'reset' | 'fail' | 'hang' | 'stall' | 'up';

/** A stand-in for a service deployed in another process, on 127.0.0.1, whose failures a test chooses. */
export interface SteeredRemote {
  url: string;
  behaviour: RemoteBehaviour;
  /** Calls received so far (a test reads it to see that the service really was asked). */
  calls: number;
  close(): Promise<void>;
}

/** Starts a steered remote that answers `upBody` while `behaviour` is `up` (its first behaviour is `initial`). */
export async function startSteeredRemote(upBody: unknown, initial: RemoteBehaviour = 'up'): Promise<SteeredRemote> {
  const server = createHttpServer((request, response) => {
    remote.calls += 1;
    request.resume();
    if (remote.behaviour === 'reset') {
      request.socket.destroy();
      return;
    }
    if (remote.behaviour === 'hang') return;
    if (remote.behaviour === 'stall') {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Sent at once (headers and all), so the caller has its answer's status before the body stops.
      response.write(JSON.stringify(upBody).slice(0, 1));
      return;
    }
    if (remote.behaviour === 'fail') {
      response.writeHead(503, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ type: 'about:blank', title: 'Unavailable', status: 503, code: 'SERVICE_UNAVAILABLE' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(upBody));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const remote: SteeredRemote = {
    url: `http://127.0.0.1:${port}`,
    behaviour: initial,
    calls: 0,
    async close() {
      // A hung call holds its connection open: close it, or close() waits for it.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return remote;
}

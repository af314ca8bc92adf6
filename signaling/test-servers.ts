// Test helper: Hivemesh servers on free loopback ports, each closed after the test that started it.

import { afterEach } from 'vitest';
import { startServer, type HiveServer, type ServerOptions } from './server';

/** Call once per test file: returns the function that starts a server for the running test. */
export function serversPerTest(): (options?: Omit<ServerOptions, 'port' | 'host'>) => Promise<HiveServer> {
  const servers: HiveServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (options = {}) => {
    const server = await startServer({ port: 0, host: '127.0.0.1', ...options });
    servers.push(server);
    return server;
  };
}

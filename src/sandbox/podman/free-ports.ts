// Loopback ports for published Service and probe ports. The kernel picks a free one; the allocator
// remembers what it handed out, so control and candidate never get the same port even when podman
// has not bound the first one yet.
import { createServer } from 'node:net';

export type PortAllocator = () => Promise<number>;

export function createPortAllocator(): PortAllocator {
  const handedOut = new Set<number>();
  return async () => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const port = await askKernel();
      if (!handedOut.has(port)) {
        handedOut.add(port);
        return port;
      }
    }
    throw new Error('no free loopback port after 20 attempts; too many sandboxes on this host?');
  };
}

function askKernel(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('kernel gave no port'))));
    });
  });
}

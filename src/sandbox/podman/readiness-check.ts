// The host acting as kubelet: one readiness probe attempt against a published loopback port.
// HTTP 200–399 is ready, as in Kubernetes; anything else (refused, reset, 5xx, slow) is not.
import { request } from 'node:http';
import { connect } from 'node:net';
import type { ReadinessCheck } from './prepare-manifests.js';

export function probeOnce(check: ReadinessCheck, timeoutMs = 1000): Promise<boolean> {
  return check.kind === 'http'
    ? httpProbe(check.hostPort, check.path, timeoutMs)
    : tcpProbe(check.hostPort, timeoutMs);
}

function httpProbe(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tcpProbe(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

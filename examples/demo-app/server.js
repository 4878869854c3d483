// AEGIS demo workload: a dependency-free HTTP service whose failure modes are switched by
// environment variables, so that one image can play every incident shadow verification must
// tell apart (OOM under load, crash on start, slow start, wrong port).
import crypto from 'node:crypto';
import http from 'node:http';

function numberFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`demo-app: ${name}=${raw} is not a non-negative number; unset it or fix its value`);
    process.exit(2);
  }
  return value;
}

const port = numberFromEnv('PORT', 8080);
const leakMbPerRequest = numberFromEnv('LEAK_MB_PER_REQUEST', 0);
const slowStartSeconds = numberFromEnv('SLOW_START_SECONDS', 0);

if (process.env.CRASH_ON_START === '1') {
  console.error('demo-app: CRASH_ON_START=1, exiting with status 1 as asked');
  process.exit(1);
}

// Retained on purpose: this array is the leak. Pages are filled so that they count towards the
// container's memory (an untouched allocation would not reach the cgroup limit).
const leaked = [];
const startedAt = Date.now();
let requests = 0;

function isReady() {
  return Date.now() - startedAt >= slowStartSeconds * 1000;
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function work(res) {
  requests += 1;
  if (leakMbPerRequest > 0) leaked.push(Buffer.alloc(Math.round(leakMbPerRequest * 1024 * 1024), requests % 251));
  // A little CPU per request so that latency percentiles mean something under load.
  const digest = crypto.createHash('sha256').update(String(requests)).digest('hex');
  send(res, 200, { ok: true, requests, digest, leakedMb: leaked.length * leakMbPerRequest });
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz' || path === '/readyz') {
    if (isReady()) send(res, 200, { status: 'ok' });
    else send(res, 503, { status: 'starting', readyInSeconds: slowStartSeconds - (Date.now() - startedAt) / 1000 });
    return;
  }
  if (path === '/') return work(res);
  send(res, 404, { error: `no route ${path}` });
});

server.listen(port, '0.0.0.0', () => {
  console.log(`demo-app: listening on :${port} (leak ${leakMbPerRequest} MB/request, slow start ${slowStartSeconds}s)`);
});

// As PID 1 in a container, node ignores SIGTERM unless it is handled: without this every stop
// would wait for the runtime's kill timeout.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}

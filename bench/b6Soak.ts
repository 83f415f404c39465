import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { writeSession } from '../test/support/sessionGenerator';

export interface B6Options {
  seconds: number;
  wsClients?: number;
  sseClients?: number;
  /** A session store to copy; by default ~50 sessions are generated. */
  corpusDir?: string;
  appendEveryMs?: number;
  /** Traffic before the starting RSS is taken, so lazy start-up allocations are not counted. */
  warmUpMs?: number;
}

export interface B6Result {
  seconds: number;
  appends: number;
  /** The fewest appends any single client saw a `sessions-diff` for. */
  deliveredPerClientMin: number;
  /** Summed over clients: appends whose diff a client never received. */
  missing: number;
  errors: number;
  /** The first few errors, so a failing run says what went wrong. */
  errorSamples: string[];
  httpRequests: number;
  wsRequests: number;
  rssStartMb: number;
  rssEndMb: number;
  rssDeltaMb: number;
}

const repoRoot = path.resolve(__dirname, '..');
const markerPattern = /b6m-(\d+)x/g;
const generatedSessions = 50;

/** What every client (WS or SSE) has seen, and what went wrong on it. */
interface ClientTally {
  label: string;
  delivered: Set<number>;
}

class ErrorLog {
  count = 0;
  readonly samples: string[] = [];
  add(what: string): void {
    this.count++;
    if (this.samples.length < 10) this.samples.push(what);
  }
}

/**
 * B6: 100 WS clients, 20 SSE clients and steady HTTP traffic against `dist/cli.js serve`,
 * with a message appended to a rotating session every ~250 ms. Every client must see every
 * append's `sessions-diff`, nothing may fail, and RSS after GC must stay within 50 MB.
 */
export async function runB6(options: B6Options): Promise<B6Result> {
  const wsCount = options.wsClients ?? 100;
  const sseCount = options.sseClients ?? 20;
  const appendEveryMs = options.appendEveryMs ?? 250;
  const warmUpMs = options.warmUpMs ?? 2_000;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-b6-'));
  const errors = new ErrorLog();
  const tallies: ClientTally[] = [];
  let stopping = false;
  const sockets: WebSocket[] = [];
  const streams: http.ClientRequest[] = [];
  const pingTimers: NodeJS.Timeout[] = [];
  let server: SoakServer | undefined;
  try {
    const store = prepareStore(path.join(work, 'store'), options.corpusDir);
    const files = sessionFiles(store);
    if (files.length === 0) throw new Error(`B6: no session files under ${store}`);
    const srv = await startServer(work);
    server = srv;
    srv.watchExit(() => {
      if (!stopping) errors.add(`server exited unexpectedly: ${srv.stderrTail()}`);
    });
    const endpoint = { host: '127.0.0.1', port: srv.port };
    // The first scan must be complete before appends are counted, or the first ones would
    // arrive as part of the initial list rather than as diffs.
    const first = await postApi(endpoint, 'scan_sessions');
    if (first.status !== 200) throw new Error(`B6: scan_sessions failed before the soak: ${first.body.slice(0, 200)}`);

    let wsRequests = 0;
    for (let i = 0; i < wsCount; i++) {
      const tally: ClientTally = { label: `ws#${i}`, delivered: new Set() };
      tallies.push(tally);
      const ws = await openWs(endpoint, tally, errors, () => stopping);
      sockets.push(ws);
      // A light request stream on every socket, so replies and pushes interleave.
      let nextId = 1;
      const timer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) {
          wsRequests++;
          ws.send(JSON.stringify({ id: nextId++, command: 'ping', payload: {} }));
        }
      }, 2_000 + (i % 20) * 50);
      pingTimers.push(timer);
    }
    for (let i = 0; i < sseCount; i++) {
      const tally: ClientTally = { label: `sse#${i}`, delivered: new Set() };
      tallies.push(tally);
      streams.push(await openSse(endpoint, tally, errors, () => stopping));
    }

    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    let httpRequests = 0;
    let trafficOn = true;
    const httpLoop = async (offset: number) => {
      const commands = ['ping', 'scan_sessions', 'list_tags'];
      for (let n = offset; trafficOn; n++) {
        const command = commands[n % commands.length]!;
        httpRequests++;
        try {
          const res = await postApi(endpoint, command, agent);
          const envelope = JSON.parse(res.body) as { success?: boolean; error?: string };
          if (res.status !== 200 || envelope.success !== true) errors.add(`HTTP ${command}: ${res.status} ${envelope.error ?? ''}`);
        } catch (err) {
          errors.add(`HTTP ${command}: ${(err as Error).message}`);
        }
        // A short pause keeps two loops from starving the server of the CPU it needs for pushes.
        await sleep(5);
      }
    };
    const loops = [httpLoop(0), httpLoop(1)];

    let appends = 0;
    const appendOne = () => {
      const file = files[appends % files.length]!;
      fs.appendFileSync(file, messageLine(`b6m-${appends}x`));
      appends++;
    };
    const warmUpEnd = Date.now() + warmUpMs;
    while (Date.now() < warmUpEnd) {
      appendOne();
      await sleep(appendEveryMs);
    }
    const rssStart = await srv.rssAfterGc();
    const soakEnd = Date.now() + options.seconds * 1000;
    while (Date.now() < soakEnd) {
      appendOne();
      await sleep(appendEveryMs);
    }
    // Give the last diffs time to travel, without waiting forever for a lost one.
    const drainEnd = Date.now() + 10_000;
    while (Date.now() < drainEnd && tallies.some((t) => t.delivered.size < appends)) await sleep(50);
    trafficOn = false;
    await Promise.all(loops);
    agent.destroy();
    const rssEnd = await srv.rssAfterGc();

    let missing = 0;
    let deliveredMin = Number.POSITIVE_INFINITY;
    for (const t of tallies) {
      missing += appends - t.delivered.size;
      deliveredMin = Math.min(deliveredMin, t.delivered.size);
    }
    for (const line of srv.errorLines()) errors.add(`server log: ${line}`);
    const mb = (bytes: number) => bytes / (1024 * 1024);
    return {
      seconds: options.seconds,
      appends,
      deliveredPerClientMin: tallies.length > 0 ? deliveredMin : appends,
      missing,
      errors: errors.count,
      errorSamples: errors.samples,
      httpRequests,
      wsRequests,
      rssStartMb: mb(rssStart),
      rssEndMb: mb(rssEnd),
      rssDeltaMb: mb(rssEnd - rssStart),
    };
  } finally {
    stopping = true;
    for (const t of pingTimers) clearInterval(t);
    for (const ws of sockets) ws.terminate();
    for (const req of streams) req.destroy();
    await server?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function prepareStore(store: string, corpusDir: string | undefined): string {
  if (corpusDir) {
    fs.cpSync(corpusDir, store, { recursive: true });
    return store;
  }
  fs.mkdirSync(store, { recursive: true });
  for (let i = 0; i < generatedSessions; i++) {
    writeSession(store, { version: 3, seed: 600 + i, cwd: `/home/dev/soak-${i % 7}`, turns: 2 + (i % 4), quirks: { tools: i % 2 === 0, unicode: i % 5 === 0 } });
  }
  return store;
}

function sessionFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.name.endsWith('.jsonl') && fs.statSync(full).size < 2_000_000) out.push(full);
    }
  }
  return out.sort();
}

interface SoakServer {
  port: number;
  rssAfterGc(): Promise<number>;
  errorLines(): string[];
  stderrTail(): string;
  watchExit(onExit: () => void): void;
  stop(): Promise<void>;
}

async function startServer(work: string): Promise<SoakServer> {
  const home = path.join(work, 'home');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(path.join(work, 'agent', 'sessions'), { recursive: true });
  const proc: ChildProcess = spawn(
    process.execPath,
    [
      '--expose-gc',
      path.join(repoRoot, 'dist/cli.js'),
      'serve',
      '--port',
      '0',
      '--state-dir',
      path.join(work, 'state'),
      '--agent-dir',
      path.join(work, 'agent'),
      '--session-dir',
      path.join(work, 'store'),
    ],
    { env: { ...process.env, HOME: home, PI_CODING_AGENT_SESSION_DIR: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  const rssWaiters: ((bytes: number) => void)[] = [];
  let partial = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      const m = /^rss (\d+)$/.exec(line);
      if (m) rssWaiters.shift()?.(Number(m[1]));
    }
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`B6: server did not start:\n${stderr}`)), 30_000);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on http:\/\/[^\s]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`B6: server exited before listening:\n${stderr}`));
    });
  });
  const sampleRss = () =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('B6: no rss line after SIGUSR2 (is the SIGUSR2 hook in dist/cli.js?)')), 10_000);
      rssWaiters.push((bytes) => {
        clearTimeout(timer);
        resolve(bytes);
      });
      proc.kill('SIGUSR2');
    });
  return {
    port,
    // Two collections in a row: the second sees what the first only finalised.
    rssAfterGc: async () => {
      await sampleRss();
      return sampleRss();
    },
    errorLines: () => stderr.split('\n').filter((l) => /\[(error|warn)\]/.test(l)),
    stderrTail: () => stderr.slice(-2000),
    watchExit: (onExit) => void exited.then(onExit),
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

function openWs(endpoint: { host: string; port: number }, tally: ClientTally, errors: ErrorLog, stopping: () => boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${endpoint.host}:${endpoint.port}/ws`);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`B6: ${tally.label} refused with ${res.statusCode}`)));
    ws.on('error', (err) => {
      errors.add(`${tally.label} error: ${err.message}`);
      reject(err);
    });
    ws.on('close', (code) => {
      if (!stopping()) errors.add(`${tally.label} closed (${code})`);
    });
    ws.on('message', (data) => {
      const text = data.toString();
      const frame = JSON.parse(text) as { event_type?: string; event?: string; success?: boolean; error?: string };
      if (frame.event_type === 'event') {
        if (frame.event === 'sessions-diff') countMarkers(text, tally);
      } else if (frame.success !== true) {
        errors.add(`${tally.label} reply: ${frame.error ?? text.slice(0, 200)}`);
      }
    });
  });
}

function openSse(endpoint: { host: string; port: number }, tally: ClientTally, errors: ErrorLog, stopping: () => boolean): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get({ ...endpoint, path: '/api/events', headers: { Accept: 'text/event-stream' }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`B6: ${tally.label} refused with ${res.statusCode}`));
        res.resume();
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: sessions-diff$/m.test(block)) countMarkers(block, tally);
        }
      });
      res.on('close', () => {
        if (!stopping()) errors.add(`${tally.label} stream ended`);
      });
      resolve(req);
    });
    req.on('error', (err) => {
      if (!stopping()) errors.add(`${tally.label} error: ${err.message}`);
      reject(err);
    });
  });
}

function countMarkers(text: string, tally: ClientTally): void {
  for (const m of text.matchAll(markerPattern)) tally.delivered.add(Number(m[1]));
}

function postApi(endpoint: { host: string; port: number }, command: string, agent?: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ command, payload: {} });
    const req = http.request(
      { ...endpoint, method: 'POST', path: '/api', agent: agent ?? false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no reply within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

function messageLine(text: string): string {
  const id = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  const now = new Date();
  return `${JSON.stringify({ type: 'message', id, parentId: null, timestamp: now.toISOString(), message: { role: 'user', content: [{ type: 'text', text }], timestamp: now.getTime() } })}\n`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

if (require.main === module) {
  const seconds = Number(process.argv[2] ?? 60);
  runB6({ seconds }).then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err) => {
      process.stderr.write(`B6: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { percentile, startHeadlessServer } from './processes';

export interface B3Result {
  appends: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * B3: append a message line to a session and time until a WS client receives the
 * `sessions-diff` that carries it, over `appends` appends.
 */
export async function runB3(options: { corpusDir: string; stateDir: string; appends: number }): Promise<B3Result> {
  const server = await startHeadlessServer({ stateDir: options.stateDir, sessionDir: options.corpusDir });
  const port = new URL(server.url).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  try {
    // Make sure the first scan is done before timing anything.
    await request(ws, 'scan_sessions');
    const target = pickSession(options.corpusDir);
    const latencies: number[] = [];
    for (let i = 0; i < options.appends; i++) {
      const marker = `b3-append-${i}-${Date.now()}`;
      const arrived = waitForDiff(ws, target, marker);
      const started = performance.now();
      fs.appendFileSync(target, messageLine(marker));
      await arrived;
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { appends: latencies.length, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), maxMs: Math.max(...latencies) };
  } finally {
    ws.close();
    await server.stop();
  }
}

function pickSession(dir: string): string {
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.name.endsWith('.jsonl') && fs.statSync(full).size < 200_000) return full;
    }
  }
  throw new Error(`no small session file under ${dir}`);
}

function messageLine(text: string): string {
  const id = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  const now = new Date();
  return `${JSON.stringify({ type: 'message', id, parentId: null, timestamp: now.toISOString(), message: { role: 'user', content: [{ type: 'text', text }], timestamp: now.getTime() } })}\n`;
}

let nextId = 1;
function request(ws: WebSocket, command: string, payload: unknown = {}): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { id?: number; data?: unknown };
      if (frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame.data);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, command, payload }));
  });
}

function waitForDiff(ws: WebSocket, file: string, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('B3: sessions-diff did not arrive within 10 s')), 10_000);
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { event?: string; payload?: { updated?: { path: string; last_message: string }[] } };
      if (frame.event !== 'sessions-diff') return;
      if (frame.payload?.updated?.some((s) => s.path === file && s.last_message.includes(marker))) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve();
      }
    };
    ws.on('message', onMessage);
  });
}

import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

/**
 * A scripted OpenAI-compatible `/v1/chat/completions` endpoint on 127.0.0.1, for driving the
 * real pi CLI offline. Each request takes the next queued answer; a request with nothing
 * queued gets a 500 and is remembered, so `assertQueueEmpty()` reports it.
 */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
  id?: string;
}

export type ScriptedAnswer =
  | { text?: string; reasoning?: string; toolCalls?: ScriptedToolCall[]; finishReason?: string }
  | { httpStatus: number; body?: string };

export interface RecordedRequest {
  path: string;
  body: ChatRequestBody;
}

export interface ChatRequestBody {
  model?: string;
  stream?: boolean;
  messages?: Array<{ role: string; content?: unknown; tool_call_id?: string }>;
  [key: string]: unknown;
}

export class FakeLlm {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptedAnswer[] = [];
  private unexpected = 0;
  private answered = 0;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeLlm> {
    const server = http.createServer();
    const fake = new FakeLlm(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  /** The provider `baseUrl` for models.json. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  enqueue(...answers: ScriptedAnswer[]): void {
    this.queue.push(...answers);
  }

  assertQueueEmpty(): void {
    if (this.queue.length > 0) throw new Error(`fake LLM: ${this.queue.length} scripted answer(s) were never requested`);
    if (this.unexpected > 0) throw new Error(`fake LLM: ${this.unexpected} request(s) arrived with nothing queued`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = req.url ?? '';
    if (req.method !== 'POST' || !url.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestBody;
    if (body.max_completion_tokens === 1) {
      // pi 1.6's prompt-cache warmer replays the context for one token; it is no turn of the script.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const chunk of this.chunksFor({ text: '.' }, body.model ?? 'fake-chat')) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    this.requests.push({ path: url, body });
    const answer = this.queue.shift();
    if (!answer) {
      this.unexpected++;
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'fake LLM: no scripted answer' } }));
      return;
    }
    if ('httpStatus' in answer) {
      res.writeHead(answer.httpStatus, { 'content-type': 'application/json' });
      res.end(answer.body ?? JSON.stringify({ error: { message: `fake LLM scripted failure ${answer.httpStatus}` } }));
      return;
    }
    this.answered++;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const chunk of this.chunksFor(answer, body.model ?? 'fake-chat')) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  private chunksFor(answer: Exclude<ScriptedAnswer, { httpStatus: number }>, model: string): object[] {
    const id = `chatcmpl-fake-${this.answered}`;
    const base = { id, object: 'chat.completion.chunk', created: 1_700_000_000, model };
    const delta = (d: object, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish }] });
    const out: object[] = [delta({ role: 'assistant', content: '' })];
    // Several small pieces, so that clients see more than one delta per block.
    for (const piece of split(answer.reasoning ?? '')) out.push(delta({ reasoning_content: piece }));
    for (const piece of split(answer.text ?? '')) out.push(delta({ content: piece }));
    (answer.toolCalls ?? []).forEach((call, index) => {
      const args = JSON.stringify(call.arguments);
      const half = Math.ceil(args.length / 2);
      const callId = call.id ?? `call_fake_${this.answered}_${index}`;
      out.push(delta({ tool_calls: [{ index, id: callId, type: 'function', function: { name: call.name, arguments: args.slice(0, half) } }] }));
      out.push(delta({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }));
    });
    const finish = answer.finishReason ?? ((answer.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
    out.push(delta({}, finish));
    out.push({ ...base, choices: [], usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 0 } } });
    return out;
  }
}

function split(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 12) out.push(text.slice(i, i + 12));
  return out;
}

/**
 * Writes an isolated pi agent dir whose only provider is the fake server, with retries off so
 * that failures surface at once instead of after pi's back-off.
 */
export function writeFakeAgentDir(agentDir: string, baseUrl: string): void {
  fs.mkdirSync(agentDir, { recursive: true });
  const models = {
    providers: {
      fakellm: {
        baseUrl,
        api: 'openai-completions',
        apiKey: 'dummy-key-not-a-secret',
        compat: { supportsDeveloperRole: false, supportsStore: false },
        models: [
          { id: 'fake-chat', contextWindow: 128000, maxTokens: 4096, cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } },
          { id: 'fake-think', reasoning: true, contextWindow: 128000, maxTokens: 4096 },
        ],
      },
    },
  };
  fs.writeFileSync(path.join(agentDir, 'models.json'), JSON.stringify(models, null, 2));
  fs.writeFileSync(path.join(agentDir, 'settings.json'), JSON.stringify({ retry: { enabled: false, provider: { maxRetries: 0 } } }, null, 2));
}

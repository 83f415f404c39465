import * as http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = unknown>(): T;
}

export interface RawRequest {
  host: string;
  port: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Local address to send from (to be a non-loopback peer). */
  localAddress?: string;
}

/** A plain node:http request, so tests can forge any header (Host, Origin) a browser would. */
export function rawRequest(req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: req.host,
        port: req.port,
        method: req.method ?? 'GET',
        path: req.path ?? '/',
        headers: req.headers ?? {},
        localAddress: req.localAddress,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
        });
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export interface Envelope<T = unknown> {
  success: boolean;
  data: T;
  error: string | null;
  code?: string;
}

/** `POST /api` as a well-behaved local client. */
export async function callApi<T = unknown>(
  target: { host: string; port: number },
  command: string,
  payload: unknown = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; envelope: Envelope<T> }> {
  const res = await rawRequest({
    ...target,
    method: 'POST',
    path: '/api',
    headers: { 'Content-Type': 'application/json', Host: `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`, ...headers },
    body: JSON.stringify({ command, payload }),
  });
  return { status: res.status, envelope: res.json<Envelope<T>>() };
}

import type { HostBridge } from './bridge';
import { l10n } from '../../src/shared/l10n';
import type { CommandName, PayloadOf, ReplyOf } from '../../src/shared/api/commands';
import type { ApiEnvelope } from '../../src/shared/api/envelope';
import type { HostNotification, HostToPage, PageCommand, PageToHost } from '../../src/shared/webviewProtocol';

/** The object VS Code injects into webview pages; it may be acquired once per page. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

type HostInstruction = Extract<HostNotification, { kind: 'host' }>;

/**
 * HostBridge for a VS Code webview. Requests carry ids and are matched with their responses;
 * events and host instructions arrive as notifications. `ready()` tells the host it may start
 * posting, so nothing it sends is lost while the page is still loading.
 */
export class VscodeBridge implements HostBridge {
  readonly kind = 'vscode' as const;
  private nextId = 1;
  private readonly pending = new Map<number, (result: ApiEnvelope) => void>();
  private readonly eventListeners = new Set<(name: string, payload: unknown) => void>();
  private readonly hostListeners = new Set<(message: HostInstruction) => void>();
  private readonly onWindowMessage = (event: MessageEvent<unknown>) => this.receive(event.data);

  constructor(private readonly api: VsCodeApi = acquireVsCodeApi()) {
    window.addEventListener('message', this.onWindowMessage);
  }

  call<N extends CommandName>(command: N, payload: PayloadOf<N>): Promise<ApiEnvelope<ReplyOf<N>>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      // The host answers with this command's reply type (the shared command map).
      this.pending.set(id, (result) => resolve(result as ApiEnvelope<ReplyOf<N>>));
      this.send({ kind: 'request', id, method: 'dispatch', params: { command, payload } });
    });
  }

  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => void this.eventListeners.delete(listener);
  }

  /** Instructions from the editor (show another session, open the find bar). */
  onHostMessage(listener: (message: HostInstruction) => void): () => void {
    this.hostListeners.add(listener);
    return () => void this.hostListeners.delete(listener);
  }

  openFile(path: string, line?: number): void {
    this.command({ kind: 'command', method: 'open-file', params: line === undefined ? { path } : { path, line } });
  }

  openSession(path: string, entryId?: string): void {
    this.command({ kind: 'command', method: 'open-session', params: entryId === undefined ? { path } : { path, entry_id: entryId } });
  }

  ready(): void {
    this.command({ kind: 'command', method: 'ready' });
  }

  /** Kept by VS Code across reloads; the panel serializer receives it. */
  saveState(state: unknown): void {
    this.api.setState(state);
  }

  savedState(): unknown {
    return this.api.getState();
  }

  dispose(): void {
    window.removeEventListener('message', this.onWindowMessage);
    const failure: ApiEnvelope = { success: false, data: null, error: l10n.t('the page is closing'), code: 'unavailable' };
    for (const resolve of this.pending.values()) resolve(failure);
    this.pending.clear();
  }

  private command(message: PageCommand): void {
    this.send(message);
  }

  private send(message: PageToHost): void {
    this.api.postMessage(message);
  }

  private receive(data: unknown): void {
    if (!isHostToPage(data)) return;
    if (data.kind === 'response') {
      const resolve = this.pending.get(data.id);
      this.pending.delete(data.id);
      resolve?.(data.result);
      return;
    }
    if (data.kind === 'event') {
      for (const listener of [...this.eventListeners]) listener(data.name, data.payload);
      return;
    }
    for (const listener of [...this.hostListeners]) listener(data);
  }
}

function isHostToPage(value: unknown): value is HostToPage {
  if (value === null || typeof value !== 'object') return false;
  const m = value as { kind?: unknown; id?: unknown; name?: unknown; method?: unknown; result?: unknown };
  if (m.kind === 'response') return typeof m.id === 'number' && typeof m.result === 'object' && m.result !== null;
  if (m.kind === 'event') return typeof m.name === 'string';
  return m.kind === 'host' && typeof m.method === 'string';
}

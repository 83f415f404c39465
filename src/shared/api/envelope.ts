import type { ApiErrorCode } from './errors';

/** Every answer of the API, over HTTP, WebSocket and to the editor's own pages. */
export type ApiEnvelope<T = unknown> =
  | { success: true; data: T; error: null }
  | { success: false; data: null; error: string; code: ApiErrorCode };

export type ApiFailure = Extract<ApiEnvelope, { success: false }>;

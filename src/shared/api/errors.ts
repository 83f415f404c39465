const apiErrorCodes = [
  'invalid_payload',
  'invalid_request',
  'not_found',
  'unknown_command',
  'forbidden',
  'unauthorized',
  'too_large',
  'rate_limited',
  'unsupported_media_type',
  'conflict',
  'not_available',
  'unavailable',
  'timeout',
  'internal',
] as const;

/** Machine-readable error codes of the API envelope (`code`). */
export type ApiErrorCode = (typeof apiErrorCodes)[number];

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && (apiErrorCodes as readonly string[]).includes(value);
}

/** An error meant for the caller: its message is safe to show and names the problem. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const invalidPayload = (message: string) => new ApiError('invalid_payload', message);
export const notFound = (message: string) => new ApiError('not_found', message);
export const forbidden = (message: string) => new ApiError('forbidden', message);

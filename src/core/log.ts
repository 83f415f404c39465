/** The logging surface the core writes to: an output channel in VS Code, stderr headless. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const levelRank: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

export function createStreamLogger(write: (line: string) => void, minLevel: LogLevel = 'info'): Logger {
  const at = (level: LogLevel) => (message: string) => {
    if (levelRank[level] >= levelRank[minLevel]) write(`${new Date().toISOString()} [${level}] ${message}`);
  };
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

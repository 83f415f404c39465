// A minimal test harness for the extension host: `test()` registers, `runRegistered()` runs
// them in order, prints one line per test and the closing `N passed, N failed` line, and
// reports the tally to the driver so the runner does not have to parse log output.
import { sendToDriver } from './driver';

interface TestCase {
  name: string;
  fn: () => Promise<void>;
  timeoutMs: number;
}

export interface TestOutcome {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const registered: TestCase[] = [];

export function test(name: string, fn: () => Promise<void>, options: { timeoutMs?: number } = {}): void {
  registered.push({ name, fn, timeoutMs: options.timeoutMs ?? 30_000 });
}

function withTimeout(promise: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** Runs every registered test (optionally only names containing `filter`, or one of its `|`-separated parts). */
export async function runRegistered(filter?: string): Promise<{ passed: number; failed: number }> {
  const outcomes: TestOutcome[] = [];
  const parts = filter ? filter.split('|').filter(Boolean) : [];
  for (const t of registered.filter((r) => parts.length === 0 || parts.some((p) => r.name.includes(p)))) {
    const started = Date.now();
    try {
      await withTimeout(t.fn(), t.timeoutMs, t.name);
      outcomes.push({ name: t.name, ok: true, ms: Date.now() - started });
      console.log(`  ok   ${t.name} (${Date.now() - started} ms)`);
    } catch (err) {
      outcomes.push({ name: t.name, ok: false, ms: Date.now() - started, error: describe(err) });
      console.log(`  FAIL ${t.name} (${Date.now() - started} ms)\n${indent(describe(err))}`);
      // What the workbench showed when the test failed is usually the quickest clue.
      await sendToDriver('screenshot', { name: `failed-${t.name}` }).then(
        (shot) => console.log(`       screenshot: ${(shot as { path: string }).path}`),
        () => undefined,
      );
    }
  }
  const passed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  await sendToDriver('report', { passed, failed, tests: outcomes }).catch((err: unknown) => {
    console.log(`could not report to the driver: ${describe(err)}`);
  });
  return { passed, failed };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `       ${l}`)
    .join('\n');
}

// The reference for B1: read every session file and JSON.parse every line, nothing more.
// Prints the elapsed milliseconds and the peak RSS as JSON.
import fs from 'node:fs';
import path from 'node:path';

const root = process.argv[2];
const started = performance.now();
let lines = 0;
let bad = 0;
let peakRss = 0;
const stack = [root];
while (stack.length) {
  const dir = stack.pop();
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) stack.push(full);
    else if (e.name.endsWith('.jsonl')) {
      const text = fs.readFileSync(full, 'utf8');
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        const line = nl < 0 ? text.slice(start) : text.slice(start, nl);
        if (line.length > 0) {
          try {
            JSON.parse(line);
            lines++;
          } catch {
            bad++;
          }
        }
        if (nl < 0) break;
        start = nl + 1;
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  }
}
process.stdout.write(JSON.stringify({ ms: performance.now() - started, lines, bad, peakRss }) + '\n');

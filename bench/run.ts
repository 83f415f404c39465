import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCorpus, fullCorpus, quickCorpus } from './corpus';
import { runB1B2 } from './b1b2Scan';
import { runB3 } from './b3LiveUpdate';
import { runB5 } from './b5ApiOverhead';
import { writeResults, type Figure } from './results';

/**
 * Runs the benchmarks of benchmarks.md and writes bench/RESULTS.md. It reports; it fails
 * nothing. `--quick` uses a small corpus and short runs; `--only=B1,B5` picks benchmarks.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const wanted = (id: string) => !only || only.includes(id);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const work = path.join(__dirname, '.work');
  fs.mkdirSync(work, { recursive: true });
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run npm run build first');
  const size = quick ? quickCorpus : fullCorpus;
  const corpus = ensureCorpus(path.join(__dirname, '.corpus'), size, log);
  log(`corpus: ${corpus.files} files, ${(corpus.bytes / 1048576).toFixed(0)} MB`);
  const figures: Figure[] = [];
  const notes: string[] = [`Corpus: ${corpus.files} files, ${(corpus.bytes / 1048576).toFixed(0)} MB, generated from a fixed seed by bench/corpus.ts.`];
  const ms = (v: number) => `${v.toFixed(0)} ms`;

  if (wanted('B1') || wanted('B2')) {
    log('B1/B2: cold scan and warm start…');
    const r = await runB1B2(corpus.dir, path.join(work, 'b1'));
    const ratio = r.coldMs / r.referenceMs;
    figures.push({
      id: 'B1',
      what: `cold scan + index of ${r.sessions} sessions (until scan_sessions is complete and search is ready)`,
      value: `${ms(r.coldMs)} (list complete at ${ms(r.coldScanMs)}), peak RSS ${r.coldPeakRssMb.toFixed(0)} MB`,
      reference: `read + JSON.parse every line: ${ms(r.referenceMs)}`,
      ratio: `${ratio.toFixed(2)}×`,
      target: '≤ 1.5×, RSS ≤ 800 MB',
      met: ratio <= 1.5 && r.coldPeakRssMb <= 800,
    });
    const warmRatio = r.warmMs / r.coldMs;
    figures.push({
      id: 'B2',
      what: 'warm start, nothing changed (time to a complete scan_sessions)',
      value: `${ms(r.warmMs)}, peak RSS ${r.warmPeakRssMb.toFixed(0)} MB`,
      reference: `B1 cold: ${ms(r.coldMs)}`,
      ratio: `1/${(1 / warmRatio).toFixed(1)}`,
      target: '≤ 1/20 of B1',
      met: warmRatio <= 1 / 20,
    });
    log(`  cold: list ${ms(r.coldScanMs)}, search ready ${ms(r.coldMs)} (ref ${ms(r.referenceMs)}); warm ${ms(r.warmMs)}`);
  }

  if (wanted('B3')) {
    log('B3: live update…');
    const r = await runB3({ corpusDir: corpus.dir, stateDir: path.join(work, 'b3'), appends: 50 });
    figures.push({
      id: 'B3',
      what: `append → sessions-diff on a WS client, ${r.appends} appends`,
      value: `p50 ${r.p50Ms.toFixed(0)} ms, p95 ${r.p95Ms.toFixed(0)} ms`,
      reference: '–',
      ratio: '–',
      target: 'p95 ≤ 300 ms',
      met: r.p95Ms <= 300,
    });
  }

  if (wanted('B4')) {
    const b4File = path.join(__dirname, 'b4Search.ts');
    if (fs.existsSync(b4File)) {
      log('B4: search…');
      const { runB4 } = (await import(b4File)) as { runB4: (o: { corpusDir: string; stateDir: string }) => Promise<Record<string, number>> };
      const r = await runB4({ corpusDir: corpus.dir, stateDir: path.join(work, 'b4') });
      figures.push({
        id: 'B4',
        what: '30 queries over the corpus',
        value: `p50 ${Number(r.p50Ms).toFixed(1)} ms, p95 ${Number(r.p95Ms).toFixed(1)} ms`,
        reference: `rg -F -l -i p50 ${Number(r.rgP50Ms).toFixed(0)} ms`,
        ratio: `${Number(r.speedup).toFixed(1)}× faster`,
        target: 'p50 ≥ 20× faster than rg, p95 ≤ 100 ms, no recall miss',
        met: Number(r.speedup) >= 20 && Number(r.p95Ms) <= 100 && Number(r.recallMisses ?? 0) === 0,
      });
    }
  }

  if (wanted('B5')) {
    log('B5: API overhead…');
    const r = await runB5({ seconds: quick ? 3 : 8, rounds: quick ? 2 : 3 });
    figures.push({
      id: 'B5',
      what: 'ping over POST /api under load (autocannon, 20 connections, second process)',
      value: `${r.oursRps.toFixed(0)} req/s`,
      reference: `bare node:http: ${r.bareRps.toFixed(0)} req/s`,
      ratio: `${r.ratio.toFixed(2)}`,
      target: '≥ 0.6',
      met: r.ratio >= 0.6,
    });
  }

  if (wanted('B6')) {
    const b6File = path.join(__dirname, 'b6Soak.ts');
    if (fs.existsSync(b6File)) {
      log('B6: soak…');
      const { runB6 } = (await import(b6File)) as { runB6: (o: { seconds: number }) => Promise<Record<string, number>> };
      const r = await runB6({ seconds: quick ? 15 : 60 });
      figures.push({
        id: 'B6',
        what: `soak: 100 WS + 20 SSE clients + HTTP for ${r.seconds} s with ${r.appends} appends`,
        value: `${r.missing} lost events, ${r.errors} errors, RSS Δ ${Number(r.rssDeltaMb).toFixed(1)} MB`,
        reference: '–',
        ratio: '–',
        target: '0 errors, 0 lost, RSS Δ ≤ 50 MB',
        met: r.missing === 0 && r.errors === 0 && Number(r.rssDeltaMb) <= 50,
      });
    }
  }

  const file = writeResults(figures, notes, quick ? 'quick (small corpus, short runs)' : 'full');
  for (const f of figures) log(`${f.id}: ${f.value} | ref ${f.reference} | ${f.ratio} | target ${f.target} | ${f.met === null ? '' : f.met ? 'met' : 'missed'}`);
  log(`wrote ${file}`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

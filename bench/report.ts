import * as fs from 'node:fs';
import { readBefore, writeResults, type RunRecord } from './results';

/**
 * Writes bench/RESULTS.md from the JSON of one or more runs (bench/.work/run-*.json), for when
 * the corpora were measured in separate runs: a later file's corpus or figure replaces an
 * earlier one's. The "before" column comes from bench/before.json.
 * Usage: node --import tsx bench/report.ts bench/.work/run-A.json [bench/.work/run-B.json …]
 */
const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: node --import tsx bench/report.ts <run.json>…');
const runs = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as RunRecord);
const merged: RunRecord = { ...runs[runs.length - 1]!, corpora: [], figures: [] };
for (const run of runs) {
  for (const c of run.corpora) merged.corpora = [...merged.corpora.filter((x) => x.key !== c.key), c];
  for (const f of run.figures) merged.figures = [...merged.figures.filter((x) => x.id !== f.id), f];
}
const order = ['current', 'realistic-quick', 'realistic-1gb', 'realistic-3gb'];
merged.corpora.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
merged.date = runs.map((r) => r.date).sort().join(' … ');
process.stdout.write(`wrote ${writeResults(merged, readBefore())}\n`);

import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

/** The wasm sits next to the bundle in dist/; from source it is taken from node_modules. */
function locateWasm(): string {
  const besideBundle = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(besideBundle)) return besideBundle;
  // A variable keeps the bundler from treating this fallback as a module to bundle.
  const fromPackage = 'sql.js/dist/sql-wasm.wasm';
  return require.resolve(fromPackage);
}

export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ wasmBinary: fs.readFileSync(locateWasm()) as unknown as ArrayBuffer });
  return loading;
}

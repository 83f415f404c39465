// Replaced at build time by esbuild's `define`; the fallback serves tests run from source.
declare const __PRODUCT_VERSION__: string | undefined;

export const productVersion: string =
  typeof __PRODUCT_VERSION__ === 'string' ? __PRODUCT_VERSION__ : (require('../../package.json') as { version: string }).version;

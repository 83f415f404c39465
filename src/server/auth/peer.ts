import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.x.y.z`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  if (a === '::1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice('::ffff:'.length) : a;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

export function isLoopbackBindHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

/**
 * The key failed logins are counted under. The whole of 127.0.0.0/8 is one machine, so a
 * client that rotates its loopback source address is still one source.
 */
export function rateLimitKey(address: string): string {
  return isLoopbackAddress(address) ? 'loopback' : address.toLowerCase();
}

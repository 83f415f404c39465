import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedHostsFor, isHostAllowed } from '../../../src/server/guards/hostGuard';
import { isOriginAllowed, originPolicyFor } from '../../../src/server/guards/originGuard';
import { isLoopbackAddress, isLoopbackBindHost } from '../../../src/server/auth/peer';
import { FailedAuthLimiter } from '../../../src/server/auth/rateLimiter';
import { secretsEqual } from '../../../src/core/auth/tokenStore';
import { ConnectionCap } from '../../../src/server/guards/connectionCap';

test('host guard: loopback names with the bound port only', () => {
  const allowed = allowedHostsFor(52131, []);
  const cases: [string | undefined, boolean][] = [
    ['127.0.0.1:52131', true],
    ['localhost:52131', true],
    ['LocalHost:52131', true],
    ['[::1]:52131', true],
    ['127.0.0.1', false],
    ['127.0.0.1:52132', false],
    ['evil.example:52131', false],
    ['127.0.0.1.nip.io:52131', false],
    ['[::ffff:7f00:1]:52131', false],
    ['', false],
    [undefined, false],
  ];
  for (const [host, expected] of cases) assert.equal(isHostAllowed(host, allowed), expected, String(host));
  const configured = allowedHostsFor(8080, ['my-box.lan', 'fe80::1']);
  assert.equal(isHostAllowed('my-box.lan:8080', configured), true);
  assert.equal(isHostAllowed('[fe80::1]:8080', configured), true);
});

test('origin guard: absent is fine, our own and configured origins are trusted, webviews and anything else are not', () => {
  const policy = originPolicyFor(52131, ['https://trusted.example'], []);
  const cases: [string | undefined, boolean][] = [
    [undefined, true],
    ['http://127.0.0.1:52131', true],
    ['http://localhost:52131', true],
    ['vscode-webview://1a2b3c', false],
    ['https://trusted.example/', true],
    ['https://evil.example', false],
    ['http://192.168.1.5:8080', false],
    ['http://127.0.0.1:52132', false],
    ['null', false],
    ['vscode-webview://x/../evil', false],
  ];
  for (const [origin, expected] of cases) assert.equal(isOriginAllowed(origin, policy), expected, String(origin));
});

test('loopback detection covers IPv4 /8, IPv6 and mapped addresses', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(a), true, a);
  for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '', undefined, '128.0.0.1']) assert.equal(isLoopbackAddress(a), false, String(a));
  assert.equal(isLoopbackBindHost('localhost'), true);
  assert.equal(isLoopbackBindHost('0.0.0.0'), false);
});

test('row 8: the limiter blocks after the threshold and forgets after the window', () => {
  let now = 1000;
  const limiter = new FailedAuthLimiter(3, 10_000, () => now);
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.isBlocked('p'), false);
    limiter.recordFailure('p');
  }
  assert.equal(limiter.isBlocked('p'), true);
  assert.equal(limiter.isBlocked('other'), false);
  assert.ok(limiter.retryAfterMs('p') > 0);
  now += 10_001;
  assert.equal(limiter.isBlocked('p'), false);
});

test('row 9: secret comparison of different lengths is false and never throws', () => {
  assert.equal(secretsEqual('abc', 'abcd'), false);
  assert.equal(secretsEqual('', 'x'.repeat(1000)), false);
  assert.equal(secretsEqual('same', 'same'), true);
});

test('connection cap releases exactly once', () => {
  const cap = new ConnectionCap(2);
  const a = cap.tryAcquire()!;
  const b = cap.tryAcquire()!;
  assert.equal(cap.tryAcquire(), undefined);
  a();
  a();
  assert.equal(cap.count, 1);
  assert.ok(cap.tryAcquire());
  b();
});

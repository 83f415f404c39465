import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IndexMaxHeap } from '../../../src/core/search/indexMaxHeap';

describe('IndexMaxHeap', () => {
  it('hands out every index once, largest key first, ties included', () => {
    let state = 7;
    const next = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    for (const size of [0, 1, 2, 3, 10, 127, 1000]) {
      // Few distinct values, so ties are common.
      const keys = Array.from({ length: size }, () => Math.floor(next() * 20) / 4);
      const heap = new IndexMaxHeap(keys);
      assert.equal(heap.length, size);
      const popped: number[] = [];
      for (let i = heap.pop(); i >= 0; i = heap.pop()) popped.push(i);
      assert.equal(heap.length, 0);
      assert.deepEqual([...popped].sort((a, b) => a - b), keys.map((_, i) => i), 'each index once');
      for (let k = 1; k < popped.length; k++) assert.ok(keys[popped[k - 1]] >= keys[popped[k]], `order at ${k} of ${size}`);
      assert.equal(heap.pop(), -1, 'stays empty');
    }
  });
});

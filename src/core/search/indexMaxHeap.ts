/**
 * The indices 0…n−1 of `keys`, handed out largest key first. Building it is O(n) and each
 * pop O(log n): a caller that stops after a few pops (a top-k walk that has its page) does
 * not pay for sorting all n.
 */
export class IndexMaxHeap {
  private readonly heap: Int32Array;
  private size: number;

  constructor(private readonly keys: ArrayLike<number>) {
    this.size = keys.length;
    this.heap = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) this.heap[i] = i;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  get length(): number {
    return this.size;
  }

  /** The index with the largest key left (any of them on a tie), or −1 when none is left. */
  pop(): number {
    if (this.size === 0) return -1;
    const top = this.heap[0];
    this.size--;
    if (this.size > 0) {
      this.heap[0] = this.heap[this.size];
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(from: number): void {
    const { heap, keys, size } = this;
    const item = heap[from];
    const key = keys[item];
    let at = from;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[heap[child + 1]] > keys[heap[child]]) child++;
      if (keys[heap[child]] <= key) break;
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = item;
  }
}

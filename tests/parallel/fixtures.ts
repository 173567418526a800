// Task functions for the parallelMap test (compiled to tests/dist/parallel/fixtures.js).
import { threadId } from 'worker_threads';
export function square(x: number): { value: number; thread: number } {
  const t0 = Date.now();
  while (Date.now() - t0 < 20) {
    /* hold the thread so both workers get items */
  }
  return { value: x * x, thread: threadId };
}
export function failOnThree(x: number): number {
  if (x === 3) throw new Error('three is not allowed');
  return x;
}

/**
 * Settles (never rejects) once `work` settles or `ms` have passed, whichever comes first. The
 * timer does not keep the process alive: what the caller waits on does, if anything should.
 */
export function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}

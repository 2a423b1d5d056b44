// The stop signal a command shares with its campaigns and their worker threads: element 0 becomes 1 on a stop.

export function stopAsked(signal: Int32Array | undefined): boolean {
  return signal !== undefined && Atomics.load(signal, 0) !== 0;
}

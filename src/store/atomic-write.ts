// Writes a file so that a reader (or a run killed at any moment) sees either the old content or the new, whole.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "fs";
import { dirname, join, basename } from "path";

export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

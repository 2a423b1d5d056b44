// Reads untrusted JSON values field by field, naming the JSON path of the first thing that is wrong.
import { closeSync, constants, fstatSync, openSync, readSync } from "fs";

/** Bad input: one line naming the file, the JSON path and the rule it breaks. */
export class InputError extends Error {
  constructor(
    readonly path: string,
    readonly rule: string,
    public file = "",
  ) {
    super(`${path || "(root)"}: ${rule}`);
  }

  /** Further problems of the same file, found by decoding its independent parts on. */
  more: InputError[] = [];

  /** The one line shown to the user. */
  line(): string {
    return printable(`${this.file || "<input>"}: ${this.path || "(root)"}: ${this.rule}`, 400);
  }

  /** One line per problem, this one first. */
  lines(): string[] {
    return [this, ...this.more].map((e) => {
      e.file ||= this.file;
      return e.line();
    });
  }
}

/**
 * Decodes independent parts of one value, each by its own function, and throws every part's error together
 * (the first, carrying the others in `more`), so a file's problems are all reported at once.
 */
export class ErrorCollector {
  private readonly errors: InputError[] = [];

  /** `decode()`'s result, or undefined after recording its InputError. */
  try<T>(decode: () => T): T | undefined {
    try {
      return decode();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      this.errors.push(e, ...e.more);
      return undefined;
    }
  }

  /** Throws what was recorded, if anything. */
  check(): void {
    const [first, ...rest] = this.errors;
    if (!first) return;
    first.more = rest;
    throw first;
  }
}

const HEX = /^0x[0-9a-fA-F]{1,16}$/;
export const U64_MAX = (1n << 64n) - 1n;

/** A cursor over one JSON value at a known path. */
export class Json {
  constructor(
    readonly value: unknown,
    readonly path: string,
  ) {}

  fail(rule: string): never {
    throw new InputError(this.path, rule);
  }

  object(allowed: readonly string[]): Record<string, unknown> {
    const v = this.value;
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail("must be an object");
    const unknown = Object.keys(v)
      .filter((key) => !allowed.includes(key))
      .map((key) => new InputError(this.child(key), `unknown field (allowed: ${allowed.join(", ")})`));
    const [first, ...rest] = unknown;
    if (first) {
      first.more = rest;
      throw first;
    }
    return v as Record<string, unknown>;
  }

  /** The entries of an object whose keys are data (not field names). */
  entries(): [string, Json][] {
    const v = this.value;
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail("must be an object");
    return Object.keys(v).map((key) => [key, new Json((v as Record<string, unknown>)[key], this.child(key))]);
  }

  field(key: string): Json {
    const obj = this.value as Record<string, unknown>;
    return new Json(obj[key], this.child(key));
  }

  has(key: string): boolean {
    return (this.value as Record<string, unknown>)[key] !== undefined;
  }

  required(key: string): Json {
    if (!this.has(key)) new Json(undefined, this.child(key)).fail("missing required field");
    return this.field(key);
  }

  array(minLength: number, maxLength: number, what = "entries"): Json[] {
    const v = this.value;
    if (!Array.isArray(v)) this.fail("must be an array");
    if (v.length < minLength) this.fail(`needs at least ${minLength} ${what}`);
    if (v.length > maxLength) this.fail(`at most ${maxLength} ${what} allowed`);
    return v.map((item, i) => new Json(item, `${this.path}[${i}]`));
  }

  boolean(): boolean {
    if (typeof this.value !== "boolean") this.fail("must be true or false");
    return this.value;
  }

  string(): string {
    if (typeof this.value !== "string") this.fail("must be a string");
    return this.value;
  }

  oneOf<T extends string>(choices: readonly T[]): T {
    const s = this.string();
    if (!choices.includes(s as T)) this.fail(`must be one of ${choices.map((c) => `"${c}"`).join(", ")}`);
    return s as T;
  }

  integer(min: number, max: number): number {
    const v = this.value;
    if (typeof v !== "number" || !Number.isInteger(v)) this.fail("must be an integer");
    if (v < min || v > max) this.fail(`must be between ${min} and ${max}`);
    return v;
  }

  /** A hex string "0x…" holding an unsigned value <= max. */
  hex(max: bigint = U64_MAX): bigint {
    const s = this.value;
    if (typeof s !== "string" || !HEX.test(s)) this.fail('must be a hex string like "0x1000"');
    const n = BigInt(s);
    if (n > max) this.fail(`out of range (at most 0x${max.toString(16)})`);
    return n;
  }

  private child(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }
}

/** Parses JSON text; a syntax error becomes an InputError at the root. */
export function parseJsonText(text: string): Json {
  try {
    return new Json(JSON.parse(text), "");
  } catch (e) {
    throw new InputError("(root)", `malformed JSON: ${printable((e as Error).message, 120)}`);
  }
}

export function hex(n: bigint | number): string {
  return `0x${n.toString(16)}`;
}

export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}

/** Input files larger than this are refused: scenarios and finding files are a few kilobytes. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/**
 * Reads an input file as UTF-8 text: regular files only (a FIFO, device or folder would block or never end), at
 * most MAX_INPUT_BYTES, a leading byte order mark dropped. Anything else is an InputError naming the file.
 */
export function readInputText(file: string): string {
  const fail = (rule: string): never => {
    throw new InputError("(file)", rule, file);
  };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not wait; fstat then tells what it is.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fail(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) fail("is a folder, not a file");
    if (!st.isFile()) fail("not a regular file (a FIFO, socket or device is never read)");
    if (st.size > MAX_INPUT_BYTES) fail(`too large: ${st.size} bytes (at most ${MAX_INPUT_BYTES})`);
    const bytes = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, bytes, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    const text = bytes.subarray(0, got).toString("utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    closeSync(fd);
  }
}

/** Text from input made safe for one terminal line: control characters shown as \uXXXX, cut to `max` characters. */
export function printable(text: string, max = 60): string {
  // eslint-disable-next-line no-control-regex
  const safe = text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}

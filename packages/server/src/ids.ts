import { randomBytes } from 'node:crypto';

// Crockford's base32 in lower case: no i, l, o or u, so ids survive being read aloud or retyped.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;
const MAX_TIME = 2 ** 48 - 1;
const PREFIX = /^[a-z][a-z0-9]*$/;

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * A new prefixed id: `${prefix}_` followed by a lower-case ULID (26 characters: 10 of millisecond
 * time, 16 of randomness). Ids sort by creation time; within one millisecond of one process they
 * still sort in creation order, because the random part is incremented instead of redrawn.
 *
 * @example
 * const id = newId('usr'); // 'usr_01jd3k5x7q9v2m8c4r6t0w1y3z'
 */
export function newId(prefix: string, now: number = Date.now()): string {
  if (!PREFIX.test(prefix)) throw new Error(`id prefix must be lower-case letters and digits, got '${prefix}'`);
  return `${prefix}_${ulid(now)}`;
}

function ulid(now: number): string {
  if (!Number.isInteger(now) || now < 0 || now > MAX_TIME) throw new Error(`cannot encode time ${now} in an id`);
  // A clock that steps back must not make ids go backwards: keep counting from the last time seen.
  if (now > lastTime) {
    lastTime = now;
    lastRandom = randomDigits();
  } else {
    increment(lastRandom);
  }
  let random = '';
  for (const digit of lastRandom) random += ALPHABET[digit];
  return encodeTime(lastTime) + random;
}

function encodeTime(time: number): string {
  let rest = time;
  let out = '';
  for (let i = 0; i < TIME_LENGTH; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

// Random bytes are drawn from the CSPRNG in batches: a call for 16 bytes cost most of an id (about
// 7 of 8.6 µs), and ids are made several times a request (request ids, rows).
const BATCH = 4096;
let batch = Buffer.alloc(0);
let taken = 0;

/** Makes sure `count` unused bytes are left in the batch. */
function reserve(count: number): void {
  if (taken + count > batch.length) {
    batch = randomBytes(BATCH);
    taken = 0;
  }
}

/**
 * `count` bytes from the CSPRNG, drawn from the same batches as ids (a `randomBytes` call of its
 * own costs a few µs, most of it the call): for secrets made per request, such as a guest cart's
 * token. Each byte is used once, and zeroed in the batch once taken, so a secret does not stay in
 * memory beside the bytes still to come.
 */
export function secureRandomBytes(count: number): Buffer {
  if (count > BATCH / 4) return randomBytes(count);
  reserve(count);
  const bytes = Buffer.from(batch.subarray(taken, taken + count));
  batch.fill(0, taken, taken + count);
  taken += count;
  return bytes;
}

function randomDigits(): number[] {
  reserve(RANDOM_LENGTH);
  const digits = new Array<number>(RANDOM_LENGTH);
  // 256 is a multiple of 32, so masking a byte keeps every digit uniform.
  for (let i = 0; i < RANDOM_LENGTH; i++) digits[i] = (batch[taken + i] as number) & 31;
  // Each byte is used once, so no two ids share their randomness.
  taken += RANDOM_LENGTH;
  return digits;
}

function increment(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    const digit = digits[i] as number;
    if (digit < 31) {
      digits[i] = digit + 1;
      return;
    }
    digits[i] = 0;
  }
  // 2^80 ids in one millisecond: unreachable in practice, and reusing an id would be worse than failing.
  throw new Error('id randomness exhausted within one millisecond');
}

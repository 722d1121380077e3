/**
 * Text that no database column can hold: PostgreSQL's `text` and `jsonb` refuse the NUL character,
 * and an unpaired UTF-16 surrogate is not Unicode at all (it cannot be written as UTF-8 and jsonb
 * refuses its escape). Such text is refused where it enters, naming the field, rather than failing
 * as a 500 when it reaches the database.
 */

/** One field holding text the platform refuses: its JSON pointer (relative to where the walk began) and why. */
export interface UnsafeTextIssue {
  pointer: string;
  message: string;
}

/** The message every refusal carries, so clients can recognise it. */
export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** True when `text` has no NUL and no unpaired surrogate (so it can be stored as UTF-8 text and in jsonb). */
export function isSafeText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Every string (and object key) in a decoded JSON value, query or multipart body that is not
 * {@link isSafeText}, each with its pointer. Bytes (an uploaded file's) are not text and are skipped,
 * and so is every pointer in `skip` (values a handler checks itself, item by item).
 */
export function findUnsafeText(value: unknown, pointer = '', skip: ReadonlySet<string> = NOTHING): UnsafeTextIssue[] {
  // Every request body is walked and almost none holds such text: a walk that builds no pointers says so first.
  if (allSafe(value)) return [];
  return unsafeTextIn(value, pointer, skip);
}

function unsafeTextIn(value: unknown, pointer: string, skip: ReadonlySet<string>): UnsafeTextIssue[] {
  if (skip.has(pointer)) return [];
  if (typeof value === 'string') return isSafeText(value) ? [] : [{ pointer, message: UNSAFE_TEXT_MESSAGE }];
  if (Array.isArray(value)) return value.flatMap((item, index) => unsafeTextIn(item, `${pointer}/${index}`, skip));
  if (!isRecord(value)) return [];
  const issues: UnsafeTextIssue[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (!isSafeText(key)) issues.push({ pointer: `${pointer}/${printable(key)}`, message: `has a name that ${UNSAFE_TEXT_MESSAGE}` });
    else issues.push(...unsafeTextIn(child, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, skip));
  }
  return issues;
}

const NOTHING: ReadonlySet<string> = new Set();

/** True when every string and key in `value` is {@link isSafeText}. */
function allSafe(value: unknown): boolean {
  if (typeof value === 'string') return isSafeText(value);
  if (Array.isArray(value)) {
    for (const item of value) if (!allSafe(item)) return false;
    return true;
  }
  if (!isRecord(value)) return true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!isSafeText(key) || !allSafe(value[key])) return false;
  }
  return true;
}

// Query parsers build objects on prototypes of their own, so anything but bytes and dates is walked.
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer) && !(value instanceof Date);
}

/** An unsafe key, made printable for the problem (each offending character becomes U+FFFD). */
function printable(key: string): string {
  return key.replaceAll('\u0000', '\uFFFD').replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD');
}

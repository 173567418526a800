/**
 * Bad input from the user (a file, an option, a config field). The CLI prints its message as-is and
 * exits 2; library callers can catch it by name. The message says what is wrong and how to fix it.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * The one check of a config object's fields (config files, sweep configs, presets): every key must be
 * known, and `null` is refused except where it means something (e.g. `trainSize: null` = the whole
 * split). A typo or a `null` must never fall back to a default silently.
 */
export function checkFields(o: Record<string, unknown>, where: string, known: readonly string[], nullable: readonly string[] = []): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new InputError(`${where}.${k}: unknown field (known: ${known.join(', ')})`);
    if (o[k] === null && !nullable.includes(k))
      throw new InputError(`${where}.${k}: null is not a value for this field; leave the field out for its default`);
  }
}

/**
 * The check of a library function's option object: a plain object (or undefined) whose keys are all
 * known. JavaScript callers (notebooks) get no compile-time check, so `{ nt: 10 }` for `{ nT: 10 }`
 * would otherwise be ignored and the default used. `undefined` values are allowed (spread options).
 */
export function checkOptions<T extends object>(options: T | undefined | null, fn: string, known: readonly string[]): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== 'object' || Array.isArray(options))
    throw new InputError(`${fn}: options must be an object, got ${JSON.stringify(options)}`);
  for (const [k, v] of Object.entries(options)) {
    if (!known.includes(k)) throw new InputError(`${fn}: unknown option '${k}' (known: ${known.join(', ')})`);
    if (v === null) throw new InputError(`${fn}: option '${k}' is null; leave it out for its default`);
  }
  return options;
}

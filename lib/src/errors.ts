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

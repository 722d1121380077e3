/**
 * Whether a value looks like a payment card number (PAN): after removing spaces and dashes, 12 to
 * 19 digits that pass the Luhn check. Used to refuse "tokens" that are really card numbers, which
 * must never be stored (PCI DSS).
 *
 * @example
 * looksLikeCardNumber('4111 1111 1111 1111'); // true
 * looksLikeCardNumber('tok_sandbox_4f9c2a'); // false
 */
export function looksLikeCardNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  return /^[0-9]{12,19}$/.test(digits) && passesLuhn(digits);
}

/** The Luhn (mod 10) checksum that every card number satisfies. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

import { describe, expect, test } from 'vitest';
import { looksLikeCardNumber } from '../src/index.js';

describe('looksLikeCardNumber', () => {
  test.each([
    '4111111111111111', // Visa test number
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '5555555555554444', // Mastercard
    '378282246310005', // Amex, 15 digits
    '3530111333300000', // JCB
    '6011000990139424', // Discover
    '4222222222222', // 13-digit Visa
    '000000000000', // 12 zeros pass Luhn: refused, it is no gateway token either
  ])('%s is a card number', (value) => {
    expect(looksLikeCardNumber(value)).toBe(true);
  });

  test.each([
    '4111111111111112', // Luhn fails
    '12345678903', // 11 digits
    '12345678901234567897', // 20 digits
    'tok_4111111111111111', // a token that merely contains digits
    '4111.1111.1111.1111', // only spaces and dashes are ignored
    'cus_01jd2x7k9q3m4n5p6r7s8t9v0w',
    '',
  ])('%s is not a card number', (value) => {
    expect(looksLikeCardNumber(value)).toBe(false);
  });
});

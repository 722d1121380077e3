/**
 * A QRIS payload in the EMVCo merchant-presented layout (tag, two-digit length, value), ending in
 * the CRC-16/CCITT-FALSE checksum every QR reader checks. The sandbox's codes are well-formed, so a
 * storefront can render and scan them; no bank would accept the made-up merchant.
 */
export function sandboxQrisString(transactionId: string, amount: number): string {
  const tlv = (tag: string, value: string) => `${tag}${String(value.length).padStart(2, '0')}${value}`;
  const merchantAccount = tlv('00', 'ID.CO.TOKOBAPAK.SANDBOX') + tlv('01', transactionId.slice(-15).toUpperCase());
  const body =
    tlv('00', '01') + // payload format
    tlv('01', '12') + // dynamic: one payment
    tlv('26', merchantAccount) +
    tlv('52', '5999') + // merchant category: miscellaneous retail
    tlv('53', '360') + // rupiah
    tlv('54', String(amount)) +
    tlv('58', 'ID') +
    tlv('59', 'TOKOBAPAK SANDBOX') +
    tlv('60', 'JAKARTA') +
    tlv('62', tlv('05', transactionId.slice(-20)));
  const unchecked = `${body}6304`;
  return unchecked + crc16(unchecked).toString(16).toUpperCase().padStart(4, '0');
}

function crc16(text: string): number {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

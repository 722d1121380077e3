/**
 * Spreads `total` over lines in proportion to their `bases`, exactly to the unit: each line gets
 * the floor of its share, and the units left over go one each to the lines with the largest
 * remainders (ties: the earlier line). No line gets more than its base when `total` is at most the
 * sum of the bases. BigInt products keep the shares exact whatever the amounts.
 *
 * @example
 * allocate(100, [1, 1, 1]); // [34, 33, 33]
 */
export function allocate(total: number, bases: readonly number[]): number[] {
  const sum = bases.reduce((acc, base) => acc + BigInt(base), 0n);
  if (sum === 0n || total === 0) return bases.map(() => 0);
  const wanted = BigInt(total);
  const shares = bases.map((base) => (wanted * BigInt(base)) / sum);
  const remainders = bases.map((base, index) => ({ index, remainder: (wanted * BigInt(base)) % sum }));
  let left = wanted - shares.reduce((acc, share) => acc + share, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index] = (shares[index] as bigint) + 1n;
    left -= 1n;
  }
  return shares.map(Number);
}

import type { StoredDestination } from '../database.js';

/** What a zone matches on (both the flat-rate and the weight-table zones). */
export interface ZoneMatch {
  provinces?: string[] | undefined;
  postalCodePrefixes?: string[] | undefined;
}

/** The first zone the destination is in: by province (without case or outer spaces) or by postal-code prefix. */
export function matchZone<Z extends ZoneMatch>(zones: Z[] | undefined, destination: StoredDestination): Z | undefined {
  const province = destination.region?.trim().toLowerCase();
  const postalCode = destination.postalCode.toUpperCase();
  return zones?.find(
    (zone) =>
      (province !== undefined && (zone.provinces ?? []).some((name) => name.trim().toLowerCase() === province)) ||
      (zone.postalCodePrefixes ?? []).some((prefix) => postalCode.startsWith(prefix.toUpperCase())),
  );
}

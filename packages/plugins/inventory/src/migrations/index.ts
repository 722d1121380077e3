import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { stagedImports } from './0002-staged-imports.js';
import { searchTerms } from './0003-search-terms.js';
import { productCategories } from './0004-product-categories.js';
import { titleSearch } from './0005-title-search.js';
import { stockReturns } from './0006-stock-returns.js';

/** The inventory service's migrations, applied in name order inside schema `inventory`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-staged-imports': stagedImports,
  '0003-search-terms': searchTerms,
  '0004-product-categories': productCategories,
  '0005-title-search': titleSearch,
  '0006-stock-returns': stockReturns,
};

import type { Migration } from './helpers.ts';

/** Cells with neighbours, subscriber counts, network issues (issue 4). Filled in by the network work. */
export const network: Migration = {
  name: '0002-network',
  async up() {},
};

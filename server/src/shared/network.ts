/** Radio networks of DESIGN §2. */
export const NETWORKS = ['GSM', 'WCDMA', 'LTE', 'NR'] as const;
export type Network = (typeof NETWORKS)[number];

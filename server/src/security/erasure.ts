/**
 * What stands in a ciphertext column once retention has erased the value (security/retention.ts).
 * It is not a ciphertext: the key ring (key-ring.ts) reads it as an empty value, and key rotation
 * leaves it alone.
 */
export const ERASED = 'erased:';

/** Marks a blind index that no longer stands for a customer: random per ticket, never equal to a real HMAC (those are hex only). */
export const ERASED_INDEX_PREFIX = 'erased-';

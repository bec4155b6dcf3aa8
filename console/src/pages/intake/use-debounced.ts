import { useEffect, useState } from 'react';

/** `value`, once it has stayed the same for `ms` (compared as JSON, so fresh objects of equal content do not restart it). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
    // `value` is compared by content through `key`
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, ms]);
  return settled;
}

import { useEffect, useState } from 'react';
import { fetchAll } from '../../api';
import { useMe } from '../../session';
import type { Department } from '../../types';

// Departments change rarely: one load per signed-in user (every role may read them, in its scope).
let cache: { user: string; list: Promise<Department[]>; loaded?: Department[] } | null = null;

/** The departments `user` may see, cached until another user signs in. */
export function loadDepartments(user: string): Promise<Department[]> {
  if (!cache || cache.user !== user) {
    const entry: NonNullable<typeof cache> = {
      user,
      list: fetchAll<Department>('/api/v1/departments').then(
        (list) => {
          entry.loaded = list;
          return list;
        },
        (err: unknown) => {
          if (cache === entry) cache = null;
          throw err;
        },
      ),
    };
    cache = entry;
  }
  return cache.list;
}

/** The departments (undefined while loading or when refused; callers then show ids). */
export function useDepartments(): Department[] | undefined {
  const user = useMe().user.username;
  // loaded already (usually, see main.tsx): the first render names the departments
  const [value, setValue] = useState<Department[] | undefined>(() => (cache?.user === user ? cache.loaded : undefined));
  useEffect(() => {
    let live = true;
    loadDepartments(user).then((d) => live && setValue(d), () => live && setValue(undefined));
    return () => {
      live = false;
    };
  }, [user]);
  return value;
}

/** A department's name, or its id when unknown. */
export function departmentName(list: Department[] | undefined, id: string | null | undefined): string {
  if (!id) return '';
  return list?.find((d) => d.id === id)?.name ?? id;
}

import type { Q } from '../db/types.ts';
import { prepared } from '../db/prepared.ts';
import type { Actor } from '../access/actor.ts';
import type { Role } from '../access/roles.ts';
import { regionTree } from '../org/region-tree.ts';
import { API_KEY_PREFIX, SESSION_PREFIX, sha256 } from './tokens.ts';

/** Builds the actor for a user or key from its role and region. */
export async function actorFor(db: Q, who: { kind: 'user' | 'api'; id: number; name: string; role: string; regionId: string; departmentId: string | null }): Promise<Actor> {
  const tree = await regionTree(db);
  const isRoot = tree.parentOf.get(who.regionId) == null;
  return {
    kind: who.kind, id: who.id, name: who.name, role: who.role as Role, regionId: who.regionId, departmentId: who.departmentId,
    isProvince: isRoot || who.role === 'admin',
    regionSubtreeIds: tree.subtree.get(who.regionId) ?? [who.regionId],
  };
}

/** Resolves a session token or API key to its actor; null when unknown, expired, revoked or disabled. */
export async function actorFromToken(db: Q, token: string, now: number): Promise<Actor | null> {
  if (token.startsWith(SESSION_PREFIX)) {
    const row = await sessionByHash.first(db, { tokenHash: sha256(token) });
    if (!row || row.expiresAt <= now || row.disabled) return null;
    return actorFor(db, { kind: 'user', id: row.id, name: row.username, role: row.role, regionId: row.regionId, departmentId: row.departmentId });
  }
  if (token.startsWith(API_KEY_PREFIX)) {
    const key = await apiKeyByHash.first(db, { keyHash: sha256(token) });
    if (!key || key.revokedAt != null) return null;
    return actorFor(db, { kind: 'api', id: key.id, name: `apikey:${key.name}`, role: key.role, regionId: key.regionId, departmentId: null });
  }
  return null;
}

// asked on every request: compiled once (db/prepared.ts)
const sessionByHash = prepared((q, p: { tokenHash: string }) => q.selectFrom('session').innerJoin('appUser', 'appUser.id', 'session.userId')
  .select(['appUser.id', 'appUser.username', 'appUser.role', 'appUser.regionId', 'appUser.departmentId', 'appUser.disabled', 'session.expiresAt'])
  .where('session.tokenHash', '=', p.tokenHash));
const apiKeyByHash = prepared((q, p: { keyHash: string }) => q.selectFrom('apiKey').selectAll().where('keyHash', '=', p.keyHash));

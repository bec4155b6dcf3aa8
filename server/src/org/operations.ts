import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import { departmentsChanged } from './lookups.ts';
import { errors } from '../errors.ts';
import { appendAudit } from '../audit/repository.ts';
import { hashPassword } from '../auth/password.ts';
import { newApiKey, sha256 } from '../auth/tokens.ts';
import { invalidateRegionTree } from './region-tree.ts';
import type { Q } from '../db/types.ts';

interface Ctx { deps: Deps; actor: Actor; address: string | null }

const audit = (trx: Q, c: Ctx, action: string, target: string, regionId: string | null, details?: unknown) =>
  appendAudit(trx, c.deps.db.engine, { at: c.deps.clock.now(), actor: c.actor.name, action, target, regionId, address: c.address, details });

/** Creates or renames a region; a parent must exist and must not be the region itself or below it. */
export async function putRegion(c: Ctx, id: string, body: { name: string; parent?: string | null }) {
  const now = c.deps.clock.now();
  const result = await c.deps.db.kysely.transaction().execute(async (trx) => {
    const parent = body.parent ?? null;
    if (parent) {
      if (parent === id) throw errors.validation('a region cannot be its own parent', { parent });
      // walk up from the parent: meeting `id` would make a cycle
      let at: string | null = parent;
      for (let depth = 0; at; depth++) {
        const r: { parentId: string | null } | undefined = await trx.selectFrom('region').select('parentId').where('id', '=', at).executeTakeFirst();
        if (!r) throw errors.validation(`parent region ${at} does not exist`, { parent });
        if (r.parentId === id || depth > 16) throw errors.validation('that parent would make a cycle', { parent });
        at = r.parentId;
      }
    }
    const existing = await trx.selectFrom('region').selectAll().where('id', '=', id).executeTakeFirst();
    if (existing) await trx.updateTable('region').set({ name: body.name, parentId: parent, updatedAt: now }).where('id', '=', id).execute();
    else await trx.insertInto('region').values({ id, name: body.name, parentId: parent, updatedAt: now }).execute();
    await audit(trx, c, existing ? 'region.updated' : 'region.created', `region:${id}`, id, { name: body.name, parent, before: existing ?? null });
    return { created: !existing, region: { id, name: body.name, parentId: parent } };
  });
  invalidateRegionTree();
  return result;
}

/** Creates or updates a department of a §2 kind in a region. */
export async function putDepartment(c: Ctx, id: string, body: { name: string; kind: string; region: string }) {
  const now = c.deps.clock.now();
  return c.deps.db.kysely.transaction().execute(async (trx) => {
    const region = await trx.selectFrom('region').select('id').where('id', '=', body.region).executeTakeFirst();
    if (!region) throw errors.validation(`region ${body.region} does not exist`, { region: body.region });
    const existing = await trx.selectFrom('department').selectAll().where('id', '=', id).executeTakeFirst();
    if (existing) await trx.updateTable('department').set({ name: body.name, kind: body.kind, regionId: body.region, updatedAt: now }).where('id', '=', id).execute();
    else await trx.insertInto('department').values({ id, name: body.name, kind: body.kind, regionId: body.region, updatedAt: now }).execute();
    departmentsChanged();
    await audit(trx, c, existing ? 'department.updated' : 'department.created', `department:${id}`, body.region, { name: body.name, kind: body.kind, before: existing ?? null });
    return { created: !existing, department: { id, name: body.name, kind: body.kind, regionId: body.region } };
  });
}

/** Creates or updates a user; a new user needs a password; the department must be in the user's region. */
export async function putUser(c: Ctx, username: string, body: { password?: string; role: string; region: string; department?: string | null; displayName?: string | null; disabled?: boolean }) {
  const now = c.deps.clock.now();
  const passwordHash = body.password ? await hashPassword(body.password) : null;
  return c.deps.db.kysely.transaction().execute(async (trx) => {
    const region = await trx.selectFrom('region').select('id').where('id', '=', body.region).executeTakeFirst();
    if (!region) throw errors.validation(`region ${body.region} does not exist`, { region: body.region });
    if (body.department) {
      const d = await trx.selectFrom('department').select(['id', 'regionId']).where('id', '=', body.department).executeTakeFirst();
      if (!d) throw errors.validation(`department ${body.department} does not exist`, { department: body.department });
      if (d.regionId !== body.region) throw errors.validation(`department ${body.department} is in region ${d.regionId}, not ${body.region}`, { department: body.department });
    }
    if ((body.role === 'handler' || body.role === 'expert') && !body.department) {
      throw errors.validation(`a ${body.role} belongs to a department: give "department"`, { role: body.role });
    }
    const existing = await trx.selectFrom('appUser').select(['id', 'role', 'regionId', 'departmentId', 'disabled']).where('username', '=', username).executeTakeFirst();
    const fields = {
      role: body.role, regionId: body.region, departmentId: body.department ?? null,
      displayName: body.displayName ?? null, disabled: body.disabled ? 1 : 0, updatedAt: now,
    };
    if (existing) {
      await trx.updateTable('appUser').set({ ...fields, ...(passwordHash ? { passwordHash, failedLogins: 0, lockedUntil: null } : {}) }).where('id', '=', existing.id).execute();
      // a changed password, role, region or a disabled account ends the user's sessions
      if (passwordHash || body.disabled || existing.role !== body.role || existing.regionId !== body.region) {
        await trx.deleteFrom('session').where('userId', '=', existing.id).execute();
      }
    } else {
      if (!passwordHash) throw errors.validation('a new user needs a password (at least 8 characters)', { field: 'password' });
      await trx.insertInto('appUser').values({ username, passwordHash, failedLogins: 0, lockedUntil: null, createdAt: now, ...fields }).execute();
    }
    await audit(trx, c, existing ? 'user.updated' : 'user.created', `user:${username}`, body.region, {
      role: body.role, region: body.region, department: body.department ?? null, disabled: !!body.disabled, passwordChanged: !!passwordHash,
    });
    return { created: !existing, user: { username, displayName: fields.displayName, role: body.role, regionId: body.region, departmentId: fields.departmentId, disabled: !!body.disabled } };
  });
}

/** Creates an API key; the key itself is returned once and only its hash is kept. */
export async function createApiKey(c: Ctx, body: { name: string; role: string; region: string }) {
  const now = c.deps.clock.now();
  const key = newApiKey();
  return c.deps.db.kysely.transaction().execute(async (trx) => {
    const region = await trx.selectFrom('region').select('id').where('id', '=', body.region).executeTakeFirst();
    if (!region) throw errors.validation(`region ${body.region} does not exist`, { region: body.region });
    if (!regionInScope(c.actor, body.region)) throw errors.forbidden('that region is outside your scope');
    const row = await trx.insertInto('apiKey').values({
      name: body.name, keyHash: sha256(key), prefix: key.slice(0, 10), role: body.role, regionId: body.region, createdBy: c.actor.name, createdAt: now, revokedAt: null,
    }).returning('id').executeTakeFirstOrThrow();
    await audit(trx, c, 'api_key.created', `api_key:${row.id}`, body.region, { name: body.name, role: body.role });
    return { id: row.id, key, name: body.name, role: body.role, regionId: body.region, prefix: key.slice(0, 10) };
  });
}

/** Revokes an API key (kept for the record). */
export async function revokeApiKey(c: Ctx, id: number) {
  const now = c.deps.clock.now();
  return c.deps.db.kysely.transaction().execute(async (trx) => {
    const k = await trx.selectFrom('apiKey').select(['id', 'regionId', 'revokedAt']).where('id', '=', id).executeTakeFirst();
    if (!k || !regionInScope(c.actor, k.regionId)) throw errors.notFound('api key', id);
    if (k.revokedAt == null) {
      await trx.updateTable('apiKey').set({ revokedAt: now }).where('id', '=', id).execute();
      await audit(trx, c, 'api_key.revoked', `api_key:${id}`, k.regionId);
    }
  });
}

import { randomUUID } from 'node:crypto';
import type { App, Organization } from '../../../shared/api-schemas.js';
import { sql, type Queryable } from '../../storage/sql.js';
import { toTimestamp } from '../../storage/timestamps.js';

export interface Page {
  limit: number;
  offset: number;
}

interface AppRow {
  id: string;
  name: string;
  organization_id: string;
}

const toApp = (row: AppRow): App => ({
  id: row.id,
  name: row.name,
  organizationId: row.organization_id,
});

const LIST_FOR_USER = sql(
  `SELECT o.id, o.name FROM organizations o
   JOIN organization_members m ON m.organization_id = o.id
   WHERE m.user_id = ? ORDER BY o.created_at, o.id LIMIT ? OFFSET ?`,
);
const FIND_FOR_USER = sql(
  `SELECT o.id, o.name FROM organizations o
   JOIN organization_members m ON m.organization_id = o.id
   WHERE o.id = ? AND m.user_id = ?`,
);
const LIST_APPS = sql(
  `SELECT id, name, organization_id FROM apps WHERE organization_id = ?
   ORDER BY created_at, id LIMIT ? OFFSET ?`,
);
const INSERT_APP = sql(
  'INSERT INTO apps (id, organization_id, name, created_at) VALUES (?, ?, ?, ?)',
);

/** Organizations a user belongs to, and their apps. Every query is scoped to a member. */
export class OrganizationStore {
  constructor(private readonly db: Queryable) {}

  organizationsOf(userId: string, page: Page): Promise<Organization[]> {
    return this.db.all<Organization>(LIST_FOR_USER, [userId, page.limit, page.offset]);
  }

  async organizationOf(userId: string, organizationId: string): Promise<Organization | null> {
    return (await this.db.get<Organization>(FIND_FOR_USER, [organizationId, userId])) ?? null;
  }

  async appsOf(organizationId: string, page: Page): Promise<App[]> {
    const rows = await this.db.all<AppRow>(LIST_APPS, [organizationId, page.limit, page.offset]);
    return rows.map(toApp);
  }

  async createApp(organizationId: string, name: string, now: number): Promise<App> {
    const app: App = { id: randomUUID(), name, organizationId };
    await this.db.run(INSERT_APP, [app.id, organizationId, name, toTimestamp(now)]);
    return app;
  }
}

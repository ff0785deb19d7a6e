import { randomUUID } from 'node:crypto';
import type { App, Organization } from '../../shared/api-schemas.js';
import type { Db } from './database.js';
import { toTimestamp } from './timestamps.js';

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

/** Organizations a user belongs to, and their apps. Every query is scoped to a member. */
export class OrganizationStore {
  private readonly listForUser;
  private readonly findForUser;
  private readonly listApps;
  private readonly insertApp;

  constructor(db: Db) {
    this.listForUser = db.prepare<[string, number, number], Organization>(
      `SELECT o.id, o.name FROM organizations o
       JOIN organization_members m ON m.organization_id = o.id
       WHERE m.user_id = ? ORDER BY o.created_at, o.id LIMIT ? OFFSET ?`,
    );
    this.findForUser = db.prepare<[string, string], Organization>(
      `SELECT o.id, o.name FROM organizations o
       JOIN organization_members m ON m.organization_id = o.id
       WHERE o.id = ? AND m.user_id = ?`,
    );
    this.listApps = db.prepare<[string, number, number], AppRow>(
      `SELECT id, name, organization_id FROM apps WHERE organization_id = ?
       ORDER BY created_at, id LIMIT ? OFFSET ?`,
    );
    this.insertApp = db.prepare<[string, string, string, string]>(
      'INSERT INTO apps (id, organization_id, name, created_at) VALUES (?, ?, ?, ?)',
    );
  }

  organizationsOf(userId: string, page: Page): Organization[] {
    return this.listForUser.all(userId, page.limit, page.offset);
  }

  organizationOf(userId: string, organizationId: string): Organization | null {
    return this.findForUser.get(organizationId, userId) ?? null;
  }

  appsOf(organizationId: string, page: Page): App[] {
    return this.listApps.all(organizationId, page.limit, page.offset).map(toApp);
  }

  createApp(organizationId: string, name: string, now: number): App {
    const app: App = { id: randomUUID(), name, organizationId };
    this.insertApp.run(app.id, organizationId, name, toTimestamp(now));
    return app;
  }
}

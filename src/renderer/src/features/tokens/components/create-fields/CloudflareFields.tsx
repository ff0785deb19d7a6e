/** A Cloudflare API token's fields: permission groups, what they apply to, and where from. */
import { useState } from 'react';
import type {
  CloudflareAccountChoice,
  CloudflarePermissionChoice,
  CloudflareZoneChoice,
} from '../../../../../../shared/ipc-contract';
import { CLOUDFLARE_TARGETS, type CloudflareFieldValues, type CloudflareTarget } from './rules';
import { FieldError, invalidProps } from './FieldError';

interface Props {
  permissionGroups: readonly CloudflarePermissionChoice[];
  accounts: readonly CloudflareAccountChoice[];
  zones: readonly CloudflareZoneChoice[];
  userKnown: boolean;
  values: CloudflareFieldValues;
  onChange: (values: CloudflareFieldValues) => void;
  error: { field: string; message: string } | null;
}

export function CloudflareFields({
  permissionGroups,
  accounts,
  zones,
  userKnown,
  values,
  onChange,
  error,
}: Props) {
  const [filter, setFilter] = useState('');
  const field = error?.field ?? null;
  const errorOf = (id: string) => (field === id ? (error?.message ?? null) : null);
  const words = filter.trim().toLowerCase();
  const chosen = new Set(values.permissionGroupIds);
  // Chosen ones stay visible whatever the filter, so a choice is never hidden from its owner.
  const shown = permissionGroups.filter(
    (group) => chosen.has(group.id) || words === '' || group.name.toLowerCase().includes(words),
  );
  const toggle = (id: string, on: boolean) =>
    onChange({
      ...values,
      permissionGroupIds: on
        ? [...values.permissionGroupIds, id]
        : values.permissionGroupIds.filter((g) => g !== id),
    });
  const needsAccount = values.target === 'account' || values.target === 'zones-in-account';
  return (
    <>
      <fieldset
        aria-invalid={field === 'cloudflare-permissions' ? true : undefined}
        aria-describedby={
          field === 'cloudflare-permissions' ? 'cloudflare-permissions-error' : undefined
        }
      >
        <legend>Permissions</legend>
        <label htmlFor="cloudflare-filter">Filter permissions</label>
        <input
          id="cloudflare-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <div className="permission-choices">
          {shown.map((group, index) => (
            <label key={group.id} className="choice">
              <input
                type="checkbox"
                id={index === 0 ? 'cloudflare-permissions' : undefined}
                checked={chosen.has(group.id)}
                onChange={(e) => toggle(group.id, e.target.checked)}
              />
              {group.name}
            </label>
          ))}
          {shown.length === 0 && <p className="hint">No permission matches “{filter.trim()}”.</p>}
        </div>
        <p className="hint" role="status">
          {values.permissionGroupIds.length} chosen
        </p>
        <FieldError id="cloudflare-permissions" message={errorOf('cloudflare-permissions')} />
      </fieldset>

      <label htmlFor="cloudflare-target">Applies to</label>
      <select
        {...invalidProps('cloudflare-target', field)}
        value={values.target}
        onChange={(e) => onChange({ ...values, target: e.target.value as CloudflareTarget })}
      >
        {Object.entries(CLOUDFLARE_TARGETS).map(([target, label]) => (
          <option key={target} value={target} disabled={target === 'user' && !userKnown}>
            {label}
          </option>
        ))}
      </select>
      <FieldError id="cloudflare-target" message={errorOf('cloudflare-target')} />

      {needsAccount && (
        <>
          <label htmlFor="cloudflare-account">Account</label>
          <select
            {...invalidProps('cloudflare-account', field)}
            value={values.accountId}
            onChange={(e) => onChange({ ...values, accountId: e.target.value })}
          >
            <option value="">
              {accounts.length === 0 ? 'No account is visible to this connection' : 'Choose…'}
            </option>
            {accounts.map((account) => (
              <option key={account.id} value={account.id}>
                {account.name}
              </option>
            ))}
          </select>
          <FieldError id="cloudflare-account" message={errorOf('cloudflare-account')} />
        </>
      )}
      {values.target === 'zone' && (
        <>
          <label htmlFor="cloudflare-zone">Zone</label>
          <select
            {...invalidProps('cloudflare-zone', field)}
            value={values.zoneId}
            onChange={(e) => onChange({ ...values, zoneId: e.target.value })}
          >
            <option value="">
              {zones.length === 0 ? 'No zone is visible to this connection' : 'Choose…'}
            </option>
            {zones.map((zone) => (
              <option key={zone.id} value={zone.id}>
                {zone.name}
              </option>
            ))}
          </select>
          <FieldError id="cloudflare-zone" message={errorOf('cloudflare-zone')} />
        </>
      )}

      <label htmlFor="cloudflare-allowed">Allowed IP ranges</label>
      <input
        {...invalidProps('cloudflare-allowed', field, 'cloudflare-allowed-hint')}
        value={values.allowed}
        onChange={(e) => onChange({ ...values, allowed: e.target.value })}
        placeholder="e.g. 192.0.2.0/24, 2001:db8::/32"
        autoComplete="off"
        spellCheck={false}
      />
      <p id="cloudflare-allowed-hint" className="hint">
        Leave empty to allow any address.
      </p>
      <FieldError id="cloudflare-allowed" message={errorOf('cloudflare-allowed')} />
    </>
  );
}

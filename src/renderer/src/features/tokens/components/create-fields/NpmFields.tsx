/** npm's granular token fields, as npm's own `npm token create` takes them. */
import { BYPASS_2FA_WARNING } from '../../../../../../shared/issuers/npm';
import { splitList, type NpmFieldValues } from './rules';
import { FieldError, invalidProps } from './FieldError';

interface Props {
  values: NpmFieldValues;
  onChange: (values: NpmFieldValues) => void;
  error: { field: string; message: string } | null;
}

export function NpmFields({ values, onChange, error }: Props) {
  const set = <K extends keyof NpmFieldValues>(key: K, value: NpmFieldValues[K]) =>
    onChange({ ...values, [key]: value });
  const field = error?.field ?? null;
  const errorOf = (id: string) => (field === id ? (error?.message ?? null) : null);
  const hasOrgs = splitList(values.orgs).length > 0;
  return (
    <>
      <fieldset>
        <legend>Access</legend>
        <div className="choices">
          <label className="choice">
            <input
              type="radio"
              name="npm-permission"
              checked={values.permission === 'read-only'}
              onChange={() => set('permission', 'read-only')}
            />
            Read only
          </label>
          <label className="choice">
            <input
              type="radio"
              name="npm-permission"
              checked={values.permission === 'read-write'}
              onChange={() => set('permission', 'read-write')}
            />
            Read and write
          </label>
        </div>
      </fieldset>

      <label htmlFor="npm-packages">Packages</label>
      <input
        {...invalidProps('npm-packages', field, 'npm-packages-hint')}
        value={values.packages}
        disabled={values.allPackages}
        onChange={(e) => set('packages', e.target.value)}
        placeholder="e.g. my-package, @acme/tool"
        autoComplete="off"
        spellCheck={false}
      />
      <p id="npm-packages-hint" className="hint">
        Separate names with spaces or commas.
      </p>
      <FieldError id="npm-packages" message={errorOf('npm-packages')} />
      <label className="choice">
        <input
          type="checkbox"
          checked={values.allPackages}
          onChange={(e) => set('allPackages', e.target.checked)}
        />
        All packages
      </label>

      <label htmlFor="npm-scopes">Scopes</label>
      <input
        {...invalidProps('npm-scopes', field)}
        value={values.scopes}
        onChange={(e) => set('scopes', e.target.value)}
        placeholder="e.g. @acme"
        autoComplete="off"
        spellCheck={false}
      />
      <FieldError id="npm-scopes" message={errorOf('npm-scopes')} />

      <label htmlFor="npm-orgs">Organizations</label>
      <input
        {...invalidProps('npm-orgs', field)}
        value={values.orgs}
        onChange={(e) => set('orgs', e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      {hasOrgs && (
        <fieldset>
          <legend>What the token may do in the organizations</legend>
          <div className="choices">
            <label className="choice">
              <input
                type="radio"
                name="npm-orgs-permission"
                checked={values.orgsPermission === 'read-only'}
                onChange={() => set('orgsPermission', 'read-only')}
              />
              See members and teams
            </label>
            <label className="choice">
              <input
                type="radio"
                name="npm-orgs-permission"
                checked={values.orgsPermission === 'read-write'}
                onChange={() => set('orgsPermission', 'read-write')}
              />
              Manage members and teams
            </label>
          </div>
        </fieldset>
      )}
      <FieldError id="npm-orgs" message={errorOf('npm-orgs')} />

      <label htmlFor="npm-cidr">Allowed IP ranges</label>
      <input
        {...invalidProps('npm-cidr', field, 'npm-cidr-hint')}
        value={values.cidr}
        onChange={(e) => set('cidr', e.target.value)}
        placeholder="e.g. 192.0.2.0/24"
        autoComplete="off"
        spellCheck={false}
      />
      <p id="npm-cidr-hint" className="hint">
        IPv4 ranges only; leave empty to allow any address.
      </p>
      <FieldError id="npm-cidr" message={errorOf('npm-cidr')} />

      <label className="choice">
        <input
          {...invalidProps('npm-bypass', field)}
          type="checkbox"
          checked={values.bypass2fa}
          onChange={(e) => set('bypass2fa', e.target.checked)}
        />
        Bypass two-factor authentication
      </label>
      <FieldError id="npm-bypass" message={errorOf('npm-bypass')} />
      {values.bypass2fa && (
        <p className="field-warning" role="status">
          {BYPASS_2FA_WARNING}
        </p>
      )}
    </>
  );
}

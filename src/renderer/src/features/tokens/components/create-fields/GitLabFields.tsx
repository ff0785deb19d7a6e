/** A GitLab project or group access token's fields: where, which role, which scopes. */
import type { GitLabNamespaceChoice } from '../../../../../../shared/ipc-contract';
import {
  GITLAB_ACCESS_LEVELS,
  GITLAB_ACCESS_TOKEN_SCOPES,
  gitlabScopeInWords,
} from '../../../../../../shared/issuers/gitlab';
import type { GitLabFieldValues } from './rules';
import { FieldError, invalidProps } from './FieldError';

interface Props {
  namespaces: readonly GitLabNamespaceChoice[];
  values: GitLabFieldValues;
  onChange: (values: GitLabFieldValues) => void;
  error: { field: string; message: string } | null;
}

export function GitLabFields({ namespaces, values, onChange, error }: Props) {
  const field = error?.field ?? null;
  const errorOf = (id: string) => (field === id ? (error?.message ?? null) : null);
  const projects = namespaces.filter((namespace) => namespace.kind === 'project');
  const groups = namespaces.filter((namespace) => namespace.kind === 'group');
  const toggle = (scope: string, on: boolean) =>
    onChange({
      ...values,
      scopes: on ? [...values.scopes, scope] : values.scopes.filter((s) => s !== scope),
    });
  return (
    <>
      <label htmlFor="gitlab-namespace">Project or group</label>
      <select
        {...invalidProps('gitlab-namespace', field)}
        value={values.namespace}
        onChange={(e) => onChange({ ...values, namespace: e.target.value })}
      >
        {projects.length > 0 && (
          <optgroup label="Projects you maintain">
            {projects.map((project) => (
              <option key={project.id} value={`project:${project.id}`}>
                {project.path}
              </option>
            ))}
          </optgroup>
        )}
        {groups.length > 0 && (
          <optgroup label="Groups you own">
            {groups.map((group) => (
              <option key={group.id} value={`group:${group.id}`}>
                {group.path}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <FieldError id="gitlab-namespace" message={errorOf('gitlab-namespace')} />

      <label htmlFor="gitlab-role">Role</label>
      <select
        id="gitlab-role"
        value={values.accessLevel}
        onChange={(e) => onChange({ ...values, accessLevel: Number(e.target.value) })}
      >
        {Object.entries(GITLAB_ACCESS_LEVELS).map(([level, name]) => (
          <option key={level} value={level}>
            {name}
          </option>
        ))}
      </select>

      <fieldset
        aria-invalid={field === 'gitlab-scopes' ? true : undefined}
        aria-describedby={field === 'gitlab-scopes' ? 'gitlab-scopes-error' : undefined}
      >
        <legend>Scopes</legend>
        <div className="scope-choices">
          {Object.keys(GITLAB_ACCESS_TOKEN_SCOPES).map((scope, index) => (
            <label key={scope} className="choice">
              <input
                type="checkbox"
                id={index === 0 ? 'gitlab-scopes' : undefined}
                checked={values.scopes.includes(scope)}
                onChange={(e) => toggle(scope, e.target.checked)}
              />
              {gitlabScopeInWords(scope)}
            </label>
          ))}
        </div>
        <FieldError id="gitlab-scopes" message={errorOf('gitlab-scopes')} />
      </fieldset>
    </>
  );
}

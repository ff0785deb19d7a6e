/** GitHub's extra fields: an environment of the picked repository, an organization secret's sharing. */
import { Banner } from '../../../../components/Banner';
import {
  choiceKey,
  SHOWN_TARGETS,
  type ProviderFieldsProps,
  type Visibility,
} from '../../send-form';

export function GitHubEnvironmentField({ id, state, view, dispatch }: ProviderFieldsProps) {
  const { environment } = state;
  const { environments, environmentsError } = view;
  return (
    <>
      <label htmlFor={`${id}-environment`}>Environment</label>
      {environmentsError ? (
        <Banner tone="error">{environmentsError}</Banner>
      ) : environments === null ? (
        <p className="muted">Loading environments…</p>
      ) : environments.length === 0 ? (
        <p className="field-error">This repository has no environments.</p>
      ) : (
        <select
          id={`${id}-environment`}
          value={environment}
          onChange={(e) => dispatch({ type: 'environment', name: e.target.value })}
        >
          {environments.map((env) => (
            <option key={env}>{env}</option>
          ))}
        </select>
      )}
    </>
  );
}

export function GitHubOrganizationFields({ id, state, view, dispatch }: ProviderFieldsProps) {
  const { visibility, shareSearch, sharedIds, picked } = state;
  const { shareError, orgRepositories, shareMatching, chosenIds } = view;
  return (
    <>
      <label htmlFor={`${id}-visibility`}>Repositories that can use it</label>
      <select
        id={`${id}-visibility`}
        value={visibility}
        onChange={(e) => dispatch({ type: 'visibility', visibility: e.target.value as Visibility })}
      >
        <option value="private">Private and internal repositories</option>
        <option value="all">All repositories</option>
        <option value="selected">Selected repositories</option>
      </select>
      {visibility === 'selected' && (
        <>
          <label htmlFor={`${id}-share-search`}>Search the organization’s repositories</label>
          <input
            id={`${id}-share-search`}
            type="search"
            value={shareSearch}
            onChange={(e) => dispatch({ type: 'share-search', text: e.target.value })}
            placeholder="name"
            aria-controls={`${id}-shared`}
          />
          {shareError && <Banner tone="error">{shareError}</Banner>}
          <div
            id={`${id}-shared`}
            className="target-list"
            role="group"
            aria-label="Selected repositories"
            aria-busy={orgRepositories === null && !shareError}
          >
            {orgRepositories === null && !shareError && <p className="muted">Loading…</p>}
            {orgRepositories && picked?.kind !== 'organization' && (
              <p className="muted">Choose an organization above first.</p>
            )}
            {orgRepositories && picked?.kind === 'organization' && shareMatching.length === 0 && (
              <p className="muted">
                {orgRepositories.length === 0
                  ? `This account can see no repositories of ${picked.org}.`
                  : `Nothing matches “${shareSearch}”.`}
              </p>
            )}
            {shareMatching.slice(0, SHOWN_TARGETS).map((repository) => (
              <label key={repository.id} className="target-option">
                <input
                  type="checkbox"
                  checked={sharedIds.includes(repository.id)}
                  onChange={(e) =>
                    dispatch({
                      type: 'share-toggled',
                      id: repository.id,
                      on: e.target.checked,
                    })
                  }
                />
                <span className="target-name">{choiceKey(repository)}</span>
                <span className="muted target-tag">
                  {repository.private ? 'private' : 'public'}
                </span>
              </label>
            ))}
            {shareMatching.length > SHOWN_TARGETS && (
              <p className="muted">
                {(shareMatching.length - SHOWN_TARGETS).toLocaleString()} more: narrow the search.
              </p>
            )}
          </div>
          <p className="hint" aria-live="polite">
            {chosenIds.length === 1
              ? '1 repository chosen.'
              : `${chosenIds.length} repositories chosen.`}
          </p>
        </>
      )}
    </>
  );
}

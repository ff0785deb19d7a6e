/** GitLab's extra fields: the variable's environment scope, masked and protected. */
import type { ProviderFieldsProps } from '../../send-form';

export function GitLabVariableFields({ id, state, dispatch }: ProviderFieldsProps) {
  const { scope, masked, isProtected } = state;
  return (
    <>
      <label htmlFor={`${id}-scope`}>Environment scope</label>
      <input
        id={`${id}-scope`}
        value={scope}
        onChange={(e) => dispatch({ type: 'scope', scope: e.target.value })}
        aria-describedby={`${id}-scope-hint`}
      />
      <p id={`${id}-scope-hint`} className="hint">
        * for every environment, or one environment’s name.
      </p>
      <div className="choices send-flags">
        <label className="choice">
          <input
            type="checkbox"
            checked={masked}
            onChange={(e) => dispatch({ type: 'masked', masked: e.target.checked })}
          />
          Masked (hidden in job logs)
        </label>
        <label className="choice">
          <input
            type="checkbox"
            checked={isProtected}
            onChange={(e) => dispatch({ type: 'protected', isProtected: e.target.checked })}
          />
          Protected (protected branches and tags only)
        </label>
      </div>
    </>
  );
}

/** A field's problem in words, beside it; the field names it with aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <p id={`${id}-error`} className="field-error" role="alert">
      {message}
    </p>
  );
}

/** The props a field takes to say it is the one in error. */
export function invalidProps(id: string, errorField: string | null, hint?: string) {
  const invalid = errorField === id;
  const describedBy = [hint, invalid ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return {
    id,
    'aria-invalid': invalid ? true : undefined,
    'aria-describedby': describedBy || undefined,
  } as const;
}

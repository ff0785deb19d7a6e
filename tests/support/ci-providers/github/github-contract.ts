/**
 * GitHub's official OpenAPI description (@octokit/openapi) as a validator, so the
 * fake cannot drift into a shape GitHub never sends and our client cannot send one
 * GitHub would refuse. Schemas are compiled lazily, once per operation and status.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const SPEC_ID = 'github';
/** Bad credentials, forbidden or rate-limited, not found, secondary rate limit. */
const UNIVERSAL_ERRORS = new Set([401, 403, 404, 429]);

interface Operation {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: {
    examples: Record<string, { value: unknown }>;
    responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  };
}

export class GitHubContract {
  readonly spec: Spec;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor() {
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    this.spec = JSON.parse(readFileSync(file, 'utf8'), withoutDiscriminators) as Spec;
    // OpenAPI 3.0 carries keywords JSON Schema does not know (example, x-github…).
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(this.ajv);
    this.ajv.addSchema(this.spec as object, SPEC_ID);
  }

  /** The documented example value, deep-copied, for a fake to start from. */
  example<T>(name: string): T {
    const example = this.spec.components.examples[name];
    if (!example) throw new Error(`GitHub's description has no example "${name}"`);
    return structuredClone(example.value) as T;
  }

  /** Problems with a request body for `method template`; empty when it conforms. */
  checkRequest(method: string, template: string, body: unknown): string[] {
    const operation = this.operation(method, template);
    if (!operation.requestBody) return body === undefined ? [] : ['the operation takes no body'];
    const pointer = `#/paths/${escape(template)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
    return this.check(pointer, body, `${method} ${template} request`);
  }

  /** Problems with a response for `method template` with `status`; empty when it conforms. */
  checkResponse(method: string, template: string, status: number, body: unknown): string[] {
    const operation = this.operation(method, template);
    const response = operation.responses[String(status)];
    const where = `${method} ${template} ${status}`;
    if (!response) {
      // The description leaves out the errors any endpoint can answer; GitHub sends
      // them in its basic-error shape.
      return UNIVERSAL_ERRORS.has(status)
        ? this.check('#/components/schemas/basic-error', body, where)
        : [`${where}: GitHub documents no such status for this operation`];
    }
    let pointer = `#/paths/${escape(template)}/${method.toLowerCase()}/responses/${status}`;
    let content = response.content;
    if (response.$ref) {
      const name = response.$ref.split('/').pop() ?? '';
      pointer = `#/components/responses/${escape(name)}`;
      content = this.spec.components.responses[name]?.content;
    }
    if (!content?.['application/json'])
      return body === undefined || body === null ? [] : [`${where}: documented without a body`];
    return this.check(`${pointer}/content/application~1json/schema`, body, where);
  }

  private operation(method: string, template: string): Operation {
    const operation = this.spec.paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`GitHub documents no operation ${method} ${template}`);
    return operation;
  }

  private check(pointer: string, value: unknown, where: string): string[] {
    let validate = this.compiled.get(pointer);
    if (validate === undefined) {
      validate = this.ajv.getSchema(`${SPEC_ID}${pointer}`) ?? null;
      this.compiled.set(pointer, validate);
    }
    if (!validate) return [`${where}: no schema at ${pointer}`];
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) => `${where}: ${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`,
    );
  }
}

/**
 * Ajv cannot use OpenAPI's discriminator mappings. GitHub uses them to choose
 * between alternatives that may overlap (the private and public views of a user),
 * where `oneOf` would refuse a value that fits both: check them as `anyOf`.
 */
function withoutDiscriminators(this: unknown, _key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && 'discriminator' in value && 'oneOf' in value) {
    const { discriminator: _ignored, oneOf, ...rest } = value as Record<string, unknown>;
    return { ...rest, anyOf: oneOf };
  }
  return value;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

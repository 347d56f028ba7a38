import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The one JSON-schema validator of SeatGrid's contracts: every error at once, no coercion, no silent removal of
 * unknown properties (they are refused), the formats the contracts use (uuid, date-time).
 */
export const AJV_OPTIONS = { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false, strict: true } as const;
const ajv = addFormats.default(new Ajv(AJV_OPTIONS), ['uuid', 'date-time']);

export function compileSchema<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

/** Validator errors as sentences that name the field (`seats.0.row must not be less than 1`). */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(describe);
}

const TYPE_NAMES: Record<string, string> = { integer: 'an integer number', number: 'a number', string: 'a string', object: 'an object', array: 'an array', boolean: 'a boolean' };
const FORMAT_NAMES: Record<string, string> = { uuid: 'a UUID', 'date-time': 'an ISO 8601 date-time' };

function describe(error: ErrorObject): string {
  const field = error.instancePath.slice(1).replaceAll('/', '.');
  const { params } = error as { params: Record<string, unknown> };
  const within = (name: unknown) => (field ? `${field}.${String(name)}` : String(name));
  switch (error.keyword) {
    case 'required':
      return `${within(params.missingProperty)} is required`;
    case 'additionalProperties':
      return `property ${within(params.additionalProperty)} should not exist`;
    case 'type':
      return `${field} must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}`;
    case 'minimum':
      return `${field} must not be less than ${String(params.limit)}`;
    case 'maximum':
      return `${field} must not be greater than ${String(params.limit)}`;
    case 'minItems':
      return `${field} must contain at least ${String(params.limit)} elements`;
    case 'maxItems':
      return `${field} must contain no more than ${String(params.limit)} elements`;
    case 'minLength':
      return `${field} must be at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `${field} must be at most ${String(params.limit)} characters`;
    case 'format':
      return `${field} must be ${FORMAT_NAMES[String(params.format)] ?? String(params.format)}`;
    case 'const':
      return `${field} must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `${field} must be one of ${JSON.stringify(params.allowedValues)}`;
    default:
      return `${field || 'body'} ${error.message ?? 'is invalid'}`;
  }
}

import { type Static, type TLiteral, type TObject, type TProperties, Type } from 'typebox';
import { compileSchema, describeSchemaErrors } from '../schema.js';

export class ContractViolation extends Error {
  constructor(readonly contract: string, readonly problems: string[]) {
    super(`${contract} contract violated: ${problems.join('; ')}`);
    this.name = 'ContractViolation';
  }
}

type Envelope<T extends string, V extends number, P extends TProperties> = TObject<{ type: TLiteral<T>; version: TLiteral<V> } & P>;

export interface MessageContract<T extends string, V extends number, P extends TProperties> {
  readonly type: T;
  readonly version: V;
  /** The name it travels under, e.g. `booking.requested.v1`: AMQP `type` property, routing keys, handler patterns. */
  readonly name: string;
  readonly schema: Envelope<T, V, P>;
  create(fields: Omit<Static<Envelope<T, V, P>>, 'type' | 'version'>): Static<Envelope<T, V, P>>;
  /** Validates an untrusted payload (compiled JSON schema), or throws {@link ContractViolation} naming every problem. */
  parse(payload: unknown): Static<Envelope<T, V, P>>;
}

/** One typed, validated, versioned definition of a message: its JSON schema is the single source of truth. */
export function defineMessage<T extends string, V extends number, P extends TProperties>(type: T, version: V, properties: P): MessageContract<T, V, P> {
  const schema = Type.Object({ type: Type.Literal(type), version: Type.Literal(version), ...properties }, { additionalProperties: false }) as Envelope<T, V, P>;
  const validate = compileSchema<Static<Envelope<T, V, P>>>(schema);
  const name = messageName({ type, version });
  return {
    type,
    version,
    name,
    schema,
    create: (fields) => ({ type, version, ...fields }) as Static<Envelope<T, V, P>>,
    parse(payload) {
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new ContractViolation(name, ['payload is not a JSON object']);
      if (!validate(payload)) throw new ContractViolation(name, describeSchemaErrors(validate.errors));
      return payload;
    },
  };
}

export function messageName(contract: { type: string; version: number }): string {
  return `${contract.type}.v${contract.version}`;
}

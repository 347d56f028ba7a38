import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export interface MessageContract<T extends object> {
  new (): T;
  readonly type: string;
  readonly version: number;
}

/** The name a message travels under, e.g. `booking.requested.v1`: routing keys and handler patterns use it. */
export function messageName(contract: { type: string; version: number }): string {
  return `${contract.type}.v${contract.version}`;
}

export class ContractViolation extends Error {
  constructor(readonly contract: string, readonly problems: string[]) {
    super(`${contract} contract violated: ${problems.join('; ')}`);
    this.name = 'ContractViolation';
  }
}

export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) => text.replace(error.property, path));
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

/** Turns an untrusted payload into a validated contract instance, or throws {@link ContractViolation}. */
export function parseMessage<T extends object>(contract: MessageContract<T>, payload: unknown): T {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ContractViolation(messageName(contract), ['payload is not a JSON object']);
  }
  const instance = plainToInstance(contract, payload);
  const problems = describeValidationErrors(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }));
  if (problems.length > 0) throw new ContractViolation(messageName(contract), problems);
  return instance;
}

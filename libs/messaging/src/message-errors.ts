import { ContractViolation } from '@app/contracts';

/** Retrying cannot help (bad payload, unknown event…): the message goes to the dead-letter queue with the reason. */
export class PermanentMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentMessageError';
  }
}

export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentMessageError || error instanceof ContractViolation || error instanceof SyntaxError;
}

export const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

import { type ArgumentMetadata, BadRequestException, type PipeTransform, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/** class-validator errors as sentences that name the field (`rows must not be less than 1`), for the cold routes' DTOs. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) => text.replace(error.property, path));
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

/**
 * class-validator for request bodies (the cold routes' DTOs) and nothing else: path and query values are converted by
 * their own pipes only. Left to ValidationPipe, a `number` path id would be `+value` first, so `1e3` and `0x10` would
 * pass as 1000 and 16.
 */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return metadata.type === 'body' ? super.transform(value, metadata) : Promise.resolve(value);
  }
}

export const validationPipe: PipeTransform = new BodyValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => new BadRequestException(describeValidationErrors(errors).join('; ')),
});

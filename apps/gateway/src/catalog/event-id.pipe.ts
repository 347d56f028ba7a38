import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Path ids are positive integers within JavaScript's exact range; anything else is the client's mistake (400). */
@Injectable()
export class EventIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
    if (!(id >= 1)) throw new BadRequestException('id must be a positive integer');
    return id;
  }
}

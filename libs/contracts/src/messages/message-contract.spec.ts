import { BookingRequestedV1 } from './booking-commands.v1.js';
import { ContractViolation, messageName } from './message-contract.js';

const valid = {
  type: 'booking.requested',
  version: 1,
  bookingId: '6f1c1a52-4b8e-4a47-9f0e-0d1e2f3a4b5c',
  eventId: 7,
  userId: 'user-1',
  seats: [{ row: 1, col: 2 }],
  requestedAt: '2026-11-23T10:00:00.000Z',
};

describe('message contracts', () => {
  it('should accept a valid booking.requested.v1 message', () => {
    const message = BookingRequestedV1.parse(structuredClone(valid));
    expect(message.seats?.[0]).toEqual({ row: 1, col: 2 });
  });

  it('should name every field a message gets wrong', () => {
    expect(() => BookingRequestedV1.parse({ ...valid, eventId: 'seven', seats: [{ row: 0, col: 1 }] })).toThrow(/eventId must be an integer number.*seats\.0\.row must not be less than 1/s);
  });

  it('should refuse ids beyond what PostgreSQL and JSON hold exactly', () => {
    expect(() => BookingRequestedV1.parse({ ...valid, eventId: 1e20 })).toThrow(/eventId must not be greater than 9007199254740991/);
  });

  it('should refuse a buyer id the gateway would refuse', () => {
    expect(() => BookingRequestedV1.parse({ ...valid, userId: 'has space' })).toThrow(/userId must match/);
  });

  it('should refuse unknown properties, another version and a payload that is not an object', () => {
    expect(() => BookingRequestedV1.parse({ ...valid, price: 0 })).toThrow(/property price should not exist/);
    expect(() => BookingRequestedV1.parse({ ...valid, version: 2 })).toThrow(ContractViolation);
    expect(() => BookingRequestedV1.parse('hello')).toThrow('payload is not a JSON object');
  });

  it('should name messages by type and version', () => {
    expect(messageName(BookingRequestedV1)).toBe('booking.requested.v1');
    expect(BookingRequestedV1.name).toBe('booking.requested.v1');
  });
});

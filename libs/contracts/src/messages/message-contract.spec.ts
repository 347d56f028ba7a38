import { BookingRequestedV1 } from './booking-requested.v1.js';
import { ContractViolation, messageName, parseMessage } from './message-contract.js';

const valid = {
  type: 'booking.requested',
  version: 1,
  bookingId: '6f1c1a52-4b8e-4a47-9f0e-0d1e2f3a4b5c',
  eventId: 7,
  userId: 'user-1',
  seats: [{ row: 1, col: 2 }],
  requestedAt: '2026-11-23T10:00:00.000Z',
};

describe('parseMessage', () => {
  it('should accept a valid booking.requested.v1 message', () => {
    const message = parseMessage(BookingRequestedV1, valid);
    expect(message).toBeInstanceOf(BookingRequestedV1);
    expect(message.seats?.[0]).toEqual({ row: 1, col: 2 });
  });

  it('should name the fields a message gets wrong', () => {
    expect(() => parseMessage(BookingRequestedV1, { ...valid, eventId: 'seven', seats: [{ row: 0, col: 1 }] })).toThrow(/eventId.*seats\.0\.row/s);
  });

  it('should refuse another version of the message', () => {
    expect(() => parseMessage(BookingRequestedV1, { ...valid, version: 2 })).toThrow(ContractViolation);
  });

  it('should refuse a payload that is not an object', () => {
    expect(() => parseMessage(BookingRequestedV1, 'hello')).toThrow('payload is not a JSON object');
  });

  it('should name messages by type and version', () => {
    expect(messageName(BookingRequestedV1)).toBe('booking.requested.v1');
  });
});

import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisService } from '@app/redis';
import { ADVANCE, CLAIM, JOIN, RELEASE, STATUS } from './waiting-room.scripts.js';

/** A queue's keys live a day past the last join: long after its tickets and tokens have run out. */
const KEY_TTL_SECONDS = 24 * 3600;

/** A ticket as the queue knows it at one moment. */
export interface TicketState {
  ticketId: string;
  eventId: number;
  buyer: string;
  /** Its place in the join order: 1 for the first buyer. */
  number: number;
  /** Every ticket up to this number is admitted. */
  admittedUpTo: number;
  joinedAt: number;
  /** When it was first seen admitted (admission tokens expire from then). */
  admittedAt?: number;
  /** A booking was accepted with it (or is being, right now). */
  used: boolean;
  /** A new ticket (join), as opposed to the buyer's current one. */
  created: boolean;
  /** This very call saw it admitted for the first time. */
  firstSeenAdmitted: boolean;
}

/** What one call to the queue did besides answering: tickets admitted by moving the mark. */
export interface QueueAnswer<T> {
  value: T;
  admitted: number;
}

export type ClaimOutcome = 'claimed' | 'retry' | 'used';
const CLAIM_OUTCOMES: ClaimOutcome[] = ['used', 'claimed', 'retry'];

type ScriptReply = [string, string, number, number, number, number, number, number, number, number];
type QueueClient = Redis & {
  queueJoin(...args: (string | number)[]): Promise<ScriptReply>;
  queueStatus(...args: (string | number)[]): Promise<ScriptReply | number>;
  queueAdvance(...args: (string | number)[]): Promise<[number, number]>;
  queueClaim(...args: string[]): Promise<number>;
  queueRelease(...args: string[]): Promise<number>;
};

/** The waiting rooms in Redis: one FIFO queue per event, shared by every gateway (scripts in waiting-room.scripts.ts). */
@Injectable()
export class WaitingRoomQueue {
  private readonly client: QueueClient;

  constructor(private readonly redis: RedisService) {
    this.client = redis.client as QueueClient;
    this.client.defineCommand('queueJoin', { numberOfKeys: 4, lua: JOIN });
    this.client.defineCommand('queueStatus', { numberOfKeys: 3, lua: STATUS });
    this.client.defineCommand('queueAdvance', { numberOfKeys: 2, lua: ADVANCE });
    this.client.defineCommand('queueClaim', { numberOfKeys: 1, lua: CLAIM });
    this.client.defineCommand('queueRelease', { numberOfKeys: 1, lua: RELEASE });
  }

  /** The buyer's ticket: the current one, or a new one at the back when it has none still good. */
  async join(eventId: number, rate: number, buyer: string, newTicketId: string, tokenTtlMs: number): Promise<QueueAnswer<TicketState>> {
    const reply = await this.client.queueJoin(...this.keys(eventId, 'seq', 'state', 'buyers', 'tickets'), rate, buyer, newTicketId, KEY_TTL_SECONDS, tokenTtlMs);
    return { value: toState(eventId, reply), admitted: reply[9] };
  }

  /** A ticket (undefined when the queue does not know it), the mark moved first. */
  async status(eventId: number, rate: number, ticketId: string): Promise<QueueAnswer<TicketState | undefined>> {
    const reply = await this.client.queueStatus(...this.keys(eventId, 'seq', 'state', 'tickets'), rate, ticketId, KEY_TTL_SECONDS);
    return typeof reply === 'number' ? { value: undefined, admitted: reply } : { value: toState(eventId, reply), admitted: reply[9] };
  }

  /** The admitted-up-to mark, moved forward to now. */
  async advance(eventId: number, rate: number): Promise<QueueAnswer<number>> {
    const [admittedUpTo, admitted] = await this.client.queueAdvance(...this.keys(eventId, 'seq', 'state'), rate, KEY_TTL_SECONDS);
    return { value: admittedUpTo, admitted };
  }

  /** Holds a ticket for one booking attempt (`marker`); the same marker again is a retry of that attempt. */
  async claim(eventId: number, ticketId: string, marker: string, buyer: string): Promise<ClaimOutcome> {
    return CLAIM_OUTCOMES[await this.client.queueClaim(this.key(eventId, 'tickets'), ticketId, marker, buyer)];
  }

  async release(eventId: number, ticketId: string, marker: string): Promise<void> {
    await this.client.queueRelease(this.key(eventId, 'tickets'), ticketId, marker);
  }

  /** A ticket as it is, nothing moved (for an event whose waiting room was removed). */
  async ticket(eventId: number, ticketId: string): Promise<TicketState | undefined> {
    const raw = await this.redis.client.hget(this.key(eventId, 'tickets'), ticketId);
    if (raw === null) return undefined;
    const { b: buyer, n: number, j: joinedAt } = JSON.parse(raw) as { b: string; n: number; j: number };
    return { ticketId, eventId, buyer, number, admittedUpTo: number, joinedAt, used: false, created: false, firstSeenAdmitted: false };
  }

  private key(eventId: number, part: 'seq' | 'state' | 'buyers' | 'tickets'): string {
    return this.redis.key('queue', eventId, part);
  }

  private keys(eventId: number, ...parts: ('seq' | 'state' | 'buyers' | 'tickets')[]): string[] {
    return parts.map((part) => this.key(eventId, part));
  }
}

function toState(eventId: number, [ticketId, buyer, number, admittedUpTo, joinedAt, admittedAt, used, created, seen]: ScriptReply): TicketState {
  const state: TicketState = { ticketId, eventId, buyer, number, admittedUpTo, joinedAt, used: used === 1, created: created === 1, firstSeenAdmitted: seen === 1 };
  if (admittedAt >= 0) state.admittedAt = admittedAt;
  return state;
}

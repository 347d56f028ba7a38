/** An event as the gateway keeps it in memory: what the booking path needs; only the admission rate changes while it sells. */
export interface EventRow {
  id: number;
  name: string;
  rows: number;
  cols: number;
  /** HELD or CONFIRMED seats one buyer may have for this event. */
  maxTicketsPerBuyer: number;
  /** Set when the event sells through a waiting room (POST /bookings then needs an admission token). */
  admissionRatePerSecond?: number;
}

/** An event as the gateway keeps it in memory: what the booking path needs, nothing that changes while it sells. */
export interface EventRow {
  id: number;
  name: string;
  rows: number;
  cols: number;
  /** HELD or CONFIRMED seats one buyer may have for this event. */
  maxTicketsPerBuyer: number;
}

/** An outbox row not yet turned into deliveries (written by addOutbox with the row itself). */
export interface OutboxPendingRow {
  outboxId: number;
  /** the ticket of the event, 0 when it has none */
  ticketId: number;
}

export interface OutboxTables {
  outboxPending: OutboxPendingRow;
}

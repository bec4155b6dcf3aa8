import type { Generated } from 'kysely';

/** A webhook or TMF621 hub subscription and its delivery health. */
export interface WebhookSubscriptionRow {
  id: Generated<number>;
  kind: string;
  callback: string;
  query: string | null;
  topics: string | null;
  secretEnc: string;
  ownerKind: string;
  ownerId: number;
  ownerName: string;
  role: string;
  regionId: string;
  departmentId: string | null;
  state: string;
  startAfterOutboxId: number;
  consecutiveFailures: number;
  failingSince: number | null;
  retryAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  lastSuccessAt: number | null;
  deliveredCount: number;
  suspendedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** One event waiting to reach one subscriber (deleted when delivered). */
export interface WebhookDeliveryRow {
  id: Generated<number>;
  subscriptionId: number;
  outboxId: number;
  seq: number;
  ticketId: number;
  eventId: string;
  eventType: string;
  /** the exact JSON sent on every attempt, encrypted at rest like personal data */
  body: string;
  attempts: number;
  nextAttemptAt: number;
  claimToken: string | null;
  claimedUntil: number | null;
  lastError: string | null;
  createdAt: number;
}

export interface WebhookTables {
  webhookSubscription: WebhookSubscriptionRow;
  webhookDelivery: WebhookDeliveryRow;
}

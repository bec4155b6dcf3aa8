/**
 * Every column that holds ciphertext of the key ring (pii/pii.ts), with the table's key column.
 * Key rotation re-encrypts all of them; retention erases those that hold personal data.
 * A new encrypted column must be added here (security/pii-rotation.test.ts lists the columns
 * named *_enc and fails on one that is missing).
 */
export interface EncryptedTable {
  table: string;
  key: string;
  columns: string[];
}

export const ENCRYPTED_TABLES: EncryptedTable[] = [
  // customer phone number and name (DESIGN §1)
  { table: 'ticket', key: 'id', columns: ['customer_msisdn_enc', 'customer_name_enc'] },
  // TMF621 related parties netcare does not interpret (may name people)
  { table: 'tmf_ticket', key: 'ticket_id', columns: ['related_party'] },
  // webhook signing secrets, and queued event bodies (they carry ticket data)
  { table: 'webhook_subscription', key: 'id', columns: ['secret_enc'] },
  { table: 'webhook_delivery', key: 'id', columns: ['body'] },
];

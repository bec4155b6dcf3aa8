/** TMF621 attributes of a ticket that the ticket row has no column for. */
export interface TmfTicketRow {
  ticketId: number;
  ticketType: string | null;
  severity: string | null;
  name: string | null;
  requestedResolutionDate: number | null;
  /** JSON array of the related parties netcare does not interpret, encrypted (pii): they may name people */
  relatedParty: string | null;
  /** JSON array of the related entities netcare does not interpret */
  relatedEntity: string | null;
  withdrawnAt: number | null;
  deletedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface TmfSettingRow {
  key: string;
  value: string;
  updatedBy: string | null;
  updatedAt: number;
}

export interface Tmf621Tables {
  tmfTicket: TmfTicketRow;
  tmfSetting: TmfSettingRow;
}

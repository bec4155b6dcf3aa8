/** Why a ticket should be `important` (DESIGN §3 step 2): advice to the NOC, except hotspot membership. */
export interface GradeProposal { grade: 'important'; reasons: string[] }

/** Proposes `important` when the customer is VIP, it is a repeat, it came through the regulator, or it is in a hotspot. */
export function gradeProposal(t: { vip: boolean; repeat: boolean; channel: string; hotspot: boolean }): GradeProposal | null {
  const reasons: string[] = [];
  if (t.vip) reasons.push('vip');
  if (t.repeat) reasons.push('repeat');
  if (t.channel === 'regulator') reasons.push('regulator');
  if (t.hotspot) reasons.push('hotspot');
  return reasons.length ? { grade: 'important', reasons } : null;
}

import { Type } from 'typebox';

/** X.733 perceived severities and the TMF642 alarm states. */
export const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'indeterminate', 'cleared'] as const;
export const ALARM_STATES = ['raised', 'updated', 'cleared'] as const;

const S = (max = 255) => Type.String({ maxLength: max });
const O = (max?: number) => Type.Optional(S(max));
/** the polymorphism attributes every TMF entity may carry */
const Poly = { '@baseType': O(), '@schemaLocation': O(1000), '@type': O() };
const Obj = (props: Record<string, any>, required: string[] = []) =>
  Type.Object(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, required.includes(k) ? v : Type.Optional(v)])), { additionalProperties: false });

const AlarmedObject = Obj({ id: Type.String({ minLength: 1, maxLength: 128 }), href: S(1000), ...Poly, '@referredType': S() }, ['id']);
const Ref = Obj({ id: Type.String({ minLength: 1, maxLength: 255 }), href: S(1000), name: S(), ...Poly, '@referredType': S() }, ['id']);
const AffectedService = Obj({ id: S(), href: S(1000), ...Poly });
const Comment = Obj({ comment: S(4000), systemId: S(), time: S(40), userId: S(), ...Poly });
const CrossedThresholdInformation = Obj({
  direction: S(), granularity: S(), indicatorName: S(), indicatorUnit: S(), observedValue: S(), thresholdCrossingDescription: S(4000),
  threshold: Ref, ...Poly,
});
const Place = Obj({ id: S(), href: S(1000), name: S(), role: Type.String({ maxLength: 255 }), ...Poly, '@referredType': S() }, ['role']);

/** Attributes kept as sent and echoed back (the ones netcare does not act on). */
export const PASSTHROUGH = [
  'ackState', 'ackSystemId', 'ackUserId', 'alarmDetails', 'alarmEscalation', 'isRootCause', 'plannedOutageIndicator',
  'proposedRepairedActions', 'reportingSystemId', 'serviceAffecting', 'affectedService', 'comment', 'correlatedAlarm',
  'crossedThresholdInformation', 'parentAlarm', 'place', 'alarmedObject', '@baseType', '@schemaLocation', '@type',
] as const;

const common = {
  ackState: S(64), ackSystemId: S(), ackUserId: S(), alarmChangedTime: S(40), alarmClearedTime: S(40), alarmDetails: S(4000),
  alarmEscalation: Type.Boolean(), alarmReportingTime: S(40), alarmType: Type.String({ minLength: 1, maxLength: 128 }),
  alarmedObjectType: S(128), clearSystemId: S(128), clearUserId: S(128), externalAlarmId: Type.String({ minLength: 1, maxLength: 128 }),
  isRootCause: Type.Boolean(), perceivedSeverity: Type.String({ minLength: 1, maxLength: 16 }), plannedOutageIndicator: S(64),
  probableCause: Type.String({ minLength: 1, maxLength: 255 }), proposedRepairedActions: S(4000), reportingSystemId: S(128),
  serviceAffecting: Type.Boolean(), specificProblem: S(255), state: Type.String({ minLength: 1, maxLength: 16 }),
  affectedService: Type.Array(AffectedService, { maxItems: 100 }), alarmedObject: AlarmedObject,
  comment: Type.Array(Comment, { maxItems: 100 }), correlatedAlarm: Type.Array(Ref, { maxItems: 100 }),
  crossedThresholdInformation: CrossedThresholdInformation, parentAlarm: Type.Array(Ref, { maxItems: 100 }),
  place: Type.Array(Place, { maxItems: 100 }), ...{ '@baseType': S(), '@schemaLocation': S(1000), '@type': S() },
};

/** TMF642 Alarm_Create: the mandatory fields of the specification, nothing unknown. */
export const AlarmCreate = Obj({
  ...common, alarmRaisedTime: Type.String({ minLength: 1, maxLength: 40 }), sourceSystemId: Type.String({ minLength: 1, maxLength: 128 }),
}, ['alarmType', 'perceivedSeverity', 'probableCause', 'alarmedObject', 'sourceSystemId', 'state', 'alarmRaisedTime']);

/** TMF642 Alarm_Update (merge patch): id, href, alarmRaisedTime and sourceSystemId cannot change. */
export const AlarmUpdate = Type.Object(
  Object.fromEntries(Object.entries(common).map(([k, v]) => [k, Type.Optional(v)])),
  { additionalProperties: false, minProperties: 1 },
);

export interface AlarmFields {
  ackState?: string; ackSystemId?: string; ackUserId?: string; alarmChangedTime?: string; alarmClearedTime?: string;
  alarmDetails?: string; alarmEscalation?: boolean; alarmReportingTime?: string; alarmType?: string; alarmedObjectType?: string;
  clearSystemId?: string; clearUserId?: string; externalAlarmId?: string; isRootCause?: boolean; perceivedSeverity?: string;
  plannedOutageIndicator?: string; probableCause?: string; proposedRepairedActions?: string; reportingSystemId?: string;
  serviceAffecting?: boolean; specificProblem?: string; state?: string; alarmedObject?: { id: string; href?: string; [k: string]: unknown };
  alarmRaisedTime?: string; sourceSystemId?: string;
  [k: string]: unknown;
}

import {
  describeExternalAuthProblem,
  type ExternalAuthProblem,
  WHM_API_TEXTS,
} from '@extauth/shared/external-auth-texts';
import { describeTwoFactorProblem, isTwoFactorProblem, type TwoFactorProblem } from '@extauth/shared/two-factor-texts';

/** The WHM API 1 envelope (§8): `data` only when the function returns something. */
export interface WhmApiEnvelope {
  metadata: { command: string; reason: string; result: 0 | 1; version: 1 };
  data?: object;
}

export type ApiProblem = ExternalAuthProblem | TwoFactorProblem;

export type ApiOutcome = { ok: true; data?: object } | { ok: false; problem: ApiProblem };

export function describeApiProblem(problem: ApiProblem): string {
  return isTwoFactorProblem(problem) ? describeTwoFactorProblem(problem) : describeExternalAuthProblem(problem);
}

export function envelopeOf(command: string, outcome: ApiOutcome): WhmApiEnvelope {
  if (!outcome.ok) return failureEnvelope(command, describeApiProblem(outcome.problem));
  const metadata = { command, reason: WHM_API_TEXTS.ok, result: 1 as const, version: 1 as const };
  return outcome.data === undefined ? { metadata } : { metadata, data: outcome.data };
}

export function failureEnvelope(command: string, reason: string): WhmApiEnvelope {
  return { metadata: { command, reason, result: 0, version: 1 } };
}

import type { z } from 'zod';
import type { PanelDeps } from '../deps.js';
import type { ApiOutcome } from './envelope.js';

export interface ApiCaller {
  username: string;
}

/** One WHM API 1 function: its parameters (zod) and what it does. All of them are root's (§8 ACLs). */
export interface ApiFunction<S extends z.ZodType = z.ZodType> {
  params: S;
  run(deps: PanelDeps, params: z.output<S>, caller: ApiCaller): ApiOutcome | Promise<ApiOutcome>;
}

export function defineApiFunction<S extends z.ZodType>(definition: ApiFunction<S>): ApiFunction<S> {
  return definition;
}

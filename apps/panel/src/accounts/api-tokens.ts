import { randomInt } from 'node:crypto';
import type { Clock } from '@extauth/server-kit/clock';
import { sha256Hex } from '@extauth/server-kit/crypto';
import type { ExternalAuthProblem } from '@extauth/shared/external-auth-texts';
import type { ApiTokenStore } from '../store/api-tokens.store.js';

/**
 * WHM API tokens (`Authorization: whm user:TOKEN`): 32 characters from A-Z and 0-9 like WHM's
 * (~165 bits from the CSPRNG), shown once; the store keeps their SHA-256, enough for a value that
 * cannot be guessed (Copenhagen Book, "tokens").
 */
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const TOKEN_LENGTH = 32;
export const TOKEN_NAME = /^[A-Za-z0-9_-]{1,50}$/;

function generateToken(): string {
  let token = '';
  for (let i = 0; i < TOKEN_LENGTH; i += 1) token += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
  return token;
}

export type TokenResult<T extends object = object> = ({ ok: true } & T) | { ok: false; problem: ExternalAuthProblem };

export function createApiToken(
  deps: { apiTokens: ApiTokenStore; clock: Clock },
  input: { username: string; name: string },
): TokenResult<{ token: string; name: string; createTime: number }> {
  if (!TOKEN_NAME.test(input.name)) return { ok: false, problem: { code: 'invalid_parameter', name: 'token_name' } };
  const token = generateToken();
  const createdAt = deps.clock.now().getTime();
  const inserted = deps.apiTokens.insertToken({
    username: input.username,
    name: input.name,
    tokenHash: sha256Hex(token),
    createdAt,
  });
  if (!inserted) return { ok: false, problem: { code: 'token_name_taken', name: input.name } };
  return { ok: true, token, name: input.name, createTime: Math.floor(createdAt / 1000) };
}

export function revokeApiToken(
  deps: { apiTokens: ApiTokenStore },
  input: { username: string; name: string },
): TokenResult {
  if (!deps.apiTokens.revokeToken(input.username, input.name)) {
    return { ok: false, problem: { code: 'unknown_token', name: input.name } };
  }
  return { ok: true };
}

/** Whether `token` is one of `username`'s live tokens. */
export function isValidApiToken(deps: { apiTokens: ApiTokenStore }, username: string, token: string): boolean {
  if (token.length !== TOKEN_LENGTH) return false;
  return deps.apiTokens.findTokenByHash(sha256Hex(token))?.username === username;
}

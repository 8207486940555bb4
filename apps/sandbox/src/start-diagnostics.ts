import net from 'node:net';
import type { IssuerCheck } from '@extauth/panel/oidc/issuer-check';

export interface StartDiagnosticsInput {
  /** IDP_ISSUER as both apps have it. */
  issuer: string;
  /** The names on the sandbox's leaf certificate (localhost, 127.0.0.1, ::1 and SANDBOX_HOSTNAMES). */
  certificateNames: readonly string[];
  /** The panel's own back channel fetching the issuer's discovery. */
  checkIssuer: () => Promise<IssuerCheck>;
}

const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/**
 * What is wrong with a started sandbox that a login would only meet later, each as one sentence
 * naming the setting to change; empty when the panel's back channel gets the issuer's discovery.
 */
export async function diagnoseStartedSandbox(input: StartDiagnosticsInput): Promise<string[]> {
  const sentences: string[] = [];
  const host = bare(new URL(input.issuer).hostname);
  const names = input.certificateNames.map(bare);
  const onCertificate =
    names.includes(host) || (!net.isIP(host) && names.some((n) => n.startsWith('*.') && host.endsWith(n.slice(1))));
  if (!onCertificate) {
    sentences.push(
      `IDP_ISSUER's host ${host} is not on the sandbox certificate (${names.join(', ')}): add ${host} to SANDBOX_HOSTNAMES and restart, or correct IDP_ISSUER.`,
    );
  }
  const result = await input.checkIssuer();
  if (!result.ok && !(result.problem === 'certificate_name' && !onCertificate)) sentences.push(result.sentence);
  return sentences;
}

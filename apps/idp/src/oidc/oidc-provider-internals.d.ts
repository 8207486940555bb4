// The one internal module of oidc-provider used here (see keystore-swap.ts).
declare module 'oidc-provider/lib/helpers/initialize_keystore.js' {
  export default function initializeKeystore(this: import('oidc-provider').Provider, jwks: { keys: object[] }): void;
}

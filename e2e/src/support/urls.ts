// Where the browser journeys find the sandbox. They start the real launcher, which reads the same
// variables, so `IDP_PORT=9443 PANEL_PORT=3087 SMTP_PORT=3025 MAILDEV_WEB_PORT=3080 pnpm test e2e`
// moves the whole run off the default ports (two runs side by side, or a port already taken).
const env = (name: string, fallback: string): string => process.env[name] || fallback;

export const IDP = `https://localhost:${env('IDP_PORT', '8443')}`;
export const PANEL = `https://localhost:${env('PANEL_PORT', '2087')}`;
export const MAILDEV = `http://localhost:${env('MAILDEV_WEB_PORT', '1080')}`;
export const PANEL_REDIRECT_URI = `${PANEL}/openid_connect_callback/webpros`;

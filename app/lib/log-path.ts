// Survey links carry the shopper's token in the path (/proxy/s/<token>, /proxy/unsubscribe/<token>):
// whoever reads the logs could answer or unsubscribe in the shopper's name. Remix matches
// routes without regard to case, so neither does the mask.
const TOKEN_IN_PATH = /(\/proxy\/(?:s|unsubscribe)\/)([^/]+)/gi;

/** A request path fit for logs: survey tokens cut to their first 4 characters. */
export function pathForLog(path: string): string {
  return path.replace(TOKEN_IN_PATH, (_match, prefix: string, token: string) => `${prefix}${token.slice(0, 4)}…`);
}

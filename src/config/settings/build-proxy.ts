import type { ValueKind } from '../values/kind.js';
import { list } from '../values/lists.js';
import { path } from '../values/paths.js';
import { str } from '../values/scalars.js';
import { setting } from './define.js';
import type { DefaultContext } from './types.js';

const PROXY_URL_VARIABLES = ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'] as const;
const NO_PROXY_VARIABLES = ['no_proxy', 'NO_PROXY'] as const;

function environmentOf(ctx: DefaultContext): Readonly<Record<string, string>> {
  const value = ctx.get('Environment');
  return value !== null && typeof value === 'object' ? (value as Record<string, string>) : {};
}

/**
 * The proxy variable's value, looked up in `Environment=` before the host environment. 27.1 quirk
 * (observed, any value): a variable named in `Environment=` yields the empty string, not its value.
 */
function proxyVariable(ctx: DefaultContext, names: readonly string[]): string | null {
  const environment = environmentOf(ctx);
  if (names.some((name) => name in environment)) return '';
  for (const name of names) {
    const value = ctx.host.env[name];
    if (value !== undefined) return value;
  }
  return null;
}

/** `ProxyExclude=`: a list, but null (not []) when neither it nor `no_proxy` is set. */
function hostList(): ValueKind<string[] | null> {
  const inner = list();
  return {
    ...inner, schema: (z) => z.array(z.string()).nullable(), empty: null,
    parse: (raw, old, env) => inner.parse(raw, old ?? [], env),
  };
}

/** Proxy settings of `[Build]` (mkosi 27.1 table order). */
export const BUILD_PROXY_SETTINGS = [
  setting({
    name: 'ProxyUrl', section: 'Build', scope: 'multiversal', emptyIsNull: true,
    cli: { long: '--proxy-url', metavar: 'URL' },
    help: 'Set the proxy to use',
    kind: str(),
    default: { dependsOn: ['Environment'], compute: (ctx) => proxyVariable(ctx, PROXY_URL_VARIABLES) },
  }),
  setting({
    name: 'ProxyExclude', section: 'Build', scope: 'multiversal',
    cli: { long: '--proxy-exclude', metavar: 'HOST' },
    help: "Don't use the configured proxy for the specified host(s)",
    kind: hostList(),
    // `no_proxy` is split on commas only, keeping empty items and spaces (`a,,b` → ["a","","b"]).
    // Without one, 27.1 prints null for the main image but [] for subimages, the tools tree and the initrd.
    default: {
      dependsOn: ['Environment'],
      compute: (ctx) => proxyVariable(ctx, NO_PROXY_VARIABLES)?.split(',') ?? (ctx.image === 'main' ? null : []),
    },
  }),
  setting({
    name: 'ProxyPeerCertificate', section: 'Build', scope: 'multiversal', emptyIsNull: true,
    cli: { long: '--proxy-peer-certificate', metavar: 'PROXY_PEER_CERTIFICATE' },
    help: 'Set the proxy peer certificate',
    kind: path(),
    default: { dependsOn: [], compute: (ctx) => ctx.host.caBundle },
  }),
  setting({
    name: 'ProxyClientCertificate', section: 'Build', scope: 'multiversal', secret: true,
    cli: { long: '--proxy-client-certificate', metavar: 'PROXY_CLIENT_CERTIFICATE' },
    help: 'Set the proxy client certificate',
    kind: path({ secret: true }),
  }),
  setting({
    name: 'ProxyClientKey', section: 'Build', scope: 'multiversal', secret: true, emptyIsNull: true,
    cli: { long: '--proxy-client-key', metavar: 'PROXY_CLIENT_KEY' },
    help: 'Set the proxy client key',
    kind: path({ secret: true }),
    default: {
      dependsOn: ['ProxyClientCertificate'],
      compute: (ctx) => {
        const certificate = ctx.get('ProxyClientCertificate');
        return typeof certificate === 'string' ? certificate : null;
      },
    },
  }),
] as const;

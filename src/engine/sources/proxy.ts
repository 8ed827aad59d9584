// Which proxy a request goes through, and the CONNECT tunnel for HTTPS.
//
// Node's http/https modules ignore HTTPS_PROXY, so corporate users would
// otherwise see every download time out. The rules follow curl's: the
// explicit `proxy` option (the extension fills it from VS Code's
// `http.proxy`) wins, then HTTPS_PROXY / HTTP_PROXY (either case); NO_PROXY
// lists hosts (`example.com`, `.example.com`, `*.example.com`, `host:port`)
// or `*` that go direct.
import * as http from 'node:http';
import type { Socket } from 'node:net';

export interface ProxyOptions {
  /** Explicit proxy URL (`http://user:pass@host:port`); empty string means "none". */
  proxy?: string;
  /** Environment to read HTTPS_PROXY / NO_PROXY from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value && value.trim() ? value.trim() : undefined;
}

/** True when `target`'s host is listed in NO_PROXY. */
export function bypassesProxy(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const rule = raw.trim().toLowerCase();
    if (!rule) continue;
    if (rule === '*') return true;
    const [ruleHost, rulePort] = rule.replace(/^\*/, '').split(/:(?=\d+$)/);
    if (rulePort && rulePort !== port) continue;
    const bare = ruleHost.replace(/^\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/** The proxy to use for `target`, or null to connect directly. */
export function proxyFor(target: URL, options: ProxyOptions = {}): URL | null {
  const env = options.env ?? process.env;
  if (bypassesProxy(target, envValue(env, 'NO_PROXY'))) return null;
  const configured =
    options.proxy !== undefined
      ? options.proxy.trim()
      : target.protocol === 'https:'
        ? (envValue(env, 'HTTPS_PROXY') ?? envValue(env, 'HTTP_PROXY') ?? envValue(env, 'ALL_PROXY'))
        : (envValue(env, 'HTTP_PROXY') ?? envValue(env, 'ALL_PROXY'));
  if (!configured) return null;
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(configured) ? configured : `http://${configured}`);
  } catch {
    throw new Error(`proxy setting "${configured}" is not a valid URL`);
  }
  if (proxy.protocol !== 'http:') {
    throw new Error(`proxy ${proxy.origin}: only http:// proxies are supported (got ${proxy.protocol})`);
  }
  return proxy;
}

/** `Proxy-Authorization` header value for credentials embedded in the proxy URL. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username) return undefined;
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

/**
 * Opens a CONNECT tunnel to `target`'s host:port through `proxy` and returns
 * the raw socket; the caller wraps it in TLS. Rejects with a one-line reason
 * when the proxy refuses or does not answer within `timeoutMs`.
 */
export function openTunnel(proxy: URL, target: URL, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const authority = `${target.hostname}:${port}`;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: authority };
    const auth = proxyAuthorization(proxy);
    if (auth) headers['proxy-authorization'] = auth;
    const request = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: authority,
      headers,
      signal,
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`proxy ${proxy.host}: no answer to CONNECT ${authority} within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    request.once('connect', (response, socket) => {
      clearTimeout(timer);
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy ${proxy.host} refused CONNECT ${authority}: HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim()));
        return;
      }
      resolve(socket);
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(signal?.aborted ? error : new Error(`proxy ${proxy.host}: ${error.message}`));
    });
    request.end();
  });
}

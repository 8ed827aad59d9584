// One HTTP(S) GET of an untrusted file, streamed to a sink, with every check
// the downloader relies on. tfjs's own weights loader decodes whatever body
// comes back (an HTML error page included), so nothing here trusts the
// server: status, redirects, Content-Length, size caps and time-outs are all
// enforced, and each failure is one line naming the URL and the problem.
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { isIP } from 'node:net';
import { createHash } from 'node:crypto';
import { ModelFileError } from '../model/modelFileError';
import { openTunnel, proxyAuthorization, proxyFor, type ProxyOptions } from './proxy';

export interface FetchOptions extends ProxyOptions {
  /** Refuse bodies (declared or streamed) larger than this. */
  maxBytes: number;
  /** Give up when no byte (or no response) arrives for this long. */
  idleTimeoutMs?: number;
  /** Give up when the whole file takes longer than this (a trickling server). */
  totalTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called with the size of every chunk as it arrives. */
  onBytes?: (n: number) => void;
  /** Hosts other than the request's own that a redirect may lead to (reviewed catalog entries only). */
  redirectHosts?: readonly string[];
  /** Extra trusted CA certificates (tests; corporate roots are better set with NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer;
  /** Refuse a `text/html` response even with status 200 (always true for model files). */
  refuseHtml?: boolean;
}

export interface FetchResult {
  bytes: number;
  sha256: string;
  /** The URL that finally answered, after same-origin redirects. */
  finalUrl: URL;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 15 * 60_000;
const MAX_REDIRECTS = 5;

/** Raised when the caller's AbortSignal fires; the CLI reports it as "cancelled". */
export class DownloadCancelledError extends Error {
  constructor() {
    super('download cancelled');
    this.name = 'DownloadCancelledError';
  }
}

/** Errors that mean the machine cannot reach the network at all (no DNS, no route), not a server problem. */
const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH']);

/** No internet connection: the host could not even be looked up or routed to. Still a ModelFileError for the CLI's exit code. */
export class NoConnectionError extends ModelFileError {
  constructor(readonly host: string) {
    super(host, 'no internet connection');
    this.name = 'NoConnectionError';
    this.message = `No internet connection: could not reach ${host}`;
  }
}

/** URL for messages: query strings (signed tokens, tfjs-format=file) are noise in a one-line error. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** GETs `url` and passes each body chunk to `sink`, following same-origin redirects only. */
export async function fetchToSink(url: URL, sink: (chunk: Buffer) => Promise<void> | void, options: FetchOptions): Promise<FetchResult> {
  const origin = url.origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await request(current, options);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.destroy();
      const next = new URL(response.headers.location, current);
      const allowed = next.origin === origin || (next.protocol === 'https:' && (options.redirectHosts ?? []).includes(next.hostname));
      if (!allowed) {
        throw new ModelFileError(displayUrl(url), `redirected to another host (${next.origin}); refusing to follow`);
      }
      if (hop >= MAX_REDIRECTS) throw new ModelFileError(displayUrl(url), `more than ${MAX_REDIRECTS} redirects`);
      current = next;
      continue;
    }
    return readBody(current, response, sink, options);
  }
}

/** Sends the GET (directly or through the proxy) and resolves with the response head. */
async function request(url: URL, options: FetchOptions): Promise<http.IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ModelFileError(displayUrl(url), `unsupported protocol ${url.protocol} (only http and https)`);
  }
  if (options.signal?.aborted) throw new DownloadCancelledError();
  const idle = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const proxy = proxyFor(url, options);
  const headers: Record<string, string> = { 'user-agent': 'finetune-studio', accept: '*/*', 'accept-encoding': 'identity' };
  let requestOptions: https.RequestOptions;
  if (proxy && url.protocol === 'http:') {
    // Plain HTTP through a proxy: absolute-form request line to the proxy.
    const auth = proxyAuthorization(proxy);
    requestOptions = {
      host: proxy.hostname,
      port: proxy.port || 80,
      path: url.href,
      headers: { ...headers, host: url.host, ...(auth ? { 'proxy-authorization': auth } : {}) },
    };
  } else if (proxy) {
    const socket = await openTunnel(proxy, url, idle, options.signal).catch((error: Error) => {
      throw options.signal?.aborted ? new DownloadCancelledError() : new ModelFileError(displayUrl(url), error.message);
    });
    // SNI takes host names only; an IP literal is still verified against the certificate's IP entries.
    const secure = tls.connect({ socket, servername: isIP(url.hostname) ? undefined : url.hostname, host: url.hostname, ca: options.ca });
    // No `agent` at all: `agent: false` would make Node open its own direct connection and ignore createConnection.
    requestOptions = { hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers, createConnection: () => secure };
  } else {
    requestOptions = { hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers, ca: options.ca };
  }
  // Through a proxy, plain HTTP talks to the proxy itself and HTTPS rides the tunnel: either way the scheme picks the module.
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request({ ...requestOptions, method: 'GET', signal: options.signal });
    const timer = setTimeout(
      () => req.destroy(new ModelFileError(displayUrl(url), `timed out: no response within ${seconds(idle)} (server too slow or unreachable)`)),
      idle,
    );
    req.once('response', (response) => {
      clearTimeout(timer);
      resolve(response);
    });
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(translate(url, error, options.signal));
    });
    req.end();
  });
}

function translate(url: URL, error: Error, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return new DownloadCancelledError();
  if (error instanceof ModelFileError || error instanceof DownloadCancelledError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && OFFLINE_CODES.has(code)) return new NoConnectionError(url.host);
  if (code === 'ECONNRESET' || error.message === 'aborted') {
    return new ModelFileError(displayUrl(url), 'connection dropped before the file was complete');
  }
  return new ModelFileError(displayUrl(url), `${code ? `${code}: ` : ''}${error.message}`.replace(/\s+/g, ' '));
}

async function readBody(
  url: URL,
  response: http.IncomingMessage,
  sink: (chunk: Buffer) => Promise<void> | void,
  options: FetchOptions,
): Promise<FetchResult> {
  const name = displayUrl(url);
  const status = response.statusCode ?? 0;
  const type = String(response.headers['content-type'] ?? '');
  const fail = (problem: string): never => {
    response.destroy();
    throw new ModelFileError(name, problem);
  };
  if (status < 200 || status >= 300) {
    fail(`HTTP ${status} ${response.statusMessage ?? ''}`.trim() + (/html/i.test(type) ? ' (an HTML error page, not model data)' : ''));
  }
  if ((options.refuseHtml ?? true) && /text\/html/i.test(type)) fail('the server sent an HTML page, not model data');
  // We ask for identity; a compressed body would hash and size differently from the file, so it is refused, not guessed at.
  const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') fail(`the server sent it compressed (Content-Encoding: ${encoding}) although none was asked for`);
  const declaredHeader = response.headers['content-length'];
  const declared = declaredHeader === undefined ? undefined : Number(declaredHeader);
  if (declared !== undefined && !(Number.isSafeInteger(declared) && declared >= 0)) fail(`invalid Content-Length "${declaredHeader}"`);
  if (declared !== undefined && declared > options.maxBytes) {
    fail(`Content-Length ${declared} bytes is over the cap of ${options.maxBytes} bytes`);
  }

  const idle = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const total = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  let timeoutProblem: string | undefined;
  const stall = (problem: string) => {
    timeoutProblem = problem;
    response.destroy();
  };
  let idleTimer = setTimeout(() => stall(`timed out: no data for ${seconds(idle)} (server too slow or stalled)`), idle);
  const totalTimer = setTimeout(() => stall(`timed out: not complete after ${seconds(total)} (server too slow)`), total);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      clearTimeout(idleTimer);
      bytes += chunk.length;
      if (bytes > options.maxBytes) fail(`body is over the cap of ${options.maxBytes} bytes`);
      hash.update(chunk);
      await sink(chunk);
      options.onBytes?.(chunk.length);
      idleTimer = setTimeout(() => stall(`timed out: no data for ${seconds(idle)} (server too slow or stalled)`), idle);
    }
  } catch (error) {
    if (timeoutProblem) throw new ModelFileError(name, timeoutProblem);
    const translated = translate(url, error as Error, options.signal);
    if (translated instanceof ModelFileError && /connection dropped/.test(translated.problem) && declared !== undefined) {
      throw new ModelFileError(name, `Content-Length said ${declared} bytes but the connection dropped after ${bytes}`);
    }
    if (translated instanceof ModelFileError && /connection dropped/.test(translated.problem)) {
      throw new ModelFileError(name, `connection dropped mid-file after ${bytes} bytes`);
    }
    throw translated;
  } finally {
    clearTimeout(idleTimer);
    clearTimeout(totalTimer);
  }
  if (timeoutProblem) throw new ModelFileError(name, timeoutProblem);
  if (options.signal?.aborted) throw new DownloadCancelledError();
  if (declared !== undefined && bytes !== declared) {
    throw new ModelFileError(name, `Content-Length said ${declared} bytes but ${bytes} arrived (connection dropped or server error)`);
  }
  if (!response.complete) throw new ModelFileError(name, 'connection dropped before the file was complete');
  return { bytes, sha256: hash.digest('hex'), finalUrl: url };
}

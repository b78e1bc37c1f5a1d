import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { TicketDeps } from '../../core/tickets/deps.js';
import type { KnowledgeBase } from '../../knowledge/kb/knowledge-base.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { urlPath } from '../url-path.js';
import { agentRoutes } from './agent-routes.js';
import { answerRoutes } from './answer-routes.js';
import { requireBearer } from './bearer.js';
import { handleError } from './errors.js';
import { publicRoutes } from './public-routes.js';

export interface WebOptions {
  deps: TicketDeps;
  kb: KnowledgeBase;
  logger: Logger;
  metrics: Metrics;
  apiToken: string | undefined;
  /** When set, GET /metrics requires it as a bearer token. */
  metricsToken?: string | undefined;
  /** Throws when the database cannot be reached. */
  checkHealth: () => Promise<void>;
  /**
   * Takes requests before Fastify routes them (true: answered there); the Slack receiver's fast path.
   * Their durations are still recorded in the HTTP metrics, under the request's path.
   */
  intercept?: ((req: IncomingMessage, res: ServerResponse) => boolean) | null | undefined;
  /** Told of every connection the server accepts, before its first request (the Slack receiver's hand-over). */
  onConnection?: (() => void) | null | undefined;
}

/**
 * Node's HTTP server with `intercept` in front of Fastify's handler. Fastify applies its timeouts only to
 * a server it builds, so they are copied here. While Fastify closes, every request goes to Fastify,
 * which answers 503 with `Connection: close` so that keep-alive connections drain.
 */
function interceptingServer(intercept: NonNullable<WebOptions['intercept']>, metrics: Metrics, closing: () => boolean) {
  return (handler: (req: IncomingMessage, res: ServerResponse) => void, settings: Record<string, unknown>) => {
    // Fastify's resolved options, as fastify/lib/server.js applies them to the server it builds.
    const num = (key: string) => (typeof settings[key] === 'number' ? settings[key] : 0);
    const server = createServer((req, res) => {
      const started = performance.now();
      if (closing() || !intercept(req, res)) return handler(req, res);
      res.once('finish', () => {
        metrics.http.observe({ route: urlPath(req.url), method: req.method ?? '', status: String(res.statusCode) }, (performance.now() - started) / 1000);
      });
    });
    server.keepAliveTimeout = num('keepAliveTimeout');
    server.requestTimeout = num('requestTimeout');
    server.setTimeout(num('connectionTimeout'));
    if (num('maxRequestsPerSocket') > 0) server.maxRequestsPerSocket = num('maxRequestsPerSocket');
    return server;
  };
}

/** The web/HTTP channel: intake API, customer page and lookup, agent API, health and metrics. */
export function buildWebServer(opts: WebOptions): FastifyInstance {
  let closing = false;
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    ...(opts.intercept ? { serverFactory: interceptingServer(opts.intercept, opts.metrics, () => closing) } : {}),
  });
  if (opts.onConnection) app.server.on('connection', opts.onConnection);
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}` } }));
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    opts.metrics.http.observe({ route, method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  publicRoutes(app, opts.deps);
  agentRoutes(app, opts.deps, opts.apiToken, opts.kb);
  answerRoutes(app, opts.deps);

  app.get('/healthz', async (_request, reply) => {
    try {
      await opts.checkHealth();
      return { status: 'ok' };
    } catch (error) {
      opts.logger.error({ err: error }, 'health check failed');
      return reply.status(503).send({ status: 'unavailable' });
    }
  });
  app.get('/metrics', async (request, reply) => {
    if (opts.metricsToken) requireBearer(request, reply, opts.metricsToken);
    return reply.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
  return app;
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { TicketDeps } from '../../core/tickets/deps.js';
import type { KnowledgeBase } from '../../knowledge/kb/knowledge-base.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { agentRoutes } from './agent-routes.js';
import { answerRoutes } from './answer-routes.js';
import { handleError } from './errors.js';
import { publicRoutes } from './public-routes.js';

export interface WebOptions {
  deps: TicketDeps;
  kb: KnowledgeBase;
  logger: Logger;
  metrics: Metrics;
  apiToken: string | undefined;
  /** Throws when the database cannot be reached. */
  checkHealth: () => Promise<void>;
  /**
   * Takes requests before Fastify routes them (true: answered there); the Slack receiver's fast path.
   * Their durations are still recorded in the HTTP metrics, under the request's path.
   */
  intercept?: ((req: IncomingMessage, res: ServerResponse) => boolean) | null | undefined;
}

function interceptingServer(intercept: NonNullable<WebOptions['intercept']>, metrics: Metrics) {
  return (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
    createServer((req, res) => {
      const started = performance.now();
      if (!intercept(req, res)) return handler(req, res);
      res.once('finish', () => {
        const route = (req.url ?? '').split('?')[0] ?? '';
        metrics.http.observe({ route, method: req.method ?? '', status: String(res.statusCode) }, (performance.now() - started) / 1000);
      });
    });
}

/** The web/HTTP channel: intake API, customer page and lookup, agent API, health and metrics. */
export function buildWebServer(opts: WebOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    ...(opts.intercept ? { serverFactory: interceptingServer(opts.intercept, opts.metrics) } : {}),
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
  app.get('/metrics', async (_request, reply) => reply.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics()));
  return app;
}

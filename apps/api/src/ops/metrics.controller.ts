import { Controller, Get, Res } from '@nestjs/common';
import { Metrics, Public } from '#platform';

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/**
 * GET /metrics in Prometheus text format, for the operator's scraper. Deliberately unauthenticated, like
 * every Prometheus target: it exposes counts and timings, never register data. Keep it reachable only
 * from the monitoring network (HOST defaults to 127.0.0.1; put a reverse proxy rule in front otherwise).
 */
@Public()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get('metrics')
  async scrape(@Res({ passthrough: true }) res: HeaderSink): Promise<string> {
    const body = await this.metrics.metrics();
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    return body;
  }
}

import { Controller, Get, Headers, Inject, NotFoundException, Optional, Param, Req, Res } from '@nestjs/common';
import { Public } from '#platform';
import type { ConsoleAsset, ConsoleAssets } from './console.assets.js';
import { CONSOLE_CSP, DEFAULT_CONSOLE_OPTIONS, renderConsolePage, type ConsoleOptions } from './console.page.js';

export const CONSOLE_OPTIONS = Symbol.for('association-register.console.options');
export const CONSOLE_ASSETS = Symbol.for('association-register.console.assets');

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** The part of Express's response the asset route uses: `send` handles HEAD, ETag and 304 itself. */
interface AssetResponse extends HeaderSink {
  send(body: Buffer): unknown;
}

interface RequestLine {
  readonly originalUrl?: string;
  readonly url: string;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * GET /console: GraphiQL served entirely from this application (see docs/adr/0005-offline-console.md).
 * Public: the page and its assets hold no data; every GraphQL call it makes carries the user's token.
 */
@Public()
@Controller('console')
export class ConsoleController {
  private readonly options: ConsoleOptions;
  private readonly byFileName: ReadonlyMap<string, ConsoleAsset>;
  private readonly pages = new Map<string, string>();

  constructor(
    @Inject(CONSOLE_ASSETS) private readonly assets: ConsoleAssets,
    @Optional() @Inject(CONSOLE_OPTIONS) options?: Partial<ConsoleOptions>,
  ) {
    this.options = { ...DEFAULT_CONSOLE_OPTIONS, ...options };
    this.byFileName = new Map(Object.values(assets).map((asset: ConsoleAsset) => [asset.fileName, asset]));
  }

  @Get()
  page(@Req() req: RequestLine, @Res({ passthrough: true }) res: HeaderSink): string {
    // Asset links follow the path the page was asked for, so a global route prefix needs no setting.
    const path = new URL(req.originalUrl ?? req.url, 'http://console.invalid').pathname.replace(/\/+$/, '');
    const assetBase = `${path}/assets`;
    let html = this.pages.get(assetBase);
    if (html === undefined) {
      html = renderConsolePage(this.assets, this.options, assetBase);
      if (this.pages.size < 8) this.pages.set(assetBase, html);
    }
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-store');
    return html;
  }

  @Get('assets/:file')
  asset(
    @Param('file') file: string,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Res() res: AssetResponse,
  ): void {
    const asset = this.byFileName.get(file);
    if (asset === undefined) throw new NotFoundException(`No console asset named ${file}`);
    const gzip = /\bgzip\b/.test(acceptEncoding ?? '');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('Content-Type', asset.contentType);
    // The file name carries a content hash: a new version is a new URL, so this one never changes.
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('ETag', `"${asset.fileName}${gzip ? '.gz' : ''}"`);
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.send(gzip ? asset.gzipped() : asset.body);
  }
}

export { ConsoleModule, consoleUrl } from './console.module.js';
export { ConsoleController, CONSOLE_ASSETS, CONSOLE_OPTIONS } from './console.controller.js';
export { CONSOLE_CSP, DEFAULT_CONSOLE_OPTIONS, DEFAULT_CONSOLE_QUERY, type ConsoleOptions } from './console.page.js';
export { loadConsoleAssets, type ConsoleAsset, type ConsoleAssets } from './console.assets.js';

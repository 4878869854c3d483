// Entry of the verify Action's bundle (action/dist/index.js, built by `npm run build:action`).
import { main } from './main.js';

process.exitCode = await main();

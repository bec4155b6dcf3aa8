// Loaded by a script of its own ahead of the entry (build-plugins.ts, bootScript), and the first
// module main.tsx imports (in development), so it runs before React and antd: asks the
// server who is signed in, and then for the opened page's data (early.ts).
import { startEarly } from './early';

startEarly(window.location);

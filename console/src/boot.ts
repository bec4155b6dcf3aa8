// The first module main.tsx imports, so it runs before React and antd are evaluated: asks the
// server who is signed in, and then for the opened page's data (early.ts).
import { startEarly } from './early';

startEarly(window.location);

import { createContext, useContext, useEffect, useState } from 'react';

/** The left menu's widths (app-layout.tsx) and the content's padding on each side. */
export const SIDER_WIDTH = 216;
export const SIDER_COLLAPSED_WIDTH = 64;
export const CONTENT_PADDING = 24;
/** Room for a vertical scroll bar where the system draws one beside the page (17 px on Windows). */
const SCROLL_BAR = 20;

/**
 * The width the signed-in layout leaves its page, from the window's width and the menu's state:
 * known before anything is laid out, so a table can choose at its first render whether it needs
 * to scroll sideways (ticket-table.tsx). Infinity outside the layout.
 */
export const ContentWidth = createContext<number>(Number.POSITIVE_INFINITY);

/** The width of the page area of the signed-in layout (see ContentWidth). */
export function useContentWidth(): number {
  return useContext(ContentWidth);
}

/** The window's inner width less room for a scroll bar, following resizes. */
export function useWindowWidth(): number {
  const [width, setWidth] = useState(() => window.innerWidth - SCROLL_BAR);
  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth - SCROLL_BAR);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return width;
}

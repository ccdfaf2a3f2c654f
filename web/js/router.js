// Hash routes (#/today?date=…), so the site is static files behind any host. Each page is a module of
// js/pages/ listed in js/pages/index.js; the router checks sign-in and roles before it renders one.
import * as session from './session.js';

function compile(path) {
  const names = [];
  const pattern = path.replace(/:(\w+)/g, (whole, name) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${pattern}$`), names };
}

export class Router {
  constructor(pages) {
    this.pages = pages.map((page) => ({ ...page, compiled: compile(page.path) }));
  }

  /** The page and its parameters for a location hash, or null. */
  resolve(hash) {
    const raw = (hash || '').replace(/^#/, '') || '/';
    const [path, search = ''] = raw.split('?', 2);
    for (const page of this.pages) {
      const match = page.compiled.regex.exec(path);
      if (match) {
        const params = {};
        page.compiled.names.forEach((name, index) => {
          params[name] = decodeURIComponent(match[index + 1]);
        });
        return { page, params, query: Object.fromEntries(new URLSearchParams(search)), path, raw };
      }
    }
    return null;
  }

  /** Pages the signed-in account may open, for the navigation. */
  navigable() {
    // nav.visible(session), if given, hides the item for some accounts of a page they may still open by link.
    return this.pages.filter((page) => page.nav && allowed(page) && (!page.nav.visible || page.nav.visible(session)))
      .sort((a, b) => a.nav.order - b.nav.order);
  }
}

export function allowed(page) {
  if (page.public) return true;
  if (!session.current()) return false;
  return page.allowed ? Boolean(page.allowed(session)) : true;
}

/** '#/people/x/month?month=2026-12': a link to a page (query values encoded). */
export function link(path, query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== null && value !== undefined && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

export function navigate(path, query) {
  const target = link(path, query);
  if (window.location.hash === target) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}

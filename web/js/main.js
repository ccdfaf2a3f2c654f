// Boots the site: the frame (header, navigation, language, sign-out), then the page the address names.
import { onPasswordChangeRequired, onSessionOver, api } from './api.js';
import { h, show } from './dom.js';
import { LANGUAGES, lang, setLang, t } from './i18n.js';
import { pages } from './pages/index.js';
import { Router, allowed, link, navigate } from './router.js';
import * as session from './session.js';
import { errorBox } from './ui.js';

const router = new Router(pages);
const frame = {
  header: document.getElementById('site-header'),
  main: document.getElementById('main'),
  footer: document.getElementById('site-footer'),
};
let cleanup = null;
let rendering = 0;

function homePath() {
  const signedIn = session.current();
  if (!signedIn) return '/sign-in';
  if (signedIn.must_change_password) return '/password';
  if (session.hasRole('unit_leader', 'unit_head', 'oversight', 'system_admin')) return '/today';
  if (session.hasRole('unit_admin')) return '/staff';
  if (signedIn.account?.staff_id) return `/people/${signedIn.account.staff_id}/month`;
  return '/help';
}

function renderHeader(current) {
  const signedIn = session.current();
  const navLinks = signedIn && !signedIn.must_change_password
    ? router.navigable().map((page) => {
      const href = link(typeof page.nav.path === 'function' ? page.nav.path(session) : page.path);
      // A page reached with other parameters (someone else's month) is not the navigation's own item.
      // A page without its own entry (an administration sub-page, a person's record) lights up its section's.
      const here = current && (current.page === page || current.page.section === page.id)
        && (typeof page.nav.path !== 'function' || href === `#${current.path}`);
      return h('li', {}, h('a', { href, 'aria-current': here ? 'page' : null },
        t(page.nav.label || page.title)));
    })
    : [];
  const other = LANGUAGES.find((code) => code !== lang());
  show(frame.header, h('nav', { class: 'container-fluid', 'aria-label': t('nav.label') },
    h('ul', {}, h('li', {}, h('a', { href: '#/', class: 'brand' }, h('strong', {}, t('app.name'))))),
    h('ul', { class: 'nav-links' }, navLinks,
      h('li', {}, h('button', {
        type: 'button', class: 'secondary outline lang-switch', lang: other, dataset: { lang: other },
        onclick: () => setLang(other),
      }, t('nav.switch_language'))),
      signedIn ? h('li', {}, h('button', { type: 'button', class: 'secondary sign-out', onclick: signOut },
        t('nav.sign_out', { username: signedIn.username }))) : null)));
  show(frame.footer, h('div', { class: 'container' }, h('small', {}, h('a', { href: '#/help' }, t('nav.help')),
    ' · ', t('app.footer'))));
}

async function signOut() {
  try {
    await api('POST', '/v1/auth/logout');
  } catch {
    // the token may already be over; signing out here is what matters
  }
  session.end();
  navigate('/sign-in');
}

async function loadAccount() {
  const signedIn = session.current();
  if (signedIn && !signedIn.must_change_password && !signedIn.account) {
    session.update({ account: await api('GET', '/v1/auth/me') });
  }
}

async function render() {
  const ticket = ++rendering;
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const resolved = router.resolve(window.location.hash);
  if (!resolved) {
    const path = window.location.hash.replace(/^#/, '').split('?')[0];
    if (path === '' || path === '/') {
      // The home of a civil servant is their own month: it needs the account (its staff_id) first.
      try {
        await loadAccount();
      } catch {
        // the home page chosen without the account; the page it leads to shows the error
      }
      if (ticket === rendering) navigate(homePath());
    } else {
      renderHeader(null);
      show(frame.main, h('section', {}, h('h1', { tabindex: '-1' }, t('error.not_found_title')),
        h('p', { role: 'alert' }, t('error.not_found')), h('p', {}, h('a', { href: '#/' }, t('nav.home')))));
    }
    return;
  }
  const { page } = resolved;
  const signedIn = session.current();
  if (!page.public && !signedIn) {
    navigate('/sign-in', { next: resolved.raw });
    return;
  }
  if (signedIn?.must_change_password && !page.public && page.path !== '/password') {
    navigate('/password', { next: resolved.raw });
    return;
  }
  try {
    await loadAccount();
  } catch (error) {
    if (ticket === rendering) show(frame.main, errorBox(error));
    return;
  }
  if (ticket !== rendering) return;
  renderHeader(resolved);
  document.title = `${t(page.title)} · ${t('app.name')}`;
  if (!allowed(page)) {
    show(frame.main, h('section', {}, h('h1', { tabindex: '-1' }, t('error.not_allowed_title')),
      h('p', { role: 'alert' }, t('error.not_allowed')), h('p', {}, h('a', { href: '#/' }, t('nav.home')))));
    return;
  }
  const container = h('div', { class: `page page-${page.id}` });
  show(frame.main, container);
  const context = {
    params: resolved.params, query: resolved.query, path: resolved.path,
    navigate, homePath, rerender: render, isCurrent: () => ticket === rendering,
  };
  try {
    const result = await page.render(container, context);
    if (typeof result === 'function') {
      if (ticket === rendering) cleanup = result;
      else result();
    }
  } catch (error) {
    if (ticket === rendering) show(container, errorBox(error));
  }
  if (ticket === rendering) {
    // The heading takes the focus (screen readers announce the new page) unless the page put it somewhere itself.
    if (!container.contains(document.activeElement)) container.querySelector('h1')?.focus({ preventScroll: true });
    // For the page-weight and render-time benchmark (bench/web.py): when this page finished drawing.
    performance.mark(`chamcong:rendered:${page.id}`);
  }
}

onSessionOver(() => {
  // A page asks several things at once: only the first answer of an ended session sends the person to sign in
  // (a later one would find the sign-in page and forget where they were).
  if (!session.current()) return;
  const here = window.location.hash.replace(/^#/, '');
  session.end();
  navigate('/sign-in', { next: here.startsWith('/sign-in') ? '' : here, expired: '1' });
});
onPasswordChangeRequired(() => {
  session.update({ must_change_password: true });
  navigate('/password');
});
window.addEventListener('hashchange', render);
window.addEventListener('languagechange', render);
render();

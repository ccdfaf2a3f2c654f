// "Quản trị": one navigation entry leading to the administration sub-pages the account's roles may open.
import { h, show } from '../dom.js';
import { t } from '../i18n.js';
import { heading } from '../ui.js';
import { ADMIN_PAGES, adminNav, allowedAdminPages } from './admin-common.js';

export default {
  id: 'admin',
  path: '/admin',
  title: 'admin.title',
  nav: { order: 80 },
  allowed: (session) => ADMIN_PAGES.some((entry) => session.hasRole(...entry.roles)),
  render(main) {
    const first = allowedAdminPages()[0];
    if (first) {
      // Replace, not push: the back button must not bounce through this page.
      window.location.replace(`#${first.path}`);
      return;
    }
    show(main, heading(t('admin.title')), adminNav(''), h('p', {}, t('error.not_allowed')));
  },
};

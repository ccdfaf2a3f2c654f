// The user guide: a short Vietnamese (or English) guide per audience, with the pictures the browser tests take.
import { h, show } from '../dom.js';
import { t } from '../i18n.js';
import * as session from '../session.js';

// Section → [how many paragraphs, the pictures shown with it (web/help/img/<name>.png)].
const SECTIONS = [
  ['staff', 4, ['month']],
  ['leaders', 6, ['today', 'absences', 'reports', 'charts']],
  ['compiler', 2, []],
  ['admins', 4, ['staff-list', 'staff-enrolment', 'admin-accounts', 'admin-devices']],
  ['home_affairs', 2, ['today-overview', 'admin-audit']],
  ['evaluation', 5, ['evaluation', 'evaluation-unit']],
  ['privacy', 5, []],
];

function picture(name) {
  const image = h('img', { src: `/help/img/${name}.png`, alt: t('help.picture', { name }),
    width: '1280', height: '900' });
  const figure = h('figure', { class: 'help-picture' }, image);
  image.addEventListener('error', () => figure.remove());  // a picture not taken yet is left out
  return figure;
}

export default {
  id: 'help',
  path: '/help',
  title: 'help.title',
  public: true,
  nav: { order: 90 },
  render(main, context) {
    const chosen = SECTIONS.find(([id]) => id === context.query.section);
    const sections = chosen ? [chosen] : SECTIONS;
    show(main,
      h('h1', { tabindex: '-1' }, t('help.title')),
      h('p', {}, t('help.intro')),
      h('nav', { 'aria-label': t('help.contents'), class: 'help-contents' },
        h('ul', {}, SECTIONS.map(([id]) => h('li', {},
          h('a', { href: `#/help?section=${id}`, 'aria-current': chosen && chosen[0] === id ? 'true' : null },
            t(`help.${id}.title`)))))),
      sections.map(([id, count, pictures]) => h('section', { id: `help-${id}` },
        h('h2', {}, t(`help.${id}.title`)),
        h('ol', {}, Array.from({ length: count }, (_, index) => h('li', {}, t(`help.${id}.${index + 1}`)))),
        pictures.map(picture))),
      session.current() ? null : h('p', {}, h('a', { href: '#/sign-in' }, t('signin.title'))));
  },
};

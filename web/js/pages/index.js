// Every page of the site, in navigation order. Adding a page: write js/pages/<name>.js exporting
// {id, path, title, nav?, allowed?, render}, put its texts in js/messages/<name>.js, and list both here and in
// js/messages/index.js. `allowed(session)` decides who sees the page (the API refuses the rest anyway).
// nav: {order, label? (the item's text, default title), path?(session), visible?(session) (hide the item only)}.
import signin from './signin.js';
import password from './password.js';
import month from './month.js';
import absences from './absences.js';

export const pages = [signin, password, month, absences];

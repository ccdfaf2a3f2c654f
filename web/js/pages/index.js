// Every page of the site, in navigation order. Adding a page: write js/pages/<name>.js exporting
// {id, path, title, nav?, allowed?, render}, put its texts in js/messages/<name>.js, and list both here and in
// js/messages/index.js. `allowed(session)` decides who sees the page (the API refuses the rest anyway).
import signin from './signin.js';
import password from './password.js';
import help from './help.js';
import bulk from './bulk.js';
import today from './today.js';
import charts from './charts.js';

export const pages = [signin, password, today, charts, bulk, help];

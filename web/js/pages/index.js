// Every page of the site, in navigation order. Adding a page: write js/pages/<name>.js exporting
// {id, path, title, nav?, allowed?, render}, put its texts in js/messages/<name>.js, and list both here and in
// js/messages/index.js. `allowed(session)` decides who sees the page (the API refuses the rest anyway).
import signin from './signin.js';
import password from './password.js';
import reports from './reports.js';
import admin from './admin.js';
import adminUnits from './admin-units.js';
import adminAccounts from './admin-accounts.js';
import adminDevices from './admin-devices.js';
import adminCalendar from './admin-calendar.js';
import adminAudit from './admin-audit.js';

export const pages = [signin, password, reports, admin, adminUnits, adminAccounts, adminDevices, adminCalendar,
  adminAudit];

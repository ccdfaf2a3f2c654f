// Every page of the site, in navigation order. Adding a page: write js/pages/<name>.js exporting
// {id, path, title, nav?, section?, allowed?, render}, put its texts in js/messages/<name>.js, and list both
// here and in js/messages/index.js. `allowed(session)` decides who sees the page (the API refuses the rest anyway).
// nav: {order, label? (the item's text, default title), path?(session), visible?(session) (hide the item only)}.
// A fixed path is listed before a pattern that would also match it (/staff/bulk before /staff/:staff_id).
import signin from './signin.js';
import password from './password.js';
import today from './today.js';
import charts from './charts.js';
import staff from './staff.js';
import bulk from './bulk.js';
import staffPerson from './staff-person.js';
import reports from './reports.js';
import admin from './admin.js';
import adminUnits from './admin-units.js';
import adminAccounts from './admin-accounts.js';
import adminDevices from './admin-devices.js';
import adminCalendar from './admin-calendar.js';
import adminAudit from './admin-audit.js';
import adminIntegrations from './admin-integrations.js';
import month from './month.js';
import absences from './absences.js';
import roster from './roster.js';
import help from './help.js';
import tasks, { personTasks } from './tasks.js';
import tasksImport from './tasks-import.js';
import evaluations, { evaluationsPerson, evaluationsUnit } from './evaluations.js';
import adminRulesets from './admin-rulesets.js';
import personalData, { erasureRequests, noticePage } from './privacy.js';

export const pages = [signin, password, today, charts, staff, bulk, staffPerson, reports, admin, adminUnits,
  adminAccounts, adminDevices, adminIntegrations, adminCalendar, adminAudit, adminRulesets, month, absences, roster,
  tasks, tasksImport, personTasks, evaluations, evaluationsUnit, evaluationsPerson, personalData, erasureRequests,
  noticePage, help];

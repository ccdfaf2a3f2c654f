// The site's one message catalogue, assembled from one file per area: key → {vi, en}.
// A page's texts live in the file of its area; a key defined twice is an error (a test checks).
import common from './common.js';
import signin from './signin.js';
import staff from './staff.js';
import bulk from './bulk.js';
import admin from './admin.js';
import reports from './reports.js';
import today from './today.js';
import charts from './charts.js';
import month from './month.js';
import absences from './absences.js';
import roster from './roster.js';
import help from './help.js';
import lobby from './lobby.js';
import tasks from './tasks.js';
import transfers from './transfers.js';
import evaluations from './evaluations.js';
import privacy from './privacy.js';

const parts = [common, signin, today, charts, staff, bulk, admin, reports, month, absences, roster, help, lobby,
  tasks, transfers, evaluations, privacy];

export const catalogue = {};
for (const part of parts) {
  for (const [key, entry] of Object.entries(part)) {
    if (key in catalogue) throw new Error(`message ${key} defined twice`);
    catalogue[key] = entry;
  }
}

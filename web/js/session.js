// Who is signed in. The token lives in this tab's sessionStorage only: never a cookie, never localStorage.
const KEY = 'chamcong.session';

let cached = null;

export function current() {
  if (cached) return cached;
  try {
    cached = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    cached = null;
  }
  return cached;
}

/** Keep what sign-in answered (token, roles, grants, whether the password must change). */
export function start(login) {
  cached = {
    token: login.token,
    expires_at: login.expires_at,
    username: login.username,
    roles: login.roles,
    grants: login.grants,
    must_change_password: login.must_change_password,
    password_deadline: login.password_deadline,
    account: null,
  };
  save();
  return cached;
}

export function update(changes) {
  cached = { ...current(), ...changes };
  save();
  return cached;
}

export function end() {
  cached = null;
  sessionStorage.removeItem(KEY);
}

function save() {
  sessionStorage.setItem(KEY, JSON.stringify(cached));
}

export function token() {
  return current()?.token || null;
}

/** Roles: staff, unit_leader, unit_head, unit_admin, oversight, system_admin. */
export function hasRole(...roles) {
  const signedIn = current();
  return Boolean(signedIn && signedIn.roles.some((role) => roles.includes(role)));
}

export function grantedUnits(...roles) {
  const signedIn = current();
  if (!signedIn) return [];
  return signedIn.grants.filter((grant) => roles.includes(grant.role)).map((grant) => grant.unit_id);
}

import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ, 100 on every current kernel). */
const TICKS_PER_SECOND = 100;
const SERVER_PROCESS = /^(ferretdb|postgres|mongod)/;

/**
 * CPU time (user + system, ms) used so far by the database server's processes on this machine:
 * FerretDB, its PostgreSQL and their backends, or mongod. What a relayed message costs the
 * database is most of the gap between a helpdesk and a bare bot on a shared machine, and the
 * command count alone does not show it (a command on a large document costs more). Null where
 * /proc is not there or the server runs elsewhere.
 */
export function serverCpuMs(): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let ticks = 0;
  let found = false;
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!SERVER_PROCESS.test(name)) continue;
      // Fields after the name: state is the 3rd field of the line, utime the 14th, stime the 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    } catch {
      // The process ended between the listing and the read: its time is gone with it.
    }
  }
  return found ? (ticks * 1000) / TICKS_PER_SECOND : null;
}

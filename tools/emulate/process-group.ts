// Child processes that must never outlive us. The Pub/Sub emulator is gcloud (Python) starting Java, and gcloud
// moves itself and Java into a process group of its own: killing the pid we spawned, or even its group, leaves
// Java listening. So each child starts a new session (detached), and stopping it signals every process group
// in that session.
import { type ChildProcess, spawn } from "node:child_process";
import { constants, readdirSync, readFileSync } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** The full path of `command` on PATH, or undefined. */
export async function findOnPath(
  command: string,
  path = process.env.PATH ?? "",
): Promise<string | undefined> {
  for (const folder of path.split(delimiter).filter(Boolean)) {
    const candidate = join(folder, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * A shell leads the session: it starts the command, then watches our pid. If we die without cleaning up
 * (SIGKILL, a crashed test runner), it takes the command's process group and its own down within a second
 * or two, so nothing is orphaned even when no handler of ours gets to run. Signalled itself, it passes the
 * signal to the command's group (where /proc is missing, that is how the command's group is reached).
 */
const WATCHDOG = `
"$@" &
child=$!
trap 'kill -TERM -"$child" "$child" 2>/dev/null; exit 143' TERM INT
while kill -0 "$PULSE_WATCHED_PID" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
trap '' TERM
kill -TERM -"$child" 0 2>/dev/null
sleep 3
kill -KILL -"$child" 0 2>/dev/null
`;

export interface SessionProcess {
  child: ChildProcess;
  /** The session id: the watchdog shell's pid. */
  sid: number;
  /** The last lines the command wrote, for error messages. */
  output(): string;
  /** Resolves when the watchdog shell has exited. */
  exited: Promise<number | null>;
}

export interface SessionMember {
  pid: number;
  pgid: number;
}

const live = new Set<number>();
let exitHookInstalled = false;

/** Processes of a session that are still running; zombies (left for an init that may never reap them) do not count. */
export function sessionMembers(sid: number): SessionMember[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    // No /proc (macOS): the session leader's group is the best we can see.
    try {
      process.kill(-sid, 0);
      return [{ pid: sid, pgid: sid }];
    } catch {
      return [];
    }
  }
  const members: SessionMember[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // After the parenthesised command name: state, ppid, pgrp, session, …
    const [state, , pgrp, session] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (session === String(sid) && state !== "Z") members.push({ pid: Number(entry), pgid: Number(pgrp) });
  }
  return members;
}

function signalSession(sid: number, signal: NodeJS.Signals): void {
  const groups = new Set([sid, ...sessionMembers(sid).map((member) => member.pgid)]);
  for (const pgid of groups) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // already gone
    }
  }
}

/** Starts `command` in a new session, led by a watchdog shell that takes it down if we die. */
export function spawnSession(
  command: string,
  args: readonly string[],
  options: { onLine?: (line: string) => void; keepLines?: number } = {},
): SessionProcess {
  const child = spawn("sh", ["-c", WATCHDOG, "pulse-watchdog", command, ...args], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PULSE_WATCHED_PID: String(process.pid) },
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const sid = child.pid;
  live.add(sid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort on a normal or error exit: 'exit' handlers must be synchronous, and so is all of this.
    process.on("exit", () => {
      for (const session of live) signalSession(session, "SIGKILL");
    });
  }
  const lines: string[] = [];
  const keep = options.keepLines ?? 40;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split(/\r?\n/)) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > keep) lines.shift();
      options.onLine?.(line);
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, sid, output: () => lines.join("\n"), exited };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops every process of the session: SIGTERM, then SIGKILL for whatever is left after `graceMs`. */
export async function stopSession(session: SessionProcess, graceMs = 5000): Promise<void> {
  signalSession(session.sid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (sessionMembers(session.sid).length > 0 && Date.now() < deadline) await pause(50);
  if (sessionMembers(session.sid).length > 0) {
    signalSession(session.sid, "SIGKILL");
    // SIGKILL cannot be refused; give the kernel a moment to finish before we report stopped.
    const hardDeadline = Date.now() + 2000;
    while (sessionMembers(session.sid).length > 0 && Date.now() < hardDeadline) await pause(50);
  }
  live.delete(session.sid);
  // A survivor holding our pipes would keep this process alive after everything else is closed.
  session.child.stdout?.destroy();
  session.child.stderr?.destroy();
  const left = sessionMembers(session.sid);
  if (left.length) {
    throw new Error(`processes ${left.map((member) => member.pid).join(", ")} survived SIGKILL`);
  }
}

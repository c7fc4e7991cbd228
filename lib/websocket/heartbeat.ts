// Heartbeat: one shared interval timer per period for all sockets that use it (not one timer per
// socket), which keeps idle connections small. Each tick asks every member to check in.

/** A socket taking part in a heartbeat. */
export interface HeartbeatMember {
  heartbeatTick(): void;
}

interface Group {
  readonly timer: NodeJS.Timeout;
  readonly members: Set<HeartbeatMember>;
}

const groups = new Map<number, Group>();

function tick(members: Set<HeartbeatMember>): void {
  // A Set tolerates deletion during iteration (a member may terminate and leave).
  for (const member of members) member.heartbeatTick();
}

export function joinHeartbeat(period: number, member: HeartbeatMember): void {
  let group = groups.get(period);
  if (group === undefined) {
    const members = new Set<HeartbeatMember>();
    // unref: a heartbeat alone never keeps the process alive.
    group = { timer: setInterval(tick, period, members).unref(), members };
    groups.set(period, group);
  }
  group.members.add(member);
}

export function leaveHeartbeat(period: number, member: HeartbeatMember): void {
  const group = groups.get(period);
  if (group === undefined || !group.members.delete(member)) return;
  if (group.members.size === 0) {
    clearInterval(group.timer);
    groups.delete(period);
  }
}

// Which Vigil process sent a message, read from Linux's /proc when its connection arrives: the client
// end of the receiver's socket is a socket inode in /proc/net/tcp, and exactly one process holds that
// inode among its open files. This is what tells a re-send by a killed instance (allowed: at least
// once) from one by a healthy instance (a fault). Looked up once per connection, as keep-alive
// connections carry many requests; null when it cannot be told (the process is already gone).
import fs from 'node:fs';

/** The inode of the TCP socket from `clientPort` to `serverPort` on loopback, as the kernel lists it. */
export function clientSocketInode(table: string, clientPort: number, serverPort: number): string | undefined {
  const hexPort = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
  const local = `:${hexPort(clientPort)}`;
  const remote = `:${hexPort(serverPort)}`;
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(local) && fields[2]?.endsWith(remote) && fields[9] && fields[9] !== '0') return fields[9];
  }
  return undefined;
}

function socketInodesOf(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** A lookup over the processes `pids()` names (the live Vigil instances). */
export function createSenderLookup(pids: () => readonly number[]) {
  const available = fs.existsSync('/proc/net/tcp');
  return (clientPort: number | undefined, serverPort: number): number | null => {
    if (!available || clientPort === undefined) return null;
    let inode: string | undefined;
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      try {
        inode = clientSocketInode(fs.readFileSync(table, 'utf8'), clientPort, serverPort);
      } catch {
        inode = undefined;
      }
      if (inode) break;
    }
    if (!inode) return null;
    for (const pid of pids()) if (socketInodesOf(pid).has(inode)) return pid;
    return null;
  };
}

# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# What the benchmarks (tests/bench-*.py) share: running commands, a sandbox
# (utilities/sluice-sandbox) in a work directory, with the build's programs
# and the patched OVS's on the PATH, OVN 23.03 on sandbox hosts, programs
# that hold many connections open, and the JSON file of results that
# tests/bench-report.py reads.

import datetime
import json
import os
import platform
import subprocess
import time

# When the benchmark started (it imports this module first thing).
STARTED = datetime.datetime.now(datetime.timezone.utc)


# Many concurrent connections: a server (arguments: address, port) that
# accepts and reads, and a client (address, port, connections, seconds)
# that opens them all, prints "connected", then sends on each every
# second.
MANY_SERVER = r'''
import resource, selectors, socket, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], int(sys.argv[2])))
srv.listen(1024)
sel = selectors.DefaultSelector()
sel.register(srv, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is srv:
            conn, _ = srv.accept()
            sel.register(conn, selectors.EVENT_READ)
        elif not key.fileobj.recv(4096):
            sel.unregister(key.fileobj)
            key.fileobj.close()
'''
MANY_CLIENT = r'''
import resource, socket, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
socks = [socket.create_connection((sys.argv[1], int(sys.argv[2])), 10)
         for _ in range(int(sys.argv[3]))]
print("connected", flush=True)
for _ in range(int(sys.argv[4])):
    for s in socks:
        s.send(b"x")
    time.sleep(1)
'''

def run(*args, **kwargs):
    """Runs 'args', raising an exception if it fails.  Returns its standard
    output."""
    return subprocess.run(args, check=True, stdout=subprocess.PIPE,
                          universal_newlines=True, **kwargs).stdout


def percentile(values, p):
    """Nearest-rank percentile."""
    v = sorted(values)
    return v[max(0, min(len(v) - 1, -(-len(v) * p // 100) - 1))]


def add_json_option(parser):
    """Adds option --json=FILE to argparse 'parser'."""
    parser.add_argument('--json', metavar='FILE',
                        help='also write the results to FILE, as JSON')


def write_json(path, results, args):
    """Writes dict 'results' to 'path' (if it is not None) as JSON, with
    key "meta": when and where it ran (start and end, nproc, kernel, OVS
    and OVN versions, load average at the end) and with what options
    ('args', from argparse)."""
    if not path:
        return
    def version(program):
        try:
            return run(program, '--version').splitlines()[0]
        except (OSError, subprocess.CalledProcessError):
            return 'unknown'
    options = {k: v for k, v in vars(args).items()
               if k not in ('builddir', 'json')}
    now = datetime.datetime.now(datetime.timezone.utc)
    meta = {'started': STARTED.strftime('%Y-%m-%d %H:%M UTC'),
            'finished': now.strftime('%Y-%m-%d %H:%M UTC'),
            'nproc': os.cpu_count(), 'kernel': platform.release(),
            'ovs': version('ovs-vswitchd'), 'ovn': version('ovn-controller'),
            'loadavg': os.getloadavg()[0], 'options': options}
    with open(path, 'w') as f:
        json.dump(dict(results, meta=meta), f, indent=1)
        f.write('\n')


class Sandbox:
    def __init__(self, builddir, workdir):
        """Uses the programs of Sluice build directory 'builddir' and of the
        OVS build that it was configured with, and a sandbox and northbound
        database in 'workdir'."""
        self.dir = workdir
        self.pids = []
        ovs = os.path.join(os.path.dirname(builddir), 'ovs', '_build')
        with open(os.path.join(builddir, 'config.status')) as f:
            for line in f:
                if line.startswith('S["OVS_BUILDDIR"]='):
                    ovs = line.split('"')[3]
        path = [os.path.join(builddir, 'utilities'),
                os.path.join(builddir, 'controller'),
                os.path.join(ovs, 'utilities'), os.path.join(ovs, 'vswitchd'),
                os.path.join(ovs, 'ovsdb')]
        os.environ['PATH'] = ':'.join(path + [os.environ['PATH']])
        os.environ['SLUICE_SANDBOX'] = os.path.join(workdir, 'sandbox')
        os.environ['SLUICE_NB_DB'] = 'unix:%s/nb/sluice-nb.sock' % workdir

    def sandbox(self, *args):
        return run('sluice-sandbox', *args).strip()

    def host_db(self, host):
        return 'unix:%s/sandbox/%s/db.sock' % (self.dir, host)

    def wait_for(self, condition, timeout=30):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError('timed out')
            time.sleep(0.05)

    def kill_pids(self):
        """Stops the daemons whose pid files are in self.pids."""
        for pidfile in self.pids:
            try:
                with open(pidfile) as f:
                    os.kill(int(f.read()), 15)
            except (OSError, ValueError):
                pass

    # OVN 23.03 (Debian's ovn-central and ovn-host).

    def ovn_central(self):
        """Starts OVN's northbound and southbound databases and ovn-northd
        in WORKDIR/ovn, with one logical switch sw0."""
        d = os.path.join(self.dir, 'ovn')
        os.makedirs(d)
        self.ovn_sb = 'unix:%s/sb.sock' % d
        self.ovn_nb = '--db=unix:%s/nb.sock' % d
        for db in ('nb', 'sb'):
            run('ovsdb-tool', 'create', '%s/%s.db' % (d, db),
                '/usr/share/ovn/ovn-%s.ovsschema' % db)
            run('ovsdb-server', '--detach', '--no-chdir',
                '--pidfile=%s/%s.pid' % (d, db),
                '--log-file=%s/%s.log' % (d, db),
                '--unixctl=%s/%s.ctl' % (d, db),
                '--remote=punix:%s/%s.sock' % (d, db), '%s/%s.db' % (d, db))
            self.pids.append('%s/%s.pid' % (d, db))
        run('ovn-northd', '--detach', '--no-chdir',
            '--pidfile=%s/northd.pid' % d, '--log-file=%s/northd.log' % d,
            '--unixctl=%s/northd.ctl' % d,
            '--ovnnb-db=unix:%s/nb.sock' % d, '--ovnsb-db=' + self.ovn_sb)
        self.pids.append('%s/northd.pid' % d)
        run('ovn-nbctl', self.ovn_nb, 'ls-add', 'sw0')

    def ovn_host(self, host, cidr, start_controller=True):
        """Adds sandbox host 'host', tunnel address 'cidr', as an OVN
        chassis of the databases that ovn_central() started; starts its
        ovn-controller unless 'start_controller' is false, in which case
        it makes br-int itself."""
        self.sandbox('host-add', host, cidr)
        run('ovs-vsctl', '--db=' + self.host_db(host), 'set',
            'open_vswitch', '.', 'external_ids:ovn-remote=' + self.ovn_sb,
            'external_ids:ovn-encap-type=geneve',
            'external_ids:ovn-encap-ip=' + cidr.split('/')[0],
            'external_ids:ovn-bridge-datapath-type=netdev')
        if start_controller:
            self.start_ovn_controller(host)
        else:
            run('ovs-vsctl', '--db=' + self.host_db(host), 'add-br',
                'br-int', '--', 'set', 'Bridge', 'br-int',
                'datapath_type=netdev', 'fail_mode=secure')

    def start_ovn_controller(self, host):
        hd = os.path.join(self.dir, 'sandbox', host)
        self.sandbox('run', host, 'env', 'OVN_RUNDIR=' + hd, 'ovn-controller',
                     '--detach', '--no-chdir',
                     '--pidfile=%s/ovn-controller.pid' % hd,
                     '--log-file=%s/ovn-controller.log' % hd,
                     self.host_db(host))
        self.pids.append('%s/ovn-controller.pid' % hd)
        self.wait_for(lambda: subprocess.call(
            ['ovs-vsctl', '--db=' + self.host_db(host), 'br-exists',
             'br-int']) == 0)

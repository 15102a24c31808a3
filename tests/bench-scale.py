#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Benchmark of convergence at scale (make bench).  It prints figures and
# never passes or fails.
#
# One network of PORTS ports (default 10,000) spread over CHASSIS chassis
# (default 100): CHASSIS - 1 of them exist only in the database, with their
# ports bound to them; the last one is a real sandbox host with PORTS /
# CHASSIS ports of its own, veths in its integration bridge.  With
# everything in place, the host's controller starts cold; the benchmark
# reports how long it takes until the bridge's flow table stops changing
# and every local port is up, how many OpenFlow flows it installed, and
# the controller's CPU time and memory.  The same for OVN 23.03: one
# logical switch, fake chassis made with "ovn-sbctl chassis-add" and
# "lsp-bind", ovn-northd done before ovn-controller starts.
#
# With --json=FILE, it also writes the figures to FILE for
# tests/bench-report.py.
#
# usage: bench-scale.py BUILDDIR [--ports=N] [--chassis=N] [--no-ovn]
#                       [--json=FILE]

import argparse
import importlib.util
import json
import os
import shutil
import tempfile
import time

import benchlib
from benchlib import run

spec = importlib.util.spec_from_file_location(
    'bench_cni', os.path.join(os.path.dirname(__file__), 'bench-cni.py'))
bench_cni = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_cni)

BATCH = 500
CLK_TCK = os.sysconf('SC_CLK_TCK')


def proc_usage(pid):
    """Returns the CPU time (s), resident memory and peak resident memory
    (MB) of process 'pid'."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK
    mem = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            key, _, value = line.partition(':')
            if key in ('VmRSS', 'VmHWM'):
                mem[key] = int(value.split()[0]) / 1024
    return cpu, mem['VmRSS'], mem['VmHWM']


class Scale(bench_cni.Bench):
    def __init__(self, builddir, workdir, n_ports, n_chassis):
        super().__init__(builddir, workdir)
        self.n_ports = n_ports
        self.n_chassis = n_chassis
        self.n_local = n_ports // n_chassis

    def flow_count(self, host):
        out = self.sandbox('run', host, 'ovs-ofctl', 'dump-aggregate',
                           'br-int')
        return int(out.split('flow_count=')[1].split()[0])

    def add_local_veths(self, host, prefix, binding):
        """Adds the host's local ports, veths named PREFIX0..., to br-int,
        each with the external_ids that 'binding'(i) gives."""
        ns = self.sandbox('netns', host)
        cmds = []
        for i in range(self.n_local):
            name = '%s%d' % (prefix, i)
            run('ip', '-n', ns, 'link', 'add', name, 'type', 'veth', 'peer',
                'name', name + 'p')
            run('ip', '-n', ns, 'link', 'set', name, 'up')
            cmds += ['--', 'add-port', 'br-int', name, '--', 'set',
                     'Interface', name] + binding(i)
        run('ovs-vsctl', '--db=' + self.host_db(host), *cmds)

    def converge(self, host, start, pidfile, all_up):
        """Calls start(), then waits until the process in 'pidfile' is idle
        (less than 20 ms of CPU in 2 s), 'host's flow table has not changed
        for as long, and all_up() holds.  Returns the time from the start to
        the flow table's last change (s), the flow count, and the process'
        usage."""
        t0 = time.monotonic()
        start()
        with open(pidfile) as f:
            pid = int(f.read())
        last, last_change = -1, t0
        cpu_samples = []
        while True:
            n = self.flow_count(host)
            now = time.monotonic()
            cpu_samples = [(t, c) for t, c in cpu_samples if now - t <= 2]
            cpu_samples.append((now, proc_usage(pid)[0]))
            if n != last:
                last, last_change = n, now
            elif (now - last_change >= 2 and now - cpu_samples[0][0] >= 1.9
                  and cpu_samples[-1][1] - cpu_samples[0][1] < 0.02
                  and all_up()):
                break
            if now - t0 > 300:
                raise RuntimeError('%s did not converge in 300 s' % host)
            time.sleep(0.05)
        return (last_change - t0, last) + proc_usage(pid)

    # Sluice.

    def transact(self, ops):
        """Executes 'ops' in the northbound database.  Returns the UUIDs of
        the rows that they insert."""
        result = json.loads(run(
            'ovsdb-client', 'transact', os.environ['SLUICE_NB_DB'],
            json.dumps(['Sluice_Northbound'] + ops)))
        errors = [r for r in result if r and 'error' in r]
        if errors:
            raise RuntimeError('populating the northbound database: %s'
                               % errors[:3])
        return [r['uuid'][1] for r in result]

    def sluice(self):
        run('sluice-nbdb', '--dir=%s/nb' % self.dir, 'start')
        self.pids.append('%s/nb/sluice-nb.pid' % self.dir)
        run('sluice-ctl', 'init')
        run('sluice-ctl', 'tenant-add', 'acme', '--', 'network-add',
            'acme/web', '10.0.0.0/16', 'gateways=10.0.0.1')
        self.sandbox('host-add', 'hv1', '172.31.0.1/24',
                     '--controller=' + os.environ['SLUICE_NB_DB'])
        self.wait_for(lambda: 'hv1' in run(
            'sluice-ctl', '--bare', '--columns=name', 'list', 'Chassis'))
        pidfile = '%s/sandbox/hv1/sluice-controller.pid' % self.dir
        with open(pidfile) as f:
            os.kill(int(f.read()), 15)
        self.wait_for(lambda: not os.path.exists(pidfile))

        net = run('sluice-ctl', '--bare', '--columns=_uuid', 'find',
                  'Network', 'name=web').strip()
        chassis = [None] + self.transact([
            {'op': 'insert', 'table': 'Chassis',
             'row': {'name': 'fake%d' % c,
                     'encap_ip': '172.31.%d.%d' % (1 + c // 250, c % 250 + 1),
                     'encap_types': 'geneve', 'roles': 'compute'}}
            for c in range(1, self.n_chassis)])
        ops = []
        for i in range(self.n_ports):
            row = {'name': 'p%d' % i, 'network': ['uuid', net],
                   'mac': '0a:58:0a:00:%02x:%02x' % (i // 256, i % 256),
                   'ips': '10.0.%d.%d' % (1 + i // 250, i % 250 + 2)}
            c = i // self.n_local
            if c:
                row['chassis'] = ['uuid', chassis[c]]
                row['up'] = True
            ops.append({'op': 'insert', 'table': 'Port', 'row': row})
        for i in range(0, len(ops), BATCH):
            self.transact(ops[i:i + BATCH])
        self.add_local_veths('hv1', 'l', lambda i: [
            'external_ids:sluice-port=p%d' % i])

        def all_up():
            out = run('sluice-ctl', '--bare', '--columns=up', 'find', 'Port',
                      'up=true')
            return out.split().count('true') == self.n_ports
        return self.converge(
            'hv1', lambda: self.sandbox('controller-restart', 'hv1'),
            pidfile, all_up)

    # OVN 23.03.

    def ovn(self):
        self.setup_ovn(start_controller=False)
        sb = '--db=unix:%s/ovn/sb.sock' % self.dir
        cmds = []
        for i in range(self.n_ports):
            lsp, _, addr = self.ovn_port(i)
            cmds += ['--', 'lsp-add', 'sw0', lsp,
                     '--', 'lsp-set-addresses', lsp, addr]
            if len(cmds) >= 6 * BATCH or i == self.n_ports - 1:
                run('ovn-nbctl', '-vtimeval:off', self.ovn_nb, *cmds)
                cmds = []
        cmds = []
        for c in range(1, self.n_chassis):
            cmds += ['--', 'chassis-add', 'fake%d' % c, 'geneve',
                     '172.31.%d.%d' % (1 + c // 250, c % 250 + 1)]
        run('ovn-sbctl', '-vtimeval:off', sb, *cmds)
        run('ovn-nbctl', self.ovn_nb, '--timeout=600', '--wait=sb', 'sync')
        cmds = []
        for i in range(self.n_local, self.n_ports):
            cmds += ['--', 'lsp-bind', self.ovn_port(i)[0],
                     'fake%d' % (i // self.n_local)]
            if len(cmds) >= 4 * BATCH or i == self.n_ports - 1:
                run('ovn-sbctl', '-vtimeval:off', sb, *cmds)
                cmds = []
        self.add_local_veths('hv3', 'l', lambda i: [
            'external_ids:iface-id=' + self.ovn_port(i)[0]])

        db = '--db=' + self.host_db('hv3')

        def all_up():
            out = run('ovs-vsctl', db, '--bare', '--columns=external_ids',
                      'find', 'Interface', 'external_ids:ovn-installed=true')
            return out.count('ovn-installed=true') == self.n_local
        return self.converge(
            'hv3', lambda: self.start_ovn_controller('hv3'),
            '%s/sandbox/hv3/ovn-controller.pid' % self.dir, all_up)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('builddir')
    parser.add_argument('--ports', type=int, default=10000)
    parser.add_argument('--chassis', type=int, default=100)
    parser.add_argument('--no-ovn', action='store_true')
    benchlib.add_json_option(parser)
    args = parser.parse_args()
    if os.getuid():
        print('bench-scale: needs root (network namespaces)')
        return

    rows = []
    for name, ovn in (('sluice-controller', False), ('ovn-controller', True)):
        if ovn and (args.no_ovn or not shutil.which('ovn-controller')):
            continue
        workdir = tempfile.mkdtemp(prefix='sluice-bench-')
        bench = Scale(os.path.abspath(args.builddir), workdir, args.ports,
                      args.chassis)
        try:
            rows.append((name,) + (bench.ovn() if ovn else bench.sluice()))
        finally:
            bench.teardown()
            shutil.rmtree(workdir, ignore_errors=True)
        print('%-18s %8.2f %8d %8.2f %8.1f %8.1f' % rows[-1], flush=True)

    print('\nCold start with %d ports on %d chassis (%d local)'
          % (args.ports, args.chassis, args.ports // args.chassis))
    print('%-18s %8s %8s %8s %8s %8s' % ('controller', 'conv. s', 'flows',
                                         'CPU s', 'RSS MB', 'peak MB'))
    for row in rows:
        print('%-18s %8.2f %8d %8.2f %8.1f %8.1f' % row)

    keys = ('seconds', 'flows', 'cpu_s', 'rss_mb', 'peak_mb')
    benchlib.write_json(args.json, {
        'ports': args.ports, 'chassis': args.chassis,
        'controllers': {row[0]: dict(zip(keys, row[1:])) for row in rows}},
        args)


if __name__ == '__main__':
    main()

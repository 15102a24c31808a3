#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Benchmark of service insertion with the native steer and accept actions
# against standard OpenFlow (make bench-actions, part of make bench).  It
# prints figures and never passes or fails.
#
# On sandbox hosts (utilities/sluice-sandbox: namespaces, the userspace
# datapath, real veths, Geneve on the wire) hv1 and hv2, with container c1
# on hv1 and c2 on hv2 and null appliances (tests/si-appliance.py, which
# echo what they receive) on the fabric, it measures, with the controllers
# restarted in each mode (--service-actions=stock, then native):
#
#   OpenFlow flows and groups on hv1 for one insertion rule and instance,
#   and what each further instance and each further rule adds;
#   datapath flows on hv1 while N TCP connections cross a chain;
#   iperf3 throughput c1 -> c2 direct and through a chain of one Geneve
#   appliance;
#   failover: the gap in a 100 Hz ping through a chain of two instances
#   when the instance that carries it loses its underlay (health probes).
#
# With --json=FILE, it also writes the figures to FILE for
# tests/bench-report.py: {FIGURE: {"stock": VALUE, "native": VALUE}}.
#
# usage: bench-actions.py BUILDDIR [--connections=N] [--seconds=S]
#                         [--json=FILE]

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib
from benchlib import run


class Bench(benchlib.Sandbox):
    def __init__(self, builddir, workdir):
        super().__init__(builddir, workdir)
        self.srcdir = os.path.dirname(os.path.abspath(__file__))
        self.pids = []

    def ns(self, name, *args, **kwargs):
        return run('sluice-sandbox', 'run', name, *args, **kwargs)

    def ofctl(self, host, *args):
        return self.ns(host, 'ovs-ofctl', '-O', 'OpenFlow15', *args)

    def daemon(self, name, *args):
        p = subprocess.Popen(['sluice-sandbox', 'run', name] + list(args),
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.pids.append(p)
        return p

    def setup(self):
        run('sluice-nbdb', '--dir=%s/nb' % self.dir, 'start')
        run('sluice-ctl', 'init')
        for i, host in enumerate(('hv1', 'hv2')):
            self.sandbox('host-add', host, '172.31.0.%d/24' % (i + 1),
                         '--controller=' + os.environ['SLUICE_NB_DB'])
        for host in ('hv1', 'hv2'):
            self.wait_for(lambda: host in run('sluice-ctl', '--bare',
                                              '--columns=name', 'list',
                                              'Chassis').split())
        run('sluice-ctl', 'tenant-add', 'acme', '--', 'network-add',
            'acme/web', '10.0.0.0/24', 'vni=5001')
        for host, ctr in (('hv1', 'c1'), ('hv2', 'c2')):
            run('sluice-ctl', 'port-add', ctr, 'acme/web', 'chassis=' + host)
            self.sandbox('container-add', host, ctr, '--port=' + ctr)
            self.wait_for(lambda: run('sluice-ctl', 'get', 'Port', ctr,
                                      'up').strip() == 'true')
        self.wait_ping()
        self.daemon('c2', 'iperf3', '-s', '-B', '10.0.0.3')

    def wait_ping(self, timeout=30):
        self.wait_for(lambda: subprocess.call(
            ['sluice-sandbox', 'run', 'c1', 'ping', '-q', '-c', '1', '-W',
             '1', '10.0.0.3'], stdout=subprocess.DEVNULL) == 0, timeout)

    def appliance(self, name, address, chain):
        self.sandbox('container-add', 'fabric', name, address + '/24',
                     '--mtu=1500')
        state = os.path.join(self.dir, name)
        os.makedirs(state)
        self.daemon(name, sys.executable,
                    os.path.join(self.srcdir, 'si-appliance.py'),
                    '--encap=geneve', '--state=' + state,
                    '--chain=%d' % chain, '--vni=5001')
        self.wait_for(lambda: os.path.exists(os.path.join(state, 'counts')))

    def mode(self, actions):
        """Restarts both controllers with --service-actions=ACTIONS and
        waits until they have put their flows back."""
        os.environ['SLUICE_SERVICE_ACTIONS'] = actions
        for host in ('hv1', 'hv2'):
            self.ns(host, 'ovs-appctl', 'dpctl/flush-conntrack')
            self.sandbox('controller-restart', host)
            self.wait_for(lambda: ('service actions: %s ' % actions) in
                          self.ns(host, 'ovs-appctl', '-t',
                                  'sluice-controller', 'status'))
        run('sluice-ctl', '--wait=hv', '--timeout=30', 'sync')
        self.wait_ping()

    def teardown(self):
        for p in self.pids:
            p.terminate()
            p.wait()
        subprocess.call(['sluice-nbdb', '--dir=%s/nb' % self.dir, 'stop'],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.call(['sluice-sandbox', 'teardown'])

    # Measurements.

    def openflow(self):
        flows = len([l for l in self.ofctl('hv1', 'dump-flows', 'br-int')
                     .splitlines() if 'priority' in l])
        groups = len([l for l in self.ofctl('hv1', 'dump-groups', 'br-int')
                      .splitlines() if 'group_id' in l])
        return flows, groups

    def datapath_flows(self):
        return len(self.ns('hv1', 'ovs-appctl', 'dpctl/dump-flows',
                           'netdev@ovs-netdev')
                   .splitlines())

    def connections(self, n, dport):
        """Opens N concurrent TCP connections c1 -> c2:DPORT, holds them
        open, and returns hv1's datapath flow count while they are."""
        server = self.daemon('c2', 'python3', '-c', '''
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.0.3", %d)); s.listen(1024)
c = [s.accept() for _ in range(%d)]; time.sleep(60)''' % (dport, n))
        time.sleep(0.5)
        client = self.daemon('c1', 'python3', '-c', '''
import socket, time
c = []
for i in range(%d):
    s = socket.create_connection(("10.0.0.3", %d)); s.send(b"x"); c.append(s)
time.sleep(60)''' % (n, dport))
        time.sleep(3)
        count = self.datapath_flows()
        for p in (client, server):
            p.terminate()
            p.wait()
        self.pids.remove(client)
        self.pids.remove(server)
        return count

    def iperf(self, port, seconds):
        out = self.ns('c1', 'iperf3', '-c', '10.0.0.3', '-p', '5201',
                      '-t', str(seconds), '--cport', str(port), '-J')
        m = re.search(r'"sum_received":\s*{[^}]*"bits_per_second":\s*'
                      r'([0-9.e+]+)', out)
        return float(m.group(1)) / 1e6

    def failover(self, victim_of):
        """Pings c2 from c1 at 100 Hz through a chain of two instances,
        takes down the underlay of the instance that carries the pings,
        and returns the longest gap between replies, in ms."""
        ping = subprocess.Popen(
            ['sluice-sandbox', 'run', 'c1', 'ping', '-D', '-i', '0.01',
             '-w', '12', '10.0.0.3'], stdout=subprocess.PIPE,
            universal_newlines=True)
        time.sleep(2)
        victim = victim_of()
        self.ns(victim, 'ip', 'link', 'set', 'eth0', 'down')
        out = ping.communicate()[0]
        self.ns(victim, 'ip', 'link', 'set', 'eth0', 'up')
        times = [float(t) for t in re.findall(r'^\[([0-9.]+)\].*bytes from',
                                             out, re.M)]
        gaps = [b - a for a, b in zip(times, times[1:])]
        return max(gaps) * 1000 if gaps else float('nan')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('builddir')
    parser.add_argument('--connections', type=int, default=200)
    parser.add_argument('--seconds', type=int, default=10)
    benchlib.add_json_option(parser)
    args = parser.parse_args()
    if os.getuid():
        print('bench-actions: needs root (network namespaces)')
        return

    workdir = tempfile.mkdtemp(prefix='sluice-bench-')
    bench = Bench(os.path.abspath(args.builddir), workdir)
    modes = ('stock', 'native')
    res = {m: {} for m in modes}
    direct = None
    try:
        bench.setup()
        for m in modes:
            bench.mode(m)
            res[m]['base'] = bench.openflow()
        direct = bench.iperf(40000, args.seconds)

        # One rule and one instance, then three more instances, then four
        # more rules (each its own chain of the same service).
        run('sluice-ctl', 'service-add', 'acme/fw', '--', 'instance-add',
            'acme/fw/a1', 'geneve', 'address=172.31.0.100', '--',
            'chain-add', 'acme/c1', 'fw', '--', 'rule-add', 'acme/r1',
            '100', 'redirect', 'c1', 'protocol=tcp', 'dport=5201-5202')
        chain = int(run('sluice-ctl', 'get', 'Chain', 'c1', 'id'))
        bench.appliance('a1', '172.31.0.100', chain)
        for m in modes:
            bench.mode(m)
            res[m]['1 rule, 1 instance'] = bench.openflow()
            res[m]['iperf'] = bench.iperf(40001, args.seconds)
            res[m]['dp'] = bench.connections(args.connections, 5202)
        for i in (2, 3, 4):
            run('sluice-ctl', 'instance-add', 'acme/fw/a%d' % i, 'geneve',
                'address=172.31.0.%d' % (99 + i))
        for m in modes:
            bench.mode(m)
            res[m]['1 rule, 4 instances'] = bench.openflow()
        for i in (2, 3, 4, 5):
            run('sluice-ctl', 'chain-add', 'acme/c%d' % i, 'fw', '--',
                'rule-add', 'acme/r%d' % i, '100', 'redirect', 'c%d' % i,
                'protocol=tcp', 'dport=%d' % (6000 + i))
        for m in modes:
            bench.mode(m)
            res[m]['5 rules, 4 instances'] = bench.openflow()

        # Failover: a chain of two live instances carrying all IP traffic.
        for i in (3, 4):
            run('sluice-ctl', 'instance-del', 'acme/fw/a%d' % i)
        run('sluice-ctl', 'rule-add', 'acme/all', '50', 'redirect', 'c1')
        bench.appliance('a2', '172.31.0.101', chain)

        def victim():
            for name in ('a1', 'a2'):
                with open(os.path.join(workdir, name, 'connections')) as f:
                    if ' 1 forward' in f.read():
                        return name
            return 'a1'
        for m in modes:
            bench.mode(m)
            for name in ('a1', 'a2'):
                open(os.path.join(workdir, name, 'forget'), 'w').close()
            time.sleep(0.5)
            res[m]['failover'] = bench.failover(victim)
            bench.wait_for(lambda: 'down' not in run(
                'sluice-ctl', '--bare', '--columns=health', 'list',
                'Service_Instance'), 60)
    finally:
        bench.teardown()
        shutil.rmtree(workdir, ignore_errors=True)

    print('\nService insertion, standard OpenFlow (stock) against the native '
          'steer and accept actions')
    print('%-50s %14s %14s' % ('', 'stock', 'native'))
    for key in ('base', '1 rule, 1 instance', '1 rule, 4 instances',
                '5 rules, 4 instances'):
        print('%-50s %14s %14s' % (
            'OpenFlow flows/groups on hv1: ' + key,
            *('%d / %d' % res[m][key] for m in modes)))
    one = {m: res[m]['1 rule, 1 instance'] for m in modes}
    four = {m: res[m]['1 rule, 4 instances'] for m in modes}
    five = {m: res[m]['5 rules, 4 instances'] for m in modes}
    print('%-50s %14s %14s' % ('  per further instance (flows / groups)', *(
        '%.1f / %.1f' % ((four[m][0] - one[m][0]) / 3,
                         (four[m][1] - one[m][1]) / 3) for m in modes)))
    print('%-50s %14s %14s' % ('  per further rule and chain', *(
        '%.1f / %.1f' % ((five[m][0] - four[m][0]) / 4,
                         (five[m][1] - four[m][1]) / 4) for m in modes)))
    print('%-50s %14s %14s' % (
        'datapath flows, %d TCP connections' % args.connections,
        *(str(res[m]['dp']) for m in modes)))
    print('%-50s %14s %14s' % ('iperf3 Mbit/s (direct: %.0f)' % direct,
                               *('%.0f' % res[m]['iperf'] for m in modes)))
    print('%-50s %14s %14s' % ('failover: longest ping gap, ms',
                               *('%.0f' % res[m]['failover']
                                 for m in modes)))

    figures = {}
    for key in ('base', '1 rule, 1 instance', '1 rule, 4 instances',
                '5 rules, 4 instances'):
        for i, what in enumerate(('flows', 'groups')):
            figures['OpenFlow %s on hv1: %s' % (what, key)] = {
                m: res[m][key][i] for m in modes}
    figures['datapath flows, %d TCP connections' % args.connections] = {
        m: res[m]['dp'] for m in modes}
    figures['iperf3 through one appliance, Mbit/s'] = {
        m: round(res[m]['iperf']) for m in modes}
    figures['iperf3 direct (no rule), Mbit/s'] = round(direct)
    figures['failover: longest ping gap, ms'] = {
        m: round(res[m]['failover']) for m in modes}
    benchlib.write_json(args.json, figures, args)


if __name__ == '__main__':
    main()
